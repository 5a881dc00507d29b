package httpapi_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

type directoryPage struct {
	Items []struct {
		MemberID     string   `json:"member_id"`
		Role         string   `json:"role"`
		Name         string   `json:"name"`
		Headline     string   `json:"headline"`
		Stage        string   `json:"stage"`
		Interests    []string `json:"interests"`
		OffersAdvice bool     `json:"offers_advice"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func directoryVia(t *testing.T, api *apigwtest.Client, member, orgID, query string) []string {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + orgID + "/members" + query, Member: member})
	wantStatus(t, member+" reads the directory"+query, res, 200)
	var p directoryPage
	res.JSON(t, &p)
	ids := make([]string, len(p.Items))
	for i, it := range p.Items {
		ids[i] = it.MemberID
	}
	return ids
}

func putMeVia(t *testing.T, api *apigwtest.Client, id, body string) {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: id, Body: body})
	if res.Status != 200 && res.Status != 201 {
		t.Fatalf("PUT /me for %s = %d %s", id, res.Status, res.Body)
	}
}

// The directory honours each member's setting: orgs (every fellow member),
// connections (accepted connections only), hidden (admins only).
func TestDirectoryHonoursEachMembersSetting(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "vera", "bob", "outsider")
	putMeVia(t, api, "dana", `{"name":"Dana Reyes","stage":"career_changer","directory":"connections"}`)
	putMeVia(t, api, "eli", `{"name":"Eli Hart","stage":"student","directory":"hidden"}`)
	putMeVia(t, api, "finn", `{"name":"Finn Olsen","stage":"professional","directory":"orgs"}`)
	org := createOrgVia(t, api, "vera")
	for _, id := range []string{"bob", "dana", "eli", "finn"} {
		joinOrgVia(t, api, "vera", org.ID, id, "")
	}

	if got := directoryVia(t, api, "bob", org.ID, ""); !slices.Equal(got, []string{"bob", "finn", "vera"}) {
		t.Errorf("bob sees %v, want bob, finn, vera (dana shows to connections only, eli is hidden)", got)
	}
	connectVia(t, api, "bob", "dana", true)
	env.Calls.Reset()
	if got := directoryVia(t, api, "bob", org.ID, ""); !slices.Equal(got, []string{"bob", "dana", "finn", "vera"}) {
		t.Errorf("bob, now dana's connection, sees %v", got)
	}
	if n := env.Calls.String(); n != "BatchGetItem=2 GetItem=1 Query=1" {
		t.Errorf("a directory page with a connections-only member made %s, want membership GetItem, Query, profiles+offers BatchGetItem, edges BatchGetItem", n)
	}
	if got := directoryVia(t, api, "vera", org.ID, ""); !slices.Equal(got, []string{"bob", "dana", "eli", "finn", "vera"}) {
		t.Errorf("the admin sees %v, want everyone", got)
	}
	if got := directoryVia(t, api, "eli", org.ID, ""); !slices.Contains(got, "eli") || slices.Contains(got, "dana") {
		t.Errorf("hidden eli sees %v: herself, not dana", got)
	}
	// Hiding takes effect at once; an edit that omits the setting keeps it.
	putMeVia(t, api, "finn", `{"name":"Finn Olsen","stage":"professional","directory":"hidden"}`)
	putMeVia(t, api, "finn", `{"name":"Finn Olsen","stage":"professional","headline":"Now hidden"}`)
	if got := directoryVia(t, api, "bob", org.ID, ""); slices.Contains(got, "finn") {
		t.Errorf("bob still sees finn after he hid: %v", got)
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "finn"})
	if !strings.Contains(res.Body, `"directory":"hidden"`) {
		t.Errorf("GET /me = %s, want directory hidden kept", res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "finn", Body: `{"name":"F","stage":"student","directory":"everyone"}`}), 422, "body.directory")

	// Members only.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/members", Member: "outsider"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + strings.Repeat("b", 26) + "/members", Member: "outsider"}), 404, "")
}

func TestDirectorySearchAndFilters(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "vera")
	putMeVia(t, api, "hugo", `{"name":"Hugo Laurent","headline":"Head of operations, food start-up","stage":"professional","interests":["supply chains"]}`)
	putMeVia(t, api, "nadia", `{"name":"Nadia Haddad","headline":"MBA 2026","stage":"career_changer","interests":["Opérations alimentaires"]}`)
	putMeVia(t, api, "ines", `{"name":"Inès Moreau","headline":"Bakery co-operative founder","stage":"professional"}`)
	org := createOrgVia(t, api, "vera")
	for _, id := range []string{"hugo", "nadia", "ines"} {
		joinOrgVia(t, api, "vera", org.ID, id, "")
	}
	putOfferVia(t, api, "hugo", `{"topics":["operations"],"formats":["coffee"],"monthly_capacity":2,"status":"open"}`)
	putOfferVia(t, api, "ines", `{"topics":["baking"],"formats":["coffee"],"monthly_capacity":2,"status":"paused"}`)

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"?q=" + url.QueryEscape("OPERATIONS"), []string{"hugo", "nadia"}}, // headline and interest, folded
		{"?q=ines", []string{"ines"}},                                      // accents folded
		{"?q=sup", []string{"hugo"}},                                       // prefix
		{"?q=" + url.QueryEscape("food nadia"), nil},
		{"?stage=career_changer", []string{"nadia"}},
		{"?offers_advice=true", []string{"hugo"}}, // ines's offer is paused
		{"?offers_advice=true&stage=career_changer", nil},
	} {
		env.Calls.Reset()
		got := directoryVia(t, api, "nadia", org.ID, c.query)
		if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: %v, want %v", c.query, got, c.want)
		}
		if n := env.Calls.String(); n != "BatchGetItem=1 GetItem=1 Query=1" {
			t.Errorf("%s made %s", c.query, n)
		}
	}
	bad := wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/members?stage=ceo", Member: "nadia"}), 422, "query.stage")
	for _, e := range bad.Errors {
		if strings.Contains(e.Message, `", `) || strings.Contains(e.Message, `one of ,`) {
			t.Errorf("the stages offered include an empty one: %q", e.Message)
		}
	}
	// An empty filter is no filter.
	if res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/members?stage=", Member: "nadia"}); res.Status != 200 {
		t.Errorf("?stage= = %d %s, want 200", res.Status, res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID + "/members?q=%E2%80%AEx", Member: "nadia"}), 422, "query.q")

	// A filtered walk with limit=1 visits each match once.
	var seen []string
	cursor := ""
	for range 5 {
		path := "/orgs/" + org.ID + "/members?q=operations&limit=1"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "nadia"})
		wantStatus(t, "page", res, 200)
		var p directoryPage
		res.JSON(t, &p)
		for _, it := range p.Items {
			seen = append(seen, it.MemberID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if !slices.Equal(seen, []string{"hugo", "nadia"}) {
		t.Errorf("paged walk %v", seen)
	}
}
