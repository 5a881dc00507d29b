package httpapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// wireProfile is a PUT /me body as docs/rules.md describes it.
type wireProfile struct {
	Name      string   `json:"name"`
	Headline  string   `json:"headline"`
	Stage     string   `json:"stage"`
	Interests []string `json:"interests"`
	Location  string   `json:"location"`
}

// FuzzPutMe sends arbitrary bodies to PUT /me through the Lambda adapter,
// against a real table: never a 5xx; every client error a problem naming
// the field at fault; a 200 or 201 only for a profile the domain accepts,
// stored as sent, and what GET /me then shows is what PUT answered.
func FuzzPutMe(f *testing.F) {
	api := newFuzzAPI(f)
	for _, s := range []string{
		`{"name":"Dana Ortiz","headline":"Teacher turning UX researcher","stage":"career_changer","interests":["UX Research"],"location":"Lyon"}`,
		`{"name":"Sam","stage":"professional"}`,
		`{"name":"Ana","stage":"student","interests":[]}`,
		`{"name":"Ana","stage":"returner","interests":null,"headline":null}`,
		`{"name":"  Zoë  ","stage":"recent_grad","interests":["data","Data "]}`,
		`{"name":"見習い","stage":"student","interests":["` + strings.Repeat("d", 50) + `"],"location":"` + strings.Repeat("é", 100) + `"}`,
		`{"name":"` + strings.Repeat("n", 101) + `","stage":"student"}`,
		`{"name":" ","stage":"student"}`,
		`{"name":"Ana","stage":"wizard"}`,
		`{"name":"Ana","stage":"Student"}`,
		`{"name":"Ana","stage":"student","interests":[""]}`,
		`{"name":"Ana","stage":"student","interests":[" "]}`,
		`{"name":"Ana","stage":"student","interests":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]}`,
		`{"name":"Ana","stage":"student","interests":[1]}`,
		`{"name":"Ana","stage":"student","id":"bob"}`,
		`{"name":"Ana","stage":"student","created_at":"2020-01-01T00:00:00Z"}`,
		`{"Name":"Ana","STAGE":"student"}`,
		`{"name":"Ana","name":"Bob","stage":"student"}`,
		`{"name":"A\u0000na\ud800","stage":"student","headline":"\u2028"}`,
		"{\"name\":\"A\xffna\",\"stage\":\"student\"}",
		`{"stage":"student"}`, `{"name":"Ana"}`, `{}`, `[]`, `null`, ``, `{`, `{"name":"Ana","stage":"student"} x`,
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, body string) {
		res := api.do(t, apigwtest.Request{Method: "PUT", Path: "/me", Member: "fuzzer", Body: body})
		if res.Status >= 400 {
			checkProblem(t, res, body)
			return
		}
		if res.Status != 200 && res.Status != 201 {
			t.Fatalf("PUT /me = %d, want 200, 201 or a problem: %s\nrequest body: %q", res.Status, res.Body, body)
		}
		var w wireProfile
		if err := strictDecode(body, &w); err != nil {
			t.Fatalf("%d for a body that is not a profile (%v): %q", res.Status, err, body)
		}
		nfcStrings(&w)
		m := &warmlead.Member{ID: "fuzzer", Name: w.Name, Headline: w.Headline, Stage: warmlead.Stage(w.Stage),
			Interests: w.Interests, Location: w.Location}
		if err := m.Validate(); err != nil {
			t.Fatalf("%d for a profile the domain refuses (%v): %q", res.Status, err, body)
		}

		var got memberResp
		res.JSON(t, &got)
		if got.ID != "fuzzer" || got.Name != m.Name || got.Headline != m.Headline || got.Stage != string(m.Stage) ||
			got.Location != m.Location || !slices.Equal(got.Interests, m.Interests) && len(got.Interests)+len(m.Interests) > 0 {
			t.Fatalf("stored profile differs from the body sent\n sent: %+v\n  got: %s", *m, res.Body)
		}
		if got.CreatedAt == "" || got.UpdatedAt == "" {
			t.Fatalf("profile without timestamps: %s", res.Body)
		}

		back := api.do(t, apigwtest.Request{Method: "GET", Path: "/me", Member: "fuzzer"})
		if back.Status != 200 || !sameJSON(t, back.Body, res.Body) {
			t.Fatalf("GET /me = %d %s\nPUT answered %s", back.Status, back.Body, res.Body)
		}
	})
}
