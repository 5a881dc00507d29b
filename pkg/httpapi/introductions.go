package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

type introStatus string

func (introStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.IntroStatuses, "requested -> forwarded | declined; forwarded -> introduced | declined.")
}

type introRole string

func (introRole) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.IntroRoles, "Introductions you asked for, were asked to make, or were introduced to.")
}

type introductionJSON struct {
	ID             string      `json:"id"`
	RequesterID    string      `json:"requester_id"`
	RequesterName  string      `json:"requester_name"`
	IntroducerID   string      `json:"introducer_id"`
	IntroducerName string      `json:"introducer_name"`
	TargetID       string      `json:"target_id,omitempty" doc:"Whom the introducer chose; the requester sees it only once that member accepted."`
	TargetName     string      `json:"target_name,omitempty"`
	Goal           string      `json:"goal"`
	Field          string      `json:"field"`
	Note           string      `json:"note,omitempty" doc:"The introducer's note to the target."`
	Status         introStatus `json:"status"`
	DeclinedBy     string      `json:"declined_by,omitempty" doc:"introducer or target; requester when the requester deleted their account while it was open. The requester is not told which member declined."`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

func toIntroductionJSON(in *warmlead.Introduction) introductionJSON {
	return introductionJSON{ID: in.ID, RequesterID: in.RequesterID, RequesterName: in.RequesterName,
		IntroducerID: in.IntroducerID, IntroducerName: in.IntroducerName, TargetID: in.TargetID, TargetName: in.TargetName,
		Goal: in.Goal, Field: in.Field, Note: in.Note, Status: introStatus(in.Status), DeclinedBy: string(in.DeclinedBy),
		CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
}

type createIntroductionInput struct {
	Body struct {
		IntroducerID string `json:"introducer_id" minLength:"1" maxLength:"128" example:"vera" doc:"One of your accepted connections."`
		Goal         string `json:"goal" text:"multiline" minLength:"1" maxLength:"500" example:"I'd like to learn how people move from teaching into UX research." doc:"What you hope to learn or find; multi-line."`
		Field        string `json:"field,omitempty" maxLength:"100" example:"UX research"`
	}
}

type introductionOutput struct {
	Status int
	Body   introductionJSON
}

type introIDInput struct {
	ID string `path:"id" maxLength:"26" doc:"The introduction's id."`
}

type forwardIntroductionInput struct {
	ID   string `path:"id" maxLength:"26" doc:"The introduction's id."`
	Body struct {
		TargetID string `json:"target_id" minLength:"1" maxLength:"128" example:"tom" doc:"One of your accepted connections."`
		Note     string `json:"note,omitempty" text:"multiline" maxLength:"1000" doc:"Why the two should meet; multi-line."`
	}
}

type listIntroductionsInput struct {
	Role introRole `query:"role" default:"requester" doc:"requester, introducer or target."`
	PageParams
}

type introductionPageOutput struct {
	Body struct {
		Items      []introductionJSON `json:"items"`
		NextCursor *string            `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

func handleCreateIntroduction(svc warmlead.IntroductionService) func(context.Context, *createIntroductionInput) (*introductionOutput, error) {
	return func(ctx context.Context, in *createIntroductionInput) (*introductionOutput, error) {
		got, err := svc.RequestIntroduction(ctx, caller(ctx), &warmlead.Introduction{IntroducerID: in.Body.IntroducerID,
			Goal: in.Body.Goal, Field: in.Body.Field})
		if err != nil {
			return nil, err
		}
		return &introductionOutput{Status: http.StatusCreated, Body: toIntroductionJSON(got)}, nil
	}
}

func handleIntroStep(svc warmlead.IntroductionService, act warmlead.IntroAction) func(context.Context, *introIDInput) (*introductionOutput, error) {
	return func(ctx context.Context, in *introIDInput) (*introductionOutput, error) {
		got, err := svc.StepIntroduction(ctx, caller(ctx), in.ID, act, "", "")
		if err != nil {
			return nil, err
		}
		return &introductionOutput{Status: http.StatusOK, Body: toIntroductionJSON(got)}, nil
	}
}

func handleForwardIntroduction(svc warmlead.IntroductionService) func(context.Context, *forwardIntroductionInput) (*introductionOutput, error) {
	return func(ctx context.Context, in *forwardIntroductionInput) (*introductionOutput, error) {
		got, err := svc.StepIntroduction(ctx, caller(ctx), in.ID, warmlead.IntroForward, in.Body.TargetID, in.Body.Note)
		if err != nil {
			return nil, err
		}
		return &introductionOutput{Status: http.StatusOK, Body: toIntroductionJSON(got)}, nil
	}
}

func handleGetIntroduction(svc warmlead.IntroductionService) func(context.Context, *introIDInput) (*introductionOutput, error) {
	return func(ctx context.Context, in *introIDInput) (*introductionOutput, error) {
		got, err := svc.FindIntroduction(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &introductionOutput{Status: http.StatusOK, Body: toIntroductionJSON(got)}, nil
	}
}

func handleListIntroductions(svc warmlead.IntroductionService) func(context.Context, *listIntroductionsInput) (*introductionPageOutput, error) {
	return func(ctx context.Context, in *listIntroductionsInput) (*introductionPageOutput, error) {
		role := warmlead.IntroRole(in.Role)
		if role == "" {
			role = warmlead.IntroAsRequester
		}
		pg, err := svc.ListIntroductions(ctx, caller(ctx), role, in.request())
		if err != nil {
			return nil, err
		}
		out := &introductionPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]introductionJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, x := range pg.Items {
			out.Body.Items[i] = toIntroductionJSON(x)
		}
		return out, nil
	}
}

func addIntroductionRoutes(api huma.API, svc Services) {
	tags := []string{"Introductions"}
	register(api, huma.Operation{OperationID: "create-introduction", Method: http.MethodPost, Path: "/introductions", Security: private,
		DefaultStatus: http.StatusCreated, Summary: "Ask a connection for a warm introduction", Tags: tags,
		Description: "The introducer (one of your accepted connections) is notified and chooses whom to forward it to among their own connections; " +
			"you never see their list."}, handleCreateIntroduction(svc.Introductions))
	register(api, huma.Operation{OperationID: "get-introduction", Method: http.MethodGet, Path: "/introductions/{id}", Security: private,
		Summary: "An introduction", Tags: tags, Description: "Its requester, introducer and (once forwarded) target only."},
		handleGetIntroduction(svc.Introductions))
	register(api, huma.Operation{OperationID: "forward-introduction", Method: http.MethodPost, Path: "/introductions/{id}/forward", Security: private,
		Summary: "Forward an introduction (introducer)", Tags: tags,
		Description: "To one of your accepted connections, with a note."}, handleForwardIntroduction(svc.Introductions))
	register(api, huma.Operation{OperationID: "decline-introduction", Method: http.MethodPost, Path: "/introductions/{id}/decline", Security: private,
		Summary: "Decline an introduction (introducer or target)", Tags: tags}, handleIntroStep(svc.Introductions, warmlead.IntroDecline))
	register(api, huma.Operation{OperationID: "accept-introduction", Method: http.MethodPost, Path: "/introductions/{id}/accept", Security: private,
		Summary: "Accept an introduction (target)", Tags: tags,
		Description: "You and the requester become connected (met_via \"introduced by <introducer>\"); the introducer is credited."},
		handleIntroStep(svc.Introductions, warmlead.IntroAccept))
	register(api, huma.Operation{OperationID: "list-my-introductions", Method: http.MethodGet, Path: "/me/introductions", Security: private,
		Summary: "Your introductions, newest first", Tags: tags}, handleListIntroductions(svc.Introductions))
}
