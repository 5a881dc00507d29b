package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/httpapi"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

const unsubscribeSecret = "test-unsubscribe-secret-0123456789abcdef"

// Settings: defaults, a change, a refusal naming the field; the verified
// email claim is stored by PUT /me; one-click unsubscribe works without a
// token and a forged link changes nothing.
func TestNotificationSettingsAndUnsubscribe(t *testing.T) {
	t.Parallel()
	_, env := newAPI(t)
	cfg := testConfig
	cfg.UnsubscribeSecret = []byte(unsubscribeSecret)
	api := apigwtest.New(httpapi.NewServer(quietLogger(), cfg, services(env.Store(t))))

	ev := apigwtest.Event(apigwtest.Request{Method: "PUT", Path: "/me", Member: "dana", Body: `{"name":"Dana Reyes","stage":"career_changer"}`})
	ev.RequestContext.Authorizer.JWT.Claims["email"] = "dana@example.org"
	ev.RequestContext.Authorizer.JWT.Claims["email_verified"] = "true"
	if res, err := api.Invoke(context.Background(), ev); err != nil || res.Status != http.StatusCreated {
		t.Fatalf("PUT /me = %v %v", res, err)
	}
	var st struct {
		Address      string            `json:"address"`
		Email        map[string]string `json:"email"`
		KeepWarmDays int               `json:"keep_warm_days"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notification-settings", Member: "dana"}).JSON(t, &st)
	if st.Address != "dana@example.org" || st.Email["new_lead"] != "daily" || st.Email["interest"] != "instant" || st.KeepWarmDays != 90 {
		t.Fatalf("defaults = %+v", st)
	}
	api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/notification-settings", Member: "dana",
		Body: `{"email":{"new_lead":"weekly"},"keep_warm_days":0}`}).JSON(t, &st)
	if st.Email["new_lead"] != "weekly" || st.KeepWarmDays != 0 || st.Email["interest"] != "instant" {
		t.Fatalf("after PUT = %+v", st)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/notification-settings", Member: "dana",
		Body: `{"email":{"no_such_type":"daily"}}`}), http.StatusUnprocessableEntity, "body.email.no_such_type")

	// A forged token (signed with another secret) and an altered one are 404.
	forged := warmlead.SignUnsubscribe([]byte("another-secret-0123456789abcdefghij"), "dana", "all")
	good := warmlead.SignUnsubscribe([]byte(unsubscribeSecret), "dana", "interest")
	for _, tok := range []string{forged, strings.Replace(good, "ZGFuY", "c2Ft", 1), "nonsense"} {
		res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/unsubscribe/" + tok, Body: "List-Unsubscribe=One-Click",
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
		if res.Status != http.StatusNotFound {
			t.Errorf("forged unsubscribe = %d %s", res.Status, res.Body)
		}
	}
	// Opening the link (a person, or a mail scanner prefetching it) shows a
	// page that asks, and changes nothing; a forged link's page says so.
	page := api.Do(t, apigwtest.Request{Method: "GET", Path: "/unsubscribe/" + good, Headers: map[string]string{"Accept": "text/html"}})
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `method="post"`) || !strings.Contains(page.Body, "emails about interest") {
		t.Errorf("unsubscribe page = %d %.300s", page.Status, page.Body)
	}
	if bad := api.Do(t, apigwtest.Request{Method: "GET", Path: "/unsubscribe/" + forged}); bad.Status != http.StatusNotFound {
		t.Errorf("forged unsubscribe page = %d", bad.Status)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notification-settings", Member: "dana"}).JSON(t, &st)
	if st.Email["interest"] != "instant" {
		t.Fatalf("opening the unsubscribe page unsubscribed: %+v", st)
	}
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/unsubscribe/" + good, Body: "List-Unsubscribe=One-Click",
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if res.Status != http.StatusOK {
		t.Fatalf("unsubscribe = %d %s", res.Status, res.Body)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notification-settings", Member: "dana"}).JSON(t, &st)
	if st.Email["interest"] != "off" || st.Email["new_lead"] != "weekly" {
		t.Fatalf("after unsubscribe = %+v", st)
	}
}

// Touch needs an accepted connection of the caller's; outcome needs an
// interest of theirs and a valid outcome.
func TestTouchAndOutcomeRefusals(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections/alice~dana/touch", Member: "dana", Body: `{}`}), http.StatusNotFound, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/nope/interest/outcome", Member: "dana", Body: `{"outcome":"lucky"}`}),
		http.StatusUnprocessableEntity, "body.outcome")
}

// Touch and outcome succeed for the caller's own connection and interest,
// one write each; the inbox says in words what happened.
func TestTouchOutcomeAndSummary(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	store := env.Store(t)
	ctx := context.Background()
	for _, m := range []warmlead.Member{{ID: "alice", Name: "Alice Martin", Stage: warmlead.StageProfessional},
		{ID: "dana", Name: "Dana Reyes", Stage: warmlead.StageCareerChanger}} {
		if _, _, err := store.PutMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	c, _, err := store.RequestConnection(ctx, "dana", &warmlead.Connection{RecipientID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AcceptConnection(ctx, "alice", c.ID); err != nil {
		t.Fatal(err)
	}
	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections/" + c.ID + "/touch", Member: "dana", Body: `{"note":"coffee"}`})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"touched_at"`) {
		t.Fatalf("touch = %d %s", res.Status, res.Body)
	}
	if n := env.Calls.Total(); n != 1 || env.Calls.Count("TransactWriteItems") != 1 {
		t.Errorf("touch made %d calls (%s), want 1 TransactWriteItems", n, env.Calls)
	}

	p, _, err := store.CreatePosting(ctx, "alice", &warmlead.Posting{Title: "UX research intern", Description: "d",
		Kind: warmlead.KindInternship, Compensation: warmlead.CompPaid, Workplace: warmlead.WorkplaceRemote, Field: "ux",
		Visibility: warmlead.VisibilityPublic, ValidThrough: time.Now().Add(48 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.ExpressInterest(ctx, "dana", p.ID, "", "", false); err != nil {
		t.Fatal(err)
	}
	env.Calls.Reset()
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/interest/outcome", Member: "dana", Body: `{"outcome":"hired"}`})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"outcome":"hired"`) {
		t.Fatalf("outcome = %d %s", res.Status, res.Body)
	}
	if n := env.Calls.Total(); n != 1 {
		t.Errorf("outcome made %d calls (%s), want 1 UpdateItem", n, env.Calls)
	}
	// Someone else's interest: 404.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/interest/outcome", Member: "alice", Body: `{"outcome":"hired"}`}),
		http.StatusNotFound, "")

	// The inbox: the notifier's notification reads as words.
	if err := store.PutNotifications(ctx, []*warmlead.Notification{notify.New(warmlead.NotifyInterest, "alice", "dana", p.ID, "interest:x", time.Now())}); err != nil {
		t.Fatal(err)
	}
	var in struct {
		Items []struct {
			Summary string `json:"summary"`
		} `json:"items"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications", Member: "alice"}).JSON(t, &in)
	if len(in.Items) != 1 || in.Items[0].Summary != "Dana Reyes is interested in “UX research intern”" {
		t.Errorf("inbox = %+v", in.Items)
	}
}
