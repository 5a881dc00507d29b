package httpapi_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/testenv"
)

// whoMentions scans the TEST table (product code never scans) and returns
// "<Type>.<attribute>" for every attribute, at any depth, holding the
// member's id (alone or as a #-separated part of a key) or their name.
func whoMentions(t *testing.T, env *testenv.Env, id, name string) []string {
	t.Helper()
	var found []string
	var visit func(typ, attr string, v types.AttributeValue)
	visit = func(typ, attr string, v types.AttributeValue) {
		switch x := v.(type) {
		case *types.AttributeValueMemberS:
			for _, part := range strings.Split(x.Value, "#") {
				if part == id {
					found = append(found, typ+"."+attr)
					return
				}
			}
			if strings.Contains(x.Value, name) {
				found = append(found, typ+"."+attr+"(name)")
			}
		case *types.AttributeValueMemberL:
			for _, e := range x.Value {
				visit(typ, attr, e)
			}
		case *types.AttributeValueMemberM:
			for k, e := range x.Value {
				visit(typ, attr+"."+k, e)
			}
		}
	}
	pages := dynamodb.NewScanPaginator(env.Client, &dynamodb.ScanInput{TableName: aws.String(env.Table)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			typ := ""
			if s, ok := it["Type"].(*types.AttributeValueMemberS); ok {
				typ = s.Value
			}
			for k, v := range it {
				visit(typ, k, v)
			}
		}
	}
	sort.Strings(found)
	return found
}

// After DELETE /me no item of the table carries the member's id or name,
// except the ids on notifications already delivered to others and the
// member's tombstone (docs/people.md, "Your data"); others keep their counts and their side of every chain.
func TestDeleteMeLeavesNoTraceButDocumentedOnes(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	putProfilesVia(t, api, "vera", "bob", "tom", "ivy")
	putMeVia(t, api, "dana", `{"name":"Dana Reyes","stage":"career_changer","interests":["food"]}`)
	org := createOrgVia(t, api, "vera")
	other := createOrgVia(t, api, "ivy")
	joinOrgVia(t, api, "vera", org.ID, "dana", "")
	joinOrgVia(t, api, "vera", org.ID, "bob", "")
	wantStatus(t, "invite dana", addOrgMemberVia(t, api, "ivy", other.ID, "dana", ""), 201) // pending
	connectVia(t, api, "dana", "bob", true)
	connectVia(t, api, "dana", "tom", false) // pending
	putOfferVia(t, api, "dana", `{"topics":["banking"],"formats":["video"],"monthly_capacity":1,"status":"open"}`)
	putOfferVia(t, api, "vera", `{"topics":["operations"],"formats":["coffee"],"monthly_capacity":3,"status":"open"}`)

	mine := createPosting(t, api, "dana", map[string]any{"title": "Dana's lead"})
	// A create made with an Idempotency-Key keeps a record of it (and a copy of the posting).
	wantStatus(t, "idempotent create", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings", Member: "dana",
		Body: postingJSONBody(t, map[string]any{"title": "Dana's second lead"}), Headers: map[string]string{"Idempotency-Key": "dana-1"}}), 201)
	bobLink, _ := share(t, api, "bob", mine.ID, "")
	wantStatus(t, "bob interested", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + mine.ID + "/interest", Member: "bob",
		Body: `{"message":"Me!","referral_token":"` + bobLink.Token + `"}`}), 201)
	veras := createPosting(t, api, "vera", map[string]any{"title": "Vera's lead", "org_id": org.ID})
	danaLink, _ := share(t, api, "dana", veras.ID, "")
	onward, _ := share(t, api, "bob", veras.ID, danaLink.Token)
	landing(t, api, danaLink.Token)
	wantStatus(t, "dana interested", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + veras.ID + "/interest", Member: "dana",
		Body: `{"message":"Hello Vera"}`}), 201)
	wantStatus(t, "tom interested via bob via dana", api.Do(t, apigwtest.Request{Method: "POST", Path: "/postings/" + veras.ID + "/interest", Member: "tom",
		Body: `{"message":"Hi","referral_token":"` + onward.Token + `"}`}), 201)
	r := requestAdviceVia(t, api, "dana", "vera")
	wantStatus(t, "accept", api.Do(t, apigwtest.Request{Method: "POST", Path: "/advice-requests/" + r.ID + "/accept", Member: "vera"}), 200)
	wantStatus(t, "intro", api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: "dana", Body: `{"introducer_id":"bob","goal":"Meet a chef"}`}), 201)
	// A saved search with an alert, and email settings.
	wantStatus(t, "saved search", api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/searches", Member: "dana",
		Body: `{"name":"Kitchens","query":{"q":"chef"},"alert":"daily"}`}), 201)
	wantStatus(t, "settings", api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me/notification-settings", Member: "dana",
		Body: `{"email":{"new_lead":"weekly"},"keep_warm_days":30}`}), 200)
	drainStream(t, env) // inboxes and counters

	countOf := func(who, postingID string) int {
		res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + postingID + "/interest?limit=100", Member: who})
		wantStatus(t, "interest list", res, 200)
		var p struct{ Items []map[string]any }
		res.JSON(t, &p)
		return len(p.Items)
	}
	beforeVera := countOf("vera", veras.ID)

	// Export first: everything about dana, nothing hidden in keys.
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/export", Member: "dana"})
	wantStatus(t, "export", res, 200)
	for _, kind := range []string{`"member"`, `"connection"`, `"org_member"`, `"org_invitation"`, `"offer"`, `"posting"`, `"referral"`, `"interest"`, `"advice_request"`, `"introduction"`, `"notification"`} {
		if !strings.Contains(res.Body, `"kind":`+kind) {
			t.Errorf("export lacks %s", kind)
		}
	}
	if strings.Contains(res.Body, `"PK"`) || strings.Contains(res.Body, `"GSI1PK"`) || strings.Contains(res.Body, `"pk"`) {
		t.Errorf("export shows storage keys")
	}
	if strings.Contains(res.Body, `"PostingID"`) || !strings.Contains(res.Body, `"posting_id"`) {
		t.Errorf("export is not snake_case: %.400s", res.Body)
	}

	if before := whoMentions(t, env, "dana", "Dana Reyes"); len(before) < 20 {
		t.Fatalf("the scan finds dana in only %v before deletion", before)
	}
	env.Calls.Reset()
	wantStatus(t, "DELETE /me", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "dana"}), 204)
	t.Logf("DELETE /me made %s", env.Calls)
	if env.Calls.Count("Scan") != 0 {
		t.Errorf("DELETE /me scanned")
	}

	left := whoMentions(t, env, "dana", "Dana Reyes")
	t.Logf("left after deletion: %v", left)
	var undocumented []string
	for _, l := range left {
		// Others' delivered notifications keep the id, never the name, and
		// read "a former member" through the tombstone (docs/people.md).
		if l != "Notification.ActorID" && l != "Notification.OtherID" && !strings.HasPrefix(l, "FormerMember.") {
			undocumented = append(undocumented, l)
		}
	}
	if len(undocumented) > 0 {
		t.Errorf("after deletion the table still names dana in: %s", strings.Join(undocumented, ", "))
	}

	// Others keep their counts and see "a former member".
	if n := countOf("vera", veras.ID); n != beforeVera {
		t.Errorf("vera's posting shows %d interests, had %d", n, beforeVera)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + veras.ID + "/interest?limit=100", Member: "vera"})
	if !strings.Contains(res.Body, "a former member") {
		t.Errorf("vera's interest list = %s, want a former member", res.Body)
	}
	if st := stats(t, api, "bob", onward.Token); st.Interests != 1 {
		t.Errorf("bob's onward link counts %d interests, want 1 (tom's)", st.Interests)
	}
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/postings/" + mine.ID, Member: "bob"})
	if !strings.Contains(res.Body, `"status":"closed"`) && res.Status != 404 {
		t.Errorf("dana's posting after deletion = %d %s, want closed", res.Status, res.Body)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/dana", Member: "bob"}), 404, "")
	if got := directoryVia(t, api, "bob", org.ID, ""); fmt.Sprint(got) != "[bob vera]" {
		t.Errorf("directory after deletion = %v", got)
	}
	// Deleting again changes nothing and succeeds.
	wantStatus(t, "DELETE /me again", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "dana"}), 204)
}

// The last admin of an active organisation must hand it over first.
func TestDeleteMeRefusesTheLastAdmin(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	putProfilesVia(t, api, "vera", "bob")
	org := createOrgVia(t, api, "vera")
	joinOrgVia(t, api, "vera", org.ID, "bob", "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "vera"}), 409, "")
	if res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "vera"}); res.Status != 200 {
		t.Errorf("a refused deletion removed the profile: %d", res.Status)
	}
}
