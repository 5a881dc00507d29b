package warmlead

import "testing"

func TestConsentRules(t *testing.T) {
	active2 := OrgState{Admins: 2}
	active1 := OrgState{Admins: 1}
	archived1 := OrgState{Admins: 1, Archived: true}
	none := Standing{}
	member := Standing{Role: RoleMember}
	admin := Standing{Role: RoleAdmin}
	invitedMember := Standing{Invited: RoleMember}
	memberInvitedAdmin := Standing{Role: RoleMember, Invited: RoleAdmin}

	invite := []struct {
		name    string
		org     OrgState
		caller  OrgRole
		invitee Standing
		role    OrgRole
		want    string
	}{
		{"admin invites a stranger as member", active1, RoleAdmin, none, RoleMember, ""},
		{"admin invites a stranger as admin", active1, RoleAdmin, none, RoleAdmin, ""},
		{"promotion is an invitation too", active1, RoleAdmin, member, RoleAdmin, ""},
		{"the same invitation again", active1, RoleAdmin, invitedMember, RoleMember, ""},
		{"a member cannot invite", active1, RoleMember, none, RoleMember, EFORBIDDEN},
		{"a non-member cannot invite", active1, "", none, RoleAdmin, EFORBIDDEN},
		{"archived takes no invitations", archived1, RoleAdmin, none, RoleMember, ECONFLICT},
		{"already a member", active1, RoleAdmin, member, RoleMember, ECONFLICT},
		{"already an admin", active2, RoleAdmin, admin, RoleAdmin, ECONFLICT},
		{"an admin is not demoted by invitation", active2, RoleAdmin, admin, RoleMember, ECONFLICT},
		{"pending as another role", active1, RoleAdmin, invitedMember, RoleAdmin, ECONFLICT},
		{"bad role", active1, RoleAdmin, none, "owner", EINVALID},
	}
	for _, tc := range invite {
		t.Run("invite/"+tc.name, func(t *testing.T) {
			if got := ErrorCode(CanInvite(tc.org, tc.caller, tc.invitee, tc.role)); got != tc.want {
				t.Errorf("CanInvite = %q, want %q", got, tc.want)
			}
		})
	}

	accept := []struct {
		name     string
		org      OrgState
		s        Standing
		wantRole OrgRole
		want     string
	}{
		{"invited member joins", active1, invitedMember, RoleMember, ""},
		{"member accepts admin", active1, memberInvitedAdmin, RoleAdmin, ""},
		{"admin invited as member stays admin", active1, Standing{Role: RoleAdmin, Invited: RoleMember}, RoleAdmin, ""},
		{"no invitation", active1, member, "", ENOTFOUND},
		{"archived", archived1, invitedMember, "", ECONFLICT},
	}
	for _, tc := range accept {
		t.Run("accept/"+tc.name, func(t *testing.T) {
			role, err := CanAccept(tc.org, tc.s)
			if ErrorCode(err) != tc.want || role != tc.wantRole {
				t.Errorf("CanAccept = %q, %q; want %q, %q", role, ErrorCode(err), tc.wantRole, tc.want)
			}
		})
	}
	if ErrorCode(CanDecline(invitedMember)) != "" || ErrorCode(CanDecline(member)) != ENOTFOUND {
		t.Error("CanDecline: only a pending invitation can be declined")
	}

	remove := []struct {
		name   string
		org    OrgState
		caller OrgRole
		self   bool
		target OrgRole
		want   string
	}{
		{"a member leaves", active1, RoleMember, true, RoleMember, ""},
		{"an admin removes a member", active1, RoleAdmin, false, RoleMember, ""},
		{"an admin removes another admin", active2, RoleAdmin, false, RoleAdmin, ""},
		{"an admin leaves while another remains", active2, RoleAdmin, true, RoleAdmin, ""},
		{"the last admin stays", active1, RoleAdmin, true, RoleAdmin, ECONFLICT},
		{"the last admin of an archived org leaves", archived1, RoleAdmin, true, RoleAdmin, ""},
		{"a member removes another", active1, RoleMember, false, RoleMember, EFORBIDDEN},
		{"a stranger removes a member", active1, "", false, RoleMember, EFORBIDDEN},
		{"not a member", active1, RoleAdmin, false, "", ENOTFOUND},
		{"leaving what you never joined", active1, "", true, "", ENOTFOUND},
	}
	for _, tc := range remove {
		t.Run("remove/"+tc.name, func(t *testing.T) {
			if got := ErrorCode(CanRemove(tc.org, tc.caller, tc.self, tc.target)); got != tc.want {
				t.Errorf("CanRemove = %q, want %q", got, tc.want)
			}
		})
	}
	if ErrorCode(CanLeave(active1, RoleAdmin)) != ECONFLICT || ErrorCode(CanLeave(active2, RoleAdmin)) != "" {
		t.Error("CanLeave: the last admin stays, another may go")
	}

	stepDown := []struct {
		name string
		org  OrgState
		role OrgRole
		want string
	}{
		{"an admin of two steps down", active2, RoleAdmin, ""},
		{"the last admin stays", active1, RoleAdmin, ECONFLICT},
		{"the last admin of an archived org steps down", archived1, RoleAdmin, ""},
		{"a member already is one", active1, RoleMember, ""},
		{"a stranger", active1, "", EFORBIDDEN},
	}
	for _, tc := range stepDown {
		t.Run("step-down/"+tc.name, func(t *testing.T) {
			if got := ErrorCode(CanStepDown(tc.org, tc.role)); got != tc.want {
				t.Errorf("CanStepDown = %q, want %q", got, tc.want)
			}
		})
	}

	if ErrorCode(CanArchive(RoleAdmin)) != "" || ErrorCode(CanArchive(RoleMember)) != EFORBIDDEN || ErrorCode(CanArchive("")) != EFORBIDDEN {
		t.Error("CanArchive: admins only")
	}
	if ErrorCode(CanPostFor(active1, RoleAdmin)) != "" || ErrorCode(CanPostFor(archived1, RoleAdmin)) != ECONFLICT ||
		ErrorCode(CanPostFor(active1, RoleMember)) != EFORBIDDEN {
		t.Error("CanPostFor: admins of active organisations only")
	}
}

func TestInvitationSummary(t *testing.T) {
	inv := &OrgInvitation{OrgName: "Lyon Alumni", InvitedBy: "dana", InviterName: "Dana Reyes", Role: RoleAdmin}
	if got := inv.Summary(); got != "Dana Reyes invited you to join Lyon Alumni as admin" {
		t.Errorf("Summary = %q", got)
	}
	inv.InviterName = ""
	if got := inv.Summary(); got != "dana invited you to join Lyon Alumni as admin" {
		t.Errorf("Summary without a name = %q", got)
	}
}
