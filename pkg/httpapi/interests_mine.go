package httpapi

import (
	"context"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// myInterestJSON is one of the caller's own interests with its posting as it
// is now.
type myInterestJSON struct {
	interestJSON
	PostingTitle  string        `json:"posting_title" example:"UX research intern"`
	PostingStatus postingStatus `json:"posting_status" doc:"The lead's status now; expired once its valid_through has passed."`
}

type myInterestPageOutput struct {
	Body struct {
		Items      []myInterestJSON `json:"items"`
		NextCursor *string          `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

func handleListMyInterests(interests warmlead.InterestService) func(context.Context, *PageParams) (*myInterestPageOutput, error) {
	return func(ctx context.Context, in *PageParams) (*myInterestPageOutput, error) {
		pg, err := interests.ListMyInterests(ctx, caller(ctx), in.request())
		if err != nil {
			return nil, err
		}
		out := &myInterestPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]myInterestJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, it := range pg.Items {
			out.Body.Items[i] = myInterestJSON{interestJSON: toInterestJSON(&it.Interest), PostingTitle: it.PostingTitle, PostingStatus: postingStatus(it.PostingStatus)}
		}
		return out, nil
	}
}

type postingPathInput struct {
	ID string `path:"id" maxLength:"64" doc:"The posting's id."`
}

func handleWithdrawInterest(interests warmlead.InterestService) func(context.Context, *postingPathInput) (*struct{}, error) {
	return func(ctx context.Context, in *postingPathInput) (*struct{}, error) {
		return nil, interests.WithdrawInterest(ctx, caller(ctx), in.ID)
	}
}

func handleRevokeReferral(referrals warmlead.ReferralService) func(context.Context, *tokenInput) (*struct{}, error) {
	return func(ctx context.Context, in *tokenInput) (*struct{}, error) {
		return nil, referrals.RevokeReferral(ctx, caller(ctx), in.Token)
	}
}
