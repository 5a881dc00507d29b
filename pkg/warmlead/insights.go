package warmlead

import (
	"context"
	"time"
)

// Organisation insights (docs/people.md, "Org insights"): counters per
// organisation per day, kept by the stream-fed notifier from the facts it
// decodes, and a few running totals. Nothing is computed by scanning.

// Insight counters. Day counters count what happened on a day (UTC);
// running totals are what holds now.
const (
	InsightPostingsPosted  = "PostingsPosted"
	InsightInterests       = "Interests"
	InsightReferralLinks   = "ReferralLinks"
	InsightClicks          = "Clicks"
	InsightAdviceRequested = "AdviceRequested"
	InsightAdviceHeld      = "AdviceHeld"
	InsightNewMembers      = "NewMembers"
	// Running totals.
	InsightOpenPostings = "OpenPostings"
)

// MaxInsightDays bounds the range one insights request reads.
const MaxInsightDays = 366

// InsightRange is a validated, inclusive range of days.
type InsightRange struct{ From, To string } // YYYY-MM-DD

// ParseInsightRange checks from and to (YYYY-MM-DD, from ≤ to, at most
// MaxInsightDays days); empty to is today and empty from is 29 days
// before to.
func ParseInsightRange(from, to string, now time.Time) (InsightRange, error) {
	var fields []FieldError
	t := now.UTC().Truncate(24 * time.Hour)
	if to != "" {
		var err error
		if t, err = time.Parse(time.DateOnly, to); err != nil {
			fields = append(fields, FieldError{"to", "must be a date, YYYY-MM-DD"})
		}
	}
	f := t.AddDate(0, 0, -29)
	if from != "" {
		var err error
		if f, err = time.Parse(time.DateOnly, from); err != nil {
			fields = append(fields, FieldError{"from", "must be a date, YYYY-MM-DD"})
		}
	}
	if len(fields) == 0 {
		switch days := int(t.Sub(f).Hours()/24) + 1; {
		case days < 1:
			fields = append(fields, FieldError{"from", "must not be after to"})
		case days > MaxInsightDays:
			fields = append(fields, FieldError{"from", "the range must be at most 366 days"})
		}
	}
	if len(fields) > 0 {
		return InsightRange{}, Invalid(fields...)
	}
	return InsightRange{From: f.Format(time.DateOnly), To: t.Format(time.DateOnly)}, nil
}

// OrgInsights are an organisation's counts over a range of days, and its
// running totals now.
type OrgInsights struct {
	OrgID  string
	Range  InsightRange
	Totals map[string]int            // day counters summed over the range
	Days   map[string]map[string]int // per day that had any
	Now    map[string]int            // running totals
	// MembersWithOpenOffers counts the organisation's offers that are open
	// now (read from its offer index, docs/people.md "Org insights").
	MembersWithOpenOffers int
}

// InsightService reads insights.
type InsightService interface {
	// OrgInsights returns an organisation's insights; admins only.
	// Returns ENOTFOUND, EFORBIDDEN.
	OrgInsights(ctx context.Context, callerID, orgID string, r InsightRange) (*OrgInsights, error)
}

// InsightCounter is what the notifier needs to keep the counters.
type InsightCounter interface {
	// CountOrgInsight adds day counters (on day) and running totals for an
	// organisation once per marker: a fact delivered again changes nothing.
	CountOrgInsight(ctx context.Context, orgID, marker, day string, dayAdds, nowAdds map[string]int) error
	// CountReferralClicks brings the organisation's click counters up to a
	// link's click total, counting on day only the clicks not yet counted.
	CountReferralClicks(ctx context.Context, orgID, token string, clicks int, day string) error
	// PostingOrgID returns the organisation a posting belongs to ("" none).
	PostingOrgID(ctx context.Context, postingID string) (string, error)
	// SharedOrgIDs returns the organisations both members belong to.
	SharedOrgIDs(ctx context.Context, a, b string) ([]string, error)
}
