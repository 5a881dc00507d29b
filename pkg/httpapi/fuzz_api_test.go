package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
	"golang.org/x/text/unicode/norm"
)

// fuzzAPI is one API on one table for a whole fuzz run (each fuzzing worker
// process makes its own), with the server's log kept per request so a 5xx
// shows its cause.
type fuzzAPI struct {
	client *apigwtest.Client
	logs   *lockedBuffer
}

func newFuzzAPI(f *testing.F) *fuzzAPI {
	f.Helper()
	env := testenv.New(f)
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return &fuzzAPI{client: apigwtest.New(httpapi.NewServer(logger, testConfig, services(env.Store(f)))), logs: logs}
}

// do sends req through the Lambda adapter. An adapter error is what API
// Gateway would turn into a 502, so it fails the test like a 5xx.
func (a *fuzzAPI) do(t *testing.T, req apigwtest.Request) apigwtest.Response {
	t.Helper()
	a.logs.Reset()
	res, err := a.client.Invoke(context.Background(), apigwtest.Event(req))
	if err != nil {
		t.Fatalf("%s %s: adapter error (a 502 from API Gateway): %v\nbody: %q", req.Method, req.Path, err, req.Body)
	}
	if res.Status >= 500 {
		t.Fatalf("%s %s = %d %s\nrequest body: %q\nserver log: %s", req.Method, req.Path, res.Status, res.Body, req.Body, a.logs)
	}
	return res
}

// checkProblem asserts what every client error promises (docs/rules.md): an
// RFC 9457 problem with its status and a title, and for a 422 the field at
// fault named as a location in the body.
func checkProblem(t *testing.T, res apigwtest.Response, reqBody string) {
	t.Helper()
	if ct := res.Headers.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%d with Content-Type %q, want application/problem+json: %s\nrequest body: %q", res.Status, ct, res.Body, reqBody)
	}
	var p problemBody
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatalf("%d problem is not JSON (%v): %s", res.Status, err, res.Body)
	}
	if p.Status != res.Status || p.Title == "" || p.Type == "" {
		t.Fatalf("%d problem lacks status, title or type: %s\nrequest body: %q", res.Status, res.Body, reqBody)
	}
	if res.Status == 422 {
		for _, e := range p.Errors {
			if e.Location == "body" || strings.HasPrefix(e.Location, "body.") || strings.HasPrefix(e.Location, "body[") {
				return
			}
		}
		t.Fatalf("422 names no field of the body: %s\nrequest body: %q", res.Body, reqBody)
	}
}

// sameJSON reports whether two JSON documents are equal as values.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

// strictDecode decodes a request body the way a careful client reads the
// contract: one JSON object of known fields, nothing after it.
func strictDecode(body string, v any) error {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("data after the JSON value")

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// nfcStrings NFC-normalises every string reachable from v (a pointer),
// as the API does to every text it is sent (docs/rules.md, "Text").
func nfcStrings(v any) { nfcValue(reflect.ValueOf(v)) }

func nfcValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			nfcValue(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				nfcValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			nfcValue(v.Index(i))
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(norm.NFC.String(v.String()))
		}
	}
}
