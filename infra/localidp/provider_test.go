package localidp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/warmlead/warmlead/infra/localidp"
)

// start runs a provider on a loopback port.
func start(t *testing.T) (*localidp.Provider, string) {
	t.Helper()
	var p *localidp.Provider
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	var err error
	p, err = localidp.New(localidp.Options{Issuer: srv.URL, RedirectURIs: []string{"http://127.0.0.1:1/signin/callback"},
		Members: []localidp.Member{localidp.DemoMember("alice", "Alice Martin")}})
	if err != nil {
		t.Fatal(err)
	}
	return p, srv.URL
}

// TestSignInIssuesVerifiableRS256IDTokens: discovery, the sign-in page, the
// code flow with PKCE and the token endpoint give an RS256 ID token with
// the claims the API relies on, verifiable from the published JWKS.
func TestSignInIssuesVerifiableRS256IDTokens(t *testing.T) {
	_, issuer := start(t)
	ctx := context.Background()
	tok, err := localidp.SignIn(ctx, issuer, "http://127.0.0.1:1/signin/callback", "alice")
	if err != nil {
		t.Fatal(err)
	}
	provider, err := gooidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	idt, err := provider.Verifier(&gooidc.Config{ClientID: localidp.ClientID}).Verify(ctx, tok)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var c struct {
		Sub           string `json:"sub"`
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Exp           int64  `json:"exp"`
	}
	_ = idt.Claims(&c)
	if c.Sub != "alice" || c.Email != "alice@demo.warmlead.example" || !c.EmailVerified || c.Exp == 0 ||
		idt.Issuer != issuer || len(idt.Audience) != 1 || idt.Audience[0] != localidp.ClientID {
		t.Errorf("claims = %+v iss %s aud %v", c, idt.Issuer, idt.Audience)
	}
	var disc struct {
		CodeChallengeMethods []string `json:"code_challenge_methods_supported"`
		Algs                 []string `json:"id_token_signing_alg_values_supported"`
	}
	res, _ := http.Get(issuer + "/.well-known/openid-configuration")
	_ = json.NewDecoder(res.Body).Decode(&disc)
	res.Body.Close()
	if strings.Join(disc.CodeChallengeMethods, ",") != "S256" || strings.Join(disc.Algs, ",") != "RS256" {
		t.Errorf("discovery: PKCE %v, algs %v", disc.CodeChallengeMethods, disc.Algs)
	}
}

// TestSignInRefusesForeignRedirects: only the registered callback is used.
func TestSignInRefusesForeignRedirects(t *testing.T) {
	_, issuer := start(t)
	if _, err := localidp.SignIn(context.Background(), issuer, "http://evil.example/cb", "alice"); err == nil {
		t.Error("signed in with an unregistered redirect URI")
	}
}

// TestSignInPageListsDemoMembers: the page a person sees.
func TestSignInPageListsDemoMembers(t *testing.T) {
	_, issuer := start(t)
	hc := &http.Client{}
	res, err := hc.Get(issuer + "/authorize?client_id=" + localidp.ClientID + "&response_type=code&scope=openid&redirect_uri=" +
		"http://127.0.0.1:1/signin/callback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "Alice Martin") || !strings.Contains(string(b), `<label for="member">`) {
		t.Errorf("sign-in page = %d %s", res.StatusCode, b)
	}
}
