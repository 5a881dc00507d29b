package warmlead

import (
	"context"
	"time"
)

// Organisations and consent (docs/rules.md, "Organisations and consent").
//
// Nobody becomes a member or an admin of an organisation without accepting:
// an admin invites, the invitee accepts or declines. The last admin leaves
// only by handing over (another admin accepted) or by archiving the
// organisation. The functions below are the whole of "who may do what";
// the store reads the state they need, asks them, and writes with
// conditions that hold the state they saw.

// OrgStatus says whether an organisation still takes postings, invitations
// and members.
type OrgStatus string

// Organisation statuses.
const (
	OrgActive   OrgStatus = "active"
	OrgArchived OrgStatus = "archived"
)

// OrgInvitation is a pending invitation to join an organisation (or, for a
// member, to become one of its admins). Accepting or declining consumes it.
type OrgInvitation struct {
	OrgID       string
	OrgName     string
	MemberID    string // the invitee
	Role        OrgRole
	InvitedBy   string
	InviterName string
	CreatedAt   time.Time
}

// Summary is the notification text the invitee reads: "Dana Reyes invited
// you to join Lyon Alumni as admin".
func (inv *OrgInvitation) Summary() string {
	who := inv.InviterName
	if who == "" {
		who = inv.InvitedBy
	}
	org := inv.OrgName
	if org == "" {
		org = "an organisation"
	}
	return who + " invited you to join " + org + " as " + string(inv.Role)
}

// MemberOrg is one of a member's organisations, with their role in it.
type MemberOrg struct {
	Org      *Org
	Role     OrgRole
	JoinedAt time.Time
}

// ArchiveResult is what archiving did: the organisation as it now is, how
// many of its open postings this call closed, and whether open ones remain
// (a call closes a bounded number; calling again closes more).
type ArchiveResult struct {
	Org            *Org
	PostingsClosed int
	MoreToClose    bool
}

// OrgState is what the rules know of an organisation.
type OrgState struct {
	Archived bool
	Admins   int // how many admins it has
}

// Standing is what the rules know of one member in an organisation: their
// role ("" when not a member) and the role of their pending invitation (""
// when none).
type Standing struct {
	Role    OrgRole
	Invited OrgRole
}

// CanInvite says whether an admin (caller's role) may invite a member
// standing as invitee to role. A pending invitation to the same role is not
// an error: inviting again returns it.
func CanInvite(org OrgState, caller OrgRole, invitee Standing, role OrgRole) error {
	switch {
	case !role.Valid():
		return Invalid(FieldError{"role", "must be one of " + joinEnum(OrgRoles)})
	case caller != RoleAdmin:
		return Errorf(EFORBIDDEN, "Only the organisation's admins can invite members.")
	case org.Archived:
		return archived()
	case invitee.Role == RoleAdmin:
		return Errorf(ECONFLICT, "This member is already an admin of the organisation; an admin steps down themselves (POST /orgs/{id}/step-down).")
	case invitee.Role == role:
		return Errorf(ECONFLICT, "This member already belongs to the organisation.")
	case invitee.Invited != "" && invitee.Invited != role:
		return Errorf(ECONFLICT, "This member already has a pending invitation as %s; they must accept or decline it first.", invitee.Invited)
	}
	return nil
}

// CanAccept says whether a member standing as s may accept their invitation,
// and which role they then hold (an admin invited as member stays admin).
func CanAccept(org OrgState, s Standing) (OrgRole, error) {
	switch {
	case s.Invited == "":
		return "", Errorf(ENOTFOUND, "You have no pending invitation to this organisation.")
	case org.Archived:
		return "", archived()
	case s.Role == RoleAdmin:
		return RoleAdmin, nil
	}
	return s.Invited, nil
}

// CanDecline says whether a member standing as s may decline: when they
// have a pending invitation.
func CanDecline(s Standing) error {
	if s.Invited == "" {
		return Errorf(ENOTFOUND, "You have no pending invitation to this organisation.")
	}
	return nil
}

// CanRemove says whether caller (with role callerRole) may take target
// (standing as targetRole) out of the organisation: admins remove anyone,
// members remove themselves (they leave), and the last admin of an active
// organisation stays.
func CanRemove(org OrgState, callerRole OrgRole, self bool, targetRole OrgRole) error {
	switch {
	case !self && callerRole != RoleAdmin:
		return Errorf(EFORBIDDEN, "Only the organisation's admins can remove another member; members may leave.")
	case targetRole == "":
		return Errorf(ENOTFOUND, "This member does not belong to the organisation.")
	case targetRole == RoleAdmin && org.Admins <= 1 && !org.Archived:
		return lastAdminError()
	}
	return nil
}

// CanLeave says whether a member with role may leave.
func CanLeave(org OrgState, role OrgRole) error { return CanRemove(org, role, true, role) }

// CanStepDown says whether a member with role may step down from admin to
// member. Stepping down as a member changes nothing and is allowed.
func CanStepDown(org OrgState, role OrgRole) error {
	switch {
	case role == "":
		return Errorf(EFORBIDDEN, "You do not belong to this organisation.")
	case role == RoleAdmin && org.Admins <= 1 && !org.Archived:
		return lastAdminError()
	}
	return nil
}

// CanArchive says whether a member with role may archive the organisation:
// admins may, and archiving again is allowed (it closes what is left open).
func CanArchive(role OrgRole) error {
	if role != RoleAdmin {
		return Errorf(EFORBIDDEN, "Only the organisation's admins can archive it.")
	}
	return nil
}

// CanPostFor says whether a member with role may post on behalf of an
// organisation: its admins may, while it is active.
func CanPostFor(org OrgState, role OrgRole) error {
	switch {
	case role != RoleAdmin:
		return Errorf(EFORBIDDEN, "Only the organisation's admins can post or edit on its behalf.")
	case org.Archived:
		return archived()
	}
	return nil
}

func archived() error {
	return Errorf(ECONFLICT, "This organisation is archived: it takes no new postings, invitations or members.")
}

func lastAdminError() error {
	return Errorf(ECONFLICT, "The organisation's last admin cannot leave or step down: invite another admin "+
		"and wait for them to accept, or archive the organisation (POST /orgs/{id}/archive).")
}

// OrgConsentService is membership by consent.
type OrgConsentService interface {
	// InviteOrgMember invites memberID to orgID as role; the caller must be
	// an admin. created is false when the same invitation was pending (it
	// is returned). Returns EINVALID, ENOTFOUND (organisation or member),
	// EFORBIDDEN, ECONFLICT (archived, already a member or admin, invited
	// to another role).
	InviteOrgMember(ctx context.Context, callerID, orgID, memberID string, role OrgRole) (inv *OrgInvitation, created bool, err error)

	// AcceptOrgInvitation consumes the caller's invitation and makes them a
	// member (or an admin), atomically. Returns ENOTFOUND, ECONFLICT.
	AcceptOrgInvitation(ctx context.Context, callerID, orgID string) (*OrgMember, error)

	// DeclineOrgInvitation deletes the caller's invitation. Returns ENOTFOUND.
	DeclineOrgInvitation(ctx context.Context, callerID, orgID string) error

	// StepDown makes the caller, an admin, a plain member. Returns
	// EFORBIDDEN, ENOTFOUND, ECONFLICT (last admin).
	StepDown(ctx context.Context, callerID, orgID string) (*OrgMember, error)

	// ArchiveOrg archives the organisation and closes a bounded number of
	// its open postings. Returns ENOTFOUND, EFORBIDDEN.
	ArchiveOrg(ctx context.Context, callerID, orgID string) (*ArchiveResult, error)

	// ListMyInvitations pages through the caller's pending invitations,
	// newest first. Returns EBADREQUEST (cursor).
	ListMyInvitations(ctx context.Context, callerID string, page PageRequest) (*Page[*OrgInvitation], error)

	// ListMyOrgs pages through the caller's organisations with their role.
	// Returns EBADREQUEST (cursor).
	ListMyOrgs(ctx context.Context, callerID string, page PageRequest) (*Page[*MemberOrg], error)
}
