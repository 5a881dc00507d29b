package httpapi_test

import (
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

func TestOperationsArePublic(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)

	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/healthz"})
	if res.Status != 200 || !strings.Contains(res.Body, `"ok"`) {
		t.Errorf("/healthz = %d %s", res.Status, res.Body)
	}

	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/openapi.json"})
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	res.JSON(t, &doc)
	if res.Status != 200 || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("/openapi.json = %d, openapi %q", res.Status, doc.OpenAPI)
	}
	if _, ok := doc.Paths["/me"]["put"]; !ok {
		t.Errorf("OpenAPI lacks PUT /me: %v", doc.Paths)
	}
	if sec := doc.Paths["/me"]["get"]["security"]; sec == nil {
		t.Error("GET /me is not marked as needing a bearer token")
	}
	// Public operations say so explicitly (security: []), as linters ask.
	if sec, ok := doc.Paths["/healthz"]["get"]["security"].([]any); !ok || len(sec) != 0 {
		t.Errorf("/healthz is not marked public: %v", doc.Paths["/healthz"]["get"]["security"])
	}

	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/docs", Headers: map[string]string{"Accept": "text/html"}})
	if res.Status != 200 || !strings.Contains(res.Headers.Get("Content-Type"), "text/html") || !strings.Contains(res.Body, "openapi") {
		t.Errorf("/docs = %d %s", res.Status, res.Headers.Get("Content-Type"))
	}
}

// TestOpenAPILimitsAreTheDomains ties every limit the OpenAPI document
// publishes (maxLength, maximum, maxItems in the huma struct tags) to the
// domain constant it restates, so the two cannot drift apart.
func TestOpenAPILimitsAreTheDomains(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/openapi.json"})
	type schema struct {
		MaxLength  *float64          `json:"maxLength"`
		Maximum    *float64          `json:"maximum"`
		MaxItems   *float64          `json:"maxItems"`
		Properties map[string]schema `json:"properties"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				In     string `json:"in"`
				Schema schema `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	res.JSON(t, &doc)
	if res.Status != 200 {
		t.Fatalf("/openapi.json = %d", res.Status)
	}
	keyword := func(s schema, kw string) *float64 {
		return map[string]*float64{"maxLength": s.MaxLength, "maximum": s.Maximum, "maxItems": s.MaxItems}[kw]
	}

	// where: a schema's property ("PostingBody.title") or an operation's
	// parameter ("GET /postings ?q").
	find := func(where string) (schema, bool) {
		if op, param, ok := strings.Cut(where, " ?"); ok {
			method, path, _ := strings.Cut(op, " ")
			for _, p := range doc.Paths[path][strings.ToLower(method)].Parameters {
				if p.Name == param {
					return p.Schema, true
				}
			}
			return schema{}, false
		}
		name, prop, _ := strings.Cut(where, ".")
		s, ok := doc.Components.Schemas[name].Properties[prop]
		return s, ok
	}
	for _, tc := range []struct {
		where, keyword string
		want           float64
	}{
		{"PostingBody.title", "maxLength", warmlead.MaxTitleLen},
		{"PostingBody.description", "maxLength", warmlead.MaxDescriptionLen},
		{"PostingBody.organization", "maxLength", warmlead.MaxOrganization},
		{"PostingBody.field", "maxLength", warmlead.MaxFieldLen},
		{"PostingBody.how_to_apply", "maxLength", warmlead.MaxHowToApplyLen},
		{"PostingBody.skills", "maxItems", warmlead.MaxSkills},
		{"PostingBody.audience", "maxItems", float64(len(warmlead.Audiences))},
		{"PostingBody.hours_per_week", "maximum", warmlead.MaxHoursPerWeek},
		{"PostingBody.duration_weeks", "maximum", warmlead.MaxDurationWeeks},
		{"PayBody.min", "maximum", warmlead.MaxPayAmount},
		{"PayBody.max", "maximum", warmlead.MaxPayAmount},
		{"LocationBody.city", "maxLength", warmlead.MaxPlaceLen},
		{"LocationBody.region", "maxLength", warmlead.MaxPlaceLen},
		{"ProfileBody.name", "maxLength", warmlead.MaxNameLen},
		{"ProfileBody.headline", "maxLength", warmlead.MaxHeadlineLen},
		{"ProfileBody.location", "maxLength", warmlead.MaxLocationLen},
		{"ProfileBody.interests", "maxItems", warmlead.MaxInterests},
		{"OrgBody.name", "maxLength", warmlead.MaxOrgNameLen},
		{"OrgMemberBody.member_id", "maxLength", warmlead.MaxMemberIDLen},
		{"ConnectionBody.member_id", "maxLength", warmlead.MaxMemberIDLen},
		{"ConnectionBody.note", "maxLength", warmlead.MaxConnectionNoteLen},
		{"ConnectionBody.met_via", "maxLength", warmlead.MaxMetViaLen},
		{"ExpressInterestInputBody.message", "maxLength", warmlead.MaxInterestMessageLen},
		{"OfferBody.topics", "maxItems", warmlead.MaxOfferTopics},
		{"OfferBody.formats", "maxItems", float64(len(warmlead.AdviceFormats))},
		{"OfferBody.monthly_capacity", "maximum", warmlead.MaxMonthlyCapacity},
		{"OfferBody.note", "maxLength", warmlead.MaxOfferNoteLen},
		{"AdviceRequestBody.advisor_id", "maxLength", warmlead.MaxMemberIDLen},
		{"AdviceRequestBody.pitch", "maxLength", warmlead.MaxPitchLen},
		{"AdviceRequestBody.questions", "maxItems", warmlead.MaxQuestions},
		{"AcceptAdviceInputBody.message", "maxLength", warmlead.MaxAdviceMsgLen},
		{"AcceptAdviceInputBody.proposed_times", "maxItems", warmlead.MaxProposedTimes},
		{"MessageInputBody.message", "maxLength", warmlead.MaxAdviceMsgLen},
		{"ThankInputBody.message", "maxLength", warmlead.MaxAdviceMsgLen},
		{"CreateIntroductionInputBody.introducer_id", "maxLength", warmlead.MaxMemberIDLen},
		{"CreateIntroductionInputBody.goal", "maxLength", warmlead.MaxGoalLen},
		{"CreateIntroductionInputBody.field", "maxLength", warmlead.MaxFieldLen},
		{"ForwardIntroductionInputBody.target_id", "maxLength", warmlead.MaxMemberIDLen},
		{"ForwardIntroductionInputBody.note", "maxLength", warmlead.MaxIntroNoteLen},
		{"CreateSearchInputBody.name", "maxLength", warmlead.MaxSearchNameLen},
		{"PatchSearchInputBody.name", "maxLength", warmlead.MaxSearchNameLen},
		{"SearchQueryBody.q", "maxLength", warmlead.MaxQueryLen},
		{"SearchQueryBody.field", "maxLength", warmlead.MaxFieldLen},
		{"SearchQueryBody.poster_id", "maxLength", warmlead.MaxMemberIDLen},
		{"SearchQueryBody.region", "maxLength", warmlead.MaxPlaceLen},
		{"SearchQueryBody.city", "maxLength", warmlead.MaxPlaceLen},
		{"TouchInputBody.note", "maxLength", warmlead.MaxTouchNoteLen},
		{"PutSettingsInputBody.keep_warm_days", "maximum", warmlead.MaxKeepWarmDays},
		{"GET /postings ?q", "maxLength", warmlead.MaxQueryLen},
		{"GET /postings ?field", "maxLength", warmlead.MaxFieldLen},
		{"GET /postings ?poster_id", "maxLength", warmlead.MaxMemberIDLen},
		{"GET /postings ?region", "maxLength", warmlead.MaxPlaceLen},
		{"GET /postings ?city", "maxLength", warmlead.MaxPlaceLen},
		{"GET /postings ?limit", "maximum", warmlead.MaxPageLimit},
		{"GET /public/postings ?q", "maxLength", warmlead.MaxQueryLen},
		{"GET /offers ?q", "maxLength", warmlead.MaxQueryLen},
		{"GET /offers ?topic", "maxLength", warmlead.MaxTopicLen},
		{"GET /orgs/{id}/members ?q", "maxLength", warmlead.MaxQueryLen},
		{"GET /members/{id} ?id", "maxLength", warmlead.MaxMemberIDLen},
	} {
		s, ok := find(tc.where)
		if !ok {
			t.Errorf("the OpenAPI document has no %s", tc.where)
			continue
		}
		if got := keyword(s, tc.keyword); got == nil || *got != tc.want {
			t.Errorf("%s %s = %v, want %v (the domain's limit)", tc.where, tc.keyword, deref(got), tc.want)
		}
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
