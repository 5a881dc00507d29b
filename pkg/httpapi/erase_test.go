package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/testenv"
)

// readVia GETs path as who and decodes the 200 it must answer.
func readVia[T any](t *testing.T, api *apigwtest.Client, who, path string) T {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: path, Member: who})
	wantStatus(t, who+" reads "+path, res, 200)
	var v T
	res.JSON(t, &v)
	return v
}

func getAdviceVia(t *testing.T, api *apigwtest.Client, who, id string) adviceResp {
	t.Helper()
	return readVia[adviceResp](t, api, who, "/advice-requests/"+id)
}

func getIntroVia(t *testing.T, api *apigwtest.Client, who, id string) introResp {
	t.Helper()
	return readVia[introResp](t, api, who, "/introductions/"+id)
}

func askIntroVia(t *testing.T, api *apigwtest.Client, from, introducer string) introResp {
	t.Helper()
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: from, Body: `{"introducer_id":"` + introducer + `","goal":"Meet a clinic owner"}`})
	wantStatus(t, from+" asks "+introducer+" for an introduction", res, 201)
	var in introResp
	res.JSON(t, &in)
	return in
}

// When nadia deletes her account, her open advice request to hugo is
// withdrawn and her introduction request to grace declined (by her, the
// requester): hugo cannot accept it (so no capacity is used) nor mark it
// held (so no connection with an empty side is written), and grace cannot
// forward it (docs/people.md, "Your data"). The other way round, an
// advisor or introducer who deletes declines what they were asked.
func TestDeleteMeClosesOpenAdviceRequestsAndIntroductions(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "nadia", "hugo", "grace", "tom", "ada", "bob")
	connectVia(t, api, "nadia", "hugo", true)
	connectVia(t, api, "nadia", "grace", true)
	connectVia(t, api, "grace", "tom", true)
	connectVia(t, api, "bob", "ada", true)
	putOfferVia(t, api, "hugo", veraOffer)
	putOfferVia(t, api, "ada", veraOffer)
	asked := requestAdviceVia(t, api, "nadia", "hugo")
	intro := askIntroVia(t, api, "nadia", "grace")
	toAda := requestAdviceVia(t, api, "bob", "ada")
	wantStatus(t, "ada accepts", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + toAda.ID + "/accept", Member: "ada"}), 200)
	viaAda := askIntroVia(t, api, "bob", "ada")

	wantStatus(t, "nadia deletes her account", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "nadia"}), 204)
	wantStatus(t, "ada deletes her account", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "ada"}), 204)

	r := getAdviceVia(t, api, "hugo", asked.ID)
	if r.Status != "withdrawn" || r.RequesterID != "" || r.RequesterName != "a former member" {
		t.Errorf("hugo sees nadia's request as %+v, want withdrawn by a former member", r)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	for _, step := range []struct{ path, body string }{{"accept", ""}, {"decline", ""}, {"held", `{"held_on":"` + today + `"}`}} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + asked.ID + "/" + step.path, Member: "hugo", Body: step.body}), 410, "path.id")
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/hugo/offer", Member: "hugo"})
	var o offerResp
	res.JSON(t, &o)
	if o.RemainingThisMonth != o.MonthlyCapacity {
		t.Errorf("hugo's capacity was used: %s", res.Body)
	}
	if in := getIntroVia(t, api, "grace", intro.ID); in.Status != "declined" || in.DeclinedBy != "requester" {
		t.Errorf("grace sees nadia's introduction as %+v, want declined by the requester", in)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + intro.ID + "/forward", Member: "grace", Body: `{"target_id":"tom"}`}), 410, "path.id")

	if r := getAdviceVia(t, api, "bob", toAda.ID); r.Status != "declined" || r.AdvisorID != "" || r.AdvisorName != "a former member" {
		t.Errorf("bob sees his accepted request to ada as %+v, want declined by a former member", r)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + toAda.ID + "/held", Member: "bob", Body: `{"held_on":"` + today + `"}`}), 410, "path.id")
	if in := getIntroVia(t, api, "bob", viaAda.ID); in.Status != "declined" {
		t.Errorf("bob sees his introduction via ada as %+v, want declined", in)
	}
}

// emptySide empties one side's id of a stored item, as a deletion before
// open requests were closed left it.
func emptySide(t *testing.T, env *testenv.Env, pk, sk, attr string) {
	t.Helper()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	if _, err := env.Client.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(env.Table), Key: map[string]types.AttributeValue{"PK": s(pk), "SK": s(sk)},
		UpdateExpression:          aws.String("SET #a = :e"),
		ExpressionAttributeNames:  map[string]string{"#a": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": s("")},
	}); err != nil {
		t.Fatal(err)
	}
}

// A request or introduction one side of which is empty (anonymised while
// still open, before deletions closed them) refuses every step with 410,
// naming it: an empty side never becomes a connection.
func TestStepsRefuseAnEmptySide(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "nadia", "hugo", "grace", "tom")
	connectVia(t, api, "nadia", "hugo", true)
	connectVia(t, api, "nadia", "grace", true)
	connectVia(t, api, "grace", "tom", true)
	putOfferVia(t, api, "hugo", veraOffer)
	r := requestAdviceVia(t, api, "nadia", "hugo")
	emptySide(t, env, "ADVICE#"+r.ID, "REQUEST", "RequesterID")
	for _, step := range []string{"accept", "decline"} {
		p := wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/" + step, Member: "hugo"}), 410, "path.id")
		if p.Detail == "" {
			t.Errorf("%s: the problem says nothing: %+v", step, p)
		}
	}
	in := askIntroVia(t, api, "nadia", "grace")
	wantStatus(t, "forward", api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + in.ID + "/forward", Member: "grace", Body: `{"target_id":"tom"}`}), 200)
	emptySide(t, env, "INTRO#"+in.ID, "INTRO", "RequesterID")
	for _, step := range []string{"accept", "decline"} {
		wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + in.ID + "/" + step, Member: "tom"}), 410, "path.id")
	}
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/connections", Member: "tom"})
	wantStatus(t, "tom's connections", res, 200)
	var page struct{ Items []map[string]any }
	res.JSON(t, &page)
	if len(page.Items) != 1 {
		t.Errorf("tom has %d connections, want grace only: %s", len(page.Items), res.Body)
	}
}

// Three members interested in one posting delete their accounts: the
// poster still sees three interests, each with an id of its own that stays
// the same from one read to the next (docs/people.md, "Your data").
func TestAnonymisedInterestsKeepUniqueIDs(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "vera", "ana", "ben", "cy")
	p := createPosting(t, api, "vera", nil)
	for _, m := range []string{"ana", "ben", "cy"} {
		wantStatus(t, m+" interested", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + p.ID + "/interest", Member: m, Body: `{}`}), 201)
	}
	for _, m := range []string{"ana", "ben", "cy"} {
		wantStatus(t, m+" deletes", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: m}), 204)
	}
	ids := func() []string {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + p.ID + "/interest?limit=100", Member: "vera"})
		wantStatus(t, "interest list", res, 200)
		var page struct {
			Items []struct{ ID, MemberID string }
		}
		res.JSON(t, &page)
		var out []string
		for _, it := range page.Items {
			out = append(out, it.ID)
		}
		return out
	}
	first := ids()
	seen := map[string]bool{}
	for _, id := range first {
		if seen[id] || !strings.HasPrefix(id, p.ID+":~") || len(id) <= len(p.ID)+2 {
			t.Errorf("interest id %q: not unique or not <posting>:~<random> (%v)", id, first)
		}
		seen[id] = true
	}
	if len(first) != 3 || strings.Join(ids(), ",") != strings.Join(first, ",") {
		t.Errorf("ids %v, then %v: want 3, stable", first, ids())
	}
}

// After oa, an organisation's creator and admin, deletes their account
// (another admin stays), the invitation oa sent reads "a former member"
// with no id, and the organisation no longer names oa as its creator;
// GET /me/invitations makes one BatchGetItem more (the inviters'
// tombstones) only when it lists invitations (docs/people.md).
func TestDeleteMeLeavesNoOrgNamingTheMember(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "oa", "ob", "inv")
	org := createOrgVia(t, api, "oa")
	joinOrgVia(t, api, "oa", org.ID, "ob", "admin")
	wantStatus(t, "oa invites inv", addOrgMemberVia(t, api, "oa", org.ID, "inv", ""), 201)
	env.Calls.Reset()
	wantStatus(t, "inv's invitations", api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/invitations", Member: "inv"}), 200)
	t.Logf("GET /me/invitations: %s", env.Calls)
	wantStatus(t, "oa deletes", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "oa"}), 204)

	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/invitations", Member: "inv"})
	wantStatus(t, "inv's invitations", res, 200)
	if strings.Contains(res.Body, `"oa"`) || strings.Contains(res.Body, "Member oa") || !strings.Contains(res.Body, `"inviter_name":"a former member"`) {
		t.Errorf("inv's invitations name oa: %s", res.Body)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/orgs/" + org.ID, Member: "ob"})
	wantStatus(t, "ob reads the org", res, 200)
	if strings.Contains(res.Body, `"oa"`) {
		t.Errorf("the org names oa: %s", res.Body)
	}
	env.Calls.Reset()
	wantStatus(t, "empty invitations", api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/invitations", Member: "ob"}), 200)
	if env.Calls.Total() != 1 {
		t.Errorf("an empty GET /me/invitations made %s, want one Query", env.Calls)
	}
}
