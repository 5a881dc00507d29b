package warmlead

import (
	"strings"
	"time"
)

// Names are the display names and titles a summary is written with.
type Names struct {
	Members  map[string]string // member id -> name
	Postings map[string]string // posting id -> title
	// Former are the members who deleted their account, and when
	// (docs/people.md, "Your data"). What they did before then reads as
	// FormerMemberName, even if the id has made a new profile since.
	Former map[string]time.Time
}

// IsFormer reports whether id, in a notification made at, is a member who
// has deleted their account: they have no profile now, or made a new one
// after the notification.
func (n Names) IsFormer(id string, at time.Time) bool {
	deleted, ok := n.Former[id]
	return ok && id != "" && (n.Members[id] == "" || !at.After(deleted))
}

// member is how a summary names a person. A member's own name is written
// as they wrote it; a placeholder ("a former member", "a member",
// "someone") is lowercase, as FormerMemberName is, and capitalised only
// when it starts the sentence (start).
func (n Names) member(id string, at time.Time, start bool) string {
	placeholder := "a member"
	switch {
	case n.IsFormer(id, at):
		placeholder = FormerMemberName
	case n.Members[id] != "":
		return n.Members[id]
	case id == "":
		placeholder = "someone"
	}
	if start {
		return strings.ToUpper(placeholder[:1]) + placeholder[1:]
	}
	return placeholder
}

// HideFormer empties the ids of members who deleted their account from a
// notification others read (its summary already says "a former member"):
// a deleted member's id is emptied wherever others keep something they
// did (docs/people.md, "Your data").
func HideFormer(n *Notification, names Names) {
	if names.IsFormer(n.ActorID, n.CreatedAt) {
		n.ActorID = ""
	}
	if names.IsFormer(n.OtherID, n.CreatedAt) {
		n.OtherID = ""
	}
	var others []string
	for _, id := range n.Others {
		if !names.IsFormer(id, n.CreatedAt) {
			others = append(others, id)
		}
	}
	n.Others = others
}

func (n Names) posting(id string) string {
	if t := n.Postings[id]; t != "" {
		return "“" + t + "”"
	}
	return "a lead"
}

// Summarize says in words what a notification is about, naming the people
// and the posting ("Dana Reyes is interested in “UX research intern”"), so a
// member can read it without another call.
func Summarize(n *Notification, names Names) string {
	actor, title := names.member(n.ActorID, n.CreatedAt, false), names.posting(n.PostingID)
	Actor := names.member(n.ActorID, n.CreatedAt, true) // starting a sentence
	switch n.Type {
	case NotifyNewPosting:
		return Actor + " posted a new lead: " + title
	case NotifyInterest:
		return Actor + " is interested in " + title
	case NotifyReferralCredit:
		if n.ActorID != "" { // named only when they chose share_with_chain
			return Actor + " expressed interest in " + title + " through your referral"
		}
		return "Someone you passed " + title + " to expressed interest in it: your referral counts"
	case NotifyConnectionRequest:
		return Actor + " asked to connect with you"
	case NotifyConnectionAccepted: // an accept, or a held conversation or an introduction that connected you
		return "You and " + actor + " are now connected"
	case NotifyPostingExpiring:
		return "Your lead " + title + " expires in 3 days: extend it or close it"
	case NotifyOutcomePrompt:
		return "How did " + title + " go? Tell us the outcome"
	case NotifyPayItForward:
		if n.ActorID == n.RecipientID {
			return "Congratulations on " + title + "! Pay it forward: open an advice offer for the people coming after you"
		}
		if n.ActorID == "" {
			return "Someone you passed " + title + " to was hired, thanks to you"
		}
		return Actor + " was hired for " + title + ", thanks to you"
	case NotifyKeepWarm:
		others := make([]string, len(n.Others))
		for i, id := range n.Others {
			others[i] = names.member(id, n.CreatedAt, false)
		}
		return "Keep your network warm: you have not been in touch with " + joinNames(others) + " for a while"
	case NotifyFollowUp:
		return "Remember to thank " + actor + " for your conversation"
	case NotifyAdviceRequest:
		return Actor + " asks you for an informational interview (" + n.Step + "): " + n.Note
	case NotifyAdviceAccepted:
		return Actor + " accepted your request for an informational interview"
	case NotifyAdviceDeclined:
		return Actor + " declined your request for an informational interview"
	case NotifyAdviceThanks:
		return Actor + " thanked you for the conversation: " + n.Note
	case NotifyIntroductionRequest:
		return Actor + " asks you for an introduction: " + n.Note
	case NotifyIntroduction:
		other, Other := names.member(n.OtherID, n.CreatedAt, false), names.member(n.OtherID, n.CreatedAt, true)
		switch IntroStep(n.Step) {
		case IntroStepForwarded:
			return Actor + " would like to introduce you to " + other + ": " + n.Note
		case IntroStepIntroduced:
			return Other + " introduced you to " + actor + "; you are now connected"
		case IntroStepAccepted:
			return Actor + " accepted your introduction of " + other
		case IntroStepTargetDeclined:
			return Actor + " declined your introduction of " + other
		case IntroStepDeclined:
			return "Your introduction request to " + actor + " did not work out this time"
		}
	}
	return Actor + ": " + strings.ReplaceAll(string(n.Type), "_", " ")
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return "some connections"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// storedActor is where the actor's name sits in the summaries the notifier
// used to write with names in them (people notifications and organisation
// invitations): after before ("" = the sentence starts with it) and before
// after.
var storedActor = map[NotificationType][]struct{ before, after string }{
	NotifyAdviceRequest:       {{"", " asks you for an informational interview"}},
	NotifyAdviceAccepted:      {{"", " accepted your request for an informational interview"}},
	NotifyAdviceDeclined:      {{"", " declined your request for an informational interview"}},
	NotifyAdviceThanks:        {{"", " thanked you for the conversation"}},
	NotifyIntroductionRequest: {{"", " asks you for an introduction"}},
	NotifyOrgInvitation:       {{"", " invited you to join "}},
	NotifyIntroduction: {
		{"", " would like to introduce you to "},
		{"", " accepted your introduction of "},
		{"", " declined your introduction of "},
		{" introduced you to ", "; you are now connected"},
		{"Your introduction request to ", " did not work out this time"},
	},
}

// StoredSummary is a summary written at delivery (Notification.Summary)
// as it reads now: when its actor has since deleted their account, their
// name is replaced by FormerMemberName. Other people it names stay (it
// holds no id for them); such summaries expire with their notification.
func StoredSummary(n *Notification, names Names) string {
	s := n.Summary
	if !names.IsFormer(n.ActorID, n.CreatedAt) {
		return s
	}
	for _, p := range storedActor[n.Type] {
		if p.before == "" {
			if i := strings.Index(s, p.after); i > 0 {
				return strings.ToUpper(FormerMemberName[:1]) + FormerMemberName[1:] + s[i:]
			}
			continue
		}
		i, j := strings.Index(s, p.before), strings.LastIndex(s, p.after)
		if i >= 0 && j > i+len(p.before) {
			return s[:i+len(p.before)] + FormerMemberName + s[j:]
		}
	}
	return s
}
