package httpapi_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

type connResp struct {
	ID          string  `json:"id"`
	RequesterID string  `json:"requester_id"`
	RecipientID string  `json:"recipient_id"`
	Status      string  `json:"status"`
	Note        string  `json:"note"`
	MetVia      string  `json:"met_via"`
	CreatedAt   string  `json:"created_at"`
	AcceptedAt  *string `json:"accepted_at"`
}

type connPage struct {
	Items      []connResp `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// connectVia has from ask to, and to accept when accept is set.
func connectVia(t *testing.T, api *apigwtest.Client, from, to string, accept bool) connResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: from, Body: `{"member_id":"` + to + `"}`})
	wantStatus(t, from+" asks "+to, res, 201)
	var c connResp
	res.JSON(t, &c)
	if accept {
		res = api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections/" + c.ID + "/accept", Member: to})
		wantStatus(t, to+" accepts "+from, res, 200)
		res.JSON(t, &c)
	}
	return c
}

// listConnectionsVia reads one page of member's connections.
func listConnectionsVia(t *testing.T, api *apigwtest.Client, member, query string) connPage {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/connections" + query, Member: member})
	wantStatus(t, "GET /connections"+query+" as "+member, res, 200)
	var page connPage
	res.JSON(t, &page)
	return page
}

func TestConnectionLifecycle(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice", "bob", "carmen")
	env.Calls.Reset()

	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: "alice",
		Body: `{"member_id":"bob","note":"We met at the alumni evening","met_via":"Lyon alumni"}`})
	wantStatus(t, "alice asks bob", res, 201)
	if n := env.Calls.String(); n != "TransactWriteItems=1" {
		t.Errorf("a request made %s", n)
	}
	var c connResp
	res.JSON(t, &c)
	if c.ID != "alice~bob" || c.RequesterID != "alice" || c.RecipientID != "bob" || c.Status != "pending" ||
		c.Note != "We met at the alumni evening" || c.MetVia != "Lyon alumni" || !strings.HasSuffix(c.CreatedAt, "Z") {
		t.Errorf("request = %+v", c)
	}
	if strings.Contains(res.Body, "accepted_at") {
		t.Errorf("a pending request carries accepted_at: %s", res.Body)
	}

	// A repeat, or the other side asking, returns the same request.
	for _, who := range []string{"alice", "bob"} {
		other := map[string]string{"alice": "bob", "bob": "alice"}[who]
		res = api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: who, Body: `{"member_id":"` + other + `"}`})
		wantStatus(t, who+" asks again", res, 200)
		var again connResp
		res.JSON(t, &again)
		if again != c {
			t.Errorf("%s asking again = %+v, want %+v", who, again, c)
		}
	}

	// Both sides see the request; nobody else does.
	for _, who := range []string{"alice", "bob"} {
		if page := listConnectionsVia(t, api, who, "?status=pending"); len(page.Items) != 1 || page.Items[0] != c {
			t.Errorf("%s's pending = %+v", who, page.Items)
		}
	}
	if page := listConnectionsVia(t, api, "carmen", "?status=pending"); len(page.Items) != 0 {
		t.Errorf("carmen sees %+v", page.Items)
	}

	// Only the recipient accepts.
	accept := "/connections/" + c.ID + "/accept"
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: accept, Member: "alice"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: accept, Member: "carmen"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections/bob~alice/accept", Member: "bob"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections/nonsense/accept", Member: "bob"}), 404, "")
	env.Calls.Reset()
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: accept, Member: "bob"})
	wantStatus(t, "bob accepts", res, 200)
	if n := env.Calls.String(); n != "GetItem=1 TransactWriteItems=1" {
		t.Errorf("accepting made %s", n)
	}
	var accepted connResp
	res.JSON(t, &accepted)
	if accepted.ID != c.ID || accepted.Status != "accepted" || accepted.AcceptedAt == nil || accepted.CreatedAt != c.CreatedAt || accepted.Note != c.Note {
		t.Errorf("accepted = %+v", accepted)
	}
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: accept, Member: "bob"})
	wantStatus(t, "bob accepts again", res, 200)

	// One status is one Query; without status, both (accepted, then pending).
	for _, who := range []string{"alice", "bob"} {
		env.Calls.Reset()
		page := listConnectionsVia(t, api, who, "?status=accepted")
		if len(page.Items) != 1 || page.Items[0].ID != c.ID || page.Items[0].Status != "accepted" {
			t.Errorf("%s's connections = %+v", who, page.Items)
		}
		if n := env.Calls.String(); n != "Query=1" {
			t.Errorf("a list made %s", n)
		}
		if page := listConnectionsVia(t, api, who, ""); len(page.Items) != 1 || page.Items[0].Status != "accepted" {
			t.Errorf("%s's connections, both lists = %+v", who, page.Items)
		}
		if page := listConnectionsVia(t, api, who, "?status=pending"); len(page.Items) != 0 {
			t.Errorf("%s's pending after accept = %+v", who, page.Items)
		}
	}
	if page := listConnectionsVia(t, api, "carmen", "?status=accepted"); len(page.Items) != 0 {
		t.Errorf("carmen sees %+v", page.Items)
	}

	// Either side deletes; nobody else can.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/connections/" + c.ID, Member: "carmen"}), 404, "")
	env.Calls.Reset()
	wantStatus(t, "bob deletes", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/connections/" + c.ID, Member: "bob"}), 204)
	// The store first guesses a declined request (one call) and learns
	// from the refusal that this one was accepted: two transactions.
	if n := env.Calls.String(); n != "TransactWriteItems=2" {
		t.Errorf("deleting made %s", n)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/connections/" + c.ID, Member: "alice"}), 404, "")
	if page := listConnectionsVia(t, api, "alice", ""); len(page.Items) != 0 {
		t.Errorf("alice's connections after delete = %+v", page.Items)
	}
	// The requester may withdraw a pending request too.
	c = connectVia(t, api, "carmen", "alice", false)
	wantStatus(t, "carmen withdraws", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/connections/" + c.ID, Member: "carmen"}), 204)
}

func TestConnectionBadInputIsAProblemNamingTheField(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice")
	env.Calls.Reset()
	cases := []struct {
		name, method, path, body string
		status                   int
		loc                      string
	}{
		{"malformed JSON", "POST", "/connections", `{"member_id":`, 400, "body"},
		{"missing member_id", "POST", "/connections", `{"note":"hi"}`, 422, "body.member_id"},
		{"member_id not an id", "POST", "/connections", `{"member_id":"b~ob"}`, 422, "body.member_id"},
		{"yourself", "POST", "/connections", `{"member_id":"alice"}`, 422, "body.member_id"},
		{"note too long", "POST", "/connections", `{"member_id":"bob","note":"` + strings.Repeat("n", 501) + `"}`, 422, "body.note"},
		{"met_via too long", "POST", "/connections", `{"member_id":"bob","met_via":"` + strings.Repeat("m", 101) + `"}`, 422, "body.met_via"},
		{"unknown field", "POST", "/connections", `{"member_id":"bob","status":"accepted"}`, 422, "body.status"},
		{"status not in enum", "GET", "/connections?status=blocked", "", 422, "query.status"},
		{"limit 0", "GET", "/connections?limit=0", "", 422, "query.limit"},
		{"limit 101", "GET", "/connections?limit=101", "", 422, "query.limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, api.Do(t, apigwtest.Request{Method: tc.method, Path: tc.path, Member: "alice", Body: tc.body}), tc.status, tc.loc)
		})
	}
	if env.Calls.Total() != 0 {
		t.Errorf("bad input reached the table: %s", env.Calls)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: "alice", Body: `{"member_id":"ghost"}`}), 404, "body.member_id")
}

func TestConnectionsPageOnceEachWithSealedCursors(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	others := []string{"bea", "cal", "dan", "eli"}
	putProfilesVia(t, api, append([]string{"alice", "zoe"}, others...)...)
	for i := len(others) - 1; i >= 0; i-- {
		connectVia(t, api, others[i], "alice", true)
	}
	connectVia(t, api, "zoe", "alice", false)
	connectVia(t, api, "zoe", "bea", true)

	var seen []string
	cursor, first := "", ""
	for range 10 {
		page := listConnectionsVia(t, api, "alice", "?status=accepted&limit=1&cursor="+url.QueryEscape(cursor))
		if len(page.Items) != 1 {
			t.Fatalf("page of %d with limit=1", len(page.Items))
		}
		c := page.Items[0]
		other := c.RequesterID
		if other == "alice" {
			other = c.RecipientID
		}
		seen = append(seen, other)
		if first == "" {
			first = page.NextCursor
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(seen, ",") != strings.Join(others, ",") {
		t.Errorf("walked %v, want %v", seen, others)
	}
	if page := listConnectionsVia(t, api, "alice", "?status=pending"); len(page.Items) != 1 || page.Items[0].RequesterID != "zoe" {
		t.Errorf("alice's pending = %+v", page.Items)
	}

	altered := []byte(first)
	altered[len(altered)/2] ^= 1
	for name, req := range map[string]apigwtest.Request{
		"altered":        {Method: "GET", Path: "/connections?cursor=" + string(altered), Member: "alice"},
		"another status": {Method: "GET", Path: "/connections?status=pending&cursor=" + first, Member: "alice"},
		"another member": {Method: "GET", Path: "/connections?cursor=" + first, Member: "bea"},
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, api.Do(t, req), 400, "query.cursor")
		})
	}
}

// Without status, GET /connections lists both: accepted connections, then
// pending requests, each marked, paged across the two lists without gaps
// or repeats, at most 2 Queries a page.
func TestConnectionsWithoutStatusListBoth(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "ana", "b1", "b2", "b3", "p1", "p2")
	for _, m := range []string{"b1", "b2", "b3"} {
		connectVia(t, api, "ana", m, true)
	}
	connectVia(t, api, "ana", "p1", false) // sent, pending
	connectVia(t, api, "p2", "ana", false) // received, pending
	seen := map[string]string{}
	cursor := ""
	for pages := 0; ; pages++ {
		q := "?limit=2"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		env.Calls.Reset()
		page := listConnectionsVia(t, api, "ana", q)
		if n := env.Calls.Count("Query"); n > 2 {
			t.Errorf("a page made %d Queries", n)
		}
		for _, c := range page.Items {
			other := c.RecipientID
			if other == "ana" {
				other = c.RequesterID
			}
			if _, dup := seen[other]; dup {
				t.Errorf("%s listed twice", other)
			}
			seen[other] = c.Status
		}
		if cursor = page.NextCursor; cursor == "" || pages > 5 {
			break
		}
	}
	want := map[string]string{"b1": "accepted", "b2": "accepted", "b3": "accepted", "p1": "pending", "p2": "pending"}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("GET /connections listed %v, want %v", seen, want)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/connections?cursor=Xnonsense", Member: "ana"}), 400, "")
}
