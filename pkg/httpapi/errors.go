package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// codeStatus is the one table from domain error codes to HTTP statuses.
var codeStatus = map[string]int{
	warmlead.EINVALID:      http.StatusUnprocessableEntity,
	warmlead.EBADREQUEST:   http.StatusBadRequest,
	warmlead.EUNAUTHORIZED: http.StatusUnauthorized,
	warmlead.EFORBIDDEN:    http.StatusForbidden,
	warmlead.ENOTFOUND:     http.StatusNotFound,
	warmlead.ECONFLICT:     http.StatusConflict,
	warmlead.EPRECONDITION: http.StatusPreconditionFailed,
	warmlead.EGONE:         http.StatusGone,
	warmlead.EUNAVAILABLE:  http.StatusServiceUnavailable,
	warmlead.EINTERNAL:     http.StatusInternalServerError,
}

// retryAfterSeconds is what a client is told to wait on a 503.
const retryAfterSeconds = 5

// problem is an RFC 9457 body plus the headers that go with it.
type problem struct {
	*huma.ErrorModel
	headers http.Header
}

func (p *problem) GetHeaders() http.Header { return p.headers }

// translate turns any error into the problem a client sees, naming the
// request location of each field at fault (locations.go). Internal errors
// are logged with the request id (the request's logger) and shown only as
// a generic message; problems already made pass through unchanged.
func translate(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	code := warmlead.ErrorCode(err)
	status, ok := codeStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		loggerFrom(ctx).ErrorContext(ctx, "request failed", "request_id", requestID(ctx), "code", code, "err", err.Error())
	}
	detail, fields := warmlead.ErrorMessage(err), fieldsOf(err)
	locate := locatorFrom(ctx)
	var details []*huma.ErrorDetail
	for _, f := range fields {
		details = append(details, errorDetail(locate(f.Field), f.Message))
	}
	// warmlead.Invalid names its one field in the message: name its
	// location instead, as the client knows it.
	if len(fields) == 1 && detail == fields[0].Field+": "+fields[0].Message {
		detail = details[0].Location + ": " + fields[0].Message
	}
	return newProblem(status, detail, details...)
}

type loggerKey struct{}

// withLogger puts the API's logger and the operation (locations.go) in
// every request's context, for translate.
func withLogger(logger *slog.Logger) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		withOperation(huma.WithValue(ctx, loggerKey{}, logger), next)
	}
}

func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// newProblem builds a problem with a status-specific title and headers.
func newProblem(status int, detail string, details ...*huma.ErrorDetail) *problem {
	p := &problem{ErrorModel: &huma.ErrorModel{
		Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Errors: details,
	}}
	switch status {
	case http.StatusServiceUnavailable:
		p.headers = http.Header{"Retry-After": {strconv.Itoa(retryAfterSeconds)}}
	case http.StatusUnauthorized:
		p.headers = http.Header{"Www-Authenticate": {`Bearer realm="warmlead"`}}
	}
	return p
}

func fieldsOf(err error) []warmlead.FieldError {
	if e, ok := asDomainError(err); ok {
		return e.Fields
	}
	return nil
}

var missingProperty = sync.OnceValue(func() *regexp.Regexp { // compiled on first use, not at cold start
	return regexp.MustCompile(`^expected required property (\S+) to be present$`)
})

// normaliseProblem gives huma's own problems (validation, 413) the same
// shape as ours: a type, the field named, and the bounds of problems.go.
func normaliseProblem(_ huma.Context, _ string, v any) (any, error) {
	var m *huma.ErrorModel
	ours := false
	switch p := v.(type) {
	case *huma.ErrorModel:
		m = p
	case *problem:
		m, ours = p.ErrorModel, true
	default:
		return v, nil
	}
	if m.Type == "" {
		m.Type = "about:blank"
	}
	for _, d := range m.Errors {
		if d == nil {
			continue
		}
		d.Location = fieldLocation(d)
	}
	// huma refuses a missing required body with a bare detail: name the
	// body as the field at fault, as every other problem names its field.
	if len(m.Errors) == 0 && m.Status == http.StatusBadRequest && m.Detail == bodyRequired {
		m.Errors = []*huma.ErrorDetail{errorDetail("body", "A JSON body is required.")}
	}
	boundProblem(m, ours) // problems.go: no echo, at most 20 errors, small
	return v, nil
}

// fieldLocation is where d's field is: huma reports a missing property at
// its parent, and the field is named after it.
func fieldLocation(d *huma.ErrorDetail) string {
	if sub := missingProperty().FindStringSubmatch(d.Message); sub != nil {
		return d.Location + "." + sub[1]
	}
	return d.Location
}

// bodyRequired is huma's detail for a request with no body where one is
// required.
const bodyRequired = "request body is required"

func errorDetail(location, message string) *huma.ErrorDetail {
	return &huma.ErrorDetail{Location: location, Message: message}
}
