package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

type postingResp struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Kind         string   `json:"kind"`
	Field        string   `json:"field"`
	Audience     []string `json:"audience"`
	Workplace    string   `json:"workplace"`
	Compensation string   `json:"compensation"`
	Visibility   string   `json:"visibility"`
	OrgID        string   `json:"org_id"`
	PosterID     string   `json:"poster_id"`
	Status       string   `json:"status"`
	CloseReason  string   `json:"close_reason"`
	HoursPerWeek *int     `json:"hours_per_week"`
	ValidThrough string   `json:"valid_through"`
	Version      int      `json:"version"`
	Pay          *struct {
		Min      float64 `json:"min"`
		Currency string  `json:"currency"`
	} `json:"pay"`
}

type postingPage struct {
	Items      []postingResp `json:"items"`
	NextCursor string        `json:"next_cursor"`
}

// postingJSONBody is a valid posting with fields overridden (nil deletes).
func postingJSONBody(t testing.TB, overrides map[string]any) string {
	t.Helper()
	body := map[string]any{
		"title": "Junior data analyst", "description": "Help the alumni office make sense of survey data.",
		"organization": "Lyon Business School Alumni", "kind": "job", "compensation": "paid",
		"pay":      map[string]any{"min": 1800, "max": 2200, "currency": "EUR", "unit": "month"},
		"audience": []string{"recent_grads"}, "field": "Data", "skills": []string{"sql"},
		"workplace": "hybrid", "location": map[string]any{"city": "Lyon", "country": "FR"},
		"valid_through": time.Now().UTC().Add(30 * 24 * time.Hour).Format(time.RFC3339),
		"how_to_apply":  "Express interest on Warmlead.",
	}
	for k, v := range overrides {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func createPosting(t testing.TB, api *apigwtest.Client, member string, overrides map[string]any) postingResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: member, Body: postingJSONBody(t, overrides)})
	if res.Status != 201 {
		t.Fatalf("create posting = %d %s", res.Status, res.Body)
	}
	var p postingResp
	res.JSON(t, &p)
	return p
}

func TestCreateAndGetPostingOfEveryKind(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	for _, kind := range []string{"job", "internship", "informal_internship", "self_created_internship"} {
		overrides := map[string]any{"kind": kind, "title": "Lead " + kind}
		if kind == "self_created_internship" {
			overrides["compensation"], overrides["pay"], overrides["hours_per_week"] = "volunteer", nil, 10
			overrides["audience"] = []string{"career_changers", "returners"}
		}
		env.Calls.Reset()
		res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: postingJSONBody(t, overrides)})
		if res.Status != 201 {
			t.Fatalf("create %s = %d %s", kind, res.Status, res.Body)
		}
		// One call: the posting and its search index entries in one transaction.
		if env.Calls.Total() != 1 {
			t.Errorf("create %s made %s, want 1 call", kind, env.Calls)
		}
		var p postingResp
		res.JSON(t, &p)
		if p.ID == "" || p.Kind != kind || p.PosterID != "alice" || p.Status != "open" || p.Version != 1 || p.Field != "Data" { // stored as written (docs/rules.md)
			t.Errorf("created %+v", p)
		}
		if loc := res.Headers.Get("Location"); loc != "/postings/"+p.ID {
			t.Errorf("Location = %q", loc)
		}
		if res.Headers.Get("ETag") != `"1"` {
			t.Errorf("ETag = %q", res.Headers.Get("ETag"))
		}

		env.Calls.Reset()
		got := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID})
		if got.Status != 200 {
			t.Fatalf("anonymous GET public posting = %d %s", got.Status, got.Body)
		}
		if env.Calls.Total() != 1 || env.Calls.Count("GetItem") != 1 {
			t.Errorf("get posting made %s, want 1 GetItem", env.Calls)
		}
		var g postingResp
		got.JSON(t, &g)
		if g.Title != "Lead "+kind || (kind == "self_created_internship" && (g.HoursPerWeek == nil || *g.HoursPerWeek != 10)) {
			t.Errorf("read back %+v", g)
		}
	}
}

func TestCreatePostingBadInput(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	tooLate := time.Now().UTC().Add(400 * 24 * time.Hour).Format(time.RFC3339)
	past := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	cases := []struct {
		name      string
		overrides map[string]any
		status    int
		loc       string
	}{
		{"missing title", map[string]any{"title": nil}, 422, "body.title"},
		{"kind not in enum", map[string]any{"kind": "gig"}, 422, "body.kind"},
		{"audience not in enum", map[string]any{"audience": []string{"wizards"}}, 422, "body.audience[0]"},
		{"valid_through over 365 days", map[string]any{"valid_through": tooLate}, 422, "body.valid_through"},
		{"valid_through in the past", map[string]any{"valid_through": past}, 422, "body.valid_through"},
		{"valid_through not a date", map[string]any{"valid_through": "next week"}, 422, "body.valid_through"},
		{"missing valid_through", map[string]any{"valid_through": nil}, 422, "body.valid_through"},
		{"volunteer with pay", map[string]any{"compensation": "volunteer"}, 422, "body.pay"},
		{"pay max below min", map[string]any{"pay": map[string]any{"min": 10, "max": 5, "currency": "EUR", "unit": "hour"}}, 422, "body.pay.max"},
		{"bad start date", map[string]any{"start_date": "2027-02-30"}, 422, "body.start_date"},
		{"hours out of range", map[string]any{"hours_per_week": 100}, 422, "body.hours_per_week"},
		{"unknown field", map[string]any{"salary": 3}, 422, "body.salary"},
		{"server-set field", map[string]any{"status": "filled"}, 422, "body.status"},
		{"org visibility without org", map[string]any{"visibility": "org"}, 422, "body.visibility"},
		{"org that does not exist", map[string]any{"org_id": "aaaaaaaaaaaaaaaaaaaaaaaaaa"}, 404, "body.org_id"},
		{"org id that cannot exist", map[string]any{"org_id": strings.Repeat("a", 3000)}, 422, "body.org_id"},
		{"org lead visible to a network", map[string]any{"org_id": "aaaaaaaaaaaaaaaaaaaaaaaaaa", "visibility": "network"}, 422, "body.visibility"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: postingJSONBody(t, tc.overrides)})
			wantProblem(t, res, tc.status, tc.loc)
		})
	}
	if n := env.Calls.Count("PutItem") + env.Calls.Count("TransactWriteItems"); n != 1 {
		// only the org case reaches the table, and its transaction fails
		t.Errorf("bad input wrote: %s", env.Calls)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Body: postingJSONBody(t, nil)}), 401, "header.Authorization")
}

func TestIdempotencyKeyMakesRetriesSafe(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	body := postingJSONBody(t, nil)
	send := func(key, body string) apigwtest.Response {
		return api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: body,
			Headers: map[string]string{"Idempotency-Key": key}})
	}
	env.Calls.Reset()
	first := send("k-123", body)
	if first.Status != 201 {
		t.Fatalf("first = %d %s", first.Status, first.Body)
	}
	if env.Calls.Total() > 2 {
		t.Errorf("create with idempotency key made %s, want at most 2 calls", env.Calls)
	}
	second := send("k-123", body)
	if second.Status != 201 || second.Body != first.Body || second.Headers.Get("Location") != first.Headers.Get("Location") {
		t.Errorf("retry = %d %s\nwant the first response %s", second.Status, second.Body, first.Body)
	}
	if second.Headers.Get("Idempotent-Replayed") != "true" {
		t.Error("retry not marked as replayed")
	}
	// The same JSON with its keys in another order and other spacing is the
	// same request.
	var fields map[string]any
	if err := json.Unmarshal([]byte(body), &fields); err != nil {
		t.Fatal(err)
	}
	reordered := "{\n"
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	for i, k := range keys {
		v, _ := json.Marshal(fields[k])
		if i > 0 {
			reordered += ",\n"
		}
		reordered += "  " + strconv.Quote(k) + " : " + string(v)
	}
	reordered += "\n}"
	if third := send("k-123", reordered); third.Status != 201 || third.Headers.Get("Location") != first.Headers.Get("Location") {
		t.Errorf("retry with the keys reordered = %d %s, want the first response", third.Status, third.Body)
	}
	wantProblem(t, send("k-123", postingJSONBody(t, map[string]any{"title": "Another"})), 422, "header.Idempotency-Key")

	// Another member's identical key is theirs alone.
	other := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "bob", Body: body,
		Headers: map[string]string{"Idempotency-Key": "k-123"}})
	if other.Status != 201 || other.Body == first.Body {
		t.Errorf("bob's key collided with alice's: %d", other.Status)
	}

	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/postings", Member: "alice"})
	var mine postingPage
	res.JSON(t, &mine)
	if len(mine.Items) != 1 {
		t.Errorf("alice has %d postings after a retried create, want 1", len(mine.Items))
	}
}

func TestPatchPostingWithIfMatch(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "alice", nil)
	patch := func(member, ifMatch, body string) apigwtest.Response {
		h := map[string]string{"Content-Type": "application/merge-patch+json"}
		if ifMatch != "" {
			h["If-Match"] = ifMatch
		}
		return api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/postings/" + p.ID, Member: member, Body: body, Headers: h})
	}

	res := patch("alice", `"1"`, `{"title":"Senior data analyst","pay":{"max":2600},"skills":null}`)
	if res.Status != 200 {
		t.Fatalf("patch = %d %s", res.Status, res.Body)
	}
	var got postingResp
	res.JSON(t, &got)
	if got.Title != "Senior data analyst" || got.Version != 2 || got.Pay == nil || got.Pay.Min != 1800 || res.Headers.Get("ETag") != `"2"` {
		t.Errorf("patched = %+v etag %s", got, res.Headers.Get("ETag"))
	}
	wantProblem(t, patch("alice", `"1"`, `{"title":"Lost update"}`), 412, "header.If-Match")
	wantProblem(t, patch("alice", "", `{"title":"No precondition"}`), 428, "header.If-Match")
	wantProblem(t, patch("bob", `"2"`, `{"title":"Not mine"}`), 403, "")
	wantProblem(t, patch("alice", `"2"`, `{"poster_id":"bob"}`), 422, "body.poster_id")
	wantProblem(t, patch("alice", `"2"`, `{"kind":"gig"}`), 422, "body.kind")
	wantProblem(t, patch("alice", `"2"`, `{"hours_per_week":"ten"}`), 422, "body.hours_per_week")
	wantProblem(t, patch("alice", `"2"`, `{"title":null}`), 422, "body.title")
	wantProblem(t, patch("alice", `"2"`, `[1,2]`), 400, "body")

	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID})
	res.JSON(t, &got)
	if got.Title != "Senior data analyst" || got.Version != 2 {
		t.Errorf("failed patches changed the posting: %+v", got)
	}
}

func TestClosePostingLeavesBrowse(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "alice", nil)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/close", Member: "bob",
		Body: `{"reason":"filled"}`}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/close", Member: "alice",
		Body: `{"reason":"bored"}`}), 422, "body.reason")

	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/close", Member: "alice", Body: `{"reason":"filled"}`})
	var closed postingResp
	res.JSON(t, &closed)
	if res.Status != 200 || closed.Status != "filled" || closed.CloseReason != "filled" {
		t.Fatalf("close = %d %s", res.Status, res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/close", Member: "alice",
		Body: `{"reason":"withdrawn"}`}), 409, "")

	for _, path := range []string{"/postings", "/postings?field=data", "/postings?kind=job", "/postings?poster_id=alice"} {
		var pg postingPage
		api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "bob"}).JSON(t, &pg)
		if len(pg.Items) != 0 {
			t.Errorf("%s still lists the closed posting", path)
		}
	}
	var mine postingPage
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/postings", Member: "alice"}).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Status != "filled" {
		t.Errorf("/me/postings = %+v, want the filled posting", mine.Items)
	}
}

func TestBrowseFiltersNewestFirst(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	postings := []map[string]any{
		{"title": "A", "kind": "job", "field": "Data", "workplace": "remote", "audience": []string{"recent_grads"}},
		{"title": "B", "kind": "informal_internship", "field": "UX Research", "workplace": "onsite", "compensation": "unpaid", "pay": nil, "audience": []string{"career_changers"}},
		{"title": "C", "kind": "self_created_internship", "field": "data", "workplace": "remote", "compensation": "volunteer", "pay": nil, "audience": []string{"returners"}},
		{"title": "D", "kind": "internship", "field": "Design", "workplace": "hybrid", "compensation": "stipend", "audience": []string{"anyone"}},
		{"title": "E", "kind": "job", "field": "data", "workplace": "onsite", "visibility": "network"},
	}
	for _, l := range postings {
		createPosting(t, api, "alice", l)
		time.Sleep(time.Millisecond)
	}
	createPosting(t, api, "bob", map[string]any{"title": "F", "field": "data"})

	cases := map[string]string{
		"":                            "F D C B A",
		"kind=job":                    "F A",
		"field=data":                  "F C A",
		"field=DATA&workplace=remote": "C A",
		"audience=career_changers":    "D B",
		"workplace=onsite":            "B",
		"compensation=volunteer":      "C",
		"poster_id=bob":               "F",
		"poster_id=alice&kind=job":    "A",
		"kind=informal_internship&field=ux research": "B",
	}
	for query, want := range cases {
		var pg postingPage
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?" + query, Member: "carmen"})
		res.JSON(t, &pg)
		var got []string
		for _, p := range pg.Items {
			got = append(got, p.Title)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("browse %q = %v, want %s", query, got, want)
		}
	}

	// One Query when the page fills from it; anonymous readers see public only.
	env.Calls.Reset()
	var pg postingPage
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?field=data&limit=2"}).JSON(t, &pg)
	if env.Calls.Total() != 1 || env.Calls.Count("Query") != 1 {
		t.Errorf("browse page made %s, want 1 Query", env.Calls)
	}
	if len(pg.Items) != 2 || pg.NextCursor == "" {
		t.Errorf("limit=2 page = %d items, cursor %q", len(pg.Items), pg.NextCursor)
	}
	// alice sees her own network posting.
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?field=data", Member: "alice"}).JSON(t, &pg)
	if len(pg.Items) != 4 {
		t.Errorf("alice sees %d data leads, want 4 (her network lead included)", len(pg.Items))
	}
}

func TestBrowsePagesWithSealedCursor(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	const n = 7
	for i := 0; i < n; i++ {
		createPosting(t, api, "alice", map[string]any{"title": fmt.Sprintf("Lead %d", i)})
	}
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		path := "/postings?limit=3"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var pg postingPage
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "bob"})
		res.JSON(t, &pg)
		pages++
		if len(pg.Items) == 0 && pg.NextCursor != "" {
			t.Fatalf("empty page with a cursor")
		}
		for _, p := range pg.Items {
			if seen[p.ID] {
				t.Errorf("%s seen twice", p.ID)
			}
			seen[p.ID] = true
		}
		if pg.NextCursor == "" {
			break
		}
		if pages == 1 {
			// The same cursor on another query or for another caller is refused.
			wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?kind=job&limit=3&cursor=" + url.QueryEscape(pg.NextCursor), Member: "bob"}), 400, "query.cursor")
			wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?limit=3&cursor=" + url.QueryEscape(pg.NextCursor), Member: "carmen"}), 400, "query.cursor")
			altered := []byte(pg.NextCursor)
			altered[len(altered)/2] ^= 1
			wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?limit=3&cursor=" + url.QueryEscape(string(altered)), Member: "bob"}), 400, "query.cursor")
			wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?cursor=eyJQSyI6IlBPU1RJTkcifQ", Member: "bob"}), 400, "query.cursor")
		}
		cursor = pg.NextCursor
	}
	if len(seen) != n || pages != 3 {
		t.Errorf("walked %d postings in %d pages, want %d in 3", len(seen), pages, n)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?limit=500", Member: "bob"}), 422, "query.limit")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?kind=gig", Member: "bob"}), 422, "query.kind")
}

func TestNetworkPostingIsInvisibleToStrangers(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "alice", map[string]any{"visibility": "network"})
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID, Member: "bob"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/public/postings/" + p.ID, Member: "alice"}), 404, "")
	if res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID, Member: "alice"}); res.Status != 200 {
		t.Errorf("the poster cannot read their network lead: %d", res.Status)
	}
	var pg postingPage
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings", Member: "bob"}).JSON(t, &pg)
	if len(pg.Items) != 0 {
		t.Errorf("a stranger browses a network lead: %+v", pg.Items)
	}
}

func TestExpiredPostingLeavesBrowseAtOnce(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	soon := time.Now().UTC().Add(1500 * time.Millisecond).Format(time.RFC3339Nano)
	createPosting(t, api, "alice", map[string]any{"title": "Short-lived", "valid_through": soon})
	createPosting(t, api, "alice", map[string]any{"title": "Lasting"})
	var pg postingPage
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings", Member: "bob"}).JSON(t, &pg)
	if len(pg.Items) != 2 {
		t.Fatalf("before expiry: %d items", len(pg.Items))
	}
	time.Sleep(2 * time.Second)
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings", Member: "bob"}).JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].Title != "Lasting" {
		t.Errorf("after expiry: %+v", pg.Items)
	}
}
