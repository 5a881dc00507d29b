package httpapi_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
)

// notifier delivers what the stream holds since its last call, as the
// Lambda event source mapping does (a checkpoint): unlike drainStream,
// a second call does not replay the whole stream.
func notifier(t *testing.T, env *testenv.Env) func() {
	cp := filepath.Join(t.TempDir(), "checkpoint.json")
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, env.Store(t))
	return func() {
		t.Helper()
		pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN, h.Handle,
			streampump.Options{Filter: pumptest.Filter(t, "NotifierFunction"), PollInterval: 20 * time.Millisecond, CheckpointPath: cp})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := pump.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// inboxVia reads a member's first page of notifications, counting the
// DynamoDB calls it makes.
func inboxVia(t *testing.T, api *apigwtest.Client, env *testenv.Env, who string) (body, calls string, items []map[string]any) {
	t.Helper()
	env.Calls.Reset()
	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications?limit=100", Member: who})
	calls = env.Calls.String()
	wantStatus(t, who+"'s inbox", res, 200)
	var p struct{ Items []map[string]any }
	res.JSON(t, &p)
	return res.Body, calls, p.Items
}

func summariesOf(items []map[string]any) string {
	var b strings.Builder
	for _, n := range items {
		b.WriteString(n["type"].(string) + ": " + n["summary"].(string) + "\n")
	}
	return b.String()
}

// After Bob deletes his account, what Ines and Tom were already sent about
// him (his advice request, his introduction, his lead, his connection)
// names him "a former member", with no trace of his name or id, and reads
// with the same DynamoDB calls; a member who never made a profile still
// reads "A member"; Bob's id may start afresh, and what he does then
// carries his new name while the old notifications stay anonymous
// (docs/people.md, "Your data").
func TestOthersInboxesNameADeletedMemberAFormerMember(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	drain := notifier(t, env)
	putMeVia(t, api, "bob", `{"name":"Bob Marsh","stage":"student"}`)
	putMeVia(t, api, "ines", `{"name":"Ines Duarte","stage":"professional"}`)
	putMeVia(t, api, "tom", `{"name":"Tom Ng","stage":"professional"}`)
	connectVia(t, api, "bob", "ines", true)
	connectVia(t, api, "ines", "tom", true)
	putOfferVia(t, api, "ines", veraOffer)
	requestAdviceVia(t, api, "bob", "ines")
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions", Member: "bob", Body: `{"introducer_id":"ines","goal":"Meet a clinic owner"}`})
	wantStatus(t, "bob asks ines for an introduction", res, 201)
	var in introResp
	res.JSON(t, &in)
	wantStatus(t, "forward", api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + in.ID + "/forward", Member: "ines", Body: `{"target_id":"tom"}`}), 200)
	wantStatus(t, "accept", api.Do(t, apigwtest.Request{Method: "POST", Path: "/introductions/" + in.ID + "/accept", Member: "tom"}), 200)
	createPosting(t, api, "bob", map[string]any{"title": "Night shift at the clinic"})
	// ghost never made a profile; their request reads as before.
	wantStatus(t, "ghost asks ines", api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: "ghost", Body: `{"member_id":"ines"}`}), 201)
	drain()

	body, callsBefore, items := inboxVia(t, api, env, "ines")
	ines := summariesOf(items)
	for _, want := range []string{"advice_request: Bob Marsh asks you for an informational interview (coffee): I study biology.",
		"introduction_request: Bob Marsh asks you for an introduction: Meet a clinic owner",
		"introduction: Tom Ng accepted your introduction of Bob Marsh", "new_lead: Bob Marsh posted a new lead",
		"connection_request: A member asked to connect with you"} {
		if !strings.Contains(ines, want) {
			t.Errorf("before: ines's inbox lacks %q:\n%s", want, ines)
		}
	}
	if !strings.Contains(body, `"actor_id":"bob"`) {
		t.Errorf("before: no notification has bob as its actor: %s", body)
	}
	_, _, items = inboxVia(t, api, env, "tom")
	if tom := summariesOf(items); !strings.Contains(tom, "introduction: Ines Duarte would like to introduce you to Bob Marsh: Meet a clinic owner") {
		t.Errorf("before: tom's inbox:\n%s", tom)
	}

	wantStatus(t, "bob deletes his account", api.Do(t, apigwtest.Request{Method: "DELETE", Path: "/me", Member: "bob"}), 204)
	drain()

	body, callsAfter, items := inboxVia(t, api, env, "ines")
	ines = summariesOf(items)
	if callsAfter != callsBefore || env.Calls.Count("Scan") != 0 {
		t.Errorf("ines's inbox made %s after the deletion, %s before", callsAfter, callsBefore)
	}
	t.Logf("inbox page: %s", callsAfter)
	for _, want := range []string{"advice_request: A former member asks you for an informational interview (coffee): I study biology.",
		"introduction_request: A former member asks you for an introduction: Meet a clinic owner",
		"introduction: Tom Ng accepted your introduction of a former member", "new_lead: A former member posted a new lead",
		"connection_request: A former member asked to connect with you",
		"connection_request: A member asked to connect with you"} {
		if !strings.Contains(ines, want) {
			t.Errorf("after: ines's inbox lacks %q:\n%s", want, ines)
		}
	}
	if strings.Contains(body, "Bob") || strings.Contains(body, "Marsh") || strings.Contains(body, `"bob"`) {
		t.Errorf("after: ines's inbox still names bob:\n%s", body)
	}
	if !strings.Contains(body, `"actor_id":"ghost"`) {
		t.Errorf("after: ghost's request lost its actor: %s", body)
	}
	body, _, items = inboxVia(t, api, env, "tom")
	if tom := summariesOf(items); !strings.Contains(tom, "introduction: Ines Duarte would like to introduce you to a former member: Meet a clinic owner") ||
		strings.Contains(body, "Bob") || strings.Contains(body, `"bob"`) {
		t.Errorf("after: tom's inbox:\n%s", body)
	}

	// Bob is no member now: no profile, nothing to export.
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/bob", Member: "ines"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "bob"}), 404, "")
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/export", Member: "bob"})
	wantStatus(t, "export after deletion", res, 200)
	var export struct{ Items []json.RawMessage }
	res.JSON(t, &export)
	if len(export.Items) != 0 {
		t.Errorf("bob's export after deletion = %s", res.Body)
	}

	// The same id starts again: a fresh profile; his old notifications
	// stay anonymous, what he does now carries his new name.
	res = api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "bob", Body: `{"name":"Rob Marsh","stage":"student"}`})
	wantStatus(t, "bob starts again", res, 201)
	if strings.Contains(res.Body, "Bob") || !strings.Contains(res.Body, `"created_at"`) {
		t.Errorf("a fresh profile = %s", res.Body)
	}
	wantStatus(t, "rob asks ines", api.Do(t, apigwtest.Request{Method: "POST", Path: "/connections", Member: "bob", Body: `{"member_id":"ines"}`}), 201)
	drain()
	body, _, items = inboxVia(t, api, env, "ines")
	ines = summariesOf(items)
	if !strings.Contains(ines, "connection_request: Rob Marsh asked to connect with you") ||
		!strings.Contains(ines, "advice_request: A former member asks you") || strings.Contains(ines, "Rob Marsh asks you") {
		t.Errorf("after starting again: ines's inbox:\n%s", ines)
	}
	if strings.Count(body, `"actor_id":"bob"`) != 1 {
		t.Errorf("after starting again only the new request should carry bob's id:\n%s", body)
	}
}
