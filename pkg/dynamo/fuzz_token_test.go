package dynamo

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// tokenAlphabet is base64url without padding: the only characters newToken
// emits, none of which needs escaping in a URL path or query.
const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// FuzzReferralToken checks that validToken accepts exactly the tokens
// newToken can make: 24 base64url characters carrying 144 bits. Tokens
// arrive in paths (/r/{token}) and bodies (via, referral_token) and become
// part of storage keys, so anything else must be refused before a read.
func FuzzReferralToken(f *testing.F) {
	for range 4 {
		f.Add(newToken())
	}
	for _, s := range []string{
		"", "A", strings.Repeat("A", 23), strings.Repeat("A", 24), strings.Repeat("A", 25),
		strings.Repeat("_", 24), strings.Repeat("-", 24), "abcdefghijklmnopqrstuvwx",
		"AAAAAAAAAAAAAAAAAAAAAA==", // padded: 16 bytes
		"AAAAAAAAAAAAAAAAAAAAAA+/", // standard, not URL, alphabet
		"AAAAAAAAAAAA/AAAAAAAAAAA",
		"AAAAAAAAAAA%2FAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAA\x00",
		"AAAAAAAAAAAAAAAAAAAAAAAé",   // 24 bytes, 23 characters
		"aaaaaaaaaaaaaaaaaaaaaaaaaa", // an id, not a token
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		valid := validToken(s)
		inAlphabet := len(s) == 24 && strings.Trim(s, tokenAlphabet) == ""
		if valid {
			if len(s) != 24 {
				t.Fatalf("validToken(%q) with %d characters, want 24", s, len(s))
			}
			b, err := base64.RawURLEncoding.DecodeString(s)
			if err != nil || len(b) != 18 {
				t.Fatalf("validToken(%q) but it decodes to %d bytes (%v), want 18", s, len(b), err)
			}
			if esc := url.PathEscape(s); esc != s || url.QueryEscape(s) != s || !inAlphabet {
				t.Fatalf("validToken(%q) but it needs escaping in a URL (%q)", s, esc)
			}
		}
		if inAlphabet && !valid {
			t.Fatalf("validToken(%q) = false for 24 base64url characters, a token newToken could make", s)
		}

		tok := newToken()
		if !validToken(tok) || len(tok) != 24 || strings.Trim(tok, tokenAlphabet) != "" {
			t.Fatalf("newToken() = %q, which validToken refuses", tok)
		}
		if tok == newToken() {
			t.Fatalf("newToken() repeated %q", tok)
		}
	})
}
