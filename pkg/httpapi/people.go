package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// The people side: advice offers and informational-interview requests
// (docs/people.md).

type adviceFormat string

func (adviceFormat) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.AdviceFormats, "How to meet.")
}

type offerStatus string

func (offerStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.OfferStatuses, "open takes new requests; paused does not.")
}

type adviceStatus string

func (adviceStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.AdviceStatuses, "requested -> accepted | declined | withdrawn; accepted -> held -> thanked.")
}

type adviceRole string

func (adviceRole) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.AdviceRoles, "Requests you received (advisor) or sent (requester).")
}

type offerBody struct {
	Topics          []string       `json:"topics" minItems:"1" maxItems:"10" example:"[\"veterinary medicine\",\"small animals\"]" doc:"What you can talk about: keywords of 1-50 characters."`
	Formats         []adviceFormat `json:"formats" maxItems:"4" example:"[\"video\",\"coffee\"]" doc:"How you are willing to meet."`
	MonthlyCapacity int            `json:"monthly_capacity" minimum:"1" maximum:"20" example:"3" doc:"At most this many requests are accepted per calendar month (UTC)."`
	Status          offerStatus    `json:"status" example:"open"`
	Note            string         `json:"note,omitempty" text:"multiline" maxLength:"1000" example:"Happy to talk about vet school and clinic life." doc:"Anything a requester should know; multi-line."`
}

type offerJSON struct {
	ID                 string         `json:"id" doc:"The offer: one per member, so its member's id."`
	MemberID           string         `json:"member_id" example:"vera"`
	Name               string         `json:"name" example:"Vera Okafor"`
	Headline           string         `json:"headline"`
	Topics             []string       `json:"topics"`
	Formats            []adviceFormat `json:"formats"`
	MonthlyCapacity    int            `json:"monthly_capacity"`
	Status             offerStatus    `json:"status"`
	Note               string         `json:"note"`
	RemainingThisMonth int            `json:"remaining_this_month" doc:"How many more requests the advisor can accept this calendar month (UTC)."`
	UpdatedAt          time.Time      `json:"updated_at"`
}

func toOfferJSON(o *warmlead.Offer) offerJSON {
	formats := make([]adviceFormat, len(o.Formats))
	for i, f := range o.Formats {
		formats[i] = adviceFormat(f)
	}
	return offerJSON{ID: o.MemberID, MemberID: o.MemberID, Name: o.Name, Headline: o.Headline, Topics: o.Topics, Formats: formats,
		MonthlyCapacity: o.MonthlyCapacity, Status: offerStatus(o.Status), Note: o.Note,
		RemainingThisMonth: o.RemainingThisMonth, UpdatedAt: o.UpdatedAt}
}

type putOfferInput struct{ Body offerBody }

type offerOutput struct {
	Status int
	Body   offerJSON
}

type memberPathInput struct {
	ID string `path:"id" maxLength:"128" doc:"The member's id."`
}

type listOffersInput struct {
	Q      string       `query:"q" maxLength:"200" doc:"Words that must each match a topic, the advisor's name or headline (the last word also as a prefix); case and accents ignored."`
	Topic  string       `query:"topic" maxLength:"50" doc:"One of the offer's topics."`
	OrgID  string       `query:"org_id" maxLength:"26" doc:"Only advisors in this organisation (you must belong to it)."`
	Format adviceFormat `query:"format" doc:"Only advisors who meet this way."`
	PageParams
}

type offerPageOutput struct {
	Body struct {
		Items      []offerJSON `json:"items"`
		NextCursor *string     `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

func handlePutOffer(svc warmlead.AdviceService) func(context.Context, *putOfferInput) (*offerOutput, error) {
	return func(ctx context.Context, in *putOfferInput) (*offerOutput, error) {
		formats := make([]warmlead.AdviceFormat, len(in.Body.Formats))
		for i, f := range in.Body.Formats {
			formats[i] = warmlead.AdviceFormat(f)
		}
		o, created, err := svc.PutOffer(ctx, caller(ctx), &warmlead.Offer{Topics: in.Body.Topics, Formats: formats,
			MonthlyCapacity: in.Body.MonthlyCapacity, Status: warmlead.OfferStatus(in.Body.Status), Note: in.Body.Note})
		if err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &offerOutput{Status: status, Body: toOfferJSON(o)}, nil
	}
}

func handleDeleteOffer(svc warmlead.AdviceService) func(context.Context, *struct{}) (*struct{}, error) {
	return func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		return nil, svc.DeleteOffer(ctx, caller(ctx))
	}
}

func handleGetOffer(svc warmlead.AdviceService) func(context.Context, *memberPathInput) (*offerOutput, error) {
	return func(ctx context.Context, in *memberPathInput) (*offerOutput, error) {
		o, err := svc.FindOffer(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &offerOutput{Status: http.StatusOK, Body: toOfferJSON(o)}, nil
	}
}

func handleListOffers(svc warmlead.AdviceService) func(context.Context, *listOffersInput) (*offerPageOutput, error) {
	return func(ctx context.Context, in *listOffersInput) (*offerPageOutput, error) {
		f := warmlead.OfferFilter{Q: in.Q, Topic: in.Topic, OrgID: in.OrgID, Format: warmlead.AdviceFormat(in.Format)}
		for loc, v := range map[string]*string{"q": &f.Q, "topic": &f.Topic} {
			clean, p := warmlead.CleanText(*v, false)
			if p != warmlead.TextOK {
				return nil, warmlead.Invalid(warmlead.FieldError{Field: loc, Message: string(p)})
			}
			*v = clean
		}
		pg, err := svc.ListOffers(ctx, caller(ctx), f, in.request())
		if err != nil {
			return nil, err
		}
		out := &offerPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]offerJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, o := range pg.Items {
			out.Body.Items[i] = toOfferJSON(o)
		}
		return out, nil
	}
}

type adviceRequestBody struct {
	AdvisorID string       `json:"advisor_id" minLength:"1" maxLength:"128" example:"vera" doc:"The advisor: a member with an open offer you may see."`
	Pitch     string       `json:"pitch" text:"multiline" minLength:"1" maxLength:"2000" example:"I'm a biology student thinking about veterinary medicine..." doc:"Who you are and what you want to learn; multi-line."`
	Questions []string     `json:"questions,omitempty" maxItems:"12" example:"[\"What surprised you in your first year?\"]" doc:"Up to 12 questions you prepared, each up to 300 characters."`
	Format    adviceFormat `json:"format" example:"coffee" doc:"One of the formats the advisor offers."`
}

type adviceRequestJSON struct {
	ID            string       `json:"id"`
	RequesterID   string       `json:"requester_id"`
	RequesterName string       `json:"requester_name"`
	AdvisorID     string       `json:"advisor_id"`
	AdvisorName   string       `json:"advisor_name"`
	Pitch         string       `json:"pitch"`
	Questions     []string     `json:"questions"`
	Format        adviceFormat `json:"format"`
	Status        adviceStatus `json:"status"`
	Message       string       `json:"message" doc:"The advisor's message when accepting or declining."`
	ProposedTimes []string     `json:"proposed_times" doc:"Times the advisor proposed (RFC 3339, UTC)."`
	ThankMessage  string       `json:"thank_message"`
	HeldOn        string       `json:"held_on,omitempty" doc:"The day the conversation took place (YYYY-MM-DD)."`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	AcceptedAt    *time.Time   `json:"accepted_at,omitempty"`
	HeldAt        *time.Time   `json:"held_at,omitempty" doc:"When it was marked held."`
	ThankedAt     *time.Time   `json:"thanked_at,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toAdviceRequestJSON(r *warmlead.AdviceRequest) adviceRequestJSON {
	return adviceRequestJSON{ID: r.ID, RequesterID: r.RequesterID, RequesterName: r.RequesterName, AdvisorID: r.AdvisorID,
		AdvisorName: r.AdvisorName, Pitch: r.Pitch, Questions: r.Questions, Format: adviceFormat(r.Format),
		Status: adviceStatus(r.Status), Message: r.Message, ProposedTimes: r.ProposedTimes, ThankMessage: r.ThankMessage,
		HeldOn: r.HeldOn, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, AcceptedAt: optTime(r.AcceptedAt),
		HeldAt: optTime(r.HeldAt), ThankedAt: optTime(r.ThankedAt)}
}

type createAdviceRequestInput struct{ Body adviceRequestBody }

type adviceRequestOutput struct {
	Status int
	Body   adviceRequestJSON
}

type adviceIDInput struct {
	ID string `path:"id" maxLength:"26" doc:"The request's id."`
}

type acceptAdviceInput struct {
	ID   string `path:"id" maxLength:"26" doc:"The request's id."`
	Body *struct {
		Message       string      `json:"message,omitempty" text:"multiline" maxLength:"2000" doc:"Your answer; multi-line."`
		ProposedTimes []time.Time `json:"proposed_times,omitempty" maxItems:"5" doc:"Times you propose (RFC 3339)."`
	}
}

type messageInput struct {
	ID   string `path:"id" maxLength:"26" doc:"The request's id."`
	Body *struct {
		Message string `json:"message,omitempty" text:"multiline" maxLength:"2000" doc:"Multi-line."`
	}
}

type thankInput struct {
	ID   string `path:"id" maxLength:"26" doc:"The request's id."`
	Body struct {
		Message string `json:"message" text:"multiline" minLength:"1" maxLength:"2000" doc:"Your thanks; multi-line."`
	}
}

type heldInput struct {
	ID   string `path:"id" maxLength:"26" doc:"The request's id."`
	Body struct {
		HeldOn string `json:"held_on" format:"date" example:"2026-11-20" doc:"The day the conversation took place (YYYY-MM-DD), not in the future."`
	}
}

type listAdviceInput struct {
	Role   adviceRole   `query:"role" default:"requester" doc:"advisor: requests you received; requester: requests you sent."`
	Status adviceStatus `query:"status" doc:"Only requests with this status."`
	PageParams
}

type adviceRequestPageOutput struct {
	Body struct {
		Items      []adviceRequestJSON `json:"items"`
		NextCursor *string             `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

func handleCreateAdviceRequest(svc warmlead.AdviceService) func(context.Context, *createAdviceRequestInput) (*adviceRequestOutput, error) {
	return func(ctx context.Context, in *createAdviceRequestInput) (*adviceRequestOutput, error) {
		r, err := svc.RequestAdvice(ctx, caller(ctx), &warmlead.AdviceRequest{AdvisorID: in.Body.AdvisorID,
			Pitch: in.Body.Pitch, Questions: in.Body.Questions, Format: warmlead.AdviceFormat(in.Body.Format)})
		if err != nil {
			return nil, err
		}
		return &adviceRequestOutput{Status: http.StatusCreated, Body: toAdviceRequestJSON(r)}, nil
	}
}

func stepAdvice(ctx context.Context, svc warmlead.AdviceService, id string, st *warmlead.AdviceStep) (*adviceRequestOutput, error) {
	r, err := svc.StepAdvice(ctx, caller(ctx), id, st)
	if err != nil {
		return nil, err
	}
	return &adviceRequestOutput{Status: http.StatusOK, Body: toAdviceRequestJSON(r)}, nil
}

func handleAcceptAdvice(svc warmlead.AdviceService) func(context.Context, *acceptAdviceInput) (*adviceRequestOutput, error) {
	return func(ctx context.Context, in *acceptAdviceInput) (*adviceRequestOutput, error) {
		st := &warmlead.AdviceStep{Action: warmlead.ActAccept}
		if in.Body != nil {
			st.Message, st.ProposedTimes = in.Body.Message, in.Body.ProposedTimes
		}
		return stepAdvice(ctx, svc, in.ID, st)
	}
}

func handleMessageStep(svc warmlead.AdviceService, act warmlead.AdviceAction) func(context.Context, *messageInput) (*adviceRequestOutput, error) {
	return func(ctx context.Context, in *messageInput) (*adviceRequestOutput, error) {
		st := &warmlead.AdviceStep{Action: act}
		if in.Body != nil {
			st.Message = in.Body.Message
		}
		return stepAdvice(ctx, svc, in.ID, st)
	}
}

func handleHeldAdvice(svc warmlead.AdviceService) func(context.Context, *heldInput) (*adviceRequestOutput, error) {
	return func(ctx context.Context, in *heldInput) (*adviceRequestOutput, error) {
		return stepAdvice(ctx, svc, in.ID, &warmlead.AdviceStep{Action: warmlead.ActHeld, HeldOn: in.Body.HeldOn})
	}
}

func handleThankAdvice(svc warmlead.AdviceService) func(context.Context, *thankInput) (*adviceRequestOutput, error) {
	return func(ctx context.Context, in *thankInput) (*adviceRequestOutput, error) {
		return stepAdvice(ctx, svc, in.ID, &warmlead.AdviceStep{Action: warmlead.ActThank, Message: in.Body.Message})
	}
}

func handleGetAdviceRequest(svc warmlead.AdviceService) func(context.Context, *adviceIDInput) (*adviceRequestOutput, error) {
	return func(ctx context.Context, in *adviceIDInput) (*adviceRequestOutput, error) {
		r, err := svc.FindAdviceRequest(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &adviceRequestOutput{Status: http.StatusOK, Body: toAdviceRequestJSON(r)}, nil
	}
}

func handleListAdviceRequests(svc warmlead.AdviceService) func(context.Context, *listAdviceInput) (*adviceRequestPageOutput, error) {
	return func(ctx context.Context, in *listAdviceInput) (*adviceRequestPageOutput, error) {
		role := warmlead.AdviceRole(in.Role)
		if role == "" {
			role = warmlead.RoleRequester
		}
		pg, err := svc.ListAdviceRequests(ctx, caller(ctx), role, warmlead.AdviceStatus(in.Status), in.request())
		if err != nil {
			return nil, err
		}
		out := &adviceRequestPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]adviceRequestJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, r := range pg.Items {
			out.Body.Items[i] = toAdviceRequestJSON(r)
		}
		return out, nil
	}
}

// addPeopleRoutes registers the people side's operations (routes.go).
func addPeopleRoutes(api huma.API, svc Services) {
	tags := []string{"Advice"}
	register(api, huma.Operation{OperationID: "put-offer", Method: http.MethodPut, Path: "/me/offer", Security: private,
		Summary: "Offer informational interviews", Tags: tags,
		Description: "Creates (201) or replaces (200) your advice offer: topics, formats, a monthly capacity and open or paused. " +
			"Your accepted connections and fellow members of your organisations can find it."}, handlePutOffer(svc.Advice))
	register(api, huma.Operation{OperationID: "delete-offer", Method: http.MethodDelete, Path: "/me/offer", Security: private,
		Summary: "Withdraw your advice offer", Tags: tags}, handleDeleteOffer(svc.Advice))
	register(api, huma.Operation{OperationID: "get-member-offer", Method: http.MethodGet, Path: "/members/{id}/offer", Security: private,
		Summary: "A member's advice offer", Tags: tags,
		Description: "Visible to the member's accepted connections and fellow members of their organisations; to others it does not exist (404)."},
		handleGetOffer(svc.Advice))
	register(api, huma.Operation{OperationID: "list-offers", Method: http.MethodGet, Path: "/offers", Security: private,
		Summary: "Find an advisor", Tags: tags,
		Description: "Open offers you may see (your accepted connections' and your organisations' fellow members'), in order of member id, " +
			"each with remaining_this_month."}, handleListOffers(svc.Advice))
	register(api, huma.Operation{OperationID: "create-advice-request", Method: http.MethodPost, Path: "/advice-requests", Security: private,
		DefaultStatus: http.StatusCreated, Summary: "Ask for an informational interview", Tags: tags,
		Description: "Only to an open offer you may see; one open (requested or accepted) request per advisor at a time (409)."},
		handleCreateAdviceRequest(svc.Advice))
	register(api, huma.Operation{OperationID: "get-advice-request", Method: http.MethodGet, Path: "/advice-requests/{id}", Security: private,
		Summary: "An informational-interview request", Tags: tags, Description: "Its two sides only."}, handleGetAdviceRequest(svc.Advice))
	register(api, huma.Operation{OperationID: "accept-advice-request", Method: http.MethodPost, Path: "/advice-requests/{id}/accept", Security: private,
		Summary: "Accept a request (advisor)", Tags: tags,
		Description: "Never more accepted in a calendar month (UTC) than your offer's monthly_capacity, even under concurrent accepts (409 beyond it)."},
		handleAcceptAdvice(svc.Advice))
	register(api, huma.Operation{OperationID: "decline-advice-request", Method: http.MethodPost, Path: "/advice-requests/{id}/decline", Security: private,
		Summary: "Decline a request (advisor)", Tags: tags}, handleMessageStep(svc.Advice, warmlead.ActDecline))
	register(api, huma.Operation{OperationID: "withdraw-advice-request", Method: http.MethodPost, Path: "/advice-requests/{id}/withdraw", Security: private,
		Summary: "Withdraw a request (requester)", Tags: tags}, handleMessageStep(svc.Advice, warmlead.ActWithdraw))
	register(api, huma.Operation{OperationID: "held-advice-request", Method: http.MethodPost, Path: "/advice-requests/{id}/held", Security: private,
		Summary: "Record that the conversation took place", Tags: tags,
		Description: "Either side. Connects the two of you (met_via \"informational interview\") if you were not."},
		handleHeldAdvice(svc.Advice))
	register(api, huma.Operation{OperationID: "thank-advice-request", Method: http.MethodPost, Path: "/advice-requests/{id}/thank", Security: private,
		Summary: "Thank the advisor (requester)", Tags: tags}, handleThankAdvice(svc.Advice))
	register(api, huma.Operation{OperationID: "list-my-advice-requests", Method: http.MethodGet, Path: "/me/advice-requests", Security: private,
		Summary: "Your informational-interview requests, newest first", Tags: tags}, handleListAdviceRequests(svc.Advice))
	addIntroductionRoutes(api, svc)
}
