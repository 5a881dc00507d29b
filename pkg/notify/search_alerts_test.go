package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

func saveSearch(t *testing.T, store *dynamo.Store, member, name string, q warmlead.PostingFilter, alert warmlead.AlertCadence) {
	t.Helper()
	if _, err := store.CreateSavedSearch(context.Background(), member, &warmlead.SavedSearch{Name: name, Query: q, Alert: alert}); err != nil {
		t.Fatal(err)
	}
}

func createPostingFor(t *testing.T, store *dynamo.Store, poster string, p warmlead.Posting) *warmlead.Posting {
	t.Helper()
	p.Description = "Shadow the research team."
	p.Kind, p.Compensation, p.Workplace = warmlead.KindInternship, warmlead.CompStipend, warmlead.WorkplaceHybrid
	if p.ValidThrough.IsZero() {
		p.ValidThrough = time.Now().Add(30 * 24 * time.Hour)
	}
	created, _, err := store.CreatePosting(context.Background(), poster, &p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// searchMatches reads a member's search_match notifications.
func searchMatches(t *testing.T, store *dynamo.Store, member string) []*warmlead.Notification {
	t.Helper()
	got, err := store.ListNotifications(context.Background(), member, warmlead.PageRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []*warmlead.Notification
	for _, n := range got.Items {
		if n.Type == warmlead.NotifySearchMatch {
			out = append(out, n)
		}
	}
	return out
}

func TestSavedSearchAlertsOncePerMemberAndPosting(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	network(t, store) // bob's connections: alice, carmen, dev; erin pending; frank a stranger
	ux := warmlead.PostingFilter{Q: "ux"}
	saveSearch(t, store, "carmen", "UX anything", ux, warmlead.AlertInstant)
	saveSearch(t, store, "carmen", "UX research field", warmlead.PostingFilter{Field: "ux research"}, warmlead.AlertInstant)
	saveSearch(t, store, "carmen", "Research weekly", warmlead.PostingFilter{Q: "research"}, warmlead.AlertWeekly)
	saveSearch(t, store, "dev", "Research interns", warmlead.PostingFilter{Q: "research intern", Kind: warmlead.KindInternship}, warmlead.AlertDaily)
	saveSearch(t, store, "alice", "Design", warmlead.PostingFilter{Q: "design"}, warmlead.AlertInstant)
	saveSearch(t, store, "alice", "Old UX", ux, warmlead.AlertOff)
	saveSearch(t, store, "frank", "UX", ux, warmlead.AlertInstant)
	saveSearch(t, store, "erin", "UX", ux, warmlead.AlertInstant)
	saveSearch(t, store, "bob", "Mine", ux, warmlead.AlertInstant)

	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	ctx := context.Background()
	posting := createPostingFor(t, store, "bob", warmlead.Posting{Title: "UX research intern", Field: "UX Research", Visibility: warmlead.VisibilityNetwork})
	ev := postingEvent(posting.ID, "bob", posting.CreatedAt)
	for i := 0; i < 2; i++ { // at-least-once delivery: a replay changes nothing
		if resp, err := h.Handle(ctx, ev); err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("handle: %v %+v", err, resp)
		}
	}
	// Every alert is in the inbox at once, one per member however many of
	// their searches match; its cadence says when it is emailed
	// (docs/email.md): dev's daily search waits for the daily digest.
	want := map[string]int{"carmen": 1, "alice": 0, "dev": 1, "frank": 0, "erin": 0, "bob": 0}
	summary := map[string]string{"carmen": "New lead for your search “UX anything”: UX research intern",
		"dev": "New lead for your search “Research interns”: UX research intern"}
	emailed := map[string]warmlead.Frequency{"carmen": warmlead.FrequencyInstant, "dev": warmlead.FrequencyDaily}
	for m, n := range want {
		got := searchMatches(t, store, m)
		if len(got) != n {
			t.Errorf("%s got %d search_match, want %d", m, len(got), n)
		}
		for _, g := range got {
			if g.PostingID != posting.ID || g.Summary != summary[m] || g.Frequency != emailed[m] {
				t.Errorf("%s: %+v", m, g)
			}
		}
	}

	// A public posting reaches the stranger too.
	pub := createPostingFor(t, store, "bob", warmlead.Posting{Title: "UX writer", Field: "Content"})
	if _, err := h.Handle(ctx, postingEvent(pub.ID, "bob", pub.CreatedAt)); err != nil {
		t.Fatal(err)
	}
	if got := searchMatches(t, store, "frank"); len(got) != 1 {
		t.Errorf("frank got %d alerts for a public UX lead, want 1", len(got))
	}
}

func TestClosedOrExpiredPostingNeverAlerts(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	saveSearch(t, store, "carmen", "UX", warmlead.PostingFilter{Q: "ux"}, warmlead.AlertInstant)
	saveSearch(t, store, "dev", "UX daily", warmlead.PostingFilter{Q: "ux"}, warmlead.AlertDaily)
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	ctx := context.Background()

	closed := createPostingFor(t, store, "bob", warmlead.Posting{Title: "UX intern"})
	if _, err := store.ClosePosting(ctx, "bob", closed.ID, warmlead.CloseFilled); err != nil {
		t.Fatal(err)
	}
	expiring := createPostingFor(t, store, "bob", warmlead.Posting{Title: "UX intern", ValidThrough: time.Now().Add(1200 * time.Millisecond)})
	time.Sleep(1300 * time.Millisecond)
	for _, p := range []*warmlead.Posting{closed, expiring} {
		if resp, err := h.Handle(ctx, postingEvent(p.ID, "bob", p.CreatedAt)); err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("handle: %v %+v", err, resp)
		}
	}
	if got := searchMatches(t, store, "carmen"); len(got) != 0 {
		t.Errorf("closed or expired lead alerted: %+v", got)
	}
	if got := searchMatches(t, store, "dev"); len(got) != 0 {
		t.Errorf("closed or expired lead alerted a daily search: %+v", got)
	}
}

func TestInterestsMatchLikeSearch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	network(t, store) // carmen: "UX Research"; dev: "Data", "design"
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	posting := createPostingFor(t, store, "bob", warmlead.Posting{Title: "Intern", Field: "UX design", Visibility: warmlead.VisibilityNetwork})
	ev := postingEvent(posting.ID, "bob", posting.CreatedAt)
	// The stream image carries the posting as written.
	img := ev.Records[0].Change.NewImage
	img["Title"], img["Field"] = events.NewStringAttribute("Intern"), events.NewStringAttribute("ux design")
	if _, err := h.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if got := inbox(t, store, "dev")[warmlead.NotifyNewPosting]; got != 1 {
		t.Errorf("dev (interest design) got %d new_lead for a UX design lead, want 1", got)
	}
	if got := inbox(t, store, "carmen")[warmlead.NotifyNewPosting]; got != 0 {
		t.Errorf("carmen (interest UX Research) got %d new_lead for a UX design lead, want 0", got)
	}
}

// An instance keeps what it read of alert partitions while the alert
// generation stays: a lead naming the same partitions as the last reads
// none of them again (one GetItem for the generation instead), and a
// search saved since moves the generation on, so the next lead reads the
// partitions again and alerts it at once.
func TestAlertPartitionsAreKeptUntilASearchIsSaved(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	network(t, store)
	saveSearch(t, store, "carmen", "UX", warmlead.PostingFilter{Q: "ux"}, warmlead.AlertInstant)
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	ctx := context.Background()
	announce := func() (posting *warmlead.Posting, queries int) {
		posting = createPostingFor(t, store, "bob", warmlead.Posting{Title: "UX research intern", Field: "UX Research", Visibility: warmlead.VisibilityNetwork})
		env.Calls.Reset()
		if resp, err := h.Handle(ctx, postingEvent(posting.ID, "bob", posting.CreatedAt)); err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("handle: %v %+v", err, resp)
		}
		return posting, env.Calls.Count("Query")
	}
	alerted := func(member, postingID string) bool {
		for _, n := range searchMatches(t, store, member) {
			if n.PostingID == postingID {
				return true
			}
		}
		return false
	}

	first, cold := announce()
	second, warm := announce()
	// The poster's network is read for each lead (one Query); the alert
	// partitions only for the first.
	if cold < 3 || warm != 1 {
		t.Errorf("Queries: %d for the first lead, %d for the second naming the same partitions; want several, then 1 (its network)", cold, warm)
	}
	for _, p := range []*warmlead.Posting{first, second} {
		if !alerted("carmen", p.ID) {
			t.Errorf("carmen not alerted of %s", p.ID)
		}
	}

	saveSearch(t, store, "dev", "Research", warmlead.PostingFilter{Q: "research"}, warmlead.AlertInstant)
	third, again := announce()
	if again != cold {
		t.Errorf("after a search was saved, %d Queries; want the partitions read again (%d)", again, cold)
	}
	if !alerted("dev", third.ID) || !alerted("carmen", third.ID) {
		t.Errorf("the lead after dev saved a search: dev alerted %v, carmen %v; want both", alerted("dev", third.ID), alerted("carmen", third.ID))
	}
}
