package httpapi

import (
	"context"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Where a field at fault was sent. The domain and the store name fields by
// their domain names ("title", "pay.min", "skills[2]", "cursor",
// "version"); the client is told the request location ("body.title",
// "query.cursor", "header.If-Match"), decided here and nowhere else, from
// the operation's own parameters: a name the operation takes in its query
// (or path) is located there, anything else is in the body.

// headerFields are the domain fields that travel in a request header.
var headerFields = map[string]string{
	"version":         "If-Match",        // the version an edit was made against (ETag)
	"idempotency_key": "Idempotency-Key", // a create's retry key
}

// locator maps a domain field name to a request location.
type locator func(field string) string

type operationKey struct{}

// withOperation puts the operation in every request's context, for
// locatorFrom.
func withOperation(ctx huma.Context, next func(huma.Context)) {
	next(huma.WithValue(ctx, operationKey{}, ctx.Operation()))
}

// locatorFrom locates fields for the request's operation.
func locatorFrom(ctx context.Context) locator {
	op, _ := ctx.Value(operationKey{}).(*huma.Operation)
	return locatorOf(op)
}

// locatorOf locates fields for op (nil: every field is in the body).
func locatorOf(op *huma.Operation) locator {
	return func(field string) string {
		if field == "" {
			return "body" // the body as a whole
		}
		if h, ok := headerFields[field]; ok {
			return "header." + h
		}
		top, _, _ := strings.Cut(field, ".")
		top, _, _ = strings.Cut(top, "[")
		if op != nil {
			for _, p := range op.Parameters {
				if p != nil && p.Name == top && (p.In == "query" || p.In == "path") {
					return p.In + "." + field
				}
			}
		}
		return "body." + field
	}
}
