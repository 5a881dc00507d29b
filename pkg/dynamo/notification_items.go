package dynamo

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// notificationTTL is how long a notification stays in an inbox.
const notificationTTL = 90 * 24 * time.Hour

// notificationItem is one notification in a member's inbox. Its type is
// Notification, which the notifier's stream filter leaves out, so writing
// notifications never wakes the notifier.
type notificationItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"Type"`
	ID        string `dynamodbav:"ID"`
	Recipient string `dynamodbav:"Recipient"`
	Kind      string `dynamodbav:"Kind"`
	PostingID string `dynamodbav:"PostingID,omitempty"`
	ActorID   string `dynamodbav:"ActorID"`
	CreatedAt string `dynamodbav:"CreatedAt"`
	ExpiresAt int64  `dynamodbav:"ExpiresAt"` // TTL
	OrgID     string `dynamodbav:"OrgID,omitempty"`
	Summary   string `dynamodbav:"Summary,omitempty"`
	// keep_warm: the connections it names (docs/followups.md).
	Others []string `dynamodbav:"Others,omitempty"`
	// search_match: the saved search's alert cadence (docs/email.md).
	Frequency string `dynamodbav:"Frequency,omitempty"`
	// People notifications: worded when read (warmlead.Notification).
	OtherID string `dynamodbav:"OtherID,omitempty"`
	Step    string `dynamodbav:"Step,omitempty"`
	Note    string `dynamodbav:"Note,omitempty"`
}

func newNotificationItem(n *warmlead.Notification) *notificationItem {
	pk, sk := inboxKey(n.RecipientID, n.ID)
	return &notificationItem{PK: pk, SK: sk, Type: typeNotification, ID: n.ID, Recipient: n.RecipientID,
		Kind: string(n.Type), PostingID: n.PostingID, ActorID: n.ActorID, CreatedAt: formatTime(n.CreatedAt),
		ExpiresAt: n.CreatedAt.Add(notificationTTL).Unix(), OrgID: n.OrgID, Summary: n.Summary, Others: n.Others, Frequency: string(n.Frequency),
		OtherID: n.OtherID, Step: n.Step, Note: n.Note}
}

func (it *notificationItem) notification(watermark string) *warmlead.Notification {
	return &warmlead.Notification{ID: it.ID, RecipientID: it.Recipient, Type: warmlead.NotificationType(it.Kind),
		PostingID: it.PostingID, ActorID: it.ActorID, CreatedAt: parseTime(it.CreatedAt), Read: it.ID <= watermark,
		OrgID: it.OrgID, Summary: it.Summary, Others: it.Others, Frequency: warmlead.Frequency(it.Frequency),
		OtherID: it.OtherID, Step: it.Step, Note: it.Note}
}

// inboxStateItem holds a member's read watermark: every notification whose
// id sorts at or before ReadUpTo is read.
type inboxStateItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	Type     string `dynamodbav:"Type"`
	ReadUpTo string `dynamodbav:"ReadUpTo"`
}
