package httpapi

import (
	"context"
	"embed"
	"net/http"
	"path"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// SignInConfig is where the landing page signs a visitor in: an OpenID
// Connect provider's authorization and token endpoints and the public app
// client (Authorization Code flow with PKCE, run by assets/landing.js in
// the browser). In AWS: Cognito's managed login (template.yaml); locally:
// infra/localidp. See README.md, "Sign-in".
type SignInConfig struct {
	AuthorizeURL, TokenURL, ClientID string
}

// SignInConfigFrom reads the SIGNIN_* variables.
func SignInConfigFrom(getenv func(string) string) SignInConfig {
	return SignInConfig{AuthorizeURL: getenv("SIGNIN_AUTHORIZE_URL"), TokenURL: getenv("SIGNIN_TOKEN_URL"), ClientID: getenv("SIGNIN_CLIENT_ID")}
}

//go:embed assets/*
var assetFiles embed.FS

var assetTypes = map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

type assetInput struct {
	Name string `path:"name" maxLength:"64" pattern:"^[a-z0-9-]+\\.(js|css)$" doc:"The file's name, e.g. landing.js."`
}

// handleAsset serves the pages' scripts and style sheets from the binary:
// the pages work offline and load nothing from elsewhere.
func handleAsset() func(context.Context, *assetInput) (*rawOutput, error) {
	return func(_ context.Context, in *assetInput) (*rawOutput, error) {
		b, err := assetFiles.ReadFile("assets/" + in.Name)
		if err != nil || strings.Contains(in.Name, "/") {
			return nil, huma.Error404NotFound("No such asset.")
		}
		return &rawOutput{Status: http.StatusOK, ContentType: assetTypes[path.Ext(in.Name)],
			CacheControl: "public, max-age=300", Body: b}, nil
	}
}

// handleSignInCallback is the page the provider sends a visitor back to
// with a code; its script exchanges the code and returns to the posting.
// signInCallbackInput declares what an OpenID Connect provider sends back
// (OpenID Connect Core 1.0 §3.1.2.5 and §3.1.2.6). The page's script reads
// them from the address bar; the server only has to accept them.
type signInCallbackInput struct {
	Code             string `query:"code" maxLength:"4096" doc:"The authorization code, exchanged by the page's script with its PKCE verifier."`
	State            string `query:"state" maxLength:"1024" doc:"The state the page sent, checked by its script."`
	SessionState     string `query:"session_state" maxLength:"1024" doc:"Sent by some providers; ignored."`
	Error            string `query:"error" maxLength:"256" doc:"Set when sign-in failed or was cancelled."`
	ErrorDescription string `query:"error_description" maxLength:"1024" doc:"The provider's explanation of error."`
	ErrorURI         string `query:"error_uri" maxLength:"1024" doc:"The provider's page about error."`
}

func handleSignInCallback(cfg *Config) func(context.Context, *signInCallbackInput) (*rawOutput, error) {
	return func(context.Context, *signInCallbackInput) (*rawOutput, error) {
		v := baseValues(cfg)
		v["title"], v["summary"] = "Signing in · Warmlead", "Signing you in to Warmlead."
		return renderPage(http.StatusOK, "signin.html", v)
	}
}

// handleDocs is the API reference: a page whose script (assets/docs.js)
// renders /openapi.json. Nothing is loaded from another host.
func handleDocs(cfg *Config) func(context.Context, *struct{}) (*rawOutput, error) {
	return func(context.Context, *struct{}) (*rawOutput, error) {
		v := baseValues(cfg)
		v["title"], v["summary"] = "API reference · Warmlead", "The Warmlead API, operation by operation."
		return renderPage(http.StatusOK, "docs.html", v)
	}
}

// htmlOnly documents an operation that answers an HTML page. Each
// operation gets its own: huma.Register adds to its operation's responses.
func htmlOnly() map[string]*huma.Response {
	return map[string]*huma.Response{"200": {Description: "An HTML page.",
		Content: map[string]*huma.MediaType{"text/html": {Schema: &huma.Schema{Type: "string"}}}}}
}

// addPageRoutes registers the pages and their assets (routes.go calls it).
func addPageRoutes(api huma.API, cfg *Config) {
	register(api, huma.Operation{OperationID: "docs", Method: http.MethodGet, Path: "/docs", Summary: "This API reference (HTML)",
		Tags: []string{"Operations"}, Responses: htmlOnly()}, handleDocs(cfg))
	register(api, huma.Operation{OperationID: "signin-callback", Method: http.MethodGet, Path: "/signin/callback",
		Summary: "Where sign-in returns (HTML)", Tags: []string{"Pages"},
		Description: "The OpenID Connect provider redirects here with code and state; the page's script exchanges the code (PKCE) and returns to the lead.",
		Responses:   htmlOnly()}, handleSignInCallback(cfg))
	register(api, huma.Operation{OperationID: "get-asset", Method: http.MethodGet, Path: "/assets/{name}",
		Summary: "A page's script or style sheet", Tags: []string{"Pages"},
		Responses: map[string]*huma.Response{"200": {Description: "The file.", Content: map[string]*huma.MediaType{
			"text/javascript": {Schema: &huma.Schema{Type: "string"}}, "text/css": {Schema: &huma.Schema{Type: "string"}}}},
			"404": {Description: "No such asset.", Content: map[string]*huma.MediaType{"application/problem+json": {Schema: &huma.Schema{Ref: "#/components/schemas/ErrorModel"}}}}}},
		handleAsset())
}
