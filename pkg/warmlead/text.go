package warmlead

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text input rules (docs/rules.md, "Text"): every text a client sends is
// valid UTF-8, is stored NFC-normalised, and carries no C0/C1 control
// characters (newline and tab are allowed in multi-line fields only) and no
// bidirectional formatting characters, which can make a name or title read
// as something else.

// TextProblem is why a text was refused; "" means it is acceptable.
type TextProblem string

// Reasons a text is refused, phrased for a problem's field message.
const (
	TextOK         TextProblem = ""
	TextBadUTF8    TextProblem = "must be valid UTF-8"
	TextControl    TextProblem = "must not contain control characters"
	TextBidi       TextProblem = "must not contain bidirectional formatting characters"
	TextNoNewlines TextProblem = "must be a single line"
)

// CleanText checks s against the text rules and returns it NFC-normalised.
// multiline allows newline and tab; carriage return is refused like any
// other control character, so clients send "\n" line breaks.
func CleanText(s string, multiline bool) (string, TextProblem) {
	if !utf8.ValidString(s) {
		return s, TextBadUTF8
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			if !multiline {
				if r == '\n' {
					return s, TextNoNewlines
				}
				return s, TextControl
			}
		case isControl(r):
			return s, TextControl
		case isBidiFormat(r):
			return s, TextBidi
		}
	}
	return norm.NFC.String(s), TextOK
}

// isControl reports C0 and C1 control characters (Unicode category Cc).
func isControl(r rune) bool { return unicode.Is(unicode.Cc, r) }

// isBidiFormat reports the characters that change the display order of
// text: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069)
// and the implicit marks (U+200E, U+200F, U+061C).
func isBidiFormat(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// Fold is the form text is compared in: NFC-normalised input decomposed,
// combining marks dropped, case folded, spaces collapsed. "Santé Publique",
// "sante\u0301 publique" and "SANTE PUBLIQUE" fold alike.
func Fold(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
