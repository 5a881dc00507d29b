package warmlead

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind is what sort of organisation publishes postings for its members.
type OrgKind string

// Organisation kinds; alumni associations come first.
const (
	OrgAlumniAssociation       OrgKind = "alumni_association"
	OrgProfessionalAssociation OrgKind = "professional_association"
	OrgSchool                  OrgKind = "school"
	OrgEmployer                OrgKind = "employer"
	OrgCommunity               OrgKind = "community"
)

// OrgKinds lists every valid OrgKind.
var OrgKinds = []OrgKind{OrgAlumniAssociation, OrgProfessionalAssociation, OrgSchool, OrgEmployer, OrgCommunity}

// OrgRole is a member's role in an organisation. Admins manage membership
// and post on the organisation's behalf.
type OrgRole string

// Organisation roles.
const (
	RoleMember OrgRole = "member"
	RoleAdmin  OrgRole = "admin"
)

// OrgRoles lists every valid OrgRole.
var OrgRoles = []OrgRole{RoleMember, RoleAdmin}

// MaxOrgNameLen bounds an organisation's name.
const MaxOrgNameLen = 120

// Org is an organisation: an alumni association, a school, an employer...
type Org struct {
	ID        string
	Name      string
	Kind      OrgKind
	CreatedBy string
	CreatedAt time.Time
	// ArchivedAt is when the organisation was archived (zero: active); see
	// org_consent.go.
	ArchivedAt time.Time
}

// Status is OrgArchived once the organisation was archived.
func (o *Org) Status() OrgStatus {
	if o.ArchivedAt.IsZero() {
		return OrgActive
	}
	return OrgArchived
}

// OrgMember is one member's membership of an organisation.
type OrgMember struct {
	OrgID    string
	MemberID string
	Role     OrgRole
	JoinedAt time.Time
}

// OrgService manages organisations and their members.
type OrgService interface {
	// CreateOrg creates an organisation; the caller becomes its admin and
	// first member, atomically. Returns EINVALID.
	CreateOrg(ctx context.Context, callerID string, o *Org) (*Org, error)

	// FindOrgByID returns an organisation. Returns ENOTFOUND.
	FindOrgByID(ctx context.Context, id string) (*Org, error)

	// Membership by consent: invitations, stepping down, archiving,
	// a member's own organisations (org_consent.go).
	OrgConsentService

	// RemoveOrgMember removes a member; the caller must be an admin or the
	// member leaving (CanRemove). Returns ENOTFOUND, EFORBIDDEN, ECONFLICT
	// (the last admin of an active organisation cannot leave).
	RemoveOrgMember(ctx context.Context, callerID, orgID, memberID string) error

	// ListOrgMembers pages through an organisation's members; only members
	// may list. Returns ENOTFOUND, EFORBIDDEN, EBADREQUEST (cursor).
	ListOrgMembers(ctx context.Context, callerID, orgID string, page PageRequest) (*Page[*OrgMember], error)
}

// Validate checks an organisation's fields.
func (o *Org) Validate() error {
	var fields []FieldError
	switch n := utf8.RuneCountInString(strings.TrimSpace(o.Name)); {
	case n == 0:
		fields = append(fields, FieldError{"name", "must not be empty"})
	case n > MaxOrgNameLen:
		fields = append(fields, FieldError{"name", "must be at most " + strconv.Itoa(MaxOrgNameLen) + " characters"})
	}
	if !oneOf(o.Kind, OrgKinds) {
		fields = append(fields, FieldError{"kind", "must be one of " + joinEnum(OrgKinds)})
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// Valid reports whether r is one of OrgRoles.
func (r OrgRole) Valid() bool { return oneOf(r, OrgRoles) }

// oneOf reports whether v is in list.
func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// joinEnum lists enum values for messages: "a, b, c".
func joinEnum[T ~string](list []T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
