package warmlead

import "testing"

func TestCleanText(t *testing.T) {
	cases := []struct {
		in        string
		multiline bool
		want      string
		problem   TextProblem
	}{
		{"Santé", false, "Santé", TextOK},
		{"Sante\u0301", false, "Santé", TextOK}, // decomposed in, composed out
		{"Caf\xe9", false, "", TextBadUTF8},
		{"a\x00b", false, "", TextControl},
		{"a\x1bb", false, "", TextControl},
		{"a\x07b", false, "", TextControl},
		{"a\u0085b", false, "", TextControl}, // C1
		{"evil\u202Etxt.exe", false, "", TextBidi},
		{"a\nb", false, "", TextNoNewlines},
		{"a\nb\tc", true, "a\nb\tc", TextOK},
		{"a\rb", true, "", TextControl},
	}
	for _, c := range cases {
		got, p := CleanText(c.in, c.multiline)
		if p != c.problem || (p == TextOK && got != c.want) {
			t.Errorf("CleanText(%q, %v) = %q, %q; want %q, %q", c.in, c.multiline, got, p, c.want, c.problem)
		}
	}
}

func TestFold(t *testing.T) {
	for _, in := range []string{"Santé Publique", "sante\u0301   publique", "SANTE PUBLIQUE", " santé publique "} {
		if got := Fold(in); got != "sante publique" {
			t.Errorf("Fold(%q) = %q", in, got)
		}
	}
}
