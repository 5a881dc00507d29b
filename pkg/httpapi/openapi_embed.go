package httpapi

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2/yaml"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// The OpenAPI document of the whole API, built at build time: a function
// that serves one group (groups.go) does not register every operation, so
// it cannot derive the document at start; GroupSite serves these files.
// TestEmbeddedDocumentIsCurrent rebuilds them from the whole registration
// and fails on any difference; `go generate ./pkg/httpapi` (or `make
// openapi`) writes them anew.
//
//go:generate go run ../../infra/cmd/openapi -write openapi
//go:embed openapi/openapi.json openapi/openapi.yaml
var documentFiles embed.FS

// documentBaseURL stands for the deployment's PublicBaseURL in the embedded
// files (the document's one server); serving replaces it.
const documentBaseURL = "https://public-base-url.invalid"

// DocumentFiles builds the whole API's OpenAPI document as GET
// /openapi.json and GET /openapi.yaml serve it, with the placeholder base
// URL: the files that are embedded, by file name.
func DocumentFiles() (map[string][]byte, error) {
	// Saved searches are registered when the store keeps them; only the
	// document is read here, so a stand-in that is never called will do.
	var searches struct{ warmlead.SavedSearchService }
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{PublicBaseURL: documentBaseURL},
		Services{SavedSearches: searches})
	out := map[string][]byte{}
	for _, name := range []string{"openapi.json", "openapi.yaml"} {
		req, err := http.NewRequest(http.MethodGet, "/"+name, nil)
		if err != nil {
			return nil, err
		}
		rec := &routerRecorder{header: http.Header{}, unbounded: true} // not httptest: its init adds a flag
		h.ServeHTTP(rec, req)
		if rec.status != http.StatusOK {
			return nil, fmt.Errorf("GET /%s = %d", name, rec.status)
		}
		out[name] = rec.body
	}
	return out, nil
}

// serveEmbeddedDocument serves the embedded document as huma serves the
// live one (same paths, types and bytes), on this deployment's base URL.
func serveEmbeddedDocument(mux *http.ServeMux, cfg *Config) {
	server := cfg.PublicBaseURL
	if server == "" {
		server = "/"
	}
	// Each file's placeholder and its replacement, written as huma writes
	// the live document (JSON, then YAML converted from it).
	quoted, _ := json.Marshal(server)
	var yamlURL bytes.Buffer
	_ = yaml.Convert(&yamlURL, strings.NewReader(`{"url":`+string(quoted)+`}`))
	for name, swap := range map[string][2]string{
		"openapi.json": {`"` + documentBaseURL + `"`, string(quoted)},
		"openapi.yaml": {"url: " + documentBaseURL + "\n", yamlURL.String()},
	} {
		placeholder, replacement := swap[0], swap[1]
		body := sync.OnceValue(func() []byte {
			b, err := documentFiles.ReadFile("openapi/" + name)
			if err != nil {
				panic(err) // embedded: cannot happen
			}
			return bytes.Replace(b, []byte(placeholder), []byte(replacement), 1)
		})
		mux.HandleFunc("GET /"+name, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/openapi+"+name[len("openapi."):])
			_, _ = w.Write(body())
		})
	}
}

// documentPaths is each path template of the embedded document (split in
// segments) with the methods it takes, read once, on first use.
var documentPaths = sync.OnceValue(func() map[string][]string {
	b, err := documentFiles.ReadFile("openapi/openapi.json")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err) // built by the tests' own generator: cannot happen
	}
	out := map[string][]string{}
	for path, ops := range doc.Paths {
		for method := range ops {
			out[path] = append(out[path], strings.ToUpper(method))
			if method == "get" { // as the mux answers: a GET route takes HEAD
				out[path] = append(out[path], http.MethodHead)
			}
		}
		slices.Sort(out[path])
	}
	return out
})

// documentMethods returns the methods the whole API takes for path (a
// request path, matched against the document's templates as API Gateway
// matches routes: the template with the most literal segments wins), none
// when no operation has it.
func documentMethods(path string) []string {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best []string
	bestLiterals := -1
	for tpl, methods := range documentPaths() {
		t := strings.Split(strings.TrimPrefix(tpl, "/"), "/")
		if len(t) != len(segs) {
			continue
		}
		literals := 0
		for i := range t {
			param := strings.HasPrefix(t[i], "{") && strings.HasSuffix(t[i], "}")
			if param && segs[i] == "" || !param && t[i] != segs[i] {
				literals = -1
				break
			}
			if !param {
				literals++
			}
		}
		if literals > bestLiterals {
			best, bestLiterals = methods, literals
		}
	}
	return best
}
