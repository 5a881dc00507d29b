package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// bearerScheme names the security scheme of every private operation.
const bearerScheme = "bearer"

var private = []map[string][]string{{bearerScheme: {}}}

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
}

// register adds an operation with the settings every operation shares.
func register[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	op.MaxBodyBytes = MaxBodyBytes
	huma.Register(api, op, h)
}
