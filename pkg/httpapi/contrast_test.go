package httpapi

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// TestPageColoursAreReadable: every text colour of the pages' style sheet
// against the backgrounds it is used on keeps WCAG AA's 4.5:1 contrast.
func TestPageColoursAreReadable(t *testing.T) {
	css, err := assetFiles.ReadFile("assets/landing.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"white": "#ffffff"}
	for _, m := range regexp.MustCompile(`--([a-z]+):(#[0-9a-f]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	pairs := [][2]string{{"ink", "paper"}, {"ink", "card"}, {"muted", "paper"}, {"muted", "card"},
		{"accent", "paper"}, {"accent", "card"}, {"white", "accent"}}
	for _, p := range pairs {
		fg, bg := vars[p[0]], vars[p[1]]
		if fg == "" || bg == "" {
			t.Fatalf("no colour %v in landing.css", p)
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("%s on %s: contrast %.2f:1, below 4.5:1", p[0], p[1], r)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
