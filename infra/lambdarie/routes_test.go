package lambdarie_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
)

// routes are template.yaml's HTTP API routes, read once.
var routes = sync.OnceValues(func() (*localgw.API, error) {
	tpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		return nil, err
	}
	return localgw.FromTemplate(tpl, localgw.LocalResolver("http://issuer", "client",
		map[string]string{"PublicBaseURL": "https://warmlead.test", "WebOrigin": "https://app.test"}))
})

// functionName is the directory under functions/ of a template function:
// PostingsFunction is functions/postings.
func functionName(logicalID string) string {
	s := strings.TrimSuffix(logicalID, "Function")
	return strings.ToLower(s[:1]) + s[1:]
}

// routed is the HTTP API in front of the API's functions: each request
// reaches the function template.yaml routes it to.
type routed struct {
	spec      *localgw.API
	functions map[string]invoker // by name, e.g. "postings"
}

// startAPI starts every function that template.yaml routes HTTP requests to.
func startAPI(t *testing.T, bins []bootstrap, env []string) *routed {
	t.Helper()
	spec, err := routes()
	if err != nil {
		t.Fatal(err)
	}
	r := &routed{spec: spec, functions: map[string]invoker{}}
	for _, id := range spec.Functions() {
		name := functionName(id)
		r.functions[name] = startFunction(t, find(t, bins, name), env)
	}
	return r
}

func (r *routed) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	route, _ := r.spec.Match(ev.RequestContext.HTTP.Method, ev.RawPath)
	if route == nil {
		return nil, fmt.Errorf("template.yaml has no route for %s %s", ev.RequestContext.HTTP.Method, ev.RawPath)
	}
	return r.functions[functionName(route.Function)].Invoke(ctx, payload)
}

// apiRequest is a request to one of the routes template.yaml gives the
// function name (a path without parameters where it has one), or nil when
// it routes none there.
func apiRequest(name string) []byte {
	spec, err := routes()
	if err != nil {
		return nil
	}
	var pick *localgw.Route
	for i, r := range spec.Routes {
		if functionName(r.Function) != name {
			continue
		}
		if pick == nil || !strings.Contains(r.Path, "{") && strings.Contains(pick.Path, "{") {
			pick = &spec.Routes[i]
		}
	}
	if pick == nil {
		return nil
	}
	path := strings.NewReplacer("{id}", "x", "{token}", "x", "{name}", "x.js", "{member_id}", "x").Replace(pick.Path)
	b, _ := json.Marshal(apigwtest.Event(apigwtest.Request{Method: pick.Method, Path: path}))
	return b
}
