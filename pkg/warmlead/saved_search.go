package warmlead

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Saved searches (docs/rules.md, "Saved searches"): a member keeps up to
// MaxSavedSearches browse queries; each may alert them of new postings that
// match, instantly or in a daily or weekly digest.

// AlertCadence is when a saved search tells its member of a new match.
type AlertCadence string

// Alert cadences.
const (
	AlertInstant AlertCadence = "instant"
	AlertDaily   AlertCadence = "daily"
	AlertWeekly  AlertCadence = "weekly"
	AlertOff     AlertCadence = "off"
)

// AlertCadences lists every AlertCadence.
var AlertCadences = []AlertCadence{AlertInstant, AlertDaily, AlertWeekly, AlertOff}

// Limits on saved searches.
const (
	MaxSavedSearches   = 20
	MaxSearchNameLen   = 100
	NotifySearchMatch  = NotificationType("search_match")
	digestDayLayout    = "2006-01-02"
	searchKeyTermStart = "T#"
)

// search_match is one more notification type.
func init() { NotificationTypes = append(NotificationTypes, NotifySearchMatch) }

// SavedSearch is a member's stored browse query.
type SavedSearch struct {
	ID        string
	MemberID  string
	Name      string
	Query     PostingFilter
	Alert     AlertCadence
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks s's fields, normalising its name and query, and returns
// its compiled filter.
func (s *SavedSearch) Validate() (*Filter, error) {
	var fields []FieldError
	name, problem := CleanText(strings.TrimSpace(s.Name), false)
	s.Name = name
	switch n := utf8.RuneCountInString(s.Name); {
	case problem != TextOK:
		fields = append(fields, FieldError{Field: "name", Message: string(problem)})
	case n == 0:
		fields = append(fields, FieldError{Field: "name", Message: "must not be empty"})
	case n > MaxSearchNameLen:
		fields = append(fields, FieldError{Field: "name", Message: "must be at most " + strconv.Itoa(MaxSearchNameLen) + " characters"})
	}
	if s.Alert == "" {
		s.Alert = AlertOff
	}
	if !oneOf(s.Alert, AlertCadences) {
		fields = append(fields, FieldError{Field: "alert", Message: "must be one of " + joinEnum(AlertCadences)})
	}
	f, err := s.Query.Compile("query.") // its fields are the query's: query.q, query.kind…
	if err != nil {
		fields = append(fields, err.(*Error).Fields...)
	} else {
		s.Query = f.PostingFilter
	}
	if len(fields) > 0 {
		return nil, Invalid(fields...)
	}
	return f, nil
}

// AlertKeys are the alert-index partitions a saved search could be filed
// under: each names something every posting it matches has (a word's
// index key, its kind, organisation, poster or place). Term keys come
// first; with none, the most selective filter postings; a search with no
// filter at all is filed under "ANY".
func (f *Filter) AlertKeys() []string {
	var keys []string
	for _, k := range f.Query.Keys() {
		keys = append(keys, searchKeyTermStart+k)
	}
	for _, k := range f.FieldQuery.Keys() {
		keys = append(keys, searchKeyTermStart+k)
	}
	add := func(prefix, v string) {
		if v != "" {
			keys = append(keys, prefix+v)
		}
	}
	add("POSTER#", f.PosterID)
	add("ORG#", f.OrgID)
	add("CITY#", f.CityKey)
	add("REGION#", f.RegionKey)
	add("COUNTRY#", f.Country)
	add("KIND#", string(f.Kind))
	if len(keys) == 0 {
		keys = append(keys, "ANY")
	}
	return keys
}

// PostingAlertKeys are every alert-index partition a saved search matching
// p may be filed under; a new posting reads only these.
func PostingAlertKeys(p *Posting) []string {
	var keys []string
	for _, k := range PostingTerms(p).Keys() {
		keys = append(keys, searchKeyTermStart+k)
	}
	keys = append(keys, "POSTER#"+p.PosterID, "KIND#"+string(p.Kind), "ANY")
	if p.OrgID != "" {
		keys = append(keys, "ORG#"+p.OrgID)
	}
	if l := p.Location; l != nil {
		if l.City != "" {
			keys = append(keys, "CITY#"+Fold(strings.TrimSpace(l.City)))
		}
		if l.Region != "" {
			keys = append(keys, "REGION#"+Fold(strings.TrimSpace(l.Region)))
		}
		if l.Country != "" {
			keys = append(keys, "COUNTRY#"+l.Country)
		}
	}
	return keys
}

// TermKey reports the word index key an alert key names, if it names one.
func TermKey(alertKey string) (string, bool) {
	return strings.CutPrefix(alertKey, searchKeyTermStart)
}

// RarestAlertKey picks the key to file a search under: the term key with
// the fewest postings (counts, as the index keeps them), else the first
// key (AlertKeys puts the most selective filter first).
func RarestAlertKey(keys []string, counts map[string]int64) string {
	best, bestN := "", int64(-1)
	for _, k := range keys {
		t, ok := TermKey(k)
		if !ok {
			continue
		}
		if n := counts[t]; bestN < 0 || n < bestN {
			best, bestN = k, n
		}
	}
	if best != "" {
		return best
	}
	return keys[0]
}

// AlertFor decides, for one member whose searches matched a posting, the
// one alert they get: instant if any matching search says instant, else
// daily, else weekly; "" when every matching search is off.
func AlertFor(cadences []AlertCadence) AlertCadence {
	best := AlertOff
	rank := map[AlertCadence]int{AlertOff: 0, AlertWeekly: 1, AlertDaily: 2, AlertInstant: 3}
	for _, c := range cadences {
		if rank[c] > rank[best] {
			best = c
		}
	}
	if best == AlertOff {
		return ""
	}
	return best
}

// SearchMatchSummary is the sentence a search_match notification shows.
func SearchMatchSummary(searchName, title string) string {
	return fmt.Sprintf("New lead for your search “%s”: %s", searchName, title)
}

// Frequency is how soon an alert of this cadence is emailed: a saved
// search's alert decides when its search_match notifications are emailed
// (docs/email.md), while the inbox has them at once.
func (c AlertCadence) Frequency() Frequency {
	switch c {
	case AlertInstant:
		return FrequencyInstant
	case AlertDaily:
		return FrequencyDaily
	case AlertWeekly:
		return FrequencyWeekly
	}
	return FrequencyOff
}

// SavedSearchService keeps a member's saved searches.
type SavedSearchService interface {
	// CreateSavedSearch stores a new search for callerID. Returns EINVALID,
	// ECONFLICT (already MaxSavedSearches).
	CreateSavedSearch(ctx context.Context, callerID string, s *SavedSearch) (*SavedSearch, error)
	// ListSavedSearches returns the caller's searches, oldest first.
	ListSavedSearches(ctx context.Context, callerID string) ([]*SavedSearch, error)
	// FindSavedSearch returns one of the caller's searches. ENOTFOUND.
	FindSavedSearch(ctx context.Context, callerID, id string) (*SavedSearch, error)
	// UpdateSavedSearch lets edit change a search. ENOTFOUND, EINVALID.
	UpdateSavedSearch(ctx context.Context, callerID, id string, edit func(*SavedSearch)) (*SavedSearch, error)
	// DeleteSavedSearch removes a search. ENOTFOUND.
	DeleteSavedSearch(ctx context.Context, callerID, id string) error
	// RunSavedSearch browses with the search's query. ENOTFOUND, EBADREQUEST.
	RunSavedSearch(ctx context.Context, callerID, id string, page PageRequest) (*Page[*Posting], error)
}

// SearchAlertStore is what the notifier needs to alert saved searches of a
// new posting.
type SearchAlertStore interface {
	// CurrentPosting reads a posting as it is now (nil if gone).
	CurrentPosting(ctx context.Context, id string) (*Posting, error)
	// CountPostingTerms adds counts[key] to the posting count of each
	// index key (how many postings carry it: the rarity search reads).
	CountPostingTerms(ctx context.Context, counts map[string]int) error
	// SearchAlertCandidates returns the alerting searches filed under keys.
	SearchAlertCandidates(ctx context.Context, keys []string) ([]*SavedSearch, error)
	// AlertGeneration is a number that moves on after every write of the
	// alert entries SearchAlertCandidates reads: while it has not moved,
	// what they returned is still what they would return.
	AlertGeneration(ctx context.Context) (int64, error)
	// MembersWhoSee returns those of memberIDs who may see p.
	MembersWhoSee(ctx context.Context, p *Posting, memberIDs []string) (map[string]bool, error)
}
