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
	mu       sync.Mutex
	byRecord map[int][]string // the index keys of the posting of each batch record tallied
}

// add tallies the keys of the posting in batch record i.
func (t *termTally) add(i int, keys []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byRecord == nil {
		t.byRecord = map[int][]string{}
	}
	t.byRecord[i] = keys
}

// flush writes the tally of the records that did not fail (failed; a
// record reported failed is replayed, and counted then). It returns the
// records to report failed when the writes fail: replaying them counts
// their postings again (a key written before the failure is then counted
// twice: rarity is a hint that only orders the partitions a search reads,
// never what it finds).
func (t *termTally) flush(ctx context.Context, store interface {
	CountPostingTerms(context.Context, map[string]int) error
}, failed func(i int) bool) ([]int, error) {
	counts := map[string]int{}
	var records []int
	for i, keys := range t.byRecord {
		if failed(i) {
			continue
		}
		records = append(records, i)
		for _, k := range keys {
			counts[k]++
		}
	}
	if len(counts) == 0 {
		return nil, nil
	}
	if err := store.CountPostingTerms(ctx, counts); err != nil {
		return records, err
	}
	return nil, nil
}
