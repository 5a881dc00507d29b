package notify

import (
	"context"
	"unicode/utf8"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// advice tells the other side of an informational-interview request about
// its step: the advisor hears of a new request and of thanks, the
// requester of an accept or a decline. Withdrawing and marking held notify
// nobody (no notification type exists for them; docs/people.md). The
// fact's id names the request and its status, so a replay rewrites the
// same notification.
func (h *Handler) advice(ctx context.Context, r *warmlead.AdviceRequest) (int, error) {
	fact := "advice:" + r.ID + ":" + string(r.Status)
	var n *warmlead.Notification
	switch r.Status {
	case warmlead.AdviceRequested:
		n = New(warmlead.NotifyAdviceRequest, r.AdvisorID, r.RequesterID, "", fact, r.CreatedAt)
		n.Summary = name(r.RequesterName) + " asks you for an informational interview (" + string(r.Format) + "): " + clip(r.Pitch, 120)
	case warmlead.AdviceAccepted:
		n = New(warmlead.NotifyAdviceAccepted, r.RequesterID, r.AdvisorID, "", fact, r.UpdatedAt)
		n.Summary = name(r.AdvisorName) + " accepted your request for an informational interview"
	case warmlead.AdviceDeclined:
		n = New(warmlead.NotifyAdviceDeclined, r.RequesterID, r.AdvisorID, "", fact, r.UpdatedAt)
		n.Summary = name(r.AdvisorName) + " declined your request for an informational interview"
	case warmlead.AdviceThanked:
		n = New(warmlead.NotifyAdviceThanks, r.AdvisorID, r.RequesterID, "", fact, r.UpdatedAt)
		n.Summary = name(r.RequesterName) + " thanked you for the conversation: " + clip(r.ThankMessage, 120)
	default:
		return 0, nil
	}
	return 1, h.store.PutNotifications(ctx, []*warmlead.Notification{n})
}

// introduction tells each side what it needs to act on: the introducer of a
// request, the target of a forwarded introduction, the requester and the
// introducer (their credit) of an accepted one, and the requester of a
// declined one (never whom it was forwarded to).
func (h *Handler) introduction(ctx context.Context, in *warmlead.Introduction) (int, error) {
	fact := "introduction:" + in.ID + ":" + string(in.Status)
	var ns []*warmlead.Notification
	add := func(typ warmlead.NotificationType, to, actor, summary string) {
		n := New(typ, to, actor, "", fact, in.UpdatedAt)
		n.Summary = summary
		ns = append(ns, n)
	}
	switch in.Status {
	case warmlead.IntroRequested:
		add(warmlead.NotifyIntroductionRequest, in.IntroducerID, in.RequesterID,
			name(in.RequesterName)+" asks you for an introduction: "+clip(in.Goal, 120))
	case warmlead.IntroForwarded:
		add(warmlead.NotifyIntroduction, in.TargetID, in.IntroducerID,
			name(in.IntroducerName)+" would like to introduce you to "+name(in.RequesterName)+": "+clip(in.Goal, 120))
	case warmlead.IntroIntroduced:
		add(warmlead.NotifyIntroduction, in.RequesterID, in.TargetID,
			name(in.IntroducerName)+" introduced you to "+name(in.TargetName)+"; you are now connected")
		add(warmlead.NotifyIntroduction, in.IntroducerID, in.TargetID,
			name(in.TargetName)+" accepted your introduction of "+name(in.RequesterName))
	case warmlead.IntroDeclined:
		if in.DeclinedBy == warmlead.IntroAsTarget {
			add(warmlead.NotifyIntroduction, in.IntroducerID, in.TargetID,
				name(in.TargetName)+" declined your introduction of "+name(in.RequesterName))
		}
		add(warmlead.NotifyIntroduction, in.RequesterID, in.IntroducerID,
			"Your introduction request to "+name(in.IntroducerName)+" did not work out this time")
	default:
		return 0, nil
	}
	return len(ns), h.store.PutNotifications(ctx, ns)
}

// name is a person's name in a summary.
func name(n string) string {
	if n == "" {
		return "A member"
	}
	return n
}

// clip shortens text for a summary.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
