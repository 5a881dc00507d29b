package dynamo

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"strings"
)

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID returns a random, URL-safe id of 128 bits (26 characters), so ids
// can neither collide nor be guessed.
func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return strings.ToLower(idEncoding.EncodeToString(b))
}

// validID reports whether s looks like an id newID made; anything else
// cannot name an item, so it is answered without a read.
func validID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// newToken returns an unguessable, URL-safe referral token: 144 random bits
// as 24 base64url characters.
func newToken() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// validToken reports whether s looks like a token newToken made. The
// decoder skips CR and LF, so the decoded length is what proves all 24
// characters are base64url.
func validToken(s string) bool {
	if len(s) != 24 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 18
}
