package httpapi

import (
	"context"
	"net"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

type visitKey struct{}

// withVisit notes, for the landing page, what counting a click needs from
// the request: its method, its User-Agent and who the visitor is (the
// signed-in member, else source address and User-Agent, which the store
// hashes with a secret salt; docs/rules.md, "Clicks").
func withVisit(ctx huma.Context, next func(huma.Context)) {
	if ctx.Operation() == nil || ctx.Operation().OperationID != "open-referral" {
		next(ctx)
		return
	}
	ua := ctx.Header("User-Agent")
	v := warmlead.Visit{Head: ctx.Method() == http.MethodHead, UserAgent: ua}
	if id := caller(ctx.Context()); id != "" {
		v.VisitorID = "member\x00" + id
	} else {
		v.VisitorID = "anonymous\x00" + sourceIP(ctx) + "\x00" + ua
	}
	next(huma.WithValue(ctx, visitKey{}, v))
}

// sourceIP is the client's address as API Gateway saw it (the adapter's
// remote address outside API Gateway).
func sourceIP(ctx huma.Context) string {
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(ctx.Context()); ok && rc.HTTP.SourceIP != "" {
		return rc.HTTP.SourceIP
	}
	host, _, err := net.SplitHostPort(ctx.RemoteAddr())
	if err != nil {
		return ctx.RemoteAddr()
	}
	return host
}

// visitOf returns the visit withVisit noted.
func visitOf(ctx context.Context) warmlead.Visit {
	v, _ := ctx.Value(visitKey{}).(warmlead.Visit)
	return v
}
