package httpapi

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Follow-ups and email (docs/followups.md, docs/email.md).

type outcome string

func (outcome) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Outcomes, "How it turned out.")
}

type frequency string

func (frequency) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Frequencies, "When to email: at once, in the daily or weekly digest, or never.")
}

// --- POST /connections/{id}/touch ---

type touchInput struct {
	ID   string `path:"id" maxLength:"260" doc:"The connection's id."`
	Body *struct {
		Note string `json:"note,omitempty" text:"multiline" maxLength:"500" doc:"What you did (a call, a coffee); kept with the connection."`
	}
}

type touchOutput struct {
	Body struct {
		ID        string    `json:"id"`
		TouchedAt time.Time `json:"touched_at"`
	}
}

func handleTouchConnection(svc warmlead.FollowUpService) func(context.Context, *touchInput) (*touchOutput, error) {
	return func(ctx context.Context, in *touchInput) (*touchOutput, error) {
		note := ""
		if in.Body != nil {
			clean, problem := warmlead.CleanText(in.Body.Note, true)
			if problem != warmlead.TextOK {
				return nil, warmlead.Invalid(warmlead.FieldError{Field: "note", Message: string(problem)})
			}
			note = clean
		}
		at, err := svc.TouchConnection(ctx, caller(ctx), in.ID, note)
		if err != nil {
			return nil, err
		}
		out := &touchOutput{}
		out.Body.ID, out.Body.TouchedAt = in.ID, at
		return out, nil
	}
}

// --- POST /postings/{id}/interest/outcome ---

type outcomeInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The lead's id."`
	Body struct {
		Outcome outcome `json:"outcome" example:"hired"`
	}
}

type outcomeOutput struct {
	Body struct {
		PostingID string    `json:"posting_id"`
		MemberID  string    `json:"member_id"`
		Outcome   string    `json:"outcome"`
		OutcomeAt time.Time `json:"outcome_at"`
	}
}

func handleRecordOutcome(svc warmlead.FollowUpService) func(context.Context, *outcomeInput) (*outcomeOutput, error) {
	return func(ctx context.Context, in *outcomeInput) (*outcomeOutput, error) {
		got, err := svc.RecordOutcome(ctx, caller(ctx), in.ID, warmlead.Outcome(in.Body.Outcome))
		if err != nil {
			return nil, err
		}
		out := &outcomeOutput{}
		out.Body.PostingID, out.Body.MemberID, out.Body.Outcome, out.Body.OutcomeAt = got.PostingID, got.MemberID, string(got.Outcome), got.OutcomeAt
		return out, nil
	}
}

// --- GET/PUT /me/notification-settings ---

type settingsJSON struct {
	Address      string               `json:"address" doc:"Where email goes: the verified email of your sign-in token (empty: none yet)."`
	Email        map[string]frequency `json:"email" doc:"For each notification type, when to email it."`
	KeepWarmDays int                  `json:"keep_warm_days" doc:"Nudge me about connections untouched for longer than this many days (0: never)." example:"90"`
}

type settingsOutput struct {
	Body settingsJSON
}

func toSettingsJSON(s *warmlead.NotificationSettings) settingsJSON {
	out := settingsJSON{Address: s.Email, Email: map[string]frequency{}, KeepWarmDays: s.KeepWarmDays}
	for _, t := range warmlead.NotificationTypes {
		out.Email[string(t)] = frequency(s.FrequencyOf(t))
	}
	return out
}

func handleGetSettings(svc warmlead.SettingsService) func(context.Context, *struct{}) (*settingsOutput, error) {
	return func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
		s, err := svc.GetNotificationSettings(ctx, caller(ctx))
		if err != nil {
			return nil, err
		}
		return &settingsOutput{Body: toSettingsJSON(s)}, nil
	}
}

type putSettingsInput struct {
	Body struct {
		Email        map[string]frequency `json:"email,omitempty" doc:"Types to set; types left out keep their setting."`
		KeepWarmDays *int                 `json:"keep_warm_days,omitempty" minimum:"0" maximum:"3650"`
	}
}

func handlePutSettings(svc warmlead.SettingsService) func(context.Context, *putSettingsInput) (*settingsOutput, error) {
	return func(ctx context.Context, in *putSettingsInput) (*settingsOutput, error) {
		cur, err := svc.GetNotificationSettings(ctx, caller(ctx))
		if err != nil {
			return nil, err
		}
		var fields []warmlead.FieldError
		keys := make([]string, 0, len(in.Body.Email))
		for k := range in.Body.Email {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !oneOfTypes(k) {
				fields = append(fields, warmlead.FieldError{Field: "email." + k, Message: "is not a notification type"})
				continue
			}
			cur.Frequencies[warmlead.NotificationType(k)] = warmlead.Frequency(in.Body.Email[k])
		}
		if len(fields) > 0 {
			return nil, warmlead.Invalid(fields...)
		}
		if in.Body.KeepWarmDays != nil {
			cur.KeepWarmDays = *in.Body.KeepWarmDays
		}
		s, err := svc.PutNotificationSettings(ctx, caller(ctx), cur)
		if err != nil {
			return nil, err
		}
		return &settingsOutput{Body: toSettingsJSON(s)}, nil
	}
}

func oneOfTypes(k string) bool {
	for _, t := range warmlead.NotificationTypes {
		if string(t) == k {
			return true
		}
	}
	return false
}

// --- GET /unsubscribe/{token}: the page a person opens from the email ---

type unsubscribePageInput struct {
	Token string `path:"token" maxLength:"1024" doc:"The signed token of the List-Unsubscribe link."`
}

// handleUnsubscribePage shows what the link would do and a button that
// POSTs it: a GET never unsubscribes, since mail scanners open links.
func handleUnsubscribePage(cfg *Config) func(context.Context, *unsubscribePageInput) (*rawOutput, error) {
	return func(_ context.Context, in *unsubscribePageInput) (*rawOutput, error) {
		_, scope, ok := warmlead.VerifyUnsubscribe(cfg.UnsubscribeSecret, in.Token)
		if !ok {
			return renderPage(http.StatusNotFound, "notfound.html", goneValues(cfg, "This unsubscribe link is not valid",
				"It may have been cut when it was copied. You can change which emails you get in your notification settings."))
		}
		what := "emails about " + strings.ReplaceAll(scope, "_", " ")
		if scope == warmlead.UnsubscribeAll {
			what = "all emails from Warmlead"
		}
		v := goneValues(cfg, "Unsubscribe?", "Stop "+what+". Your notifications stay in your inbox on Warmlead.")
		v["action"] = cfg.PublicBaseURL + "/unsubscribe/" + in.Token
		return renderPage(http.StatusOK, "unsubscribe.html", v)
	}
}

// --- POST /unsubscribe/{token} (public, RFC 8058 one-click) ---

type unsubscribeInput struct {
	Token   string `path:"token" maxLength:"1024" doc:"The signed token of the List-Unsubscribe link."`
	RawBody []byte `contentType:"application/x-www-form-urlencoded"`
}

type unsubscribeOutput struct {
	Body struct {
		Unsubscribed string `json:"unsubscribed" doc:"The notification type no longer emailed, or \"all\"." example:"new_lead"`
	}
}

func handleUnsubscribe(cfg *Config, svc warmlead.SettingsService) func(context.Context, *unsubscribeInput) (*unsubscribeOutput, error) {
	return func(ctx context.Context, in *unsubscribeInput) (*unsubscribeOutput, error) {
		member, scope, ok := warmlead.VerifyUnsubscribe(cfg.UnsubscribeSecret, in.Token)
		if !ok {
			return nil, warmlead.Errorf(warmlead.ENOTFOUND, "This unsubscribe link is not valid.")
		}
		t := warmlead.NotificationType(scope)
		if scope == warmlead.UnsubscribeAll {
			t = ""
		}
		if err := svc.Unsubscribe(ctx, member, t); err != nil {
			return nil, err
		}
		out := &unsubscribeOutput{}
		out.Body.Unsubscribed = scope
		return out, nil
	}
}

// verifiedEmail is the token's email claim when email_verified is true
// (claims as API Gateway's JWT authorizer, or the local gateway, put them).
func verifiedEmail(ctx context.Context) string {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(ctx)
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return ""
	}
	c := rc.Authorizer.JWT.Claims
	if c["email_verified"] != "true" || c["email"] == "" || len(c["email"]) > 254 {
		return ""
	}
	return c["email"]
}

// storeVerifiedEmail keeps the member's verified address for email.
func storeVerifiedEmail(ctx context.Context, svc warmlead.SettingsService, memberID string) error {
	if svc == nil {
		return nil
	}
	if email := verifiedEmail(ctx); email != "" {
		return svc.SetMemberEmail(ctx, memberID, email)
	}
	return nil
}

func addFollowUpRoutes(api huma.API, cfg *Config, svc Services) {
	register(api, huma.Operation{OperationID: "touch-connection", Method: http.MethodPost, Path: "/connections/{id}/touch", Security: private,
		Summary: "Note that you kept a connection warm", Tags: []string{"Connections"},
		Description: "Resets the keep-warm clock of an accepted connection of yours."}, handleTouchConnection(svc.FollowUps))
	register(api, huma.Operation{OperationID: "record-outcome", Method: http.MethodPost, Path: "/postings/{id}/interest/outcome", Security: private,
		Summary: "Say how your interest in a lead turned out", Tags: []string{"Interest"},
		Description: "hired thanks everyone on the chain it came through."}, handleRecordOutcome(svc.FollowUps))
	register(api, huma.Operation{OperationID: "get-notification-settings", Method: http.MethodGet, Path: "/me/notification-settings", Security: private,
		Summary: "Your email settings", Tags: []string{"Notifications"}}, handleGetSettings(svc.Settings))
	register(api, huma.Operation{OperationID: "put-notification-settings", Method: http.MethodPut, Path: "/me/notification-settings", Security: private,
		Summary: "Change your email settings", Tags: []string{"Notifications"}}, handlePutSettings(svc.Settings))
	register(api, huma.Operation{OperationID: "unsubscribe-page", Method: http.MethodGet, Path: "/unsubscribe/{token}",
		Summary: "The page an email's unsubscribe link opens (HTML)", Tags: []string{"Notifications"},
		Description: "Asks before it unsubscribes: opening a link (a mail scanner prefetching it, too) changes nothing; " +
			"its button POSTs to the same address (docs/email.md).", Responses: htmlOnly()}, handleUnsubscribePage(cfg))
	register(api, huma.Operation{OperationID: "unsubscribe", Method: http.MethodPost, Path: "/unsubscribe/{token}",
		Summary: "One-click unsubscribe (RFC 8058)", Tags: []string{"Notifications"},
		Description: "The List-Unsubscribe link of an email. No sign-in: the token is signed."}, handleUnsubscribe(cfg, svc.Settings))
}
