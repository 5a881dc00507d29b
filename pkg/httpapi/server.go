// Package httpapi is Warmlead's HTTP surface: one http.Handler, served by the
// Lambda adapter in AWS and by the local gateway on a laptop. It speaks the
// domain's interfaces only; routes.go lists every endpoint.
//
// It is built on huma (github.com/danielgtaylor/huma/v2) because the
// contract wants an OpenAPI 3.1 document that never drifts from the code:
// huma derives the document, the request validation and the RFC 9457 problem
// bodies from the same Go types, so they cannot disagree.
package httpapi

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// MaxBodyBytes bounds every request body: a body of exactly this size is
// read, a larger one is a 413. It leaves room for every text field of the
// largest body at its character limit written as JSON escapes of 12 bytes
// a character (docs/rules.md, "Body limit"; checked by
// TestBodyLimitFitsEscapedText).
const MaxBodyBytes = 256 << 10

// Services are the domain services the API is built on.
type Services struct {
	Members       warmlead.MemberService
	Orgs          warmlead.OrgService
	Connections   warmlead.ConnectionService
	Postings      warmlead.PostingService
	Referrals     warmlead.ReferralService
	Interests     warmlead.InterestService
	Notifications warmlead.NotificationService
	// Follow-ups and email (docs/followups.md, docs/email.md).
	FollowUps     warmlead.FollowUpService
	Settings      warmlead.SettingsService
	SavedSearches warmlead.SavedSearchService // nil: Postings, if it keeps saved searches too
	// People (docs/people.md).
	Advice        warmlead.AdviceService
	Introductions warmlead.IntroductionService
	// The directory, org insights and a member's own data (docs/people.md).
	Directory warmlead.DirectoryService
	Insights  warmlead.InsightService
	Account   warmlead.AccountService
}

// Config is what the API needs to know about where it is deployed.
type Config struct {
	// PublicBaseURL is the base of shared links (https://warmlead.example);
	// referral URLs are PublicBaseURL + "/r/" + token.
	PublicBaseURL string
	// SignIn is where the landing page signs visitors in (signin.go).
	SignIn SignInConfig
	// UnsubscribeSecret signs one-click unsubscribe tokens (docs/email.md).
	UnsubscribeSecret []byte
	// Group is the part of the API to serve (groups.go); the zero value
	// serves all of it.
	Group Group
}

// NewServer returns the API, or the part of it cfg.Group names, as one
// http.Handler.
func NewServer(logger *slog.Logger, cfg Config, svc Services) http.Handler {
	cfg.PublicBaseURL = strings.TrimRight(cfg.PublicBaseURL, "/")
	mux := http.NewServeMux()
	hcfg := humaConfig()
	if cfg.Group != GroupAll {
		// Only the whole API knows the whole document: a group serves
		// the one built from it at build time (openapi_embed.go), or none.
		hcfg.OpenAPIPath = ""
		// Nor the JSON Schemas huma serves beside a live document, and
		// only the schemas requests are validated with are built.
		hcfg.SchemasPath = ""
		hcfg.Components.Schemas = &docOnlyRegistry{Registry: hcfg.Components.Schemas}
		if cfg.Group == GroupSite {
			serveEmbeddedDocument(mux, &cfg)
		}
	}
	api := humago.New(mux, hcfg)
	api.UseMiddleware(withLogger(logger), requireIdentity(api), cleanInput(api))
	api.UseMiddleware(withVisit) // the landing page's click counting (visit.go)
	addRoutes(inGroup(api, cfg.Group, mux), &cfg, svc)
	if cfg.Group == GroupAll {
		// Only the whole API's document is read (groups serve the
		// embedded one, or none).
		finishDocument(api, &cfg) // openapi_doc.go
	}

	var elsewhere func(string) []string
	if cfg.Group == GroupSite { // it also serves the $default route
		elsewhere = documentMethods
	}
	var h http.Handler = routerProblems(mux, elsewhere)
	h = recoverPanics(logger, h)
	h = logRequests(logger, h)
	return h
}

// humaConfig is huma's default configuration minus the `$schema` body field
// and Link header (noise for our clients), plus the bearer scheme and the
// problem-body normaliser.
func humaConfig() huma.Config {
	cfg := huma.DefaultConfig("Warmlead API", "1.0.0")
	cfg.CreateHooks = nil
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "" // our own /docs (signin.go): huma's loads a script from a CDN
	cfg.Info.Description = "A job board for the hidden job network: leads, the people they travel through, and the referral chains that credit them."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		bearerScheme: {Type: "http", Scheme: "bearer", BearerFormat: "JWT",
			Description: "In AWS, a Cognito token checked by the HTTP API's JWT authorizer; locally, an RS256 ID token from the local OpenID Connect provider (`make token NAME=alice`)."},
	}
	cfg.Transformers = append(cfg.Transformers, normaliseProblem)
	// Unknown query parameters are refused (422 naming query.<name>), on
	// every operation: a filter the API does not have must not look as if
	// it matched everything.
	cfg.RejectUnknownQueryParameters = true
	return cfg
}
