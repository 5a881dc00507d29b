package warmlead

import (
	"context"
	"time"
)

// NotificationType says what a notification is about.
type NotificationType string

// Notification types.
const (
	NotifyNewPosting         NotificationType = "new_lead"
	NotifyInterest           NotificationType = "interest"
	NotifyReferralCredit     NotificationType = "referral_credit"
	NotifyConnectionRequest  NotificationType = "connection_request"
	NotifyConnectionAccepted NotificationType = "connection_accepted"
	// Organisations and consent (org_consent.go).
	NotifyOrgInvitation NotificationType = "org_invitation"
)

// People notification types (docs/people.md).
const (
	NotifyAdviceRequest       NotificationType = "advice_request"
	NotifyAdviceAccepted      NotificationType = "advice_accepted"
	NotifyAdviceDeclined      NotificationType = "advice_declined"
	NotifyAdviceThanks        NotificationType = "advice_thanks"
	NotifyIntroductionRequest NotificationType = "introduction_request"
	NotifyIntroduction        NotificationType = "introduction"
)

// NotificationTypes lists every NotificationType.
var NotificationTypes = []NotificationType{NotifyNewPosting, NotifyInterest, NotifyReferralCredit, NotifyConnectionRequest, NotifyConnectionAccepted,
	NotifyAdviceRequest, NotifyAdviceAccepted, NotifyAdviceDeclined, NotifyAdviceThanks, NotifyIntroductionRequest, NotifyIntroduction,
	NotifyOrgInvitation}

// Notification tells a member that something happened in their network.
// Its ID derives from the fact and the recipient, so delivering the same
// fact twice writes the same notification twice: at-least-once delivery
// never shows anything twice. IDs sort by CreatedAt.
type Notification struct {
	ID          string
	RecipientID string
	Type        NotificationType
	PostingID   string
	ActorID     string
	CreatedAt   time.Time
	Read        bool // CreatedAt/ID at or before the member's read watermark
	// OrgID: the organisation it concerns, if any.
	OrgID string
	// Summary is what happened, in words a person reads ("Dana Reyes
	// invited you to join Lyon Alumni as admin"): written by the notifier
	// where it knows the names, otherwise filled when read (Summarize).
	Summary string
	// Follow-ups and email (docs/followups.md).
	Others []string // keep_warm: the connections it names
	// Frequency, when set, is how soon this notification is emailed,
	// instead of the member's setting for its type (unless that is off):
	// a search_match carries its saved search's alert cadence.
	Frequency Frequency
	// People notifications (docs/people.md) name people by id and are
	// worded when read (Summarize), like every other type, so a member
	// who has since deleted their account reads as FormerMemberName.
	// Those delivered before carry their words in Summary instead.
	OtherID string // the second person named: an introduction's requester or introducer
	Step    string // which sentence: an introduction's IntroStep, an advice request's format
	Note    string // what a person wrote, clipped: a pitch, a goal, a thank-you
}

// IntroStep says which step of an introduction a notification tells, and
// so which sentence its summary is (Summarize).
type IntroStep string

// Introduction steps: to whom, and who ActorID and OtherID are.
const (
	IntroStepForwarded      IntroStep = "forwarded"       // to the target; actor introducer, other requester
	IntroStepIntroduced     IntroStep = "introduced"      // to the requester; actor target, other introducer
	IntroStepAccepted       IntroStep = "accepted"        // to the introducer; actor target, other requester
	IntroStepTargetDeclined IntroStep = "target_declined" // to the introducer; actor target, other requester
	IntroStepDeclined       IntroStep = "declined"        // to the requester; actor introducer
)

// Inbox is one page of a member's notifications and how many are unread.
type Inbox struct {
	Page[*Notification]
	Unread int
}

// NotificationService is a member's inbox.
type NotificationService interface {
	// ListNotifications pages through the caller's notifications, newest
	// first, with the unread count. Returns EBADREQUEST (cursor).
	ListNotifications(ctx context.Context, callerID string, page PageRequest) (*Inbox, error)

	// MarkNotificationsRead marks everything up to and including upTo (one
	// of the caller's notification ids; "" = up to their newest) as read.
	// Read state is a watermark that only moves forward, so a replayed
	// notification never turns unread. Returns EINVALID (upTo is not one of
	// the caller's notifications).
	MarkNotificationsRead(ctx context.Context, callerID, upTo string) error
}

// FactKind names the facts the notifier turns into notifications.
type FactKind string

// Facts.
const (
	FactNewPosting         FactKind = "new_posting"
	FactInterest           FactKind = "interest"
	FactConnectionRequest  FactKind = "connection_request"
	FactConnectionAccepted FactKind = "connection_accepted"
	// Organisations and consent (org_consent.go).
	FactOrgInvitation FactKind = "org_invitation"
)

// Facts only org insights count (insights.go).
const (
	FactPostingClosed FactKind = "posting_closed" // Posting
	FactReferral      FactKind = "referral"       // a link, on creation and as its clicks change
	FactMemberJoined  FactKind = "member_joined"  // Membership
)

// People facts (docs/people.md).
const (
	FactAdvice       FactKind = "advice"       // a request in its current status
	FactIntroduction FactKind = "introduction" // an introduction in its current status
)

// Fact is one thing the API wrote that someone should hear about, as read
// back from the table's stream.
type Fact struct {
	Kind         FactKind
	Posting      *Posting       // FactNewPosting
	Interest     *Interest      // FactInterest
	Connection   *Connection    // FactConnectionRequest, FactConnectionAccepted
	Advice       *AdviceRequest // FactAdvice
	Introduction *Introduction  // FactIntroduction
	Invitation   *OrgInvitation // FactOrgInvitation
	// Org insights (insights.go).
	Referral   *Referral  // FactReferral
	Membership *OrgMember // FactMemberJoined
}

// NotificationBatch is how many notifications FanoutStore.PutNotifications
// writes in one round trip (one BatchWriteItem): the notifier fills its
// batches to it, so every write but the last is full.
const NotificationBatch = 25

// FanoutStore is what the notifier needs from storage: who is in a
// network, what they care about, and a way to write many notifications.
type FanoutStore interface {
	// NetworkAt calls fn with pages of the ids of memberID's connections
	// accepted at or before at (a posting's network is the poster's as it
	// was when they posted it).
	NetworkAt(ctx context.Context, memberID string, at time.Time, pageSize int, fn func(ids []string) error) error
	// OrgMemberIDs calls fn with pages of an organisation's members' ids.
	OrgMemberIDs(ctx context.Context, orgID string, pageSize int, fn func(ids []string) error) error
	// OrgAdminIDs returns an organisation's admins.
	OrgAdminIDs(ctx context.Context, orgID string) ([]string, error)
	// MemberInterests returns the interests of those of ids who set any.
	MemberInterests(ctx context.Context, ids []string) (map[string][]string, error)
	// PutNotifications writes notifications, idempotently: writing one
	// again changes nothing a member sees.
	PutNotifications(ctx context.Context, ns []*Notification) error
	// CurrentPosting reads a posting as it is now (nil: gone), so a posting
	// closed or expired before the notifier reaches it is not announced.
	CurrentPosting(ctx context.Context, id string) (*Posting, error)
	// CurrentPostings reads postings as they are now in one call per 100
	// (those gone are absent), for a stream batch's postings at once.
	CurrentPostings(ctx context.Context, ids []string) (map[string]*Posting, error)
	// CurrentConnection reads the connection of ownerID with otherID as it
	// is now (nil: gone), so a request withdrawn or declined before the
	// notifier reaches it is not announced.
	CurrentConnection(ctx context.Context, ownerID, otherID string) (*Connection, error)
	// Saved-search alerts (saved_search.go).
	SearchAlertStore
	// Org insights' counters (insights.go).
	InsightCounter
}
