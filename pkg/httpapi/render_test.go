package httpapi

import (
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
	if _, err := executePage("notfound.html", map[string]string{"title": "t", "summary": "s", "url": "", "base_url": "b"}); err != nil {
		t.Error(err)
	}
	if _, err := executePage("revoked.html", map[string]string{"title": "t", "summary": "s", "url": "", "base_url": "b"}); err != nil {
		t.Error(err)
	}
	if len(pages) != 5 {
		t.Errorf("parsed %d pages, want 5 (head, foot, landing, notfound, revoked)", len(pages))
	}
}
