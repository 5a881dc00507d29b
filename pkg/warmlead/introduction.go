package warmlead

import (
	"context"
	"strings"
	"time"
)

// Warm introductions (docs/people.md): a member asks one of their
// connections (the introducer) to introduce them toward a goal; the
// introducer forwards it to one of their own connections (the target), who
// accepts or declines. The requester never sees the introducer's list, nor
// who a declined introduction was forwarded to.

// IntroStatus is where an introduction stands.
type IntroStatus string

// Introduction statuses: requested -> forwarded | declined;
// forwarded -> introduced | declined.
const (
	IntroRequested  IntroStatus = "requested"
	IntroForwarded  IntroStatus = "forwarded"
	IntroIntroduced IntroStatus = "introduced"
	IntroDeclined   IntroStatus = "declined"
)

// IntroStatuses lists every IntroStatus.
var IntroStatuses = []IntroStatus{IntroRequested, IntroForwarded, IntroIntroduced, IntroDeclined}

// IntroRole is a member's side of an introduction.
type IntroRole string

// Introduction roles.
const (
	IntroAsRequester  IntroRole = "requester"
	IntroAsIntroducer IntroRole = "introducer"
	IntroAsTarget     IntroRole = "target"
)

// IntroRoles lists every IntroRole.
var IntroRoles = []IntroRole{IntroAsRequester, IntroAsIntroducer, IntroAsTarget}

// Limits on an introduction's text.
const (
	MaxGoalLen      = 500
	MaxIntroNoteLen = 1000
)

// IntroAction is a step of an introduction.
type IntroAction string

// Introduction actions.
const (
	IntroForward IntroAction = "forward"
	IntroDecline IntroAction = "decline"
	IntroAccept  IntroAction = "accept"
)

// Introduction is a request for a warm introduction.
type Introduction struct {
	ID             string
	RequesterID    string
	RequesterName  string
	IntroducerID   string
	IntroducerName string
	TargetID       string
	TargetName     string
	Goal           string
	Field          string
	Note           string // the introducer's note to the target
	Status         IntroStatus
	DeclinedBy     IntroRole
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Role returns memberID's side, or "" for a stranger (and for a target
// before the introduction reaches them).
func (in *Introduction) Role(memberID string) IntroRole {
	switch {
	case memberID == in.RequesterID:
		return IntroAsRequester
	case memberID == in.IntroducerID:
		return IntroAsIntroducer
	case memberID == in.TargetID && in.TargetID != "":
		return IntroAsTarget
	}
	return ""
}

// NextIntroStatus is the introduction's state machine: the status an
// action by role leads to, EFORBIDDEN (not this side's step) or ECONFLICT.
func NextIntroStatus(from IntroStatus, act IntroAction, role IntroRole) (IntroStatus, error) {
	switch {
	case act == IntroForward && role != IntroAsIntroducer:
		return "", Errorf(EFORBIDDEN, "Only the introducer can forward an introduction.")
	case act == IntroAccept && role != IntroAsTarget:
		return "", Errorf(EFORBIDDEN, "Only the member introduced to can accept an introduction.")
	case act == IntroDecline && role == IntroAsRequester:
		return "", Errorf(EFORBIDDEN, "The introducer or the member introduced to declines an introduction.")
	}
	switch {
	case from == IntroRequested && act == IntroForward:
		return IntroForwarded, nil
	case from == IntroRequested && act == IntroDecline && role == IntroAsIntroducer:
		return IntroDeclined, nil
	case from == IntroForwarded && act == IntroAccept:
		return IntroIntroduced, nil
	case from == IntroForwarded && act == IntroDecline && role == IntroAsTarget:
		return IntroDeclined, nil
	}
	return "", Errorf(ECONFLICT, "An introduction that is %s cannot be %sed.", from, strings.TrimSuffix(string(act), "e"))
}

// Validate checks a new introduction's fields and cleans its text.
func (in *Introduction) Validate() error {
	var fields []FieldError
	add := func(loc, msg string) { fields = append(fields, FieldError{Field: loc, Message: msg}) }
	switch {
	case ValidateMemberID(in.IntroducerID) != nil:
		add("introducer_id", "is not a member id")
	case in.IntroducerID == in.RequesterID:
		add("introducer_id", "you cannot ask yourself")
	}
	if strings.TrimSpace(in.Goal) == "" {
		add("goal", "must not be empty")
	} else {
		cleanField(&in.Goal, "goal", MaxGoalLen, true, add)
	}
	cleanField(&in.Field, "field", MaxFieldLen, false, add)
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// IntroducedBy is the met_via of a connection an introduction made.
func IntroducedBy(introducerName string) string {
	r := []rune("introduced by " + introducerName)
	if len(r) > MaxMetViaLen {
		r = r[:MaxMetViaLen]
	}
	return string(r)
}

// IntroductionService manages warm introductions.
type IntroductionService interface {
	// RequestIntroduction asks an accepted connection for an introduction.
	RequestIntroduction(ctx context.Context, callerID string, in *Introduction) (*Introduction, error)
	// StepIntroduction forwards (targetID, note), declines or accepts.
	StepIntroduction(ctx context.Context, callerID, id string, act IntroAction, targetID, note string) (*Introduction, error)
	// FindIntroduction returns an introduction to one of its sides, as that
	// side may see it.
	FindIntroduction(ctx context.Context, callerID, id string) (*Introduction, error)
	// ListIntroductions pages through the caller's introductions on one side.
	ListIntroductions(ctx context.Context, callerID string, role IntroRole, page PageRequest) (*Page[*Introduction], error)
}

// ForRequester is what the requester may see: the target only once they
// accepted (who declined, or whom the introducer chose, stays private).
func (in *Introduction) ForRequester() *Introduction {
	c := *in
	if c.Status != IntroIntroduced {
		c.TargetID, c.TargetName, c.Note = "", "", ""
	}
	if c.DeclinedBy == IntroAsTarget {
		c.DeclinedBy = ""
	}
	return &c
}

// IntroStatusOnLeaving is where an introduction goes when one of its sides
// deletes their account (docs/people.md, "Your data"): an open one
// (requested or forwarded) is declined, by the leaver's side. The
// requester's own is recorded as declined by the requester (there is no
// withdrawn status for introductions: it reads "the requester called it
// off"). ok is false when it is already settled.
func IntroStatusOnLeaving(from IntroStatus, leaver IntroRole) (to IntroStatus, by IntroRole, ok bool) {
	if from != IntroRequested && from != IntroForwarded || leaver == "" {
		return "", "", false
	}
	return IntroDeclined, leaver, true
}

// StepAllowed refuses any step on an introduction one side of which has
// deleted their account (their id is empty; docs/people.md, "Your data"):
// EGONE, for good, so an empty side can never become a connection or earn
// a credit.
func (in *Introduction) StepAllowed() error {
	if in.RequesterID == "" || in.IntroducerID == "" || in.TargetID == "" && in.Status != IntroRequested && in.Status != IntroDeclined {
		return &Error{Code: EGONE, Message: "This introduction can no longer change: a member it names left Warmlead.",
			Fields: []FieldError{{Field: "id", Message: "names an introduction a member of which left Warmlead"}}}
	}
	return nil
}
