package httpapi_test

import (
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

// stringFields lists the locations of every string in a body schema
// (body.title, body.location.city, body.skills[0]) with whether it is
// multi-line, from the schema's description of the field.
func stringFields(schema map[string]any, loc string, out map[string]map[string]any) {
	switch schema["type"] {
	case "string":
		out[loc] = schema
	case "array":
		if items, ok := schema["items"].(map[string]any); ok {
			stringFields(items, loc+"[0]", out)
		}
	case "object":
		props, _ := schema["properties"].(map[string]any)
		for name, p := range props {
			if ps, ok := p.(map[string]any); ok {
				stringFields(ps, loc+"."+name, out)
			}
		}
	}
}

// bodyAt is a JSON body with raw (a JSON value) at loc, e.g. body.pay.min.
func bodyAt(loc, raw string) string {
	parts := strings.Split(strings.TrimPrefix(loc, "body."), ".")
	out := raw
	for i := len(parts) - 1; i >= 0; i-- {
		name, isArray := strings.CutSuffix(parts[i], "[0]")
		if isArray {
			out = "[" + out + "]"
		}
		out = `{"` + name + `":` + out + `}`
	}
	return out
}

// multiline are the fields that take several lines (docs/rules.md, "Text").
var multiline = map[string]bool{"body.description": true, "body.how_to_apply": true, "body.note": true, "body.message": true,
	"body.pitch": true, "body.goal": true}

// Issue 9 item 6: every string of every body, nested ones included, is
// held to the text rules through the real adapter, with a 422 naming it.
// "Caf\xE9" is sent as the bytes a Latin-1 client sends (encoding/json
// alone would store U+FFFD).
func TestTextRulesOnEveryBodyField(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	bad := map[string]string{
		"invalid UTF-8": "\"Caf\xE9\"", "NUL": `"a\u0000b"`, "ESC": `"a\u001bb"`, "BEL": `"a\u0007b"`,
		"CR": `"a\rb"`, "RLO": `"a\u202eb"`, "lone surrogate": `"a\ud800b"`, "C1": `"a\u0085b"`,
	}
	checked := 0
	for _, op := range operations(t, api) {
		if op.BodyType == "" {
			continue
		}
		fields := map[string]map[string]any{}
		stringFields(op.Body, "body", fields)
		var locs []string
		for loc := range fields {
			locs = append(locs, loc)
		}
		sort.Strings(locs)
		for _, loc := range locs {
			cases := bad
			if !multiline[loc] {
				cases = map[string]string{"LF": `"a\nb"`, "TAB": `"a\tb"`}
				for k, v := range bad {
					cases[k] = v
				}
			}
			for name, raw := range cases {
				res := api.Do(t, op.request(bodyAt(loc, raw)))
				if res.Status != 422 {
					t.Errorf("%s %s with %s at %s = %d %.200s (a new multi-line field belongs in this test's multiline set)", op.Method, op.Path, name, loc, res.Status, res.Body)
					continue
				}
				wantProblem(t, res, 422, loc)
				checked++
			}
		}
	}
	if checked < 200 {
		t.Errorf("only %d field checks ran", checked)
	}
}

// Multi-line fields take newlines and tabs; the text is stored NFC.
func TestTextIsStoredNFCAndMultilineFieldsKeepLines(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "alice", map[string]any{"title": "Caf\u0065\u0301 helper", "description": "Line one\n\tLine two"})
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID, Member: "alice"})
	var got struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	res.JSON(t, &got)
	if got.Title != "Caf\u00e9 helper" || got.Description != "Line one\n\tLine two" {
		t.Errorf("stored %q / %q", got.Title, got.Description)
	}
}

// Issue 9 item 6: a posting whose field is composed (Santé publique) is
// found by the decomposed query (sante + U+0301), and a query value that
// breaks the text rules is a 422 naming it.
func TestDecomposedFieldFindsComposedPosting(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "alice", map[string]any{"field": "Santé publique"})
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?field=sante%CC%81%20publique", Member: "bob"})
	var page postingPage
	res.JSON(t, &page)
	if res.Status != 200 || len(page.Items) != 1 || page.Items[0].ID != p.ID {
		t.Errorf("decomposed field found %d %+v", res.Status, page.Items)
	}
	for _, q := range []string{"field=Caf%E9", "field=a%00b", "field=a%E2%80%AEb", "cursor=a%0Ab"} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings?" + q, Member: "bob"})
		wantProblem(t, res, 422, "query."+strings.Split(q, "=")[0])
	}
}

// Issue 9 item 5: a body of exactly the limit is read; one byte more is a
// 413 (a small problem).
func TestBodyOfExactlyTheLimitIsRead(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	base := postingJSONBody(t, nil)
	exact := base[:len(base)-1] + strings.Repeat(" ", httpapi.MaxBodyBytes-len(base)) + "}"
	if len(exact) != httpapi.MaxBodyBytes {
		t.Fatalf("built %d bytes", len(exact))
	}
	if res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: exact}); res.Status != 201 {
		t.Errorf("body of exactly %d bytes = %d %.300s", len(exact), res.Status, res.Body)
	}
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: exact + " "})
	checkSmallProblem(t, "limit+1", res)
	wantProblem(t, res, 413, "")
}

// Issue 9 item 5: a description at its 10,000-character limit written as
// JSON escapes of emoji (12 bytes a character) fits in the body limit.
func TestEscapedEmojiDescriptionAtItsLimitIsAccepted(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	body := postingJSONBody(t, map[string]any{"description": "PLACEHOLDER"})
	body = strings.Replace(body, "PLACEHOLDER", strings.Repeat(`\ud83d\ude00`, 10000), 1)
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: body})
	if res.Status != 201 {
		t.Fatalf("%d-byte body = %d %.300s", len(body), res.Status, res.Body)
	}
	var got struct {
		Description string `json:"description"`
	}
	res.JSON(t, &got)
	if n := utf8.RuneCountInString(got.Description); n != 10000 || !strings.HasPrefix(got.Description, "😀") {
		t.Errorf("stored %d characters", n)
	}
}

// The rule behind the body limit (docs/rules.md, "Body limit"): every
// text field of every body, all at their limits at once and written as
// 12-byte escapes, fit in MaxBodyBytes. A new field that breaks the rule
// fails here.
func TestBodyLimitFitsEscapedText(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	var worst func(s map[string]any) int
	worst = func(s map[string]any) int {
		switch s["type"] {
		case "string":
			n, _ := s["maxLength"].(float64)
			if n == 0 {
				n = 64 // dates, ids without a bound of their own: generous
			}
			return 12*int(n) + 2
		case "array":
			items, _ := s["items"].(map[string]any)
			n, _ := s["maxItems"].(float64)
			return int(n)*(worst(items)+1) + 2
		case "object":
			total := 2
			props, _ := s["properties"].(map[string]any)
			for name, p := range props {
				ps, _ := p.(map[string]any)
				total += len(name) + 4 + worst(ps)
			}
			return total
		}
		return 32 // numbers, booleans
	}
	for _, op := range operations(t, api) {
		if op.BodyType == "" {
			continue
		}
		if n := worst(op.Body); n > httpapi.MaxBodyBytes {
			t.Errorf("%s %s: its text at the limits, escaped, is %d bytes, past MaxBodyBytes %d", op.Method, op.Path, n, httpapi.MaxBodyBytes)
		} else {
			t.Logf("%s %s: at most %d bytes", op.Method, op.Path, n)
		}
	}
}

// Issue 9 item 11: every field of a referral and an interest is optional,
// so an empty body is no fields, not a 400.
func TestEmptyBodyIsAcceptedWhenEveryFieldIsOptional(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfile(t, api, "alice", "Alice")
	putProfile(t, api, "bob", "Bob")
	p := createPosting(t, api, "alice", nil)
	for _, path := range []string{"/postings/" + p.ID + "/referrals", "/postings/" + p.ID + "/interest"} {
		req := apigwtest.Request{Method: "POST", Path: path, Member: "bob"} // no body, no Content-Type
		if res := api.Do(t, req); res.Status != 201 {
			t.Errorf("POST %s with no body = %d %s", path, res.Status, res.Body)
		}
	}
}

// Issue 9 item 3: Idempotency-Key is read whole: spring-batch,a and
// spring-batch,b are two keys.
func TestIdempotencyKeyWithCommasIsOneKey(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	send := func(key, body string) apigwtest.Response {
		return api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: body,
			Headers: map[string]string{"Idempotency-Key": key}})
	}
	a, b := postingJSONBody(t, map[string]any{"title": "First"}), postingJSONBody(t, map[string]any{"title": "Second"})
	first := send("spring-batch,a", a)
	second := send("spring-batch,b", b)
	if first.Status != 201 || second.Status != 201 || second.Headers.Get("Idempotent-Replayed") != "" || first.Headers.Get("Location") == second.Headers.Get("Location") {
		t.Fatalf("two keys = %d %s / %d %s", first.Status, first.Headers.Get("Location"), second.Status, second.Body)
	}
	again := send("spring-batch,a", a)
	if again.Body != first.Body || again.Headers.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay of spring-batch,a = %d %s", again.Status, again.Body)
	}
	wantProblem(t, send("spring-batch,b", a), 422, "header.Idempotency-Key")
	// A header value that is stored follows the text rules.
	wantProblem(t, send("Caf\xE9", a), 422, "header.Idempotency-Key")
	wantProblem(t, send("a\x1bb", a), 422, "header.Idempotency-Key")
}

// Issue 9 item 3: If-Match may list several ETags; any one matching is
// enough (RFC 9110 §13.1.1), "*" matches any version.
func TestIfMatchListsSeveralETags(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "alice", nil)
	patch := func(ifMatch, title string) apigwtest.Response {
		return api.Do(t, apigwtest.Request{Method: "PATCH", Path: "/postings/" + p.ID, Member: "alice", Body: `{"title":"` + title + `"}`,
			Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": ifMatch}})
	}
	if res := patch(`"7", "1"`, "Two"); res.Status != 200 || res.Headers.Get("ETag") != `"2"` {
		t.Errorf(`If-Match: "7", "1" = %d %s`, res.Status, res.Body)
	}
	wantProblem(t, patch(`"1", "3"`, "Stale"), 412, "header.If-Match")
	if res := patch(`"1","2"`, "Three"); res.Status != 200 {
		t.Errorf(`If-Match: "1","2" = %d %s`, res.Status, res.Body)
	}
	// Strong comparison (RFC 9110 §13.1.1): a weak or unquoted current
	// version does not match.
	wantProblem(t, patch(`W/"3"`, "Weak"), 412, "header.If-Match")
	wantProblem(t, patch(`3`, "Bare"), 412, "header.If-Match")
	if res := patch(`*`, "Four"); res.Status != 200 || res.Headers.Get("ETag") != `"4"` {
		t.Errorf(`If-Match: * = %d %s`, res.Status, res.Body)
	}
}

// Issue 9 items 3 and 4: GET /r/{token} negotiates by RFC 9110 on the
// whole Accept header: q-values, wildcards, q=0 refuses, 406 when neither
// form is acceptable.
func TestLandingNegotiatesPerRFC9110(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfile(t, api, "alice", "Alice")
	p := createPosting(t, api, "alice", nil)
	ref, status := share(t, api, "alice", p.ID, "")
	if status != 201 {
		t.Fatalf("share = %d", status)
	}
	for accept, want := range map[string]string{
		"text/html;q=0, application/json":                                 "application/json",
		"application/json;q=0.5, text/html":                               "text/html",
		"text/html, application/json":                                     "text/html",
		"application/json, text/html":                                     "application/json",
		"text/*;q=0.9, application/json;q=0.8":                            "text/html",
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "text/html",
		"*/*":                             "application/json",
		"*/*, text/html;q=0":              "application/json",
		"text/html;charset=utf-8":         "text/html", // what the page is served as
		"application/json; charset=utf-8": "application/json",
		"":                                "application/json",
	} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + ref.Token, Headers: map[string]string{"Accept": accept}})
		if res.Status != 200 || !strings.HasPrefix(res.Headers.Get("Content-Type"), want) {
			t.Errorf("Accept %q = %d %s, want %s", accept, res.Status, res.Headers.Get("Content-Type"), want)
		}
	}
	clicks := stats(t, api, "alice", ref.Token).Clicks
	for _, accept := range []string{"text/plain", "text/html;q=0, application/json;q=0", "image/*"} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + ref.Token, Headers: map[string]string{"Accept": accept}})
		wantProblem(t, res, 406, "header.Accept")
	}
	// Refused requests count no click.
	if s := stats(t, api, "alice", ref.Token); s.Clicks != clicks {
		t.Errorf("clicks = %d after 406s, want %d", s.Clicks, clicks)
	}
}

// A request with no body where one is required is a 400 naming the body,
// like every other problem naming its field.
func TestMissingBodyNamesTheBody(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice"})
	checkSmallProblem(t, "no body", res)
	wantProblem(t, res, 400, "body")
}
