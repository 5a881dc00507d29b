package httpapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzCleanJSON: the body walk never panics, and a body it accepts comes
// out as the same JSON with every string NFC-normalised.
func FuzzCleanJSON(f *testing.F) {
	for _, s := range []string{
		`{"title":"Cafe\u0301","skills":["a","b"],"pay":{"min":1e400},"location":{"city":"Lyon"}}`,
		"{\"title\":\"Caf\xE9\"}", `{"description":"a\nb","x":[[[[1]]]]}`, `[1,2,{"a":null}]`, `"s"`, `{"a":1} {}`,
		`{"skills":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31]}`, `{"title":"\ud800"}`,
	} {
		f.Add(s)
	}
	spec := bodyTextSpec(reflect.TypeOf(createPostingInput{}))
	f.Fuzz(func(t *testing.T, body string) {
		out, fields, status := cleanJSON([]byte(body), spec, maxProblemErrors)
		if status != 0 || len(fields) > 0 {
			if len(fields) > maxProblemErrors {
				t.Fatalf("%d errors", len(fields))
			}
			return
		}
		var in, got any
		if json.Unmarshal([]byte(body), &in) != nil {
			return // huma refuses it (trailing data and the like)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("cleaned body is not JSON: %v\n%q -> %q", err, body, out)
		}
		if !reflect.DeepEqual(nfc(in), got) {
			t.Fatalf("cleaned body differs:\n%q\n%q", body, out)
		}
	})
}

// nfc normalises every string value of a decoded JSON document.
func nfc(v any) any {
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) || strings.ContainsRune(x, utf8.RuneError) {
			return x
		}
		return norm.NFC.String(x)
	case []any:
		for i := range x {
			x[i] = nfc(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = nfc(x[k])
		}
	}
	return v
}
