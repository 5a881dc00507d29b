package warmlead

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// People: advice offers and informational-interview requests
// (docs/people.md).

// AdviceFormat is how an advisor is willing to meet.
type AdviceFormat string

// Advice formats.
const (
	FormatVideo    AdviceFormat = "video"
	FormatPhone    AdviceFormat = "phone"
	FormatInPerson AdviceFormat = "in_person"
	FormatCoffee   AdviceFormat = "coffee"
)

// AdviceFormats lists every valid AdviceFormat.
var AdviceFormats = []AdviceFormat{FormatVideo, FormatPhone, FormatInPerson, FormatCoffee}

// OfferStatus says whether an offer takes new requests.
type OfferStatus string

// Offer statuses.
const (
	OfferOpen   OfferStatus = "open"
	OfferPaused OfferStatus = "paused"
)

// OfferStatuses lists every valid OfferStatus.
var OfferStatuses = []OfferStatus{OfferOpen, OfferPaused}

// Limits on offers and requests, shared by validation and the API docs.
const (
	MinOfferTopics     = 1
	MaxOfferTopics     = 10
	MaxTopicLen        = 50
	MinMonthlyCapacity = 1
	MaxMonthlyCapacity = 20
	MaxOfferNoteLen    = 1000
	MaxPitchLen        = 2000
	MaxQuestions       = 12
	MaxQuestionLen     = 300
	MaxAdviceMsgLen    = 2000
	MaxProposedTimes   = 5
)

// Offer is a member's standing offer of informational interviews.
type Offer struct {
	MemberID        string
	Name            string // the offerer's name, for lists
	Headline        string
	Topics          []string
	Formats         []AdviceFormat
	MonthlyCapacity int
	Status          OfferStatus
	Note            string
	UpdatedAt       time.Time
	// RemainingThisMonth is MonthlyCapacity minus the requests the advisor
	// accepted this calendar month (UTC), never below 0. Set on reads.
	RemainingThisMonth int
}

// OfferFilter narrows GET /offers.
type OfferFilter struct {
	Q      string // every word must match a word of a topic, the name or the headline
	Topic  string // one of the topics, folded
	OrgID  string // offerers in this organisation (the caller must belong)
	Format AdviceFormat
}

// Validate checks an offer's fields and cleans its text in place.
func (o *Offer) Validate() error {
	var fields []FieldError
	add := func(loc, msg string) { fields = append(fields, FieldError{Field: loc, Message: msg}) }
	switch n := len(o.Topics); {
	case n < MinOfferTopics:
		add("topics", "must have at least 1 item")
	case n > MaxOfferTopics:
		add("topics", "must have at most "+strconv.Itoa(MaxOfferTopics)+" items")
	}
	seen := map[string]bool{}
	for i, t := range o.Topics {
		loc := "topics[" + strconv.Itoa(i) + "]"
		clean, p := CleanText(strings.TrimSpace(t), false)
		switch {
		case p != TextOK:
			add(loc, string(p))
		case clean == "":
			add(loc, "must not be empty")
		case utf8.RuneCountInString(clean) > MaxTopicLen:
			add(loc, "must be at most "+strconv.Itoa(MaxTopicLen)+" characters")
		case seen[Fold(clean)]:
			add(loc, "is a duplicate")
		}
		seen[Fold(clean)] = true
		o.Topics[i] = clean
	}
	fseen := map[AdviceFormat]bool{}
	for i, f := range o.Formats {
		loc := "formats[" + strconv.Itoa(i) + "]"
		switch {
		case !oneOf(f, AdviceFormats):
			add(loc, "must be one of "+joinEnum(AdviceFormats))
		case fseen[f]:
			add(loc, "is a duplicate")
		}
		fseen[f] = true
	}
	if o.MonthlyCapacity < MinMonthlyCapacity || o.MonthlyCapacity > MaxMonthlyCapacity {
		add("monthly_capacity", "must be between 1 and "+strconv.Itoa(MaxMonthlyCapacity))
	}
	if !oneOf(o.Status, OfferStatuses) {
		add("status", "must be one of open, paused")
	}
	cleanField(&o.Note, "note", MaxOfferNoteLen, true, add)
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// cleanField applies the text rules to *s and a length limit, reporting to add.
func cleanField(s *string, loc string, max int, multiline bool, add func(loc, msg string)) {
	clean, p := CleanText(*s, multiline)
	if p != TextOK {
		add(loc, string(p))
		return
	}
	if utf8.RuneCountInString(clean) > max {
		add(loc, "must be at most "+strconv.Itoa(max)+" characters")
		return
	}
	*s = clean
}

// Remaining is what is left of capacity after accepted requests this month.
func Remaining(capacity, accepted int) int { return max(0, capacity-accepted) }

// AdviceMonth is the calendar month (UTC) capacity is counted in: "2026-11".
func AdviceMonth(t time.Time) string { return t.UTC().Format("2006-01") }

// MatchesOffer reports whether an offer passes a filter's text and format
// parts (visibility and org membership are the store's).
func (f OfferFilter) MatchesOffer(o *Offer) bool {
	if f.Format != "" && !oneOf(f.Format, o.Formats) {
		return false
	}
	if f.Topic != "" {
		want, ok := Fold(f.Topic), false
		for _, t := range o.Topics {
			ok = ok || Fold(t) == want
		}
		if !ok {
			return false
		}
	}
	if f.Q != "" {
		return MatchWords(f.Q, append(append([]string{o.Name, o.Headline}, o.Topics...), o.Note))
	}
	return true
}

// MatchWords reports whether every word of q matches a word of one of texts,
// compared folded; the last word of q also matches as a prefix. It is the
// people side's own small matcher (directory, offers); it can be swapped for
// the postings' keyword search when that lands.
func MatchWords(q string, texts []string) bool {
	words := strings.Fields(Fold(q))
	if len(words) == 0 {
		return true
	}
	var have []string
	for _, t := range texts {
		have = append(have, strings.FieldsFunc(Fold(t), func(r rune) bool {
			return !(r == '_' || r == '+' || r == '#' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127)
		})...)
	}
	for i, w := range words {
		last, found := i == len(words)-1, false
		for _, h := range have {
			if h == w || last && strings.HasPrefix(h, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// AdviceStatus is where an informational-interview request stands.
type AdviceStatus string

// Advice request statuses: requested -> accepted | declined | withdrawn;
// accepted -> held -> thanked.
const (
	AdviceRequested AdviceStatus = "requested"
	AdviceAccepted  AdviceStatus = "accepted"
	AdviceDeclined  AdviceStatus = "declined"
	AdviceWithdrawn AdviceStatus = "withdrawn"
	AdviceHeld      AdviceStatus = "held"
	AdviceThanked   AdviceStatus = "thanked"
)

// AdviceStatuses lists every valid AdviceStatus.
var AdviceStatuses = []AdviceStatus{AdviceRequested, AdviceAccepted, AdviceDeclined, AdviceWithdrawn, AdviceHeld, AdviceThanked}

// Valid reports whether s is one of AdviceStatuses.
func (s AdviceStatus) Valid() bool { return oneOf(s, AdviceStatuses) }

// Open reports whether a request still blocks a new one between the same
// two people (one open request per pair): requested or accepted.
func (s AdviceStatus) Open() bool { return s == AdviceRequested || s == AdviceAccepted }

// AdviceAction is a step of the request's state machine.
type AdviceAction string

// Advice actions.
const (
	ActAccept   AdviceAction = "accept"
	ActDecline  AdviceAction = "decline"
	ActWithdraw AdviceAction = "withdraw"
	ActHeld     AdviceAction = "held"
	ActThank    AdviceAction = "thank"
)

// AdviceRole is which side of a request a member is on.
type AdviceRole string

// Roles.
const (
	RoleAdvisor   AdviceRole = "advisor"
	RoleRequester AdviceRole = "requester"
)

// AdviceRoles lists every valid AdviceRole.
var AdviceRoles = []AdviceRole{RoleAdvisor, RoleRequester}

// adviceSteps is the state machine: from a status, who may take which
// action, and where it leads.
var adviceSteps = map[AdviceStatus]map[AdviceAction]struct {
	who []AdviceRole
	to  AdviceStatus
}{
	AdviceRequested: {
		ActAccept:   {[]AdviceRole{RoleAdvisor}, AdviceAccepted},
		ActDecline:  {[]AdviceRole{RoleAdvisor}, AdviceDeclined},
		ActWithdraw: {[]AdviceRole{RoleRequester}, AdviceWithdrawn},
	},
	AdviceAccepted: {
		ActHeld:     {[]AdviceRole{RoleAdvisor, RoleRequester}, AdviceHeld},
		ActWithdraw: {[]AdviceRole{RoleRequester}, AdviceWithdrawn},
	},
	AdviceHeld: {
		ActThank: {[]AdviceRole{RoleRequester}, AdviceThanked},
	},
}

// NextAdviceStatus is the pure rule of the state machine: the status an
// action by role leads to from status, or EFORBIDDEN (not this side's step)
// or ECONFLICT (not from this status).
func NextAdviceStatus(from AdviceStatus, act AdviceAction, role AdviceRole) (AdviceStatus, error) {
	if !anyStepAllows(act, role) {
		return "", Errorf(EFORBIDDEN, "Only the %s can %s this request.", otherRole(role), act)
	}
	step, ok := adviceSteps[from][act]
	if !ok || !oneOf(role, step.who) {
		return "", Errorf(ECONFLICT, "A request that is %s cannot be %s.", from, pastTense(act))
	}
	return step.to, nil
}

func anyStepAllows(act AdviceAction, role AdviceRole) bool {
	for _, steps := range adviceSteps {
		if s, ok := steps[act]; ok && oneOf(role, s.who) {
			return true
		}
	}
	return false
}

func otherRole(r AdviceRole) AdviceRole {
	if r == RoleAdvisor {
		return RoleRequester
	}
	return RoleAdvisor
}

func pastTense(a AdviceAction) string {
	switch a {
	case ActAccept:
		return "accepted"
	case ActDecline:
		return "declined"
	case ActWithdraw:
		return "withdrawn"
	case ActHeld:
		return "marked held"
	}
	return "thanked"
}

// AdviceRequest is an informational-interview request.
type AdviceRequest struct {
	ID            string
	RequesterID   string
	RequesterName string
	AdvisorID     string
	AdvisorName   string
	Pitch         string
	Questions     []string
	Format        AdviceFormat
	Status        AdviceStatus
	Message       string   // the advisor's answer (accept, decline)
	ProposedTimes []string // RFC 3339 times the advisor proposes
	ThankMessage  string
	HeldOn        string // YYYY-MM-DD, as either side reported it
	CreatedAt     time.Time
	UpdatedAt     time.Time
	AcceptedAt    time.Time
	HeldAt        time.Time // when it was marked held (the follow-up scheduler keys on it)
	ThankedAt     time.Time
}

// Role returns memberID's side of the request, or "" for a stranger.
func (r *AdviceRequest) Role(memberID string) AdviceRole {
	switch memberID {
	case r.AdvisorID:
		return RoleAdvisor
	case r.RequesterID:
		return RoleRequester
	}
	return ""
}

// Validate checks a new request's fields and cleans its text in place.
func (r *AdviceRequest) Validate() error {
	var fields []FieldError
	add := func(loc, msg string) { fields = append(fields, FieldError{Field: loc, Message: msg}) }
	switch {
	case ValidateMemberID(r.AdvisorID) != nil:
		add("advisor_id", "is not a member id")
	case r.AdvisorID == r.RequesterID:
		add("advisor_id", "you cannot ask yourself")
	}
	if strings.TrimSpace(r.Pitch) == "" {
		add("pitch", "must not be empty")
	} else {
		cleanField(&r.Pitch, "pitch", MaxPitchLen, true, add)
	}
	if len(r.Questions) > MaxQuestions {
		add("questions", "must have at most "+strconv.Itoa(MaxQuestions)+" items")
	}
	for i := range r.Questions {
		loc := "questions[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(r.Questions[i]) == "" {
			add(loc, "must not be empty")
			continue
		}
		cleanField(&r.Questions[i], loc, MaxQuestionLen, true, add)
	}
	if !oneOf(r.Format, AdviceFormats) {
		add("format", "must be one of "+joinEnum(AdviceFormats))
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// AdviceStep is the input of one step: the action and its fields.
type AdviceStep struct {
	Action        AdviceAction
	Message       string
	ProposedTimes []time.Time
	HeldOn        string // YYYY-MM-DD
}

// Validate checks a step's fields and cleans its text in place; now bounds
// held_on (not in the future).
func (st *AdviceStep) Validate(now time.Time) error {
	var fields []FieldError
	add := func(loc, msg string) { fields = append(fields, FieldError{Field: loc, Message: msg}) }
	cleanField(&st.Message, "message", MaxAdviceMsgLen, true, add)
	if st.Action == ActThank && strings.TrimSpace(st.Message) == "" {
		add("message", "must not be empty")
	}
	if len(st.ProposedTimes) > MaxProposedTimes {
		add("proposed_times", "must have at most "+strconv.Itoa(MaxProposedTimes)+" items")
	}
	if st.Action == ActHeld {
		d, err := time.Parse(time.DateOnly, st.HeldOn)
		switch {
		case err != nil:
			add("held_on", "must be a date, YYYY-MM-DD")
		case d.After(now.UTC()):
			add("held_on", "must not be in the future")
		}
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// AdviceService manages offers and informational-interview requests.
type AdviceService interface {
	// PutOffer creates or replaces the caller's offer. Returns EINVALID,
	// ENOTFOUND (no profile).
	PutOffer(ctx context.Context, callerID string, o *Offer) (*Offer, bool, error)
	// DeleteOffer removes the caller's offer. Returns ENOTFOUND.
	DeleteOffer(ctx context.Context, callerID string) error
	// FindOffer returns a member's offer if the caller may see it (the
	// offerer themself, their accepted connections, fellow members of their
	// organisations). Returns ENOTFOUND otherwise.
	FindOffer(ctx context.Context, callerID, memberID string) (*Offer, error)
	// ListOffers pages through the offers the caller may see, in order of
	// offerer id. Returns EBADREQUEST (cursor), EFORBIDDEN (org_id of an
	// organisation the caller is not in).
	ListOffers(ctx context.Context, callerID string, f OfferFilter, page PageRequest) (*Page[*Offer], error)

	// RequestAdvice sends a request to an open offer the caller may see;
	// one open request per pair. Returns EINVALID, ENOTFOUND (no offer the
	// caller may see), ECONFLICT (paused, or an open request exists).
	RequestAdvice(ctx context.Context, callerID string, r *AdviceRequest) (*AdviceRequest, error)
	// StepAdvice takes one step of the state machine. Returns ENOTFOUND
	// (not a party), EFORBIDDEN (the other side's step), ECONFLICT (wrong
	// status, or capacity reached this month).
	StepAdvice(ctx context.Context, callerID, id string, st *AdviceStep) (*AdviceRequest, error)
	// FindAdviceRequest returns a request to either of its two sides.
	FindAdviceRequest(ctx context.Context, callerID, id string) (*AdviceRequest, error)
	// ListAdviceRequests pages through the caller's requests on one side,
	// newest first, optionally with one status.
	ListAdviceRequests(ctx context.Context, callerID string, role AdviceRole, status AdviceStatus, page PageRequest) (*Page[*AdviceRequest], error)
}

// AdviceStatusOnLeaving is where a request goes when one of its sides
// deletes their account (docs/people.md, "Your data"): an open request
// (requested, or accepted and not yet held) is closed, as the leaver's own
// withdrawal when they asked, as a decline when they were asked (an
// accepted request is then declined too: the interview will not happen).
// ok is false when the request is already settled.
func AdviceStatusOnLeaving(from AdviceStatus, leaver AdviceRole) (to AdviceStatus, ok bool) {
	if !from.Open() {
		return "", false
	}
	if leaver == RoleRequester {
		return AdviceWithdrawn, true
	}
	return AdviceDeclined, true
}

// StepAllowed refuses any step on a request one side of which has deleted
// their account (their id is empty; docs/people.md, "Your data"): EGONE,
// for good, since no one can answer for that side again, and so an empty
// side can never become a connection.
func (r *AdviceRequest) StepAllowed() error {
	if r.RequesterID == "" || r.AdvisorID == "" {
		return &Error{Code: EGONE, Message: "This advice request can no longer change: the other member left Warmlead.",
			Fields: []FieldError{{Field: "id", Message: "names an advice request whose other member left Warmlead"}}}
	}
	return nil
}
