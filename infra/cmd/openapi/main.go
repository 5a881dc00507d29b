// Command openapi prints the API's OpenAPI 3.1 document, as GET
// /openapi.json serves it (.ci/run lints it with Redocly CLI).
package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"

	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() {
	api := httpapi.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Config{PublicBaseURL: "https://warmlead.example"}, httpapi.Services{})
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 {
		fmt.Fprintln(os.Stderr, "openapi: GET /openapi.json =", rec.Code)
		os.Exit(1)
	}
	_, _ = os.Stdout.Write(rec.Body.Bytes())
}
