package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

type referralResp struct {
	Token       string   `json:"token"`
	URL         string   `json:"url"`
	PostingID   string   `json:"posting_id"`
	ReferrerID  string   `json:"referrer_id"`
	ParentToken string   `json:"parent_token"`
	Chain       []string `json:"chain"`
	Depth       int      `json:"depth"`
	Clicks      int      `json:"clicks"`
	Interests   int      `json:"interests"`
}

func putProfile(t testing.TB, api *apigwtest.Client, id, name string) {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: id, Body: `{"name":"` + name + `","stage":"professional"}`})
	if res.Status != 201 && res.Status != 200 {
		t.Fatalf("PUT /me for %s = %d %s", id, res.Status, res.Body)
	}
}

func share(t testing.TB, api *apigwtest.Client, member, postingID, via string) (referralResp, int) {
	t.Helper()
	body := `{}`
	if via != "" {
		body = `{"via":"` + via + `"}`
	}
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + postingID + "/referrals", Member: member, Body: body})
	var r referralResp
	if res.Status == 200 || res.Status == 201 {
		res.JSON(t, &r)
	}
	return r, res.Status
}

func landing(t testing.TB, api *apigwtest.Client, token string) (map[string]any, int) {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + token, Headers: map[string]string{"Accept": "application/json"}})
	var out map[string]any
	if res.Status == 200 {
		res.JSON(t, &out)
	}
	return out, res.Status
}

func stats(t testing.TB, api *apigwtest.Client, member, token string) referralResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/referrals/" + token, Member: member})
	if res.Status != 200 {
		t.Fatalf("GET /referrals/%s as %s = %d %s", token, member, res.Status, res.Body)
	}
	var r referralResp
	res.JSON(t, &r)
	return r
}

// A posting travels poster -> A -> B -> C; C expresses interest: A and B are on
// the stored chain, and every link counts its clicks and interests.
func TestThreeHopChainCreditsEveryone(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	for id, name := range map[string]string{"poster": "Alice Martin", "a": "Dana Ortiz", "b": "Sam Lee", "c": "Carmen Ruiz"} {
		putProfile(t, api, id, name)
	}
	p := createPosting(t, api, "poster", nil)

	env.Calls.Reset()
	linkA, status := share(t, api, "a", p.ID, "")
	if status != 201 || strings.Join(linkA.Chain, ",") != "poster,a" || linkA.Depth != 1 || len(linkA.Token) < 22 {
		t.Fatalf("A's link = %d %+v", status, linkA)
	}
	if n := env.Calls.Total(); n > 2 {
		t.Errorf("create referral made %s, want at most 2 calls", env.Calls)
	}
	if linkA.URL != "https://warmlead.test/r/"+linkA.Token {
		t.Errorf("url = %q", linkA.URL)
	}

	env.Calls.Reset()
	page, status := landing(t, api, linkA.Token)
	if status != 200 || page["shared_by"].(map[string]any)["name"] != "Dana Ortiz" {
		t.Fatalf("landing = %d %v", status, page)
	}
	if n := env.Calls.Total(); n > 2 {
		t.Errorf("landing page made %s, want at most 2 calls", env.Calls)
	}
	linkB, _ := share(t, api, "b", p.ID, linkA.Token)
	if strings.Join(linkB.Chain, ",") != "poster,a,b" || linkB.ParentToken != linkA.Token || linkB.Depth != 2 {
		t.Fatalf("B's link = %+v", linkB)
	}
	// Three visitors open B's link (one of them twice: counted once).
	for _, ua := range []string{"Firefox/125.0", "Safari/604.1", "Safari/604.1"} {
		api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + linkB.Token, Headers: map[string]string{"Accept": "application/json", "User-Agent": ua}})
	}
	page, _ = landing(t, api, linkB.Token)
	if via, _ := page["via"].(map[string]any); via["name"] != "Dana Ortiz" {
		t.Errorf("B's page does not say via Dana: %v", page)
	}

	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/interest", Member: "c",
		Body: `{"message":"I would love to help.","referral_token":"` + linkB.Token + `"}`})
	if res.Status != 201 {
		t.Fatalf("interest = %d %s", res.Status, res.Body)
	}
	if n := env.Calls.Total(); n > 2 {
		t.Errorf("express interest made %s, want at most 2 calls", env.Calls)
	}
	again := api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/interest", Member: "c",
		Body: `{"message":"Twice?","referral_token":"` + linkB.Token + `"}`})
	if again.Status != 200 || !strings.Contains(again.Body, "Twice?") {
		t.Errorf("repeat interest = %d %s, want the first one back with its message updated", again.Status, again.Body)
	}

	if a := stats(t, api, "a", linkA.Token); a.Clicks != 1 || a.Interests != 1 {
		t.Errorf("A's link stats = %d clicks, %d interests; want 1, 1", a.Clicks, a.Interests)
	}
	if b := stats(t, api, "poster", linkB.Token); b.Clicks != 3 || b.Interests != 1 {
		t.Errorf("B's link stats = %d clicks, %d interests; want 3, 1", b.Clicks, b.Interests)
	}

	var interests struct {
		Items []struct {
			MemberID   string `json:"member_id"`
			MemberName string `json:"member_name"`
			Chain      []struct{ ID, Name string }
		} `json:"items"`
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID + "/interest", Member: "poster"})
	res.JSON(t, &interests)
	if len(interests.Items) != 1 || interests.Items[0].MemberName != "Carmen Ruiz" || len(interests.Items[0].Chain) != 3 ||
		interests.Items[0].Chain[1].Name != "Dana Ortiz" || interests.Items[0].Chain[2].Name != "Sam Lee" {
		t.Errorf("interest list = %s", res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID + "/interest", Member: "a"}), 403, "")

	var mine struct{ Items []referralResp }
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/referrals", Member: "b"}).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Token != linkB.Token || mine.Items[0].Interests != 1 {
		t.Errorf("B's /me/referrals = %+v", mine.Items)
	}
}

func TestReferralChainRules(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	other := createPosting(t, api, "poster", map[string]any{"title": "Other"})
	linkA, _ := share(t, api, "a", p.ID, "")

	// Sharing again, or through one's own link, returns the same link.
	again, status := share(t, api, "a", p.ID, linkA.Token)
	if status != 200 || again.Token != linkA.Token {
		t.Errorf("A re-sharing = %d %+v, want their link back with 200", status, again)
	}
	// The poster's own link starts the chain, even through someone else's.
	own, _ := share(t, api, "poster", p.ID, linkA.Token)
	if strings.Join(own.Chain, ",") != "poster" || own.Depth != 0 {
		t.Errorf("poster's link = %+v", own)
	}
	// A chain never repeats a member and stops at 10 hops.
	via := linkA.Token
	for i := 2; i <= 10; i++ {
		r, status := share(t, api, "m"+string(rune('a'+i)), p.ID, via)
		if status != 201 || r.Depth != i {
			t.Fatalf("hop %d = %d %+v", i, status, r)
		}
		seen := map[string]bool{}
		for _, m := range r.Chain {
			if seen[m] {
				t.Errorf("chain repeats %s: %v", m, r.Chain)
			}
			seen[m] = true
		}
		via = r.Token
	}
	_, status = share(t, api, "eleventh", p.ID, via)
	if status != 409 {
		t.Errorf("11th hop = %d, want 409", status)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + other.ID + "/referrals", Member: "b",
		Body: `{"via":"` + linkA.Token + `"}`}), 422, "body.via")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/referrals", Member: "b",
		Body: `{"via":"not-a-token"}`}), 422, "body.via")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + other.ID + "/interest", Member: "c",
		Body: `{"referral_token":"` + linkA.Token + `"}`}), 422, "body.referral_token")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/referrals", Member: "b",
		Body: `{"viaa":"x"}`}), 422, "body.viaa")

	// Only the referrer and the poster see a link's stats.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/referrals/" + linkA.Token, Member: "b"}), 404, "")
	_, status = landing(t, api, "AAAAAAAAAAAAAAAAAAAAAAAA")
	if status != 404 {
		t.Errorf("unknown token = %d", status)
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/unknown", Headers: map[string]string{"Accept": "text/html"}})
	if res.Status != 404 || !strings.Contains(res.Headers.Get("Content-Type"), "text/html") || !strings.Contains(res.Body, "does not lead anywhere") {
		t.Errorf("unknown token in a browser = %d %s", res.Status, res.Headers.Get("Content-Type"))
	}
}

func TestClosedAndExpiredPostingsRefuseLinksAndInterest(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	closed := createPosting(t, api, "poster", nil)
	link, _ := share(t, api, "a", closed.ID, "")
	api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + closed.ID + "/close", Member: "poster", Body: `{"reason":"filled"}`})
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + closed.ID + "/referrals", Member: "b", Body: `{}`}), 409, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + closed.ID + "/interest", Member: "b", Body: `{}`}), 409, "")
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token, Headers: map[string]string{"Accept": "text/html"}})
	if res.Status != 410 || !strings.Contains(res.Body, "filled") {
		t.Errorf("landing of a filled lead = %d", res.Status)
	}

	soon := time.Now().UTC().Add(1200 * time.Millisecond).Format(time.RFC3339Nano)
	expiring := createPosting(t, api, "poster", map[string]any{"valid_through": soon})
	time.Sleep(1500 * time.Millisecond)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + expiring.ID + "/referrals", Member: "b", Body: `{}`}), 410, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + expiring.ID + "/interest", Member: "b", Body: `{}`}), 410, "")
}

func TestLandingPageHTML(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfile(t, api, "a", "Dana <Ortiz>")
	p := createPosting(t, api, "poster", map[string]any{"title": "Informal UX internship", "kind": "informal_internship",
		"compensation": "unpaid", "pay": nil, "hours_per_week": 8})
	link, _ := share(t, api, "a", p.ID, "")
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token,
		Headers: map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}})
	if res.Status != 200 || !strings.HasPrefix(res.Headers.Get("Content-Type"), "text/html") {
		t.Fatalf("landing = %d %s", res.Status, res.Headers.Get("Content-Type"))
	}
	for _, want := range []string{"<title>Informal UX internship · Warmlead</title>", `property="og:title"`,
		"Shared with you by <strong>Dana &lt;Ortiz&gt;</strong>", "Informal internship", "8 h a week", link.Token, `lang="en"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(res.Body, "<Ortiz>") {
		t.Error("a member's name is not escaped")
	}
}

// Sharing again after taking a link back gives a new link that works; the
// old one stays "no longer shared" (docs/rules.md, "Referral chains").
func TestSharingAgainAfterRevokingMakesANewLink(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	first, status := share(t, api, "sam", p.ID, "")
	if status != 201 {
		t.Fatalf("share = %d", status)
	}
	wantStatus(t, "revoke", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/referrals/" + first.Token, Member: "sam"}), 204)
	again, status := share(t, api, "sam", p.ID, "")
	if status != 201 || again.Token == first.Token {
		t.Fatalf("sharing again = %d %+v, want a new link", status, again)
	}
	if _, s := landing(t, api, again.Token); s != 200 {
		t.Errorf("the new link opens with %d", s)
	}
	if _, s := landing(t, api, first.Token); s != 410 {
		t.Errorf("the revoked link opens with %d, want 410", s)
	}
	if same, status := share(t, api, "sam", p.ID, ""); status != 200 || same.Token != again.Token {
		t.Errorf("a third share = %d %+v, want the new link back", status, same)
	}
}
