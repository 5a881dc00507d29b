package httpapi_test

import (
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

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

	for _, tc := range []struct {
		schema, property, keyword string
		want                      float64
	}{
		{"PostingBody", "title", "maxLength", warmlead.MaxTitleLen},
		{"PostingBody", "description", "maxLength", warmlead.MaxDescriptionLen},
		{"PostingBody", "organization", "maxLength", warmlead.MaxOrganization},
		{"PostingBody", "field", "maxLength", warmlead.MaxFieldLen},
		{"PostingBody", "how_to_apply", "maxLength", warmlead.MaxHowToApplyLen},
		{"PostingBody", "skills", "maxItems", warmlead.MaxSkills},
		{"PostingBody", "audience", "maxItems", float64(len(warmlead.Audiences))},
		{"PostingBody", "hours_per_week", "maximum", warmlead.MaxHoursPerWeek},
		{"PostingBody", "duration_weeks", "maximum", warmlead.MaxDurationWeeks},
		{"PayBody", "min", "maximum", warmlead.MaxPayAmount},
		{"PayBody", "max", "maximum", warmlead.MaxPayAmount},
		{"LocationBody", "city", "maxLength", warmlead.MaxPlaceLen},
		{"LocationBody", "region", "maxLength", warmlead.MaxPlaceLen},
		{"ProfileBody", "name", "maxLength", warmlead.MaxNameLen},
		{"ProfileBody", "headline", "maxLength", warmlead.MaxHeadlineLen},
		{"ProfileBody", "location", "maxLength", warmlead.MaxLocationLen},
		{"ProfileBody", "interests", "maxItems", warmlead.MaxInterests},
		{"OrgBody", "name", "maxLength", warmlead.MaxOrgNameLen},
		{"OrgMemberBody", "member_id", "maxLength", warmlead.MaxMemberIDLen},
		{"ConnectionBody", "member_id", "maxLength", warmlead.MaxMemberIDLen},
		{"ConnectionBody", "note", "maxLength", warmlead.MaxConnectionNoteLen},
		{"ConnectionBody", "met_via", "maxLength", warmlead.MaxMetViaLen},
		{"ExpressInterestInputBody", "message", "maxLength", warmlead.MaxInterestMessageLen},
		{"OfferBody", "topics", "maxItems", warmlead.MaxOfferTopics},
		{"OfferBody", "formats", "maxItems", float64(len(warmlead.AdviceFormats))},
		{"OfferBody", "monthly_capacity", "maximum", warmlead.MaxMonthlyCapacity},
		{"OfferBody", "note", "maxLength", warmlead.MaxOfferNoteLen},
		{"AdviceRequestBody", "advisor_id", "maxLength", warmlead.MaxMemberIDLen},
		{"AdviceRequestBody", "pitch", "maxLength", warmlead.MaxPitchLen},
		{"AdviceRequestBody", "questions", "maxItems", warmlead.MaxQuestions},
		{"AcceptAdviceInputBody", "message", "maxLength", warmlead.MaxAdviceMsgLen},
		{"AcceptAdviceInputBody", "proposed_times", "maxItems", warmlead.MaxProposedTimes},
		{"MessageInputBody", "message", "maxLength", warmlead.MaxAdviceMsgLen},
		{"ThankInputBody", "message", "maxLength", warmlead.MaxAdviceMsgLen},
		{"CreateIntroductionInputBody", "introducer_id", "maxLength", warmlead.MaxMemberIDLen},
		{"CreateIntroductionInputBody", "goal", "maxLength", warmlead.MaxGoalLen},
		{"CreateIntroductionInputBody", "field", "maxLength", warmlead.MaxFieldLen},
		{"ForwardIntroductionInputBody", "target_id", "maxLength", warmlead.MaxMemberIDLen},
		{"ForwardIntroductionInputBody", "note", "maxLength", warmlead.MaxIntroNoteLen},
		{"CreateSearchInputBody", "name", "maxLength", warmlead.MaxSearchNameLen},
		{"PatchSearchInputBody", "name", "maxLength", warmlead.MaxSearchNameLen},
		{"SearchQueryBody", "q", "maxLength", warmlead.MaxQueryLen},
		{"SearchQueryBody", "field", "maxLength", warmlead.MaxFieldLen},
		{"SearchQueryBody", "poster_id", "maxLength", warmlead.MaxMemberIDLen},
		{"SearchQueryBody", "region", "maxLength", warmlead.MaxPlaceLen},
		{"SearchQueryBody", "city", "maxLength", warmlead.MaxPlaceLen},
		{"TouchInputBody", "note", "maxLength", warmlead.MaxTouchNoteLen},
		{"PutSettingsInputBody", "keep_warm_days", "maximum", warmlead.MaxKeepWarmDays},
	} {
		s, ok := doc.Components.Schemas[tc.schema]
		if !ok {
			t.Errorf("no schema %s", tc.schema)
			continue
		}
		got := keyword(s.Properties[tc.property], tc.keyword)
		if got == nil || *got != tc.want {
			t.Errorf("%s.%s %s = %v, want %v (the domain's limit)", tc.schema, tc.property, tc.keyword, deref(got), tc.want)
		}
	}

	for _, tc := range []struct {
		path, method, param, keyword string
		want                         float64
	}{
		{"/postings", "get", "q", "maxLength", warmlead.MaxQueryLen},
		{"/postings", "get", "field", "maxLength", warmlead.MaxFieldLen},
		{"/postings", "get", "poster_id", "maxLength", warmlead.MaxMemberIDLen},
		{"/postings", "get", "region", "maxLength", warmlead.MaxPlaceLen},
		{"/postings", "get", "city", "maxLength", warmlead.MaxPlaceLen},
		{"/postings", "get", "limit", "maximum", warmlead.MaxPageLimit},
		{"/public/postings", "get", "q", "maxLength", warmlead.MaxQueryLen},
		{"/offers", "get", "q", "maxLength", warmlead.MaxQueryLen},
		{"/offers", "get", "topic", "maxLength", warmlead.MaxTopicLen},
		{"/orgs/{id}/members", "get", "q", "maxLength", warmlead.MaxQueryLen},
		{"/members/{id}", "get", "id", "maxLength", warmlead.MaxMemberIDLen},
	} {
		op, ok := doc.Paths[tc.path][tc.method]
		if !ok {
			t.Errorf("no operation %s %s", tc.method, tc.path)
			continue
		}
		found := false
		for _, p := range op.Parameters {
			if p.Name != tc.param {
				continue
			}
			found = true
			if got := keyword(p.Schema, tc.keyword); got == nil || *got != tc.want {
				t.Errorf("%s %s ?%s %s = %v, want %v (the domain's limit)", tc.method, tc.path, tc.param, tc.keyword, deref(got), tc.want)
			}
		}
		if !found {
			t.Errorf("%s %s has no parameter %s", tc.method, tc.path, tc.param)
		}
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
