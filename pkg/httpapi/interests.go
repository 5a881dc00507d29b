package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

type chainMemberJSON struct {
	ID   string `json:"id" example:"dana"`
	Name string `json:"name,omitempty" example:"Dana Ortiz"`
}

type interestJSON struct {
	ID             string            `json:"id" doc:"The interest: one per member and posting (<posting_id>:<member_id>); one whose member deleted their account keeps a unique <posting_id>:~<random>."`
	PostingID      string            `json:"posting_id"`
	MemberID       string            `json:"member_id" example:"carmen"`
	MemberName     string            `json:"member_name,omitempty" example:"Carmen Ruiz"`
	Message        string            `json:"message,omitempty" example:"I have two years of survey analysis from my last role."`
	ReferralToken  string            `json:"referral_token,omitempty"`
	Chain          []chainMemberJSON `json:"chain" doc:"The people the lead travelled through, poster first."`
	CreatedAt      time.Time         `json:"created_at"`
	ShareWithChain bool              `json:"share_with_chain" doc:"Whether the people credited on the chain are told who you are."`
}

func toInterestJSON(in *warmlead.Interest) interestJSON {
	id := in.ID
	if id == "" {
		id = in.PostingID + ":" + in.MemberID
	}
	out := interestJSON{ID: id, PostingID: in.PostingID, MemberID: in.MemberID, MemberName: in.MemberName, Message: in.Message,
		ReferralToken: in.ReferralToken, Chain: make([]chainMemberJSON, len(in.Chain)), CreatedAt: in.CreatedAt, ShareWithChain: in.ShareWithChain}
	for i, id := range in.Chain {
		out.Chain[i].ID = id
		if i < len(in.ChainNames) {
			out.Chain[i].Name = in.ChainNames[i]
		}
	}
	return out
}

type expressInterestInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The posting's id."`
	Body struct {
		Message        string `json:"message,omitempty" text:"multiline" maxLength:"1000" example:"I'd love to help; I can start in January."`
		ReferralToken  string `json:"referral_token,omitempty" maxLength:"64" doc:"The link you came through: everyone on its chain is credited."`
		ShareWithChain bool   `json:"share_with_chain,omitempty" doc:"Name yourself to the people on the chain who are credited (default false: they learn that someone was interested, not who). The poster and the organisation's admins always see who you are."`
	}
}

type interestOutput struct {
	Status int
	Body   interestJSON
}

func handleExpressInterest(interests warmlead.InterestService) func(context.Context, *expressInterestInput) (*interestOutput, error) {
	return func(ctx context.Context, in *expressInterestInput) (*interestOutput, error) {
		got, created, err := interests.ExpressInterest(ctx, caller(ctx), in.ID, in.Body.Message, in.Body.ReferralToken, in.Body.ShareWithChain)
		if err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &interestOutput{Status: status, Body: toInterestJSON(got)}, nil
	}
}

type listInterestsInput struct {
	ID string `path:"id" maxLength:"64"`
	PageParams
}

type interestPageOutput struct {
	Body struct {
		Items      []interestJSON `json:"items"`
		NextCursor *string        `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

func handleListInterests(interests warmlead.InterestService) func(context.Context, *listInterestsInput) (*interestPageOutput, error) {
	return func(ctx context.Context, in *listInterestsInput) (*interestPageOutput, error) {
		pg, err := interests.ListInterests(ctx, caller(ctx), in.ID, in.request())
		if err != nil {
			return nil, err
		}
		out := &interestPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]interestJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, it := range pg.Items {
			out.Body.Items[i] = toInterestJSON(it)
		}
		return out, nil
	}
}
