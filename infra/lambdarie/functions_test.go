package lambdarie_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/lambdarie"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// invoker is a function behind a Lambda invoke.
type invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// The shipped bootstraps (host arch, the Makefile's flags), run by AWS's
// Runtime Interface Emulator as Lambda runs them, against the test's
// DynamoDB Local. They are built once, for all subtests, into the parent's
// temporary directory.
func TestBootstraps(t *testing.T) {
	bins := buildBootstraps(t, t.TempDir(), "")
	api, notifier := find(t, bins, "api"), find(t, bins, "notifier")

	t.Run("the API's functions serve a posting's whole path", func(t *testing.T) {
		t.Parallel()
		env := testenv.New(t)
		apiSequence(t, startAPI(t, bins, apiEnv(env)), env)
	})

	t.Run("notifier fans out a lead and names a poison record", func(t *testing.T) {
		t.Parallel()
		env := testenv.New(t)
		f := startFunction(t, notifier, []string{"TABLE_NAME=" + env.Table, "DYNAMODB_ENDPOINT=" + env.Endpoint})
		notifierSequence(t, f, env)
	})

	t.Run("api init failure is surfaced with its output", func(t *testing.T) {
		t.Parallel()
		env := testenv.New(t)
		var noTable []string
		for _, kv := range apiEnv(env) {
			if !strings.HasPrefix(kv, "TABLE_NAME=") {
				noTable = append(noTable, kv)
			}
		}
		f := startFunction(t, api, noTable)
		_, err := f.Invoke(t.Context(), []byte(`{}`))
		var fe *lambdarie.Error
		if !errors.As(err, &fe) || fe.Phase != "init" || fe.Type != "Runtime.ExitError" {
			t.Fatalf("first invoke without TABLE_NAME = %#v, want an init Runtime.ExitError", err)
		}
		if !strings.Contains(err.Error(), "TABLE_NAME is not set") || !strings.Contains(err.Error(), "exit status 1") {
			t.Errorf("error does not carry the function's message and exit: %v", err)
		}
	})

	t.Run("api invocation error is surfaced with its output", func(t *testing.T) {
		t.Parallel()
		env := testenv.New(t)
		f := startFunction(t, api, apiEnv(env))
		_, err := f.Invoke(t.Context(), []byte(`[1,2]`))
		var fe *lambdarie.Error
		if !errors.As(err, &fe) || fe.Type != "UnmarshalTypeError" ||
			!strings.Contains(fe.Message, "cannot unmarshal array into Go value of type events.APIGatewayV2HTTPRequest") {
			t.Fatalf("invoke with [1,2] = %#v, want the runtime's UnmarshalTypeError", err)
		}
		if !strings.Contains(fe.Output, "UnmarshalTypeError") {
			t.Errorf("the runtime's log of the error is not in the output: %q", fe.Output)
		}
		if res := invokeHTTP(t, f, apigwtest.Request{Method: "GET", Path: "/healthz"}); res.StatusCode != http.StatusOK {
			t.Errorf("after a function error, /healthz = %d %s", res.StatusCode, res.Body)
		}
	})

	// Only that every function cold-starts and its INIT REPORT is read;
	// comparing them is `make bench` (BenchmarkColdStart), never a timed test.
	t.Run("every function cold-starts", func(t *testing.T) {
		t.Parallel()
		env := testenv.New(t)
		for _, b := range bins {
			c, err := lambdarie.Cold(t.Context(), rieBinary(t), b.path, lambdarie.Options{Env: functionEnv(env.Table, env.Endpoint)}, firstRequest(b.name))
			if err != nil {
				t.Fatalf("%s: %v", b.name, err)
			}
			if c.Init <= 0 || c.Init > lambdarie.DefaultTimeout || c.FirstResponse < c.Init {
				t.Errorf("%s: init %v, first response %v", b.name, c.Init, c.FirstResponse)
			}
			t.Logf("%s: init %v, first response %v (%v)", b.name, c.Init, c.FirstResponse, c.Err)
		}
	})
}

// apiEnv is the API function's configuration against env's table.
func apiEnv(env *testenv.Env) []string {
	return functionEnv(env.Table, env.Endpoint)
}

// functionEnv is a configuration every function accepts: the template's
// variables, on a local table.
func functionEnv(table, endpoint string) []string {
	return []string{"TABLE_NAME=" + table, "DYNAMODB_ENDPOINT=" + endpoint, "LOG_LEVEL=info",
		"CURSOR_SECRET=lambdarie-test-cursor-secret-0123456789", "PUBLIC_BASE_URL=https://warmlead.test",
		"UNSUBSCRIBE_SECRET=lambdarie-test-unsubscribe-secret-0123456789", "AWS_REGION=us-east-1"}
}

// firstRequest is the payload a function's first (measured) invocation
// gets: a health check for the API's site function, a request to one of
// its routes (with no token) for its other functions, an empty stream batch
// for the stream-fed functions, and for any other an empty JSON object.
func firstRequest(name string) []byte {
	if name == "api" {
		b, _ := json.Marshal(apigwtest.Event(apigwtest.Request{Method: "GET", Path: "/healthz"}))
		return b
	}
	if b := apiRequest(name); b != nil { // another function of the HTTP API
		return b
	}
	switch name {
	case "notifier", "followups": // both are fed by the table's stream
		return []byte(`{"Records":[]}`)
	}
	return []byte(`{}`)
}

// startFunction starts a bootstrap under the emulator with the template's
// settings (256 MB, 10 s) and stops it when the test ends.
func startFunction(t *testing.T, bin string, env []string) *lambdarie.Function {
	t.Helper()
	f, err := lambdarie.Start(t.Context(), rieBinary(t), bin, lambdarie.Options{Env: env, MemoryMB: 256, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.Stop()
		if t.Failed() {
			t.Logf("emulator output:\n%s", f.Output())
		}
	})
	return f
}

// invokeHTTP sends req as API Gateway does: the JSON of its v2 event.
func invokeHTTP(t *testing.T, f invoker, req apigwtest.Request) events.APIGatewayV2HTTPResponse {
	t.Helper()
	payload, err := json.Marshal(apigwtest.Event(req))
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.Invoke(t.Context(), payload)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &res); err != nil || res.StatusCode == 0 {
		t.Fatalf("%s %s: not an API Gateway response (%v): %s", req.Method, req.Path, err, out)
	}
	if res.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		res.Body = string(b)
	}
	return res
}

func header(res events.APIGatewayV2HTTPResponse, name string) string {
	for k, v := range res.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// apiSequence walks one posting through the API function: profiles, create,
// browse, share, open the shared link in a browser; then checks the table.
func apiSequence(t *testing.T, f invoker, env *testenv.Env) {
	const title = "Data internship at the alumni office"
	expect := func(req apigwtest.Request, status int) events.APIGatewayV2HTTPResponse {
		t.Helper()
		res := invokeHTTP(t, f, req)
		if res.StatusCode != status {
			t.Fatalf("%s %s = %d, want %d: %s", req.Method, req.Path, res.StatusCode, status, res.Body)
		}
		return res
	}
	for _, m := range []string{"alice", "bob"} {
		res := invokeHTTP(t, f, apigwtest.Request{Method: "PUT", Path: "/me", Member: m,
			Body: `{"name":"` + strings.ToUpper(m[:1]) + m[1:] + `","stage":"career_changer","interests":["data"]}`})
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
			t.Fatalf("PUT /me as %s = %d %s", m, res.StatusCode, res.Body)
		}
	}

	body, _ := json.Marshal(map[string]any{
		"title": title, "description": "Two afternoons a week with the survey data.", "organization": "Lyon Alumni",
		"kind": "internship", "compensation": "stipend", "audience": []string{"career_changers"}, "field": "data",
		"workplace": "hybrid", "location": map[string]any{"city": "Lyon", "country": "FR"}, "visibility": "public",
		"valid_through": time.Now().UTC().Add(30 * 24 * time.Hour).Format(time.RFC3339),
	})
	created := expect(apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: string(body)}, http.StatusCreated)
	var posting struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(created.Body), &posting); err != nil || posting.ID == "" {
		t.Fatalf("created posting %s: %v", created.Body, err)
	}
	if loc := header(created, "Location"); loc != "/postings/"+posting.ID {
		t.Errorf("Location = %q, want /postings/%s", loc, posting.ID)
	}

	browse := expect(apigwtest.Request{Method: "GET", Path: "/postings?limit=10", Member: "bob"}, http.StatusOK)
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(browse.Body), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != posting.ID {
		t.Errorf("browse = %s, want the new posting", browse.Body)
	}

	shared := expect(apigwtest.Request{Method: "POST", Path: "/postings/" + posting.ID + "/referrals", Member: "bob", Body: `{}`}, http.StatusCreated)
	var link struct {
		Token string `json:"token"`
		URL   string `json:"url"`
	}
	if err := json.Unmarshal([]byte(shared.Body), &link); err != nil || link.Token == "" {
		t.Fatalf("referral %s: %v", shared.Body, err)
	}
	if !strings.HasPrefix(link.URL, "https://warmlead.test/") {
		t.Errorf("referral url = %q, want it on PUBLIC_BASE_URL", link.URL)
	}

	page2 := expect(apigwtest.Request{Method: "GET", Path: "/r/" + link.Token,
		Headers: map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}}, http.StatusOK)
	if ct := header(page2, "Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("landing page Content-Type = %q", ct)
	}
	if !strings.Contains(page2.Body, title) || !strings.Contains(page2.Body, "Bob") {
		t.Errorf("landing page lacks the title or who shared it:\n%s", page2.Body)
	}

	item, err := env.Client.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: &env.Table, Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "POSTING#" + posting.ID}, "SK": &types.AttributeValueMemberS{Value: "POSTING"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := item.Item["Title"].(*types.AttributeValueMemberS); !ok || got.Value != title {
		t.Errorf("stored posting = %v, want Title %q", item.Item, title)
	}
}

// notifierSequence gives bob one accepted connection (alice) and a pending
// one (carmen), then delivers stream batches as Lambda does.
func notifierSequence(t *testing.T, f invoker, env *testenv.Env) {
	ctx := t.Context()
	store := env.Store(t)
	for _, m := range []warmlead.Member{
		{ID: "alice", Name: "Alice", Stage: warmlead.StageProfessional},
		{ID: "bob", Name: "Bob", Stage: warmlead.StageCareerChanger},
		{ID: "carmen", Name: "Carmen", Stage: warmlead.StageReturner},
	} {
		if _, _, err := store.PutMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	for _, other := range []string{"alice", "carmen"} {
		c, _, err := store.RequestConnection(ctx, other, &warmlead.Connection{RecipientID: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if other == "alice" {
			if _, err := store.AcceptConnection(ctx, "bob", c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	newPostings := func(member string) int {
		t.Helper()
		inbox, err := store.ListNotifications(ctx, member, warmlead.PageRequest{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, x := range inbox.Items {
			if x.Type == warmlead.NotifyNewPosting {
				n++
			}
		}
		return n
	}
	deliver := func(ev events.DynamoDBEvent) events.DynamoDBEventResponse {
		t.Helper()
		payload, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		out, err := f.Invoke(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp events.DynamoDBEventResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("response %s: %v", out, err)
		}
		return resp
	}

	now := time.Now()
	// Each posting is in the table when its record arrives: the notifier reads
	// it back before announcing it.
	stored := func(r events.DynamoDBEventRecord) events.DynamoDBEventRecord {
		t.Helper()
		item := map[string]types.AttributeValue{}
		for k, v := range r.Change.NewImage {
			if v.DataType() == events.DataTypeNumber {
				item[k] = &types.AttributeValueMemberN{Value: v.Number()}
			} else {
				item[k] = &types.AttributeValueMemberS{Value: v.String()}
			}
		}
		if _, err := env.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &env.Table, Item: item}); err != nil {
			t.Fatal(err)
		}
		return r
	}
	posting := stored(postingRecord("runtimeapitestleadaaaaaaab", "bob", now, "100000000000000000011"))
	if resp := deliver(events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{posting}}); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures = %+v, want none", resp.BatchItemFailures)
	}
	if n := newPostings("alice"); n != 1 {
		t.Errorf("alice has %d new_lead, want 1", n)
	}
	if n, m := newPostings("bob"), newPostings("carmen"); n+m != 0 {
		t.Errorf("the poster has %d new_lead and a pending connection %d, want none", n, m)
	}

	poison := postingRecord("runtimeapitestpoisonaaaaab", "bob", now, "100000000000000000012")
	poison.Change.NewImage["Version"] = events.NewStringAttribute("not a number")
	second := stored(postingRecord("runtimeapitestleadaaaaaaac", "bob", now.Add(time.Second), "100000000000000000013"))
	resp := deliver(events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{posting, poison, second}})
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "100000000000000000012" {
		t.Fatalf("failures = %+v, want exactly the poison record", resp.BatchItemFailures)
	}
	if n := newPostings("alice"); n != 2 {
		t.Errorf("after a replayed lead, a poison record and a second lead alice has %d new_lead, want 2", n)
	}
}

// postingRecord is the stream record of a new open posting by poster, as Lambda
// delivers it (pkg/notify's postingEvent).
func postingRecord(id, poster string, created time.Time, seq string) events.DynamoDBEventRecord {
	ts := created.UTC().Format("2006-01-02T15:04:05.000000000Z")
	s := events.NewStringAttribute
	img := map[string]events.DynamoDBAttributeValue{
		"PK": s("POSTING#" + id), "SK": s("POSTING"), "Type": s("Posting"), "ID": s(id),
		"Title": s("A lead"), "Kind": s("job"), "Field": s("data"), "PosterID": s(poster),
		"Status": s("open"), "Visibility": s("network"),
		"ValidThrough": s(created.Add(24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z")),
		"CreatedAt":    s(ts), "UpdatedAt": s(ts), "Version": events.NewNumberAttribute("1"),
	}
	return events.DynamoDBEventRecord{
		EventID: fmt.Sprintf("%x", seq), EventName: "INSERT", EventVersion: "1.1", EventSource: "aws:dynamodb", AWSRegion: "us-east-1",
		EventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/warmlead/stream/2026-11-21T00:00:00.000",
		Change: events.DynamoDBStreamRecord{
			Keys:     map[string]events.DynamoDBAttributeValue{"PK": s("POSTING#" + id), "SK": s("POSTING")},
			NewImage: img, SequenceNumber: seq, StreamViewType: "NEW_IMAGE",
		},
	}
}
