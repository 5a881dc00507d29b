// Package localgw plays API Gateway (HTTP API, payload 2.0) on a laptop: it
// verifies HS256 bearer tokens like the JWT authorizer, turns each request
// into the events.APIGatewayV2HTTPRequest Lambda would receive, and runs it
// through the same Lambda adapter as functions/api. Code behind it sees the
// very request context it sees in AWS, through the same adapter
// (pkg/gateway), so headers arrive whole here too.
package localgw

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/gateway"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

// maxPayload mirrors API Gateway's 10 MB request limit.
const maxPayload = 10 << 20

// New returns a handler that authorises and forwards requests to api.
func New(api http.Handler, secret []byte) http.Handler {
	adapter := gateway.New(api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := Event(r, secret)
		if err != nil {
			httpapi.WriteProblem(w, http.StatusUnauthorized, err.Error(), "header.Authorization", err.Error())
			return
		}
		res, err := adapter.Proxy(r.Context(), ev)
		if err != nil {
			httpapi.WriteProblem(w, http.StatusBadGateway, "The function could not be invoked.", "", "")
			return
		}
		WriteResponse(w, res)
	})
}

// Event converts r into the API Gateway v2 event an HTTP API would send,
// with the token's claims in requestContext.authorizer.jwt when r carries a
// valid bearer token. A token that is present but invalid is an error (API
// Gateway answers 401 without invoking the function); no token leaves the
// decision to the function (public routes).
func Event(r *http.Request, secret []byte) (events.APIGatewayV2HTTPRequest, error) {
	now := time.Now()
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Headers:        map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID:    "000000000000",
			APIID:        "local",
			DomainName:   r.Host,
			DomainPrefix: "local",
			Stage:        "$default",
			RequestID:    newRequestID(),
			RouteKey:     "$default",
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto,
				SourceIP: strings.Split(r.RemoteAddr, ":")[0], UserAgent: r.UserAgent(),
			},
		},
	}
	for name, values := range r.Header {
		lname := strings.ToLower(name)
		if lname == "cookie" {
			ev.Cookies = append(ev.Cookies, values...)
			continue
		}
		ev.Headers[lname] = strings.Join(values, ",")
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return ev, errString("the Authorization header must be 'Bearer <token>'")
		}
		claims, err := verify(secret, strings.TrimSpace(token))
		if err != nil {
			return ev, err
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: nil},
		}
	}
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload))
		if err != nil {
			return ev, err
		}
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev, nil
}

// WriteResponse writes a Lambda proxy response as API Gateway would.
func WriteResponse(w http.ResponseWriter, res events.APIGatewayV2HTTPResponse) {
	for k, v := range res.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range res.MultiValueHeaders {
		w.Header()[http.CanonicalHeaderKey(k)] = vs
	}
	for _, c := range res.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(res.Body); err == nil {
			body = b
		}
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(body)
}

type errString string

func (e errString) Error() string { return string(e) }

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
