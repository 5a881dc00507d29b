package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
)

// bearerScheme names the security scheme of every private operation.
const bearerScheme = "bearer"

var (
	private = []map[string][]string{{bearerScheme: {}}}
	// optional: anonymous callers see public leads, members see more.
	optional = []map[string][]string{{}, {bearerScheme: {}}}
)

// addRoutes is the whole API surface. Operations with Security need a member
// identity (requireIdentity); the others are public.
func addRoutes(api huma.API, logger *slog.Logger, svc Services) {
	register(api, huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz",
		Summary: "Liveness check", Tags: []string{"Operations"}}, handleHealthz())

	register(api, huma.Operation{OperationID: "put-me", Method: http.MethodPut, Path: "/me", Security: private,
		Summary: "Create or update your profile", Tags: []string{"Members"},
		Description: "Creates your profile on first call (201) and replaces its editable fields afterwards (200)."},
		handlePutMe(logger, svc.Members))
	register(api, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/me", Security: private,
		Summary: "Your profile", Tags: []string{"Members"}}, handleGetMe(logger, svc.Members))
	register(api, huma.Operation{OperationID: "get-member", Method: http.MethodGet, Path: "/members/{id}", Security: private,
		Summary: "A member's public profile", Tags: []string{"Members"}}, handleGetMember(logger, svc.Members))

	// --- Organisations ---

	// --- Connections ---

	// --- Postings ---
	register(api, huma.Operation{OperationID: "create-posting", Method: http.MethodPost, Path: "/postings", Security: private,
		DefaultStatus: http.StatusCreated, Summary: "Post a lead", Tags: []string{"Postings"},
		Description: "Creates an open lead. With org_id, posts on behalf of an organisation you administer. " +
			"Send an Idempotency-Key to make retries safe."}, handleCreatePosting(logger, svc.Postings))
	register(api, huma.Operation{OperationID: "get-posting", Method: http.MethodGet, Path: "/postings/{id}", Security: optional,
		Summary: "A lead", Tags: []string{"Postings"},
		Description: "Network and org leads are visible to the poster's connections and the organisation's members only; to others they do not exist (404)."},
		handleGetPosting(logger, svc.Postings))
	register(api, huma.Operation{OperationID: "patch-posting", Method: http.MethodPatch, Path: "/postings/{id}", Security: private,
		Summary: "Edit a lead", Tags: []string{"Postings"},
		Description: "A JSON merge patch (RFC 7396) of the editable fields, with If-Match carrying the ETag you read. Poster or org admins only."},
		handlePatchPosting(logger, svc.Postings))
	documentMergePatch(api, "/postings/{id}", reflect.TypeOf(postingBody{}))
	register(api, huma.Operation{OperationID: "close-posting", Method: http.MethodPost, Path: "/postings/{id}/close", Security: private,
		Summary: "Close a lead", Tags: []string{"Postings"}}, handleClosePosting(logger, svc.Postings))
	register(api, huma.Operation{OperationID: "list-my-postings", Method: http.MethodGet, Path: "/me/postings", Security: private,
		Summary: "Your leads, newest first", Tags: []string{"Postings"}}, handleListMyPostings(logger, svc.Postings))
	register(api, huma.Operation{OperationID: "browse-postings", Method: http.MethodGet, Path: "/postings", Security: optional,
		Summary: "Browse open leads, newest first", Tags: []string{"Postings"},
		Description: "Only open, unexpired leads you may see. Filters combine; audience matches leads for that audience or for anyone."},
		handleBrowsePostings(logger, svc.Postings))
	// In AWS a route has the JWT authorizer or none, so anonymous readers
	// use these twins (no authorizer); they only ever see public leads.
	register(api, huma.Operation{OperationID: "browse-public-postings", Method: http.MethodGet, Path: "/public/postings",
		Summary: "Browse public leads (no token)", Tags: []string{"Postings"}}, anonymously(handleBrowsePostings(logger, svc.Postings)))
	register(api, huma.Operation{OperationID: "get-public-posting", Method: http.MethodGet, Path: "/public/postings/{id}",
		Summary: "A public lead (no token)", Tags: []string{"Postings"}}, anonymously(handleGetPosting(logger, svc.Postings)))
}

// register adds an operation with the settings every operation shares.
func register[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	op.MaxBodyBytes = MaxBodyBytes
	huma.Register(api, op, h)
}

// anonymously runs h as if the caller carried no token.
func anonymously[I, O any](h func(context.Context, *I) (*O, error)) func(context.Context, *I) (*O, error) {
	return func(ctx context.Context, in *I) (*O, error) {
		return h(context.WithValue(ctx, callerKey{}, ""), in)
	}
}
