package httpapi_test

import (
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

// A link pasted into a social network comes back with tracking parameters
// (docs/rules.md, "Query parameters"); it must still open, while any other
// unknown parameter is still refused.
func TestSharedLinkOpensWithTrackingParameters(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	api := apigwtest.New(httpapi.NewServer(quietLogger(), testConfig, services(env.Store(t))))
	p := createPosting(t, api, "poster", nil)
	link, _ := share(t, api, "a", p.ID, "")
	json := map[string]string{"Accept": "application/json"}
	for _, q := range []string{"?fbclid=IwAR0abc", "?utm_source=newsletter&utm_medium=email&utm_campaign=alumni"} {
		if res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token + q, Headers: json}); res.Status != 200 {
			t.Errorf("GET /r/{token}%s = %d %s", q, res.Status, res.Body)
		}
	}
	if res := api.Do(t, apigwtest.Request{Method: "GET", Path: "/r/" + link.Token + "?bogus=1", Headers: json}); res.Status != 422 && res.Status != 400 {
		t.Errorf("unknown parameter on the landing page = %d, want refused", res.Status)
	}
}
