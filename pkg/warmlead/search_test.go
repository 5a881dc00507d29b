package warmlead_test

import (
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

func TestQueryMatches(t *testing.T) {
	p := &warmlead.Posting{Title: "Junior Data Analyst (Santé publique)", Field: "UX Research",
		Skills: []string{"SQL", "user interviews"}, Organization: "Hôpital Saint-Éloi",
		Location: &warmlead.Location{City: "Montréal", Country: "CA"}}
	terms := warmlead.PostingTerms(p)
	cases := []struct {
		q    string
		want bool
	}{
		{"analyst", true},
		{"ANALYST", true},
		{"analysts", true},         // stemmed
		{"analy", true},            // last word as a prefix
		{"analy data", false},      // only the last word is a prefix
		{"analy junior", false},    // only the last word is a prefix: "analy" is not a word
		{"data analy", true},       //
		{"sante", true},            // accents
		{"SANTÉ", true},            // case and accents
		{"sante\u0301", true},      // decomposed
		{"montreal", true},         // city
		{"hopital", true},          // organisation
		{"interview", true},        // skills, stemmed
		{"ux research", true},      // field
		{"researchers", true},      // stems to research
		{"data nurse", false},      // every word must match
		{"sq", false},              // a prefix needs three characters
		{"sql", true},              //
		{"description", false},     // the description is not searched
		{"publique santé", true},   //
		{"interviewing sql", true}, // stems
	}
	for _, c := range cases {
		q, err := warmlead.ParseQuery(c.q, "query.q")
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if got := q.Matches(terms); got != c.want {
			t.Errorf("%q matches = %v, want %v", c.q, got, c.want)
		}
		// The stored text answers the same way the terms do (the index checks
		// with substring tests on it).
		text := terms.Text()
		all := true
		for _, alts := range q.Needles() {
			any := false
			for _, n := range alts {
				any = any || contains(text, n)
			}
			all = all && any
		}
		if all != c.want {
			t.Errorf("%q needles = %v, want %v", c.q, all, c.want)
		}
		// Every posting the query matches sits in the partition of each of its words.
		if c.want {
			keys := map[string]bool{}
			for _, k := range terms.Keys() {
				keys[k] = true
			}
			for _, k := range q.Keys() {
				if !keys[k] {
					t.Errorf("%q: posting not in partition %q", c.q, k)
				}
			}
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestParseQueryLimits(t *testing.T) {
	for _, q := range []string{"", "  ", "!!! ---", "a b c d e f g h i j k"} {
		if _, err := warmlead.ParseQuery(q, "query.q"); err == nil {
			t.Errorf("%q accepted", q)
		}
	}
	if _, err := warmlead.ParseQuery("a b c d e f g h i j", "query.q"); err != nil {
		t.Errorf("ten words refused: %v", err)
	}
}

func TestMatchesInterests(t *testing.T) {
	ux := &warmlead.Posting{Title: "Intern", Field: "UX design"}
	cases := []struct {
		interests []string
		p         *warmlead.Posting
		want      bool
	}{
		{nil, ux, true},
		{[]string{"design"}, ux, true},
		{[]string{"Design"}, ux, true},
		{[]string{"designers"}, ux, true},
		{[]string{"data", "ux"}, ux, true},
		{[]string{"data"}, ux, false},
		{[]string{"ux research"}, ux, false},
		{[]string{"nursing"}, &warmlead.Posting{Title: "Nurse", Skills: []string{"nursing"}}, true},
	}
	for _, c := range cases {
		if got := warmlead.MatchesInterests(c.interests, c.p); got != c.want {
			t.Errorf("%v on %q: %v, want %v", c.interests, c.p.Field, got, c.want)
		}
	}
}

func TestFilterMatches(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	p := &warmlead.Posting{Title: "UX researcher", Field: "UX Research", Kind: warmlead.KindInternship,
		Workplace: warmlead.WorkplaceRemote, Compensation: warmlead.CompPaid, Audience: []warmlead.Audience{warmlead.AudienceAnyone},
		Location: &warmlead.Location{City: "Montréal", Region: "Québec", Country: "CA"}, Status: warmlead.StatusOpen,
		ValidThrough: now.Add(time.Hour)}
	cases := []struct {
		f    warmlead.PostingFilter
		want bool
	}{
		{warmlead.PostingFilter{}, true},
		{warmlead.PostingFilter{Field: "ux"}, true},
		{warmlead.PostingFilter{Field: "research"}, true},
		{warmlead.PostingFilter{Field: "design"}, false},
		{warmlead.PostingFilter{Country: "ca", Workplace: warmlead.WorkplaceRemote}, true},
		{warmlead.PostingFilter{Country: "FR"}, false},
		{warmlead.PostingFilter{City: "MONTREAL", Region: "quebec"}, true},
		{warmlead.PostingFilter{City: "Quebec"}, false},
		{warmlead.PostingFilter{Q: "ux res", Audience: warmlead.AudienceReturners}, true},
		{warmlead.PostingFilter{Kind: warmlead.KindJob}, false},
	}
	for _, c := range cases {
		f, err := c.f.Compile("query.")
		if err != nil {
			t.Fatalf("%+v: %v", c.f, err)
		}
		if got := f.Matches(p, now); got != c.want {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}
	f, _ := warmlead.PostingFilter{}.Compile("query.")
	if f.Matches(p, now.Add(2*time.Hour)) {
		t.Error("an expired posting matched")
	}
	closed := *p
	closed.Status = warmlead.StatusClosed
	if f.Matches(&closed, now) {
		t.Error("a closed posting matched")
	}
}

func TestValidCountry(t *testing.T) {
	for code, want := range map[string]bool{"FR": true, "CA": true, "US": true, "GB": true, "XX": false, "EU": false,
		"ZZ": false, "UK": false, "fr": false, "FRA": false, "001": false, "": false} {
		if got := warmlead.ValidCountry(code); got != want {
			t.Errorf("ValidCountry(%q) = %v, want %v", code, got, want)
		}
	}
	if _, err := (warmlead.PostingFilter{Country: "XX"}).Compile("query."); err == nil {
		t.Error("country XX accepted")
	}
}

func TestFilterAndSavedSearchTextIsClean(t *testing.T) {
	if _, err := (warmlead.PostingFilter{Q: "ux\u202Eresearch"}).Compile("query."); err == nil {
		t.Error("a bidi override in q accepted")
	}
	if _, err := (warmlead.PostingFilter{City: "Lyon\x00"}).Compile("query."); err == nil {
		t.Error("a control character in city accepted")
	}
	f, err := (warmlead.PostingFilter{Q: "  sante\u0301   publique "}).Compile("query.")
	if err != nil || f.Q != "santé publique" {
		t.Errorf("q stored as %q (%v), want NFC and single spaces", f.Q, err)
	}
	s := &warmlead.SavedSearch{Name: "UX\u202E", Alert: warmlead.AlertDaily}
	if _, err := s.Validate(); err == nil {
		t.Error("a bidi override in a search name accepted")
	}
	s = &warmlead.SavedSearch{Name: " UX in Lyon ", Query: warmlead.PostingFilter{Q: "ux", City: "Lyon"}}
	if _, err := s.Validate(); err != nil || s.Name != "UX in Lyon" || s.Alert != warmlead.AlertOff {
		t.Errorf("validated %+v, %v", s, err)
	}
}

func TestAlertRules(t *testing.T) {
	cases := []struct {
		in   []warmlead.AlertCadence
		want warmlead.AlertCadence
	}{
		{[]warmlead.AlertCadence{warmlead.AlertWeekly, warmlead.AlertInstant, warmlead.AlertDaily}, warmlead.AlertInstant},
		{[]warmlead.AlertCadence{warmlead.AlertWeekly, warmlead.AlertDaily}, warmlead.AlertDaily},
		{[]warmlead.AlertCadence{warmlead.AlertWeekly, warmlead.AlertOff}, warmlead.AlertWeekly},
		{[]warmlead.AlertCadence{warmlead.AlertOff}, ""},
	}
	for _, c := range cases {
		if got := warmlead.AlertFor(c.in); got != c.want {
			t.Errorf("AlertFor(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	// A search's cadence is when its alerts are emailed (docs/email.md).
	for c, want := range map[warmlead.AlertCadence]warmlead.Frequency{warmlead.AlertInstant: warmlead.FrequencyInstant,
		warmlead.AlertDaily: warmlead.FrequencyDaily, warmlead.AlertWeekly: warmlead.FrequencyWeekly, warmlead.AlertOff: warmlead.FrequencyOff} {
		if got := c.Frequency(); got != want {
			t.Errorf("%s alerts are emailed %s, want %s", c, got, want)
		}
	}
	// A search is filed under its rarest word, else its most selective filter.
	f, _ := (warmlead.PostingFilter{Q: "ux research", Kind: warmlead.KindInternship}).Compile("")
	if got := warmlead.RarestAlertKey(f.AlertKeys(), map[string]int64{"ux": 40, "res": 7}); got != "T#res" {
		t.Errorf("filed under %q, want T#res", got)
	}
	f, _ = (warmlead.PostingFilter{City: "Montréal", Kind: warmlead.KindInternship}).Compile("")
	if got := warmlead.RarestAlertKey(f.AlertKeys(), nil); got != "CITY#montreal" {
		t.Errorf("filed under %q, want CITY#montreal", got)
	}
	f, _ = (warmlead.PostingFilter{}).Compile("")
	if got := warmlead.RarestAlertKey(f.AlertKeys(), nil); got != "ANY" {
		t.Errorf("filed under %q, want ANY", got)
	}
	// Whatever it is filed under, a posting it matches reads that partition.
	p := &warmlead.Posting{Title: "UX research intern", Kind: warmlead.KindInternship, PosterID: "bob",
		Location: &warmlead.Location{City: "Montréal", Country: "CA"}}
	keys := map[string]bool{}
	for _, k := range warmlead.PostingAlertKeys(p) {
		keys[k] = true
	}
	for _, k := range []string{"T#res", "T#ux", "T#int", "CITY#montreal", "COUNTRY#CA", "KIND#internship", "POSTER#bob", "ANY"} {
		if !keys[k] {
			t.Errorf("posting does not read %s", k)
		}
	}
}

// A q the text rules refuse is named once, not again as a query of no
// words; a q of spaces only is refused as one.
func TestCompileNamesAFaultyQOnce(t *testing.T) {
	for q, want := range map[string]int{"data\x00science": 1, "   ": 1, "data": 0} {
		_, err := warmlead.PostingFilter{Q: q}.Compile("query.")
		var named int
		if e, ok := err.(*warmlead.Error); ok {
			for _, f := range e.Fields {
				if f.Field == "query.q" {
					named++
				}
			}
		}
		if named != want {
			t.Errorf("q %q named %d times (%v), want %d", q, named, err, want)
		}
	}
}
