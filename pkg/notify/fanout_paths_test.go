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

// fanoutWorld is a store, a notifier and the stream pump between them.
type fanoutWorld struct {
	t     *testing.T
	env   *testenv.Env
	store *dynamo.Store
	h     *notify.Handler
	pump  *streampump.Pump
	fails int
}

func newFanoutWorld(t *testing.T, members ...string) *fanoutWorld {
	t.Helper()
	env := testenv.New(t)
	w := &fanoutWorld{t: t, env: env, store: env.Store(t)}
	w.h = notify.NewHandler(quietLogger(), dynamo.DecodeRecord, w.store)
	for _, m := range members {
		w.must(w.store.PutMember(context.Background(), &warmlead.Member{ID: m, Name: "Name of " + m, Stage: warmlead.StageProfessional}))
	}
	return w
}

func (w *fanoutWorld) must(_ any, results ...any) {
	w.t.Helper()
	for _, r := range results {
		if err, ok := r.(error); ok && err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *fanoutWorld) connect(a, b string) {
	w.t.Helper()
	ctx := context.Background()
	c, _, err := w.store.RequestConnection(ctx, a, &warmlead.Connection{RecipientID: b})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.AcceptConnection(ctx, b, c.ID); err != nil {
		w.t.Fatal(err)
	}
}

func (w *fanoutWorld) post(poster, orgID string) *warmlead.Posting {
	w.t.Helper()
	vis := warmlead.VisibilityPublic
	posting := &warmlead.Posting{Title: "Lead by " + poster, Description: "d", Kind: warmlead.KindJob, Compensation: warmlead.CompPaid,
		Workplace: warmlead.WorkplaceRemote, Field: "data", ValidThrough: time.Now().Add(24 * time.Hour), OrgID: orgID, Visibility: vis}
	p, _, err := w.store.CreatePosting(context.Background(), poster, posting, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// drain runs everything written so far through the real stream and the
// notifier; a record that fails fails the test.
func (w *fanoutWorld) drain() {
	w.t.Helper()
	if w.pump == nil {
		w.pump = streampump.New(streampump.NewStreamsClient(w.env.Endpoint), w.env.StreamARN, w.h.Handle,
			streampump.Options{Filter: pumptest.Filter(w.t, "NotifierFunction"), PollInterval: 20 * time.Millisecond, MaxRetries: -1, Logger: quietLogger(),
				OnFailure: func(context.Context, events.DynamoDBEventRecord, error) { w.fails++ }})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.pump.Drain(ctx); err != nil {
		w.t.Fatal(err)
	}
	if w.fails > 0 {
		w.t.Fatalf("%d records went to the failure destination", w.fails)
	}
}

// notes lists a member's notifications of a type.
func (w *fanoutWorld) notes(member string, typ warmlead.NotificationType) []*warmlead.Notification {
	w.t.Helper()
	got, err := w.store.ListNotifications(context.Background(), member, warmlead.PageRequest{Limit: 100})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []*warmlead.Notification
	for _, n := range got.Items {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

// want checks that each member has exactly n notifications of typ about
// posting (any posting when "").
func (w *fanoutWorld) want(typ warmlead.NotificationType, postingID string, n int, members ...string) {
	w.t.Helper()
	for _, m := range members {
		got := 0
		for _, x := range w.notes(m, typ) {
			if postingID == "" || x.PostingID == postingID {
				got++
			}
		}
		if got != n {
			w.t.Errorf("%s has %d %s about %q, want %d", m, got, typ, postingID, n)
		}
	}
}

// Every fan-out path, end to end: stream record -> notifier -> inboxes,
// organisation postings included (issue 9, item 2: interest in an
// organisation's posting went to the failure destination and nobody heard).
func TestEveryFanOutPathEndToEnd(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "poster", "friend", "ref1", "ref2", "seeker", "admin2", "orgmember", "stranger")
	ctx := context.Background()
	// Connections: request and accept (connection_request, connection_accepted).
	for _, m := range []string{"friend", "ref1", "ref2", "seeker"} {
		w.connect("poster", m)
	}
	org, err := w.store.CreateOrg(ctx, "poster", &warmlead.Org{Name: "Alumni", Kind: warmlead.OrgAlumniAssociation})
	if err != nil {
		t.Fatal(err)
	}
	w.join("poster", org.ID, "admin2", warmlead.RoleAdmin)
	for _, m := range []string{"orgmember", "ref1", "ref2", "seeker"} {
		w.join("poster", org.ID, m, warmlead.RoleMember)
	}
	mine := w.post("poster", "")
	orgs := w.post("poster", org.ID)
	// Chains: ref1 -> ref2 -> seeker, on both postings; seeker shares with the chain on the org posting only.
	for _, p := range []*warmlead.Posting{mine, orgs} {
		l1, _, err := w.store.CreateReferral(ctx, "ref1", p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		l2, _, err := w.store.CreateReferral(ctx, "ref2", p.ID, l1.Token)
		if err != nil {
			t.Fatal(err)
		}
		w.must(w.store.ExpressInterest(ctx, "seeker", p.ID, "hello", l2.Token, p == orgs))
	}
	w.drain()

	w.want(warmlead.NotifyConnectionRequest, "", 1, "friend", "ref1", "ref2", "seeker")
	w.want(warmlead.NotifyConnectionAccepted, "", 4, "poster")
	// New member posting: the poster's connections; new org posting: the org's members.
	w.want(warmlead.NotifyNewPosting, mine.ID, 1, "friend", "ref1", "ref2", "seeker")
	w.want(warmlead.NotifyNewPosting, mine.ID, 0, "poster", "admin2", "orgmember", "stranger")
	w.want(warmlead.NotifyNewPosting, orgs.ID, 1, "admin2", "orgmember", "ref1", "ref2", "seeker")
	w.want(warmlead.NotifyNewPosting, orgs.ID, 0, "poster", "friend", "stranger")
	// Interest in a member posting: the poster; in an org posting: the poster and the admins.
	w.want(warmlead.NotifyInterest, mine.ID, 1, "poster")
	w.want(warmlead.NotifyInterest, mine.ID, 0, "admin2", "ref1", "ref2", "seeker")
	w.want(warmlead.NotifyInterest, orgs.ID, 1, "poster", "admin2")
	w.want(warmlead.NotifyInterest, orgs.ID, 0, "orgmember", "ref1", "ref2", "seeker")
	// The chain is credited on both.
	w.want(warmlead.NotifyReferralCredit, mine.ID, 1, "ref1", "ref2")
	w.want(warmlead.NotifyReferralCredit, orgs.ID, 1, "ref1", "ref2")
	w.want(warmlead.NotifyReferralCredit, "", 0, "poster", "seeker", "admin2")
	// Privacy (item 7): the chain learns who only when the member shared it.
	for _, m := range []string{"ref1", "ref2"} {
		for _, n := range w.notes(m, warmlead.NotifyReferralCredit) {
			want := ""
			if n.PostingID == orgs.ID {
				want = "seeker"
			}
			if n.ActorID != want {
				t.Errorf("%s's referral_credit on %s names %q, want %q", m, n.PostingID, n.ActorID, want)
			}
		}
	}
	for _, n := range w.notes("admin2", warmlead.NotifyInterest) {
		if n.ActorID != "seeker" {
			t.Errorf("an admin's interest notification names %q, want the member", n.ActorID)
		}
	}
}

// The org-admin query the notifier runs on interest in an organisation's
// posting must be valid (issue 9, item 2): it failed validation when the
// paging helper replaced the query's expression names.
func TestOrgAdminIDsReadsAdmins(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "a", "b", "c")
	ctx := context.Background()
	org, err := w.store.CreateOrg(ctx, "a", &warmlead.Org{Name: "O", Kind: warmlead.OrgAlumniAssociation})
	if err != nil {
		t.Fatal(err)
	}
	w.join("a", org.ID, "b", warmlead.RoleAdmin)
	w.join("a", org.ID, "c", warmlead.RoleMember)
	ids, err := w.store.OrgAdminIDs(ctx, org.ID)
	if err != nil {
		t.Fatalf("OrgAdminIDs: %v", err)
	}
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Errorf("admins = %v, want [a b]", ids)
	}
}

// A posting that is closed, or expired, by the time the notifier reaches it
// is not announced (issue 9, item 8).
func TestStalePostingsAreNotAnnounced(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "poster", "friend")
	ctx := context.Background()
	w.connect("poster", "friend")
	closed := w.post("poster", "")
	if _, err := w.store.ClosePosting(ctx, "poster", closed.ID, warmlead.CloseWithdrawn); err != nil {
		t.Fatal(err)
	}
	expiring := w.post("poster", "")
	// The notifier reaches the records two days later: the posting (valid one day) has expired.
	w.h.SetClock(func() time.Time { return time.Now().Add(48 * time.Hour) })
	w.drain()
	w.want(warmlead.NotifyNewPosting, closed.ID, 0, "friend")
	w.want(warmlead.NotifyNewPosting, expiring.ID, 0, "friend")

	// The same posting reached in time is announced.
	w.h.SetClock(time.Now)
	fresh := w.post("poster", "")
	w.drain()
	w.want(warmlead.NotifyNewPosting, fresh.ID, 1, "friend")
}

// join makes memberID a member of orgID the only way there is: inviter
// invites, the member accepts (docs/rules.md, "Organisations and consent").
func (w *fanoutWorld) join(inviter, orgID, memberID string, role warmlead.OrgRole) {
	w.t.Helper()
	ctx := context.Background()
	if _, _, err := w.store.InviteOrgMember(ctx, inviter, orgID, memberID, role); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.AcceptOrgInvitation(ctx, memberID, orgID); err != nil {
		w.t.Fatal(err)
	}
}
