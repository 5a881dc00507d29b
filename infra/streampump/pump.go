// Package streampump plays, on a laptop, the part of AWS Lambda that reads a
// DynamoDB stream and invokes a function with it: the event source mapping
// of the notifier (template.yaml, NotifierFunction, TableStream). It reads
// the table's stream from DynamoDB Local through the DynamoDB Streams API,
// converts the records into the events.DynamoDBEvent Lambda would deliver
// and calls the very handler function the Lambda runs, so that `make run`
// and the tests exercise the notifier as it runs in AWS rather than a
// stand-in.
//
// What it reproduces, because the handler's correctness depends on it:
//
//   - Records of a shard arrive in order, in batches of at most BatchSize;
//     a child shard is read only once its parent is finished. With a
//     Parallelization (ParallelizationFactor) above 1, the order kept is
//     that of each partition key, as in Lambda: up to that many batches of
//     one shard are in flight at once, each of records whose keys hash to
//     its lane. Shards are served at the same time, as Lambda polls each
//     shard on its own.
//   - ReportBatchItemFailures: the records before the lowest reported
//     failure are done, the batch is retried from that record; a handler
//     error retries the whole batch. A record that keeps failing goes to
//     OnFailure after MaxRetries retries and is skipped, so one bad record
//     never blocks the shard.
//   - At-least-once delivery: nothing is lost or skipped, but retries
//     deliver records again, as in AWS.
//   - The position survives restarts (CheckpointPath), and a pump that was
//     down delivers what was written meanwhile (TRIM_HORIZON, not LATEST,
//     for shards it has never read; StartingPosition in template.yaml).
//   - Each invocation goes through JSON, as the Lambda runtime's does, and
//     carries a lambdacontext with a request id.
//
// What it does not reproduce: MaximumBatchingWindowInSeconds (a batch is
// delivered as soon as records are read, which only lowers latency),
// BisectBatchOnFunctionError (see Options.MaxRetries),
// and MaximumRecordAgeInSeconds. A failing lane holds back the whole
// shard's next round until its retry is due (Lambda holds back only that
// lane); and the handler runs in this process, so it must be safe for
// concurrent calls when Parallelization is above 1.
package streampump

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// Handler is the signature of a Lambda function subscribed to a DynamoDB
// stream with ReportBatchItemFailures, e.g. (*notify.Handler).Handle.
type Handler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Options tunes a Pump. The zero value mirrors the NotifierFunction's event
// source mapping where that makes sense locally.
type Options struct {
	// BatchSize is the most records per invocation; default 100, as in
	// template.yaml.
	BatchSize int
	// PollInterval is how long the pump waits after a round that found
	// nothing new; default 200ms (Lambda polls a shard about four times a
	// second). It is also the first delay before retrying a failed batch.
	PollInterval time.Duration
	// MaxRetries is how many times a failing record is retried before it
	// goes to OnFailure: it is attempted 1+MaxRetries times, as with
	// MaximumRetryAttempts. 0 means the default, 3; a negative value means
	// no retry at all. When the handler returns an error for the whole
	// batch, the count is kept on the batch's first record, and it is that
	// record which goes to OnFailure; the rest of the batch is then retried
	// with a fresh count (Lambda's BisectBatchOnFunctionError would isolate
	// the culprit instead, which is why handlers should report batch item
	// failures rather than return errors).
	MaxRetries int
	// CheckpointPath is the file recording progress per shard, written
	// atomically after every batch; "" keeps progress in memory only, so a
	// new Pump starts again from TRIM_HORIZON.
	CheckpointPath string
	// OnFailure receives each record skipped after its retries, with the
	// last error: the on-failure destination (an SQS queue in AWS). The
	// default logs the record at error level. The record is checkpointed
	// as done once OnFailure returns.
	OnFailure func(ctx context.Context, rec events.DynamoDBEventRecord, err error)
	// Logger receives the pump's own logs; default slog.Default().
	Logger *slog.Logger
	// Parallelization is how many batches of one shard are in flight at
	// once, as the event source mapping's ParallelizationFactor (1 to 10;
	// default 1). The shard's records are spread over that many lanes by a
	// hash of their partition key, each lane delivering its own batches in
	// order, so records of one partition key are still delivered one batch
	// after the other, in order; records of different keys may be handled
	// at the same time and finish out of order (docs/platform.md, "Stream
	// order"). The checkpoint only moves past a record once every record
	// before it is done. The handler must be safe for concurrent calls.
	Parallelization int
	// PartitionKey is the attribute the lanes hash: the table's partition
	// key, default "PK" (template.yaml).
	PartitionKey string
	// Filter is the event source mapping's FilterCriteria (ParseFilter):
	// records it does not match are never delivered and count as done, as
	// with Lambda's event filtering, and batches fill with records that
	// match. nil delivers every record.
	Filter *Filter
}

const (
	defaultBatchSize    = 100
	defaultPollInterval = 200 * time.Millisecond
	defaultMaxRetries   = 3
	defaultPartitionKey = "PK"

	// maxParallelization is Lambda's upper bound on ParallelizationFactor.
	maxParallelization = 10

	// getRecordsLimit is the most records GetRecords returns in one call.
	getRecordsLimit = 1000

	// maxReadsPerRound bounds the GetRecords calls of one shard in one
	// round when a filter drops most records: enough to fill the lanes'
	// batches with records that match, not a read of the whole backlog.
	maxReadsPerRound = 8

	// describeEvery bounds how long the shard list may go unrefreshed. The
	// list is also refreshed whenever a shard finishes (its children appear
	// then) and at the start of every Drain, so this is only a safety net.
	describeEvery = 30 * time.Second

	// Backoff between rounds after a Streams API error (DynamoDB Local
	// restarting, for instance): short enough to resume within a second of
	// the server coming back, long enough not to flood the log.
	minErrorBackoff = 100 * time.Millisecond
	maxErrorBackoff = 5 * time.Second

	// maxRetryBackoff caps the delay before retrying a failed batch.
	maxRetryBackoff = 5 * time.Second
)

// errBusy is returned when Run or Drain is called while another Run or
// Drain of the same Pump is in progress: two readers of one position would
// deliver every record twice.
var errBusy = errors.New("streampump: Run or Drain already in progress on this Pump")

// Pump reads one stream and feeds one handler. Run and Drain must not be
// called concurrently on the same Pump (the second call returns an error);
// calling them one after the other continues from where the last one
// stopped.
type Pump struct {
	client  *dynamodbstreams.Client
	arn     string
	handler Handler
	opts    Options
	log     *slog.Logger

	running sync.Mutex // held by Run or Drain; everything below is theirs

	started   bool
	shards    map[string]*shard
	order     []string // shard ids in DescribeStream order
	described time.Time

	// mu guards what the shards served at the same time share.
	mu       sync.Mutex
	cp       *checkpoint
	describe bool // refresh the shard list at the next round
}

// shard is the reading state of one shard, rebuilt from the checkpoint
// whenever the pump cannot trust its iterator. Only one goroutine serves a
// shard at a time.
type shard struct {
	id     string
	parent string

	iterator *string        // nil: to be acquired from the checkpoint
	pending  []types.Record // read, in order, from the first record not done yet
	done     []bool         // per pending record: done out of order, waiting for those before it
	ended    bool           // GetRecords said the shard is closed and read to its end

	// failures counts the consecutive failed attempts of each record that
	// led a failed batch (the first record a lane could not finish).
	failures map[string]int
	retryAt  time.Time // no delivery before this (retry backoff)
}

// New returns a pump that reads streamARN with client and calls h. Nothing
// happens until Run or Drain. client and h must not be nil.
func New(client *dynamodbstreams.Client, streamARN string, h Handler, opts Options) *Pump {
	if opts.BatchSize <= 0 {
		opts.BatchSize = defaultBatchSize
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = defaultPollInterval
	}
	opts.Parallelization = min(max(opts.Parallelization, 1), maxParallelization)
	if opts.PartitionKey == "" {
		opts.PartitionKey = defaultPartitionKey
	}
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = defaultMaxRetries
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	p := &Pump{client: client, arn: streamARN, handler: h, opts: opts, log: logger.With("component", "streampump")}
	if p.opts.OnFailure == nil {
		p.opts.OnFailure = p.logFailure
	}
	return p
}

// Run delivers the stream's records as they arrive until ctx is done, then
// returns nil. Errors from the Streams API are logged and retried with
// backoff, never returned: a local event source, like Lambda's, keeps going
// while the database restarts. It returns an error only if the Pump is
// unusable (nil client or handler) or already running.
func (p *Pump) Run(ctx context.Context) error {
	if !p.running.TryLock() {
		return errBusy
	}
	defer p.running.Unlock()
	if err := p.start(); err != nil {
		return err
	}
	var errDelay time.Duration
	for ctx.Err() == nil {
		res, err := p.round(ctx)
		if ctx.Err() != nil {
			break
		}
		sleep(ctx, p.wait(ctx, res, err, &errDelay))
	}
	return nil
}

// Drain delivers every record currently in the stream, then returns nil;
// tests use it to wait for the handler deterministically instead of
// sleeping. "Currently" means: a round of GetRecords over every readable
// shard found nothing new and no record is waiting for a retry. Failing
// records are retried (and finally handed to OnFailure) before Drain
// returns. Streams API errors are retried as in Run; if ctx ends first,
// Drain returns ctx's error.
func (p *Pump) Drain(ctx context.Context) error {
	if !p.running.TryLock() {
		return errBusy
	}
	defer p.running.Unlock()
	if err := p.start(); err != nil {
		return err
	}
	// Shards created since the last call must be part of "everything".
	p.describe = true
	var errDelay time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := p.round(ctx)
		if err := ctx.Err(); err != nil {
			return err
		}
		if err == nil && !res.progress && !res.waiting {
			return nil
		}
		sleep(ctx, p.wait(ctx, res, err, &errDelay))
	}
}

// start loads the checkpoint the first time the pump runs. An unreadable
// checkpoint is not fatal: starting from TRIM_HORIZON redelivers records
// (allowed: delivery is at-least-once) but loses none, while refusing to
// start would stop notifications altogether.
func (p *Pump) start() error {
	if p.client == nil || p.handler == nil {
		return errors.New("streampump: New needs a client and a handler")
	}
	if p.started {
		return nil
	}
	p.cp = newCheckpoint(p.arn)
	p.shards = map[string]*shard{}
	p.describe = true
	if path := p.opts.CheckpointPath; path != "" {
		cp, err := loadCheckpoint(path)
		switch {
		case err != nil:
			p.log.Error("checkpoint unreadable; reading every shard from TRIM_HORIZON, records may be delivered again",
				"path", path, "err", err)
		case cp == nil:
			p.log.Info("no checkpoint yet; reading every shard from TRIM_HORIZON", "path", path)
		case cp.StreamARN != p.arn:
			p.log.Warn("checkpoint belongs to another stream (table recreated?); reading every shard from TRIM_HORIZON",
				"path", path, "checkpoint_stream", cp.StreamARN, "stream", p.arn)
		default:
			p.cp = cp
		}
	}
	p.started = true
	return nil
}

// roundResult says what one pass over the shards achieved.
type roundResult struct {
	progress bool      // records read or done, or a shard finished: go again at once
	waiting  bool      // records are read but not done (retry backoff): not drained
	wake     time.Time // earliest retry due, if any
}

// round makes one pass over the shards, serving every readable shard at
// the same time (as Lambda reads each shard with its own poller): read
// more records if fewer than a batch per lane are at hand, deliver one
// batch per lane, and mark the shard finished once it is closed and done.
// Errors of one shard do not stop the others.
func (p *Pump) round(ctx context.Context) (res roundResult, err error) {
	if p.describe || time.Since(p.described) >= describeEvery {
		if err := p.refreshShards(ctx); err != nil {
			return res, err
		}
	}
	var ready []*shard
	for _, id := range p.order {
		s := p.shards[id]
		if p.cp.Shards[id].Finished || !p.parentDone(s) || time.Now().Before(s.retryAt) {
			continue
		}
		ready = append(ready, s)
	}
	progress := make([]bool, len(ready))
	errs := make([]error, len(ready))
	var wg sync.WaitGroup
	for i, s := range ready {
		wg.Add(1)
		go func() {
			defer wg.Done()
			progress[i], errs[i] = p.serve(ctx, s)
		}()
	}
	wg.Wait()
	for _, ok := range progress {
		res.progress = res.progress || ok
	}
	for _, s := range p.shards {
		if len(s.pending) == 0 {
			continue
		}
		res.waiting = true
		if !s.retryAt.IsZero() && (res.wake.IsZero() || s.retryAt.Before(res.wake)) {
			res.wake = s.retryAt
		}
	}
	return res, errors.Join(errs...)
}

// serve reads and delivers what one shard has for this round.
func (p *Pump) serve(ctx context.Context, s *shard) (progress bool, err error) {
	if ctx.Err() != nil {
		return false, nil
	}
	// Read until the lanes could fill their batches with records to
	// deliver (a filter may drop most of what is read).
	for reads := 0; reads < maxReadsPerRound && !s.ended && s.toDeliver() < p.opts.BatchSize*p.opts.Parallelization; reads++ {
		n, err := p.fetch(ctx, s)
		if err != nil {
			return false, err
		}
		if n == 0 {
			break // nothing new in the shard for now
		}
		progress = true
	}
	if len(s.pending) > 0 && p.deliver(ctx, s) {
		progress = true
	}
	if s.ended && len(s.pending) == 0 && ctx.Err() == nil {
		p.finish(s)
		progress = true
	}
	return progress, nil
}

// wait decides how long to pause after a round: not at all after progress,
// an error backoff after a failed round, else the poll interval or until
// the next retry is due, whichever comes first.
func (p *Pump) wait(ctx context.Context, res roundResult, err error, errDelay *time.Duration) time.Duration {
	if err != nil {
		*errDelay = min(max(*errDelay*2, minErrorBackoff), maxErrorBackoff)
		p.log.WarnContext(ctx, "stream read failed; retrying", "stream", p.arn, "retry_in", *errDelay, "err", err)
		return *errDelay
	}
	*errDelay = 0
	if res.progress {
		return 0
	}
	d := p.opts.PollInterval
	if !res.wake.IsZero() {
		d = min(d, time.Until(res.wake))
	}
	return d
}

// refreshShards lists the stream's shards (DescribeStream is paginated, 100
// shards a page) and forgets shards that are gone, i.e. trimmed.
func (p *Pump) refreshShards(ctx context.Context) error {
	var listed []types.Shard
	var startAfter *string
	for {
		out, err := p.client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{
			StreamArn:             aws.String(p.arn),
			ExclusiveStartShardId: startAfter,
		})
		if err != nil {
			return fmt.Errorf("streampump: DescribeStream: %w", err)
		}
		if out.StreamDescription == nil {
			break
		}
		listed = append(listed, out.StreamDescription.Shards...)
		startAfter = out.StreamDescription.LastEvaluatedShardId
		if startAfter == nil {
			break
		}
	}
	seen := make(map[string]bool, len(listed))
	order := make([]string, 0, len(listed))
	for _, sh := range listed {
		id := aws.ToString(sh.ShardId)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		order = append(order, id)
		if _, ok := p.shards[id]; !ok {
			p.shards[id] = &shard{id: id, parent: aws.ToString(sh.ParentShardId)}
		}
	}
	for id := range p.shards {
		if !seen[id] {
			delete(p.shards, id)
		}
	}
	// A finished shard that is no longer listed has no children left to
	// wait for it; only unfinished entries are kept, in case a listing was
	// incomplete.
	pruned := false
	for id, c := range p.cp.Shards {
		if !seen[id] && c.Finished {
			delete(p.cp.Shards, id)
			pruned = true
		}
	}
	if pruned {
		p.save()
	}
	p.order = order
	p.describe = false
	p.described = time.Now()
	return nil
}

// parentDone reports whether s may be read: its parent is finished, or is
// no longer in the stream (trimmed, so nothing of it can be delivered).
func (p *Pump) parentDone(s *shard) bool {
	return s.parent == "" || p.cp.Shards[s.parent].Finished || p.shards[s.parent] == nil
}

// fetch reads the next records of s into s.pending and returns how many.
func (p *Pump) fetch(ctx context.Context, s *shard) (int, error) {
	for attempt := 0; ; attempt++ {
		if s.iterator == nil {
			if err := p.acquire(ctx, s); err != nil {
				return 0, err
			}
			if s.ended {
				return 0, nil
			}
		}
		out, err := p.client.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{
			ShardIterator: s.iterator,
			Limit:         aws.Int32(int32(min(p.opts.BatchSize*p.opts.Parallelization, getRecordsLimit))),
		})
		if err != nil {
			// Whatever went wrong, the position is taken again from the
			// checkpoint, and the records read but not done are dropped
			// and read again: none is skipped, none is queued twice.
			s.iterator, s.pending, s.done = nil, nil, nil
			var expired *types.ExpiredIteratorException
			if errors.As(err, &expired) && attempt == 0 && ctx.Err() == nil {
				p.log.DebugContext(ctx, "shard iterator expired; acquiring a new one from the checkpoint", "shard", s.id)
				continue
			}
			return 0, fmt.Errorf("streampump: GetRecords on %s: %w", s.id, err)
		}
		s.pending = append(s.pending, out.Records...)
		for _, r := range out.Records {
			s.done = append(s.done, p.filteredOut(r))
		}
		s.iterator = out.NextShardIterator
		if s.iterator == nil {
			s.ended = true
		}
		return len(out.Records), nil
	}
}

// filteredOut reports whether the filter drops r: such a record is done as
// soon as it is read. A record that cannot be converted is not dropped:
// delivery reports it (deliver).
func (p *Pump) filteredOut(r types.Record) bool {
	if p.opts.Filter == nil {
		return false
	}
	rec, err := ConvertRecord(r, p.arn)
	if err != nil {
		return false
	}
	ok, err := p.opts.Filter.Match(rec)
	return err == nil && !ok
}

// toDeliver counts the records of s read and not done.
func (s *shard) toDeliver() int {
	n := 0
	for _, d := range s.done {
		if !d {
			n++
		}
	}
	return n
}

// acquire gets an iterator for s: right after the checkpointed record, or
// at TRIM_HORIZON for a shard never read. Never LATEST: records written
// while the pump was down must be delivered.
func (p *Pump) acquire(ctx context.Context, s *shard) error {
	in := &dynamodbstreams.GetShardIteratorInput{
		StreamArn:         aws.String(p.arn),
		ShardId:           aws.String(s.id),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
	}
	p.mu.Lock()
	seq := p.cp.Shards[s.id].SequenceNumber
	p.mu.Unlock()
	if seq != "" {
		in.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
		in.SequenceNumber = aws.String(seq)
	}
	out, err := p.client.GetShardIterator(ctx, in)
	var trimmed *types.TrimmedDataAccessException
	if errors.As(err, &trimmed) && in.SequenceNumber != nil {
		// The checkpoint is older than the stream's retention (24 h in AWS):
		// the records in between are gone and no retry can bring them back.
		p.log.ErrorContext(ctx, "checkpoint is past the stream's retention; records were trimmed before delivery, continuing at TRIM_HORIZON",
			"shard", s.id, "checkpoint", *in.SequenceNumber)
		in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeTrimHorizon, nil
		out, err = p.client.GetShardIterator(ctx, in)
	}
	if err != nil {
		return fmt.Errorf("streampump: GetShardIterator on %s: %w", s.id, err)
	}
	s.iterator = out.ShardIterator
	if s.iterator == nil {
		s.ended = true
	}
	return nil
}

// lane is one batch of a shard's records for one invocation: records
// whose partition keys hash to the same lane, in shard order.
type lane struct {
	at      []int // positions in the shard's pending records
	records []events.DynamoDBEventRecord
	closed  bool // takes no more records this round (full, or stopped before a record that cannot be converted)
}

// deliver invokes the handler with one batch per lane, the lanes at the
// same time, and applies Lambda's ReportBatchItemFailures rules to each
// answer. With one lane it is exactly the sequential delivery of a
// ParallelizationFactor of 1. It reports whether any record was done
// (delivered, or handed to OnFailure).
func (p *Pump) deliver(ctx context.Context, s *shard) (progress bool) {
	lanes := make([]lane, p.opts.Parallelization)
	done := s.done
	full := 0
	for i, r := range s.pending {
		l := &lanes[p.laneOf(r)]
		if l.closed || done[i] {
			continue
		}
		rec, err := ConvertRecord(r, p.arn)
		if err != nil {
			if len(l.records) > 0 {
				l.closed = true // deliver the records before it first; it leads the lane's next batch
				continue
			}
			// No retry can make this record convertible.
			p.skip(ctx, s, rec, err)
			done[i], progress = true, true
			continue
		}
		l.at, l.records = append(l.at, i), append(l.records, rec)
		if len(l.records) == p.opts.BatchSize {
			l.closed = true
			if full++; full == len(lanes) {
				break
			}
		}
	}

	type answer struct {
		resp events.DynamoDBEventResponse
		err  error
	}
	answers := make([]answer, len(lanes))
	var wg sync.WaitGroup
	for k := range lanes {
		if len(lanes[k].records) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[k].resp, answers[k].err = p.invoke(ctx, lanes[k].records)
		}()
	}
	wg.Wait()

	var retryIn time.Duration
	for k, l := range lanes {
		if len(l.records) == 0 {
			continue
		}
		a := answers[k]
		if a.err != nil && ctx.Err() != nil {
			continue // shutting down: not the records' fault, do not count it
		}
		n, failErr := outcome(l.records, a.resp, a.err)
		for _, i := range l.at[:n] {
			done[i] = true
		}
		if n > 0 {
			p.log.DebugContext(ctx, "records delivered", "shard", s.id, "records", n,
				"first", l.records[0].Change.SequenceNumber, "last", l.records[n-1].Change.SequenceNumber)
			progress = true
		}
		if n == len(l.records) {
			continue
		}
		first := l.records[n]
		seq := first.Change.SequenceNumber
		if s.failures == nil {
			s.failures = map[string]int{}
		}
		s.failures[seq]++
		if tries := s.failures[seq]; tries > p.opts.MaxRetries {
			p.skip(ctx, s, first, fmt.Errorf("streampump: record %s failed %d attempts: %w", seq, tries, failErr))
			done[l.at[n]], progress = true, true
			continue
		}
		delay := min(p.opts.PollInterval<<min(s.failures[seq]-1, 16), maxRetryBackoff)
		retryIn = max(retryIn, delay)
		p.log.WarnContext(ctx, "batch failed; retrying", "shard", s.id, "from", seq,
			"attempt", s.failures[seq], "max_retries", p.opts.MaxRetries, "retry_in", delay, "err", failErr)
	}
	s.retryAt = time.Time{}
	if retryIn > 0 {
		s.retryAt = time.Now().Add(retryIn)
	}
	p.commit(s)
	return progress
}

// laneOf is the lane of a record: a hash of its partition key.
func (p *Pump) laneOf(r types.Record) int {
	if p.opts.Parallelization == 1 || r.Dynamodb == nil {
		return 0
	}
	h := fnv.New32a()
	switch v := r.Dynamodb.Keys[p.opts.PartitionKey].(type) {
	case *types.AttributeValueMemberS:
		h.Write([]byte(v.Value))
	case *types.AttributeValueMemberN:
		h.Write([]byte(v.Value))
	case *types.AttributeValueMemberB:
		h.Write(v.Value)
	}
	return int(h.Sum32() % uint32(p.opts.Parallelization))
}

// outcome reads the handler's answer as Lambda does: an error fails the
// whole batch; otherwise the records before the lowest reported failure are
// done. An item identifier that names no record of the batch (including an
// empty one) fails the whole batch, as it does in Lambda.
func outcome(records []events.DynamoDBEventRecord, resp events.DynamoDBEventResponse, err error) (done int, failErr error) {
	if err != nil {
		return 0, fmt.Errorf("handler error: %w", err)
	}
	done = len(records)
	for _, f := range resp.BatchItemFailures {
		i := indexOf(records, f.ItemIdentifier)
		if i < 0 {
			return 0, fmt.Errorf("handler reported a batch item failure %q that is not a sequence number of the batch", f.ItemIdentifier)
		}
		done = min(done, i)
	}
	if done < len(records) {
		return done, fmt.Errorf("handler reported record %s as a batch item failure", records[done].Change.SequenceNumber)
	}
	return done, nil
}

func indexOf(records []events.DynamoDBEventRecord, seq string) int {
	if seq == "" {
		return -1
	}
	for i, r := range records {
		if r.Change.SequenceNumber == seq {
			return i
		}
	}
	return -1
}

// invoke calls the handler the way the Lambda runtime does: the event goes
// through JSON (so the handler sees exactly what lambda.Start would decode,
// and an event that would not survive that trip fails here, not in AWS),
// the context carries a lambdacontext, and a panic is an error rather than
// the end of the process.
func (p *Pump) invoke(ctx context.Context, records []events.DynamoDBEventRecord) (resp events.DynamoDBEventResponse, err error) {
	payload, err := json.Marshal(events.DynamoDBEvent{Records: records})
	if err != nil {
		return resp, fmt.Errorf("streampump: encode event: %w", err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return resp, fmt.Errorf("streampump: decode event: %w", err)
	}
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: requestID()})
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("streampump: handler panicked: %v", r)
		}
	}()
	return p.handler(ctx, ev)
}

// skip hands a record that will not be retried to OnFailure; the caller
// marks it done.
func (p *Pump) skip(ctx context.Context, s *shard, rec events.DynamoDBEventRecord, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.log.ErrorContext(ctx, "OnFailure panicked", "sequence", rec.Change.SequenceNumber, "panic", fmt.Sprint(r))
		}
	}()
	delete(s.failures, rec.Change.SequenceNumber)
	p.opts.OnFailure(ctx, rec, err)
}

// commit drops the leading done records from s.pending and checkpoints the
// last of them: a record is never checkpointed before every record ahead of
// it is done, so a restart may deliver again records that were done out of
// order (at-least-once), never skip one.
func (p *Pump) commit(s *shard) {
	prefix := 0
	for prefix < len(s.done) && s.done[prefix] {
		if r := s.pending[prefix]; r.Dynamodb != nil && r.Dynamodb.SequenceNumber != nil {
			delete(s.failures, *r.Dynamodb.SequenceNumber)
		}
		prefix++
	}
	if prefix == 0 {
		return
	}
	last := s.pending[prefix-1]
	s.pending, s.done = s.pending[prefix:], s.done[prefix:]
	if last.Dynamodb == nil || last.Dynamodb.SequenceNumber == nil {
		return // cannot happen with DynamoDB; nothing to record the position by
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.cp.Shards[s.id]
	c.SequenceNumber = *last.Dynamodb.SequenceNumber
	p.cp.Shards[s.id] = c
	p.save()
}

// finish records that s is closed and done, which lets its children start.
func (p *Pump) finish(s *shard) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.cp.Shards[s.id]
	c.Finished = true
	p.cp.Shards[s.id] = c
	p.save()
	p.describe = true // its children are listed now
	p.log.Info("shard finished", "shard", s.id)
}

// save writes the checkpoint if there is a file for it. A failed write is
// logged, not fatal: progress stays in memory, the next batch writes again,
// and at worst a restart redelivers (at-least-once).
func (p *Pump) save() {
	if p.opts.CheckpointPath == "" {
		return
	}
	if err := p.cp.save(p.opts.CheckpointPath); err != nil {
		p.log.Error("checkpoint not saved", "path", p.opts.CheckpointPath, "err", err)
	}
}

// logFailure is the default OnFailure.
func (p *Pump) logFailure(ctx context.Context, rec events.DynamoDBEventRecord, err error) {
	p.log.ErrorContext(ctx, "record sent to the on-failure destination (skipped)",
		"stream", rec.EventSourceArn, "sequence", rec.Change.SequenceNumber, "event_id", rec.EventID,
		"event", rec.EventName, "err", err)
}

// requestID returns a random id in the shape of a Lambda request id.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
