package notify

import (
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// What the alert cache keeps holds for its generation and alertCacheTTL
// only; a newer generation empties it, and a read made at an older one
// is not kept.
func TestAlertCacheHoldsForItsGenerationAndTTL(t *testing.T) {
	var c alertCache
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	one := []*warmlead.SavedSearch{{ID: "s1"}}
	c.store(3, "KIND#job", one, t0)
	c.store(3, "ANY", nil, t0) // an empty partition is kept too
	if got, ok := c.lookup(3, "KIND#job", t0.Add(alertCacheTTL)); !ok || len(got) != 1 {
		t.Errorf("within its TTL: %v, %v; want the search", got, ok)
	}
	if _, ok := c.lookup(3, "ANY", t0.Add(time.Minute)); !ok {
		t.Error("an empty partition read is not kept")
	}
	if _, ok := c.lookup(3, "KIND#job", t0.Add(alertCacheTTL+time.Second)); ok {
		t.Error("kept past its TTL")
	}
	if _, ok := c.lookup(4, "ANY", t0); ok {
		t.Error("kept for a newer generation")
	}
	c.store(2, "CITY#lyon", one, t0) // read before a move already seen
	if _, ok := c.lookup(3, "CITY#lyon", t0); ok {
		t.Error("kept a read made at an older generation")
	}
	c.store(4, "CITY#lyon", one, t0)
	if _, ok := c.lookup(4, "ANY", t0); ok {
		t.Error("a newer generation did not empty the cache")
	}
}
