package warmlead

import (
	"context"
	"time"
)

// PostingKind is what sort of opportunity a posting is.
type PostingKind string

// Posting kinds. Informal internships are arranged person to person;
// self-created internships are proposed by the person who wants to learn
// ("I will volunteer 10 h a week to learn X").
const (
	KindJob                   PostingKind = "job"
	KindInternship            PostingKind = "internship"
	KindInformalInternship    PostingKind = "informal_internship"
	KindSelfCreatedInternship PostingKind = "self_created_internship"
)

// PostingKinds lists every valid PostingKind.
var PostingKinds = []PostingKind{KindJob, KindInternship, KindInformalInternship, KindSelfCreatedInternship}

// Compensation says whether and how a posting pays.
type Compensation string

// Compensation kinds.
const (
	CompPaid      Compensation = "paid"
	CompStipend   Compensation = "stipend"
	CompUnpaid    Compensation = "unpaid"
	CompVolunteer Compensation = "volunteer"
)

// Compensations lists every valid Compensation.
var Compensations = []Compensation{CompPaid, CompStipend, CompUnpaid, CompVolunteer}

// Audience is who a posting is meant for.
type Audience string

// Audiences.
const (
	AudienceStudents       Audience = "students"
	AudienceRecentGrads    Audience = "recent_grads"
	AudienceCareerChangers Audience = "career_changers"
	AudienceReturners      Audience = "returners"
	AudienceAnyone         Audience = "anyone"
)

// Audiences lists every valid Audience.
var Audiences = []Audience{AudienceStudents, AudienceRecentGrads, AudienceCareerChangers, AudienceReturners, AudienceAnyone}

// Workplace is where the work happens.
type Workplace string

// Workplaces.
const (
	WorkplaceOnsite Workplace = "onsite"
	WorkplaceHybrid Workplace = "hybrid"
	WorkplaceRemote Workplace = "remote"
)

// Workplaces lists every valid Workplace.
var Workplaces = []Workplace{WorkplaceOnsite, WorkplaceHybrid, WorkplaceRemote}

// Visibility is who may see a posting.
type Visibility string

// Visibilities: public to anyone; network to the poster's accepted
// connections; org to the organisation's members.
const (
	VisibilityPublic  Visibility = "public"
	VisibilityNetwork Visibility = "network"
	VisibilityOrg     Visibility = "org"
)

// Visibilities lists every valid Visibility.
var Visibilities = []Visibility{VisibilityPublic, VisibilityNetwork, VisibilityOrg}

// PostingStatus is a posting's life cycle.
type PostingStatus string

// Posting statuses.
const (
	StatusOpen   PostingStatus = "open"
	StatusFilled PostingStatus = "filled"
	StatusClosed PostingStatus = "closed"
	// StatusExpired is never stored: an open posting reads expired once its
	// valid_through has passed (EffectiveStatus).
	StatusExpired PostingStatus = "expired"
)

// PostingStatuses lists every valid PostingStatus.
var PostingStatuses = []PostingStatus{StatusOpen, StatusFilled, StatusClosed, StatusExpired}

// CloseReason is why a poster closes a posting.
type CloseReason string

// Close reasons: filled postings become "filled", withdrawn ones "closed".
const (
	CloseFilled    CloseReason = "filled"
	CloseWithdrawn CloseReason = "withdrawn"
)

// CloseReasons lists every valid CloseReason.
var CloseReasons = []CloseReason{CloseFilled, CloseWithdrawn}

// PayUnit is the period a pay range is for.
type PayUnit string

// Pay units (schema.org QuantitativeValue unitText).
const (
	PayHour  PayUnit = "hour"
	PayDay   PayUnit = "day"
	PayWeek  PayUnit = "week"
	PayMonth PayUnit = "month"
	PayYear  PayUnit = "year"
	PayTotal PayUnit = "total"
)

// PayUnits lists every valid PayUnit.
var PayUnits = []PayUnit{PayHour, PayDay, PayWeek, PayMonth, PayYear, PayTotal}

// Pay is a pay range (schema.org baseSalary).
type Pay struct {
	Min      float64
	Max      float64
	Currency string // ISO 4217, e.g. EUR
	Unit     PayUnit
}

// Location is where an onsite or hybrid posting is.
type Location struct {
	City    string
	Region  string
	Country string // ISO 3166-1 alpha-2, e.g. FR
}

// MaxValidity is how far ahead a posting may expire.
const MaxValidity = 365 * 24 * time.Hour

// Posting is a posting: a job or an internship, formal or not, that travels
// through people. Fields follow schema.org/JobPosting where one exists.
type Posting struct {
	ID            string
	Title         string
	Description   string
	Organization  string // the name shown
	OrgID         string // set when posted on behalf of an organisation
	Kind          PostingKind
	Compensation  Compensation
	Pay           *Pay
	Audience      []Audience
	Field         string // industry or occupational area
	Skills        []string
	HoursPerWeek  *int
	DurationWeeks *int
	StartDate     string // YYYY-MM-DD
	Workplace     Workplace
	Location      *Location
	ValidThrough  time.Time
	HowToApply    string
	Visibility    Visibility

	PosterID    string
	Status      PostingStatus
	CloseReason CloseReason
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// Open reports whether the posting is open and unexpired at now.
func (p *Posting) Open(now time.Time) bool {
	return p.Status == StatusOpen && now.Before(p.ValidThrough)
}

// EffectiveStatus is the status a posting reads as at now: an open posting whose
// valid_through has passed is expired (docs/rules.md, "Postings").
func (p *Posting) EffectiveStatus(now time.Time) PostingStatus {
	if p.Status == StatusOpen && !now.Before(p.ValidThrough) {
		return StatusExpired
	}
	return p.Status
}

// PostingFilter narrows a browse. Empty fields do not filter.
type PostingFilter struct {
	Kind         PostingKind
	Field        string
	Audience     Audience
	Workplace    Workplace
	Compensation Compensation
	OrgID        string
	PosterID     string

	// Discovery (docs/rules.md, "Search"): a keyword query, and place.
	Q       string
	Country string // ISO 3166-1 alpha-2
	Region  string
	City    string
}

// Idempotency identifies a retried create: the same Key with the same
// BodyHash within IdempotencyWindow returns the first result.
type Idempotency struct {
	Key      string
	BodyHash string
}

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// PostingService stores and finds postings. callerID is "" for anonymous
// readers, who see public postings only.
type PostingService interface {
	// CreatePosting stores a new open posting by callerID. With idem set, a
	// repeat of the same key and body returns the first posting with
	// replayed=true and creates nothing. Returns EINVALID (fields, or the
	// same key with another body), EFORBIDDEN (org_id of an org the caller
	// does not administer), ENOTFOUND (no such org).
	CreatePosting(ctx context.Context, callerID string, p *Posting, idem *Idempotency) (created *Posting, replayed bool, err error)

	// FindPostingByID returns a posting the caller may see. Returns ENOTFOUND
	// (absent or not visible to the caller).
	FindPostingByID(ctx context.Context, callerID, id string) (*Posting, error)

	// UpdatePosting edits a posting if its version is still version (0: any
	// version, as If-Match: *): edit gets
	// the current posting and changes its editable fields; the result is
	// validated and stored as the next version. Only the poster or an admin
	// of its organisation may. Returns ENOTFOUND, EFORBIDDEN, EPRECONDITION
	// (stale version), ECONFLICT (closed), EINVALID (from edit or the
	// result).
	UpdatePosting(ctx context.Context, callerID, id string, version int, edit func(*Posting) error) (*Posting, error)

	// ClosePosting closes an open posting as filled or withdrawn. Returns
	// ENOTFOUND, EFORBIDDEN, ECONFLICT (already closed), EINVALID.
	ClosePosting(ctx context.Context, callerID, id string, reason CloseReason) (*Posting, error)

	// ListPostingsByPoster pages through the caller's own postings, newest
	// first, whatever their status. Returns EBADREQUEST (cursor).
	ListPostingsByPoster(ctx context.Context, callerID string, page PageRequest) (*Page[*Posting], error)

	// BrowsePostings pages through open, unexpired postings the caller may see
	// that match f, newest first. Returns EBADREQUEST (cursor, or one not
	// made for this query).
	BrowsePostings(ctx context.Context, callerID string, f PostingFilter, page PageRequest) (*Page[*Posting], error)
}
