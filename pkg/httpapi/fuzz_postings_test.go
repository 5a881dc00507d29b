package httpapi_test

import (
	"encoding/json"
	"maps"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// wirePosting is a posting body as docs/rules.md describes it, decoded here
// independently of the server's types.
type wirePosting struct {
	Title         string        `json:"title"`
	Description   string        `json:"description"`
	Organization  string        `json:"organization"`
	OrgID         string        `json:"org_id"`
	Kind          string        `json:"kind"`
	Compensation  string        `json:"compensation"`
	Pay           *wirePay      `json:"pay"`
	Audience      []string      `json:"audience"`
	Field         string        `json:"field"`
	Skills        []string      `json:"skills"`
	HoursPerWeek  *int          `json:"hours_per_week"`
	DurationWeeks *int          `json:"duration_weeks"`
	StartDate     string        `json:"start_date"`
	Workplace     string        `json:"workplace"`
	Location      *wireLocation `json:"location"`
	ValidThrough  time.Time     `json:"valid_through"`
	HowToApply    string        `json:"how_to_apply"`
	Visibility    string        `json:"visibility"`
}

type wirePay struct {
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Currency string  `json:"currency"`
	Unit     string  `json:"unit"`
}

type wireLocation struct {
	City    string `json:"city"`
	Region  string `json:"region"`
	Country string `json:"country"`
}

// wireCreated is a posting as the API returns it.
type wireCreated struct {
	ID string `json:"id"`
	wirePosting
	PosterID  string    `json:"poster_id"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

func (w *wirePosting) posting() *warmlead.Posting {
	p := &warmlead.Posting{Title: w.Title, Description: w.Description, Organization: w.Organization, OrgID: w.OrgID,
		Kind: warmlead.PostingKind(w.Kind), Compensation: warmlead.Compensation(w.Compensation), Field: w.Field,
		Skills: w.Skills, HoursPerWeek: w.HoursPerWeek, DurationWeeks: w.DurationWeeks, StartDate: w.StartDate,
		Workplace: warmlead.Workplace(w.Workplace), ValidThrough: w.ValidThrough, HowToApply: w.HowToApply,
		Visibility: warmlead.Visibility(w.Visibility)}
	for _, a := range w.Audience {
		p.Audience = append(p.Audience, warmlead.Audience(a))
	}
	if w.Pay != nil {
		p.Pay = &warmlead.Pay{Min: w.Pay.Min, Max: w.Pay.Max, Currency: w.Pay.Currency, Unit: warmlead.PayUnit(w.Pay.Unit)}
	}
	if w.Location != nil {
		p.Location = &warmlead.Location{City: w.Location.City, Region: w.Location.Region, Country: w.Location.Country}
	}
	return p
}

// editable is p's editable fields in a comparable form: server-set fields
// cleared, an empty list as nil, the expiry as an instant.
func editable(p *warmlead.Posting) warmlead.Posting {
	q := *p
	q.ID, q.PosterID, q.Status, q.CloseReason, q.Version = "", "", "", "", 0
	q.CreatedAt, q.UpdatedAt = time.Time{}, time.Time{}
	q.ValidThrough = time.Unix(0, p.ValidThrough.UnixNano()).UTC()
	if len(q.Skills) == 0 {
		q.Skills = nil
	}
	if len(q.Audience) == 0 {
		q.Audience = nil
	}
	return q
}

func dump(p warmlead.Posting) string {
	b, _ := json.Marshal(p)
	return string(b)
}

// FuzzCreatePosting sends arbitrary bodies to POST /postings through the
// Lambda adapter, against a real table. Whatever the body: never a 5xx;
// every client error is a problem naming the field at fault; and a 201
// only for a body that is a posting the domain accepts, created as sent
// (normalised) and read back by GET exactly as the 201 showed it.
func FuzzCreatePosting(f *testing.F) {
	api := newFuzzAPI(f)
	in := func(d time.Duration) string { return time.Now().UTC().Add(d).Format(time.RFC3339) }
	for _, o := range []map[string]any{
		nil,
		{"kind": "self_created_internship", "compensation": "volunteer", "pay": nil, "hours_per_week": 10,
			"audience": []string{"career_changers", "returners"}, "duration_weeks": 12, "start_date": "2027-01-11"},
		{"kind": "informal_internship", "compensation": "stipend", "visibility": "network", "workplace": "remote", "location": nil},
		{"title": "  Padded title\t", "field": "  Data   Science ", "skills": []string{" sql ", "excel"}},
		{"title": "Stagiaire à l'atelier — 見習い", "organization": "Boulangerie Ünïcødé", "how_to_apply": "<script>alert(1)</script>"},
		{"pay": map[string]any{"min": 0.1, "max": 0.30000000000000004, "currency": "USD", "unit": "hour"}},
		{"pay": map[string]any{"min": 1.8e3, "currency": "EUR", "unit": "month"}},
		{"pay": map[string]any{"min": 0, "currency": "EUR", "unit": "total"}, "compensation": "stipend"},
		{"location": map[string]any{}, "audience": []string{}, "skills": []string{}},
		{"valid_through": in(364 * 24 * time.Hour)},
		{"valid_through": time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04:05.123456789-07:00")},
		{"valid_through": in(366 * 24 * time.Hour)},
		{"valid_through": in(-time.Hour)},
		{"valid_through": "2026-13-01T00:00:00Z"},
		{"valid_through": nil},
		{"title": nil},
		{"title": " "},
		{"title": strings.Repeat("é", 200)},
		{"title": strings.Repeat("é", 201)},
		{"kind": "gig"},
		{"kind": "JOB"},
		{"audience": []string{"students", "students"}},
		{"audience": []string{"wizards"}},
		{"hours_per_week": 0},
		{"hours_per_week": 1.5},
		{"hours_per_week": "10"},
		{"start_date": "2027-02-30"},
		{"pay": map[string]any{"min": 10, "max": 5, "currency": "EUR", "unit": "hour"}},
		{"pay": map[string]any{"min": -1, "currency": "eur", "unit": "fortnight"}},
		{"compensation": "volunteer"},
		{"visibility": "org"},
		{"org_id": "aaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"org_id": "../../etc"},
		{"salary": 3},
		{"status": "filled", "id": "x", "poster_id": "bob"},
		{"location": map[string]any{"country": "France", "planet": "Earth"}},
		{"skills": strings.Split(strings.Repeat("s,", 31), ",")},
	} {
		f.Add(postingJSONBody(f, o))
	}
	valid := postingJSONBody(f, nil)
	for _, s := range []string{
		"", "null", "[]", "{}", `"a string"`, "{", valid + "{}", valid + " ", " \n" + valid,
		strings.Replace(valid, `"title"`, `"Title"`, 1),
		strings.Replace(valid, `"title":`, `"title":"first","title":`, 1),
		strings.Replace(valid, `"kind":"job"`, `"kind":"job","kind":"gig"`, 1),
		strings.Replace(valid, `"title":"Junior data analyst"`, `"title":"Junior\u0000data\ud800analyst"`, 1),
		strings.Replace(valid, `"title":"Junior data analyst"`, "\"title\":\"Junior \xff\xfe analyst\"", 1),
		strings.Replace(valid, `"min":1800`, `"min":1.8e308`, 1),
		strings.Replace(valid, `"min":1800`, `"min":-0`, 1),
		// DynamoDB numbers lie within 1e-130 and 9.99e125 in magnitude.
		strings.Replace(valid, `"max":2200`, `"max":1e126`, 1),
		strings.Replace(valid, `"min":1800`, `"min":1e-131`, 1),
		strings.Replace(valid, `"min":1800`, `"min":null`, 1),
		`{"title":"t","description":"d","kind":"job","compensation":"unpaid","workplace":"remote","valid_through":"` + in(24*time.Hour) + `"}`,
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, body string) { checkCreatePosting(t, api, body) })
}

// FuzzCreatePostingValues fuzzes the values of a well-formed posting
// rather than its JSON text, so the fuzzer spends its time on what the
// domain and the table must agree on (amounts, lengths, dates, Unicode),
// with the same properties as FuzzCreatePosting.
func FuzzCreatePostingValues(f *testing.F) {
	api := newFuzzAPI(f)
	day := int64(24 * 60 * 60)
	f.Add("Junior data analyst", "Data", "sql", "EUR", "", 1800.0, 2200.0, 10, 12, 30*day)
	f.Add(" Padded\u00a0", "  Data   Science ", " sql ", "USD", "2027-01-11", 0.1, 0.30000000000000004, 1, 104, 365*day)
	f.Add("Stagiaire à l'atelier — 見習い", "Boulangerie", "", "JPY", "2027-02-29", 0.0, 0.0, 80, 1, 365*day+1)
	f.Add("\x00", "\xff", "\u2028", "eur", "2027-1-1", -1.0, 1.0, 0, 105, int64(-1))
	f.Add("t", "f", "s", "EUR", "0000-01-01", 1.8e3, 1.8e15, 81, 0, int64(1))
	f.Add("t", "f", "s", "EUR", "", 1.0, math.MaxFloat64, 1, 1, day)
	f.Add("t", "f", "s", "EUR", "", math.SmallestNonzeroFloat64, 1.0, 1, 1, day)
	f.Fuzz(func(t *testing.T, title, field, skill, currency, startDate string, min, max float64, hours, weeks int, validFor int64) {
		var m map[string]any
		if err := json.Unmarshal([]byte(postingJSONBody(t, nil)), &m); err != nil {
			t.Fatal(err)
		}
		maps.Copy(m, map[string]any{"title": title, "field": field, "skills": []string{skill}, "hours_per_week": hours,
			"duration_weeks": weeks, "pay": map[string]any{"min": min, "max": max, "currency": currency, "unit": "month"},
			"valid_through": time.Now().UTC().Add(time.Duration(validFor) * time.Second).Format(time.RFC3339Nano)})
		if startDate != "" {
			m["start_date"] = startDate
		}
		body, err := json.Marshal(m)
		if err != nil {
			return // NaN or infinite amounts: JSON cannot carry them
		}
		checkCreatePosting(t, api, string(body))
	})
}

// checkCreatePosting sends body to POST /postings and checks what the
// contract promises of the answer, whatever the body: never a 5xx; every
// client error a problem naming the field at fault; and a 201 only for a
// body that is a posting the domain accepts, created as sent (normalised)
// and read back by GET exactly as the 201 showed it.
func checkCreatePosting(t *testing.T, api *fuzzAPI, body string) {
	t.Helper()
	before := time.Now()
	res := api.do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: body})
	after := time.Now()
	if res.Status >= 400 {
		checkProblem(t, res, body)
		return
	}
	if res.Status != 201 {
		t.Fatalf("POST /postings = %d, want 201 or a problem: %s\nrequest body: %q", res.Status, res.Body, body)
	}

	// The API accepted it: so must the contract and the domain.
	var w wirePosting
	if err := strictDecode(body, &w); err != nil {
		t.Fatalf("201 for a body that is not a posting (%v): %q", err, body)
	}
	nfcStrings(&w)
	want := w.posting()
	want.Normalize()
	if err := want.Validate(before); err != nil && want.Validate(after) != nil {
		t.Fatalf("201 for a posting the domain refuses (%v): %q", err, body)
	}

	// Created as sent, by the caller, open, at version 1.
	var got wireCreated
	res.JSON(t, &got)
	if got.ID == "" || got.PosterID != "alice" || got.Status != "open" || got.Version != 1 {
		t.Fatalf("created %+v, want an id, poster alice, open, version 1", got)
	}
	if e, g := editable(want), editable(got.posting()); !reflect.DeepEqual(e, g) {
		t.Fatalf("created posting differs from the body sent\n sent: %s\n  got: %s\nrequest body: %q", dump(e), dump(g), body)
	}
	if loc, tag := res.Headers.Get("Location"), res.Headers.Get("ETag"); loc != "/postings/"+got.ID || tag != `"1"` {
		t.Fatalf("201 with Location %q and ETag %q", loc, tag)
	}

	// Stored as shown.
	back := api.do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + got.ID, Member: "alice"})
	if back.Status != 200 {
		t.Fatalf("GET the posting just created = %d %s", back.Status, back.Body)
	}
	if !sameJSON(t, back.Body, res.Body) {
		t.Fatalf("posting reads back differently\ncreated: %s\n   read: %s", res.Body, back.Body)
	}
	if back.Headers.Get("ETag") != `"1"` {
		t.Fatalf("GET ETag = %q, want \"1\"", back.Headers.Get("ETag"))
	}
}
