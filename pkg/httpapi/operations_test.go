package httpapi_test

import (
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

func TestOperationsArePublic(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)

	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/healthz"})
	if res.Status != 200 || !strings.Contains(res.Body, `"ok"`) {
		t.Errorf("/healthz = %d %s", res.Status, res.Body)
	}

	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/openapi.json"})
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	res.JSON(t, &doc)
	if res.Status != 200 || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("/openapi.json = %d, openapi %q", res.Status, doc.OpenAPI)
	}
	if _, ok := doc.Paths["/me"]["put"]; !ok {
		t.Errorf("OpenAPI lacks PUT /me: %v", doc.Paths)
	}
	if sec := doc.Paths["/me"]["get"]["security"]; sec == nil {
		t.Error("GET /me is not marked as needing a bearer token")
	}
	// Public operations say so explicitly (security: []), as linters ask.
	if sec, ok := doc.Paths["/healthz"]["get"]["security"].([]any); !ok || len(sec) != 0 {
		t.Errorf("/healthz is not marked public: %v", doc.Paths["/healthz"]["get"]["security"])
	}

	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/docs", Headers: map[string]string{"Accept": "text/html"}})
	if res.Status != 200 || !strings.Contains(res.Headers.Get("Content-Type"), "text/html") || !strings.Contains(res.Body, "openapi") {
		t.Errorf("/docs = %d %s", res.Status, res.Headers.Get("Content-Type"))
	}
}
