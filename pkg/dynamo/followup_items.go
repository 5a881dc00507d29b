package dynamo

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// dueTTL keeps a delivered due entry a while (a late or overlapping run
// still finds it), then TTL deletes it.
const dueTTL = 30 * 24 * time.Hour

// dueItem is one thing the scheduler delivers when it falls due, in the
// partition of its due hour (keys.go). Its key derives from what it is
// about, so writing it twice is writing it once.
type dueItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"Type"`
	Kind      string `dynamodbav:"Kind"`
	DueAt     string `dynamodbav:"DueAt"`
	PostingID string `dynamodbav:"PostingID,omitempty"`
	MemberID  string `dynamodbav:"MemberID,omitempty"`
	OtherID   string `dynamodbav:"OtherID,omitempty"`
	Version   string `dynamodbav:"Version,omitempty"`
	Frequency string `dynamodbav:"Frequency,omitempty"`
	Period    string `dynamodbav:"Period,omitempty"`
	RequestID string `dynamodbav:"RequestID,omitempty"`
	ExpiresAt int64  `dynamodbav:"ExpiresAt"` // TTL
}

func newDueItem(d *warmlead.Due) *dueItem {
	it := &dueItem{Type: typeDue, Kind: string(d.Kind), DueAt: formatTime(d.At), PostingID: d.PostingID,
		MemberID: d.MemberID, OtherID: d.OtherID, Frequency: string(d.Frequency), Period: d.Period, RequestID: d.RequestID,
		ExpiresAt: d.At.Add(dueTTL).Unix()}
	if !d.Version.IsZero() {
		it.Version = formatTime(d.Version)
	}
	var ref string
	switch d.Kind {
	case warmlead.DuePostingExpiring:
		ref = d.PostingID + "#" + it.Version
	case warmlead.DueOutcomePrompt:
		ref = d.PostingID + "#" + d.MemberID
	case warmlead.DueKeepWarm:
		ref = d.MemberID + "#" + d.OtherID + "#" + it.Version
	case warmlead.DueDigest:
		ref = d.MemberID + "#" + string(d.Frequency) + "#" + d.Period
	case warmlead.DueFollowUp:
		ref = d.RequestID
	}
	it.PK, it.SK = dueKey(d.At, string(d.Kind), ref)
	return it
}

func (it *dueItem) due() *warmlead.Due {
	d := &warmlead.Due{At: parseTime(it.DueAt), Kind: warmlead.DueKind(it.Kind), PostingID: it.PostingID,
		MemberID: it.MemberID, OtherID: it.OtherID, Frequency: warmlead.Frequency(it.Frequency), Period: it.Period,
		RequestID: it.RequestID}
	if it.Version != "" {
		d.Version = parseTime(it.Version)
	}
	return d
}

// sweepCursorItem records up to when every due entry was delivered.
type sweepCursorItem struct {
	PK    string `dynamodbav:"PK"`
	SK    string `dynamodbav:"SK"`
	Type  string `dynamodbav:"Type"`
	Until string `dynamodbav:"SweptUntil"`
}

// mailSentItem marks one email as sent (or being sent), so a retried or
// overlapping run sends nothing twice.
type mailSentItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"Type"`
	SentAt    string `dynamodbav:"SentAt"`
	ExpiresAt int64  `dynamodbav:"ExpiresAt"` // TTL: after notifications and digests are gone
}

// suppressedItem stops mail to an address.
type suppressedItem struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	Type    string `dynamodbav:"Type"`
	Address string `dynamodbav:"Address"`
	Reason  string `dynamodbav:"Reason"`
	At      string `dynamodbav:"At"`
}

// mailProfile is the part of a member's profile email needs.
type mailProfile struct {
	ID           string            `dynamodbav:"ID"`
	Name         string            `dynamodbav:"Name"`
	Email        string            `dynamodbav:"Email"`
	EmailFreq    map[string]string `dynamodbav:"EmailFreq"`
	KeepWarmDays *int              `dynamodbav:"KeepWarmDays"`
}

func (p *mailProfile) settings() warmlead.NotificationSettings {
	s := warmlead.NotificationSettings{Email: p.Email, Frequencies: map[warmlead.NotificationType]warmlead.Frequency{},
		KeepWarmDays: warmlead.DefaultKeepWarmDays}
	for k, v := range p.EmailFreq {
		s.Frequencies[warmlead.NotificationType(k)] = warmlead.Frequency(v)
	}
	if p.KeepWarmDays != nil {
		s.KeepWarmDays = *p.KeepWarmDays
	}
	return s
}

// touchEdge is the part of a connection edge keep-warm needs.
type touchEdge struct {
	Owner      string `dynamodbav:"Owner"`
	Other      string `dynamodbav:"Other"`
	Status     string `dynamodbav:"Status"`
	AcceptedAt string `dynamodbav:"AcceptedAt"`
	TouchedAt  string `dynamodbav:"TouchedAt"`
}

// lastTouch is when the connection was last touched (accepting it counts).
func (e *touchEdge) lastTouch() time.Time {
	return parseTime(max(e.AcceptedAt, e.TouchedAt))
}

// interestOutcomeItem is an interest with its outcome attributes.
type interestOutcomeItem struct {
	interestItem
	Outcome   string `dynamodbav:"Outcome"`
	OutcomeAt string `dynamodbav:"OutcomeAt"`
	HiredAt   string `dynamodbav:"HiredAt"`
}

func (it *interestOutcomeItem) outcome() *warmlead.InterestOutcome {
	return &warmlead.InterestOutcome{Interest: *it.interest(), Outcome: warmlead.Outcome(it.Outcome), OutcomeAt: parseTime(it.OutcomeAt),
		HiredAt: parseTime(it.HiredAt)}
}
