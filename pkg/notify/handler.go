// Package notify is the stream-fed notifier: it receives DynamoDB stream
// batches as Lambda delivers them, asks the store what fact each record is,
// and turns facts into notifications for the people they concern. The API
// only writes facts; it never fans out itself.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Decoder reads the fact a stream record holds (nil: none). The store
// package provides it: only it knows item shapes.
type Decoder func(events.DynamoDBEventRecord) (*warmlead.Fact, error)

// Handler processes stream batches.
type Handler struct {
	decode Decoder
	store  warmlead.FanoutStore
	logger *slog.Logger
	now    func() time.Time
	// workers is how many records of a batch are handled at once.
	workers int
	// alerts is what the instance keeps of alert partitions across
	// batches (alert_cache.go).
	alerts *alertCache
}

// RecordWorkers is how many records of one batch the notifier handles at
// once (records of one partition key still one after the other): enough to
// overlap the few calls each fact makes, few enough that a batch does not
// flood the table (docs/platform.md, "Stream order").
const RecordWorkers = 4

// NewHandler returns a Handler.
func NewHandler(logger *slog.Logger, decode Decoder, store warmlead.FanoutStore) *Handler {
	return &Handler{decode: decode, store: store, logger: logger, now: time.Now, workers: RecordWorkers, alerts: &alertCache{}}
}

// SetWorkers sets how many records of a batch are handled at once (1: one
// after the other).
func (h *Handler) SetWorkers(n int) { h.workers = max(n, 1) }

// SetClock replaces the handler's clock (tests: a posting that expired before
// the notifier reached it).
func (h *Handler) SetClock(now func() time.Time) { h.now = now }

// Handle notifies for each record of a batch. A record that fails is
// reported by its sequence number (ReportBatchItemFailures) and the others
// still complete; it never returns an error or panics, so one poison record
// cannot block the stream. Delivery is at least once: replaying a record
// rewrites the same notifications.
//
// Records of different partition keys are handled at the same time (up to
// the handler's workers), records of one key in batch order: the order the
// event source mapping keeps with a ParallelizationFactor above 1, which is
// all the notifier relies on (docs/platform.md, "Stream order"). Once a
// record of a key fails, the later records of that key are reported failed
// without being tried, so a retry handles them after it, in order.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	failed := make([]bool, len(ev.Records))
	fail := func(i int, err error) {
		r := ev.Records[i]
		h.logger.ErrorContext(ctx, "record failed", "sequence", r.Change.SequenceNumber, "event", r.EventName, "err", err.Error())
		failed[i] = true
	}
	tally := &termTally{}
	// Every record is decoded first: the batch reads the postings its facts
	// name in one call (batch.go).
	facts := make([]decoded, len(ev.Records))
	for i, r := range ev.Records {
		facts[i].fact, facts[i].err = recovered(func() (*warmlead.Fact, error) { return h.decode(r) })
	}
	b := newBatch(batchPostings(facts), h.alerts) // what the batch's records share (batch.go)
	each := func(idx []int) {
		for k, i := range idx {
			// A posting's words are tallied once its record is done, so a
			// record that fails and is retried is counted once.
			var words []string
			rh := *h
			rh.store = recordStore{FanoutStore: h.store, b: b, i: i}
			if err := rh.record(ctx, ev.Records[i], facts[i], func(keys []string) { words = keys }); err != nil {
				fail(i, err)
				for _, j := range idx[k+1:] {
					failed[j] = true
				}
				return
			}
			if words != nil {
				tally.add(i, words)
			}
		}
	}
	groups := ByPartitionKey(ev.Records)
	if h.workers <= 1 || len(groups) == 1 {
		for _, idx := range groups {
			each(idx)
		}
	} else {
		sem := make(chan struct{}, h.workers)
		var wg sync.WaitGroup
		for _, idx := range groups {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				each(idx)
			}()
		}
		wg.Wait()
	}
	// A record that fails after it was handled (below) takes the later
	// records of its key with it, as above.
	failAfter := func(records []int, err error) {
		at := map[int]bool{}
		for _, i := range records {
			if !failed[i] {
				fail(i, err)
			}
			at[i] = true
		}
		for _, idx := range groups {
			for k, i := range idx {
				if at[i] {
					for _, j := range idx[k+1:] {
						failed[j] = true
					}
					break
				}
			}
		}
	}
	// The notifications the records held, in full batches (batch.go); then
	// the words of the postings of the records that did not fail, counted
	// once per key (term_tally.go): a failed record is counted when it is
	// replayed.
	if records, err := b.flush(ctx, h.store); err != nil {
		failAfter(records, err)
	}
	if records, err := tally.flush(ctx, h.store, func(i int) bool { return failed[i] }); err != nil {
		failAfter(records, err)
	}
	var resp events.DynamoDBEventResponse
	for i, r := range ev.Records {
		if failed[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// ByPartitionKey groups a batch's records by their partition key (PK), each
// group in batch order, the groups in the order of their first record.
func ByPartitionKey(records []events.DynamoDBEventRecord) [][]int {
	at := map[string]int{}
	var groups [][]int
	for i, r := range records {
		var key string
		if pk, ok := r.Change.Keys["PK"]; ok && pk.DataType() == events.DataTypeString {
			key = pk.String()
		}
		g, ok := at[key]
		if !ok {
			g = len(groups)
			at[key] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// decoded is a record's fact (nil: none) or why it could not be read.
type decoded struct {
	fact *warmlead.Fact
	err  error
}

// recovered runs f, a panic being its error: what runs outside a record's
// own recover (decoding, shared reads, the flush, goroutines) must not
// crash the notifier, since Handle never panics.
func recovered[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

// record handles one record, d its decoded fact; count tallies a new
// posting's index keys for the batch to count.
func (h *Handler) record(ctx context.Context, r events.DynamoDBEventRecord, d decoded, count func(keys []string)) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	fact := d.fact
	if d.err != nil || fact == nil {
		return d.err
	}
	n, err := h.notify(ctx, fact, count)
	if err == nil { // org insights (insights.go)
		err = h.countInsights(ctx, fact, r)
	}
	if err == nil {
		h.logger.InfoContext(ctx, "notified", "fact", fact.Kind, "sequence", r.Change.SequenceNumber, "notifications", n)
	}
	return err
}

// notify writes the notifications a fact calls for and returns how many.
func (h *Handler) notify(ctx context.Context, f *warmlead.Fact, count func(keys []string)) (int, error) {
	switch f.Kind {
	case warmlead.FactNewPosting:
		// Announce only what is open and unexpired as it is now: the record
		// may arrive late, or the posting may have been closed at once. One
		// read serves the fan-out and the saved-search alerts
		// (search_alerts.go), which run alongside it.
		current, err := h.store.CurrentPosting(ctx, f.Posting.ID)
		if err != nil {
			return 0, err
		}
		// One clock for both: what the fan-out finds open, the alerts do.
		if current != nil && !current.Open(h.now()) {
			current = nil
		}
		alerts := make(chan int, 1)
		var alertErr error
		go func() {
			defer func() { // record's recover does not reach this goroutine
				if v := recover(); v != nil {
					alertErr = fmt.Errorf("panic: %v", v)
					alerts <- 0
				}
			}()
			m, err := h.searchAlerts(ctx, current, count)
			alertErr = err
			alerts <- m
		}()
		n, err := h.newPosting(ctx, f.Posting, current)
		m := <-alerts
		if err == nil {
			err = alertErr
		}
		return n + m, err
	case warmlead.FactInterest:
		return h.interest(ctx, f.Interest)
	case warmlead.FactConnectionRequest:
		c := f.Connection
		// Announce only a request that still stands: it may have been
		// withdrawn or declined before the record arrived.
		if now, err := h.store.CurrentConnection(ctx, c.RecipientID, c.RequesterID); err != nil || now == nil {
			return 0, err
		}
		return 1, h.store.PutNotifications(ctx, []*warmlead.Notification{
			New(warmlead.NotifyConnectionRequest, c.RecipientID, c.RequesterID, "", "connection:"+c.ID, c.CreatedAt)})
	case warmlead.FactConnectionAccepted:
		c := f.Connection
		return 1, h.store.PutNotifications(ctx, []*warmlead.Notification{
			New(warmlead.NotifyConnectionAccepted, c.RequesterID, c.RecipientID, "", "connection:"+c.ID, c.AcceptedAt)})
	case warmlead.FactAdvice:
		return h.advice(ctx, f.Advice)
	case warmlead.FactIntroduction:
		return h.introduction(ctx, f.Introduction)
	case warmlead.FactOrgInvitation: // organisations and consent (org_invitation.go)
		return h.orgInvitation(ctx, f.Invitation)
	}
	return 0, nil
}
