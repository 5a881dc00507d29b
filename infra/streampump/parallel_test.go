package streampump

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/testenv"
)

// TestParallelLanes: with Parallelization 4, batches of different
// partition keys are in flight at once, the records of each key still
// arrive in write order (a failed record is retried before anything after
// it of its key), none is lost, and the checkpoint covers them all.
func TestParallelLanes(t *testing.T) {
	env := testenv.New(t)
	const keys, writes = 8, 40
	// Each write updates one of 8 items: records of one key are MODIFYs of
	// one item, in write order.
	for i := range keys * writes {
		_, err := env.Client.PutItem(context.Background(), &dynamodb.PutItemInput{
			TableName: aws.String(env.Table),
			Item: map[string]dtypes.AttributeValue{
				"PK": &dtypes.AttributeValueMemberS{Value: "key#" + strconv.Itoa(i%keys)},
				"SK": &dtypes.AttributeValueMemberS{Value: "x"},
				"I":  &dtypes.AttributeValueMemberN{Value: strconv.Itoa(i)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	var (
		mu       sync.Mutex
		inFlight atomic.Int32
		most     atomic.Int32
		last     = map[string]int{} // key -> last write index handled
		handled  = map[int]bool{}
		failedAt = -1
	)
	h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(10 * time.Millisecond) // long enough for the lanes to overlap
		mu.Lock()
		defer mu.Unlock()
		var resp events.DynamoDBEventResponse
		for _, r := range ev.Records {
			key := r.Change.Keys["PK"].String()
			i, _ := strconv.Atoi(r.Change.NewImage["I"].Number())
			if failedAt < 0 && i == 100 { // fail one record once
				failedAt = i
				resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: r.Change.SequenceNumber}}
				break
			}
			if prev, ok := last[key]; ok && i < prev && !handled[i] {
				t.Errorf("key %s: write %d handled after write %d", key, i, prev)
			}
			last[key] = max(last[key], i)
			handled[i] = true
		}
		return resp, nil
	}
	cpPath := filepath.Join(t.TempDir(), "cp.json")
	opts := Options{BatchSize: 10, PollInterval: 20 * time.Millisecond, Parallelization: 4,
		CheckpointPath: cpPath, Logger: testLogger(t)}
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, h, opts))

	mu.Lock()
	if len(handled) != keys*writes {
		t.Errorf("%d of %d records handled", len(handled), keys*writes)
	}
	if failedAt < 0 {
		t.Error("the failing record was never delivered")
	}
	mu.Unlock()
	if most.Load() < 2 {
		t.Errorf("at most %d batch in flight, want lanes at the same time", most.Load())
	}
	// Everything is checkpointed: a new pump on the same file has nothing.
	again := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, again.Handle, opts))
	if n := again.distinct(); n != 0 {
		t.Errorf("after a restart %d records delivered again, want 0", n)
	}
}
