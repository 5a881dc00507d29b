package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Org insights (docs/people.md, "Org insights"): the notifier keeps each
// organisation's counters from the facts it decodes. Every counted fact
// carries a marker derived from the fact (not from the delivery), so a
// record delivered again, or the same fact told twice, counts once.

// marker names a counted fact without naming its members (a hash), so a
// deleted member's id is not left in the table.
func marker(fact string) string {
	sum := sha256.Sum256([]byte(fact))
	return hex.EncodeToString(sum[:12])
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// countInsights updates the counters a fact moves, if any.
func (h *Handler) countInsights(ctx context.Context, f *warmlead.Fact, r events.DynamoDBEventRecord) error {
	st := h.store
	one := func(name string) map[string]int { return map[string]int{name: 1} }
	switch f.Kind {
	case warmlead.FactNewPosting:
		p := f.Posting
		if p.OrgID == "" {
			return nil
		}
		return st.CountOrgInsight(ctx, p.OrgID, marker("posted:"+p.ID), day(p.CreatedAt),
			one(warmlead.InsightPostingsPosted), one(warmlead.InsightOpenPostings))
	case warmlead.FactPostingClosed:
		p := f.Posting
		return st.CountOrgInsight(ctx, p.OrgID, marker("closed:"+p.ID), "", nil, map[string]int{warmlead.InsightOpenPostings: -1})
	case warmlead.FactInterest:
		in := f.Interest
		if in.OrgID == "" {
			return nil
		}
		return st.CountOrgInsight(ctx, in.OrgID, marker("interest:"+in.PostingID+":"+in.MemberID), day(in.CreatedAt),
			one(warmlead.InsightInterests), nil)
	case warmlead.FactReferral:
		ref := f.Referral
		orgID, err := st.PostingOrgID(ctx, ref.PostingID)
		if err != nil || orgID == "" {
			return err
		}
		if ref.Clicks == 0 && ref.Interests == 0 { // the link as created
			return st.CountOrgInsight(ctx, orgID, marker("link:"+ref.Token), day(ref.CreatedAt), one(warmlead.InsightReferralLinks), nil)
		}
		if ref.Clicks == 0 {
			return nil
		}
		at := r.Change.ApproximateCreationDateTime.Time
		if at.IsZero() {
			at = time.Now()
		}
		return st.CountReferralClicks(ctx, orgID, ref.Token, ref.Clicks, day(at))
	case warmlead.FactMemberJoined:
		m := f.Membership
		return st.CountOrgInsight(ctx, m.OrgID, marker("joined:"+m.OrgID+":"+m.MemberID+":"+m.JoinedAt.String()), day(m.JoinedAt),
			one(warmlead.InsightNewMembers), nil)
	case warmlead.FactAdvice:
		a := f.Advice
		var name string
		var at time.Time
		switch a.Status {
		case warmlead.AdviceRequested:
			name, at = warmlead.InsightAdviceRequested, a.CreatedAt
		case warmlead.AdviceHeld:
			name, at = warmlead.InsightAdviceHeld, a.HeldAt
		default:
			return nil
		}
		orgs, err := st.SharedOrgIDs(ctx, a.RequesterID, a.AdvisorID)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if err := st.CountOrgInsight(ctx, o, marker("advice:"+a.ID+":"+string(a.Status)), day(at), one(name), nil); err != nil {
				return err
			}
		}
	}
	return nil
}
