package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

type callerKey struct{}

// callerFromGateway reads the member id from the API Gateway v2 request
// context. The HTTP API's JWT authorizer (or the local gateway) has already
// verified the token; this function never re-verifies it.
func callerFromGateway(ctx context.Context) (string, bool) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(ctx)
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return "", false
	}
	sub := rc.Authorizer.JWT.Claims["sub"]
	return sub, sub != ""
}

// requireIdentity puts the caller's id in the context of every request that
// carries one, and answers 401 for private operations that carry none —
// before the body is read, so an anonymous caller learns nothing else.
func requireIdentity(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		id, ok := callerFromGateway(ctx.Context())
		if ok && warmlead.ValidateMemberID(id) != nil {
			ok = false
		}
		if ok {
			ctx = huma.WithValue(ctx, callerKey{}, id)
		} else if needsIdentity(ctx.Operation()) {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="warmlead"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "A bearer token is required.",
				&huma.ErrorDetail{Location: "header.Authorization", Message: "missing or not accepted"})
			return
		}
		next(ctx)
	}
}

// caller returns the authenticated member id; private handlers can rely on it.
func caller(ctx context.Context) string {
	id, _ := ctx.Value(callerKey{}).(string)
	return id
}

// requestID is the API Gateway request id, or "" outside API Gateway.
func requestID(ctx context.Context) string {
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(ctx); ok {
		return rc.RequestID
	}
	return ""
}

func asDomainError(err error) (*warmlead.Error, bool) {
	var e *warmlead.Error
	ok := errors.As(err, &e)
	return e, ok
}

// needsIdentity reports whether op requires a token: it lists security
// requirements and none of them is the empty one that makes a token
// optional.
func needsIdentity(op *huma.Operation) bool {
	for _, req := range op.Security {
		if len(req) == 0 {
			return false
		}
	}
	return len(op.Security) > 0
}
