// Package localgw plays API Gateway (HTTP API, payload 2.0) on a laptop.
// It reads the API's routes, their authorizers and CORS from template.yaml
// (routes.go), verifies bearer tokens as the HTTP API's JWT authorizer does
// (auth.go: discovery + JWKS, RS256, issuer, audience, expiry, not-before),
// turns each request into the events.APIGatewayV2HTTPRequest Lambda would
// receive, and runs it through the same Lambda adapter as the API's
// functions, to the function the template routes it to.
// Code behind it sees the very request context it sees in AWS.
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
	"github.com/rs/cors"
	"github.com/warmlead/warmlead/pkg/gateway"
)

// maxPayload mirrors API Gateway's 10 MB request limit.
const maxPayload = 10 << 20

// New returns a handler that routes, authorises and forwards requests as
// API Gateway would for the routes in spec: each to the handler of the
// function its route names (functions, by logical id; a route whose
// function has none answers 500, as an integration that fails does).
func New(functions map[string]http.Handler, spec *API) http.Handler {
	adapters := map[string]*gateway.Adapter{}
	for id, h := range functions {
		adapters[id] = gateway.New(h)
	}
	verifiers := map[string]*verifier{}
	for name, a := range spec.Authorizers {
		verifiers[name] = newVerifier(a)
	}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, params := spec.Match(r.Method, r.URL.Path)
		if route == nil {
			writeMessage(w, http.StatusNotFound, "Not Found", "")
			return
		}
		ev, err := Event(r)
		if err != nil {
			writeMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large", "")
			return
		}
		ev.RouteKey = route.Method + " " + route.Path
		if route.Path == DefaultRoute {
			ev.RouteKey = DefaultRoute
		}
		ev.RequestContext.RouteKey = ev.RouteKey
		if len(params) > 0 {
			ev.PathParameters = params
		}
		if route.Authorizer != "" {
			claims, err := verifiers[route.Authorizer].verify(r.Context(), r.Header.Get("Authorization"))
			if err != nil {
				writeMessage(w, http.StatusUnauthorized, "Unauthorized", err.challenge())
				return
			}
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: nil},
			}
		}
		adapter := adapters[route.Function]
		if adapter == nil {
			writeMessage(w, http.StatusInternalServerError, "Internal Server Error", "")
			return
		}
		res, perr := adapter.Proxy(r.Context(), ev)
		if perr != nil {
			writeMessage(w, http.StatusInternalServerError, "Internal Server Error", "")
			return
		}
		WriteResponse(w, res)
	})
	if spec.CORS != nil {
		// API Gateway answers CORS preflights itself (no authorizer, no
		// function) and adds the grant to responses for allowed origins.
		h = cors.New(cors.Options{AllowedOrigins: spec.CORS.AllowOrigins, AllowedHeaders: spec.CORS.AllowHeaders,
			AllowedMethods: spec.CORS.AllowMethods, ExposedHeaders: spec.CORS.ExposeHeaders,
			AllowCredentials: spec.CORS.AllowCredentials, MaxAge: spec.CORS.MaxAge}).Handler(h)
	}
	return h
}

// writeMessage answers as API Gateway does when it answers itself:
// {"message": "..."}, with a WWW-Authenticate challenge on a 401.
func writeMessage(w http.ResponseWriter, status int, message, challenge string) {
	if challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"message":"`+message+`"}`)
}

// Event converts r into the API Gateway v2 event an HTTP API would send
// (without the authorizer's claims, which New adds after verifying).
func Event(r *http.Request) (events.APIGatewayV2HTTPRequest, error) {
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
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
		if err != nil {
			return ev, err
		}
		if len(body) > maxPayload {
			return ev, errString("payload too large")
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
