package httpapi_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// newAPI serves the API on a fresh table, reached through the Lambda
// adapter exactly as in AWS.
func newAPI(t testing.TB, opts ...samtemplate.Option) (*apigwtest.Client, *testenv.Env) {
	t.Helper()
	env := testenv.New(t, opts...)
	store := env.Store(t)
	return apigwtest.New(httpapi.NewServer(quietLogger(), testConfig, services(store))), env
}

func services(store *dynamo.Store) httpapi.Services {
	return httpapi.Services{Members: store, Orgs: store, Connections: store, Postings: store, Referrals: store, Interests: store, Notifications: store,
		FollowUps: store, Settings: store, Advice: store, Introductions: store, Directory: store, Insights: store, Account: store}
}

// testConfig is the deployment the tests pretend to be.
var testConfig = httpapi.Config{PublicBaseURL: "https://warmlead.test"}

func quietLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// problemBody is an RFC 9457 problem as clients read it.
type problemBody struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// wantProblem checks a problem+json response with the given status, and,
// when loc is set, that it names that location.
func wantProblem(t *testing.T, res apigwtest.Response, status int, loc string) problemBody {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status = %d, want %d; body %s", res.Status, status, res.Body)
	}
	if ct := res.Headers.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemBody
	res.JSON(t, &p)
	if p.Status != status || p.Title == "" || p.Type == "" {
		t.Errorf("problem lacks status/title/type: %s", res.Body)
	}
	if loc != "" {
		found := false
		for _, e := range p.Errors {
			found = found || e.Location == loc
		}
		if !found {
			t.Errorf("problem does not name %q: %s", loc, res.Body)
		}
	}
	return p
}
