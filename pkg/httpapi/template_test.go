package httpapi_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

// TestTemplateRoutesMatchTheAPI keeps template.yaml's HTTP API routes and
// the code's operations in step: every operation has a route, every route an
// operation, a route skips the JWT authorizer exactly when its operation
// needs no token, and it leads to the function of the operation's group
// (groups.go).
func TestTemplateRoutesMatchTheAPI(t *testing.T) {
	t.Parallel()
	tmpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		t.Fatal(err)
	}
	spec, err := localgw.FromTemplate(tmpl, localgw.LocalResolver("http://issuer", "client",
		map[string]string{"PublicBaseURL": "https://warmlead.test", "WebOrigin": "https://app.test"}))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]localgw.Route{} // "GET /me" -> its route
	for _, r := range spec.Routes {
		if r.Path == localgw.DefaultRoute {
			// What no route matches goes to the function that answers
			// it as the API does: 404 or 405, problem+json, no token.
			if r.Function != httpapi.GroupSite.Function() || r.Authorizer != "" {
				t.Errorf("$default route: function %s, authorizer %q; want %s, none", r.Function, r.Authorizer, httpapi.GroupSite.Function())
			}
			continue
		}
		key := r.Method + " " + r.Path
		if _, dup := routes[key]; dup {
			t.Errorf("route %s defined twice", key)
		}
		routes[key] = r
	}

	api, _ := newAPI(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
			Tags     []string              `json:"tags"`
		} `json:"paths"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/openapi.json"}).JSON(t, &doc)
	type op struct {
		public   bool
		function string
	}
	// The document itself is served by huma (and, deployed, by GroupSite).
	ops := map[string]op{"GET /openapi.json": {true, httpapi.GroupSite.Function()}}
	for path, methods := range doc.Paths {
		for method, o := range methods {
			g, _ := httpapi.GroupOf(strings.Join(o.Tags, ""))
			ops[strings.ToUpper(method)+" "+path] = op{len(o.Security) == 0, g.Function()}
		}
	}
	var problems []string
	for k, o := range ops {
		r, ok := routes[k]
		switch {
		case !ok:
			problems = append(problems, "no route in template.yaml for "+k)
		case o.public != (r.Authorizer == ""):
			problems = append(problems, fmt.Sprintf("%s: operation public=%v, route public=%v", k, o.public, r.Authorizer == ""))
		case o.function != r.Function:
			problems = append(problems, fmt.Sprintf("%s: routed to %s, but its group is served by %s", k, r.Function, o.function))
		}
	}
	for k := range routes {
		if _, ok := ops[k]; !ok {
			problems = append(problems, "template route without an operation: "+k)
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}
