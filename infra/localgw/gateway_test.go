package localgw_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var secret = []byte("0123456789abcdef0123456789abcdef")

// newServer is the local stack's HTTP front: gateway + API + real table.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	env := testenv.New(t)
	store := env.Store(t)
	api := httpapi.NewServer(slog.New(slog.NewJSONHandler(io.Discard, nil)), httpapi.Config{}, httpapi.Services{Members: store})
	srv := httptest.NewServer(localgw.New(api, secret))
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, srv *httptest.Server, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", token)
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

func TestValidTokenIdentifiesTheMember(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok, err := localgw.Mint(secret, "carmen", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := call(t, srv, "PUT", "/me", "Bearer "+tok, `{"name":"Carmen","stage":"returner"}`)
	if status != 201 {
		t.Fatalf("PUT /me = %d %s", status, body)
	}
	status, _, body = call(t, srv, "GET", "/me", "Bearer "+tok, "")
	var me struct{ ID, Name string }
	_ = json.Unmarshal([]byte(body), &me)
	if status != 200 || me.ID != "carmen" || me.Name != "Carmen" {
		t.Errorf("GET /me = %d %s", status, body)
	}
}

func TestBadTokensAre401Problems(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	forged, _ := localgw.Mint([]byte("another-secret-another-secret-xx"), "carmen", time.Hour)
	expired, _ := localgw.Mint(secret, "carmen", -time.Minute)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "carmen", "iss": localgw.Issuer,
		"exp": time.Now().Add(time.Hour).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	otherIssuer, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "carmen", "iss": "someone-else",
		"exp": time.Now().Add(time.Hour).Unix()}).SignedString(secret)

	cases := map[string]struct{ header, detail string }{
		"missing":         {"", "bearer token is required"},
		"forged":          {"Bearer " + forged, "signature"},
		"expired":         {"Bearer " + expired, "expired"},
		"alg none":        {"Bearer " + none, "not valid"},
		"other issuer":    {"Bearer " + otherIssuer, "not valid"},
		"not bearer":      {"Basic Y2FybWVuOng=", "Bearer"},
		"garbage":         {"Bearer not.a.jwt", "not valid"},
		"tampered claims": {"Bearer " + tamper(t, forged), "not valid"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, hdr, body := call(t, srv, "GET", "/me", tc.header, "")
			if status != 401 || hdr.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("= %d %s %s", status, hdr.Get("Content-Type"), body)
			}
			var p struct {
				Detail string
				Errors []struct{ Location string }
			}
			_ = json.Unmarshal([]byte(body), &p)
			if !strings.Contains(p.Detail, tc.detail) || len(p.Errors) == 0 || p.Errors[0].Location != "header.Authorization" {
				t.Errorf("problem = %s, want detail containing %q at header.Authorization", body, tc.detail)
			}
		})
	}
}

// tamper swaps a token's payload for one naming another member.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	parts[1] = "eyJzdWIiOiJhZG1pbiJ9"
	return strings.Join(parts, ".")
}

func TestPublicRoutesNeedNoToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if status, _, body := call(t, srv, "GET", "/healthz", "", ""); status != 200 {
		t.Errorf("/healthz = %d %s", status, body)
	}
}
