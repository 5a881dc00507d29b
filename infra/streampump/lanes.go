package streampump

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Lanes: with a Parallelization above 1, a shard's records are spread over
// that many lanes by a hash of their partition key (laneOf), and each lane
// has at most one batch in flight. As in Lambda, a lane goes on with its
// next batch as soon as its last one is answered, whatever the other lanes
// are doing: a slow batch (a large fan-out, a write queued behind others)
// holds back only the records of its own lane, and so does a failed batch
// waiting to be retried. Before, every lane of a shard waited for the
// slowest of a round, and under `make load` the notifier read about 100
// records a second while the API wrote (BENCHMARKS.md).
//
// Only Run or Drain's goroutine changes a shard: it sends batches (send),
// and applies the answers (apply) that the invocations in flight hand back
// on p.answers (pause, land).

// laneState is what a shard remembers of one lane between batches.
type laneState struct {
	busy    bool      // a batch of the lane is in flight
	retryAt time.Time // no batch before this (retry backoff)
}

// lane is one batch of a shard's records for one invocation: records
// whose partition keys hash to the same lane, in shard order.
type lane struct {
	at      []int // positions in the shard's reading (shard.base + index in pending)
	records []events.DynamoDBEventRecord
	closed  bool // takes no more records (full, or stopped before a record that cannot be converted)
}

// laneAnswer is the handler's answer to a lane's batch.
type laneAnswer struct {
	s    *shard
	k    int // the lane
	lane lane
	resp events.DynamoDBEventResponse
	err  error
}

// markDone marks the record at position at done, if s still holds it (a
// reading dropped since, see acquire, holds it no more).
func (s *shard) markDone(at int) {
	if i := at - s.base; i >= 0 && i < len(s.done) {
		s.done[i] = true
	}
}

// busy reports whether a batch of s is in flight.
func (s *shard) busy() bool {
	for _, l := range s.lanes {
		if l.busy {
			return true
		}
	}
	return false
}

// send invokes the handler, in the background, with one batch for each lane
// of s that is free (no batch in flight, no retry pending). With one lane
// it is exactly the sequential delivery of a ParallelizationFactor of 1.
// It reports whether any record was sent or done (a record that cannot be
// converted is handed to OnFailure at once).
func (p *Pump) send(ctx context.Context, s *shard) (progress bool) {
	if len(s.lanes) != p.opts.Parallelization {
		s.lanes = make([]laneState, p.opts.Parallelization)
	}
	now := time.Now()
	lanes := make([]lane, len(s.lanes))
	free := 0
	for k, l := range s.lanes {
		if l.busy || now.Before(l.retryAt) {
			lanes[k].closed = true
			continue
		}
		free++
	}
	if free == 0 {
		p.commit(s)
		return false
	}
	full := 0
	for i, r := range s.pending {
		l := &lanes[p.laneOf(r)]
		if l.closed || s.done[i] {
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
			s.done[i], progress = true, true
			continue
		}
		l.at, l.records = append(l.at, s.base+i), append(l.records, rec)
		if len(l.records) == p.opts.BatchSize {
			l.closed = true
			if full++; full == free {
				break
			}
		}
	}
	p.commit(s) // records the filter dropped, or handed to OnFailure, may lead
	for k := range lanes {
		if len(lanes[k].records) == 0 {
			continue
		}
		s.lanes[k].busy, s.lanes[k].retryAt = true, time.Time{}
		p.flying++
		a := laneAnswer{s: s, k: k, lane: lanes[k]}
		go func() {
			a.resp, a.err = p.invoke(ctx, a.lane.records)
			p.answers <- a
		}()
		progress = true
	}
	return progress
}

// apply applies Lambda's ReportBatchItemFailures rules to a lane's answer:
// the records before the first failure are done; the batch is retried from
// that record after a backoff, and a record that keeps failing goes to
// OnFailure. It then checkpoints what is done.
func (p *Pump) apply(ctx context.Context, a laneAnswer) {
	p.flying--
	s := a.s
	s.lanes[a.k].busy = false
	if p.shards[s.id] != s {
		return // forgotten since (trimmed)
	}
	if a.err != nil && ctx.Err() != nil {
		return // shutting down: not the records' fault, do not count it
	}
	records := a.lane.records
	n, failErr := outcome(records, a.resp, a.err)
	for _, at := range a.lane.at[:n] {
		s.markDone(at)
	}
	if n > 0 {
		p.log.DebugContext(ctx, "records delivered", "shard", s.id, "records", n,
			"first", records[0].Change.SequenceNumber, "last", records[n-1].Change.SequenceNumber)
	}
	s.lanes[a.k].retryAt = time.Time{}
	if n < len(records) {
		first := records[n]
		seq := first.Change.SequenceNumber
		if s.failures == nil {
			s.failures = map[string]int{}
		}
		s.failures[seq]++
		if tries := s.failures[seq]; tries > p.opts.MaxRetries {
			p.skip(ctx, s, first, fmt.Errorf("streampump: record %s failed %d attempts: %w", seq, tries, failErr))
			s.markDone(a.lane.at[n])
		} else {
			delay := min(p.opts.PollInterval<<min(tries-1, 16), maxRetryBackoff)
			s.lanes[a.k].retryAt = time.Now().Add(delay)
			p.log.WarnContext(ctx, "batch failed; retrying", "shard", s.id, "from", seq,
				"attempt", tries, "max_retries", p.opts.MaxRetries, "retry_in", delay, "err", failErr)
		}
	}
	p.commit(s)
}

// pause waits d, or less when a lane is answered: it applies every answer
// that has come, so the lane's next batch goes at once.
func (p *Pump) pause(ctx context.Context, d time.Duration) {
	if p.flying == 0 {
		sleep(ctx, d)
		return
	}
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case a := <-p.answers:
		p.apply(ctx, a)
	case <-t.C:
	case <-ctx.Done():
		return
	}
	for p.flying > 0 { // and the answers that came meanwhile
		select {
		case a := <-p.answers:
			p.apply(ctx, a)
		default:
			return
		}
	}
}

// land waits for every batch in flight to be answered, applying the
// answers: Run and Drain return with no invocation running.
func (p *Pump) land(ctx context.Context) {
	for p.flying > 0 {
		p.apply(ctx, <-p.answers)
	}
}
