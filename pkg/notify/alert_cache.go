package notify

import (
	"sync"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// alertCache keeps, across the batches one notifier instance handles, what
// it read of saved-search alert partitions, empty ones included: most
// partitions a new posting names (its poster, its kind, its city, most of
// its words) hold the same searches from one posting to the next, and an
// instance read each again for every batch. An entry holds only while the
// alert generation (warmlead.SearchAlertStore.AlertGeneration), which
// every write of alert entries moves on, is the one it was read at: a batch
// reads the generation once (one GetItem), and a search saved a moment ago
// is seen by the next batch. An entry also expires after alertCacheTTL,
// which bounds what a lost move of the generation could hide.
type alertCache struct {
	mu    sync.Mutex
	gen   int64
	parts map[string]alertPartition
}

type alertPartition struct {
	searches []*warmlead.SavedSearch
	readAt   time.Time
}

const (
	// alertCacheTTL bounds how long a partition read is kept.
	alertCacheTTL = 5 * time.Minute
	// alertCacheMax bounds the partitions kept: past it the cache starts
	// again empty (a notifier instance sees a few thousand a day).
	alertCacheMax = 50_000
)

// lookup returns the searches of partition key as read at generation gen,
// if the cache holds them.
func (c *alertCache) lookup(gen int64, key string, now time.Time) ([]*warmlead.SavedSearch, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return nil, false
	}
	p, ok := c.parts[key]
	if !ok || now.Sub(p.readAt) > alertCacheTTL {
		return nil, false
	}
	return p.searches, true
}

// store keeps the searches of partition key, read at generation gen at
// readAt; a newer generation empties the cache first.
func (c *alertCache) store(gen int64, key string, searches []*warmlead.SavedSearch, readAt time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return // read before a move another batch has already seen
	case gen > c.gen || c.parts == nil || len(c.parts) >= alertCacheMax:
		c.gen, c.parts = gen, map[string]alertPartition{}
	}
	c.parts[key] = alertPartition{searches: searches, readAt: readAt}
}
