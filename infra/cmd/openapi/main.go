// Command openapi prints the API's OpenAPI 3.1 document, as GET
// /openapi.json serves it on https://warmlead.example (.ci/run lints it
// with Redocly CLI). With -write DIR it writes the files pkg/httpapi
// embeds instead (`go generate ./pkg/httpapi`, `make openapi`).
package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() {
	dir := flag.String("write", "", "write openapi.json and openapi.yaml (placeholder base URL) into this directory")
	flag.Parse()
	if *dir != "" {
		files, err := httpapi.DocumentFiles()
		if err == nil {
			err = os.MkdirAll(*dir, 0o755)
		}
		for name, b := range files {
			if err == nil {
				err = os.WriteFile(filepath.Join(*dir, name), b, 0o644)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "openapi:", err)
			os.Exit(1)
		}
		return
	}
	// What the function that serves the document (httpapi.GroupSite) answers.
	api := httpapi.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)),
		httpapi.Config{PublicBaseURL: "https://warmlead.example", Group: httpapi.GroupSite}, httpapi.Services{})
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 {
		fmt.Fprintln(os.Stderr, "openapi: GET /openapi.json =", rec.Code)
		os.Exit(1)
	}
	_, _ = os.Stdout.Write(rec.Body.Bytes())
}
