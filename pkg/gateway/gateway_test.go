package gateway_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/gateway"
)

// httpadapter.NewV2 alone hands the app "spring-batch" for
// "Idempotency-Key: spring-batch,a"; through the gateway the app sees the
// value as sent, and the body and status come back unchanged.
func TestProxyKeepsHeaderValuesWhole(t *testing.T) {
	var seen http.Header
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("ok"))
	})
	ev := events.APIGatewayV2HTTPRequest{
		RawPath: "/x", Headers: map[string]string{
			"idempotency-key": "spring-batch,a", "accept": "text/html;q=0, application/json",
			"if-match": `"1", "2"`, "content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/x"}},
		Cookies:        []string{"a=1", "b=2"},
	}
	res, err := gateway.New(h).Proxy(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusTeapot || res.Body != "ok" {
		t.Errorf("response = %d %q", res.StatusCode, res.Body)
	}
	for k, v := range ev.Headers {
		if got := seen.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want [%q]", k, got, v)
		}
	}
	if got := seen.Values("Cookie"); len(got) != 2 {
		t.Errorf("cookies = %q", got)
	}
}
