package httpapi_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

type myOrgResp struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

type myOrgPage struct {
	Items      []myOrgResp `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

type invitationPage struct {
	Items      []invitationResp `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// The reported abuse, through the API: a member added a stranger as admin
// and left, and the stranger then got 409 on leaving and on stepping down.
// Now a member cannot invite, an invitation makes nobody anything, and the
// invitee declines.
func TestNobodyIsMadeAdminWithoutConsentOverHTTP(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice", "mallory", "victim")
	o := createOrgVia(t, api, "alice")
	path := "/orgs/" + o.ID
	joinOrgVia(t, api, "alice", o.ID, "mallory", "member")

	wantProblem(t, addOrgMemberVia(t, api, "mallory", o.ID, "victim", "admin"), 403, "")
	wantStatus(t, "mallory leaves", api.Do(t, apigwtest.Request{Method: "DELETE", Path: path + "/members/mallory", Member: "mallory"}), 204)

	wantStatus(t, "alice invites victim as admin", addOrgMemberVia(t, api, "alice", o.ID, "victim", "admin"), 201)
	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/invitations", Member: "victim"})
	wantStatus(t, "victim's invitations", res, 200)
	// The page, and the inviters' tombstones (docs/people.md, "What still names a deleted member").
	if n := env.Calls.String(); n != "BatchGetItem=1 Query=1" {
		t.Errorf("GET /me/invitations made %s", n)
	}
	var invs invitationPage
	res.JSON(t, &invs)
	if len(invs.Items) != 1 || invs.Items[0].OrgID != o.ID || invs.Items[0].Role != "admin" || invs.Items[0].InviterName != "alice" ||
		!strings.Contains(res.Body, `"next_cursor":null`) {
		t.Errorf("victim's invitations = %s", res.Body)
	}
	// The invitee is nothing here yet, and the inviter is still the last admin.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: path + "/members/victim", Member: "victim"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/step-down", Member: "victim"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: path + "/members/alice", Member: "alice"}), 409, "")
	var mine myOrgPage
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/orgs", Member: "victim"}).JSON(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("an invitee's organisations = %+v", mine.Items)
	}

	wantStatus(t, "victim declines", api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/invitation/decline", Member: "victim"}), 204)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/invitation/decline", Member: "victim"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/invitation/accept", Member: "victim"}), 404, "")
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/invitations", Member: "victim"}).JSON(t, &invs)
	if len(invs.Items) != 0 {
		t.Errorf("declined invitations listed: %+v", invs.Items)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + strings.Repeat("a", 26) + "/invitation/accept", Member: "victim"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/nope/invitation/decline", Member: "victim"}), 404, "")
	wantProblem(t, addOrgMemberVia(t, api, "alice", o.ID, "alice", "member"), 409, "")
}

// Stepping down is possible while another admin (who accepted) remains;
// two admins leaving at once never leave the organisation without one.
func TestTwoAdminsLeavingAtOnceOverHTTP(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "alice", "bob")
	for round := range 4 {
		o := createOrgVia(t, api, "alice")
		joinOrgVia(t, api, "alice", o.ID, "bob", "admin")
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, who := range []string{"alice", "bob"} {
			wg.Go(func() {
				req := apigwtest.Request{Method: "DELETE", Path: "/orgs/" + o.ID + "/members/" + who, Member: who}
				if round%2 == 1 {
					req = apigwtest.Request{Method: "POST", Path: "/orgs/" + o.ID + "/step-down", Member: who}
				}
				res, err := api.Invoke(t.Context(), apigwtest.Event(req))
				if err == nil {
					statuses[i] = res.Status
				}
			})
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case 200, 204:
				ok++
			case 409, 503:
			default:
				t.Fatalf("round %d: statuses %v", round, statuses)
			}
		}
		admins := 0
		for _, who := range []string{"alice", "bob"} {
			var mine myOrgPage
			api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/orgs", Member: who}).JSON(t, &mine)
			for _, m := range mine.Items {
				if m.ID == o.ID && m.Role == "admin" {
					admins++
				}
			}
		}
		if ok > 1 || admins != 1 {
			t.Fatalf("round %d: statuses %v left %d admins, want exactly 1", round, statuses, admins)
		}
	}
}

// The last admin leaves by archiving: the organisation's open postings close,
// and it takes no new postings, invitations or members.
func TestLastAdminArchivesThenLeaves(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice", "bob", "carmen")
	o := createOrgVia(t, api, "alice")
	path := "/orgs/" + o.ID
	joinOrgVia(t, api, "alice", o.ID, "bob", "member")
	posting := createPosting(t, api, "alice", map[string]any{"title": "Org lead", "visibility": "org", "org_id": o.ID})
	wantStatus(t, "invite carmen", addOrgMemberVia(t, api, "alice", o.ID, "carmen", "member"), 201)

	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/archive", Member: "bob"}), 403, "")
	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/archive", Member: "alice"})
	wantStatus(t, "alice archives", res, 200)
	t.Logf("archiving with one open lead and one invitation made %s", env.Calls)
	var archived struct {
		Org            orgResp `json:"org"`
		PostingsClosed int     `json:"postings_closed"`
		MoreToClose    bool    `json:"more_to_close"`
	}
	res.JSON(t, &archived)
	if archived.Org.ID != o.ID || archived.PostingsClosed != 1 || archived.MoreToClose || !strings.Contains(res.Body, `"status":"archived"`) {
		t.Errorf("archive = %s", res.Body)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + posting.ID, Member: "bob"})
	if !strings.Contains(res.Body, `"status":"closed"`) {
		t.Errorf("the org's lead after archiving: %s", res.Body)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "bob"})
	if !strings.Contains(res.Body, `"status":"archived"`) || !strings.Contains(res.Body, `"archived_at"`) {
		t.Errorf("GET the archived org: %s", res.Body)
	}

	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice",
		Body: postingJSONBody(t, map[string]any{"org_id": o.ID, "visibility": "org"})}), 409, "body.org_id")
	wantProblem(t, addOrgMemberVia(t, api, "alice", o.ID, "dev", "member"), 409, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: path + "/invitation/accept", Member: "carmen"}), 404, "")

	var mine myOrgPage
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/orgs", Member: "alice"}).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Status != "archived" || mine.Items[0].Role != "admin" {
		t.Errorf("alice's organisations = %+v", mine.Items)
	}
	wantStatus(t, "the last admin leaves", api.Do(t, apigwtest.Request{Method: "DELETE", Path: path + "/members/alice", Member: "alice"}), 204)
	wantStatus(t, "bob leaves", api.Do(t, apigwtest.Request{Method: "DELETE", Path: path + "/members/bob", Member: "bob"}), 204)
}

func TestMyOrgsPageWithRoles(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice", "bob")
	a := createOrgVia(t, api, "alice")
	b := createOrgVia(t, api, "bob")
	joinOrgVia(t, api, "alice", a.ID, "bob", "member")
	want := map[string]string{a.ID: "member", b.ID: "admin"}
	got := map[string]string{}
	cursor := ""
	for range 4 {
		p := "/me/orgs?limit=1"
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		env.Calls.Reset()
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: p, Member: "bob"})
		wantStatus(t, "GET /me/orgs", res, 200)
		if n := env.Calls.String(); n != "BatchGetItem=1 Query=1" {
			t.Errorf("a page of /me/orgs made %s", n)
		}
		var page myOrgPage
		res.JSON(t, &page)
		for _, m := range page.Items {
			if m.Name != "Lyon Business School Alumni" || m.Kind != "alumni_association" || m.Status != "active" || m.JoinedAt == "" {
				t.Errorf("item = %+v", m)
			}
			got[m.ID] = m.Role
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(got) != 2 || got[a.ID] != want[a.ID] || got[b.ID] != want[b.ID] {
		t.Errorf("bob's organisations = %v, want %v", got, want)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/orgs?cursor=forged", Member: "bob"}), 400, "query.cursor")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/invitations?limit=0", Member: "bob"}), 422, "query.limit")
}

func TestConsentRoutesNeedAnIdentity(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	id := strings.Repeat("a", 26)
	for _, req := range []apigwtest.Request{
		{Method: "POST", Path: "/orgs/" + id + "/invitation/accept"},
		{Method: "POST", Path: "/orgs/" + id + "/invitation/decline"},
		{Method: "POST", Path: "/orgs/" + id + "/step-down"},
		{Method: "POST", Path: "/orgs/" + id + "/archive"},
		{Method: "GET", Path: "/me/invitations"},
		{Method: "GET", Path: "/me/orgs"},
	} {
		wantProblem(t, api.Do(t, req), 401, "header.Authorization")
	}
	if env.Calls.Total() != 0 {
		t.Errorf("anonymous calls reached the table: %s", env.Calls)
	}
}
