// Package apigwtest drives an http.Handler the way Lambda does in AWS: it
// builds API Gateway v2 (HTTP API, payload 2.0) events from a captured,
// real-shape sample (testdata/apigw-v2-request-jwt.json, the shape of
// aws-lambda-go's events/testdata samples with a Cognito JWT authorizer) and
// runs them through pkg/gateway's adapter, like functions/api.
package apigwtest

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/gateway"
)

//go:embed testdata/apigw-v2-request-jwt.json
var sample []byte

var seq atomic.Int64

// Request is one HTTP call as a client makes it.
type Request struct {
	Method  string
	Path    string // may carry a query string
	Member  string // the JWT's sub; "" = no authorizer claims (public route)
	Body    string
	Headers map[string]string
}

// Response is what API Gateway would send back.
type Response struct {
	Status  int
	Headers http.Header
	Body    string
}

// JSON decodes the body into v, failing the test on error.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %d response %q: %v", r.Status, r.Body, err)
	}
}

// Event builds the event API Gateway would deliver for req.
func Event(req Request) events.APIGatewayV2HTTPRequest {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(sample, &ev); err != nil {
		panic("apigwtest: bad sample: " + err.Error())
	}
	path, query, _ := strings.Cut(req.Path, "?")
	ev.RawPath = path
	ev.RawQueryString = query
	if q, err := url.ParseQuery(query); err == nil && len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	ev.RequestContext.HTTP.Method = req.Method
	ev.RequestContext.HTTP.Path = path
	ev.RequestContext.RequestID = "test-" + strconv.FormatInt(seq.Add(1), 10)
	if req.Member == "" {
		ev.RequestContext.Authorizer = nil
	} else {
		ev.RequestContext.Authorizer.JWT.Claims["sub"] = req.Member
		ev.RequestContext.Authorizer.JWT.Claims["username"] = req.Member
		ev.Headers["authorization"] = "Bearer header.payload.signature"
	}
	for k, v := range req.Headers {
		ev.Headers[strings.ToLower(k)] = v
	}
	if req.Body != "" {
		ev.Body = req.Body
		if !utf8.ValidString(req.Body) {
			// API Gateway base64-encodes a body that is not text.
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(req.Body)), true
		}
		if _, ok := ev.Headers["content-type"]; !ok {
			ev.Headers["content-type"] = "application/json"
		}
		ev.Headers["content-length"] = strconv.Itoa(len(req.Body))
	}
	return ev
}

// Client invokes a handler through the Lambda adapter.
type Client struct {
	adapter *gateway.Adapter
}

// New wraps h as functions/api does.
func New(h http.Handler) *Client { return &Client{adapter: gateway.New(h)} }

// Do sends req and returns the response, failing the test if the adapter
// itself fails (which in AWS would be a 502 from API Gateway).
func (c *Client) Do(t testing.TB, req Request) Response {
	t.Helper()
	res, err := c.Invoke(context.Background(), Event(req))
	if err != nil {
		t.Fatalf("%s %s: adapter error: %v", req.Method, req.Path, err)
	}
	return res
}

// Invoke runs one event through the adapter.
func (c *Client) Invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (Response, error) {
	out, err := c.adapter.Proxy(ctx, ev)
	if err != nil {
		return Response{}, err
	}
	h := http.Header{}
	for k, v := range out.Headers {
		h.Set(k, v)
	}
	for k, vs := range out.MultiValueHeaders {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	return Response{Status: out.StatusCode, Headers: h, Body: out.Body}, nil
}
