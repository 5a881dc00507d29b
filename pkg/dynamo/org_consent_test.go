package dynamo_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// join brings member into an organisation the only way there is: admin
// invites, member accepts.
func join(t *testing.T, store *dynamo.Store, admin, orgID, member string, role warmlead.OrgRole) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := store.InviteOrgMember(ctx, admin, orgID, member, role); err != nil {
		t.Fatalf("%s invites %s: %v", admin, member, err)
	}
	if _, err := store.AcceptOrgInvitation(ctx, member, orgID); err != nil {
		t.Fatalf("%s accepts: %v", member, err)
	}
}

// roles reads an organisation's members and their roles, as a member.
func roles(t *testing.T, store *dynamo.Store, as, orgID string) map[string]warmlead.OrgRole {
	t.Helper()
	page, err := store.ListOrgMembers(context.Background(), as, orgID, warmlead.PageRequest{Limit: 100})
	if err != nil {
		t.Fatalf("list members as %s: %v", as, err)
	}
	out := map[string]warmlead.OrgRole{}
	for _, m := range page.Items {
		out[m.MemberID] = m.Role
	}
	return out
}

func TestInviteMakesAnInvitationNeverAMembership(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob", "carmen", "dev")
	o := newOrg(t, store, "alice")
	env.Calls.Reset()

	inv, created, err := store.InviteOrgMember(ctx, "alice", o.ID, "bob", warmlead.RoleMember)
	if err != nil || !created {
		t.Fatalf("invite bob: created=%v err=%v", created, err)
	}
	wantCalls(t, env, "invite", "BatchGetItem=1 TransactWriteItems=1")
	if inv.OrgID != o.ID || inv.OrgName != "Lyon Alumni" || inv.MemberID != "bob" || inv.Role != warmlead.RoleMember ||
		inv.InvitedBy != "alice" || inv.InviterName != "alice" || inv.CreatedAt.IsZero() {
		t.Errorf("invitation = %+v", inv)
	}
	// Bob is not a member until he accepts.
	_, err = store.ListOrgMembers(ctx, "bob", o.ID, warmlead.PageRequest{})
	wantCode(t, "an invitee lists members", err, warmlead.EFORBIDDEN)
	env.Calls.Reset()

	again, created, err := store.InviteOrgMember(ctx, "alice", o.ID, "bob", warmlead.RoleMember)
	if err != nil || created || *again != *inv {
		t.Fatalf("re-invite: %+v created=%v err=%v, want %+v", again, created, err, inv)
	}
	wantCalls(t, env, "re-invite", "BatchGetItem=1")

	mine, err := store.ListMyInvitations(ctx, "bob", warmlead.PageRequest{})
	if err != nil || len(mine.Items) != 1 || *mine.Items[0] != *inv || mine.Next != "" {
		t.Fatalf("bob's invitations = %+v %v", mine, err)
	}
	wantCalls(t, env, "list my invitations", "BatchGetItem=1 Query=1") // the page, the inviters' tombstones

	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "bob", warmlead.RoleAdmin)
	wantCode(t, "invited to another role meanwhile", err, warmlead.ECONFLICT)
	env.Calls.Reset()

	m, err := store.AcceptOrgInvitation(ctx, "bob", o.ID)
	if err != nil || m.MemberID != "bob" || m.Role != warmlead.RoleMember || m.OrgID != o.ID || m.JoinedAt.IsZero() {
		t.Fatalf("bob accepts: %+v %v", m, err)
	}
	wantCalls(t, env, "accept", "BatchGetItem=1 TransactWriteItems=1")
	if got := roles(t, store, "bob", o.ID); len(got) != 2 || got["bob"] != warmlead.RoleMember {
		t.Errorf("members after accepting = %v", got)
	}
	_, err = store.AcceptOrgInvitation(ctx, "bob", o.ID)
	wantCode(t, "accept twice", err, warmlead.ENOTFOUND)
	if mine, _ := store.ListMyInvitations(ctx, "bob", warmlead.PageRequest{}); len(mine.Items) != 0 {
		t.Errorf("the accepted invitation is still listed: %+v", mine.Items)
	}
	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "bob", warmlead.RoleMember)
	wantCode(t, "invite a member as member", err, warmlead.ECONFLICT)
	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "alice", warmlead.RoleAdmin)
	wantCode(t, "an admin invites themself", err, warmlead.ECONFLICT)

	env.Calls.Reset()
	_, _, err = store.InviteOrgMember(ctx, "bob", o.ID, "carmen", warmlead.RoleMember)
	wantCode(t, "a member invites", err, warmlead.EFORBIDDEN)
	_, _, err = store.InviteOrgMember(ctx, "dev", o.ID, "dev", warmlead.RoleAdmin)
	wantCode(t, "an outsider invites themself", err, warmlead.EFORBIDDEN)
	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "ghost", warmlead.RoleMember)
	wantCode(t, "no such member", err, warmlead.ENOTFOUND)
	_, _, err = store.InviteOrgMember(ctx, "alice", strings.Repeat("b", 26), "carmen", warmlead.RoleMember)
	wantCode(t, "no such org", err, warmlead.ENOTFOUND)
	env.Calls.Reset()
	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "carmen", "owner")
	wantCode(t, "bad role", err, warmlead.EINVALID)
	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "car#men", warmlead.RoleMember)
	wantCode(t, "bad member id", err, warmlead.EINVALID)
	_, _, err = store.InviteOrgMember(ctx, "alice", "not-an-org", "carmen", warmlead.RoleMember)
	wantCode(t, "malformed org id", err, warmlead.ENOTFOUND)
	wantCalls(t, env, "invalid input", "")

	// Declining deletes the invitation; the admin may invite again.
	if _, _, err := store.InviteOrgMember(ctx, "alice", o.ID, "carmen", warmlead.RoleMember); err != nil {
		t.Fatal(err)
	}
	env.Calls.Reset()
	if err := store.DeclineOrgInvitation(ctx, "carmen", o.ID); err != nil {
		t.Fatalf("carmen declines: %v", err)
	}
	wantCalls(t, env, "decline", "DeleteItem=1")
	wantCode(t, "decline twice", store.DeclineOrgInvitation(ctx, "carmen", o.ID), warmlead.ENOTFOUND)
	_, err = store.AcceptOrgInvitation(ctx, "carmen", o.ID)
	wantCode(t, "accept after declining", err, warmlead.ENOTFOUND)
	if _, ok := roles(t, store, "alice", o.ID)["carmen"]; ok {
		t.Error("carmen declined but is a member")
	}
	if _, created, err := store.InviteOrgMember(ctx, "alice", o.ID, "carmen", warmlead.RoleMember); err != nil || !created {
		t.Errorf("invite again after a decline: created=%v %v", created, err)
	}
}

// The reported abuse: a member added a stranger as admin and left, and the
// stranger could then neither leave nor step down. Now a member cannot
// invite, an invitation makes nobody anything, and the last admin stays
// until someone accepted to take over.
func TestNobodyIsMadeAdminWithoutConsent(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "mallory", "victim")
	o := newOrg(t, store, "alice")
	join(t, store, "alice", o.ID, "mallory", warmlead.RoleMember)

	_, _, err := store.InviteOrgMember(ctx, "mallory", o.ID, "victim", warmlead.RoleAdmin)
	wantCode(t, "a member invites a stranger as admin", err, warmlead.EFORBIDDEN)
	_, err = store.StepDown(ctx, "victim", o.ID)
	wantCode(t, "the stranger is nothing here", err, warmlead.EFORBIDDEN)

	// An admin's invitation makes nobody an admin: the admin who invited
	// still cannot leave, and the invitee owes nothing.
	if _, _, err := store.InviteOrgMember(ctx, "alice", o.ID, "victim", warmlead.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "the inviter leaves before anyone accepted", store.RemoveOrgMember(ctx, "alice", o.ID, "alice"), warmlead.ECONFLICT)
	wantCode(t, "the invitee leaves what they never joined", store.RemoveOrgMember(ctx, "victim", o.ID, "victim"), warmlead.ENOTFOUND)
	if err := store.DeclineOrgInvitation(ctx, "victim", o.ID); err != nil {
		t.Fatalf("the invitee declines: %v", err)
	}
	if got := roles(t, store, "alice", o.ID); len(got) != 2 || got["alice"] != warmlead.RoleAdmin || got["mallory"] != warmlead.RoleMember {
		t.Errorf("members = %v", got)
	}

	// Handing over: the new admin accepted, so the old one may go, and the
	// new one may leave too once they archive.
	join(t, store, "alice", o.ID, "victim", warmlead.RoleAdmin)
	if err := store.RemoveOrgMember(ctx, "alice", o.ID, "alice"); err != nil {
		t.Fatalf("alice leaves after handing over: %v", err)
	}
	wantCode(t, "the last admin leaves", store.RemoveOrgMember(ctx, "victim", o.ID, "victim"), warmlead.ECONFLICT)
	if _, err := store.ArchiveOrg(ctx, "victim", o.ID); err != nil {
		t.Fatal(err)
	}
	if err := store.RemoveOrgMember(ctx, "victim", o.ID, "victim"); err != nil {
		t.Errorf("the last admin leaves an archived organisation: %v", err)
	}
}

func TestPromotionAndSteppingDownNeedNoTrap(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob")
	o := newOrg(t, store, "alice")
	join(t, store, "alice", o.ID, "bob", warmlead.RoleMember)

	_, err := store.StepDown(ctx, "alice", o.ID)
	wantCode(t, "the last admin steps down", err, warmlead.ECONFLICT)

	// Promotion is an invitation too: bob stays a member until he accepts.
	inv, created, err := store.InviteOrgMember(ctx, "alice", o.ID, "bob", warmlead.RoleAdmin)
	if err != nil || !created || inv.Role != warmlead.RoleAdmin {
		t.Fatalf("invite bob as admin: %+v %v %v", inv, created, err)
	}
	if got := roles(t, store, "bob", o.ID)["bob"]; got != warmlead.RoleMember {
		t.Fatalf("bob is %s before accepting", got)
	}
	env.Calls.Reset()
	m, err := store.AcceptOrgInvitation(ctx, "bob", o.ID)
	if err != nil || m.Role != warmlead.RoleAdmin {
		t.Fatalf("bob accepts admin: %+v %v", m, err)
	}
	wantCalls(t, env, "accept a promotion", "BatchGetItem=1 TransactWriteItems=1")
	page, _ := store.ListOrgMembers(ctx, "bob", o.ID, warmlead.PageRequest{})
	for _, mm := range page.Items {
		if mm.MemberID == "bob" && mm.Role != warmlead.RoleAdmin {
			t.Errorf("bob after accepting = %+v", mm)
		}
	}
	env.Calls.Reset()

	// Either admin may now step down, but not both.
	m, err = store.StepDown(ctx, "bob", o.ID)
	if err != nil || m.Role != warmlead.RoleMember {
		t.Fatalf("bob steps down: %+v %v", m, err)
	}
	wantCalls(t, env, "step down", "BatchGetItem=1 TransactWriteItems=1")
	_, err = store.StepDown(ctx, "alice", o.ID)
	wantCode(t, "the remaining admin steps down", err, warmlead.ECONFLICT)
	if m, err := store.StepDown(ctx, "bob", o.ID); err != nil || m.Role != warmlead.RoleMember {
		t.Errorf("a member steps down again: %+v %v", m, err)
	}
	if got := roles(t, store, "bob", o.ID); got["alice"] != warmlead.RoleAdmin || got["bob"] != warmlead.RoleMember {
		t.Errorf("roles = %v", got)
	}
}

func TestTwoAdminsLeavingAtOnceLeaveOneBehind(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob")
	for round := range 6 {
		o := newOrg(t, store, "alice")
		join(t, store, "alice", o.ID, "bob", warmlead.RoleAdmin)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []string{"alice", "bob"} {
			wg.Go(func() {
				if round%2 == 0 {
					errs[i] = store.RemoveOrgMember(ctx, who, o.ID, who)
				} else {
					_, errs[i] = store.StepDown(ctx, who, o.ID)
				}
			})
		}
		wg.Wait()
		gone := 0
		for _, err := range errs {
			switch warmlead.ErrorCode(err) {
			case "":
				gone++
			case warmlead.ECONFLICT, warmlead.EUNAVAILABLE:
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		admins := 0
		for _, who := range []string{"alice", "bob"} {
			if r, _ := store.ListOrgMembers(ctx, who, o.ID, warmlead.PageRequest{}); r != nil {
				for _, m := range r.Items {
					if m.MemberID == who && m.Role == warmlead.RoleAdmin {
						admins++
					}
				}
			}
		}
		if gone > 1 || admins != 1 {
			t.Fatalf("round %d: %d stepped away, %d admins left (errors %v), want exactly 1 admin", round, gone, admins, errs)
		}
	}
}

func TestRemoveOrgMemberByAdminOrSelf(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob", "carmen", "dev")
	o := newOrg(t, store, "alice")
	for _, id := range []string{"bob", "carmen"} {
		join(t, store, "alice", o.ID, id, warmlead.RoleMember)
	}
	env.Calls.Reset()

	wantCode(t, "a member removes another", store.RemoveOrgMember(ctx, "bob", o.ID, "carmen"), warmlead.EFORBIDDEN)
	wantCode(t, "an outsider removes a member", store.RemoveOrgMember(ctx, "dev", o.ID, "carmen"), warmlead.EFORBIDDEN)
	wantCode(t, "an outsider leaves", store.RemoveOrgMember(ctx, "dev", o.ID, "dev"), warmlead.ENOTFOUND)
	wantCode(t, "admin removes an outsider", store.RemoveOrgMember(ctx, "alice", o.ID, "dev"), warmlead.ENOTFOUND)
	wantCode(t, "no such org", store.RemoveOrgMember(ctx, "alice", strings.Repeat("c", 26), "bob"), warmlead.ENOTFOUND)
	env.Calls.Reset()

	if err := store.RemoveOrgMember(ctx, "bob", o.ID, "bob"); err != nil {
		t.Fatalf("bob leaves: %v", err)
	}
	wantCalls(t, env, "member leaves", "BatchGetItem=1 TransactWriteItems=1")
	// A member with a pending admin invitation is removed with it: they
	// cannot come back as admin on the strength of it.
	if _, _, err := store.InviteOrgMember(ctx, "alice", o.ID, "carmen", warmlead.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	env.Calls.Reset()
	if err := store.RemoveOrgMember(ctx, "alice", o.ID, "carmen"); err != nil {
		t.Fatalf("alice removes carmen: %v", err)
	}
	wantCalls(t, env, "admin removes a member", "BatchGetItem=1 TransactWriteItems=1")
	_, err := store.AcceptOrgInvitation(ctx, "carmen", o.ID)
	wantCode(t, "a removed member accepts an old invitation", err, warmlead.ENOTFOUND)
	wantCode(t, "bob leaves twice", store.RemoveOrgMember(ctx, "bob", o.ID, "bob"), warmlead.ENOTFOUND)
	_, err = store.ListOrgMembers(ctx, "bob", o.ID, warmlead.PageRequest{})
	wantCode(t, "a former member lists", err, warmlead.EFORBIDDEN)
}

func TestArchiveClosesOpenPostingsAndTakesNothingNew(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob", "carmen")
	o := newOrg(t, store, "alice")
	other := newOrg(t, store, "alice")
	join(t, store, "alice", o.ID, "bob", warmlead.RoleMember)
	if _, _, err := store.InviteOrgMember(ctx, "alice", o.ID, "carmen", warmlead.RoleMember); err != nil {
		t.Fatal(err)
	}
	post := func(orgID string) *warmlead.Posting {
		t.Helper()
		p, _, err := store.CreatePosting(ctx, "alice", &warmlead.Posting{Title: "Lead", Description: "d", Kind: warmlead.KindJob,
			Compensation: warmlead.CompPaid, Workplace: warmlead.WorkplaceRemote, Visibility: warmlead.VisibilityOrg, OrgID: orgID,
			ValidThrough: time.Now().Add(48 * time.Hour)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var mine []*warmlead.Posting
	for range 3 {
		mine = append(mine, post(o.ID))
	}
	if _, err := store.ClosePosting(ctx, "alice", mine[2].ID, warmlead.CloseFilled); err != nil {
		t.Fatal(err)
	}
	elsewhere := post(other.ID)

	_, err := store.ArchiveOrg(ctx, "bob", o.ID)
	wantCode(t, "a member archives", err, warmlead.EFORBIDDEN)
	_, err = store.ArchiveOrg(ctx, "alice", strings.Repeat("e", 26))
	wantCode(t, "no such org", err, warmlead.ENOTFOUND)
	env.Calls.Reset()

	res, err := store.ArchiveOrg(ctx, "alice", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("archiving with 2 open postings and 1 invitation made %s", env.Calls)
	env.Calls.Reset()
	if res.PostingsClosed != 2 || res.MoreToClose || res.Org.Status() != warmlead.OrgArchived || res.Org.ArchivedAt.IsZero() {
		t.Errorf("archive = %+v", res)
	}
	for i, p := range mine {
		got, err := store.FindPostingByID(ctx, "bob", p.ID)
		want := warmlead.StatusClosed
		if i == 2 {
			want = warmlead.StatusFilled
		}
		if err != nil || got.Status != want {
			t.Errorf("posting %d after archiving: %v %v, want %s", i, got.Status, err, want)
		}
	}
	if got, _ := store.FindPostingByID(ctx, "alice", elsewhere.ID); got.Status != warmlead.StatusOpen {
		t.Errorf("another organisation's posting was closed: %s", got.Status)
	}
	if got, err := store.FindOrgByID(ctx, o.ID); err != nil || got.Status() != warmlead.OrgArchived {
		t.Errorf("org after archiving: %+v %v", got, err)
	}

	// An archived organisation takes no new postings, invitations or members.
	_, _, err = store.CreatePosting(ctx, "alice", &warmlead.Posting{Title: "Late", Description: "d", Kind: warmlead.KindJob,
		Compensation: warmlead.CompPaid, Workplace: warmlead.WorkplaceRemote, Visibility: warmlead.VisibilityOrg, OrgID: o.ID,
		ValidThrough: time.Now().Add(48 * time.Hour)}, nil)
	wantCode(t, "post for an archived org", err, warmlead.ECONFLICT)
	_, _, err = store.InviteOrgMember(ctx, "alice", o.ID, "carmen", warmlead.RoleMember)
	wantCode(t, "invite to an archived org", err, warmlead.ECONFLICT)
	_, err = store.AcceptOrgInvitation(ctx, "carmen", o.ID)
	wantCode(t, "the pending invitation was withdrawn", err, warmlead.ENOTFOUND)
	if mine, _ := store.ListMyInvitations(ctx, "carmen", warmlead.PageRequest{}); len(mine.Items) != 0 {
		t.Errorf("carmen still lists %+v", mine.Items)
	}
	again, err := store.ArchiveOrg(ctx, "alice", o.ID)
	if err != nil || again.PostingsClosed != 0 || !again.Org.ArchivedAt.Equal(res.Org.ArchivedAt) {
		t.Errorf("archive again: %+v %v", again, err)
	}
	// Its last admin may now leave; members too.
	if err := store.RemoveOrgMember(ctx, "alice", o.ID, "alice"); err != nil {
		t.Errorf("the last admin leaves an archived org: %v", err)
	}
	if err := store.RemoveOrgMember(ctx, "bob", o.ID, "bob"); err != nil {
		t.Errorf("a member leaves an archived org: %v", err)
	}
}

func TestListMyOrgsWithRoles(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob")
	var orgs []*warmlead.Org
	for range 3 {
		orgs = append(orgs, newOrg(t, store, "alice"))
	}
	join(t, store, "alice", orgs[0].ID, "bob", warmlead.RoleMember)
	join(t, store, "alice", orgs[1].ID, "bob", warmlead.RoleAdmin)
	if _, _, err := store.InviteOrgMember(ctx, "alice", orgs[2].ID, "bob", warmlead.RoleMember); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ArchiveOrg(ctx, "bob", orgs[1].ID); err != nil {
		t.Fatal(err)
	}
	env.Calls.Reset()

	got := map[string]string{}
	cursor := ""
	for range 5 {
		page, err := store.ListMyOrgs(ctx, "bob", warmlead.PageRequest{Limit: 1, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		wantCalls(t, env, "a page of my orgs", "BatchGetItem=1 Query=1")
		for _, m := range page.Items {
			got[m.Org.ID] = fmt.Sprintf("%s/%s/%s", m.Role, m.Org.Status(), m.Org.Name)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	want := map[string]string{orgs[0].ID: "member/active/Lyon Alumni", orgs[1].ID: "admin/archived/Lyon Alumni"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bob's orgs = %v, want %v (the invitation is not a membership)", got, want)
	}
	_, err := store.ListMyOrgs(ctx, "alice", warmlead.PageRequest{Limit: 1, Cursor: "x"})
	wantCode(t, "a forged cursor", err, warmlead.EBADREQUEST)
}
