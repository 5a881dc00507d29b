package localgw

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// Route is one HttpApi event of the template: a method, a path template,
// the authorizer API Gateway runs before the function ("" = none) and the
// function's logical id (e.g. PostingsFunction).
type Route struct {
	Method, Path, Authorizer, Function string
	segments                           []string
}

// JWTAuthorizer is an HttpApi JWT authorizer's configuration, resolved
// for the local stack.
type JWTAuthorizer struct {
	Issuer    string
	Audiences []string
}

// CORS is the HttpApi's CorsConfiguration, resolved for the local stack.
type CORS struct {
	AllowOrigins, AllowHeaders, AllowMethods, ExposeHeaders []string
	AllowCredentials                                        bool
	MaxAge                                                  int
}

// API is what the local gateway reads from template.yaml: every route of
// the HTTP API with its authorizer and function, the authorizers, and CORS.
type API struct {
	Routes      []Route
	Authorizers map[string]JWTAuthorizer
	CORS        *CORS
}

// Resolver turns a template value (a literal or an intrinsic such as
// !Ref UserPoolClient) into what it is on this machine.
type Resolver func(v any) (string, error)

// LocalResolver plays the cloud's values locally: the Cognito issuer (any
// !Sub naming the user pool) is the local provider's issuer, the user pool
// client is its client id, and parameters take the values given.
func LocalResolver(issuer, clientID string, params map[string]string) Resolver {
	return func(v any) (string, error) {
		switch x := v.(type) {
		case string:
			return x, nil
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok {
				if ref == "UserPoolClient" {
					return clientID, nil
				}
				if p, ok := params[ref]; ok {
					return p, nil
				}
				return "", fmt.Errorf("no local value for !Ref %s", ref)
			}
			if sub, ok := x["Fn::Sub"].(string); ok && strings.Contains(sub, "${UserPool}") {
				return issuer, nil
			}
		}
		return "", fmt.Errorf("no local value for %v", v)
	}
}

// FromTemplate reads the HttpApi events of every function of the template
// and the one HttpApi they belong to.
func FromTemplate(tpl *samtemplate.Template, resolve Resolver) (*API, error) {
	api := &API{Authorizers: map[string]JWTAuthorizer{}}
	var apiID string
	functions := make([]string, 0, len(tpl.Resources))
	for id, res := range tpl.Resources {
		if res.Type == "AWS::Serverless::Function" {
			functions = append(functions, id)
		}
	}
	sort.Strings(functions)
	for _, function := range functions {
		events, _ := tpl.Resources[function].Properties["Events"].(map[string]any)
		names := make([]string, 0, len(events))
		for name := range events {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ev, _ := events[name].(map[string]any)
			if ev["Type"] != "HttpApi" {
				continue
			}
			props, _ := ev["Properties"].(map[string]any)
			if ref, ok := get(props, "ApiId", "Ref").(string); ok {
				if apiID != "" && apiID != ref {
					return nil, fmt.Errorf("template: %s routes to a second HTTP API, %s", function, ref)
				}
				apiID = ref
			}
			method, _ := props["Method"].(string)
			path, _ := props["Path"].(string)
			if method == "" && path == "" {
				// No Path and no Method: SAM makes it the HTTP API's
				// $default route, which gets what no other route matches.
				method, path = "ANY", DefaultRoute
			} else if method == "" || !strings.HasPrefix(path, "/") {
				return nil, fmt.Errorf("template: event %s of %s has no Method or Path", name, function)
			}
			r := Route{Method: strings.ToUpper(method), Path: path, Authorizer: "default", Function: function}
			if path != DefaultRoute {
				r.segments = strings.Split(path[1:], "/")
			}
			if a, ok := get(props, "Auth", "Authorizer").(string); ok {
				r.Authorizer = a
			}
			api.Routes = append(api.Routes, r)
		}
	}
	if apiID == "" {
		return nil, fmt.Errorf("template: no function has HttpApi events")
	}
	apiProps := tpl.Resources[apiID].Properties
	def, _ := get(apiProps, "Auth", "DefaultAuthorizer").(string)
	for i := range api.Routes {
		switch api.Routes[i].Authorizer {
		case "default":
			api.Routes[i].Authorizer = def
		case "NONE":
			api.Routes[i].Authorizer = ""
		}
	}
	auths, _ := get(apiProps, "Auth", "Authorizers").(map[string]any)
	for name, a := range auths {
		var j JWTAuthorizer
		var err error
		if j.Issuer, err = resolve(get(a, "JwtConfiguration", "issuer")); err != nil {
			return nil, fmt.Errorf("authorizer %s issuer: %w", name, err)
		}
		for _, aud := range list(get(a, "JwtConfiguration", "audience")) {
			s, err := resolve(aud)
			if err != nil {
				return nil, fmt.Errorf("authorizer %s audience: %w", name, err)
			}
			j.Audiences = append(j.Audiences, s)
		}
		api.Authorizers[name] = j
	}
	for _, r := range api.Routes {
		if _, ok := api.Authorizers[r.Authorizer]; r.Authorizer != "" && !ok {
			return nil, fmt.Errorf("route %s %s: no authorizer %q", r.Method, r.Path, r.Authorizer)
		}
	}
	if c, ok := apiProps["CorsConfiguration"].(map[string]any); ok {
		api.CORS = &CORS{}
		for key, dst := range map[string]*[]string{"AllowOrigins": &api.CORS.AllowOrigins, "AllowHeaders": &api.CORS.AllowHeaders,
			"AllowMethods": &api.CORS.AllowMethods, "ExposeHeaders": &api.CORS.ExposeHeaders} {
			for _, v := range list(c[key]) {
				s, err := resolve(v)
				if err != nil {
					return nil, fmt.Errorf("CorsConfiguration.%s: %w", key, err)
				}
				*dst = append(*dst, s)
			}
		}
		api.CORS.AllowCredentials, _ = c["AllowCredentials"].(bool)
		api.CORS.MaxAge, _ = c["MaxAge"].(int)
	}
	return api, nil
}

// Functions lists the functions the routes lead to, sorted.
func (a *API) Functions() []string {
	var fns []string
	for _, r := range a.Routes {
		if !slices.Contains(fns, r.Function) {
			fns = append(fns, r.Function)
		}
	}
	sort.Strings(fns)
	return fns
}

// DefaultRoute is the path (and route key) of the HTTP API's $default
// route: an HttpApi event with neither Path nor Method.
const DefaultRoute = "$default"

// Match finds the route API Gateway would choose for method and path: the
// most specific one (literal segments before {param}, {param} before
// {proxy+}), ANY when no method matches, the $default route when nothing
// does. HEAD falls back to GET.
func (a *API) Match(method, path string) (*Route, map[string]string) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best, fallback *Route
	var bestParams map[string]string
	bestScore := -1
	for i := range a.Routes {
		r := &a.Routes[i]
		if r.Path == DefaultRoute {
			fallback = r
			continue
		}
		methodScore := 0
		switch {
		case r.Method == method:
			methodScore = 2
		case r.Method == "ANY" || (method == "HEAD" && r.Method == "GET"):
			methodScore = 1
		default:
			continue
		}
		params, score, ok := r.match(segs)
		if !ok {
			continue
		}
		if score = score*4 + methodScore; score > bestScore {
			best, bestParams, bestScore = r, params, score
		}
	}
	if best == nil {
		return fallback, nil
	}
	return best, bestParams
}

// match reports whether segs fit the route, with its path parameters and a
// specificity score.
func (r *Route) match(segs []string) (map[string]string, int, bool) {
	params := map[string]string{}
	score := 0
	for i, tpl := range r.segments {
		if strings.HasPrefix(tpl, "{") && strings.HasSuffix(tpl, "+}") {
			params[tpl[1:len(tpl)-2]] = strings.Join(segs[i:], "/")
			return params, score, i < len(segs)
		}
		if i >= len(segs) {
			return nil, 0, false
		}
		if strings.HasPrefix(tpl, "{") && strings.HasSuffix(tpl, "}") {
			if segs[i] == "" {
				return nil, 0, false
			}
			params[tpl[1:len(tpl)-1]] = segs[i]
			score++
			continue
		}
		if tpl != segs[i] {
			return nil, 0, false
		}
		score += 2
	}
	return params, score, len(segs) == len(r.segments)
}

func get(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any {
	switch l := v.(type) {
	case nil:
		return nil
	case []any:
		return l
	}
	return []any{v}
}

// Everywhere maps every function of spec to h: a gateway whose routes all
// lead to one handler, as tests of the gateway itself want.
func Everywhere(h http.Handler, spec *API) map[string]http.Handler {
	fns := map[string]http.Handler{}
	for _, id := range spec.Functions() {
		fns[id] = h
	}
	return fns
}
