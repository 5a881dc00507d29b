package warmlead

import (
	"context"
	"time"
)

// Follow-up notification types: the scheduler delivers them when they fall
// due (docs/followups.md).
const (
	NotifyFollowUp        NotificationType = "follow_up" // delivered by the informational-interview work
	NotifyKeepWarm        NotificationType = "keep_warm"
	NotifyPostingExpiring NotificationType = "lead_expiring"
	NotifyOutcomePrompt   NotificationType = "outcome_prompt"
	NotifyPayItForward    NotificationType = "pay_it_forward"
)

// FollowUpTypes lists the follow-up notification types.
var FollowUpTypes = []NotificationType{NotifyFollowUp, NotifyKeepWarm, NotifyPostingExpiring, NotifyOutcomePrompt, NotifyPayItForward}

func init() {
	for _, t := range FollowUpTypes {
		if !oneOf(t, NotificationTypes) {
			NotificationTypes = append(NotificationTypes, t)
		}
	}
}

// When things fall due (docs/followups.md).
const (
	PostingExpiringNotice = 3 * 24 * time.Hour  // before a posting's valid_through
	OutcomePromptDelay    = 21 * 24 * time.Hour // after an interest
	DefaultKeepWarmDays   = 90
	MaxKeepWarmDays       = 3650
	MaxKeepWarmNamed      = 5 // connections one keep_warm notification names
)

// KeepWarmSweep is when the weekly keep-warm sweep runs: Mondays at 09:00 UTC.
var (
	keepWarmWeekday = time.Monday
	keepWarmHour    = 9
)

// NextKeepWarmSweep is the first weekly sweep at or after t.
func NextKeepWarmSweep(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), keepWarmHour, 0, 0, 0, time.UTC)
	for d.Weekday() != keepWarmWeekday || d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// KeepWarmDue is when a connection touched at touched becomes worth a
// nudge for a member whose keep_warm_days is days: the first weekly sweep
// after it has been untouched for longer than days. ok is false when the
// member turned keep-warm off (days 0).
func KeepWarmDue(touched time.Time, days int) (time.Time, bool) {
	if days <= 0 {
		return time.Time{}, false
	}
	return NextKeepWarmSweep(touched.Add(time.Duration(days)*24*time.Hour + time.Nanosecond)), true
}

// PostingExpiringAt is when a posting's poster is told it expires soon.
func PostingExpiringAt(validThrough time.Time) time.Time {
	return validThrough.Add(-PostingExpiringNotice)
}

// OutcomePromptAt is when a member is asked how an interest went.
func OutcomePromptAt(interestAt time.Time) time.Time { return interestAt.Add(OutcomePromptDelay) }

// Outcome is how an interest turned out.
type Outcome string

// Outcomes.
const (
	OutcomeHired        Outcome = "hired"
	OutcomeInterviewing Outcome = "interviewing"
	OutcomeNoResponse   Outcome = "no_response"
	OutcomeNotAFit      Outcome = "not_a_fit"
)

// Outcomes lists every Outcome.
var Outcomes = []Outcome{OutcomeHired, OutcomeInterviewing, OutcomeNoResponse, OutcomeNotAFit}

// Valid reports whether o is one of Outcomes.
func (o Outcome) Valid() bool { return oneOf(o, Outcomes) }

// ValidateKeepWarmDays checks the keep_warm_days setting.
func ValidateKeepWarmDays(days int) error {
	if days < 0 || days > MaxKeepWarmDays {
		return Invalid(FieldError{Field: "keep_warm_days", Message: "must be 0 (off) to 3650"})
	}
	return nil
}

// DueKind names what a due entry delivers.
type DueKind string

// Due kinds.
const (
	DuePostingExpiring DueKind = "lead_expiring"
	DueOutcomePrompt   DueKind = "outcome_prompt"
	DueKeepWarm        DueKind = "keep_warm"
	DueDigest          DueKind = "digest"
	DueFollowUp        DueKind = "follow_up"
)

// Due is one thing the scheduler will deliver at At, written when the
// thing it is about happens (docs/followups.md). Ref fields depend on Kind.
type Due struct {
	At        time.Time
	Kind      DueKind
	PostingID string    // lead_expiring, outcome_prompt
	MemberID  string    // outcome_prompt (the interested member), keep_warm (the owner), digest
	OtherID   string    // keep_warm: the connection's other member
	Version   time.Time // lead_expiring: the valid_through; keep_warm: the touch
	Frequency Frequency // digest
	Period    string    // digest
	RequestID string    // follow_up: the informational-interview request
}

// StaleConnection is one connection a keep-warm nudge names.
type StaleConnection struct {
	OtherID   string
	TouchedAt time.Time
}

// ConnectionTouch is a touch of an accepted connection, as the stream
// reports it: the owner's side, and the owner's keep_warm_days.
type ConnectionTouch struct {
	OwnerID   string
	OtherID   string
	TouchedAt time.Time
}

// FollowUpStore is what the follow-up scheduler and its stream step need
// from storage.
type FollowUpStore interface {
	// PutDue records due entries, idempotently (the same entry twice is one).
	PutDue(ctx context.Context, ds []*Due) error
	// DueBetween calls fn with pages of the entries due in [from, to), in
	// order of due time; it reads only the hour partitions in range.
	DueBetween(ctx context.Context, from, to time.Time, fn func([]*Due) error) error
	// SweepCursor returns the time up to which every due entry was
	// delivered (zero: never swept); AdvanceSweepCursor moves it forward only.
	SweepCursor(ctx context.Context) (time.Time, error)
	AdvanceSweepCursor(ctx context.Context, to time.Time) error
	// FindPostings reads postings by id (missing ones are left out).
	FindPostings(ctx context.Context, ids []string) (map[string]*Posting, error)
	// FindInterests reads interests (missing ones are left out), keyed by
	// posting id + "/" + member id.
	FindInterests(ctx context.Context, keys [][2]string) (map[string]*InterestOutcome, error)
	// KeepWarmState reads, for each (owner, other) pair, the owner's edge's
	// last touch (absent: no longer connected) and each owner's
	// keep_warm_days.
	KeepWarmState(ctx context.Context, pairs [][2]string) (touched map[[2]string]time.Time, days map[string]int, err error)
	// KeepWarmDays reads members' keep_warm_days (the default when unset).
	KeepWarmDays(ctx context.Context, ids []string) (map[string]int, error)
	// TouchIfConnected records a touch of the connection between a and b
	// at t if they are accepted connections (a referral credit).
	TouchIfConnected(ctx context.Context, a, b string, t time.Time) error
	// OrgAdminIDs returns an organisation's admins.
	OrgAdminIDs(ctx context.Context, orgID string) ([]string, error)
	// PutNotifications writes notifications idempotently.
	PutNotifications(ctx context.Context, ns []*Notification) error
	// FindAdviceRequests reads informational-interview requests by id
	// (missing ones are left out).
	FindAdviceRequests(ctx context.Context, ids []string) (map[string]*AdviceRequest, error)
}

// FollowUpAfter is how long after a conversation is marked held the
// requester is reminded to thank the advisor, if they have not
// (docs/followups.md): "within 24 hours you should send a thank-you".
const FollowUpAfter = 24 * time.Hour

// FollowUpDue reports whether a held conversation still owes a thank-you.
func FollowUpDue(r *AdviceRequest) bool { return r != nil && r.Status == AdviceHeld }

// InterestOutcome is an interest with what became of it.
type InterestOutcome struct {
	Interest
	Outcome   Outcome
	OutcomeAt time.Time
	HiredAt   time.Time // the first time the outcome was hired: pay_it_forward is sent once
}

// FollowUpService is the API side of follow-ups.
type FollowUpService interface {
	// TouchConnection records that the caller paid attention to a
	// connection. Returns ENOTFOUND (not an accepted connection of theirs),
	// EINVALID (note).
	TouchConnection(ctx context.Context, callerID, connectionID, note string) (time.Time, error)
	// RecordOutcome records how the caller's interest in a posting turned out.
	// Returns ENOTFOUND (no interest of theirs), EINVALID.
	RecordOutcome(ctx context.Context, callerID, postingID string, outcome Outcome) (*InterestOutcome, error)
}

// MaxTouchNoteLen bounds the note kept with a touch.
const MaxTouchNoteLen = 500

// HeldConversations is the extension point for the informational-interview
// work: the advisors a member held conversations with, thanked with
// pay_it_forward when the member is hired. Nil means none are known yet.
type HeldConversations interface {
	AdvisorsHeldWith(ctx context.Context, memberID string) ([]string, error)
}

// FollowUpFact is what the follow-up stream step reads from one stream
// record (docs/followups.md): an open posting written or edited (its expiry
// notice is scheduled), an interest written or given an outcome, a touch of
// one side of an accepted connection, or a notification to email.
type FollowUpFact struct {
	// Held is an informational interview just marked held: a follow_up
	// reminder to thank the advisor falls due FollowUpAfter later.
	Held         *AdviceRequest
	Posting      *Posting
	Interest     *InterestOutcome
	NewInterest  bool // Interest was just expressed (not an outcome update)
	Touch        *ConnectionTouch
	Notification *Notification
}
