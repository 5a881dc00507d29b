package notify_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// TestRecordsOfOneKeyInOrder: a batch's records of different partition
// keys are handled at the same time, those of one key one after the other
// in batch order; once a record of a key fails, the later ones of that key
// are reported failed untried (a retry handles them after it), while other
// keys go on.
func TestRecordsOfOneKeyInOrder(t *testing.T) {
	rec := func(seq, pk string) events.DynamoDBEventRecord {
		return events.DynamoDBEventRecord{Change: events.DynamoDBStreamRecord{SequenceNumber: seq,
			Keys: map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute(pk)}}}
	}
	batch := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		rec("1", "A"), rec("2", "B"), rec("3", "A"), rec("4", "C"), rec("5", "A"), rec("6", "B"), rec("7", "B"),
	}}
	// Each record is a connection request of its key's member; handling
	// one reads the connection back, which the probe records.
	decode := func(r events.DynamoDBEventRecord) (*warmlead.Fact, error) {
		return &warmlead.Fact{Kind: warmlead.FactConnectionRequest, Connection: &warmlead.Connection{
			ID: r.Change.SequenceNumber, RequesterID: r.Change.SequenceNumber, RecipientID: r.Change.Keys["PK"].String()}}, nil
	}
	probe := &probeStore{tried: map[string][]string{}, fail: "3"}
	h := notify.NewHandler(quietLogger(), decode, probe)
	resp, err := h.Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	slices.Sort(failed)
	if want := []string{"3", "5"}; !slices.Equal(failed, want) {
		t.Errorf("failures %v, want %v (the failed record and the later one of its key)", failed, want)
	}
	for pk, want := range map[string][]string{"A": {"1", "3"}, "B": {"2", "6", "7"}, "C": {"4"}} {
		if !slices.Equal(probe.tried[pk], want) {
			t.Errorf("key %s tried %v, want %v", pk, probe.tried[pk], want)
		}
	}
	if probe.most < 2 {
		t.Errorf("at most %d record at a time, want keys handled at once", probe.most)
	}

	h.SetWorkers(1)
	probe.tried, probe.most = map[string][]string{}, 0
	if _, err := h.Handle(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if probe.most != 1 {
		t.Errorf("with one worker, %d records at a time", probe.most)
	}
}

// probeStore records which connections are read back, by recipient (the
// record's key), and how many at once; reading fail's fails. Any other
// call but writing notifications panics (nil FanoutStore).
type probeStore struct {
	warmlead.FanoutStore
	mu            sync.Mutex
	tried         map[string][]string
	running, most int
	fail          string
}

func (p *probeStore) CurrentConnection(_ context.Context, owner, other string) (*warmlead.Connection, error) {
	p.mu.Lock()
	p.running++
	p.most = max(p.most, p.running)
	p.tried[owner] = append(p.tried[owner], other)
	p.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	p.mu.Lock()
	p.running--
	p.mu.Unlock()
	if other == p.fail {
		return nil, errors.New("boom")
	}
	return &warmlead.Connection{ID: other, RequesterID: other, RecipientID: owner}, nil
}

func (p *probeStore) PutNotifications(context.Context, []*warmlead.Notification) error { return nil }
