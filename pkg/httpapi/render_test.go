package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRenderEscapesValuesAndNeverReparsesThem(t *testing.T) {
	files := map[string]string{
		"part.html": `<b>{{name}}</b>`,
		"page.html": `<p title="{{name}}">{{>part.html}}{{#note}}<i>{{note}}</i>{{/note}}{{^note}}no note{{/note}}</p>`,
	}
	nodes, err := parsePage(files["page.html"], files, 0)
	if err != nil {
		t.Fatal(err)
	}
	render := func(values map[string]string) string {
		var b strings.Builder
		if err := renderNodes(&b, nodes, values); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	got := render(map[string]string{"name": `"><script>alert(1)</script> {{note}}`, "note": ""})
	want := `<p title="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{note}}"><b>&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{note}}</b>no note</p>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := render(map[string]string{"name": "Dana & Sam", "note": "it's <new>"}); got != `<p title="Dana &amp; Sam"><b>Dana &amp; Sam</b><i>it&#39;s &lt;new&gt;</i></p>` {
		t.Errorf("sections: %s", got)
	}
	var b strings.Builder
	if err := renderNodes(&b, nodes, map[string]string{"name": "x"}); err == nil {
		t.Error("a missing value rendered without an error")
	}
}

func TestParsePageRejectsBrokenTemplates(t *testing.T) {
	for _, src := range []string{"{{#a}}open", "{{/a}}", "{{#a}}x{{/b}}", "{{>missing.html}}", "{{}}", "{{name"} {
		if _, err := parsePage(src, map[string]string{}, 0); err == nil {
			t.Errorf("%q parsed", src)
		}
	}
}

func TestEveryPageRendersWithItsValues(t *testing.T) {
	cfg := &Config{PublicBaseURL: "b"}
	if _, err := executePage("notfound.html", goneValues(cfg, "h", "m")); err != nil {
		t.Error(err)
	}
	unsubscribe := goneValues(cfg, "h", "m")
	unsubscribe["action"] = "b/unsubscribe/x"
	if _, err := executePage("unsubscribe.html", unsubscribe); err != nil {
		t.Error(err)
	}
	for _, name := range []string{"signin.html", "docs.html"} {
		v := baseValues(cfg)
		v["title"], v["summary"] = "t", "s"
		if _, err := executePage(name, v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(pages()) != 7 {
		t.Errorf("parsed %d pages, want 7 (head, foot, landing, notfound, signin, docs, unsubscribe)", len(pages()))
	}
}

// TestRawValuesAreForServerEncodedJSONOnly: {{&name}} inserts as is; the
// one value it is used for (JSON-LD) is encoded by encoding/json, which
// escapes <, > and &, so a title cannot close the script element.
func TestRawValuesAreForServerEncodedJSONOnly(t *testing.T) {
	nodes, err := parsePage(`<script type="application/ld+json">{{&ld}}</script>`, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ld, _ := json.Marshal(map[string]string{"title": "</script><script>alert(1)</script>"})
	var b strings.Builder
	if err := renderNodes(&b, nodes, map[string]string{"ld": string(ld)}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), "</script>") != 1 {
		t.Errorf("the JSON-LD closed its script element: %s", b.String())
	}
}
