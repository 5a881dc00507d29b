// Package pumptest gives tests the stream pump's settings from
// template.yaml (infra/testenv finds the template).
package pumptest

import (
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/testenv"
)

// Filter is the FilterCriteria of the template's functions' stream events,
// together (a record any of them would receive passes): a test's stream
// pump delivers what Lambda would deliver to those functions, so a test
// fails if the template filters out a record a function needs.
func Filter(t testing.TB, functions ...string) *streampump.Filter {
	t.Helper()
	tpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, fn := range functions {
		ev, err := tpl.StreamEvent(fn)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.FilterPatterns) == 0 {
			return nil // that function receives every record
		}
		patterns = append(patterns, ev.FilterPatterns...)
	}
	f, err := streampump.ParseFilter(patterns)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
