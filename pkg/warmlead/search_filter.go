package warmlead

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Filter is a PostingFilter read for matching (docs/rules.md, "Search"):
// its keyword query and field parsed, its place folded. Browse, keyword
// search, saved searches and their alerts all apply the same Filter.
type Filter struct {
	PostingFilter
	Query      Query  // from Q
	FieldQuery Query  // from Field: its words match the posting's field
	RegionKey  string // Fold(Region)
	CityKey    string // Fold(City)
}

// Compile checks f and prepares it for matching; loc prefixes the names of
// fields at fault ("" for browse, "query." for a saved search).
func (f PostingFilter) Compile(loc string) (*Filter, error) {
	out := &Filter{PostingFilter: f}
	var fields []FieldError
	qGiven := f.Q != "" // a q of spaces only is a query of no words, refused
	add := func(name, msg string) { fields = append(fields, FieldError{Field: loc + name, Message: msg}) }
	for _, t := range []struct {
		name string
		v    *string
	}{{"q", &f.Q}, {"field", &f.Field}, {"region", &f.Region}, {"city", &f.City}, {"country", &f.Country}} {
		clean, problem := CleanText(*t.v, false)
		if problem != TextOK {
			add(t.name, string(problem))
			*t.v = ""
			if t.name == "q" {
				qGiven = false // named at fault once
			}
			continue
		}
		*t.v = clean
	}
	out.PostingFilter = f
	if qGiven {
		q, err := ParseQuery(f.Q, loc+"q")
		if err != nil {
			fields = append(fields, err.(*Error).Fields...)
		}
		out.Query = q
	}
	out.Q = strings.Join(strings.Fields(f.Q), " ")
	out.Field = NormalizeField(f.Field)
	if out.Field != "" {
		q, err := ParseQuery(out.Field, loc+"field")
		if err != nil {
			fields = append(fields, err.(*Error).Fields...)
		}
		out.FieldQuery = q
	}
	if f.Country != "" {
		out.Country = strings.ToUpper(f.Country)
		if !ValidCountry(out.Country) {
			add("country", "must be an ISO 3166-1 alpha-2 country code such as FR")
		}
	}
	for _, p := range []struct {
		name, value string
		key         *string
	}{{"region", f.Region, &out.RegionKey}, {"city", f.City, &out.CityKey}} {
		if utf8.RuneCountInString(p.value) > MaxPlaceLen {
			add(p.name, "must be at most "+strconv.Itoa(MaxPlaceLen)+" characters")
		}
		*p.key = Fold(strings.TrimSpace(p.value))
	}
	if f.Kind != "" && !slices.Contains(PostingKinds, f.Kind) {
		add("kind", "must be one of "+joinEnum(PostingKinds))
	}
	if f.Audience != "" && !slices.Contains(Audiences, f.Audience) {
		add("audience", "must be one of "+joinEnum(Audiences))
	}
	if f.Workplace != "" && !slices.Contains(Workplaces, f.Workplace) {
		add("workplace", "must be one of "+joinEnum(Workplaces))
	}
	if f.Compensation != "" && !slices.Contains(Compensations, f.Compensation) {
		add("compensation", "must be one of "+joinEnum(Compensations))
	}
	if f.PosterID != "" && ValidateMemberID(f.PosterID) != nil {
		add("poster_id", "is not a member id")
	}
	if len(fields) > 0 {
		return nil, Invalid(fields...)
	}
	return out, nil
}

// Matches reports whether p is open at now and passes every filter.
// Visibility is not a filter: the caller checks who may see p.
func (f *Filter) Matches(p *Posting, now time.Time) bool {
	switch {
	case !p.Open(now),
		f.Kind != "" && p.Kind != f.Kind,
		f.Workplace != "" && p.Workplace != f.Workplace,
		f.Compensation != "" && p.Compensation != f.Compensation,
		f.OrgID != "" && p.OrgID != f.OrgID,
		f.PosterID != "" && p.PosterID != f.PosterID,
		f.Audience != "" && !slices.Contains(p.Audience, f.Audience) && !slices.Contains(p.Audience, AudienceAnyone):
		return false
	}
	var country, region, city string
	if p.Location != nil {
		country, region, city = p.Location.Country, Fold(p.Location.Region), Fold(p.Location.City)
	}
	switch {
	case f.Country != "" && country != f.Country,
		f.RegionKey != "" && region != f.RegionKey,
		f.CityKey != "" && city != f.CityKey:
		return false
	}
	if !f.FieldQuery.Empty() && !f.FieldQuery.Matches(TermsOf(p.Field)) {
		return false
	}
	return f.Query.Empty() || f.Query.Matches(PostingTerms(p))
}

// Binding names the filter for a cursor: a cursor continues only the very
// query (and caller) that issued it.
func (f *Filter) Binding() []string {
	return []string{string(f.Kind), f.Field, string(f.Audience), string(f.Workplace), string(f.Compensation),
		f.OrgID, f.PosterID, f.Q, f.Country, f.RegionKey, f.CityKey}
}
