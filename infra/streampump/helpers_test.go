package streampump

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testLogger shows the pump's warnings in the test output, where they
// explain a failure; routine info stays out.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// itemPK is the partition key of the i-th item a test writes; the number
// in it tells a delivered record's write order.
func itemPK(i int) string { return fmt.Sprintf("item#%04d", i) }

// indexOfPK is the inverse of itemPK for a delivered record.
func indexOfPK(t *testing.T, rec events.DynamoDBEventRecord) int {
	t.Helper()
	pk, ok := rec.Change.Keys["PK"]
	if !ok || pk.DataType() != events.DataTypeString {
		t.Fatalf("record %s has no string PK in Keys: %v", rec.Change.SequenceNumber, rec.Change.Keys)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(pk.String(), "item#"))
	if err != nil {
		t.Fatalf("unexpected PK %q", pk.String())
	}
	return n
}

// putItems writes items from..to-1 (PK itemPK(i), SK "x") one PutItem at a
// time, so each is one stream record in order.
func putItems(t *testing.T, env *testenv.Env, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		putItem(t, env, i)
	}
}

func putItem(t *testing.T, env *testenv.Env, i int) {
	t.Helper()
	_, err := env.Client.PutItem(context.Background(), &dynamodb.PutItemInput{
		TableName: aws.String(env.Table),
		Item: map[string]dtypes.AttributeValue{
			"PK": &dtypes.AttributeValueMemberS{Value: itemPK(i)},
			"SK": &dtypes.AttributeValueMemberS{Value: "x"},
			"I":  &dtypes.AttributeValueMemberN{Value: strconv.Itoa(i)},
		},
	})
	if err != nil {
		t.Fatalf("put %d: %v", i, err)
	}
}

// recorder is a Handler that keeps every batch it was given. behave, if
// set, decides the answer; it is called with the lock held and the batch
// already recorded.
type recorder struct {
	mu      sync.Mutex
	batches [][]events.DynamoDBEventRecord
	seen    map[string]int // sequence number -> deliveries
	behave  func(ev events.DynamoDBEvent, seen map[string]int) (events.DynamoDBEventResponse, error)
	notify  chan struct{}
}

func newRecorder() *recorder {
	return &recorder{seen: map[string]int{}, notify: make(chan struct{}, 1)}
}

func (r *recorder) Handle(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, ev.Records)
	for _, rec := range ev.Records {
		r.seen[rec.Change.SequenceNumber]++
	}
	select {
	case r.notify <- struct{}{}:
	default:
	}
	if r.behave != nil {
		return r.behave(ev, r.seen)
	}
	return events.DynamoDBEventResponse{}, nil
}

// snapshot returns the batches delivered so far.
func (r *recorder) snapshot() [][]events.DynamoDBEventRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches)
}

// indexes returns, per delivery, the write index of each record.
func (r *recorder) indexes(t *testing.T) (all []int, perBatch [][]int) {
	t.Helper()
	for _, b := range r.snapshot() {
		var idx []int
		for _, rec := range b {
			idx = append(idx, indexOfPK(t, rec))
		}
		perBatch = append(perBatch, idx)
		all = append(all, idx...)
	}
	return all, perBatch
}

// distinct returns how many different records were delivered.
func (r *recorder) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// waitDistinct waits until n different records were delivered.
func (r *recorder) waitDistinct(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for r.distinct() < n {
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("after %s: %d distinct records delivered, want %d", timeout, r.distinct(), n)
		}
	}
}

// drain runs p.Drain with a deadline, failing t on error.
func drain(t *testing.T, p *Pump) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
}

// failure is one OnFailure call.
type failure struct {
	rec events.DynamoDBEventRecord
	err error
}

// failures collects OnFailure calls.
type failures struct {
	mu   sync.Mutex
	list []failure
}

func (f *failures) OnFailure(_ context.Context, rec events.DynamoDBEventRecord, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, failure{rec, err})
}

func (f *failures) get() []failure {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.list)
}
