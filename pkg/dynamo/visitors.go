package dynamo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// visitorSalt derives the key anonymous visitors are hashed with from the
// store's secret (CURSOR_SECRET), so every instance hashes alike.
func visitorSalt(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("warmlead visitors"))
	return m.Sum(nil)
}

// visitorHash is what a link stores of a visitor on a day: a keyed hash of
// the day and the visitor's identity (member id, or source address and
// User-Agent), 96 bits. Keyed and salted by the day, it cannot be traced
// back to an address nor linked across days (docs/rules.md, "Clicks").
func (s *Store) visitorHash(day, visitor string) string {
	m := hmac.New(sha256.New, s.salt)
	m.Write([]byte(day + "\x00" + visitor))
	return hex.EncodeToString(m.Sum(nil)[:12])
}
