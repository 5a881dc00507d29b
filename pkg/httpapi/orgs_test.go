package httpapi_test

import (
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

type orgResp struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
}

type orgMemberResp struct {
	OrgID    string `json:"org_id"`
	MemberID string `json:"member_id"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

type invitationResp struct {
	ID          string `json:"id"`
	OrgID       string `json:"org_id"`
	OrgName     string `json:"org_name"`
	MemberID    string `json:"member_id"`
	Role        string `json:"role"`
	InvitedBy   string `json:"invited_by"`
	InviterName string `json:"inviter_name"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
}

type orgMemberPage struct {
	Items      []orgMemberResp `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

// putProfilesVia saves a profile for each member through PUT /me.
func putProfilesVia(t *testing.T, api *apigwtest.Client, ids ...string) {
	t.Helper()
	for _, id := range ids {
		res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: id, Body: `{"name":"` + id + `","stage":"professional"}`})
		if res.Status != 201 && res.Status != 200 {
			t.Fatalf("PUT /me for %s = %d %s", id, res.Status, res.Body)
		}
	}
}

// createOrgVia creates an alumni association administered by admin.
func createOrgVia(t *testing.T, api *apigwtest.Client, admin string) orgResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs", Member: admin,
		Body: `{"name":"Lyon Business School Alumni","kind":"alumni_association"}`})
	if res.Status != 201 {
		t.Fatalf("POST /orgs = %d %s", res.Status, res.Body)
	}
	var o orgResp
	res.JSON(t, &o)
	return o
}

// addOrgMemberVia posts a membership and returns the response.
func addOrgMemberVia(t *testing.T, api *apigwtest.Client, by, orgID, member, role string) apigwtest.Response {
	t.Helper()
	body := `{"member_id":"` + member + `"}`
	if role != "" {
		body = `{"member_id":"` + member + `","role":"` + role + `"}`
	}
	return api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + orgID + "/members", Member: by, Body: body})
}

// joinOrgVia brings member into an organisation the only way there is:
// by invites, member accepts.
func joinOrgVia(t *testing.T, api *apigwtest.Client, by, orgID, member, role string) {
	t.Helper()
	wantStatus(t, by+" invites "+member, addOrgMemberVia(t, api, by, orgID, member, role), 201)
	wantStatus(t, member+" accepts", api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + orgID + "/invitation/accept", Member: member}), 200)
}

func wantStatus(t *testing.T, what string, res apigwtest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s = %d %s, want %d", what, res.Status, res.Body, status)
	}
}

func TestCreateAndGetOrg(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)

	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs", Member: "alice",
		Body: `{"name":"Lyon Business School Alumni","kind":"alumni_association"}`})
	wantStatus(t, "POST /orgs", res, 201)
	if n := env.Calls.String(); n != "TransactWriteItems=1" {
		t.Errorf("POST /orgs made %s, want one TransactWriteItems", n)
	}
	var o orgResp
	res.JSON(t, &o)
	if o.ID == "" || o.Name != "Lyon Business School Alumni" || o.Kind != "alumni_association" || o.CreatedBy != "alice" ||
		!strings.HasSuffix(o.CreatedAt, "Z") {
		t.Errorf("created %+v", o)
	}
	if loc := res.Headers.Get("Location"); loc != "/orgs/"+o.ID {
		t.Errorf("Location = %q, want /orgs/%s", loc, o.ID)
	}
	if strings.Contains(res.Body, "$schema") {
		t.Errorf("response carries $schema: %s", res.Body)
	}

	env.Calls.Reset()
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + o.ID, Member: "bob"})
	wantStatus(t, "GET /orgs/{id}", res, 200)
	var got orgResp
	res.JSON(t, &got)
	if got != o {
		t.Errorf("GET = %+v, want %+v", got, o)
	}
	if res.Headers.Get("Location") != "" {
		t.Errorf("GET answers with a Location header")
	}
	if n := env.Calls.String(); n != "GetItem=1" {
		t.Errorf("GET /orgs/{id} made %s", n)
	}

	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + strings.Repeat("a", 26), Member: "bob"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/nope", Member: "bob"}), 404, "")
}

func TestOrgMembershipAuthorisation(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice", "bob", "carmen", "dev")
	o := createOrgVia(t, api, "alice")
	members := "/orgs/" + o.ID + "/members"
	env.Calls.Reset()

	// An admin invites a member; the role defaults to member. Nobody is
	// a member before accepting.
	res := addOrgMemberVia(t, api, "alice", o.ID, "bob", "")
	wantStatus(t, "alice invites bob", res, 201)
	var inv invitationResp
	res.JSON(t, &inv)
	if inv.ID != o.ID+"~bob" || inv.OrgID != o.ID || inv.MemberID != "bob" || inv.Role != "member" || inv.InvitedBy != "alice" ||
		inv.OrgName != o.Name || inv.Status != "pending" || inv.CreatedAt == "" {
		t.Errorf("bob's invitation = %+v", inv)
	}
	if n := env.Calls.String(); n != "BatchGetItem=1 TransactWriteItems=1" {
		t.Errorf("inviting made %s", n)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: members, Member: "bob"}), 403, "")
	res = addOrgMemberVia(t, api, "alice", o.ID, "bob", "member")
	wantStatus(t, "alice invites bob again", res, 200)
	var again invitationResp
	res.JSON(t, &again)
	if again != inv {
		t.Errorf("repeat = %+v, want %+v", again, inv)
	}
	env.Calls.Reset()
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + o.ID + "/invitation/accept", Member: "bob"})
	wantStatus(t, "bob accepts", res, 200)
	if n := env.Calls.String(); n != "BatchGetItem=1 TransactWriteItems=1" {
		t.Errorf("accepting made %s", n)
	}
	var bob orgMemberResp
	res.JSON(t, &bob)
	if bob.OrgID != o.ID || bob.MemberID != "bob" || bob.Role != "member" || bob.JoinedAt == "" {
		t.Errorf("bob's membership = %+v", bob)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + o.ID + "/invitation/accept", Member: "bob"}), 404, "")
	wantProblem(t, addOrgMemberVia(t, api, "alice", o.ID, "bob", "member"), 409, "")

	// Only admins invite.
	wantProblem(t, addOrgMemberVia(t, api, "bob", o.ID, "carmen", ""), 403, "")
	wantProblem(t, addOrgMemberVia(t, api, "dev", o.ID, "carmen", ""), 403, "")
	wantProblem(t, addOrgMemberVia(t, api, "dev", o.ID, "dev", "admin"), 403, "")
	wantProblem(t, addOrgMemberVia(t, api, "bob", o.ID, "bob", "admin"), 403, "")
	wantProblem(t, addOrgMemberVia(t, api, "alice", o.ID, "ghost", ""), 404, "body.member_id")
	wantProblem(t, addOrgMemberVia(t, api, "alice", strings.Repeat("a", 26), "carmen", ""), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: members + "/alice", Member: "bob"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: members + "/bob", Member: "dev"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/orgs/" + strings.Repeat("a", 26) + "/members/bob", Member: "bob"}), 404, "")

	// Only members list members.
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: members, Member: "bob"})
	wantStatus(t, "bob lists", res, 200)
	var page orgMemberPage
	res.JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0].MemberID != "alice" || page.Items[0].Role != "admin" || page.Items[1] != bob || page.NextCursor != "" {
		t.Errorf("members = %+v", page)
	}
	if !strings.Contains(res.Body, `"next_cursor":null`) {
		t.Errorf("the last page's next_cursor is not null: %s", res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: members, Member: "dev"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + strings.Repeat("a", 26) + "/members", Member: "dev"}), 404, "")

	// A promoted member (by consent) administers; a member leaves.
	joinOrgVia(t, api, "alice", o.ID, "bob", "admin")
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: members, Member: "bob"})
	res.JSON(t, &page)
	if len(page.Items) != 2 || page.Items[1].Role != "admin" || page.Items[1].JoinedAt != bob.JoinedAt {
		t.Errorf("promoted = %+v (joined_at was %s)", page.Items, bob.JoinedAt)
	}
	joinOrgVia(t, api, "bob", o.ID, "carmen", "")
	wantStatus(t, "carmen leaves", api.Do(t, apigwtest.Request{Method: "DELETE", Path: members + "/carmen", Member: "carmen"}), 204)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: members + "/carmen", Member: "carmen"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: members, Member: "carmen"}), 403, "")

	// The last admin stays.
	wantStatus(t, "alice removes bob", api.Do(t, apigwtest.Request{Method: "DELETE", Path: members + "/bob", Member: "alice"}), 204)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: members + "/alice", Member: "alice"}), 409, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/orgs/" + o.ID + "/step-down", Member: "alice"}), 409, "")
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: members, Member: "alice"})
	res.JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].MemberID != "alice" || page.Items[0].Role != "admin" {
		t.Errorf("members at the end = %+v", page.Items)
	}
}

func TestOrgBadInputIsAProblemNamingTheField(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "alice")
	o := createOrgVia(t, api, "alice")
	env.Calls.Reset()
	members := "/orgs/" + o.ID + "/members"
	cases := []struct {
		name, method, path, body string
		status                   int
		loc                      string
	}{
		{"malformed JSON", "POST", "/orgs", `{"name":`, 400, "body"},
		{"kind not in enum", "POST", "/orgs", `{"name":"X","kind":"guild"}`, 422, "body.kind"},
		{"missing kind", "POST", "/orgs", `{"name":"X"}`, 422, "body.kind"},
		{"missing name", "POST", "/orgs", `{"kind":"school"}`, 422, "body.name"},
		{"blank name", "POST", "/orgs", `{"name":"   ","kind":"school"}`, 422, "body.name"},
		{"name too long", "POST", "/orgs", `{"name":"` + strings.Repeat("n", 121) + `","kind":"school"}`, 422, "body.name"},
		{"unknown field", "POST", "/orgs", `{"name":"X","kind":"school","motto":"hi"}`, 422, "body.motto"},
		{"missing member_id", "POST", members, `{"role":"member"}`, 422, "body.member_id"},
		{"member_id not an id", "POST", members, `{"member_id":"b#ob"}`, 422, "body.member_id"},
		{"role not in enum", "POST", members, `{"member_id":"bob","role":"owner"}`, 422, "body.role"},
		{"limit 0", "GET", members + "?limit=0", "", 422, "query.limit"},
		{"limit 101", "GET", members + "?limit=101", "", 422, "query.limit"},
		{"limit not a number", "GET", members + "?limit=ten", "", 422, "query.limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, api.Do(t, apigwtest.Request{Method: tc.method, Path: tc.path, Member: "alice", Body: tc.body}), tc.status, tc.loc)
		})
	}
	if n := env.Calls.Count("TransactWriteItems") + env.Calls.Count("Query"); n != 0 {
		t.Errorf("bad input reached the table: %s", env.Calls)
	}
}

func TestOrgMembersPageOnceEachWithSealedCursors(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	ids := []string{"alice", "bob", "carmen", "dev", "eve"}
	putProfilesVia(t, api, ids...)
	o := createOrgVia(t, api, "alice")
	other := createOrgVia(t, api, "alice")
	for _, id := range ids[1:] {
		joinOrgVia(t, api, "alice", o.ID, id, "")
	}
	joinOrgVia(t, api, "alice", other.ID, "bob", "")

	var seen []string
	cursor := ""
	first := ""
	for range 10 {
		path := "/orgs/" + o.ID + "/members?limit=1"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		env.Calls.Reset()
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: "bob"})
		wantStatus(t, "page", res, 200)
		if n := env.Calls.String(); n != "BatchGetItem=1 GetItem=1 Query=1" {
			t.Errorf("a page made %s", n)
		}
		var page orgMemberPage
		res.JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("page of %d with limit=1", len(page.Items))
		}
		seen = append(seen, page.Items[0].MemberID)
		if first == "" {
			first = page.NextCursor
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Errorf("walked %v, want %v", seen, ids)
	}

	altered := []byte(first)
	altered[len(altered)/2] ^= 1
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + o.ID + "/members?cursor=" + string(altered), Member: "bob"}), 400, "query.cursor")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + other.ID + "/members?cursor=" + first, Member: "bob"}), 400, "query.cursor")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + o.ID + "/members?cursor=" + first, Member: "carmen"}), 400, "query.cursor")
}

func TestOrgAndConnectionRoutesNeedAnIdentity(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	id := strings.Repeat("a", 26)
	for _, req := range []apigwtest.Request{
		{Method: "POST", Path: "/orgs", Body: `{"name":"X","kind":"school"}`},
		{Method: "GET", Path: "/orgs/" + id},
		{Method: "POST", Path: "/orgs/" + id + "/members", Body: `{"member_id":"bob"}`},
		{Method: "DELETE", Path: "/orgs/" + id + "/members/bob"},
		{Method: "GET", Path: "/orgs/" + id + "/members"},
		{Method: "POST", Path: "/connections", Body: `{"member_id":"bob"}`},
		{Method: "POST", Path: "/connections/alice~bob/accept"},
		{Method: "DELETE", Path: "/connections/alice~bob"},
		{Method: "GET", Path: "/connections"},
	} {
		res := api.Do(t, req)
		wantProblem(t, res, 401, "header.Authorization")
	}
	if env.Calls.Total() != 0 {
		t.Errorf("anonymous calls reached the table: %s", env.Calls)
	}
}
