package httpapi

import (
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// A Group is the part of the API one Lambda function serves: the
// operations of some tags. In AWS the HTTP API routes each path to the
// function of its group (template.yaml), so a function's cold start builds
// the schemas of its own operations only (docs/platform.md, "One API,
// several functions"). The zero Group is the whole API, as tests and tools
// build it.
type Group string

// The groups, each served by functions/<group> as the template's
// <Group>Function (ApiFunction for GroupSite: functions/api).
const (
	GroupAll Group = ""
	// GroupSite: the health check, the API reference and the OpenAPI
	// document (embedded, built from the whole API: openapi_embed.go), the
	// sign-in page and the pages' assets.
	GroupSite Group = "api"
	// GroupPostings: postings, browsing and keyword search, the public twins.
	GroupPostings Group = "postings"
	// GroupReferrals: shared links and their landing page, interest in a
	// posting, saved searches.
	GroupReferrals Group = "referrals"
	// GroupMembers: profiles, your data, connections, notifications and
	// their settings.
	GroupMembers Group = "members"
	// GroupOrgs: organisations, their directory, invitations and insights.
	GroupOrgs Group = "orgs"
	// GroupPeople: advice offers, informational interviews, introductions.
	GroupPeople Group = "people"
)

// groupTags are the operation tags of each group. Every tag belongs to
// exactly one group (TestGroupsCoverTheAPI).
var groupTags = map[Group][]string{
	GroupSite:      {"Operations", "Pages"},
	GroupPostings:  {"Postings"},
	GroupReferrals: {"Referrals", "Interest", "Saved searches"},
	GroupMembers:   {"Members", "Connections", "Notifications"},
	GroupOrgs:      {"Organisations"},
	GroupPeople:    {"Advice", "Introductions"},
}

// Groups lists every group but GroupAll, sorted.
func Groups() []Group {
	gs := make([]Group, 0, len(groupTags))
	for g := range groupTags {
		gs = append(gs, g)
	}
	slices.Sort(gs)
	return gs
}

// groupAPI is the API as register sees it when building one group: it
// registers the group's operations and skips the others.
type groupAPI struct {
	huma.API
	tags []string
	// lazy registers the group's operations on their first request
	// (lazy.go); mux is where their routes go.
	lazy *lazyOps
	mux  *http.ServeMux
}

// Adapter is what huma.Register hands each operation's handler to: while an
// operation is registered on its first request, lazy captures it.
func (g *groupAPI) Adapter() huma.Adapter { return g.lazy }

// Config is the wrapped API's configuration. huma.Register reads the
// configuration through this method (RejectUnknownQueryParameters among
// others): without it every group would silently run with huma's zero
// configuration.
func (g *groupAPI) Config() huma.Config {
	if c, ok := g.API.(interface{ Config() huma.Config }); ok {
		return c.Config()
	}
	return huma.Config{}
}

// inGroup wraps api so that only the operations of g are registered, each
// on its first request (lazy.go), with its route on mux.
func inGroup(api huma.API, g Group, mux *http.ServeMux) huma.API {
	if g == GroupAll {
		return api
	}
	return &groupAPI{API: api, tags: groupTags[g], lazy: &lazyOps{next: api.Adapter()}, mux: mux}
}

// serves reports whether api registers operations tagged tag.
func serves(api huma.API, tag string) bool {
	g, ok := api.(*groupAPI)
	return !ok || slices.Contains(g.tags, tag)
}

// servesOp reports whether api registers op: its first tag decides.
func servesOp(api huma.API, op *huma.Operation) bool {
	return len(op.Tags) > 0 && serves(api, op.Tags[0]) || len(op.Tags) == 0 && serves(api, "")
}

// Function is the logical id in template.yaml of the function that serves
// g, e.g. PostingsFunction; its main package is functions/<g>.
func (g Group) Function() string {
	if g == GroupAll {
		return ""
	}
	return strings.ToUpper(string(g[:1])) + string(g[1:]) + "Function"
}

// GroupOf names the group that serves operations tagged tag, false when
// none does.
func GroupOf(tag string) (Group, bool) {
	for g, tags := range groupTags {
		if slices.Contains(tags, tag) {
			return g, true
		}
	}
	return GroupAll, false
}

// docOnlyRegistry is the schema registry of a group's API. A group serves
// no document built at start (GroupSite serves the embedded one, built
// from the whole API), so the schemas only a document reads are not built
// there: huma derives them by reflection as it registers each operation,
// a good part of a group function's cold start (docs/platform.md, "One
// API, several functions"), and nothing reads them while serving. Those
// are the response bodies' schemas (huma validates requests, never
// responses) and the error model's. Request schemas, which validation
// reads, are built exactly as in the whole API.
type docOnlyRegistry struct {
	huma.Registry
	// response is the response body type of the operation being
	// registered (register sets it), nil between operations.
	response reflect.Type
}

// errorModelType is the type of huma's problem bodies, whose schema only
// documents the error responses.
var errorModelType = reflect.TypeOf(huma.ErrorModel{})

func (r *docOnlyRegistry) Schema(t reflect.Type, allowRef bool, hint string) *huma.Schema {
	if t != nil && (t == r.response || t == errorModelType) {
		return &huma.Schema{} // not built: see docOnlyRegistry
	}
	return r.Registry.Schema(t, allowRef, hint)
}

// documentOnly returns api's docOnlyRegistry, nil when api builds the whole
// document (GroupAll).
func documentOnly(api huma.API) *docOnlyRegistry {
	r, _ := api.OpenAPI().Components.Schemas.(*docOnlyRegistry)
	return r
}
