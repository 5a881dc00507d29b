package warmlead

import (
	"testing"
	"time"
)

// A pay's currency is a real ISO 4217 code (golang.org/x/text/currency),
// not only three capital letters.
func TestPayCurrencyIsARealCode(t *testing.T) {
	now := time.Now()
	for cur, ok := range map[string]bool{"EUR": true, "USD": true, "CHF": true, "ZZZ": false, "EURO": false, "eur": false, "": false} {
		p := &Posting{Title: "t", Description: "d", Kind: KindJob, Compensation: CompPaid, Workplace: WorkplaceRemote,
			Visibility: VisibilityPublic, ValidThrough: now.Add(24 * time.Hour),
			Pay: &Pay{Min: 10, Max: 20, Currency: cur, Unit: PayMonth}}
		p.Normalize()
		err := p.Validate(now)
		bad := false
		if e, isErr := err.(*Error); isErr {
			for _, f := range e.Fields {
				if f.Field == "pay.currency" {
					bad = true
				}
			}
		}
		if bad == ok {
			t.Errorf("currency %q: refused = %v, want %v (%v)", cur, bad, !ok, err)
		}
	}
}
