package httpapi

import (
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

func TestLocatorOf(t *testing.T) {
	browse := &huma.Operation{Parameters: []*huma.Param{
		{Name: "q", In: "query"}, {Name: "cursor", In: "query"}, {Name: "status", In: "query"}, {Name: "id", In: "path"},
		{Name: "Idempotency-Key", In: "header"},
	}}
	for _, tc := range []struct {
		op    *huma.Operation
		field string
		want  string
	}{
		{nil, "title", "body.title"},
		{nil, "pay.min", "body.pay.min"},
		{nil, "skills[2]", "body.skills[2]"},
		{nil, "", "body"},
		{nil, "version", "header.If-Match"},
		{nil, "idempotency_key", "header.Idempotency-Key"},
		{nil, "cursor", "body.cursor"},
		{browse, "cursor", "query.cursor"},
		{browse, "q", "query.q"},
		{browse, "status", "query.status"},
		{browse, "id", "path.id"},
		{browse, "query.q", "body.query.q"}, // a saved search's query is in its body
		{browse, "title", "body.title"},
		{browse, "version", "header.If-Match"},
	} {
		if got := locatorOf(tc.op)(tc.field); got != tc.want {
			t.Errorf("locate(%q) = %q, want %q", tc.field, got, tc.want)
		}
	}
}
