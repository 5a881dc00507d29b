package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A request declined or withdrawn cannot be sent again to the same member
// for 30 days; after them it can (issue 9, item 10). Asking costs one
// transaction either way: the cooldown is a condition of it.
func TestConnectionCooldownEndsAfterThirtyDays(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	store, env := newStore(t, dynamo.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	putProfiles(t, store, env, "ann", "ben")
	for round := 0; round < 3; round++ {
		c := connect(t, store, "ann", "ben", false)
		if err := store.DeleteConnection(ctx, "ann", c.ID); err != nil { // withdrawn
			t.Fatal(err)
		}
		env.Calls.Reset()
		_, _, err := store.RequestConnection(ctx, "ann", &warmlead.Connection{RecipientID: "ben"})
		wantCode(t, "asking again at once", err, warmlead.ECONFLICT)
		wantCalls(t, env, "a refused request", "TransactWriteItems=1")
		now = now.Add(29 * 24 * time.Hour)
		_, _, err = store.RequestConnection(ctx, "ann", &warmlead.Connection{RecipientID: "ben"})
		wantCode(t, "asking again after 29 days", err, warmlead.ECONFLICT)
		now = now.Add(24*time.Hour + time.Second)
	}
}
