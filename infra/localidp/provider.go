// Package localidp is the local stand-in for Cognito: a real OpenID Connect
// provider built on github.com/zitadel/oidc/v3's op package (an
// OpenID-certified provider implementation). It publishes discovery and a
// JWKS, signs RS256 ID tokens, and runs the Authorization Code flow with
// PKCE for one public client, the web pages; its sign-in page lists the
// demo members. See README.md, "Sign-in".
package localidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"

	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// ClientID is the local app client, as the template's UserPoolClient is in AWS.
const ClientID = "warmlead-web"

// tokenTTL is how long an ID token is valid (Cognito's default is 1 h).
const tokenTTL = time.Hour

// Member is someone who may sign in.
type Member struct {
	ID, Name, Email string
}

// Options configure a provider.
type Options struct {
	Issuer       string   // its own base URL, e.g. http://127.0.0.1:8081
	RedirectURIs []string // where the client may be sent back (exact match, as Cognito's callback URLs)
	KeyPath      string   // the RSA signing key, kept here across restarts ("" = a fresh key in memory)
	Members      []Member // listed on the sign-in page
}

// Provider is a running OpenID Connect provider.
type Provider struct {
	http.Handler
	store   *storage
	keyPath string
}

// New builds the provider. Any valid member id may sign in (the load test
// signs in hundreds); the demo members are listed by name.
func New(o Options) (*Provider, error) {
	key, err := loadOrCreateKey(o.KeyPath)
	if err != nil {
		return nil, err
	}
	listed := map[string]Member{}
	for _, m := range o.Members {
		listed[m.ID] = m
	}
	members := func(id string) (Member, bool) {
		if m, ok := listed[id]; ok {
			return m, true
		}
		if warmlead.ValidateMemberID(id) != nil {
			return Member{}, false
		}
		return Member{ID: id, Name: id, Email: EmailOf(id)}, true
	}
	s := &storage{members: members, requests: map[string]*authRequest{}, codes: map[string]string{}, key: key,
		client: &client{id: ClientID, redirects: o.RedirectURIs}}
	var crypto [32]byte
	_, _ = rand.Read(crypto[:])
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:          crypto,
		CodeMethodS256:     true,
		SupportedUILocales: []language.Tag{language.English},
		SupportedScopes:    []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile},
	}, s, op.StaticIssuer(strings.TrimRight(o.Issuer, "/")), op.WithAllowInsecure())
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	l := &loginPage{store: s, members: o.Members, lookup: members, callback: op.AuthCallbackURL(provider)}
	mux.Handle("/login", op.NewIssuerInterceptor(provider.IssuerFromRequest).Handler(l))
	mux.Handle("/", provider)
	return &Provider{Handler: mux, store: s, keyPath: o.KeyPath}, nil
}

// EmailOf is the verified address a member signs in with locally, the one
// the demo's mail goes to in Mailpit (README.md, "Follow-ups and email").
func EmailOf(id string) string { return id + "@demo.warmlead.example" }

// DemoMember is a member with the local email address filled in.
func DemoMember(id, name string) Member { return Member{ID: id, Name: name, Email: EmailOf(id)} }

// Rotate replaces the signing key: tokens signed with the old one no longer
// verify (the JWKS lists only the new key), as after a key rotation.
func (p *Provider) Rotate() error {
	key, err := newKey()
	if err != nil {
		return err
	}
	if p.keyPath != "" {
		if err := writeKey(p.keyPath, key); err != nil {
			return err
		}
	}
	p.store.mu.Lock()
	p.store.key = key
	p.store.mu.Unlock()
	return nil
}

func newKey() (*signingKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return withID(k), nil
}

// withID names a key by its public key's hash (the JWKS "kid").
func withID(k *rsa.PrivateKey) *signingKey {
	sum := sha256.Sum256(x509.MarshalPKCS1PublicKey(&k.PublicKey))
	return &signingKey{id: hex.EncodeToString(sum[:8]), key: k}
}

func loadOrCreateKey(path string) (*signingKey, error) {
	if path == "" {
		return newKey()
	}
	if b, err := os.ReadFile(path); err == nil {
		if block, _ := pem.Decode(b); block != nil {
			if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
				return withID(k), nil
			}
		}
	}
	k, err := newKey()
	if err != nil {
		return nil, err
	}
	return k, writeKey(path, k)
}

func writeKey(path string, k *signingKey) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.key)})
	return os.WriteFile(path, b, 0o600)
}

// client is the web pages' app client: public (no secret), Authorization
// Code with PKCE only, exact redirect URIs.
type client struct {
	id        string
	redirects []string
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirects }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeUserAgent }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *client) LoginURL(id string) string            { return "/login?authRequestID=" + url.QueryEscape(id) }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return tokenTTL }
func (c *client) DevMode() bool                        { return true } // http:// redirect URIs on loopback
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true } // email in the ID token, as Cognito's
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// loginPage is the provider's sign-in page: pick a demo member, or type
// any member id. There are no passwords: this provider exists on a
// developer's machine only.
type loginPage struct {
	store    *storage
	members  []Member
	lookup   func(string) (Member, bool)
	callback func(context.Context, string) string
}

func (l *loginPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id := r.Form.Get("authRequestID")
	if _, err := l.store.AuthRequestByID(r.Context(), id); err != nil {
		writeLogin(w, http.StatusBadRequest, "", nil, "This sign-in has expired. Go back to Warmlead and try again.")
		return
	}
	if r.Method != http.MethodPost {
		writeLogin(w, http.StatusOK, id, l.members, "")
		return
	}
	m, ok := l.lookup(strings.TrimSpace(r.Form.Get("member")))
	if !ok {
		writeLogin(w, http.StatusUnprocessableEntity, id, l.members, "A member id is 1 to 128 letters, digits or _.@:+-")
		return
	}
	if err := l.store.signIn(id, m); err != nil {
		writeLogin(w, http.StatusBadRequest, "", nil, "This sign-in has expired. Go back to Warmlead and try again.")
		return
	}
	http.Redirect(w, r, l.callback(r.Context(), id), http.StatusFound)
}

func writeLogin(w http.ResponseWriter, status int, id string, members []Member, problem string) {
	var b strings.Builder
	e := html.EscapeString
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · Warmlead (local)</title>
<style>body{margin:0;font:17px/1.5 system-ui,sans-serif;color:#1d2330;background:#fbf8f3}
main{max-width:26rem;margin:0 auto;padding:2rem 1.25rem}h1{font-size:1.4rem}
button{display:block;width:100%;text-align:left;margin:.4rem 0;padding:.7rem 1rem;border:1px solid #cfc6b8;border-radius:10px;background:#fff;font:inherit;color:inherit;cursor:pointer}
button:focus,input:focus{outline:3px solid #1d4ed8;outline-offset:2px}input{font:inherit;padding:.5rem;width:100%;border:1px solid #8a8170;border-radius:8px}
.err{background:#fff1e8;border:1px solid #f0c9b2;border-radius:8px;padding:.5rem .75rem}small{color:#4d5566}</style></head>
<body><main><h1>Sign in to Warmlead</h1><p><small>Local sign-in for development: choose who you are.</small></p>`)
	if problem != "" {
		b.WriteString(`<p class="err" role="alert">` + e(problem) + `</p>`)
	}
	if id != "" {
		b.WriteString(`<form method="post" action="/login"><input type="hidden" name="authRequestID" value="` + e(id) + `">`)
		b.WriteString(`<fieldset style="border:0;padding:0;margin:0"><legend>Demo members</legend>`)
		for _, m := range members {
			b.WriteString(`<button type="submit" name="member" value="` + e(m.ID) + `">Continue as <strong>` + e(m.Name) + `</strong> <small>(` + e(m.ID) + `)</small></button>`)
		}
		b.WriteString(`</fieldset></form><form method="post" action="/login"><input type="hidden" name="authRequestID" value="` + e(id) + `">
<p><label for="member">Or another member id</label><input id="member" name="member" autocomplete="username" required></p>
<button type="submit">Sign in</button></form>`)
	}
	b.WriteString(`</main></body></html>`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}
