package httpapi_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

// openAPIOp is one operation of the OpenAPI document, as the tests read it.
type openAPIOp struct {
	Method, Path string
	Params       []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	}
	BodyType string         // the request body's media type, "" if none
	Body     map[string]any // its schema, $refs resolved
}

// operations reads every operation from GET /openapi.json.
func operations(t testing.TB, api *apigwtest.Client) []openAPIOp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/openapi.json"})
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	res.JSON(t, &doc)
	var resolve func(s any, depth int) map[string]any
	resolve = func(s any, depth int) map[string]any {
		m, _ := s.(map[string]any)
		if m == nil || depth > 10 {
			return m
		}
		if ref, ok := m["$ref"].(string); ok {
			return resolve(doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], depth+1)
		}
		if all, ok := m["allOf"].([]any); ok && len(all) == 1 {
			return resolve(all[0], depth+1)
		}
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		if props, ok := m["properties"].(map[string]any); ok {
			rp := map[string]any{}
			for k, v := range props {
				rp[k] = resolve(v, depth+1)
			}
			out["properties"] = rp
		}
		if items, ok := m["items"]; ok {
			out["items"] = resolve(items, depth+1)
		}
		return out
	}
	var ops []openAPIOp
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				Parameters []struct {
					Name string `json:"name"`
					In   string `json:"in"`
				} `json:"parameters"`
				RequestBody *struct {
					Content map[string]struct {
						Schema any `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if json.Unmarshal(raw, &op) != nil {
				continue // "parameters" at path level and the like
			}
			o := openAPIOp{Method: strings.ToUpper(method), Path: path, Params: op.Parameters}
			if op.RequestBody != nil {
				for ct, c := range op.RequestBody.Content {
					if strings.HasSuffix(ct, "json") {
						o.BodyType, o.Body = ct, resolve(c.Schema, 0)
					}
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method })
	if len(ops) < 20 {
		t.Fatalf("the document lists only %d operations", len(ops))
	}
	return ops
}

// url fills the operation's path parameters.
func (o openAPIOp) url() string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(o.Path, "x1")
}

func (o openAPIOp) request(body string) apigwtest.Request {
	req := apigwtest.Request{Method: o.Method, Path: o.url(), Member: "alice", Body: body}
	if o.BodyType != "" {
		req.Headers = map[string]string{"Content-Type": o.BodyType}
	}
	return req
}

// echoMark is in every hostile value; no problem may repeat it.
const echoMark = "ECHO-MARK"

// hostileBodies are what an attacker sends a body-taking operation: the
// keys are names for the test log.
func hostileBodies(schema map[string]any) map[string]string {
	big := echoMark + strings.Repeat("x", 10<<10)
	unknown := map[string]any{}
	for i := 0; i < 200; i++ {
		unknown[fmt.Sprintf("junk_%03d", i)] = echoMark + fmt.Sprint(i)
	}
	unknown["title"] = big
	// Wrong types everywhere: every known property (nested ones too) gets
	// a value of another type, carrying the mark.
	wrong := map[string]any{}
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		ps, _ := p.(map[string]any)
		switch ps["type"] {
		case "string":
			wrong[name] = map[string]any{"v": echoMark, "w": []any{big}}
		case "object":
			wrong[name] = []any{echoMark, big, 1, true}
		default:
			wrong[name] = big
		}
	}
	for i := 0; i < 150; i++ {
		wrong[fmt.Sprintf("extra_%03d", i)] = echoMark
	}
	nested := strings.Repeat(`{"a":[`, 20000) + `"` + echoMark + `"` + strings.Repeat(`]}`, 20000)
	manyItems := `{"skills":[` + strings.Repeat(`{"x":"`+echoMark+`"},`, 8000) + `1],"audience":[` + strings.Repeat(`7,`, 8000) + `7]}`
	return map[string]string{
		"200 unknown properties and a 10 KB string": mustJSON(unknown),
		"wrong types everywhere":                    mustJSON(wrong),
		"deeply nested junk":                        nested,
		"thousands of wrong array items":            manyItems,
		"missing every property":                    `{"zz_unknown":"` + echoMark + `"}`,
		"not JSON":                                  `{"title": "` + echoMark + `", ` + strings.Repeat("!", 1000),
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// checkSmallProblem asserts what every refusal of hostile input promises.
func checkSmallProblem(t *testing.T, what string, res apigwtest.Response) problemBody {
	t.Helper()
	if res.Status < 400 || res.Status >= 500 {
		t.Errorf("%s: status %d, want a 4xx: %.300s", what, res.Status, res.Body)
	}
	if ct := res.Headers.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if len(res.Body) > 8<<10 {
		t.Errorf("%s: problem is %d bytes, want at most 8 KiB", what, len(res.Body))
	}
	if strings.Contains(res.Body, echoMark) {
		t.Errorf("%s: problem echoes the request: %.300s", what, res.Body)
	}
	for _, goText := range []string{"json:", "Go value", "invalid character", "unmarshal", "float64"} {
		if strings.Contains(res.Body, goText) {
			t.Errorf("%s: problem shows Go's text %q: %.300s", what, goText, res.Body)
		}
	}
	var p problemBody
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatalf("%s: problem is not JSON: %v", what, err)
	}
	if len(p.Errors) > 20 {
		t.Errorf("%s: %d errors listed, want at most 20", what, len(p.Errors))
	}
	return p
}

// Issue 9 item 1: every body-taking operation in the document, sent hostile
// bodies through the real adapter, answers a small problem that echoes
// nothing.
func TestHostileBodiesGetSmallProblems(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	largest := 0
	n := 0
	for _, op := range operations(t, api) {
		if op.BodyType == "" {
			continue
		}
		n++
		for name, body := range hostileBodies(op.Body) {
			if len(body) > httpapi.MaxBodyBytes {
				t.Fatalf("%s is %d bytes, past the limit: it would test only the 413", name, len(body))
			}
			res := api.Do(t, op.request(body))
			checkSmallProblem(t, op.Method+" "+op.Path+" with "+name, res)
			largest = max(largest, len(res.Body))
		}
	}
	if n < 8 {
		t.Errorf("only %d operations take a body", n)
	}
	t.Logf("largest problem body: %d bytes over %d operations", largest, n)
}

// Issue 9 item 11: a number no float64 holds is a 4xx naming the field,
// without Go's decoder text.
func TestHugeNumberIsAProblemWithoutGoText(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	body := strings.Replace(postingJSONBody(t, nil), `"min":1800`, `"min":1e400`, 1)
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: body})
	checkSmallProblem(t, "1e400", res)
	wantProblem(t, res, 422, "body.pay.min")
}

// A Content-Type the operation does not take is a 415 naming the header,
// without repeating what was sent.
func TestUnknownContentTypeIsNamedNotEchoed(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: postingJSONBody(t, nil),
		Headers: map[string]string{"Content-Type": "text/x-" + echoMark}})
	checkSmallProblem(t, "415", res)
	wantProblem(t, res, 415, "header.Content-Type")
}

// Issue 9 item 11: the mux's own 404 and 405 are problems, small and
// without the path sent.
func TestRouterNotFoundAndMethodNotAllowedAreProblems(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/no-such-" + echoMark})
	checkSmallProblem(t, "404", res)
	wantProblem(t, res, 404, "")
	res = api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/healthz"})
	checkSmallProblem(t, "405", res)
	wantProblem(t, res, 405, "")
	if !strings.Contains(res.Headers.Get("Allow"), "GET") {
		t.Errorf("405 Allow = %q", res.Headers.Get("Allow"))
	}
}

// Issue 9 item 11: an unknown query parameter is refused on every
// operation, naming it (q and city are browse filters now: docs/rules.md).
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	for _, op := range operations(t, api) {
		req := op.request("")
		req.Path += "?zz_unknown=1"
		res := api.Do(t, req)
		if res.Status != 400 && res.Status != 422 {
			t.Errorf("%s %s?zz_unknown=1 = %d, want 400 or 422", op.Method, op.Path, res.Status)
			continue
		}
		wantProblem(t, res, res.Status, "query.zz_unknown")
	}
	for _, q := range []string{"qq=ux", "town=Lyon"} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?" + q, Member: "alice"})
		wantProblem(t, res, 422, "query."+strings.Split(q, "=")[0])
	}
	// A parameter net/url cannot read is refused too, not dropped: a broken
	// escape in a filter must not widen the results.
	for q, loc := range map[string]string{"kind=%zz": "query.kind", "cursor=%zz": "query.cursor", "knd%zz=job": "query", "kind=job;city=Lyon": "query.kind"} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?" + q, Member: "alice"})
		wantProblem(t, res, 422, loc)
	}
}

// Each function serves its group of operations as strictly as the whole
// API: every operation is refused an unknown query parameter by exactly
// one group's server (its own), and is not found by the others.
func TestEachGroupRefusesUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	whole, env := newAPI(t)
	store := env.Store(t)
	groups := map[httpapi.Group]*apigwtest.Client{}
	for _, g := range httpapi.Groups() {
		cfg := testConfig
		cfg.Group = g
		groups[g] = apigwtest.New(httpapi.NewServer(quietLogger(), cfg, services(store)))
	}
	for _, op := range operations(t, whole) {
		var refusedBy []httpapi.Group
		for g, api := range groups {
			req := op.request("")
			req.Path += "?zz_unknown=1"
			res := api.Do(t, req)
			switch {
			case res.Status == 400 || res.Status == 422:
				wantProblem(t, res, res.Status, "query.zz_unknown")
				refusedBy = append(refusedBy, g)
			case res.Status != 404 && res.Status != 405:
				t.Errorf("%s %s?zz_unknown=1 in group %q = %d, want 400 or 422 in its group, 404 elsewhere", op.Method, op.Path, g, res.Status)
			}
		}
		if len(refusedBy) != 1 {
			t.Errorf("%s %s?zz_unknown=1 refused by groups %v, want exactly one", op.Method, op.Path, refusedBy)
		}
	}
}
