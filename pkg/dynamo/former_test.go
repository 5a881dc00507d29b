package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A people notification stored before they were worded when read carries
// its Summary with names: it is still read as stored, and once its actor
// deletes their account their name gives way to "a former member", with
// the same calls for the page (docs/people.md, "Your data").
func TestStoredSummariesLoseADeletedActorsName(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	for _, m := range []*warmlead.Member{{ID: "bob", Name: "Bob Marsh", Stage: warmlead.StageStudent}, {ID: "ines", Name: "Ines Duarte", Stage: warmlead.StageProfessional}} {
		if _, _, err := store.PutMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Now().UTC().Add(-time.Minute)
	old := &warmlead.Notification{ID: "1000000000000000000-0123456789abcdef", RecipientID: "ines", Type: warmlead.NotifyAdviceRequest,
		ActorID: "bob", CreatedAt: at, Summary: "Bob Marsh asks you for an informational interview (video): I study biology"}
	if err := store.PutNotifications(ctx, []*warmlead.Notification{old}); err != nil {
		t.Fatal(err)
	}
	read := func() (string, string) {
		env.Calls.Reset()
		in, err := store.ListNotifications(ctx, "ines", warmlead.PageRequest{})
		if err != nil || len(in.Items) != 1 {
			t.Fatalf("inbox = %+v, %v", in, err)
		}
		return in.Items[0].Summary + " actor=" + in.Items[0].ActorID, env.Calls.String()
	}
	got, calls := read()
	if got != old.Summary+" actor=bob" {
		t.Errorf("before: %q", got)
	}
	if err := store.DeleteMember(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	got, after := read()
	if got != "A former member asks you for an informational interview (video): I study biology actor=" || strings.Contains(got, "Bob") {
		t.Errorf("after: %q", got)
	}
	if after != calls || calls != "BatchGetItem=1 GetItem=1 Query=2" {
		t.Errorf("inbox page made %s after, %s before", after, calls)
	}
}
