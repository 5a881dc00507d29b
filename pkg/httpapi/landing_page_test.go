package httpapi_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

var browser = map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}

// TestLandingPageShowsTheWholePostingAndItsActions: the page a shared link
// opens says everything a person needs to decide (title, organisation and
// poster, kind, place, pay, hours, duration, audience, deadline), who
// shared it and through whom, and offers the two actions as labelled
// forms inside landmarks, with its script served by the API.
func TestLandingPageShowsTheWholePostingAndItsActions(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfile(t, api, "sam", "Sam Lee")
	putProfile(t, api, "dev", "Dev Patel")
	p := createPosting(t, api, "poster", map[string]any{"hours_per_week": 20, "duration_weeks": 26, "visibility": "public",
		"audience": []string{"recent_grads", "career_changers"}, "location": map[string]any{"city": "Lyon", "region": "Rhône", "country": "FR"}})
	samLink, _ := share(t, api, "sam", p.ID, "")
	devLink, _ := share(t, api, "dev", p.ID, samLink.Token)
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + devLink.Token, Headers: browser})
	if res.Status != 200 {
		t.Fatalf("landing = %d %s", res.Status, res.Body)
	}
	for _, want := range []string{
		"<h1 id=\"lead-title\">Junior data analyst</h1>", "Lyon Business School Alumni · posted by poster",
		"Shared with you by <strong>Dev Patel</strong>, who had it from <strong>Sam Lee</strong>",
		"<dd>Job</dd>", "<dd>Hybrid · Lyon, Rhône, FR</dd>", "<dd>Paid · 1800–2200 EUR a month</dd>", "<dd>20 h a week</dd>",
		"<dd>26 weeks</dd>", "<dd>Recent grads, career changers</dd>", "<dt>Deadline</dt>",
		"Sam Lee and Dev Patel are thanked for passing it on", `<header class="site">`, `<main id="main"`, `<footer class="site">`, `<label for="message">`, `<label for="share_with_chain">`,
		`id="interest-form"`, `id="share-form"`, `role="status"`, `data-token="` + devLink.Token + `"`, `data-posting="` + p.ID + `"`,
		`<script src="https://warmlead.test/assets/landing.js" defer></script>`, `<link rel="stylesheet" href="https://warmlead.test/assets/landing.css">`,
	} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if regexp.MustCompile(`(src|href)="https?://[^"]*"`).FindAllString(res.Body, -1) != nil {
		for _, u := range regexp.MustCompile(`(src|href)="(https?://[^"/]*)`).FindAllStringSubmatch(res.Body, -1) {
			if u[2] != "https://warmlead.test" {
				t.Errorf("the page loads from another host: %s", u[0])
			}
		}
	}
}

// TestClosedLinksSayItKindly: a filled posting's link opens a page that
// thanks the visitor and offers no action.
func TestClosedLinksSayItKindly(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	link, _ := share(t, api, "a", p.ID, "")
	api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/close", Member: "poster", Body: `{"reason":"filled"}`})
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token, Headers: browser})
	if res.Status != 410 || !strings.Contains(res.Body, "Thanks for following this link. This lead has been filled") ||
		strings.Contains(res.Body, `id="interest-form"`) || strings.Contains(res.Body, "application/ld+json") {
		t.Errorf("closed lead's page = %d %s", res.Status, res.Body)
	}
}

// jobPostingVocabulary is the part of schema.org's vocabulary the JSON-LD
// uses: for each type, its properties and the type (or value kind) each
// takes (https://schema.org/JobPosting and the types it links to).
var jobPostingVocabulary = map[string]map[string]string{
	"JobPosting": {"@context": "url", "@type": "text", "title": "text", "description": "text", "datePosted": "date",
		"validThrough": "datetime", "employmentType": "employmentType", "hiringOrganization": "Organization",
		"jobLocation": "Place", "jobLocationType": "TELECOMMUTE", "applicantLocationRequirements": "Country",
		"baseSalary": "MonetaryAmount", "url": "url"},
	"Organization":      {"@type": "text", "name": "text"},
	"Place":             {"@type": "text", "address": "PostalAddress"},
	"PostalAddress":     {"@type": "text", "addressLocality": "text", "addressRegion": "text", "addressCountry": "text"},
	"Country":           {"@type": "text", "name": "text"},
	"MonetaryAmount":    {"@type": "text", "currency": "currency", "value": "QuantitativeValue"},
	"QuantitativeValue": {"@type": "text", "value": "number", "minValue": "number", "maxValue": "number", "unitText": "unitText"},
}

// validateLD checks v as an instance of typ against jobPostingVocabulary.
func validateLD(t *testing.T, at string, typ string, v any) {
	t.Helper()
	props, isType := jobPostingVocabulary[typ]
	if !isType {
		ok := false
		switch typ {
		case "text":
			s, _ := v.(string)
			ok = s != ""
		case "url":
			s, _ := v.(string)
			ok = strings.HasPrefix(s, "https://")
		case "date":
			s, _ := v.(string)
			ok = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(s)
		case "datetime":
			s, _ := v.(string)
			ok = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`).MatchString(s)
		case "number":
			_, ok = v.(float64)
		case "currency":
			s, _ := v.(string)
			ok = regexp.MustCompile(`^[A-Z]{3}$`).MatchString(s)
		case "employmentType":
			ok = strings.Contains(" FULL_TIME PART_TIME CONTRACTOR TEMPORARY INTERN VOLUNTEER PER_DIEM OTHER ", fmt.Sprintf(" %v ", v))
		case "unitText":
			ok = strings.Contains(" HOUR DAY WEEK MONTH YEAR TOTAL ", fmt.Sprintf(" %v ", v))
		case "TELECOMMUTE":
			ok = v == "TELECOMMUTE"
		}
		if !ok {
			t.Errorf("%s = %v is not a valid %s", at, v, typ)
		}
		return
	}
	obj, ok := v.(map[string]any)
	if !ok || obj["@type"] != typ {
		t.Errorf("%s = %v, want a %s", at, v, typ)
		return
	}
	for k, x := range obj {
		want, known := props[k]
		if !known {
			t.Errorf("%s.%s is not a property of schema.org/%s", at, k, typ)
			continue
		}
		validateLD(t, at+"."+k, want, x)
	}
}

func jsonLD(t *testing.T, page string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD is not JSON: %v\n%s", err, m[1])
	}
	return ld
}

// TestPublicPostingsCarryJobPostingJSONLD: a public posting's page describes it
// as a schema.org JobPosting (validated against the vocabulary's
// properties and value types) with Open Graph tags; kind, pay and
// workplace map onto employmentType, baseSalary and jobLocation or
// TELECOMMUTE.
func TestPublicPostingsCarryJobPostingJSONLD(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfile(t, api, "poster", "Alice Martin")
	cases := []struct {
		name      string
		overrides map[string]any
		check     func(ld map[string]any) string
	}{
		{"paid hybrid job", map[string]any{"visibility": "public", "title": "Analyst </script><b>"}, func(ld map[string]any) string {
			sal, _ := ld["baseSalary"].(map[string]any)
			val, _ := sal["value"].(map[string]any)
			loc, _ := ld["jobLocation"].(map[string]any)
			addr, _ := loc["address"].(map[string]any)
			if ld["employmentType"] != "FULL_TIME" || ld["title"] != "Analyst </script><b>" || sal["currency"] != "EUR" ||
				val["minValue"] != 1800.0 || val["maxValue"] != 2200.0 || val["unitText"] != "MONTH" || addr["addressLocality"] != "Lyon" ||
				ld["hiringOrganization"].(map[string]any)["name"] != "Lyon Business School Alumni" {
				return "mapping"
			}
			return ""
		}},
		{"remote volunteer", map[string]any{"visibility": "public", "kind": "self_created_internship", "compensation": "volunteer",
			"pay": nil, "workplace": "remote", "organization": nil}, func(ld map[string]any) string {
			if ld["employmentType"] != "VOLUNTEER" || ld["jobLocationType"] != "TELECOMMUTE" || ld["baseSalary"] != nil ||
				ld["jobLocation"] != nil || ld["hiringOrganization"].(map[string]any)["name"] != "Alice Martin" {
				return "mapping"
			}
			return ""
		}},
		{"part-time internship", map[string]any{"visibility": "public", "kind": "internship", "compensation": "stipend",
			"pay": map[string]any{"min": 600, "currency": "EUR", "unit": "month"}, "hours_per_week": 20}, func(ld map[string]any) string {
			val := ld["baseSalary"].(map[string]any)["value"].(map[string]any)
			if ld["employmentType"] != "INTERN" || val["value"] != 600.0 {
				return "mapping"
			}
			return ""
		}},
	}
	for _, tc := range cases {
		p := createPosting(t, api, "poster", tc.overrides)
		link, _ := share(t, api, "poster", p.ID, "")
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token, Headers: browser})
		ld := jsonLD(t, res.Body)
		if ld == nil {
			t.Errorf("%s: no JSON-LD", tc.name)
			continue
		}
		validateLD(t, tc.name, "JobPosting", ld)
		for _, required := range []string{"title", "description", "datePosted", "validThrough", "employmentType", "hiringOrganization"} {
			if ld[required] == nil {
				t.Errorf("%s: JSON-LD lacks %s", tc.name, required)
			}
		}
		if msg := tc.check(ld); msg != "" {
			t.Errorf("%s: %s: %v", tc.name, msg, ld)
		}
		for _, og := range []string{`property="og:title"`, `property="og:url" content="https://warmlead.test/r/` + link.Token + `"`, `property="og:description"`} {
			if !strings.Contains(res.Body, og) {
				t.Errorf("%s: page lacks %s", tc.name, og)
			}
		}
	}
}

// TestNetworkAndOrgPostingsCarryNoStructuredData: a posting meant for a circle
// is neither described to search engines nor previewed with Open Graph.
func TestNetworkAndOrgPostingsCarryNoStructuredData(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", map[string]any{"visibility": "network"})
	link, _ := share(t, api, "poster", p.ID, "")
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token, Headers: browser})
	if res.Status != 200 || strings.Contains(res.Body, "application/ld+json") || strings.Contains(res.Body, "og:") ||
		!strings.Contains(res.Body, `<meta name="robots" content="noindex">`) {
		t.Errorf("network lead's page = %d %s", res.Status, res.Body)
	}
	org := createOrgVia(t, api, "admin")
	op := createPosting(t, api, "admin", map[string]any{"visibility": "org", "org_id": org.ID})
	olink, _ := share(t, api, "admin", op.ID, "")
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + olink.Token, Headers: browser})
	if res.Status != 200 || strings.Contains(res.Body, "application/ld+json") || strings.Contains(res.Body, "og:") {
		t.Errorf("org lead's page = %d", res.Status)
	}
}

// TestPagesAndAssetsAreServedByTheAPI: /docs, the sign-in return page and
// their scripts come from the API itself (nothing from a CDN), so they
// work offline; /docs reads /openapi.json, which template.yaml routes.
func TestPagesAndAssetsAreServedByTheAPI(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	for path, ctype := range map[string]string{"/assets/landing.js": "text/javascript", "/assets/landing.css": "text/css",
		"/assets/docs.js": "text/javascript", "/docs": "text/html", "/signin/callback": "text/html"} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: path})
		if res.Status != 200 || !strings.HasPrefix(res.Headers.Get("Content-Type"), ctype) || len(res.Body) < 100 {
			t.Errorf("%s = %d %s", path, res.Status, res.Headers.Get("Content-Type"))
		}
		for _, u := range regexp.MustCompile(`(?:src|href|data-spec)="(https?://[^"/]*)`).FindAllStringSubmatch(res.Body, -1) {
			if u[1] != "https://warmlead.test" {
				t.Errorf("%s loads from another host: %s", path, u[0])
			}
		}
		if strings.Contains(res.Body, "openapi.yaml") || strings.Contains(res.Body, "unpkg") || strings.Contains(res.Body, "cdn") {
			t.Errorf("%s still refers to a CDN or /openapi.yaml", path)
		}
	}
	docs := api.Do(t, apigwtest.Request{Method: "GET", Path: "/docs"})
	if !strings.Contains(docs.Body, `data-spec="https://warmlead.test/openapi.json"`) {
		t.Errorf("/docs does not read /openapi.json")
	}
	// Every path the pages load is a public route of template.yaml, so
	// they work in AWS too.
	tpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		t.Fatal(err)
	}
	routes, err := localgw.FromTemplate(tpl, localgw.LocalResolver("http://issuer", "client",
		map[string]string{"PublicBaseURL": "https://warmlead.test", "WebOrigin": "https://app.test"}))
	if err != nil {
		t.Fatal(err)
	}
	p := createPosting(t, api, "poster", map[string]any{"visibility": "public"})
	link, _ := share(t, api, "poster", p.ID, "")
	for _, page := range []string{"/docs", "/signin/callback", "/r/" + link.Token} {
		body := api.Do(t, apigwtest.Request{Method: "GET", Path: page, Headers: browser}).Body
		for _, u := range regexp.MustCompile(`(?:src|href|data-spec)="https://warmlead\.test(/[^"#?]*)`).FindAllStringSubmatch(body, -1) {
			if r, _ := routes.Match("GET", u[1]); r == nil || r.Authorizer != "" {
				t.Errorf("%s loads %s, which template.yaml does not route publicly", page, u[1])
			}
		}
	}
	for _, bad := range []string{"/assets/nope.js", "/assets/..%2Fserver.go", "/assets/landing.html"} {
		if res := api.Do(t, apigwtest.Request{Method: "GET", Path: bad}); res.Status != 404 && res.Status != 422 {
			t.Errorf("%s = %d", bad, res.Status)
		}
	}
}

// TestRevokedLinksSayItKindly: a link that is no longer shared opens a
// page saying so (410), with nothing to act on.
func TestRevokedLinksSayItKindly(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	api := apigwtest.New(httpapi.NewServer(quietLogger(), testConfig, services(env.Store(t))))
	p := createPosting(t, api, "poster", nil)
	link, _ := share(t, api, "a", p.ID, "")
	if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/referrals/" + link.Token, Member: "a"}); res.Status >= 300 {
		t.Fatalf("revoke = %d %s", res.Status, res.Body)
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token, Headers: browser})
	if res.Status != 410 || !strings.Contains(res.Body, "This link is no longer shared") || strings.Contains(res.Body, `id="interest-form"`) {
		t.Errorf("revoked link's page = %d %s", res.Status, res.Body)
	}
}
