package localgw

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer is the iss claim of local tokens.
const Issuer = "warmlead-local"

// Mint signs an HS256 token for member sub, valid for ttl, shaped like the
// Cognito tokens the HTTP API's authorizer accepts (sub, iss, iat, exp).
func Mint(secret []byte, sub string, ttl time.Duration) (string, error) {
	now := time.Now()
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   sub,
		Issuer:    Issuer,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}).SignedString(secret)
}

// verify checks an HS256 token (signature, expiry, issuer) and returns its
// claims as the string map API Gateway puts in the request context.
func verify(secret []byte, token string) (map[string]string, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errors.New("the token has expired")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return nil, errors.New("the token's signature is not valid")
	case err != nil:
		return nil, errors.New("the token is not valid")
	case claims.Subject == "":
		return nil, errors.New("the token has no subject")
	}
	out := map[string]string{"sub": claims.Subject, "iss": claims.Issuer, "token_use": "access"}
	if claims.ExpiresAt != nil {
		out["exp"] = fmt.Sprint(claims.ExpiresAt.Unix())
	}
	if claims.IssuedAt != nil {
		out["iat"] = fmt.Sprint(claims.IssuedAt.Unix())
	}
	return out, nil
}

// LoadOrCreateSecret returns the local signing secret kept in path, creating
// a random one on first use, so `make run` and `make token` agree without a
// secret in the repository.
func LoadOrCreateSecret(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(buf)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, err
	}
	return []byte(secret), nil
}
