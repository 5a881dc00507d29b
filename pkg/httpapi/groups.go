package httpapi

import (
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
}

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

// inGroup wraps api so that only the operations of g are registered.
func inGroup(api huma.API, g Group) huma.API {
	if g == GroupAll {
		return api
	}
	return &groupAPI{API: api, tags: groupTags[g]}
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
