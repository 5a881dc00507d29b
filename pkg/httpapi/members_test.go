package httpapi_test

import (
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

type memberResp struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Headline  string   `json:"headline"`
	Stage     string   `json:"stage"`
	Interests []string `json:"interests"`
	Location  string   `json:"location"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

func TestProfileRoundTrip(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)

	res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "dana",
		Body: `{"name":"Dana Ortiz","headline":"Teacher turning UX researcher","stage":"career_changer","interests":["UX Research"],"location":"Lyon"}`})
	if res.Status != 201 {
		t.Fatalf("first PUT /me = %d %s, want 201", res.Status, res.Body)
	}
	var created memberResp
	res.JSON(t, &created)
	if created.ID != "dana" || created.Stage != "career_changer" || created.CreatedAt == "" {
		t.Errorf("created = %+v", created)
	}
	if strings.Contains(res.Body, "$schema") {
		t.Errorf("response carries huma's $schema link: %s", res.Body)
	}

	env.Calls.Reset()
	res = api.Do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "dana"})
	var me memberResp
	res.JSON(t, &me)
	if res.Status != 200 || me.Name != "Dana Ortiz" || len(me.Interests) != 1 || me.Interests[0] != "UX Research" || me.Location != "Lyon" {
		t.Errorf("GET /me = %d %+v", res.Status, me)
	}
	if env.Calls.Total() != 1 {
		t.Errorf("GET /me made %s, want one GetItem", env.Calls)
	}

	res = api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "dana",
		Body: `{"name":"Dana O.","stage":"professional"}`})
	var updated memberResp
	res.JSON(t, &updated)
	if res.Status != 200 || updated.Name != "Dana O." || updated.CreatedAt != created.CreatedAt || len(updated.Interests) != 0 {
		t.Errorf("second PUT /me = %d %+v (created_at was %s)", res.Status, updated, created.CreatedAt)
	}
}

func TestPublicProfileHidesPrivateFields(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "sam",
		Body: `{"name":"Sam","stage":"professional","interests":["data"],"location":"Leeds"}`})

	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/sam", Member: "dana"})
	if res.Status != 200 {
		t.Fatalf("GET /members/sam = %d %s", res.Status, res.Body)
	}
	var got map[string]any
	res.JSON(t, &got)
	if got["id"] != "sam" || got["name"] != "Sam" {
		t.Errorf("public profile = %v", got)
	}
	for _, private := range []string{"interests", "location", "created_at"} {
		if _, ok := got[private]; ok {
			t.Errorf("public profile shows %q: %s", private, res.Body)
		}
	}

	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/members/nobody", Member: "dana"}), 404, "")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "newcomer"}), 404, "")
}

func TestBadInputIsAProblemNamingTheField(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	long := strings.Repeat("x", 101)
	cases := []struct {
		name, body string
		status     int
		loc        string
	}{
		{"malformed JSON", `{"name": "Dana",`, 400, "body"},
		{"unknown field", `{"name":"Dana","stage":"student","favourite_colour":"red"}`, 422, "body.favourite_colour"},
		{"wrong type", `{"name":"Dana","stage":5}`, 422, "body.stage"},
		{"stage not in enum", `{"name":"Dana","stage":"wizard"}`, 422, "body.stage"},
		{"missing name", `{"stage":"student"}`, 422, "body.name"},
		{"blank name", `{"name":"   ","stage":"student"}`, 422, "body.name"},
		{"name too long", `{"name":"` + long + `","stage":"student"}`, 422, "body.name"},
		{"too many interests", `{"name":"Dana","stage":"student","interests":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]}`, 422, "body.interests"},
		{"interest too long", `{"name":"Dana","stage":"student","interests":["` + strings.Repeat("y", 51) + `"]}`, 422, "body.interests[0]"},
		{"duplicate interest", `{"name":"Dana","stage":"student","interests":["Data","data "]}`, 422, "body.interests[1]"},
		{"body over 64 KiB", `{"name":"Dana","stage":"student","headline":"` + strings.Repeat("z", httpapi.MaxBodyBytes) + `"}`, 413, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := api.Do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "dana", Body: tc.body})
			p := wantProblem(t, res, tc.status, tc.loc)
			if tc.status == 413 && len(res.Body) > 1000 {
				t.Errorf("413 echoes the body (%d bytes)", len(res.Body))
			}
			_ = p
		})
	}
	if n := env.Calls.Count("UpdateItem"); n != 0 {
		t.Errorf("bad input reached the table: %s", env.Calls)
	}
}

func TestPrivateRoutesNeedAnIdentity(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	for _, req := range []apigwtest.Request{
		{Method: "GET", Path: "/me"},
		{Method: "PUT", Path: "/me", Body: `{"name":"x"`}, // 401 comes before the body is read
		{Method: "GET", Path: "/members/dana"},
	} {
		res := api.Do(t, req)
		wantProblem(t, res, 401, "header.Authorization")
		if res.Headers.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: 401 without WWW-Authenticate", req.Method, req.Path)
		}
	}
	if env.Calls.Total() != 0 {
		t.Errorf("anonymous calls reached the table: %s", env.Calls)
	}
}

func TestOutageIs503WithRetryAfterAndNoInternals(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	down := testenv.MustStore(t, testenv.ClientFor(t, "http://127.0.0.1:1"), env.Table)
	api := apigwtest.New(httpapi.NewServer(quietLogger(), testConfig, services(down)))

	res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "dana"})
	p := wantProblem(t, res, 503, "")
	if res.Headers.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	for _, leak := range []string{"127.0.0.1", "dial", "connection refused", "GetItem"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("503 leaks %q: %s", leak, p.Detail)
		}
	}
}

// One problem names every field at fault, whichever check finds it: an
// unknown property or a text the rules refuse (found before the body
// schema is applied) is named with what the schema finds wrong.
func TestOneProblemNamesEveryFieldAtFault(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(t)
	for _, tc := range []struct {
		method, path, body string
		locs               []string
	}{
		{"PUT", "/me", `{"name":"Dana","stage":"wizard","favourite_colour":"red"}`, []string{"body.favourite_colour", "body.stage"}},
		{"PUT", "/me", `{"name":"Da\u0007na","stage":"wizard"}`, []string{"body.name", "body.stage"}},
		{"POST", "/postings", `{"title":"Intern","kind":"nope","bogus":1}`, []string{"body.bogus", "body.kind", "body.compensation", "body.description", "body.valid_through", "body.workplace"}},
		{"POST", "/me/searches", `{"name":"S","query":{"kind":"nope","colour":"red"}}`, []string{"body.query.colour", "body.query.kind"}},
	} {
		p := wantProblem(t, api.Do(t, apigwtest.Request{Method: tc.method, Path: tc.path, Member: "dana", Body: tc.body}), 422, "")
		named := map[string]int{}
		for _, e := range p.Errors {
			named[e.Location]++
		}
		for _, loc := range tc.locs {
			if named[loc] != 1 {
				t.Errorf("%s %s %s: %q named %d times, want once: %+v", tc.method, tc.path, tc.body, loc, named[loc], p.Errors)
			}
		}
	}
}
