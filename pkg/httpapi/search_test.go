package httpapi_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

// browseTitles runs a browse and returns the titles, newest first.
func browseTitles(t *testing.T, api *apigwtest.Client, path, member string) []string {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: member})
	if res.Status != 200 {
		t.Fatalf("GET %s = %d %s", path, res.Status, res.Body)
	}
	var pg postingPage
	res.JSON(t, &pg)
	out := []string{}
	for _, p := range pg.Items {
		out = append(out, p.Title)
	}
	return out
}

func TestKeywordSearchMatchesLikeAPersonMeansIt(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	postings := []map[string]any{
		{"title": "UX research intern", "field": "UX Research", "skills": []string{"user interviews"}, "location": map[string]any{"city": "Montréal", "region": "Québec", "country": "CA"}},
		{"title": "Junior data analyst", "field": "Data", "skills": []string{"sql", "excel"}},
		{"title": "Santé publique: assistant", "field": "Public health", "organization": "Hôpital Saint-Éloi"},
		{"title": "Product designers wanted", "field": "Design", "skills": []string{"figma"}},
		{"title": "Analytics volunteer", "field": "Nonprofit", "compensation": "volunteer", "pay": nil},
	}
	for _, l := range postings {
		createPosting(t, api, "alice", l)
		time.Sleep(time.Millisecond)
	}
	cases := map[string]string{
		"ux research":                  "UX research intern",
		"UX RESEARCH":                  "UX research intern",
		"research ux":                  "UX research intern",
		"interviewing":                 "UX research intern", // stemmed skill
		"montreal":                     "UX research intern", // city, accents
		"sante":                        "Santé publique: assistant",
		"SANTÉ":                        "Santé publique: assistant",
		"sante\u0301 publique":         "Santé publique: assistant", // decomposed
		"hopital":                      "Santé publique: assistant", // organisation
		"designer":                     "Product designers wanted",  // stemmed
		"analy":                        "Analytics volunteer|Junior data analyst",
		"data analy":                   "Junior data analyst",
		"analy data":                   "",
		"excel sql":                    "Junior data analyst",
		"nurse":                        "",
		"help":                         "", // the description is not searched
		"analy&compensation=volunteer": "Analytics volunteer",
	}
	for q, want := range cases {
		parts := strings.SplitN(q, "&", 2)
		path := "/postings?q=" + url.QueryEscape(parts[0])
		if len(parts) == 2 {
			path += "&" + parts[1]
		}
		got := strings.Join(browseTitles(t, api, path, "bob"), "|")
		if got != want {
			t.Errorf("q=%q: %q, want %q", q, got, want)
		}
		// Anonymous readers search public postings too.
		if got := strings.Join(browseTitles(t, api, strings.Replace(path, "/postings", "/public/postings", 1), ""), "|"); got != want {
			t.Errorf("public q=%q: %q, want %q", q, got, want)
		}
	}

	// A keyword-search page makes at most 3 calls; browse without q, 1 Query.
	for _, q := range []string{"analy", "ux research intern", "data analy"} {
		env.Calls.Reset()
		browseTitles(t, api, "/postings?q="+url.QueryEscape(q), "bob")
		if n := env.Calls.Total(); n > 3 {
			t.Errorf("q=%q made %s, want at most 3 calls", q, env.Calls)
		}
	}
	env.Calls.Reset()
	browseTitles(t, api, "/postings?limit=3", "bob")
	if env.Calls.String() != "Query=1" {
		t.Errorf("browse without q made %s, want Query=1", env.Calls)
	}

	// A q of no words is refused, given empty or not: a query has 1 to 10.
	for _, bad := range []string{"q=", "q=%20%20", "kind=job&q=", "q=%21%21%21", "q=" + url.QueryEscape("a b c d e f g h i j k")} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?" + bad, Member: "bob"}), 422, "query.q")
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/public/postings?" + bad}), 422, "query.q")
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob", Body: `{"name":"Blank","query":{"q":"   "}}`}), 422, "body.query.q")
}

func TestPlaceAndFieldFilters(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	for _, l := range []map[string]any{
		{"title": "A", "field": "UX Research", "workplace": "remote", "location": map[string]any{"country": "FR"}},
		{"title": "B", "field": "UX design", "workplace": "onsite", "location": map[string]any{"city": "Montréal", "region": "Québec", "country": "CA"}},
		{"title": "C", "field": "Data", "workplace": "remote", "location": map[string]any{"country": "CA"}},
		{"title": "D", "field": "Design", "workplace": "hybrid", "location": map[string]any{"city": "Lyon", "region": "Auvergne-Rhône-Alpes", "country": "FR"}},
	} {
		createPosting(t, api, "alice", l)
		time.Sleep(time.Millisecond)
	}
	cases := map[string]string{
		"field=ux":                    "B A",
		"field=design":                "D B",
		"field=UX%20Research":         "A",
		"country=FR":                  "D A",
		"country=fr":                  "D A",
		"country=CA&workplace=remote": "C",
		"workplace=remote&country=FR": "A",
		"city=montreal":               "B",
		"city=MONTRE%CC%81AL":         "B", // decomposed
		"region=auvergne-rhone-alpes": "D",
		"region=quebec&field=ux":      "B",
		"q=ux&country=CA":             "B",
		"q=ux&city=lyon":              "",
	}
	for q, want := range cases {
		if got := strings.Join(browseTitles(t, api, "/postings?"+q, "bob"), " "); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?country=XX", Member: "bob"}), 422, "query.country")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?country=EU", Member: "bob"}), 422, "query.country")
	// Postings' countries are real codes too.
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice",
		Body: postingJSONBody(t, map[string]any{"location": map[string]any{"country": "XX"}})})
	wantProblem(t, res, 422, "body.location.country")
}

func TestSearchPagesAcrossAChangingIndexWithoutGapsOrRepeats(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	var ids []string
	for i := 0; i < 8; i++ {
		p := createPosting(t, api, "alice", map[string]any{"title": fmt.Sprintf("Design intern %d", i), "field": "Design"})
		ids = append(ids, p.ID)
		time.Sleep(time.Millisecond)
	}
	slices.Reverse(ids) // newest first
	seen := map[string]int{}
	path := "/postings?q=design+intern&limit=3"
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "bob"})
	var pg postingPage
	res.JSON(t, &pg)
	for _, p := range pg.Items {
		seen[p.ID]++
	}
	// Meanwhile: two new matching postings, an edit of one not yet read, one
	// not yet read closed.
	createPosting(t, api, "alice", map[string]any{"title": "Design intern new", "field": "Design"})
	createPosting(t, api, "alice", map[string]any{"title": "Design intern newer", "field": "Design"})
	closed := ids[5]
	if r := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + closed + "/close", Member: "alice", Body: `{"reason":"withdrawn"}`}); r.Status != 200 {
		t.Fatalf("close = %d %s", r.Status, r.Body)
	}
	if r := api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/postings/" + ids[6], Member: "alice", Body: `{"skills":["figma"]}`,
		Headers: map[string]string{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"}}); r.Status != 200 {
		t.Fatalf("patch = %d %s", r.Status, r.Body)
	}
	pages := 1
	for pg.NextCursor != "" {
		env.Calls.Reset()
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: path + "&cursor=" + url.QueryEscape(pg.NextCursor), Member: "bob"})
		if res.Status != 200 {
			t.Fatalf("page %d = %d %s", pages+1, res.Status, res.Body)
		}
		if n := env.Calls.Total(); n > 3 {
			t.Errorf("page %d made %s, want at most 3 calls", pages+1, env.Calls)
		}
		pg = postingPage{}
		res.JSON(t, &pg)
		for _, p := range pg.Items {
			seen[p.ID]++
		}
		pages++
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
	}
	for i, id := range ids {
		switch {
		case id == closed:
			if seen[id] != 0 {
				t.Errorf("closed lead %d shown", i)
			}
		case seen[id] != 1:
			t.Errorf("lead %d shown %d times, want once", i, seen[id])
		}
	}
	if len(seen) != 7 {
		t.Errorf("saw %d leads, want the 7 still open that existed when paging began", len(seen))
	}
	// An edit that drops a word takes the posting out of that word's results.
	if r := api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/postings/" + ids[0], Member: "alice", Body: `{"title":"Marketing assistant","field":"Marketing"}`,
		Headers: map[string]string{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"}}); r.Status != 200 {
		t.Fatalf("patch = %d %s", r.Status, r.Body)
	}
	if got := browseTitles(t, api, "/postings?q=marketing", "bob"); len(got) != 1 {
		t.Errorf("q=marketing after the edit: %v", got)
	}
	if got := browseTitles(t, api, "/postings?q=design&limit=100", "bob"); slices.Contains(got, "Marketing assistant") {
		t.Errorf("q=design still finds the edited lead: %v", got)
	}
	// A cursor is bound to its query.
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "bob"})
	res.JSON(t, &pg)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?q=intern&limit=3&cursor=" + url.QueryEscape(pg.NextCursor), Member: "bob"}), 400, "query.cursor")
}

func TestKeywordSearchNeverShowsANetworkPostingToAStranger(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "bob", "carmen", "frank")
	connectVia(t, api, "carmen", "bob", true)
	createPosting(t, api, "bob", map[string]any{"title": "Secret robotics apprenticeship", "field": "Robotics", "visibility": "network"})
	createPosting(t, api, "bob", map[string]any{"title": "Public robotics meetup helper", "field": "Robotics"})
	if got := browseTitles(t, api, "/postings?q=robotics", "carmen"); len(got) != 2 {
		t.Errorf("connection sees %v, want both", got)
	}
	for _, who := range []string{"frank", ""} {
		path := "/postings?q=robotics"
		if who == "" {
			path = "/public/postings?q=robotics"
		}
		if got := browseTitles(t, api, path, who); !slices.Equal(got, []string{"Public robotics meetup helper"}) {
			t.Errorf("%q sees %v, want the public lead only", who, got)
		}
		if got := browseTitles(t, api, strings.Replace(path, "robotics", "secret", 1), who); len(got) != 0 {
			t.Errorf("%q finds the network lead by keyword: %v", who, got)
		}
	}
}

type savedSearchResp struct {
	ID    string         `json:"id"`
	Name  string         `json:"name"`
	Query map[string]any `json:"query"`
	Alert string         `json:"alert"`
}

func TestSavedSearchesCRUDAndRun(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	createPosting(t, api, "alice", map[string]any{"title": "UX research intern", "field": "UX Research", "location": map[string]any{"city": "Lyon", "country": "FR"}})
	createPosting(t, api, "alice", map[string]any{"title": "Data intern", "field": "Data"})

	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob",
		Body: `{"name":"UX in France","query":{"q":"ux res","country":"FR"},"alert":"instant"}`})
	if res.Status != 201 || !strings.HasPrefix(res.Headers.Get("Location"), "/me/searches/") {
		t.Fatalf("create = %d %s", res.Status, res.Body)
	}
	var s savedSearchResp
	res.JSON(t, &s)
	if s.Name != "UX in France" || s.Alert != "instant" || s.Query["q"] != "ux res" {
		t.Errorf("created %+v", s)
	}
	if got := browseTitles(t, api, "/me/searches/"+s.ID+"/postings", "bob"); !slices.Equal(got, []string{"UX research intern"}) {
		t.Errorf("run = %v", got)
	}
	res = api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/me/searches/" + s.ID, Member: "bob", Body: `{"query":{"field":"data"},"alert":"daily"}`})
	if res.Status != 200 {
		t.Fatalf("patch = %d %s", res.Status, res.Body)
	}
	if got := browseTitles(t, api, "/me/searches/"+s.ID+"/postings", "bob"); !slices.Equal(got, []string{"Data intern"}) {
		t.Errorf("run after patch = %v", got)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/searches/" + s.ID, Member: "bob"})
	res.JSON(t, &s)
	if s.Alert != "daily" || s.Query["field"] != "data" || s.Name != "UX in France" {
		t.Errorf("after patch %+v", s)
	}
	// Another member's search does not exist for you.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/searches/" + s.ID, Member: "carmen"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob",
		Body: `{"name":"x","query":{"country":"XX"}}`}), 422, "body.query.country")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob",
		Body: `{"name":"x","query":{},"alert":"hourly"}`}), 422, "body.alert")
	if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me/searches/" + s.ID, Member: "bob"}); res.Status != 204 {
		t.Fatalf("delete = %d %s", res.Status, res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/searches/" + s.ID, Member: "bob"}), 404, "")
	var list struct {
		Items []savedSearchResp `json:"items"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/searches", Member: "bob"}).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("list after delete: %+v", list.Items)
	}
}

func TestAtMostTwentySavedSearchesEvenUnderConcurrentCreates(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	for i := 0; i < 26; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob",
				Body: fmt.Sprintf(`{"name":"search %d","query":{"q":"design %d"},"alert":"instant"}`, i, i)})
			mu.Lock()
			status[res.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	var list struct {
		Items []savedSearchResp `json:"items"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/searches", Member: "bob"}).JSON(t, &list)
	if len(list.Items) > 20 || status[201] != len(list.Items) || status[201]+status[409]+status[503] != 26 {
		t.Fatalf("statuses %v, %d stored; want at most 20", status, len(list.Items))
	}
	// Fill up to the limit (a create that lost a transaction race may retry), then one more is refused.
	for i := len(list.Items); i < 20; i++ {
		if res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob", Body: `{"name":"more","query":{}}`}); res.Status != 201 {
			t.Fatalf("create %d = %d %s", i, res.Status, res.Body)
		}
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob", Body: `{"name":"one too many","query":{}}`}), 409, "")
	// Deleting one makes room for one.
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/searches", Member: "bob"}).JSON(t, &list)
	api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me/searches/" + list.Items[0].ID, Member: "bob"})
	if res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "bob", Body: `{"name":"again","query":{}}`}); res.Status != 201 {
		t.Fatalf("create after delete = %d %s", res.Status, res.Body)
	}
}
