package warmlead

import "time"

// Rules of a posting's life: who sees it, who edits and closes it, what a
// close reason does to its status, when it takes interest (docs/rules.md,
// "Postings: who sees, who edits, when open"). They are pure: the store
// reads what they need, asks them, and enforces them atomically with
// condition expressions on its writes.

// Grant names the relationship that lets a member see a posting that is
// neither public nor theirs.
type Grant string

// Grants: an accepted connection with the poster (network visibility), or a
// membership of the posting's organisation (org visibility).
const (
	GrantNone       Grant = ""
	GrantConnection Grant = "connection"
	GrantMembership Grant = "membership"
)

// Sight is what the store found of a member's relationship to a posting's
// poster or organisation (the Grant that GrantNeeded named).
type Sight struct {
	Connection ConnectionStatus // the member's connection with the poster, "" if none
	Member     bool             // the member belongs to the posting's organisation
}

// GrantNeeded names what must be read to decide whether memberID sees p:
// nothing (GrantNone) when p is public or memberID's own, or when nothing
// could show it (an anonymous reader, an org posting without organisation).
func (p *Posting) GrantNeeded(memberID string) Grant {
	if p.Visibility == VisibilityPublic || memberID == "" || p.PosterID == memberID {
		return GrantNone
	}
	switch p.Visibility {
	case VisibilityNetwork:
		return GrantConnection
	case VisibilityOrg:
		if p.OrgID != "" {
			return GrantMembership
		}
	}
	return GrantNone
}

// VisibleTo reports whether memberID ("" for an anonymous reader) may see p:
// anyone a public posting; its poster always; a network posting the
// poster's accepted connections; an org posting the organisation's members.
// Anyone else is told it does not exist.
func (p *Posting) VisibleTo(memberID string, s Sight) bool {
	switch {
	case p.Visibility == VisibilityPublic:
		return true
	case memberID == "":
		return false
	case p.PosterID == memberID:
		return true
	}
	switch p.GrantNeeded(memberID) {
	case GrantConnection:
		return s.Connection == ConnectionAccepted
	case GrantMembership:
		return s.Member
	}
	return false
}

// EditedByAdmins reports whether p is edited by its organisation's admins
// (an organisation's posting) as well as by its poster.
func (p *Posting) EditedByAdmins() bool { return p.OrgID != "" }

// CanEdit reports whether memberID may edit or close p, and see who is
// interested in it: its poster, whatever their role in its organisation now;
// and, for an organisation's posting, that organisation's current admins.
// admin says whether memberID administers p's organisation.
func (p *Posting) CanEdit(memberID string, admin bool) bool {
	if memberID != "" && p.PosterID == memberID {
		return true
	}
	return p.EditedByAdmins() && admin
}

// CheckEditor applies CanEdit before the caller's role is known: the poster
// may edit; anyone else may edit only an organisation's posting, as its admin,
// which the store checks atomically with the write (needsAdmin). Anyone else
// is EFORBIDDEN.
func (p *Posting) CheckEditor(memberID string) (needsAdmin bool, err error) {
	switch {
	case p.CanEdit(memberID, false):
		return false, nil
	case p.EditedByAdmins():
		return true, nil
	}
	return false, p.NotEditor()
}

// NotEditor is the EFORBIDDEN given to someone who may not edit p: who may
// (CanEdit) is its poster, and for an organisation's posting its admins.
func (p *Posting) NotEditor() error {
	if p.EditedByAdmins() {
		return Errorf(EFORBIDDEN, "Only its poster and the organisation's admins can change this posting.")
	}
	return Errorf(EFORBIDDEN, "Only the poster can change this posting.")
}

// CheckEdit applies the rules on editing p as read: the version the editor
// read (0: any, as If-Match: *) is still p's, and p is still open.
func (p *Posting) CheckEdit(version int) error {
	if version != 0 && p.Version != version {
		return StalePosting()
	}
	if p.Status != StatusOpen {
		return Errorf(ECONFLICT, "This posting is %s and can no longer be edited.", p.Status)
	}
	return nil
}

// StalePosting is the error for an edit of a version that is no longer
// the posting's.
func StalePosting() error {
	return &Error{Code: EPRECONDITION, Message: "The posting has changed since you read it; fetch it again and retry.",
		Fields: []FieldError{{Field: "version", Message: "does not match the current version"}}}
}

// Edited returns next as the version after p: whatever an edit did, what
// the editor cannot change (id, poster, organisation, status, creation) is
// p's, and the version moves on by one.
func (p *Posting) Edited(next Posting, now time.Time) *Posting {
	next.ID, next.PosterID, next.OrgID, next.Status, next.CloseReason = p.ID, p.PosterID, p.OrgID, p.Status, p.CloseReason
	next.CreatedAt, next.UpdatedAt, next.Version = p.CreatedAt, now, p.Version+1
	return &next
}

// Status is what closing a posting for r makes of it: filled for filled,
// closed for withdrawn; "" for an unknown reason.
func (r CloseReason) Status() PostingStatus {
	switch r {
	case CloseFilled:
		return StatusFilled
	case CloseWithdrawn:
		return StatusClosed
	}
	return ""
}

// Check refuses an unknown close reason (EINVALID).
func (r CloseReason) Check() error {
	if r.Status() == "" {
		return Invalid(FieldError{Field: "reason", Message: "must be one of filled, withdrawn"})
	}
	return nil
}

// Close returns p closed for reason at now, as the next version. Only an
// open posting closes (ECONFLICT otherwise); an unknown reason is EINVALID.
func (p *Posting) Close(reason CloseReason, now time.Time) (*Posting, error) {
	if err := reason.Check(); err != nil {
		return nil, err
	}
	if p.Status != StatusOpen {
		return nil, Errorf(ECONFLICT, "This posting is already %s.", p.Status)
	}
	closed := *p
	closed.Status, closed.CloseReason, closed.UpdatedAt, closed.Version = reason.Status(), reason, now, p.Version+1
	return &closed, nil
}

// CheckOpen applies the rule on sharing a posting and expressing interest in
// it: it is open (ECONFLICT otherwise) and unexpired at now (EGONE).
func (p *Posting) CheckOpen(now time.Time) error {
	switch {
	case p.Status != StatusOpen:
		return Errorf(ECONFLICT, "This lead is %s.", p.Status)
	case !now.Before(p.ValidThrough):
		return Errorf(EGONE, "This lead expired on %s.", p.ValidThrough.Format("2 January 2006"))
	}
	return nil
}

// CheckInterestReader applies the rule on who sees who is interested in p:
// those who may edit it (CanEdit).
func (p *Posting) CheckInterestReader(memberID string, admin bool) error {
	if !p.CanEdit(memberID, admin) {
		return Errorf(EFORBIDDEN, "Only the poster and the organisation's admins see who is interested.")
	}
	return nil
}
