package httpapi_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
)

// TestTemplateRoutesMatchTheAPI keeps template.yaml's HTTP API routes and
// the code's operations in step: every operation has a route, every route an
// operation, and a route skips the JWT authorizer exactly when its
// operation needs no token.
func TestTemplateRoutesMatchTheAPI(t *testing.T) {
	t.Parallel()
	tmpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := tmpl.Resources["ApiFunction"]
	if !ok {
		t.Fatal("template has no ApiFunction")
	}
	events, _ := fn.Properties["Events"].(map[string]any)
	routes := map[string]bool{} // "GET /me" -> public
	for name, ev := range events {
		ev, _ := ev.(map[string]any)
		if ev["Type"] != "HttpApi" {
			continue
		}
		props, _ := ev["Properties"].(map[string]any)
		auth, _ := props["Auth"].(map[string]any)
		key := fmt.Sprintf("%s %s", props["Method"], props["Path"])
		if _, dup := routes[key]; dup {
			t.Errorf("route %s (%s) defined twice", key, name)
		}
		routes[key] = auth["Authorizer"] == "NONE"
	}

	api, _ := newAPI(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/openapi.json"}).JSON(t, &doc)
	ops := map[string]bool{"GET /openapi.json": true, "GET /docs": true} // served by huma itself
	for path, methods := range doc.Paths {
		for method, op := range methods {
			ops[strings.ToUpper(method)+" "+path] = len(op.Security) == 0
		}
	}
	var problems []string
	for k, public := range ops {
		tmplPublic, ok := routes[k]
		switch {
		case !ok:
			problems = append(problems, "no route in template.yaml for "+k)
		case public != tmplPublic:
			problems = append(problems, fmt.Sprintf("%s: operation public=%v, route public=%v", k, public, tmplPublic))
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
