package notify

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A stream batch holds up to 100 records, and many of them call for the
// same reads and for a notification or two each. The batch shares what its
// records would each do alone (docs/platform.md, "Stream order"):
//
//   - the short tails of notifications (fewer than a full BatchWriteItem of
//     warmlead.NotificationBatch) are held and written together once every
//     record is done, in full batches, instead of one small write per fact;
//   - each saved-search alert partition is read once per batch however many
//     of its new postings name it ("ANY", a kind, a common word);
//   - the postings its new postings and links name are read in one
//     BatchGetItem (they are read back before being announced, and a link's
//     posting names its organisation), instead of one GetItem each.
//
// Held notifications are written before the batch reports: a record whose
// notifications fail to write is reported failed with the records of its
// key after it, and its replay rewrites the same notifications (their ids
// come from the fact), so nothing is lost and nothing doubled. When the
// shared write fails, each record's are written alone, so one notification
// DynamoDB refuses fails its own record, not every record of the batch.
type batch struct {
	mu   sync.Mutex
	held map[int][]*warmlead.Notification // by batch record

	alertMu sync.Mutex
	alerts  map[string]*shared[[]*warmlead.SavedSearch]
	// alertGen is the batch's one read of the alert generation, and
	// cache what the instance kept of alert partitions (alert_cache.go).
	alertGen shared[int64]
	cache    *alertCache
	// alertReads bounds the alert partitions the batch reads at once.
	alertReads chan struct{}
	orgMu      sync.Mutex
	orgs       map[string]*shared[string]

	// postingIDs are the postings the batch's facts name; postings is
	// their one read.
	postingIDs map[string]bool
	postings   shared[map[string]*warmlead.Posting]

	// interests are the members' interests the batch has read, or is
	// reading, by member: each member's once a batch, however many of
	// its new postings go to them.
	interestMu sync.Mutex
	interests  map[string]*interestRead
}

// interestRead is one member's interests as a batch read them; done is
// closed once the read ended.
type interestRead struct {
	done chan struct{}
	set  []string // nil: none set
	err  error
}

// alertReadsAtOnce bounds a batch's alert partition reads in flight, as
// the store bounds one posting's.
const alertReadsAtOnce = 8

// newBatch returns the state records share; postingIDs are the postings
// their facts name.
func newBatch(postingIDs map[string]bool, cache *alertCache) *batch {
	return &batch{alertReads: make(chan struct{}, alertReadsAtOnce), postingIDs: postingIDs, cache: cache}
}

// batchPostings returns the postings the facts name (a new posting, a
// link's posting), by id.
func batchPostings(facts []decoded) map[string]bool {
	ids := map[string]bool{}
	for _, d := range facts {
		switch f := d.fact; {
		case f == nil:
		case f.Kind == warmlead.FactNewPosting && f.Posting != nil:
			ids[f.Posting.ID] = true
		case f.Kind == warmlead.FactReferral && f.Referral != nil:
			ids[f.Referral.PostingID] = true
		}
	}
	return ids
}

// posting returns the batch's read of posting id, and whether the batch
// read it (false: id is not one of the batch's postings).
func (b *batch) posting(ctx context.Context, store warmlead.FanoutStore, id string) (*warmlead.Posting, bool, error) {
	if !b.postingIDs[id] {
		return nil, false, nil
	}
	all, err := b.postings.get(func() (map[string]*warmlead.Posting, error) {
		ids := make([]string, 0, len(b.postingIDs))
		for id := range b.postingIDs {
			ids = append(ids, id)
		}
		return store.CurrentPostings(ctx, ids)
	})
	return all[id], true, err
}

// shared is one read a batch's records share: the first to ask reads, the
// others wait for its result.
type shared[T any] struct {
	once sync.Once
	val  T
	err  error
}

func (s *shared[T]) get(read func() (T, error)) (T, error) {
	s.once.Do(func() {
		// A read that panics is an error for every record that asks,
		// not a crash (some ask from goroutines record's recover does not
		// reach), nor, once Once is done, a zero answer without error.
		s.val, s.err = recovered(read)
	})
	return s.val, s.err
}

// entry returns the shared read of key in m, made on first use.
func entry[T any](mu *sync.Mutex, m *map[string]*shared[T], key string) *shared[T] {
	mu.Lock()
	defer mu.Unlock()
	if *m == nil {
		*m = map[string]*shared[T]{}
	}
	e := (*m)[key]
	if e == nil {
		e = &shared[T]{}
		(*m)[key] = e
	}
	return e
}

// flush writes the held notifications, in full batches, in batch order. It
// returns the records to report failed when a write fails: after a failed
// write of them all, those whose own notifications still fail alone.
func (b *batch) flush(ctx context.Context, store warmlead.FanoutStore) ([]int, error) {
	if len(b.held) == 0 {
		return nil, nil
	}
	records := slices.Sorted(maps.Keys(b.held))
	var all []*warmlead.Notification
	for _, i := range records {
		all = append(all, b.held[i]...)
	}
	err := putRecovered(ctx, store, all)
	if err == nil {
		return nil, nil
	}
	var failed []int
	for k, i := range records {
		if ctx.Err() != nil { // out of time: the rest are not tried
			return append(failed, records[k:]...), err
		}
		if err := putRecovered(ctx, store, b.held[i]); err != nil {
			failed = append(failed, i)
		}
	}
	return failed, err
}

// putRecovered writes ns, a panic an error (recovered).
func putRecovered(ctx context.Context, store warmlead.FanoutStore, ns []*warmlead.Notification) error {
	_, err := recovered(func() (struct{}, error) { return struct{}{}, store.PutNotifications(ctx, ns) })
	return err
}

// recordStore is the store as batch record i sees it.
type recordStore struct {
	warmlead.FanoutStore
	b *batch
	i int
}

// PutNotifications writes the full batches of ns at once (a fan-out page,
// already full) and holds the rest for the batch to write.
func (s recordStore) PutNotifications(ctx context.Context, ns []*warmlead.Notification) error {
	full := len(ns) / warmlead.NotificationBatch * warmlead.NotificationBatch
	if full > 0 {
		if err := s.FanoutStore.PutNotifications(ctx, ns[:full]); err != nil {
			return err
		}
	}
	if rest := ns[full:]; len(rest) > 0 {
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		if s.b.held == nil {
			s.b.held = map[int][]*warmlead.Notification{}
		}
		s.b.held[s.i] = append(s.b.held[s.i], rest...)
	}
	return nil
}

// SearchAlertCandidates reads each alert partition once per batch, the
// partitions this record is first to ask for at the same time.
func (s recordStore) SearchAlertCandidates(ctx context.Context, keys []string) ([]*warmlead.SavedSearch, error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		out   []*warmlead.SavedSearch
		first error
	)
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			found, err := entry(&s.b.alertMu, &s.b.alerts, k).get(func() ([]*warmlead.SavedSearch, error) {
				return s.alertPartition(ctx, k)
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
			}
			out = append(out, found...)
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return out, nil
}

// alertPartition reads the searches filed under alert key k, or takes them
// from what the instance kept, if the alert generation has not moved since
// (alert_cache.go). An unreadable generation reads the partition.
func (s recordStore) alertPartition(ctx context.Context, k string) ([]*warmlead.SavedSearch, error) {
	gen, genErr := s.b.alertGen.get(func() (int64, error) { return s.FanoutStore.AlertGeneration(ctx) })
	now := time.Now()
	if genErr == nil && s.b.cache != nil {
		if found, ok := s.b.cache.lookup(gen, k, now); ok {
			return found, nil
		}
	}
	s.b.alertReads <- struct{}{}
	defer func() { <-s.b.alertReads }()
	found, err := s.FanoutStore.SearchAlertCandidates(ctx, []string{k})
	if err == nil && genErr == nil && s.b.cache != nil {
		s.b.cache.store(gen, k, found, now)
	}
	return found, err
}

// CurrentPosting answers from the batch's read of its postings.
func (s recordStore) CurrentPosting(ctx context.Context, id string) (*warmlead.Posting, error) {
	if p, ok, err := s.b.posting(ctx, s.FanoutStore, id); ok {
		return p, err
	}
	return s.FanoutStore.CurrentPosting(ctx, id)
}

// PostingOrgID answers from the batch's read of its postings, else reads
// each posting's organisation once per batch.
func (s recordStore) PostingOrgID(ctx context.Context, postingID string) (string, error) {
	if p, ok, err := s.b.posting(ctx, s.FanoutStore, postingID); ok {
		if err != nil || p == nil {
			return "", err
		}
		return p.OrgID, nil
	}
	return entry(&s.b.orgMu, &s.b.orgs, postingID).get(func() (string, error) {
		return s.FanoutStore.PostingOrgID(ctx, postingID)
	})
}

// MemberInterests answers from the batch's reads: the members no record
// asked for yet are read now, in one call, and the others are waited for.
func (s recordStore) MemberInterests(ctx context.Context, ids []string) (map[string][]string, error) {
	b := s.b
	b.interestMu.Lock()
	if b.interests == nil {
		b.interests = map[string]*interestRead{}
	}
	reads := make(map[string]*interestRead, len(ids))
	var mine []string
	for _, id := range ids {
		r := b.interests[id]
		if r == nil {
			r = &interestRead{done: make(chan struct{})}
			b.interests[id] = r
			mine = append(mine, id)
		}
		reads[id] = r
	}
	b.interestMu.Unlock()
	if len(mine) > 0 {
		got, err := recovered(func() (map[string][]string, error) { return s.FanoutStore.MemberInterests(ctx, mine) })
		for _, id := range mine {
			r := reads[id]
			r.set, r.err = got[id], err
			close(r.done)
		}
	}
	out := map[string][]string{}
	for id, r := range reads {
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r.err != nil {
			return nil, r.err
		}
		if r.set != nil {
			out[id] = r.set
		}
	}
	return out, nil
}
