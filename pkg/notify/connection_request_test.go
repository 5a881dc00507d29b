package notify_test

import (
	"context"
	"testing"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A request withdrawn before the notifier reaches it is not announced; one
// that still stands is, once.
func TestWithdrawnConnectionRequestIsNotAnnounced(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "ines", "carmen", "hugo")
	ctx := context.Background()
	withdrawn, _, err := w.store.RequestConnection(ctx, "ines", &warmlead.Connection{RecipientID: "carmen"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.DeleteConnection(ctx, "ines", withdrawn.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.store.RequestConnection(ctx, "ines", &warmlead.Connection{RecipientID: "hugo"}); err != nil {
		t.Fatal(err)
	}
	w.drain()
	w.want(warmlead.NotifyConnectionRequest, "", 0, "carmen")
	w.want(warmlead.NotifyConnectionRequest, "", 1, "hugo")
}
