package warmlead

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Frequency is how a member wants to hear of one notification type by email.
type Frequency string

// Frequencies.
const (
	FrequencyInstant Frequency = "instant"
	FrequencyDaily   Frequency = "daily"
	FrequencyWeekly  Frequency = "weekly"
	FrequencyOff     Frequency = "off"
)

// Frequencies lists every Frequency.
var Frequencies = []Frequency{FrequencyInstant, FrequencyDaily, FrequencyWeekly, FrequencyOff}

// Valid reports whether f is one of Frequencies.
func (f Frequency) Valid() bool { return oneOf(f, Frequencies) }

// DefaultFrequency is the email frequency of a type a member has not set:
// news about postings (new_lead, search_match) comes in the daily digest;
// everything between people, and every follow-up, at once.
func DefaultFrequency(t NotificationType) Frequency {
	switch t {
	case NotifyNewPosting, "search_match":
		return FrequencyDaily
	}
	return FrequencyInstant
}

// NotificationSettings are a member's email preferences.
type NotificationSettings struct {
	Email        string                         // from the token's verified email claim; "" = none known
	Frequencies  map[NotificationType]Frequency // only the types the member set
	KeepWarmDays int
}

// EmailFrequency is how soon n is emailed to a member with these
// settings: their frequency for its type, unless n carries its own (a
// search_match carries its saved search's alert cadence); off always wins
// (docs/email.md).
func (s *NotificationSettings) EmailFrequency(n *Notification) Frequency {
	f := s.FrequencyOf(n.Type)
	if f != FrequencyOff && n.Frequency != "" {
		return n.Frequency
	}
	return f
}

// FrequencyOf returns the member's frequency for t (the default if unset).
func (s *NotificationSettings) FrequencyOf(t NotificationType) Frequency {
	if f, ok := s.Frequencies[t]; ok {
		return f
	}
	return DefaultFrequency(t)
}

// DigestPeriod names the digest period t falls in and when it is sent:
// daily digests cover a UTC day and go out at midnight after it; weekly
// ones cover an ISO week (Monday to Sunday, UTC) and go out at midnight
// after its Sunday.
func DigestPeriod(f Frequency, t time.Time) (period string, start, end time.Time) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if f == FrequencyWeekly {
		start = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		y, w := start.ISOWeek()
		return fmt.Sprintf("W%d-%02d", y, w), start, start.AddDate(0, 0, 7)
	}
	return "D" + day.Format("2006-01-02"), day, day.AddDate(0, 0, 1)
}

// Email is one message to one address, ready to send.
type Email struct {
	To             string
	Subject        string
	Text           string
	HTML           string
	UnsubscribeURL string // RFC 8058 one-click: List-Unsubscribe + List-Unsubscribe-Post
}

// Mailer sends email: SES v2 in AWS, SMTP (Mailpit) locally (pkg/mail).
type Mailer interface {
	Send(ctx context.Context, e *Email) error
}

// MailRecipient is what the mail step knows of a notification's recipient.
type MailRecipient struct {
	MemberID   string
	Name       string
	Settings   NotificationSettings
	Suppressed bool // the address bounced or complained
}

// MailStore is what sending email needs from storage.
type MailStore interface {
	// MailRecipients reads recipients' names, settings, addresses and
	// whether each address is suppressed (missing members are left out).
	MailRecipients(ctx context.Context, ids []string) (map[string]*MailRecipient, error)
	// ClaimMail records that the email named key for member is being sent;
	// false if it already was (at most one email per key).
	ClaimMail(ctx context.Context, memberID, key string) (bool, error)
	// ReleaseMail forgets a claim whose email could not be sent.
	ReleaseMail(ctx context.Context, memberID, key string) error
	// DescribeNotifications fills each notification's Summary, naming a
	// member who deleted their account "a former member" and emptying
	// their ids (docs/people.md, "Your data").
	DescribeNotifications(ctx context.Context, ns []*Notification) error
	// NotificationsBetween reads a member's notifications created in [from, to).
	NotificationsBetween(ctx context.Context, memberID string, from, to time.Time) ([]*Notification, error)
	// SuppressAddress stops all mail to an address (bounce, complaint).
	SuppressAddress(ctx context.Context, address, reason string, at time.Time) error
}

// SettingsService reads and changes a member's email preferences.
type SettingsService interface {
	GetNotificationSettings(ctx context.Context, callerID string) (*NotificationSettings, error)
	// PutNotificationSettings replaces the frequencies the member set and
	// keep_warm_days. Returns EINVALID.
	PutNotificationSettings(ctx context.Context, callerID string, s *NotificationSettings) (*NotificationSettings, error)
	// SetMemberEmail stores the verified address from the member's token.
	SetMemberEmail(ctx context.Context, memberID, email string) error
	// Unsubscribe turns email off for one type (or every type, "").
	Unsubscribe(ctx context.Context, memberID string, t NotificationType) error
}

// UnsubscribeAll is the scope of an unsubscribe token that stops every email.
const UnsubscribeAll = "all"

// SignUnsubscribe makes the one-click unsubscribe token for a member and a
// scope (a notification type, or UnsubscribeAll): the member and scope in
// clear, and an HMAC-SHA256 of both under secret, so nobody without the
// secret can make one (docs/email.md).
func SignUnsubscribe(secret []byte, memberID, scope string) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(memberID + "\n" + scope))
	return payload + "." + base64.RawURLEncoding.EncodeToString(unsubscribeMAC(secret, payload))
}

// VerifyUnsubscribe opens a token made by SignUnsubscribe.
func VerifyUnsubscribe(secret []byte, token string) (memberID, scope string, ok bool) {
	payload, sig, found := strings.Cut(token, ".")
	if !found || len(secret) == 0 {
		return "", "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, unsubscribeMAC(secret, payload)) {
		return "", "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", "", false
	}
	memberID, scope, found = strings.Cut(string(raw), "\n")
	if !found || ValidateMemberID(memberID) != nil {
		return "", "", false
	}
	if scope != UnsubscribeAll && !oneOf(NotificationType(scope), NotificationTypes) {
		return "", "", false
	}
	return memberID, scope, true
}

func unsubscribeMAC(secret []byte, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("warmlead-unsubscribe\x00" + payload))
	return m.Sum(nil)
}
