package notify

import (
	"context"
	"sync"
)

// termTally gathers the index keys of a stream batch's new postings, so the
// batch counts each key with one UpdateItem however many of its postings
// carry it (a word like "intern" or a city is in most of them), instead of
// one per key and posting: fewer writes, and fewer stream records for the
// stream functions to read past (docs/platform.md, "Stream order").
type termTally struct {
	mu      sync.Mutex
	counts  map[string]int
	records []int // the batch records whose postings were tallied
}

// add tallies the keys of the posting in batch record i.
func (t *termTally) add(i int, keys []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	for _, k := range keys {
		t.counts[k]++
	}
	t.records = append(t.records, i)
}

// flush writes the tally. It returns the records to report failed when the
// writes fail: replaying them counts their postings again (a key written
// before the failure is then counted twice: rarity is a hint that only
// orders the partitions a search reads, never what it finds).
func (t *termTally) flush(ctx context.Context, store interface {
	CountPostingTerms(context.Context, map[string]int) error
}) ([]int, error) {
	if len(t.counts) == 0 {
		return nil, nil
	}
	if err := store.CountPostingTerms(ctx, t.counts); err != nil {
		return t.records, err
	}
	return nil, nil
}
