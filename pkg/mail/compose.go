package mail

import (
	"fmt"
	"html"
	"strings"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Composer writes emails: what happened in words (names, titles), a link
// to act on it, and a signed one-click unsubscribe.
type Composer struct {
	BaseURL string // the API's public base URL (PUBLIC_BASE_URL)
	Secret  []byte // signs unsubscribe tokens (UNSUBSCRIBE_SECRET)
}

// action is what a member can do about a notification, and where.
func (c *Composer) action(n *warmlead.Notification) (label, url string) {
	base := strings.TrimRight(c.BaseURL, "/")
	switch n.Type {
	case warmlead.NotifyNewPosting:
		return "See the lead", base + "/postings/" + n.PostingID
	case warmlead.NotifyInterest:
		return "See who is interested", base + "/postings/" + n.PostingID + "/interest"
	case warmlead.NotifyReferralCredit:
		return "See your links", base + "/me/referrals"
	case warmlead.NotifyConnectionRequest:
		return "Answer the request", base + "/connections?status=pending"
	case warmlead.NotifyConnectionAccepted, warmlead.NotifyKeepWarm:
		return "See your connections", base + "/connections?status=accepted"
	case warmlead.NotifyPostingExpiring:
		return "Extend or close the lead", base + "/postings/" + n.PostingID
	case warmlead.NotifyOutcomePrompt:
		return "Tell us how it went", base + "/postings/" + n.PostingID + "/interest/outcome"
	case warmlead.NotifyPayItForward:
		if n.ActorID == n.RecipientID {
			return "Open an advice offer", base + "/me/offer"
		}
		return "See the lead", base + "/postings/" + n.PostingID
	}
	return "Open your notifications", base + "/me/notifications"
}

// unsubscribe is the one-click URL that turns off email of scope.
func (c *Composer) unsubscribe(memberID, scope string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/unsubscribe/" + warmlead.SignUnsubscribe(c.Secret, memberID, scope)
}

// Instant is the email of one notification (its Summary filled).
func (c *Composer) Instant(r *warmlead.MailRecipient, n *warmlead.Notification) *warmlead.Email {
	label, url := c.action(n)
	unsub := c.unsubscribe(r.MemberID, string(n.Type))
	settings := strings.TrimRight(c.BaseURL, "/") + "/me/notification-settings"
	kind := strings.ReplaceAll(string(n.Type), "_", " ")
	text := fmt.Sprintf("Hi %s,\n\n%s.\n\n%s: %s\n\n--\nYou get these emails for %q notifications at once. Change that: %s\nUnsubscribe from them: %s\n",
		r.Name, n.Summary, label, url, kind, settings, unsub)
	h := html.EscapeString
	body := fmt.Sprintf(`<!doctype html><html><body><p>Hi %s,</p><p>%s.</p><p><a href="%s">%s</a></p>`+
		`<hr><p style="font-size:small">You get these emails for “%s” notifications at once. <a href="%s">Change that</a> · <a href="%s">Unsubscribe</a></p></body></html>`,
		h(r.Name), h(n.Summary), h(url), h(label), h(kind), h(settings), h(unsub))
	return &warmlead.Email{To: r.Settings.Email, Subject: n.Summary, Text: text, HTML: body, UnsubscribeURL: unsub}
}

// Digest is one email grouping what arrived in a period, by type.
func (c *Composer) Digest(r *warmlead.MailRecipient, f warmlead.Frequency, ns []*warmlead.Notification) *warmlead.Email {
	unsub := c.unsubscribe(r.MemberID, warmlead.UnsubscribeAll)
	settings := strings.TrimRight(c.BaseURL, "/") + "/me/notification-settings"
	word := map[warmlead.Frequency]string{warmlead.FrequencyDaily: "daily", warmlead.FrequencyWeekly: "weekly"}[f]
	groups := map[warmlead.NotificationType][]*warmlead.Notification{}
	var order []warmlead.NotificationType
	for _, n := range ns {
		if groups[n.Type] == nil {
			order = append(order, n.Type)
		}
		groups[n.Type] = append(groups[n.Type], n)
	}
	subject := fmt.Sprintf("Your %s Warmlead digest: %d update", word, len(ns))
	if len(ns) != 1 {
		subject += "s"
	}
	h := html.EscapeString
	var text, body strings.Builder
	fmt.Fprintf(&text, "Hi %s,\n\nHere is what happened in your network.\n", r.Name)
	fmt.Fprintf(&body, `<!doctype html><html><body><p>Hi %s,</p><p>Here is what happened in your network.</p>`, h(r.Name))
	for _, t := range order {
		title := strings.ReplaceAll(string(t), "_", " ")
		fmt.Fprintf(&text, "\n%s (%d)\n", strings.ToUpper(title[:1])+title[1:], len(groups[t]))
		fmt.Fprintf(&body, "<h3>%s (%d)</h3><ul>", h(strings.ToUpper(title[:1])+title[1:]), len(groups[t]))
		for _, n := range groups[t] {
			label, url := c.action(n)
			fmt.Fprintf(&text, "- %s. %s: %s\n", n.Summary, label, url)
			fmt.Fprintf(&body, `<li>%s. <a href="%s">%s</a></li>`, h(n.Summary), h(url), h(label))
		}
		body.WriteString("</ul>")
	}
	fmt.Fprintf(&text, "\n--\nChange what you get and how often: %s\nUnsubscribe from all Warmlead email: %s\n", settings, unsub)
	fmt.Fprintf(&body, `<hr><p style="font-size:small"><a href="%s">Change what you get and how often</a> · <a href="%s">Unsubscribe from all Warmlead email</a></p></body></html>`, h(settings), h(unsub))
	return &warmlead.Email{To: r.Settings.Email, Subject: subject, Text: text.String(), HTML: body.String(), UnsubscribeURL: unsub}
}
