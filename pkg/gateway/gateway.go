// Package gateway serves an http.Handler from API Gateway HTTP API
// (payload 2.0) events. It is the one adapter boundary: functions/api in
// AWS, the local gateway (infra/localgw) and the tests (infra/apigwtest)
// all call Adapter.Proxy, so the handler sees the same request everywhere.
//
// It builds the request with aws-lambda-go-api-proxy's RequestAccessorV2
// (httpadapter.NewV2's own conversion) and then puts every header back as
// API Gateway delivered it. The accessor splits header values at commas and
// hands the pieces over as separate values, so Header.Get saw only the
// first: `Idempotency-Key: spring-batch,a` read as `spring-batch`, an
// `If-Match` listing two ETags as the first, an `Accept` with several types
// as the first type (docs/rules.md, "Headers").
package gateway

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// Adapter runs API Gateway v2 events through an http.Handler.
type Adapter struct {
	accessor core.RequestAccessorV2
	handler  http.Handler
}

// New wraps h.
func New(h http.Handler) *Adapter { return &Adapter{handler: h} }

// Proxy converts ev into an *http.Request whose headers are exactly the
// event's, serves it and returns the response API Gateway sends back.
// Errors mirror httpadapter's: a request that cannot be built is a
// gateway error.
func (a *Adapter) Proxy(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	req, err := a.accessor.EventToRequestWithContext(ctx, ev)
	if err != nil {
		return core.GatewayTimeoutV2(), core.NewLoggedError("Could not convert proxy event to request: %v", err)
	}
	RestoreHeaders(req, ev.Headers)
	w := core.NewProxyResponseWriterV2()
	a.handler.ServeHTTP(http.ResponseWriter(w), req)
	res, err := w.GetProxyResponse()
	if err != nil {
		return core.GatewayTimeoutV2(), core.NewLoggedError("Error while generating proxy response: %v", err)
	}
	return res, nil
}

// RestoreHeaders replaces each of req's headers named in raw by raw's value,
// whole. API Gateway joins a header sent several times with commas, which
// is the same field value by RFC 9110 §5.3.
func RestoreHeaders(req *http.Request, raw map[string]string) {
	for k, v := range raw {
		req.Header[http.CanonicalHeaderKey(k)] = []string{v}
	}
}
