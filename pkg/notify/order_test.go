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
	var (
		mu      sync.Mutex
		tried   = map[string][]string{}
		running int
		most    int
	)
	decode := func(r events.DynamoDBEventRecord) (*warmlead.Fact, error) {
		mu.Lock()
		running++
		most = max(most, running)
		pk := r.Change.Keys["PK"].String()
		tried[pk] = append(tried[pk], r.Change.SequenceNumber)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		if r.Change.SequenceNumber == "3" {
			return nil, errors.New("boom")
		}
		return nil, nil // no fact: nothing to write
	}
	h := notify.NewHandler(quietLogger(), decode, nil)
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
		if !slices.Equal(tried[pk], want) {
			t.Errorf("key %s tried %v, want %v", pk, tried[pk], want)
		}
	}
	if most < 2 {
		t.Errorf("at most %d record at a time, want keys handled at once", most)
	}

	h.SetWorkers(1)
	tried, most = map[string][]string{}, 0
	if _, err := h.Handle(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if most != 1 {
		t.Errorf("with one worker, %d records at a time", most)
	}
}
