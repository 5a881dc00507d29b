package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Your data: export and deletion (docs/people.md, "Your data").

type exportItemJSON struct {
	Kind   string         `json:"kind" example:"Member" doc:"What it is (the stored item's type)."`
	Fields map[string]any `json:"fields" doc:"Everything stored in it."`
}

type exportOutput struct {
	Body struct {
		MemberID   string           `json:"member_id"`
		ExportedAt time.Time        `json:"exported_at"`
		Items      []exportItemJSON `json:"items"`
	}
}

func handleExportMe(svc warmlead.AccountService) func(context.Context, *struct{}) (*exportOutput, error) {
	return func(ctx context.Context, _ *struct{}) (*exportOutput, error) {
		items, err := svc.ExportMember(ctx, caller(ctx))
		if err != nil {
			return nil, err
		}
		out := &exportOutput{}
		out.Body.MemberID, out.Body.ExportedAt, out.Body.Items = caller(ctx), time.Now().UTC(), make([]exportItemJSON, len(items))
		for i, it := range items {
			out.Body.Items[i] = exportItemJSON{Kind: snakeCase(it.Kind), Fields: snakeKeys(it.Fields).(map[string]any)}
		}
		return out, nil
	}
}

func handleDeleteMe(svc warmlead.AccountService) func(context.Context, *struct{}) (*struct{}, error) {
	return func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		if err := svc.DeleteMember(ctx, caller(ctx)); err != nil {
			return nil, err
		}
		return nil, nil
	}
}

// addAccountRoutes registers GET /me/export and DELETE /me.
func addAccountRoutes(api huma.API, svc Services) {
	register(api, huma.Operation{OperationID: "export-me", Method: http.MethodGet, Path: "/me/export", Security: private,
		Summary: "Everything Warmlead holds about you", Tags: []string{"Members"},
		Description: "Your profile, connections, memberships, invitations, offer, informational-interview requests, introductions, postings, referral links, interests and notifications, as stored."},
		handleExportMe(svc.Account))
	register(api, huma.Operation{OperationID: "delete-me", Method: http.MethodDelete, Path: "/me", Security: private,
		DefaultStatus: http.StatusNoContent, Summary: "Delete your data", Tags: []string{"Members"},
		Description: "Deletes your profile, connections (both sides), memberships, invitations, offer, notifications and counters; closes your postings; " +
			"keeps what others need with your id removed and your name shown as \"a former member\" (your interests in their postings, requests and introductions with them, your referral links). " +
			"409 if you are the last admin of an active organisation: make someone else admin or archive it first. Safe to repeat."},
		handleDeleteMe(svc.Account))
}

// snakeKeys gives stored attribute names the API's snake_case, at every
// depth (the export is JSON like the rest of the API: docs/rules.md).
func snakeKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[snakeCase(k)] = snakeKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = snakeKeys(e)
		}
		return out
	}
	return v
}

// snakeCase turns PostingID into posting_id, CreatedAt into created_at and
// AdviceRequest into advice_request: a new word starts at an upper-case
// letter that follows a lower-case one or a digit, or that begins the end
// of an acronym (URLPath: url_path).
func snakeCase(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		upper := unicode.IsUpper(c)
		if upper && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
