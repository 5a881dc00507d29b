package warmlead

import "context"

// A member's own data (docs/people.md, "Your data").

// FormerMemberName replaces a deleted member's name wherever others still
// see something they did.
const FormerMemberName = "a former member"

// ExportItem is one thing held about a member: its kind (the stored item
// type) and its fields.
type ExportItem struct {
	Kind   string
	Fields map[string]any
}

// AccountService exports and deletes a member's data.
type AccountService interface {
	// ExportMember returns everything held about the member.
	ExportMember(ctx context.Context, memberID string) ([]ExportItem, error)
	// DeleteMember deletes the member's data and anonymises what others
	// need. It can be run again after a failure. Returns ECONFLICT (the
	// last admin of an active organisation).
	DeleteMember(ctx context.Context, memberID string) error
}
