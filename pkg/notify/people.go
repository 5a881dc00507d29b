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
// same notification. It stores ids and the words people wrote, never
// names: the summary is worded when read (warmlead.Summarize), so a
// member who deletes their account reads as "a former member".
func (h *Handler) advice(ctx context.Context, r *warmlead.AdviceRequest) (int, error) {
	fact := "advice:" + r.ID + ":" + string(r.Status)
	var n *warmlead.Notification
	switch r.Status {
	case warmlead.AdviceRequested:
		n = New(warmlead.NotifyAdviceRequest, r.AdvisorID, r.RequesterID, "", fact, r.CreatedAt)
		n.Step, n.Note = string(r.Format), clip(r.Pitch, 120)
	case warmlead.AdviceAccepted:
		n = New(warmlead.NotifyAdviceAccepted, r.RequesterID, r.AdvisorID, "", fact, r.UpdatedAt)
	case warmlead.AdviceDeclined:
		n = New(warmlead.NotifyAdviceDeclined, r.RequesterID, r.AdvisorID, "", fact, r.UpdatedAt)
	case warmlead.AdviceThanked:
		n = New(warmlead.NotifyAdviceThanks, r.AdvisorID, r.RequesterID, "", fact, r.UpdatedAt)
		n.Note = clip(r.ThankMessage, 120)
	default:
		return 0, nil
	}
	return 1, h.store.PutNotifications(ctx, []*warmlead.Notification{n})
}

// introduction tells each side what it needs to act on: the introducer of a
// request, the target of a forwarded introduction, the requester and the
// introducer (their credit) of an accepted one, and the requester of a
// declined one (never whom it was forwarded to). Like advice, it stores
// ids, the step and the goal, and no names.
func (h *Handler) introduction(ctx context.Context, in *warmlead.Introduction) (int, error) {
	fact := "introduction:" + in.ID + ":" + string(in.Status)
	var ns []*warmlead.Notification
	add := func(typ warmlead.NotificationType, to, actor string, step warmlead.IntroStep, other, note string) {
		n := New(typ, to, actor, "", fact, in.UpdatedAt)
		n.Step, n.OtherID, n.Note = string(step), other, note
		ns = append(ns, n)
	}
	switch in.Status {
	case warmlead.IntroRequested:
		add(warmlead.NotifyIntroductionRequest, in.IntroducerID, in.RequesterID, "", "", clip(in.Goal, 120))
	case warmlead.IntroForwarded:
		add(warmlead.NotifyIntroduction, in.TargetID, in.IntroducerID, warmlead.IntroStepForwarded, in.RequesterID, clip(in.Goal, 120))
	case warmlead.IntroIntroduced:
		add(warmlead.NotifyIntroduction, in.RequesterID, in.TargetID, warmlead.IntroStepIntroduced, in.IntroducerID, "")
		add(warmlead.NotifyIntroduction, in.IntroducerID, in.TargetID, warmlead.IntroStepAccepted, in.RequesterID, "")
	case warmlead.IntroDeclined:
		if in.DeclinedBy == warmlead.IntroAsTarget {
			add(warmlead.NotifyIntroduction, in.IntroducerID, in.TargetID, warmlead.IntroStepTargetDeclined, in.RequesterID, "")
		}
		add(warmlead.NotifyIntroduction, in.RequesterID, in.IntroducerID, warmlead.IntroStepDeclined, "", "")
	default:
		return 0, nil
	}
	return len(ns), h.store.PutNotifications(ctx, ns)
}

// clip shortens text for a summary.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
