package httpapi_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

// The authorisation matrix of postings: who sees (get and browse), who edits
// and closes, for public, network and org postings.
func TestPostingVisibilityAndEditRights(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	// alice administers the alumni association; bob is a member of it and
	// alice's connection; carmen is alice's pending connection; dev is a
	// stranger; erin is a second admin.
	putProfilesVia(t, api, "alice", "bob", "carmen", "dev", "erin")
	org := createOrgVia(t, api, "alice")
	joinOrgVia(t, api, "alice", org.ID, "bob", "member")
	joinOrgVia(t, api, "alice", org.ID, "erin", "admin")
	connectVia(t, api, "alice", "bob", true)
	connectVia(t, api, "carmen", "alice", false)

	public := createPosting(t, api, "alice", map[string]any{"title": "Public"})
	network := createPosting(t, api, "alice", map[string]any{"title": "Network", "visibility": "network"})
	orgPosting := createPosting(t, api, "alice", map[string]any{"title": "Org", "visibility": "org", "org_id": org.ID})

	// Only admins post on the organisation's behalf.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "bob",
		Body: postingJSONBody(t, map[string]any{"org_id": org.ID})}), 403, "body.org_id")

	sees := map[string]string{ // member -> titles they may see, newest first
		"alice":  "Org Network Public",
		"bob":    "Org Network Public",
		"carmen": "Public",
		"dev":    "Public",
		"erin":   "Org Public",
		"":       "Public",
	}
	postings := map[string]string{"Public": public.ID, "Network": network.ID, "Org": orgPosting.ID}
	for member, want := range sees {
		var pg postingPage
		api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings", Member: member}).JSON(t, &pg)
		var got []string
		for _, p := range pg.Items {
			got = append(got, p.Title)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%q browses %v, want %s", member, got, want)
		}
		visible := map[string]bool{}
		for _, title := range strings.Fields(want) {
			visible[title] = true
		}
		for title, id := range postings {
			res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + id, Member: member})
			if visible[title] && res.Status != 200 || !visible[title] && res.Status != 404 {
				t.Errorf("%q GET %s lead = %d", member, title, res.Status)
			}
		}
	}

	// A browse page with restricted postings checks them in one BatchGetItem.
	env.Calls.Reset()
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings", Member: "bob"})
	if env.Calls.Count("Query") != 1 || env.Calls.Count("BatchGetItem") != 1 || env.Calls.Total() != 2 {
		t.Errorf("browse with restricted leads made %s, want Query=1 BatchGetItem=1", env.Calls)
	}

	// Editing: the poster, or an admin of the posting's organisation.
	patch := func(member, id, ifMatch string) int {
		return api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/postings/" + id, Member: member, Body: `{"how_to_apply":"Ask ` + member + `"}`,
			Headers: map[string]string{"If-Match": ifMatch, "Content-Type": "application/merge-patch+json"}}).Status
	}
	if s := patch("erin", orgPosting.ID, `"1"`); s != 200 {
		t.Errorf("org admin edits the org lead = %d", s)
	}
	if s := patch("bob", orgPosting.ID, `"2"`); s != 403 {
		t.Errorf("org member edits the org lead = %d, want 403", s)
	}
	if s := patch("erin", network.ID, `"1"`); s != 404 {
		t.Errorf("admin edits alice's network lead she cannot see = %d, want 404", s)
	}
	if s := patch("bob", network.ID, `"1"`); s != 403 {
		t.Errorf("connection edits the network lead = %d, want 403", s)
	}
	if s := patch("dev", public.ID, `"1"`); s != 403 {
		t.Errorf("stranger edits the public lead = %d, want 403", s)
	}
	// An admin who steps down can no longer close the org's posting.
	wantStatus(t, "erin steps down", api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + org.ID + "/step-down", Member: "erin"}), 200)
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + orgPosting.ID + "/close", Member: "erin", Body: `{"reason":"withdrawn"}`})
	wantProblem(t, res, 403, "")

	// Filters combine with visibility: org_id shows the org's postings to members only.
	for member, want := range map[string][]string{"bob": {"Org"}, "dev": nil} {
		var pg postingPage
		api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?org_id=" + org.ID, Member: member}).JSON(t, &pg)
		var got []string
		for _, p := range pg.Items {
			got = append(got, p.Title)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s browses org_id = %v, want %v", member, got, want)
		}
	}
}

// An organisation's posting is edited by its poster and by the
// organisation's current admins: its poster keeps it after leaving, the
// remaining admins edit it too, and a plain member does not.
func TestOrgPostingEditedByPosterOrAdmins(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "alice", "erin", "bob")
	org := createOrgVia(t, api, "alice")
	joinOrgVia(t, api, "alice", org.ID, "erin", "admin")
	joinOrgVia(t, api, "alice", org.ID, "bob", "member")
	posting := createPosting(t, api, "erin", map[string]any{"org_id": org.ID})
	wantStatus(t, "remove erin", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/orgs/" + org.ID + "/members/erin", Member: "alice"}), 204)

	patch := func(member, ifMatch string) apigwtest.Response {
		return api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/postings/" + posting.ID, Member: member, Body: `{"title":"Edited by ` + member + `"}`,
			Headers: map[string]string{"If-Match": ifMatch, "Content-Type": "application/merge-patch+json"}})
	}
	if res := patch("erin", `"1"`); res.Status != 200 {
		t.Errorf("the poster, no longer in the organisation, edits = %d %s", res.Status, res.Body)
	}
	wantStatus(t, "the poster reads who is interested", api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + posting.ID + "/interest", Member: "erin"}), 200)
	if res := patch("alice", `"2"`); res.Status != 200 {
		t.Errorf("the remaining admin edits the org's lead = %d %s", res.Status, res.Body)
	}
	wantProblem(t, patch("bob", `"3"`), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + posting.ID + "/interest", Member: "bob"}), 403, "")
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + posting.ID + "/close", Member: "erin", Body: `{"reason":"filled"}`})
	wantStatus(t, "the poster closes it", res, 200)
}
