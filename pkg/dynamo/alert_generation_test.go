package dynamo_test

import (
	"context"
	"testing"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Every write of alert entries moves the alert generation on, so a notifier
// that kept alert partitions reads them again (pkg/notify, alert_cache.go):
// a search saved, changed, deleted, or erased with its member. A search
// without alerts files no entry and moves nothing.
func TestAlertGenerationMovesWithEveryAlertEntryWrite(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "dana", "eli")
	last := int64(-1)
	moved := func(what string, want bool) {
		t.Helper()
		gen, err := store.AlertGeneration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if (gen > last) != want && last >= 0 {
			t.Errorf("%s: generation %d after %d, moved %v, want %v", what, gen, last, gen > last, want)
		}
		last = gen
	}
	moved("start", false)
	ss, err := store.CreateSavedSearch(ctx, "dana", &warmlead.SavedSearch{Name: "UX", Query: warmlead.PostingFilter{Q: "ux"}, Alert: warmlead.AlertInstant})
	if err != nil {
		t.Fatal(err)
	}
	moved("a search saved", true)
	if _, err := store.CreateSavedSearch(ctx, "dana", &warmlead.SavedSearch{Name: "Quiet", Query: warmlead.PostingFilter{Q: "data"}, Alert: warmlead.AlertOff}); err != nil {
		t.Fatal(err)
	}
	moved("a search without alerts saved", false)
	if _, err := store.UpdateSavedSearch(ctx, "dana", ss.ID, func(s *warmlead.SavedSearch) { s.Query.Q = "design" }); err != nil {
		t.Fatal(err)
	}
	moved("a search changed", true)
	if err := store.DeleteSavedSearch(ctx, "dana", ss.ID); err != nil {
		t.Fatal(err)
	}
	moved("a search deleted", true)
	if _, err := store.CreateSavedSearch(ctx, "eli", &warmlead.SavedSearch{Name: "UX", Query: warmlead.PostingFilter{Q: "ux"}, Alert: warmlead.AlertDaily}); err != nil {
		t.Fatal(err)
	}
	moved("another search saved", true)
	if err := store.DeleteMember(ctx, "eli"); err != nil {
		t.Fatal(err)
	}
	moved("its member erased", true)
}
