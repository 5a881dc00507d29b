package localgw_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/localidp"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const webOrigin = "http://localhost:5173"

// spec reads template.yaml as the local stack does, with issuer and
// audience standing for Cognito's.
func spec(t *testing.T, issuer, audience, base string) *localgw.API {
	t.Helper()
	tpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		t.Fatal(err)
	}
	api, err := localgw.FromTemplate(tpl, localgw.LocalResolver(issuer, audience,
		map[string]string{"PublicBaseURL": base, "WebOrigin": webOrigin}))
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// newServer is the local stack's HTTP front: gateway + API + real table,
// trusting issuer for audience.
func newServer(t *testing.T, issuer, audience string) *httptest.Server {
	t.Helper()
	env := testenv.New(t)
	store := env.Store(t)
	api := httpapi.NewServer(slog.New(slog.NewJSONHandler(io.Discard, nil)), httpapi.Config{}, httpapi.Services{Members: store, Postings: store})
	var gw http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { gw.ServeHTTP(w, r) }))
	sp := spec(t, issuer, audience, srv.URL)
	gw = localgw.New(localgw.Everywhere(api, sp), sp)
	t.Cleanup(srv.Close)
	return srv
}

// provider starts the local OpenID Connect provider.
func provider(t *testing.T) (*localidp.Provider, string) {
	t.Helper()
	var p *localidp.Provider
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	var err error
	if p, err = localidp.New(localidp.Options{Issuer: srv.URL, RedirectURIs: []string{"http://127.0.0.1:1/signin/callback"}}); err != nil {
		t.Fatal(err)
	}
	return p, srv.URL
}

func signIn(t *testing.T, issuer, member string) string {
	t.Helper()
	tok, err := localidp.SignIn(t.Context(), issuer, "http://127.0.0.1:1/signin/callback", member)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func call(t *testing.T, srv *httptest.Server, method, path, auth, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestProviderTokenIdentifiesTheMember: a token from the local provider's
// sign-in is accepted and its sub and email reach the function.
func TestProviderTokenIdentifiesTheMember(t *testing.T) {
	t.Parallel()
	_, issuer := provider(t)
	srv := newServer(t, issuer, localidp.ClientID)
	tok := signIn(t, issuer, "carmen")
	if status, _, body := call(t, srv, "PUT", "/me", "Bearer "+tok, `{"name":"Carmen","stage":"returner"}`); status != 201 {
		t.Fatalf("PUT /me = %d %s", status, body)
	}
	status, _, body := call(t, srv, "GET", "/me", "Bearer "+tok, "")
	var me struct{ ID, Name string }
	_ = json.Unmarshal([]byte(body), &me)
	if status != 200 || me.ID != "carmen" || me.Name != "Carmen" {
		t.Errorf("GET /me = %d %s", status, body)
	}
}

// TestRotatedKeyIsFetched: once the provider rotates its signing key, its
// new tokens (an unknown kid) verify: the gateway fetches the JWKS again,
// as API Gateway does. A key that is in no JWKS is refused (below).
func TestRotatedKeyIsFetched(t *testing.T) {
	t.Parallel()
	p, issuer := provider(t)
	srv := newServer(t, issuer, localidp.ClientID)
	old := signIn(t, issuer, "carmen")
	if status, _, body := call(t, srv, "GET", "/postings", "Bearer "+old, ""); status != 200 {
		t.Fatalf("before rotation = %d %s", status, body)
	}
	if err := p.Rotate(); err != nil {
		t.Fatal(err)
	}
	if status, _, body := call(t, srv, "GET", "/postings", "Bearer "+signIn(t, issuer, "carmen"), ""); status != 200 {
		t.Errorf("new key = %d %s", status, body)
	}
}

// issuer is a bare OpenID issuer (discovery + JWKS) whose tokens a test
// crafts itself, to hold the gateway to each rule.
type issuer struct {
	url string
	key *rsa.PrivateKey
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	is := &issuer{key: key}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": is.url, "jwks_uri": is.url + "/keys",
				"authorization_endpoint": is.url + "/authorize", "id_token_signing_alg_values_supported": []string{"RS256"}})
		case "/keys":
			_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	is.url = srv.URL
	return is
}

// sign signs claims with key (kid k1) as RS256.
func sign(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

func (is *issuer) claims(mod func(map[string]any)) map[string]any {
	now := time.Now()
	c := map[string]any{"sub": "carmen", "iss": is.url, "aud": "warmlead-web", "exp": now.Add(time.Hour).Unix(),
		"iat": now.Unix(), "email": "carmen@example.org", "email_verified": true}
	if mod != nil {
		mod(c)
	}
	return c
}

// TestBadTokensAre401AsAPIGatewayAnswers: the authorizer's rules, each
// broken once: API Gateway's 401 {"message":"Unauthorized"} with an
// invalid_token challenge, and the function is never reached.
func TestBadTokensAre401AsAPIGatewayAnswers(t *testing.T) {
	t.Parallel()
	is, other := newIssuer(t), newIssuer(t)
	srv := newServer(t, is.url, "warmlead-web")
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	enc := base64.RawURLEncoding.EncodeToString
	unsigned, _ := json.Marshal(is.claims(nil))
	algNone := enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(unsigned) + "."

	if status, _, body := call(t, srv, "GET", "/postings", "Bearer "+sign(t, is.key, is.claims(nil)), ""); status != 200 {
		t.Fatalf("a good token = %d %s", status, body)
	}
	cases := map[string]struct{ header, challenge string }{
		"missing":         {"", ""},
		"other issuer":    {"Bearer " + sign(t, other.key, other.claims(nil)), "invalid_token"},
		"issuer claim":    {"Bearer " + sign(t, is.key, is.claims(func(c map[string]any) { c["iss"] = other.url })), "issuer"},
		"other audience":  {"Bearer " + sign(t, is.key, is.claims(func(c map[string]any) { c["aud"] = "another-app" })), "audience"},
		"unknown key":     {"Bearer " + sign(t, stranger, is.claims(nil)), "signature"},
		"expired":         {"Bearer " + sign(t, is.key, is.claims(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), "expired"},
		"not yet valid":   {"Bearer " + sign(t, is.key, is.claims(func(c map[string]any) { c["nbf"] = time.Now().Add(time.Hour).Unix() })), "not valid yet"},
		"alg none":        {"Bearer " + algNone, "not valid"},
		"not bearer":      {"Basic Y2FybWVuOng=", "Bearer"},
		"garbage":         {"Bearer not.a.jwt", "not valid"},
		"tampered claims": {"Bearer " + tamper(sign(t, is.key, is.claims(nil))), "signature"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, hdr, body := call(t, srv, "GET", "/postings", tc.header, "")
			if status != 401 || body != `{"message":"Unauthorized"}` {
				t.Fatalf("= %d %s", status, body)
			}
			if got := hdr.Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) || (tc.challenge != "" && !strings.Contains(got, `error="invalid_token"`)) {
				t.Errorf("WWW-Authenticate = %q, want it to mention %q", got, tc.challenge)
			}
		})
	}
}

// tamper swaps a token's payload for one naming another member.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin"}`))
	return strings.Join(parts, ".")
}

// TestEachRouteHasItsTemplateAuthorizer: every route of template.yaml,
// called without a token, is refused by the gateway exactly when the
// template puts the JWT authorizer on it (anonymous GET /postings is a 401
// locally, as in AWS), and a path no route matches goes to the $default
// route's function.
func TestEachRouteHasItsTemplateAuthorizer(t *testing.T) {
	t.Parallel()
	is := newIssuer(t)
	srv := newServer(t, is.url, "warmlead-web")
	routes := spec(t, is.url, "warmlead-web", srv.URL).Routes
	if len(routes) < 20 {
		t.Fatalf("only %d routes read from template.yaml", len(routes))
	}
	for _, r := range routes {
		if r.Path == localgw.DefaultRoute {
			continue // below
		}
		path := strings.NewReplacer("{id}", "x1", "{member_id}", "m1", "{token}", "t1", "{name}", "landing.js").Replace(r.Path)
		status, _, body := call(t, srv, r.Method, path, "", "")
		refused := status == 401 && body == `{"message":"Unauthorized"}`
		if refused != (r.Authorizer != "") {
			t.Errorf("%s %s (authorizer %q) anonymous = %d %s", r.Method, r.Path, r.Authorizer, status, body)
		}
	}
	// template.yaml's $default route takes what no route matches, with no
	// authorizer: the API's own 404, not API Gateway's {"message"}.
	if status, h, body := call(t, srv, "GET", "/nowhere", "", ""); status != 404 || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unrouted path = %d %s %s", status, h.Get("Content-Type"), body)
	}
}

// TestCORSGrantsConfiguredOriginsOnly: the template's origins (the API's
// own base URL and the web app's) get a grant, preflight included; any
// other origin gets none.
func TestCORSGrantsConfiguredOriginsOnly(t *testing.T) {
	t.Parallel()
	is := newIssuer(t)
	srv := newServer(t, is.url, "warmlead-web")
	preflight := func(origin string) http.Header {
		req, _ := http.NewRequest("OPTIONS", srv.URL+"/postings", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header
	}
	for _, origin := range []string{srv.URL, webOrigin} {
		h := preflight(origin)
		if h.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "authorization") {
			t.Errorf("preflight from %s: %v", origin, h)
		}
	}
	if h := preflight("https://evil.example"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a foreign origin got a CORS grant: %v", h)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Header.Set("Origin", "https://evil.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from a foreign origin = %d with grant %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
}

// Each route reaches the handler of the function template.yaml names for
// it; a route whose function has no handler fails as a broken integration.
func TestRoutesReachTheirFunction(t *testing.T) {
	t.Parallel()
	sp := spec(t, "http://127.0.0.1:1/issuer", "warmlead-web", "http://127.0.0.1")
	named := func(id string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, id) })
	}
	srv := httptest.NewServer(localgw.New(map[string]http.Handler{"ApiFunction": named("ApiFunction"),
		"PostingsFunction": named("PostingsFunction")}, sp))
	t.Cleanup(srv.Close)
	for path, want := range map[string]string{"/healthz": "200 ApiFunction", "/public/postings": "200 PostingsFunction",
		"/unsubscribe/x": `500 {"message":"Internal Server Error"}`} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if got := fmt.Sprintf("%d %s", res.StatusCode, strings.TrimSpace(string(body))); got != want {
			t.Errorf("GET %s = %s, want %s", path, got, want)
		}
	}
}
