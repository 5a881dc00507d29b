package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// TestGroupsCoverTheAPI: every operation belongs to exactly one group, a
// group's server registers its operations and no other, and each answers
// with the same validation as the whole API.
func TestGroupsCoverTheAPI(t *testing.T) {
	t.Parallel()
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
	servers := map[httpapi.Group]http.Handler{}
	for _, g := range httpapi.Groups() {
		cfg := testConfig
		cfg.Group = g
		servers[g] = httpapi.NewServer(quietLogger(), cfg, httpapi.Services{SavedSearches: savedSearchStandIn{}})
	}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			method = strings.ToUpper(method)
			if len(op.Tags) != 1 {
				t.Errorf("%s %s has tags %v, want exactly one (it says which function serves it)", method, path, op.Tags)
				continue
			}
			group, ok := httpapi.GroupOf(op.Tags[0])
			if !ok {
				t.Errorf("%s %s: no group serves tag %q (pkg/httpapi/groups.go)", method, path, op.Tags[0])
				continue
			}
			// A path with placeholders filled: a group that registers
			// the operation answers anything but the router's 404/405.
			concrete := strings.NewReplacer("{id}", "x", "{member_id}", "y", "{token}", "z", "{name}", "nope.js").Replace(path)
			for g, h := range servers {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(method, concrete, nil))
				body := rec.Body.String() // the router's own problems (problems.go) say it has no such route
				routed := !strings.Contains(body, "There is no such resource.") && !strings.Contains(body, "does not take this method")
				if routed != (g == group) {
					t.Errorf("%s %s (tag %s): served by group %q = %v (%d %s)", method, path, op.Tags[0], g, routed, rec.Code, rec.Body)
				}
			}
		}
	}
}

// savedSearchStandIn makes the server register the saved-search operations;
// these tests never call them.
type savedSearchStandIn struct{ warmlead.SavedSearchService }
