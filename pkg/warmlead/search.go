package warmlead

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/language"
)

// Search rules (docs/rules.md, "Search"): text is compared after Fold, cut
// into words (runs of letters and digits), each word with its English stem
// (Snowball). A query word matches a posting word with the same stem; the
// last query word also matches as the start of a word (from MinPrefixLen
// characters). A posting matches a query when every query word matches.

// Limits of search.
const (
	MaxQueryWords = 10  // words in q
	MaxQueryLen   = 200 // characters in q
	MinPrefixLen  = 3   // the last word matches as a prefix from this length
	IndexKeyLen   = 3   // characters of a word that name its index partition
	MaxIndexKeys  = 48  // index partitions one posting may occupy (docs/table.md)
)

// Words cuts text into its folded words: runs of letters and digits, so
// "UX/UI", "ux-ui" and "UX UI" give the same words.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Stem is a folded word's light English stem: "designers" and "designer"
// give "design". Words the stemmer leaves empty are kept as they are.
func Stem(w string) string {
	if s := english.Stem(w, true); s != "" {
		return s
	}
	return w
}

// IndexKey names the index partition of a term: its first IndexKeyLen
// characters (the whole term when shorter).
func IndexKey(term string) string {
	n := 0
	for i := range term {
		if n == IndexKeyLen {
			return term[:i]
		}
		n++
	}
	return term
}

// Terms is the searchable form of some text: every folded word and its stem.
type Terms map[string]struct{}

// TermsOf collects the terms of texts.
func TermsOf(texts ...string) Terms {
	t := Terms{}
	for _, s := range texts {
		for _, w := range Words(s) {
			t[w] = struct{}{}
			t[Stem(w)] = struct{}{}
		}
	}
	return t
}

// PostingTerms are what keyword search looks at: the title, field, skills,
// organisation and city (not the description).
func PostingTerms(p *Posting) Terms {
	texts := append([]string{p.Title, p.Field, p.Organization}, p.Skills...)
	if p.Location != nil {
		texts = append(texts, p.Location.City)
	}
	return TermsOf(texts...)
}

// InterestTerms are what a member's interests are matched against: a
// posting's title, field and skills.
func InterestTerms(p *Posting) Terms {
	return TermsOf(append([]string{p.Title, p.Field}, p.Skills...)...)
}

// Sorted returns the terms in order.
func (t Terms) Sorted() []string {
	out := make([]string, 0, len(t))
	for w := range t {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// Text is the terms as one string, " a b c ": the stored form a
// substring test (DynamoDB contains) reads: " w " is the term w, " w" a
// term starting with w.
func (t Terms) Text() string {
	if len(t) == 0 {
		return ""
	}
	return " " + strings.Join(t.Sorted(), " ") + " "
}

// Keys are the index partitions the terms occupy, in order.
func (t Terms) Keys() []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range t.Sorted() {
		if k := IndexKey(w); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func (t Terms) hasPrefix(p string) bool {
	for w := range t {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// QueryWord is one word of a query: its folded form, its stem and whether
// it also matches as a prefix (the last word, long enough).
type QueryWord struct {
	Word   string
	Stem   string
	Prefix bool
}

// Key is the index partition every posting word this word matches sits in.
func (w QueryWord) Key() string {
	if w.Prefix {
		return IndexKey(w.Word)
	}
	return IndexKey(w.Stem)
}

// Query is a parsed keyword query; the zero Query matches everything.
type Query struct{ Words []QueryWord }

// ParseQuery reads a keyword query of 1 to MaxQueryWords words; loc names
// the field in errors ("q"). Repeated words count once.
func ParseQuery(s, loc string) (Query, error) {
	if utf8.RuneCountInString(s) > MaxQueryLen {
		return Query{}, Invalid(FieldError{Field: loc, Message: "must be at most " + strconv.Itoa(MaxQueryLen) + " characters"})
	}
	words := Words(s)
	if len(words) == 0 {
		return Query{}, Invalid(FieldError{Field: loc, Message: "must contain at least one word"})
	}
	if len(words) > MaxQueryWords {
		return Query{}, Invalid(FieldError{Field: loc, Message: "must have at most " + strconv.Itoa(MaxQueryWords) + " words"})
	}
	var q Query
	seen := map[string]bool{}
	for i, w := range words {
		last := i == len(words)-1
		if seen[w] && !last {
			continue
		}
		seen[w] = true
		q.Words = append(q.Words, QueryWord{Word: w, Stem: Stem(w), Prefix: last && utf8.RuneCountInString(w) >= MinPrefixLen})
	}
	return q, nil
}

// Empty reports whether q has no words (matches everything).
func (q Query) Empty() bool { return len(q.Words) == 0 }

// Matches reports whether every word of q matches one of t.
func (q Query) Matches(t Terms) bool {
	for _, w := range q.Words {
		if _, ok := t[w.Stem]; ok {
			continue
		}
		if w.Prefix && t.hasPrefix(w.Word) {
			continue
		}
		return false
	}
	return true
}

// Keys are the index partitions of q's words, one per word.
func (q Query) Keys() []string {
	out := make([]string, len(q.Words))
	for i, w := range q.Words {
		out[i] = w.Key()
	}
	return out
}

// Needles are, per word, the substrings of a Terms.Text any one of which
// shows the word matches: " stem " and, for a prefix word, " word".
func (q Query) Needles() [][]string {
	out := make([][]string, len(q.Words))
	for i, w := range q.Words {
		out[i] = []string{" " + w.Stem + " "}
		if w.Prefix {
			out[i] = append(out[i], " "+w.Word)
		}
	}
	return out
}

// MatchesInterests reports whether a posting suits a member's interests:
// one of them (each read as a query) matches its title, field or skills.
// A member without interests hears of everything.
func MatchesInterests(interests []string, p *Posting) bool {
	if len(interests) == 0 {
		return true
	}
	t := InterestTerms(p)
	for _, in := range interests {
		q, err := ParseQuery(in, "interests")
		if err == nil && q.Matches(t) {
			return true
		}
	}
	return false
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country code
// (a real country, not a grouping such as EU or 001, nor ZZ).
func ValidCountry(code string) bool {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.Canonicalize().String() == code
}
