package dynamo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Notifications and due entries go out 25 a call: as BatchWriteItem, or as
// transactions of the same puts in a store made WithTransactedBatches (the
// local stack's stream functions). Either way each lands once, whether it
// is named twice in one call or the whole write is replayed.
func TestNotificationsAndDueEntriesGoOut25ACall(t *testing.T) {
	t.Parallel()
	for _, c := range testenv.WriteModes() {
		t.Run(c.Call, func(t *testing.T) {
			t.Parallel()
			store, env := newStore(t, c.Opts...)
			ctx := context.Background()
			at := time.Now().UTC().Truncate(time.Second)
			const each = 30 // two calls of each kind: 25 and 5
			var ns []*warmlead.Notification
			var ds []*warmlead.Due
			for i := range each {
				other := fmt.Sprintf("m%02d", i)
				ns = append(ns, &warmlead.Notification{ID: fmt.Sprintf("n%03d", i), RecipientID: "dana",
					Type: warmlead.NotifyConnectionRequest, ActorID: other, CreatedAt: at})
				ds = append(ds, &warmlead.Due{At: at.Add(time.Hour), Kind: warmlead.DueKeepWarm, MemberID: "dana",
					OtherID: other, Version: at})
			}
			ns, ds = append(ns, ns[3]), append(ds, ds[5]) // one of each named twice
			env.Calls.Reset()
			for range 2 { // the second time, a replay
				if err := store.PutNotifications(ctx, ns); err != nil {
					t.Fatal(err)
				}
				if err := store.PutDue(ctx, ds); err != nil {
					t.Fatal(err)
				}
			}
			for _, call := range []string{"BatchWriteItem", "TransactWriteItems"} {
				want := 0
				if call == c.Call {
					want = 2 * 2 * 2 // notifications and due entries, two calls each, twice
				}
				if got := env.Calls.Count(call); got != want {
					t.Errorf("%d %s calls, want %d", got, call, want)
				}
			}
			inbox, err := store.ListNotifications(ctx, "dana", warmlead.PageRequest{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(inbox.Items) != each || inbox.Unread != each {
				t.Errorf("inbox holds %d notifications, %d unread; want %d of each", len(inbox.Items), inbox.Unread, each)
			}
			due := 0
			if err := store.DueBetween(ctx, at, at.Add(2*time.Hour), func(batch []*warmlead.Due) error {
				due += len(batch)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if due != each {
				t.Errorf("%d due entries, want %d", due, each)
			}
		})
	}
}
