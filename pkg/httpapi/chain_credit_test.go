package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
)

// interest expresses member's interest in posting with a JSON body.
func interest(t *testing.T, api *apigwtest.Client, member, postingID, body string) apigwtest.Response {
	t.Helper()
	return api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + postingID + "/interest", Member: member, Body: body})
}

// Issue 9, item 7: interest through one's own link (or one shared onward
// from it) credits everyone on the chain but oneself; the poster cannot
// express interest in their own posting; share_with_chain is stored.
func TestInterestCreditsEveryoneButTheInterestedMember(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	posterLink, _ := share(t, api, "poster", p.ID, "")
	linkA, _ := share(t, api, "a", p.ID, posterLink.Token)
	linkB, _ := share(t, api, "b", p.ID, linkA.Token)

	// A comes back through B's link: B and the poster's link are credited, A's is not.
	res := interest(t, api, "a", p.ID, `{"referral_token":"`+linkB.Token+`"}`)
	if res.Status != 201 {
		t.Fatalf("A's interest = %d %s", res.Status, res.Body)
	}
	if got := stats(t, api, "a", linkA.Token).Interests; got != 0 {
		t.Errorf("A's own link credits A: %d interests", got)
	}
	if got := stats(t, api, "b", linkB.Token).Interests; got != 1 {
		t.Errorf("B's link = %d interests, want 1", got)
	}
	if got := stats(t, api, "poster", posterLink.Token).Interests; got != 1 {
		t.Errorf("the poster's link = %d interests, want 1", got)
	}
	// B through B's own link: nobody credits B.
	if res := interest(t, api, "b", p.ID, `{"referral_token":"`+linkB.Token+`","share_with_chain":true}`); res.Status != 201 ||
		!strings.Contains(res.Body, `"share_with_chain":true`) {
		t.Fatalf("B's interest = %d %s", res.Status, res.Body)
	}
	if got := stats(t, api, "b", linkB.Token).Interests; got != 1 {
		t.Errorf("B's own interest raised B's link to %d", got)
	}
	if got := stats(t, api, "a", linkA.Token).Interests; got != 1 {
		t.Errorf("A's link = %d after B's interest, want 1", got)
	}
	// The poster cannot express interest in their own posting.
	wantProblem(t, interest(t, api, "poster", p.ID, `{}`), 409, "")
	wantProblem(t, interest(t, api, "poster", p.ID, `{"referral_token":"`+linkB.Token+`"}`), 409, "")
}

// Issue 9, item 11: a repeated interest returns the first (200) with its
// message updated; an expired posting reads "expired" wherever it is returned.
func TestRepeatedInterestUpdatesItsMessage(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	if res := interest(t, api, "c", p.ID, `{"message":"First."}`); res.Status != 201 {
		t.Fatalf("interest = %d %s", res.Status, res.Body)
	}
	again := interest(t, api, "c", p.ID, `{"message":"Second thoughts."}`)
	if again.Status != 200 || !strings.Contains(again.Body, "Second thoughts.") {
		t.Errorf("repeat = %d %s, want 200 with the new message", again.Status, again.Body)
	}
	list := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID + "/interest", Member: "poster"})
	if !strings.Contains(list.Body, "Second thoughts.") || strings.Contains(list.Body, "First.") {
		t.Errorf("the poster reads %s", list.Body)
	}
}

func TestExpiredPostingReadsExpired(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	soon := time.Now().UTC().Add(1200 * time.Millisecond).Format(time.RFC3339Nano)
	p := createPosting(t, api, "poster", map[string]any{"valid_through": soon})
	if p.Status != "open" {
		t.Fatalf("new lead reads %q", p.Status)
	}
	if res := interest(t, api, "c", p.ID, `{}`); res.Status != 201 {
		t.Fatalf("interest = %d %s", res.Status, res.Body)
	}
	time.Sleep(1500 * time.Millisecond)
	var got postingResp
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID, Member: "poster"}).JSON(t, &got)
	if got.Status != "expired" {
		t.Errorf("GET /postings/{id} status = %q, want expired", got.Status)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/public/postings/" + p.ID}).JSON(t, &got)
	if got.Status != "expired" {
		t.Errorf("GET /public/postings/{id} status = %q, want expired", got.Status)
	}
	var mine struct{ Items []postingResp }
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/postings", Member: "poster"}).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Status != "expired" {
		t.Errorf("GET /me/postings = %+v", mine.Items)
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/interests", Member: "c"})
	if !strings.Contains(res.Body, `"posting_status":"expired"`) {
		t.Errorf("GET /me/interests = %s", res.Body)
	}
}

type myInterestsResp struct {
	Items []struct {
		PostingID     string `json:"posting_id"`
		PostingTitle  string `json:"posting_title"`
		PostingStatus string `json:"posting_status"`
		Message       string `json:"message"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// Issue 9, item 12: GET /me/interests and DELETE /postings/{id}/interest.
func TestMyInterestsAndWithdrawal(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	first := createPosting(t, api, "poster", map[string]any{"title": "First lead"})
	second := createPosting(t, api, "poster", map[string]any{"title": "Second lead"})
	linkA, _ := share(t, api, "a", first.ID, "")
	linkB, _ := share(t, api, "b", first.ID, linkA.Token)
	interest(t, api, "c", first.ID, `{"message":"one","referral_token":"`+linkB.Token+`"}`)
	interest(t, api, "c", second.ID, `{"message":"two"}`)
	api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + second.ID + "/close", Member: "poster", Body: `{"reason":"filled"}`})

	var pg myInterestsResp
	env.Calls.Reset()
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/interests?limit=1", Member: "c"}).JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].PostingTitle != "Second lead" || pg.Items[0].PostingStatus != "filled" || pg.NextCursor == nil {
		t.Fatalf("first page = %+v", pg)
	}
	if n := env.Calls.Total(); n != 2 {
		t.Errorf("GET /me/interests made %s, want a Query and a BatchGetItem", env.Calls)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/interests?limit=1&cursor=" + *pg.NextCursor, Member: "c"}).JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].PostingTitle != "First lead" || pg.Items[0].PostingStatus != "open" || pg.NextCursor != nil {
		t.Fatalf("second page = %+v", pg)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/interests", Member: "a"}).JSON(t, &pg)
	if len(pg.Items) != 0 {
		t.Errorf("a's interests = %+v", pg.Items)
	}

	// Withdrawing takes the credits back on every link, and is idempotent.
	for i := 0; i < 2; i++ {
		res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/postings/" + first.ID + "/interest", Member: "c"})
		if res.Status != 204 {
			t.Fatalf("withdraw #%d = %d %s", i+1, res.Status, res.Body)
		}
	}
	if a, b := stats(t, api, "a", linkA.Token), stats(t, api, "b", linkB.Token); a.Interests != 0 || b.Interests != 0 {
		t.Errorf("after withdrawal: A %d, B %d interests, want 0, 0", a.Interests, b.Interests)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/interests", Member: "c"}).JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].PostingID != second.ID {
		t.Errorf("after withdrawal: %+v", pg.Items)
	}
	list := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + first.ID + "/interest", Member: "poster"})
	if strings.Contains(list.Body, `"member_id":"c"`) {
		t.Errorf("the poster still sees the withdrawn interest: %s", list.Body)
	}
	// Expressed again, it counts again.
	if res := interest(t, api, "c", first.ID, `{"referral_token":"`+linkB.Token+`"}`); res.Status != 201 {
		t.Fatalf("interest again = %d %s", res.Status, res.Body)
	}
	if a := stats(t, api, "a", linkA.Token); a.Interests != 1 {
		t.Errorf("A's link = %d interests, want 1", a.Interests)
	}
	if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/postings/nosuchposting/interest", Member: "c"}); res.Status != 204 {
		t.Errorf("withdrawing from an unknown lead = %d", res.Status)
	}
}

// Issue 9, item 12: DELETE /referrals/{token}.
func TestRevokedLinkCreditsNobodyAndChildrenKeepWorking(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	linkA, _ := share(t, api, "a", p.ID, "")
	linkB, _ := share(t, api, "b", p.ID, linkA.Token)

	// Only its referrer revokes it (the poster and strangers are told it does not exist).
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/referrals/" + linkA.Token, Member: "poster"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/referrals/" + linkA.Token, Member: "b"}), 404, "")
	for i := 0; i < 2; i++ {
		if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/referrals/" + linkA.Token, Member: "a"}); res.Status != 204 {
			t.Fatalf("revoke #%d = %d %s", i+1, res.Status, res.Body)
		}
	}
	// It opens as no longer shared: 410 for JSON, a kind page for a browser.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + linkA.Token, Headers: map[string]string{"Accept": "application/json"}}), 410, "")
	page := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + linkA.Token, Headers: map[string]string{"Accept": "text/html"}})
	if page.Status != 410 || !strings.HasPrefix(page.Headers.Get("Content-Type"), "text/html") || !strings.Contains(page.Body, "no longer shared") {
		t.Errorf("revoked link in a browser = %d %s", page.Status, page.Headers.Get("Content-Type"))
	}
	// The link shared onward keeps working and keeps crediting the rest of the chain.
	if _, status := landing(t, api, linkB.Token); status != 200 {
		t.Errorf("B's link after A revoked = %d", status)
	}
	if res := interest(t, api, "c", p.ID, `{"referral_token":"`+linkB.Token+`"}`); res.Status != 201 {
		t.Fatalf("interest through B = %d %s", res.Status, res.Body)
	}
	if b := stats(t, api, "b", linkB.Token); b.Interests != 1 {
		t.Errorf("B's link = %d interests, want 1", b.Interests)
	}
	// Interest through the revoked link itself credits nobody.
	if res := interest(t, api, "d", p.ID, `{"referral_token":"`+linkA.Token+`"}`); res.Status != 201 {
		t.Fatalf("interest through the revoked link = %d %s", res.Status, res.Body)
	}
	if a := stats(t, api, "a", linkA.Token); a.Interests != 0 {
		t.Errorf("the revoked link = %d interests, want 0", a.Interests)
	}
	// Its referrer's list says it is revoked; the links still shared do not.
	var mine struct {
		Items []struct {
			Token   string `json:"token"`
			Revoked *bool  `json:"revoked"`
		} `json:"items"`
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/referrals", Member: "a"}).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Revoked == nil || !*mine.Items[0].Revoked {
		t.Errorf("A's links after revoking = %+v, want the one link marked revoked", mine.Items)
	}
	mine.Items = nil
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/referrals", Member: "b"}).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Revoked == nil || *mine.Items[0].Revoked {
		t.Errorf("B's links = %+v, want the one link, not revoked", mine.Items)
	}
	// Nobody shares onward from it any more.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/referrals", Member: "e",
		Body: `{"via":"` + linkA.Token + `"}`}), 410, "body.via")
}

// Issue 9, item 10: a declined or withdrawn request cannot be sent again
// for 30 days (409 naming the date).
func TestConnectionRequestCooldown(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	for _, m := range []string{"ann", "ben", "cat"} {
		putProfile(t, api, m, "Name "+m)
	}
	ask := func(from, to string) apigwtest.Response {
		return api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: from, Body: `{"member_id":"` + to + `"}`})
	}
	var c struct{ ID string }
	res := ask("ann", "ben")
	res.JSON(t, &c)
	// Ben declines; Ann asks again at once.
	if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/connections/" + c.ID, Member: "ben"}); res.Status != 204 {
		t.Fatalf("decline = %d %s", res.Status, res.Body)
	}
	date := time.Now().UTC().Add(30 * 24 * time.Hour).Format("2006-01-02")
	p := wantProblem(t, ask("ann", "ben"), 409, "body.member_id")
	if !strings.Contains(problemText(p), date) {
		t.Errorf("the refusal does not name %s: %+v", date, p)
	}
	// Ann withdraws her request to Cat; she cannot ask again either.
	ask("ann", "cat").JSON(t, &c)
	if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/connections/" + c.ID, Member: "ann"}); res.Status != 204 {
		t.Fatalf("withdraw = %d %s", res.Status, res.Body)
	}
	wantProblem(t, ask("ann", "cat"), 409, "body.member_id")
	// Cat may still ask Ann.
	if res := ask("cat", "ann"); res.Status != 201 {
		t.Errorf("the other way round = %d %s", res.Status, res.Body)
	}
}

func problemText(p problemBody) string {
	s := p.Detail
	for _, e := range p.Errors {
		s += " " + e.Message
	}
	return s
}

// Issue 9, item 10: clicks are distinct visitors a day; HEAD and
// link-preview fetchers never count; the landing page stays at 2 calls.
func TestClicksCountDistinctVisitors(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	p := createPosting(t, api, "poster", nil)
	link, _ := share(t, api, "a", p.ID, "")
	open := func(method, member, ua string) apigwtest.Response {
		t.Helper()
		env.Calls.Reset()
		res := api.Do(t, apigwtest.Request{Method: method, Path: "/r/" + link.Token, Member: member,
			Headers: map[string]string{"Accept": "application/json", "User-Agent": ua}})
		if res.Status != 200 {
			t.Fatalf("%s /r as %q %q = %d %s", method, member, ua, res.Status, res.Body)
		}
		if n := env.Calls.Total(); n > 2 {
			t.Errorf("landing made %s, want at most 2 calls", env.Calls)
		}
		return res
	}
	browser := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
	open("GET", "", browser)
	open("GET", "", browser) // the same visitor again today
	open("HEAD", "", "curl/8.5.0")
	for _, bot := range []string{
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Twitterbot/1.0", "WhatsApp/2.23.20.0", "TelegramBot (like TwitterBot)",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)",
		"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
		"Mozilla/5.0 (compatible; Google-InspectionTool/1.0)",
	} {
		open("GET", "", bot)
	}
	if got := stats(t, api, "a", link.Token).Clicks; got != 1 {
		t.Errorf("clicks = %d after one visitor, a HEAD and previews; want 1", got)
	}
	open("GET", "", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1") // another visitor
	open("GET", "bob", browser)                                                            // a signed-in member
	open("GET", "bob", "Mozilla/5.0 (Android 14) Firefox/125.0")                           // the same member on another device
	if got := stats(t, api, "a", link.Token).Clicks; got != 3 {
		t.Errorf("clicks = %d, want 3 distinct visitors", got)
	}
}

// A revoked link no longer opens a network posting to someone who could
// not otherwise see it: interest through it is 410 (no longer shared);
// through a live link, the same stranger is let in.
func TestRevokedLinkNoLongerLetsAStrangerIn(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	p := createPosting(t, api, "poster", map[string]any{"visibility": "network"})
	old, _ := share(t, api, "poster", p.ID, "")
	if res := api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/referrals/" + old.Token, Member: "poster"}); res.Status != 204 {
		t.Fatalf("revoke = %d %s", res.Status, res.Body)
	}
	res := interest(t, api, "stranger", p.ID, `{"referral_token":"`+old.Token+`"}`)
	wantProblem(t, res, 410, "body.referral_token")
	live, _ := share(t, api, "poster", p.ID, "")
	if res := interest(t, api, "stranger", p.ID, `{"referral_token":"`+live.Token+`"}`); res.Status != 201 {
		t.Errorf("interest through a live link = %d %s", res.Status, res.Body)
	}
}
