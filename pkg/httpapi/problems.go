package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// A problem stays small whatever was sent (docs/rules.md, "Problems"): it
// never carries the request's values (huma's ErrorDetail.Value), lists at
// most maxProblemErrors fields, and cuts each text to a bound, so its JSON
// is under maxProblemBytes. Without this, huma repeats the whole request
// object in every unknown-property or missing-property error: a 62 KB body
// with 200 unknown properties answered 118 MB.
const (
	maxProblemErrors   = 20
	maxProblemBytes    = 8 << 10
	maxLocationBytes   = 120
	maxMessageBytes    = 160
	maxDetailBytes     = 400
	genericInternalMsg = "An internal error has occurred."
)

// boundProblem applies those bounds to a problem in place, and replaces Go
// decoder text (`json: cannot unmarshal ...`) with words of our own. ours
// is a problem built by fail (whose 5xx texts are safe); huma's own 5xx
// can carry an error's text.
func boundProblem(m *huma.ErrorModel, ours bool) {
	if m.Status >= 500 && !ours {
		m.Detail, m.Errors = genericInternalMsg, nil
		return
	}
	if m.Status == http.StatusRequestEntityTooLarge {
		m.Detail = "The body is larger than " + strconv.Itoa(MaxBodyBytes) + " bytes."
	}
	if m.Status == http.StatusUnsupportedMediaType {
		// huma's message quotes the Content-Type sent, and the fault is
		// that header, not the body.
		for _, d := range m.Errors {
			if d != nil && strings.HasPrefix(d.Message, huma.ErrUnknownContentType.Error()) {
				d.Location, d.Message = "header.Content-Type", "not a content type this operation accepts"
			}
		}
	}
	m.Detail = truncate(sanitiseMessage(m.Detail, "The request cannot be read."), maxDetailBytes)
	errs := m.Errors[:0]
	for _, d := range m.Errors {
		if d != nil {
			errs = append(errs, d)
		}
	}
	if n := len(errs); n > maxProblemErrors {
		errs = errs[:maxProblemErrors]
		m.Detail = truncate(m.Detail, maxDetailBytes-60) + " (the first " + strconv.Itoa(maxProblemErrors) + " of " + strconv.Itoa(n) + " errors)"
	}
	for _, d := range errs {
		d.Value = nil
		d.Location = truncate(d.Location, maxLocationBytes)
		d.Message = truncate(sanitiseMessage(d.Message, "cannot be read"), maxMessageBytes)
	}
	m.Errors = errs
	m.Instance = truncate(m.Instance, maxLocationBytes)
}

// sanitiseMessage replaces a message that is Go's own error text (from
// encoding/json, strconv, io) with generic words.
func sanitiseMessage(msg, generic string) string {
	switch {
	case strings.HasPrefix(msg, "json: "), strings.HasPrefix(msg, "invalid character"),
		strings.HasPrefix(msg, "unexpected end of JSON"), strings.HasPrefix(msg, "strconv."),
		strings.Contains(msg, "Go value"), strings.Contains(msg, "Go struct"):
		return generic
	}
	return msg
}

// truncate cuts s to at most n bytes on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// routerProblems answers the mux's own 404 and 405 (no route, or a route
// without this method) with problems, like every other error; the mux
// writes text/plain. The Allow header of a 405 is kept. elsewhere, when
// set, gives the methods other functions serve for a path this one does
// not (the $default route's function: docs/platform.md), so a known path
// asked with another method is a 405 there too.
func routerProblems(mux *http.ServeMux, elsewhere func(path string) []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &routerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusNotFound && elsewhere != nil {
			if methods := elsewhere(r.URL.Path); len(methods) > 0 {
				rec.status = http.StatusMethodNotAllowed
				rec.header.Set("Allow", strings.Join(methods, ", "))
			}
		}
		switch rec.status {
		case http.StatusNotFound:
			writeProblem(w, newProblem(http.StatusNotFound, "There is no such resource."))
		case http.StatusMethodNotAllowed:
			if allow := rec.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			writeProblem(w, newProblem(http.StatusMethodNotAllowed, "This resource does not take this method; see Allow."))
		default: // a redirect to the canonical path, say
			for k, vs := range rec.header {
				w.Header()[k] = vs
			}
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body)
		}
	})
}

// routerRecorder captures what the mux's internal handler answered.
type routerRecorder struct {
	header    http.Header
	status    int
	body      []byte
	unbounded bool // keep the whole body, not its first 4 kB
}

func (r *routerRecorder) Header() http.Header { return r.header }

func (r *routerRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *routerRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.unbounded || len(r.body) < 4096 {
		r.body = append(r.body, b...)
	}
	return len(b), nil
}
