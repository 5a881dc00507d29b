package httpapi

import (
	"reflect"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
)

// finishDocument completes the OpenAPI document so it lints clean with
// Redocly CLI's recommended rules (.ci/run): a server, a licence, an
// explicit empty security requirement on public operations (security: []),
// and the client-error problem every operation can answer with.
func finishDocument(api huma.API, cfg *Config) {
	doc := api.OpenAPI()
	server := cfg.PublicBaseURL
	if server == "" {
		server = "/"
	}
	doc.Servers = []*huma.Server{{URL: server, Description: "This deployment."}}
	doc.Info.License = &huma.License{Name: "Proprietary", Identifier: "LicenseRef-Proprietary"}
	problem := doc.Components.Schemas.Schema(reflect.TypeOf(huma.ErrorModel{}), true, "")
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch, item.Head, item.Options} {
			if op == nil {
				continue
			}
			if op.Security == nil {
				op.Security = []map[string][]string{}
			}
			if !hasClientError(op) {
				if op.Responses == nil {
					op.Responses = map[string]*huma.Response{}
				}
				op.Responses["4XX"] = &huma.Response{Description: "A client error, as an RFC 9457 problem naming the field at fault.",
					Content: map[string]*huma.MediaType{"application/problem+json": {Schema: problem}}}
			}
		}
	}
}

func hasClientError(op *huma.Operation) bool {
	for code := range op.Responses {
		if n, err := strconv.Atoi(code); (err == nil && n >= 400 && n < 500) || code == "4XX" {
			return true
		}
	}
	return false
}
