package warmlead_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// FuzzPostingNormalize checks the rules every stored posting goes through.
// Normalize runs on create and again on every edit (PATCH re-normalises the
// stored posting), so it must be idempotent, or an unrelated edit would change
// fields; the field of work must come out in the one form browse filters
// and interests match on; and every rule broken is named as a body field,
// as the API reports it (docs/rules.md).
func FuzzPostingNormalize(f *testing.F) {
	f.Add("Junior data analyst", "Help with survey data.", "  Data   Science ", " sql ", "EUR", "2027-01-11", 1800.0, 2200.0, int64(30*24*3600))
	f.Add(" ", "", "DATA", "", "eur", "2027-02-30", -1.0, 0.5, int64(-1))
	f.Add("İstanbul staj", "\u00a0desc\u2028", "\u0130\u212a Σ\tς", "\x00", "", "", 0.0, 0.0, int64(366*24*3600))
	f.Add(strings.Repeat("é", 201), "d", "\xff\xfe", strings.Repeat("s", 51), "USD", "0000-01-01", 1e-200, 1e200, int64(0))

	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, title, description, field, skill, currency, startDate string, min, max float64, validFor int64) {
		p := &warmlead.Posting{Title: title, Description: description, Field: field, Skills: []string{skill, skill},
			Kind: warmlead.KindJob, Compensation: warmlead.CompPaid, Workplace: warmlead.WorkplaceRemote, StartDate: startDate,
			Pay:          &warmlead.Pay{Min: min, Max: max, Currency: currency, Unit: warmlead.PayMonth},
			ValidThrough: now.Add(time.Duration(validFor) * time.Second)}
		p.Normalize()
		again := *p
		again.Skills = append([]string(nil), p.Skills...)
		again.Normalize()
		if !reflect.DeepEqual(&again, p) {
			t.Fatalf("Normalize is not idempotent:\n once: %+v\ntwice: %+v", p, &again)
		}

		nf := warmlead.NormalizeField(field)
		if nf != strings.TrimSpace(nf) || strings.Contains(nf, "  ") || warmlead.NormalizeField(nf) != nf || p.Field != strings.Join(strings.Fields(field), " ") || warmlead.NormalizeField(p.Field) != nf {
			t.Fatalf("NormalizeField(%q) = %q, not one canonical form", field, nf)
		}
		for _, r := range nf {
			if unicode.IsSpace(r) && r != ' ' {
				t.Fatalf("NormalizeField(%q) = %q keeps a %U", field, nf, r)
			}
		}

		err := p.Validate(now)
		if err == nil {
			if again.Validate(now) != nil {
				t.Fatal("a lead valid once normalised is not valid when normalised again")
			}
			return
		}
		var e *warmlead.Error
		if !errors.As(err, &e) || e.Code != warmlead.EINVALID || len(e.Fields) == 0 {
			t.Fatalf("Validate = %v, want EINVALID naming fields", err)
		}
		for _, fe := range e.Fields {
			if fe.Field == "" || strings.HasPrefix(fe.Field, "body.") || fe.Message == "" {
				t.Fatalf("Validate names %q (%q), not a posting field", fe.Field, fe.Message)
			}
		}
	})
}
