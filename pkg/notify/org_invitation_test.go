package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// An invitation written by the store reaches the invitee through the real
// stream (the pump, the Lambda event shape, the notifier) as one
// org_invitation notification a person can read; accepting, declining and
// a replay of the whole stream add nothing.
func TestOrgInvitationReachesTheInvitee(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []warmlead.Member{
		{ID: "dana", Name: "Dana Reyes", Stage: warmlead.StageProfessional},
		{ID: "bob", Name: "Bob", Stage: warmlead.StageCareerChanger},
		{ID: "carmen", Name: "Carmen", Stage: warmlead.StageReturner},
	} {
		_, _, err := store.PutMember(ctx, &m)
		must(err)
	}
	o, err := store.CreateOrg(ctx, "dana", &warmlead.Org{Name: "Lyon Alumni", Kind: warmlead.OrgAlumniAssociation})
	must(err)
	_, _, err = store.InviteOrgMember(ctx, "dana", o.ID, "bob", warmlead.RoleAdmin)
	must(err)
	_, _, err = store.InviteOrgMember(ctx, "dana", o.ID, "bob", warmlead.RoleAdmin) // idempotent: no second fact
	must(err)
	_, _, err = store.InviteOrgMember(ctx, "dana", o.ID, "carmen", warmlead.RoleMember)
	must(err)
	must(store.DeclineOrgInvitation(ctx, "carmen", o.ID))
	_, err = store.AcceptOrgInvitation(ctx, "bob", o.ID)
	must(err)

	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	var seen []events.DynamoDBEvent
	record := func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		seen = append(seen, ev)
		return h.Handle(ctx, ev)
	}
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN, record, streampump.Options{Filter: pumptest.Filter(t, "NotifierFunction"), PollInterval: 20 * time.Millisecond})
	drain, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	env.Calls.Reset()
	must(pump.Drain(drain))
	facts := 0
	for _, ev := range seen {
		for _, r := range ev.Records {
			if f, err := dynamo.DecodeRecord(r); err == nil && f != nil && f.Kind == warmlead.FactOrgInvitation {
				facts++
			}
		}
	}
	if facts != 2 {
		t.Errorf("the stream held %d invitation facts, want one per invitation (2): inviting again is no new fact", facts)
	}

	check := func(when string) {
		t.Helper()
		got, err := store.ListNotifications(ctx, "bob", warmlead.PageRequest{})
		must(err)
		if len(got.Items) != 1 {
			t.Fatalf("%s: bob has %d notifications, want 1: %+v", when, len(got.Items), got.Items)
		}
		n := got.Items[0]
		if n.Type != warmlead.NotifyOrgInvitation || n.ActorID != "dana" || n.OrgID != o.ID || n.PostingID != "" ||
			n.Summary != "Dana Reyes invited you to join Lyon Alumni as admin" {
			t.Errorf("%s: bob's notification = %+v", when, n)
		}
		got, err = store.ListNotifications(ctx, "carmen", warmlead.PageRequest{})
		must(err)
		if len(got.Items) != 1 || got.Items[0].Summary != "Dana Reyes invited you to join Lyon Alumni as member" {
			t.Errorf("%s: carmen's inbox = %+v", when, got.Items)
		}
		if got, _ := store.ListNotifications(ctx, "dana", warmlead.PageRequest{}); len(got.Items) != 0 {
			t.Errorf("%s: the inviter was notified: %+v", when, got.Items)
		}
	}
	check("delivered")
	for _, ev := range seen { // at least once: the whole stream again
		if resp, err := h.Handle(ctx, ev); err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("replay: %+v %v", resp, err)
		}
	}
	check("replayed")
}
