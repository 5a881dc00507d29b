package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
)

type insightsResp struct {
	From, To string
	Totals   map[string]int `json:"totals"`
	Days     []map[string]any
	Open     int `json:"open_postings"`
	Offers   int `json:"members_with_open_offers"`
}

// drainStream runs the notifier over the whole stream from its start; run
// twice, it delivers every record again.
func drainStream(t *testing.T, env *testenv.Env) {
	t.Helper()
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, env.Store(t))
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN, h.Handle, streampump.Options{Filter: pumptest.Filter(t, "NotifierFunction"), PollInterval: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pump.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

func insightsVia(t *testing.T, api *apigwtest.Client, member, orgID, query string) insightsResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + orgID + "/insights" + query, Member: member})
	wantStatus(t, member+" reads insights", res, 200)
	var out insightsResp
	res.JSON(t, &out)
	return out
}

// Org insights are counters the notifier keeps from the stream; a record
// delivered again counts once; only admins read them.
func TestOrgInsightsCountedFromTheStream(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "vera", "dana", "bob", "outsider")
	org := createOrgVia(t, api, "vera")
	joinOrgVia(t, api, "vera", org.ID, "dana", "")
	joinOrgVia(t, api, "vera", org.ID, "bob", "")

	p := createPosting(t, api, "vera", map[string]any{"title": "Ops internship", "org_id": org.ID})
	createPosting(t, api, "vera", map[string]any{"title": "Not the org's"})
	link, status := share(t, api, "dana", p.ID, "")
	if status != 201 {
		t.Fatalf("share = %d", status)
	}
	// Clicks count distinct visitors a day (docs/rules.md): an anonymous
	// visitor opening twice and a signed-in one.
	landing(t, api, link.Token)
	landing(t, api, link.Token)
	openAs(t, api, "bob", link.Token)
	wantStatus(t, "interest", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/interest", Member: "bob",
		Body: `{"message":"Count me in","referral_token":"` + link.Token + `"}`}), 201)
	putOfferVia(t, api, "vera", `{"topics":["operations"],"formats":["coffee"],"monthly_capacity":2,"status":"open"}`)
	r := requestAdviceVia(t, api, "dana", "vera")
	wantStatus(t, "accept", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/accept", Member: "vera"}), 200)
	wantStatus(t, "held", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/held", Member: "vera",
		Body: `{"held_on":"` + time.Now().UTC().Format(time.DateOnly) + `"}`}), 200)

	want := map[string]int{"postings_posted": 1, "interests": 1, "referral_links": 1, "clicks": 2,
		"advice_requests_made": 1, "advice_requests_held": 1, "new_members": 3}
	check := func(when string, open int) {
		t.Helper()
		env.Calls.Reset()
		got := insightsVia(t, api, "vera", org.ID, "")
		if n := env.Calls.String(); n != "GetItem=1 Query=2" {
			t.Errorf("%s: GET insights made %s, want GetItem=1 Query=2 (counters, open offers)", when, n)
		}
		if got.Offers != 1 {
			t.Errorf("%s: members_with_open_offers = %d, want 1 (vera's)", when, got.Offers)
		}
		for k, v := range want {
			if got.Totals[k] != v {
				t.Errorf("%s: %s = %d, want %d (totals %v)", when, k, got.Totals[k], v, got.Totals)
			}
		}
		if got.Open != open || len(got.Days) != 1 {
			t.Errorf("%s: open_postings %d (want %d), days %v", when, got.Open, open, got.Days)
		}
	}
	drainStream(t, env)
	check("after the stream", 1)
	drainStream(t, env) // every record delivered again
	check("after redelivery", 1)

	openAs(t, api, "outsider", link.Token)
	wantStatus(t, "close", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/close", Member: "vera", Body: `{"reason":"filled"}`}), 200)
	drainStream(t, env)
	want["clicks"] = 3
	check("after a click and a closing", 0)

	// A paused offer is not an open one.
	putOfferVia(t, api, "vera", `{"topics":["operations"],"formats":["coffee"],"monthly_capacity":2,"status":"paused"}`)
	if got := insightsVia(t, api, "vera", org.ID, ""); got.Offers != 0 {
		t.Errorf("after pausing: members_with_open_offers = %d, want 0", got.Offers)
	}

	// A range before anything happened is empty.
	if got := insightsVia(t, api, "vera", org.ID, "?from=2020-01-01&to=2020-12-31"); got.Totals["postings_posted"] != 0 || len(got.Days) != 0 {
		t.Errorf("2020: %+v", got)
	}

	// Admins only; bad ranges are 422 naming the field.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/insights", Member: "bob"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/insights", Member: "outsider"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + strings.Repeat("c", 26) + "/insights", Member: "vera"}), 404, "")
	for q, loc := range map[string]string{
		"?from=2026-13-01":               "query.from",
		"?to=yesterday":                  "query.to",
		"?from=2025-01-01&to=2026-06-01": "query.from",
		"?from=2026-06-02&to=2026-06-01": "query.from",
	} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/insights" + q, Member: "vera"}), 422, loc)
	}
}

// openAs opens a shared link as a signed-in member (a distinct visitor).
func openAs(t *testing.T, api *apigwtest.Client, member, token string) {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + token, Member: member, Headers: map[string]string{"Accept": "application/json"}})
	wantStatus(t, member+" opens the link", res, 200)
}
