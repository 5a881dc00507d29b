package streampump

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/warmlead/warmlead/infra/testenv"
)

// TestOrderAndBatching: records written while the pump runs, and records
// written while it is idle, arrive in write order, each exactly once, in
// batches of at most BatchSize (and exactly BatchSize when enough wait).
func TestOrderAndBatching(t *testing.T) {
	env := testenv.New(t)
	const batchSize, live, idle = 32, 250, 100
	rec := newRecorder()
	p := New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{
		BatchSize: batchSize, PollInterval: 20 * time.Millisecond, Logger: testLogger(t),
	})

	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- p.Run(ctx) }()
	putItems(t, env, 0, live)
	rec.waitDistinct(t, live, 20*time.Second)
	cancel()
	if err := <-runErr; err != nil {
		t.Fatalf("Run after cancel = %v, want nil", err)
	}
	liveBatches := len(rec.snapshot())

	// Written while nothing reads: the next Drain finds them all waiting.
	putItems(t, env, live, live+idle)
	drain(t, p)

	all, perBatch := rec.indexes(t)
	want := make([]int, live+idle)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(all, want) {
		t.Fatalf("delivered %d records, not each once in write order:\n%v", len(all), all)
	}
	for i, b := range perBatch {
		if len(b) == 0 || len(b) > batchSize {
			t.Errorf("batch %d has %d records, want 1..%d", i, len(b), batchSize)
		}
	}
	var idleSizes []int
	for _, b := range perBatch[liveBatches:] {
		idleSizes = append(idleSizes, len(b))
	}
	if wantSizes := []int{32, 32, 32, 4}; !slices.Equal(idleSizes, wantSizes) {
		t.Errorf("batches of the waiting records: %v, want %v", idleSizes, wantSizes)
	}
	t.Logf("%d records written while running came in %d batches", live, liveBatches)
}

// failIndex makes a behaviour that reports the record with write index idx as
// a batch item failure on its first n deliveries (n < 0: always).
func failIndex(t *testing.T, idx, n int) func(events.DynamoDBEvent, map[string]int) (events.DynamoDBEventResponse, error) {
	return func(ev events.DynamoDBEvent, seen map[string]int) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		for _, r := range ev.Records {
			if indexOfPK(t, r) == idx && (n < 0 || seen[r.Change.SequenceNumber] <= n) {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			}
		}
		return resp, nil
	}
}

// checkDeliveries checks the at-least-once rules on what the handler saw
// (see checkBatches) and that the delivery counts match want (write index
// -> deliveries; an index not in want was delivered exactly once).
func checkDeliveries(t *testing.T, rec *recorder, n int, want map[int]int) {
	t.Helper()
	count := checkBatches(t, rec, n)
	for i := 0; i < n; i++ {
		w, ok := want[i]
		if !ok {
			w = 1
		}
		if count[i] != w {
			t.Errorf("record %d delivered %d times, want %d", i, count[i], w)
		}
	}
}

// checkBatches checks what holds whatever failed: records 0..n-1 all
// arrived, each batch is a run of consecutive records in write order, and
// no batch starts past the record after the previous batch (nothing
// skipped). It returns the deliveries per write index.
func checkBatches(t *testing.T, rec *recorder, n int) map[int]int {
	t.Helper()
	count, perBatch := countDeliveries(t, rec, n)
	if len(count) != n {
		t.Errorf("%d distinct records delivered, want %d", len(count), n)
	}
	for bi, b := range perBatch {
		for k := 1; k < len(b); k++ {
			if b[k] != b[k-1]+1 {
				t.Errorf("batch %d is not consecutive records in order: %v", bi, b)
				break
			}
		}
		if bi > 0 && len(b) > 0 && b[0] > perBatch[bi-1][len(perBatch[bi-1])-1]+1 {
			t.Errorf("batch %d starts at %d: records skipped after batch %v", bi, b[0], perBatch[bi-1])
		}
	}
	return count
}

// countDeliveries counts how often each record came, failing the test for
// each of the n never delivered, and returns the batches as delivered.
func countDeliveries(t *testing.T, rec *recorder, n int) (map[int]int, [][]int) {
	t.Helper()
	all, perBatch := rec.indexes(t)
	count := map[int]int{}
	for _, i := range all {
		count[i]++
	}
	for i := 0; i < n; i++ {
		if count[i] == 0 {
			t.Errorf("record %d never delivered", i)
		}
	}
	return count, perBatch
}

// checkLaneBatches is checkBatches for a pump with several lanes: each of
// the n records delivered, each batch in write order (a lane's records are
// not consecutive), and it returns how often each came.
func checkLaneBatches(t *testing.T, rec *recorder, n int) map[int]int {
	t.Helper()
	count, perBatch := countDeliveries(t, rec, n)
	for bi, b := range perBatch {
		if !slices.IsSorted(b) {
			t.Errorf("batch %d is not in write order: %v", bi, b)
		}
	}
	return count
}

// TestPartialFailure covers ReportBatchItemFailures and handler errors.
func TestPartialFailure(t *testing.T) {
	const n, batch = 20, 5

	t.Run("item fails twice then succeeds", func(t *testing.T) {
		env := testenv.New(t)
		putItems(t, env, 0, n)
		rec, fails := newRecorder(), &failures{}
		rec.behave = failIndex(t, 7, 2)
		p := New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{
			BatchSize: batch, PollInterval: 10 * time.Millisecond, OnFailure: fails.OnFailure, Logger: testLogger(t),
		})
		drain(t, p)
		// Batch [5..9] fails at 7: 5 and 6 are done; [7..11] fails again;
		// [7..11] succeeds. So 7, 8, 9 come three times, 10 and 11 twice.
		checkDeliveries(t, rec, n, map[int]int{7: 3, 8: 3, 9: 3, 10: 2, 11: 2})
		if f := fails.get(); len(f) != 0 {
			t.Errorf("OnFailure called %d times, want 0", len(f))
		}
		before := len(rec.snapshot())
		drain(t, p)
		if after := len(rec.snapshot()); after != before {
			t.Errorf("a second Drain delivered %d more batches", after-before)
		}
	})

	t.Run("item always fails goes to OnFailure", func(t *testing.T) {
		env := testenv.New(t)
		putItems(t, env, 0, n)
		rec, fails := newRecorder(), &failures{}
		rec.behave = failIndex(t, 12, -1)
		p := New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{
			BatchSize: batch, PollInterval: 10 * time.Millisecond, MaxRetries: 2, OnFailure: fails.OnFailure, Logger: testLogger(t),
		})
		drain(t, p)
		// [10..14] fails at 12, then [12..16] fails twice more: 12 has had
		// 1+MaxRetries attempts and goes to OnFailure; [13..17] succeeds.
		checkDeliveries(t, rec, n, map[int]int{12: 3, 13: 4, 14: 4, 15: 3, 16: 3})
		f := fails.get()
		if len(f) != 1 || indexOfPK(t, f[0].rec) != 12 || f[0].err == nil {
			t.Fatalf("OnFailure calls = %+v, want one for record 12 with an error", f)
		}
		if f[0].rec.EventSourceArn != env.StreamARN || f[0].rec.EventName != "INSERT" {
			t.Errorf("OnFailure record is not a full record: %+v", f[0].rec)
		}
		t.Logf("OnFailure error: %v", f[0].err)
		putItems(t, env, n, n+1)
		before := len(rec.snapshot())
		drain(t, p)
		if b := rec.snapshot()[before:]; len(b) != 1 || len(b[0]) != 1 || indexOfPK(t, b[0][0]) != n {
			t.Errorf("after the skip, the next Drain delivered %v, want only record %d", b, n)
		}
	})

	t.Run("handler error retries the whole batch", func(t *testing.T) {
		env := testenv.New(t)
		putItems(t, env, 0, n)
		rec, fails := newRecorder(), &failures{}
		attempts := map[int]int{}
		rec.behave = func(ev events.DynamoDBEvent, _ map[string]int) (events.DynamoDBEventResponse, error) {
			first := indexOfPK(t, ev.Records[0])
			attempts[first]++
			switch {
			case first == 5 && attempts[first] == 1:
				panic("boom") // a panic is an error, not the end of the process
			case first == 5 && attempts[first] == 2:
				return events.DynamoDBEventResponse{}, errors.New("transient")
			case first == 10:
				return events.DynamoDBEventResponse{}, errors.New("always")
			}
			return events.DynamoDBEventResponse{}, nil
		}
		p := New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{
			BatchSize: batch, PollInterval: 10 * time.Millisecond, MaxRetries: 2, OnFailure: fails.OnFailure, Logger: testLogger(t),
		})
		drain(t, p)
		// [5..9] fails twice as a whole, then succeeds. [10..14] fails
		// 1+MaxRetries times; 10 goes to OnFailure; [11..15] succeeds.
		checkDeliveries(t, rec, n, map[int]int{5: 3, 6: 3, 7: 3, 8: 3, 9: 3, 10: 3, 11: 4, 12: 4, 13: 4, 14: 4})
		f := fails.get()
		if len(f) != 1 || indexOfPK(t, f[0].rec) != 10 {
			t.Fatalf("OnFailure calls = %+v, want one for record 10", f)
		}
	})

	t.Run("lowest of several failures counts", func(t *testing.T) {
		env := testenv.New(t)
		putItems(t, env, 0, 6)
		rec := newRecorder()
		rec.behave = func(ev events.DynamoDBEvent, seen map[string]int) (events.DynamoDBEventResponse, error) {
			var resp events.DynamoDBEventResponse
			// Reported out of order, as a handler working concurrently might.
			for _, i := range []int{3, 1, 4} {
				for _, r := range ev.Records {
					if indexOfPK(t, r) == i && seen[r.Change.SequenceNumber] == 1 {
						resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
					}
				}
			}
			return resp, nil
		}
		drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{PollInterval: 10 * time.Millisecond, Logger: testLogger(t)}))
		// [0..5] fails at 1, neither the first nor the last reported: 0 is
		// done, [1..5] succeeds.
		checkDeliveries(t, rec, 6, map[int]int{1: 2, 2: 2, 3: 2, 4: 2, 5: 2})
	})

	t.Run("unknown item identifier fails the whole batch", func(t *testing.T) {
		env := testenv.New(t)
		putItems(t, env, 0, 3)
		rec := newRecorder()
		rec.behave = func(ev events.DynamoDBEvent, seen map[string]int) (events.DynamoDBEventResponse, error) {
			if seen[ev.Records[0].Change.SequenceNumber] == 1 {
				return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: ""}}}, nil
			}
			return events.DynamoDBEventResponse{}, nil
		}
		drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{PollInterval: 10 * time.Millisecond, Logger: testLogger(t)}))
		checkDeliveries(t, rec, 3, map[int]int{0: 2, 1: 2, 2: 2})
	})
}

// TestRestartFromCheckpoint: a new Pump on the same checkpoint delivers
// only what was written since, including what was written while no pump
// ran; without a checkpoint a pump starts at TRIM_HORIZON, not LATEST.
func TestRestartFromCheckpoint(t *testing.T) {
	env := testenv.New(t)
	path := filepath.Join(t.TempDir(), "state", "checkpoint.json")
	opts := func() Options { return Options{CheckpointPath: path, BatchSize: 4, Logger: testLogger(t)} }

	putItems(t, env, 0, 10)
	first := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, first.Handle, opts()))
	checkDeliveries(t, first, 10, nil)

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no checkpoint written: %v", err)
	}
	var cp checkpoint
	if err := json.Unmarshal(data, &cp); err != nil || cp.StreamARN != env.StreamARN || len(cp.Shards) != 1 {
		t.Fatalf("checkpoint %s: %v", data, err)
	}
	if tmp, _ := filepath.Glob(path + ".tmp-*"); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}

	putItems(t, env, 10, 15) // written while no pump runs
	second := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, second.Handle, opts()))
	all, _ := second.indexes(t)
	if !slices.Equal(all, []int{10, 11, 12, 13, 14}) {
		t.Errorf("after restart delivered %v, want [10 11 12 13 14]", all)
	}

	fresh := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, fresh.Handle, Options{Logger: testLogger(t)}))
	checkDeliveries(t, fresh, 15, nil)

	// A damaged checkpoint means redelivery (allowed), never loss.
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, damaged.Handle, Options{CheckpointPath: path, Logger: testLogger(t).With("expect", "checkpoint unreadable")}))
	checkDeliveries(t, damaged, 15, nil)
}

// TestStreamErrorsRetried injects Streams API failures (expired
// iterators, server errors, a failing DescribeStream) while the handler
// also fails records now and then, so that errors hit while records wait
// for a retry: the pump rides it out, nothing lost, nothing skipped, no
// record queued twice.
func TestStreamErrorsRetried(t *testing.T) {
	// With one lane, and with lanes in flight when the errors hit.
	for _, lanes := range []int{1, 4} {
		t.Run(fmt.Sprintf("lanes=%d", lanes), func(t *testing.T) { streamErrorsRetried(t, lanes) })
	}
}

func streamErrorsRetried(t *testing.T, lanes int) {
	env := testenv.New(t)
	const n = 40
	putItems(t, env, 0, n)

	var calls, expired, internal atomic.Int64
	inject := func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("injectFailures",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				k := calls.Add(1)
				switch op := awsmiddleware.GetOperationName(ctx); {
				case op == "DescribeStream" && k == 1:
					internal.Add(1)
					return middleware.InitializeOutput{}, middleware.Metadata{}, &types.InternalServerError{Message: aws.String("injected")}
				case op == "GetRecords" && k%3 == 0:
					expired.Add(1)
					return middleware.InitializeOutput{}, middleware.Metadata{}, &types.ExpiredIteratorException{Message: aws.String("injected")}
				case op == "GetRecords" && k%5 == 0:
					internal.Add(1)
					return middleware.InitializeOutput{}, middleware.Metadata{}, &types.InternalServerError{Message: aws.String("injected")}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
	base := NewStreamsClient(env.Endpoint)
	client := dynamodbstreams.New(base.Options(), func(o *dynamodbstreams.Options) { o.APIOptions = append(o.APIOptions, inject) })

	rec := newRecorder()
	rec.behave = func(ev events.DynamoDBEvent, seen map[string]int) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		for _, r := range ev.Records {
			if indexOfPK(t, r)%4 == 1 && seen[r.Change.SequenceNumber] == 1 {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			}
		}
		return resp, nil
	}
	var sawLambdaContext atomic.Bool
	handle := func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
			sawLambdaContext.Store(true)
		}
		return rec.Handle(ctx, ev)
	}
	quiet := testLogger(t).With("expect", "injected failures")
	drain(t, New(client, env.StreamARN, handle, Options{BatchSize: 4, PollInterval: 5 * time.Millisecond, Parallelization: lanes, Logger: quiet}))
	var count map[int]int
	if lanes == 1 {
		count = checkBatches(t, rec, n)
	} else {
		count = checkLaneBatches(t, rec, n)
	}
	for i := 0; i < n; i++ {
		// Every fourth record fails once, so it and the ones behind it in
		// its batch come twice; nothing should come a third time.
		if count[i] > 2 {
			t.Errorf("record %d delivered %d times, want at most 2", i, count[i])
		}
	}
	if !sawLambdaContext.Load() {
		t.Error("handler context carries no lambdacontext with a request id")
	}
	if expired.Load() == 0 || internal.Load() < 2 {
		t.Errorf("injected %d expired iterators and %d server errors, want both", expired.Load(), internal.Load())
	}
	t.Logf("%d Streams API calls: %d expired iterators and %d server errors injected", calls.Load(), expired.Load(), internal.Load())
}

// TestRunAndDrainExclusive: two readers on one position would deliver
// every record twice, so the second is refused.
func TestRunAndDrainExclusive(t *testing.T) {
	env := testenv.New(t)
	p := New(NewStreamsClient(env.Endpoint), env.StreamARN, newRecorder().Handle, Options{Logger: testLogger(t)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		done <- p.Run(ctx)
	}()
	<-started
	deadline := time.Now().Add(5 * time.Second)
	for p.running.TryLock() {
		p.running.Unlock() // Run has not taken it yet
		if time.Now().After(deadline) {
			t.Fatal("Run did not start")
		}
		time.Sleep(time.Millisecond)
	}
	if err := p.Drain(context.Background()); err == nil {
		t.Error("Drain during Run succeeded, want an error")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if err := New(nil, env.StreamARN, nil, Options{}).Drain(context.Background()); err == nil {
		t.Error("Drain on a Pump without client and handler succeeded")
	}
}

// TestOptionsDefaults pins the defaults documented on Options.
func TestOptionsDefaults(t *testing.T) {
	p := New(NewStreamsClient("http://127.0.0.1:1"), "arn", newRecorder().Handle, Options{})
	got := []any{p.opts.BatchSize, p.opts.PollInterval, p.opts.MaxRetries, p.opts.OnFailure != nil, p.log != nil}
	if want := []any{100, 200 * time.Millisecond, 3, true, true}; !reflect.DeepEqual(got, want) {
		t.Errorf("defaults %v, want %v", got, want)
	}
	if p := New(nil, "arn", nil, Options{MaxRetries: -1}); p.opts.MaxRetries != 0 {
		t.Errorf("MaxRetries -1 -> %d, want 0 (no retry)", p.opts.MaxRetries)
	}
}
