package warmlead

import "strings"

// Names are the display names and titles a summary is written with.
type Names struct {
	Members  map[string]string // member id -> name
	Postings map[string]string // posting id -> title
}

func (n Names) member(id string) string {
	if name := n.Members[id]; name != "" {
		return name
	}
	if id == "" {
		return "Someone"
	}
	return "A member"
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
	actor, title := names.member(n.ActorID), names.posting(n.PostingID)
	switch n.Type {
	case NotifyNewPosting:
		return actor + " posted a new lead: " + title
	case NotifyInterest:
		return actor + " is interested in " + title
	case NotifyReferralCredit:
		if n.ActorID != "" { // named only when they chose share_with_chain
			return actor + " expressed interest in " + title + " through your referral"
		}
		return "Someone you passed " + title + " to expressed interest in it: your referral counts"
	case NotifyConnectionRequest:
		return actor + " asked to connect with you"
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
		return actor + " was hired for " + title + ", thanks to you"
	case NotifyKeepWarm:
		others := make([]string, len(n.Others))
		for i, id := range n.Others {
			others[i] = names.member(id)
		}
		return "Keep your network warm: you have not been in touch with " + joinNames(others) + " for a while"
	case NotifyFollowUp:
		return "Remember to thank " + actor + " for your conversation"
	}
	return actor + ": " + strings.ReplaceAll(string(n.Type), "_", " ")
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
