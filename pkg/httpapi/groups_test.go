package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/httpapi"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// TestEmbeddedDocumentIsCurrent rebuilds the OpenAPI document from the
// whole API's registration and compares it with the files the document
// function serves: any difference fails (regenerate with `make openapi`).
func TestEmbeddedDocumentIsCurrent(t *testing.T) {
	t.Parallel()
	files, err := httpapi.DocumentFiles()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("openapi", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("pkg/httpapi/openapi/%s differs from the document the code builds: run `make openapi` (go generate ./pkg/httpapi)", name)
		}
	}
}

// TestSiteServesTheWholeDocument: the function that serves the document
// answers exactly what the whole API answers, on the deployment's base URL.
func TestSiteServesTheWholeDocument(t *testing.T) {
	t.Parallel()
	var searches savedSearchStandIn
	full := httpapi.NewServer(quietLogger(), testConfig, httpapi.Services{SavedSearches: searches})
	cfg := testConfig
	cfg.Group = httpapi.GroupSite
	site := httpapi.NewServer(quietLogger(), cfg, httpapi.Services{})
	for _, path := range []string{"/openapi.json", "/openapi.yaml"} {
		want, got := httptest.NewRecorder(), httptest.NewRecorder()
		full.ServeHTTP(want, httptest.NewRequest(http.MethodGet, path, nil))
		site.ServeHTTP(got, httptest.NewRequest(http.MethodGet, path, nil))
		if want.Code != http.StatusOK || got.Code != http.StatusOK {
			t.Fatalf("GET %s = %d (whole API), %d (site)", path, want.Code, got.Code)
		}
		if w, g := want.Header().Get("Content-Type"), got.Header().Get("Content-Type"); w != g {
			t.Errorf("GET %s Content-Type = %q, whole API %q", path, g, w)
		}
		if !bytes.Equal(want.Body.Bytes(), got.Body.Bytes()) {
			t.Errorf("GET %s differs from the whole API's document", path)
		}
		if !strings.Contains(got.Body.String(), testConfig.PublicBaseURL) {
			t.Errorf("GET %s does not name the deployment's base URL", path)
		}
	}
}

// TestGroupsCoverTheAPI: every operation belongs to exactly one group, and
// a group's server routes its operations and no other.
func TestGroupsCoverTheAPI(t *testing.T) {
	t.Parallel()
	servers := map[httpapi.Group]http.Handler{}
	for _, g := range httpapi.Groups() {
		cfg := testConfig
		cfg.Group = g
		servers[g] = httpapi.NewServer(quietLogger(), cfg, httpapi.Services{SavedSearches: savedSearchStandIn{}})
	}
	for _, op := range documentOperations(t) {
		method, path := op.method, op.path
		if len(op.tags) != 1 {
			t.Errorf("%s %s has tags %v, want exactly one (it says which function serves it)", method, path, op.tags)
			continue
		}
		group, ok := httpapi.GroupOf(op.tags[0])
		if !ok {
			t.Errorf("%s %s: no group serves tag %q (pkg/httpapi/groups.go)", method, path, op.tags[0])
			continue
		}
		// A path with placeholders filled: a group that registers the
		// operation answers anything but the router's 404/405.
		for g, h := range servers {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(method, op.concrete, nil))
			body := rec.Body.String() // the router's own problems (problems.go) say it has no such route
			routed := !strings.Contains(body, "There is no such resource.") && !strings.Contains(body, "does not take this method")
			if routed != (g == group) {
				t.Errorf("%s %s (tag %s): served by group %q = %v (%d %s)", method, path, op.tags[0], g, routed, rec.Code, rec.Body)
			}
		}
	}
}

// savedSearchStandIn makes the server register the saved-search operations;
// these tests never call them.
type savedSearchStandIn struct{ warmlead.SavedSearchService }

// TestGroupsValidateAsTheWholeAPI: a group's function registers each of its
// operations on the operation's first request (lazy.go), and then answers
// every request exactly as the whole API, which registers everything at
// start: the same status, headers and problem for a missing token, a
// missing, malformed or unexpected body, a text rule broken, and an unknown
// query parameter, on every operation, the first of them the request that
// registers the operation. Status, problem (its errors in any order) and
// the headers that say how to retry or cache are compared. (The services
// are absent: a request that passes validation is a 500 in both.)
func TestGroupsValidateAsTheWholeAPI(t *testing.T) {
	t.Parallel()
	ops := documentOperations(t)
	whole := apigwtest.New(httpapi.NewServer(quietLogger(), testConfig, httpapi.Services{SavedSearches: savedSearchStandIn{}}))
	groups := map[httpapi.Group]*apigwtest.Client{}
	for _, g := range httpapi.Groups() {
		cfg := testConfig
		cfg.Group = g
		groups[g] = apigwtest.New(httpapi.NewServer(quietLogger(), cfg, httpapi.Services{SavedSearches: savedSearchStandIn{}}))
	}
	probes := []apigwtest.Request{
		{},
		{Member: "lazy-probe"},
		{Member: "lazy-probe", Body: "{"},
		{Member: "lazy-probe", Body: `{"title": "bell\u0007", "zz_unknown": 1}`},
		{Member: "lazy-probe", Body: `{"created_at": "x", "id": "y"}`, Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}},
		{Member: "lazy-probe", Body: `[]`},
		{Member: "lazy-probe", Path: "?zz_unknown=1"},
	}
	compared := 0
	for _, op := range ops {
		if len(op.tags) != 1 {
			continue // TestGroupsCoverTheAPI
		}
		group, _ := httpapi.GroupOf(op.tags[0])
		for _, p := range probes {
			p.Method, p.Path = op.method, op.concrete+p.Path
			want, got := whole.Do(t, p), groups[group].Do(t, p)
			if want.Status != got.Status || sortedErrors(want.Body) != sortedErrors(got.Body) {
				t.Errorf("%s %s (member %q, body %q): group %q answers %d %s, the whole API %d %s",
					p.Method, p.Path, p.Member, p.Body, group, got.Status, got.Body, want.Status, want.Body)
			}
			for _, h := range []string{"Content-Type", "Allow", "WWW-Authenticate", "Cache-Control", "Vary"} {
				if w, g := want.Headers.Values(h), got.Headers.Values(h); !slices.Equal(w, g) {
					t.Errorf("%s %s (member %q, body %q): group %q answers %s %q, the whole API %q", p.Method, p.Path, p.Member, p.Body, group, h, g, w)
				}
			}
			compared++
		}
	}
	if compared < 100 {
		t.Fatalf("compared %d requests: the document lists too few operations", compared)
	}
}

// TestGroupFirstRequestsAtOnce: first requests that arrive together, to one
// operation and to several, are all answered as they should be (make test
// runs it with -race too, which checks the registration's locking).
func TestGroupFirstRequestsAtOnce(t *testing.T) {
	t.Parallel()
	cfg := testConfig
	cfg.Group = httpapi.GroupPostings
	c := apigwtest.New(httpapi.NewServer(quietLogger(), cfg, httpapi.Services{}))
	paths := []string{"/postings?zz_unknown=1", "/public/postings?zz_unknown=1", "/me/postings?zz_unknown=1", "/postings/x?zz_unknown=1"}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Invoke(context.Background(), apigwtest.Event(apigwtest.Request{Method: http.MethodGet, Path: paths[i%len(paths)], Member: "m"}))
			if err != nil {
				t.Errorf("GET %s: %v", paths[i%len(paths)], err)
				return
			}
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "query.zz_unknown") {
				t.Errorf("GET %s = %d %s, want 422 naming query.zz_unknown", paths[i%len(paths)], res.Status, res.Body)
			}
		}()
	}
	wg.Wait()
}

// sortedErrors is a problem body with its errors in one order: a body's
// checks may report several in any order.
func sortedErrors(body string) string {
	var p map[string]any
	if json.Unmarshal([]byte(body), &p) != nil {
		return body
	}
	errs, _ := p["errors"].([]any)
	slices.SortFunc(errs, func(a, b any) int {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return strings.Compare(string(x), string(y))
	})
	out, _ := json.Marshal(p)
	return string(out)
}

// TestGroupsRegisterAtOnceInOneProcess: the local stack serves every group
// from one process, so first requests to different groups register at the
// same time; registrations never overlap (lazy.go, registering), and
// operations that document the same kind of response do not share what
// huma adds to it (run by make test under -race, which would report it).
func TestGroupsRegisterAtOnceInOneProcess(t *testing.T) {
	t.Parallel()
	first := map[httpapi.Group][]string{
		httpapi.GroupSite:     {"/docs", "/signin/callback", "/healthz"},
		httpapi.GroupMembers:  {"/unsubscribe/nope", "/me/notification-settings"},
		httpapi.GroupPostings: {"/postings", "/public/postings"},
		httpapi.GroupOrgs:     {"/orgs/x"},
	}
	var wg sync.WaitGroup
	for g, paths := range first {
		cfg := testConfig
		cfg.Group = g
		c := apigwtest.New(httpapi.NewServer(quietLogger(), cfg, httpapi.Services{}))
		for _, path := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := c.Invoke(context.Background(), apigwtest.Event(apigwtest.Request{Method: http.MethodGet, Path: path + "?zz_unknown=1"}))
				if err != nil || res.Status >= 500 {
					t.Errorf("GET %s (group %s): %v %d %s", path, g, err, res.Status, res.Body)
				}
			}()
		}
	}
	wg.Wait()
}

// documentOperation is one operation of the whole API's document, with its
// path's placeholders filled.
type documentOperation struct {
	method, path, concrete string
	tags                   []string
}

// documentOperations lists the operations of the embedded document.
func documentOperations(t *testing.T) []documentOperation {
	t.Helper()
	files, err := httpapi.DocumentFiles()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Tags []string `json:"tags"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(files["openapi.json"], &doc); err != nil {
		t.Fatal(err)
	}
	var ops []documentOperation
	fill := strings.NewReplacer("{id}", "x", "{member_id}", "y", "{token}", "z", "{name}", "nope.js")
	for path, methods := range doc.Paths {
		for method, op := range methods {
			ops = append(ops, documentOperation{strings.ToUpper(method), path, fill.Replace(path), op.Tags})
		}
	}
	return ops
}
