package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
)

type offerResp struct {
	MemberID           string   `json:"member_id"`
	Name               string   `json:"name"`
	Topics             []string `json:"topics"`
	Formats            []string `json:"formats"`
	MonthlyCapacity    int      `json:"monthly_capacity"`
	Status             string   `json:"status"`
	RemainingThisMonth int      `json:"remaining_this_month"`
}

type offerPage struct {
	Items      []offerResp `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

type adviceResp struct {
	ID            string   `json:"id"`
	RequesterID   string   `json:"requester_id"`
	RequesterName string   `json:"requester_name"`
	AdvisorID     string   `json:"advisor_id"`
	AdvisorName   string   `json:"advisor_name"`
	Questions     []string `json:"questions"`
	Status        string   `json:"status"`
	Message       string   `json:"message"`
	ProposedTimes []string `json:"proposed_times"`
	HeldOn        string   `json:"held_on"`
	HeldAt        *string  `json:"held_at"`
	ThankMessage  string   `json:"thank_message"`
}

type introResp struct {
	ID         string `json:"id"`
	TargetID   string `json:"target_id"`
	TargetName string `json:"target_name"`
	Status     string `json:"status"`
	DeclinedBy string `json:"declined_by"`
}

func putOfferVia(t *testing.T, api *apigwtest.Client, member, body string) offerResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/offer", Member: member, Body: body})
	if res.Status != 200 && res.Status != 201 {
		t.Fatalf("PUT /me/offer as %s = %d %s", member, res.Status, res.Body)
	}
	var o offerResp
	res.JSON(t, &o)
	return o
}

const veraOffer = `{"topics":["veterinary medicine","small animals"],"formats":["video","coffee"],"monthly_capacity":2,"status":"open","note":"Vet school, clinic life."}`

// people sets up: vera (advisor) in an alumni association with dana;
// bob connected to vera; dev a stranger.
func people(t *testing.T) (*apigwtest.Client, *testenv.Env, string) {
	api, env := newAPI(t)
	putProfilesVia(t, api, "vera", "dana", "bob", "dev", "tom")
	org := createOrgVia(t, api, "vera")
	joinOrgVia(t, api, "vera", org.ID, "dana", "")
	connectVia(t, api, "bob", "vera", true)
	return api, env, org.ID
}

func TestOffersVisibleToConnectionsAndFellowMembersOnly(t *testing.T) {
	t.Parallel()
	api, env, orgID := people(t)
	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/offer", Member: "vera", Body: veraOffer})
	wantStatus(t, "vera offers", res, 201)
	if n := env.Calls.String(); n != "BatchGetItem=1 Query=1 TransactWriteItems=1" {
		t.Errorf("PUT /me/offer made %s", n)
	}
	var o offerResp
	res.JSON(t, &o)
	if o.MemberID != "vera" || o.Name != "vera" || o.RemainingThisMonth != 2 || len(o.Topics) != 2 {
		t.Errorf("offer = %+v", o)
	}
	wantStatus(t, "vera offers again", api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/offer", Member: "vera", Body: veraOffer}), 200)

	for _, who := range []string{"vera", "dana", "bob"} {
		env.Calls.Reset()
		wantStatus(t, who+" reads vera's offer", api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/vera/offer", Member: who}), 200)
		if env.Calls.Total() > 3 {
			t.Errorf("GET offer as %s made %s", who, env.Calls)
		}
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/vera/offer", Member: "dev"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/dana/offer", Member: "vera"}), 404, "")

	list := func(who, query string) offerPage {
		t.Helper()
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/offers" + query, Member: who})
		wantStatus(t, "GET /offers"+query+" as "+who, res, 200)
		var p offerPage
		res.JSON(t, &p)
		return p
	}
	for _, who := range []string{"dana", "bob"} {
		env.Calls.Reset()
		if p := list(who, ""); len(p.Items) != 1 || p.Items[0].MemberID != "vera" || p.Items[0].RemainingThisMonth != 2 {
			t.Errorf("%s's offers = %+v", who, p.Items)
		}
		t.Logf("GET /offers as %s: %s", who, env.Calls)
	}
	if p := list("dev", ""); len(p.Items) != 0 {
		t.Errorf("a stranger sees %+v", p.Items)
	}
	for q, n := range map[string]int{"?q=VETERINARY": 1, "?q=small+anim": 1, "?q=dentist": 0, "?topic=Small+Animals": 1,
		"?topic=small": 0, "?format=coffee": 1, "?format=phone": 0, "?org_id=" + orgID: 1} {
		if p := list("dana", q); len(p.Items) != n {
			t.Errorf("dana /offers%s = %d items, want %d", q, len(p.Items), n)
		}
	}
	// bob is vera's connection, not a member of her organisation.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/offers?org_id=" + orgID, Member: "bob"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/offers?format=fax", Member: "bob"}), 422, "query.format")

	// Paused offers leave the list; deleted ones disappear.
	putOfferVia(t, api, "vera", strings.Replace(veraOffer, `"open"`, `"paused"`, 1))
	if p := list("dana", ""); len(p.Items) != 0 {
		t.Errorf("a paused offer is listed: %+v", p.Items)
	}
	wantStatus(t, "delete offer", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me/offer", Member: "vera"}), 204)
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/vera/offer", Member: "dana"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me/offer", Member: "vera"}), 404, "")
}

func TestOfferBadInputNamesTheField(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "vera")
	env.Calls.Reset()
	for body, loc := range map[string]string{
		`{"topics":[],"formats":["video"],"monthly_capacity":2,"status":"open"}`:             "body.topics",
		`{"topics":["a"],"formats":["fax"],"monthly_capacity":2,"status":"open"}`:            "body.formats[0]",
		`{"topics":["a"],"formats":["video"],"monthly_capacity":21,"status":"open"}`:         "body.monthly_capacity",
		`{"topics":["a"],"formats":["video"],"monthly_capacity":0,"status":"open"}`:          "body.monthly_capacity",
		`{"topics":["a"],"formats":["video"],"monthly_capacity":2,"status":"closed"}`:        "body.status",
		`{"topics":["a","A"],"formats":["video"],"monthly_capacity":2,"status":"open"}`:      "body.topics[1]",
		`{"topics":["a\u202e"],"formats":["video"],"monthly_capacity":2,"status":"open"}`:    "body.topics[0]",
		`{"topics":["a"],"formats":["video"],"monthly_capacity":2,"status":"open","x":1}`:    "body.x",
		`{"topics":["a"],"formats":["video"],"monthly_capacity":2,"status":"open","note":3}`: "body.note",
	} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/offer", Member: "vera", Body: body}), 422, loc)
	}
	if env.Calls.Total() != 0 {
		t.Errorf("bad offers reached the table: %s", env.Calls)
	}
}

func requestAdviceVia(t *testing.T, api *apigwtest.Client, from, to string) adviceResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: from,
		Body: `{"advisor_id":"` + to + `","pitch":"I study biology.\nI'd love to hear about vet work.","questions":["How did you start?","What surprised you?"],"format":"coffee"}`})
	wantStatus(t, from+" asks "+to, res, 201)
	var r adviceResp
	res.JSON(t, &r)
	return r
}

func TestAdviceRequestLifecycle(t *testing.T) {
	t.Parallel()
	api, env, _ := people(t)
	putOfferVia(t, api, "vera", veraOffer)

	env.Calls.Reset()
	r := requestAdviceVia(t, api, "dana", "vera")
	t.Logf("POST /advice-requests (org-mates): %s", env.Calls)
	if r.Status != "requested" || r.RequesterName != "dana" || r.AdvisorName != "vera" || len(r.Questions) != 2 {
		t.Errorf("request = %+v", r)
	}
	// One open request per pair; strangers and the wrong format are refused.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: "dana",
		Body: `{"advisor_id":"vera","pitch":"again","format":"video"}`}), 409, "body.advisor_id")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: "dev",
		Body: `{"advisor_id":"vera","pitch":"hi","format":"video"}`}), 404, "body.advisor_id")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: "bob",
		Body: `{"advisor_id":"vera","pitch":"hi","format":"phone"}`}), 422, "body.format")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: "bob",
		Body: `{"advisor_id":"vera","pitch":"` + strings.Repeat("p", 2001) + `","format":"video"}`}), 422, "body.pitch")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: "bob",
		Body: `{"advisor_id":"vera","pitch":"p","format":"video","questions":["1","2","3","4","5","6","7","8","9","10","11","12","13"]}`}), 422, "body.questions")

	// Nobody else reads or moves it; each side only its own steps.
	base := "/advice-requests/" + r.ID
	for _, who := range []string{"dev", "bob"} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: base, Member: who}), 404, "")
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/accept", Member: who}), 404, "")
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/accept", Member: "dana"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/withdraw", Member: "vera"}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/held", Member: "dana", Body: `{"held_on":"2026-01-01"}`}), 409, "")

	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/accept", Member: "vera",
		Body: `{"message":"Happy to!","proposed_times":["2026-12-03T17:00:00+01:00"]}`})
	wantStatus(t, "vera accepts", res, 200)
	if n := env.Calls.String(); n != "GetItem=3 TransactWriteItems=1" {
		t.Errorf("accept made %s", n)
	}
	res.JSON(t, &r)
	if r.Status != "accepted" || r.Message != "Happy to!" || len(r.ProposedTimes) != 1 || r.ProposedTimes[0] != "2026-12-03T16:00:00Z" {
		t.Errorf("accepted = %+v", r)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/vera/offer", Member: "dana"})
	var o offerResp
	res.JSON(t, &o)
	if o.RemainingThisMonth != 1 {
		t.Errorf("remaining after one accept = %d", o.RemainingThisMonth)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/held", Member: "vera", Body: `{"held_on":"2099-01-01"}`}), 422, "body.held_on")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/thank", Member: "dana", Body: `{"message":""}`}), 422, "body.message")

	today := time.Now().UTC().Format(time.DateOnly)
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/held", Member: "dana", Body: `{"held_on":"` + today + `"}`})
	wantStatus(t, "dana marks held", res, 200)
	res.JSON(t, &r)
	if r.Status != "held" || r.HeldOn != today || r.HeldAt == nil {
		t.Errorf("held = %+v", r)
	}
	// Held connected them.
	if page := listConnectionsVia(t, api, "dana", ""); len(page.Items) != 1 || page.Items[0].MetVia != "informational interview" {
		t.Errorf("dana's connections after held = %+v", page.Items)
	}
	// The pair may ask again once the conversation was held.
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/thank", Member: "dana", Body: `{"message":"Thank you, Vera!"}`})
	wantStatus(t, "dana thanks", res, 200)
	res.JSON(t, &r)
	if r.Status != "thanked" || r.ThankMessage != "Thank you, Vera!" {
		t.Errorf("thanked = %+v", r)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/thank", Member: "dana", Body: `{"message":"again"}`}), 409, "")

	// Lists: each side sees it on its own side only.
	for _, tc := range []struct {
		who, query string
		n          int
	}{
		{"vera", "?role=advisor", 1}, {"vera", "?role=requester", 0}, {"dana", "", 1}, {"dana", "?role=advisor", 0},
		{"vera", "?role=advisor&status=thanked", 1}, {"vera", "?role=advisor&status=requested", 0}, {"bob", "?role=advisor", 0},
	} {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/advice-requests" + tc.query, Member: tc.who})
		wantStatus(t, "list", res, 200)
		var p struct{ Items []adviceResp }
		res.JSON(t, &p)
		if len(p.Items) != tc.n {
			t.Errorf("%s /me/advice-requests%s = %d items, want %d", tc.who, tc.query, len(p.Items), tc.n)
		}
	}

	// A declined or withdrawn request frees the pair.
	r2 := requestAdviceVia(t, api, "dana", "vera")
	wantStatus(t, "dana withdraws", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r2.ID + "/withdraw", Member: "dana"}), 200)
	r3 := requestAdviceVia(t, api, "dana", "vera")
	wantStatus(t, "vera declines", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r3.ID + "/decline", Member: "vera", Body: `{"message":"Busy this month"}`}), 200)
	requestAdviceVia(t, api, "dana", "vera")
}

// Twenty requests accepted at once by the advisor, through the real adapter
// and DynamoDB Local: never more than the offer's monthly capacity.
func TestAdviceCapacityHoldsUnderConcurrentAccepts(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	const n, capacity = 20, 3
	ids := []string{"vera"}
	for i := range n {
		ids = append(ids, fmt.Sprintf("r%02d", i))
	}
	putProfilesVia(t, api, ids...)
	org := createOrgVia(t, api, "vera")
	putOfferVia(t, api, "vera", `{"topics":["vet"],"formats":["video"],"monthly_capacity":3,"status":"open"}`)
	var reqs []string
	for _, id := range ids[1:] {
		joinOrgVia(t, api, "vera", org.ID, id, "")
		res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests", Member: id, Body: `{"advisor_id":"vera","pitch":"hi","format":"video"}`})
		wantStatus(t, id+" asks", res, 201)
		var r adviceResp
		res.JSON(t, &r)
		reqs = append(reqs, r.ID)
	}
	env.Calls.Reset()
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := api.Invoke(context.Background(), apigwtest.Event(apigwtest.Request{Method: "POST", Path: "/advice-requests/" + id + "/accept", Member: "vera"}))
			if err != nil {
				t.Error(err)
			}
			statuses[i] = res.Status
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	t.Logf("20 concurrent accepts: statuses %v, calls %s", count, env.Calls)
	if count[200] != capacity || count[409] != n-capacity {
		t.Errorf("statuses = %v, want %d accepted and %d refused (409)", count, capacity, n-capacity)
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/advice-requests?role=advisor&status=accepted", Member: "vera"})
	var p struct{ Items []adviceResp }
	res.JSON(t, &p)
	if len(p.Items) != capacity {
		t.Errorf("%d accepted requests stored, capacity %d", len(p.Items), capacity)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/vera/offer", Member: "vera"})
	var o offerResp
	res.JSON(t, &o)
	if o.RemainingThisMonth != 0 {
		t.Errorf("remaining = %d", o.RemainingThisMonth)
	}
}

func TestWarmIntroduction(t *testing.T) {
	t.Parallel()
	api, env, _ := people(t)
	// dana -> bob? dana is connected to vera through nothing yet: connect.
	connectVia(t, api, "dana", "vera", true)
	connectVia(t, api, "vera", "tom", true)

	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: "dana",
		Body: `{"introducer_id":"bob","goal":"UX research"}`}), 404, "body.introducer_id")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: "dana",
		Body: `{"introducer_id":"vera","goal":"` + strings.Repeat("g", 501) + `"}`}), 422, "body.goal")
	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: "dana",
		Body: `{"introducer_id":"vera","goal":"Learn how clinics hire vet nurses","field":"veterinary"}`})
	wantStatus(t, "dana asks vera for an introduction", res, 201)
	if n := env.Calls.String(); n != "BatchGetItem=1 TransactWriteItems=1" {
		t.Errorf("request introduction made %s", n)
	}
	var in introResp
	res.JSON(t, &in)
	base := "/introductions/" + in.ID

	// Only the introducer forwards, and only to their own connections.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/forward", Member: "dana", Body: `{"target_id":"tom"}`}), 403, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/forward", Member: "vera", Body: `{"target_id":"dev"}`}), 404, "body.target_id")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: base, Member: "tom"}), 404, "")
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/forward", Member: "vera", Body: `{"target_id":"tom","note":"Tom runs a clinic."}`})
	wantStatus(t, "vera forwards", res, 200)
	// The requester does not learn whom it went to.
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: base, Member: "dana"})
	res.JSON(t, &in)
	if in.Status != "forwarded" || in.TargetID != "" || strings.Contains(res.Body, "tom") {
		t.Errorf("dana sees %s", res.Body)
	}
	for _, who := range []string{"dev", "bob"} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: base, Member: who}), 404, "")
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/introductions?role=target", Member: "tom"})
	var tp struct{ Items []introResp }
	res.JSON(t, &tp)
	if len(tp.Items) != 1 || tp.Items[0].ID != in.ID {
		t.Errorf("tom's introductions = %s", res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/accept", Member: "vera"}), 403, "")
	res = api.Do(t, apigwtest.Request{Method: "POST", Path: base + "/accept", Member: "tom"})
	wantStatus(t, "tom accepts", res, 200)
	page := listConnectionsVia(t, api, "dana", "")
	found := false
	for _, c := range page.Items {
		found = found || (c.RequesterID == "dana" && c.RecipientID == "tom" || c.RecipientID == "dana" && c.RequesterID == "tom") && c.MetVia == "introduced by vera"
	}
	if !found {
		t.Errorf("dana and tom not connected through vera: %+v", page.Items)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: base, Member: "dana"})
	res.JSON(t, &in)
	if in.Status != "introduced" || in.TargetID != "tom" {
		t.Errorf("after accept dana sees %+v", in)
	}
}

// Every step reaches the other side through the stream-fed notifier, with a
// summary naming the person.
func TestPeopleNotificationsArriveThroughTheStream(t *testing.T) {
	t.Parallel()
	api, env, _ := people(t)
	putOfferVia(t, api, "vera", veraOffer)
	r := requestAdviceVia(t, api, "dana", "vera")
	wantStatus(t, "accept", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/accept", Member: "vera"}), 200)
	wantStatus(t, "held", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/held", Member: "vera",
		Body: `{"held_on":"` + time.Now().UTC().Format(time.DateOnly) + `"}`}), 200)
	wantStatus(t, "thank", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/thank", Member: "dana", Body: `{"message":"Thanks a lot"}`}), 200)
	connectVia(t, api, "vera", "tom", true)
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: "dana", Body: `{"introducer_id":"vera","goal":"Meet a clinic owner"}`})
	var in introResp
	res.JSON(t, &in)
	wantStatus(t, "forward", api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + in.ID + "/forward", Member: "vera", Body: `{"target_id":"tom"}`}), 200)
	wantStatus(t, "accept", api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + in.ID + "/accept", Member: "tom"}), 200)

	store := env.Store(t)
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN, h.Handle, streampump.Options{Filter: pumptest.Filter(t, "NotifierFunction"), PollInterval: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pump.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	summaries := func(who string) string {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications?limit=100", Member: who})
		var p struct {
			Items []struct{ Type, Summary string }
		}
		res.JSON(t, &p)
		var b strings.Builder
		for _, n := range p.Items {
			b.WriteString(n.Type + ": " + n.Summary + "\n")
		}
		return b.String()
	}
	vera, dana, tom := summaries("vera"), summaries("dana"), summaries("tom")
	for who, want := range map[string][]string{
		vera: {"advice_request: dana asks you for an informational interview (coffee)", "advice_thanks: dana thanked you for the conversation: Thanks a lot",
			"introduction_request: dana asks you for an introduction: Meet a clinic owner", "introduction: tom accepted your introduction of dana"},
		dana: {"advice_accepted: vera accepted your request", "introduction: vera introduced you to tom; you are now connected"},
		tom:  {"introduction: vera would like to introduce you to dana: Meet a clinic owner"},
	} {
		for _, w := range want {
			if !strings.Contains(who, w) {
				t.Errorf("inbox lacks %q:\n%s", w, who)
			}
		}
	}
	t.Logf("vera:\n%sdana:\n%stom:\n%s", vera, dana, tom)
}
