package streampump

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkpointVersion is written into every checkpoint file so a future
// format change can be recognised instead of misread.
const checkpointVersion = 1

// checkpoint is the progress the pump keeps per shard: the role DynamoDB
// plays for an event source mapping, whose position survives restarts of
// the function. It is what lets the pump resume with AFTER_SEQUENCE_NUMBER
// instead of redelivering the whole stream or skipping what was written
// while it was down.
type checkpoint struct {
	Version   int                        `json:"version"`
	StreamARN string                     `json:"streamArn"`
	Shards    map[string]shardCheckpoint `json:"shards"`
}

// shardCheckpoint is one shard's progress. SequenceNumber is the last record
// that is done (delivered successfully or handed to OnFailure); Finished
// means the shard is closed and every record in it is done, which is what
// lets its children start.
type shardCheckpoint struct {
	SequenceNumber string `json:"sequenceNumber,omitempty"`
	Finished       bool   `json:"finished,omitempty"`
}

func newCheckpoint(streamARN string) *checkpoint {
	return &checkpoint{Version: checkpointVersion, StreamARN: streamARN, Shards: map[string]shardCheckpoint{}}
}

// loadCheckpoint reads path. A missing file is a fresh start, not an error.
func loadCheckpoint(path string) (*checkpoint, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("streampump: read checkpoint: %w", err)
	}
	var cp checkpoint
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, fmt.Errorf("streampump: checkpoint %s: %w", path, err)
	}
	if cp.Version != checkpointVersion {
		return nil, fmt.Errorf("streampump: checkpoint %s: version %d, want %d", path, cp.Version, checkpointVersion)
	}
	if cp.Shards == nil {
		cp.Shards = map[string]shardCheckpoint{}
	}
	return &cp, nil
}

// save writes cp to path atomically: a temporary file in the same
// directory, synced, then renamed over the old one. A crash therefore
// leaves either the previous checkpoint or the new one, never a torn file
// that would make the next start redeliver everything or fail.
func (cp *checkpoint) save(path string) (err error) {
	data, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return fmt.Errorf("streampump: encode checkpoint: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("streampump: checkpoint dir: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("streampump: write checkpoint: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(append(data, '\n')); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("streampump: write checkpoint: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("streampump: write checkpoint: %w", err)
	}
	return nil
}
