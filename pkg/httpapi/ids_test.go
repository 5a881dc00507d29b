package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

// Every resource in a response carries its id (docs/rules.md): links,
// interests, offers and memberships included, not only postings.
func TestEveryResourceCarriesItsID(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "vera", "dana", "bob")
	p := createPosting(t, api, "vera", nil)
	link, _ := share(t, api, "dana", p.ID, "")
	org := createOrgVia(t, api, "vera")
	joinOrgVia(t, api, "vera", org.ID, "dana", "")
	putOfferVia(t, api, "vera", `{"topics":["operations"],"formats":["coffee"],"monthly_capacity":2,"status":"open"}`)
	for _, req := range []apigwtest.Request{
		{Method: "POST", Path: "/postings/" + p.ID + "/interest", Member: "bob", Body: `{"referral_token":"` + link.Token + `"}`},
		{Method: "GET", Path: "/referrals/" + link.Token, Member: "dana"},
		{Method: "GET", Path: "/members/vera/offer", Member: "dana"},
	} {
		res := api.Do(t, req)
		var body map[string]any
		_ = json.Unmarshal([]byte(res.Body), &body)
		if res.Status >= 300 || body["id"] == nil || body["id"] == "" {
			t.Errorf("%s %s = %d without an id: %.300s", req.Method, req.Path, res.Status, res.Body)
		}
	}
	for _, path := range []string{"/postings/" + p.ID + "/interest", "/orgs/" + org.ID + "/members", "/me/referrals"} {
		member := "vera"
		if path == "/me/referrals" {
			member = "dana"
		}
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: member})
		var page struct{ Items []map[string]any }
		_ = json.Unmarshal([]byte(res.Body), &page)
		if res.Status != 200 || len(page.Items) == 0 {
			t.Fatalf("GET %s = %d %.300s", path, res.Status, res.Body)
		}
		for _, it := range page.Items {
			if it["id"] == nil || it["id"] == "" {
				t.Errorf("GET %s: an item without an id: %v", path, it)
			}
		}
	}
}
