package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

type referralJSON struct {
	ID          string    `json:"id" doc:"The link: its token."`
	Token       string    `json:"token" example:"q9Xc2mLr0TbW8yZkP1aV3sNe"`
	URL         string    `json:"url" example:"https://warmlead.example/r/q9Xc2mLr0TbW8yZkP1aV3sNe"`
	PostingID   string    `json:"posting_id"`
	ReferrerID  string    `json:"referrer_id" example:"sam"`
	ParentToken string    `json:"parent_token,omitempty" doc:"The link the referrer arrived through."`
	Chain       []string  `json:"chain" doc:"Member ids from the poster to the referrer." example:"[\"alice\",\"dana\",\"sam\"]"`
	Depth       int       `json:"depth" doc:"Hops from the poster (at most 10)." example:"2"`
	CreatedAt   time.Time `json:"created_at"`
	Revoked     bool      `json:"revoked" doc:"Its referrer stopped sharing it (DELETE /referrals/{token}): it opens as no longer shared and credits nobody."`
}

type referralStatsJSON struct {
	referralJSON
	Clicks    int `json:"clicks" doc:"Opens of this link." example:"12"`
	Interests int `json:"interests" doc:"Interests expressed through this link or links shared onward from it." example:"2"`
}

func (a *Config) referralJSON(r *warmlead.Referral) referralJSON {
	return referralJSON{ID: r.Token, Token: r.Token, URL: a.linkURL(r.Token), PostingID: r.PostingID, ReferrerID: r.ReferrerID,
		ParentToken: r.ParentToken, Chain: r.Chain, Depth: r.Depth(), CreatedAt: r.CreatedAt, Revoked: r.Revoked}
}

func (a *Config) referralStatsJSON(r *warmlead.Referral) referralStatsJSON {
	return referralStatsJSON{referralJSON: a.referralJSON(r), Clicks: r.Clicks, Interests: r.Interests}
}

// linkURL is where a shared link points.
func (a *Config) linkURL(token string) string { return a.PublicBaseURL + "/r/" + token }

type createReferralInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The posting's id."`
	Body struct {
		Via string `json:"via,omitempty" maxLength:"64" doc:"The token of the link you arrived through, so the chain credits who passed the lead to you."`
	}
}

type referralOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     referralJSON
}

func handleCreateReferral(a *Config, referrals warmlead.ReferralService) func(context.Context, *createReferralInput) (*referralOutput, error) {
	return func(ctx context.Context, in *createReferralInput) (*referralOutput, error) {
		r, created, err := referrals.CreateReferral(ctx, caller(ctx), in.ID, in.Body.Via)
		if err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &referralOutput{Status: status, Location: "/referrals/" + r.Token, Body: a.referralJSON(r)}, nil
	}
}

type tokenInput struct {
	Token string `path:"token" maxLength:"64" doc:"The link's token."`
}

type referralStatsOutput struct {
	Body referralStatsJSON
}

func handleGetReferral(a *Config, referrals warmlead.ReferralService) func(context.Context, *tokenInput) (*referralStatsOutput, error) {
	return func(ctx context.Context, in *tokenInput) (*referralStatsOutput, error) {
		r, err := referrals.FindReferral(ctx, caller(ctx), in.Token)
		if err != nil {
			return nil, err
		}
		return &referralStatsOutput{Body: a.referralStatsJSON(r)}, nil
	}
}

type referralPageOutput struct {
	Body struct {
		Items      []referralStatsJSON `json:"items"`
		NextCursor *string             `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

func handleListMyReferrals(a *Config, referrals warmlead.ReferralService) func(context.Context, *PageParams) (*referralPageOutput, error) {
	return func(ctx context.Context, in *PageParams) (*referralPageOutput, error) {
		pg, err := referrals.ListReferrals(ctx, caller(ctx), in.request())
		if err != nil {
			return nil, err
		}
		out := &referralPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]referralStatsJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, r := range pg.Items {
			out.Body.Items[i] = a.referralStatsJSON(r)
		}
		return out, nil
	}
}
