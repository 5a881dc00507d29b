package followup_test

import (
	"context"
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A conversation marked held and not thanked brings its requester one
// follow_up reminder 24 h later, not a minute before, and never twice
// (overlapping sweeps included); one thanked in time brings none. A hire
// then thanks the advisor too (docs/followups.md).
func TestFollowUpAfterAHeldConversation(t *testing.T) {
	t.Parallel()
	start := time.Now().UTC().Truncate(time.Minute)
	w := newWorld(t, start)
	ctx := context.Background()
	w.member("grace", "Grace Kim")
	w.member("nadia", "Nadia Haddad")
	w.member("omar", "Omar Said")
	for _, m := range []string{"nadia", "omar"} {
		c, _, err := w.store.RequestConnection(ctx, m, &warmlead.Connection{RecipientID: "grace"})
		w.must(err)
		_, err = w.store.AcceptConnection(ctx, "grace", c.ID)
		w.must(err)
	}
	_, _, err := w.store.PutOffer(ctx, "grace", &warmlead.Offer{Topics: []string{"operations"}, Formats: []warmlead.AdviceFormat{warmlead.FormatVideo},
		MonthlyCapacity: 5, Status: warmlead.OfferOpen})
	w.must(err)
	held := func(requester string) *warmlead.AdviceRequest {
		r, err := w.store.RequestAdvice(ctx, requester, &warmlead.AdviceRequest{AdvisorID: "grace", Pitch: "How do teams hire career changers?", Format: warmlead.FormatVideo})
		w.must(err)
		_, err = w.store.StepAdvice(ctx, "grace", r.ID, &warmlead.AdviceStep{Action: warmlead.ActAccept})
		w.must(err)
		r, err = w.store.StepAdvice(ctx, requester, r.ID, &warmlead.AdviceStep{Action: warmlead.ActHeld, HeldOn: start.Format(time.DateOnly)})
		w.must(err)
		return r
	}
	held("nadia")
	omars := held("omar")
	_, err = w.store.StepAdvice(ctx, "omar", omars.ID, &warmlead.AdviceStep{Action: warmlead.ActThank, Message: "Thank you, Grace!"})
	w.must(err)
	w.drain()

	w.sweepAt(start.Add(warmlead.FollowUpAfter - time.Minute))
	if got := w.inbox("nadia", warmlead.NotifyFollowUp); len(got) != 0 {
		t.Fatalf("follow_up before 24 h: %+v", got)
	}
	w.sweepAt(start.Add(warmlead.FollowUpAfter + 15*time.Minute))
	w.sweepAt(start.Add(warmlead.FollowUpAfter + 30*time.Minute))
	got := w.inbox("nadia", warmlead.NotifyFollowUp)
	if len(got) != 1 || got[0].ActorID != "grace" {
		t.Fatalf("nadia's follow_up = %+v, want one naming grace", got)
	}
	if got := w.inbox("omar", warmlead.NotifyFollowUp); len(got) != 0 {
		t.Errorf("omar thanked in time but was reminded: %+v", got)
	}

	// Advisors the member held conversations with are thanked on a hire.
	advisors, err := w.store.AdvisorsHeldWith(ctx, "omar")
	w.must(err)
	if len(advisors) != 1 || advisors[0] != "grace" {
		t.Errorf("omar held conversations with %v, want [grace]", advisors)
	}
}
