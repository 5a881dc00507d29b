package httpapi

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Org insights (docs/people.md, "Org insights").

type insightCountsJSON struct {
	PostingsPosted  int `json:"postings_posted" doc:"Postings published for the organisation."`
	Interests       int `json:"interests" doc:"Interests expressed in its postings."`
	ReferralLinks   int `json:"referral_links" doc:"Referral links made for its postings."`
	Clicks          int `json:"clicks" doc:"Opens of those links."`
	AdviceRequested int `json:"advice_requests_made" doc:"Informational-interview requests between two of its members."`
	AdviceHeld      int `json:"advice_requests_held" doc:"Of those, conversations marked held."`
	NewMembers      int `json:"new_members" doc:"Members who joined."`
}

func toInsightCounts(n map[string]int) insightCountsJSON {
	return insightCountsJSON{PostingsPosted: n[warmlead.InsightPostingsPosted], Interests: n[warmlead.InsightInterests],
		ReferralLinks: n[warmlead.InsightReferralLinks], Clicks: n[warmlead.InsightClicks],
		AdviceRequested: n[warmlead.InsightAdviceRequested], AdviceHeld: n[warmlead.InsightAdviceHeld], NewMembers: n[warmlead.InsightNewMembers]}
}

type insightDayJSON struct {
	Day string `json:"day" example:"2026-11-30"`
	insightCountsJSON
}

type orgInsightsInput struct {
	ID   string `path:"id" doc:"The organisation's id."`
	From string `query:"from" maxLength:"10" example:"2026-11-01" doc:"First day (UTC), YYYY-MM-DD; default 29 days before to."`
	To   string `query:"to" maxLength:"10" example:"2026-11-30" doc:"Last day (UTC), YYYY-MM-DD; default today. At most 366 days in all."`
}

type orgInsightsOutput struct {
	Body struct {
		OrgID                 string            `json:"org_id"`
		From                  string            `json:"from"`
		To                    string            `json:"to"`
		Totals                insightCountsJSON `json:"totals" doc:"Summed over the range."`
		Days                  []insightDayJSON  `json:"days" doc:"Days of the range on which anything was counted, in order."`
		OpenPostings          int               `json:"open_postings" doc:"Its postings open now."`
		MembersWithOpenOffers int               `json:"members_with_open_offers" doc:"Members whose advice offer is open now."`
	}
}

func handleOrgInsights(svc warmlead.InsightService) func(context.Context, *orgInsightsInput) (*orgInsightsOutput, error) {
	return func(ctx context.Context, in *orgInsightsInput) (*orgInsightsOutput, error) {
		r, err := warmlead.ParseInsightRange(in.From, in.To, time.Now())
		if err != nil {
			return nil, err
		}
		got, err := svc.OrgInsights(ctx, caller(ctx), in.ID, r)
		if err != nil {
			return nil, err
		}
		out := &orgInsightsOutput{}
		out.Body.OrgID, out.Body.From, out.Body.To = got.OrgID, r.From, r.To
		out.Body.Totals = toInsightCounts(got.Totals)
		out.Body.OpenPostings = max(0, got.Now[warmlead.InsightOpenPostings])
		out.Body.MembersWithOpenOffers = got.MembersWithOpenOffers
		out.Body.Days = []insightDayJSON{}
		for d, n := range got.Days {
			out.Body.Days = append(out.Body.Days, insightDayJSON{Day: d, insightCountsJSON: toInsightCounts(n)})
		}
		sort.Slice(out.Body.Days, func(i, j int) bool { return out.Body.Days[i].Day < out.Body.Days[j].Day })
		return out, nil
	}
}

// addInsightRoutes registers GET /orgs/{id}/insights.
func addInsightRoutes(api huma.API, svc Services) {
	register(api, huma.Operation{OperationID: "get-org-insights", Method: http.MethodGet, Path: "/orgs/{id}/insights", Security: private,
		Summary: "An organisation's insights", Tags: []string{"Organisations"},
		Description: "Admins only (403 for other members and non-members, 404 for no such organisation). Counts per day over from..to " +
			"(at most 366 days), kept as counters as things happen, and the postings open now."},
		handleOrgInsights(svc.Insights))
}
