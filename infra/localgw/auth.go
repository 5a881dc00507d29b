package localgw

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
)

// verifier checks bearer tokens as an HTTP API JWT authorizer does
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
// the issuer's discovery document names its JWKS; the token must be signed
// by a key in it (RS256: go-oidc refuses "none" and HMAC), come from the
// issuer, name one of the audiences in aud (or client_id), and be within
// exp and nbf. It is built on github.com/coreos/go-oidc/v3, which fetches
// and caches the JWKS and refetches it when it sees an unknown key id.
type verifier struct {
	cfg JWTAuthorizer

	mu       sync.Mutex
	verifier *gooidc.IDTokenVerifier // nil until discovery succeeded
}

func newVerifier(cfg JWTAuthorizer) *verifier { return &verifier{cfg: cfg} }

// authError is why a request was refused; challenge is the WWW-Authenticate
// header API Gateway sends with it.
type authError struct{ description string }

func (e *authError) Error() string { return e.description }

func (e *authError) challenge() string {
	if e.description == "" {
		return ""
	}
	return `Bearer scope="" error="invalid_token" error_description="` + e.description + `"`
}

// load runs discovery once it can (the provider may start after us).
func (v *verifier) load(ctx context.Context) (*gooidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	p, err := gooidc.NewProvider(context.WithoutCancel(ctx), v.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	// The audience is checked below: an authorizer may accept several.
	v.verifier = p.Verifier(&gooidc.Config{SkipClientIDCheck: true, SupportedSigningAlgs: []string{gooidc.RS256}})
	return v.verifier, nil
}

// verify checks the Authorization header and returns the token's claims as
// API Gateway passes them to the function (every value a string).
func (v *verifier) verify(ctx context.Context, header string) (map[string]string, *authError) {
	if header == "" {
		return nil, &authError{}
	}
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil, &authError{"the Authorization header must be 'Bearer <token>'"}
	}
	ver, err := v.load(ctx)
	if err != nil {
		return nil, &authError{"the issuer's signing keys could not be fetched"}
	}
	tok, err := ver.Verify(ctx, strings.TrimSpace(raw))
	if err != nil {
		var expired *gooidc.TokenExpiredError
		switch {
		case asExpired(err, &expired):
			return nil, &authError{"the token has expired"}
		case strings.Contains(err.Error(), "id token issued by a different provider"):
			return nil, &authError{"the token's issuer is not accepted"}
		case strings.Contains(err.Error(), "nbf"):
			return nil, &authError{"the token is not valid yet"}
		case strings.Contains(err.Error(), "signature") || strings.Contains(err.Error(), "signing"):
			return nil, &authError{"the token's signature is not valid"}
		}
		return nil, &authError{"the token is not valid"}
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, &authError{"the token is not valid"}
	}
	if !v.audienceOK(tok.Audience, claims["client_id"]) {
		return nil, &authError{"the token's audience is not accepted"}
	}
	if tok.Subject == "" {
		return nil, &authError{"the token has no subject"}
	}
	return stringClaims(claims), nil
}

func asExpired(err error, target **gooidc.TokenExpiredError) bool {
	e, ok := err.(*gooidc.TokenExpiredError)
	if ok {
		*target = e
	}
	return ok
}

// audienceOK: API Gateway accepts a token whose aud, or (for Cognito access
// tokens) client_id, is one of the configured audiences.
func (v *verifier) audienceOK(aud []string, clientID any) bool {
	for _, want := range v.cfg.Audiences {
		for _, a := range aud {
			if a == want {
				return true
			}
		}
		if s, ok := clientID.(string); ok && s == want {
			return true
		}
	}
	return false
}

// stringClaims renders claims as API Gateway does in
// requestContext.authorizer.jwt.claims: strings, numbers and booleans as
// text, arrays as "[a b]".
func stringClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			out[k] = strconv.FormatBool(x)
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			out[k] = "[" + strings.Join(parts, " ") + "]"
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}
