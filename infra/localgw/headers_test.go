package localgw_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/warmlead/warmlead/infra/localgw"
)

// The local gateway runs requests through the same adapter as AWS
// (pkg/gateway): a header value reaches the API whole, commas included,
// and a header sent twice arrives as API Gateway joins it.
func TestHeadersArriveWhole(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string][]string{
			"key": r.Header.Values("Idempotency-Key"), "accept": r.Header.Values("Accept"), "if-match": r.Header.Values("If-Match")})
	})
	// GET /healthz is a public route of template.yaml: no token needed.
	sp := spec(t, "http://127.0.0.1:1/issuer", "warmlead-web", "http://127.0.0.1")
	srv := httptest.NewServer(localgw.New(localgw.Everywhere(echo, sp), sp))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Header.Set("Idempotency-Key", "spring-batch,a")
	req.Header.Set("Accept", "text/html;q=0, application/json")
	req.Header.Add("If-Match", `"1"`)
	req.Header.Add("If-Match", `"2"`)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got map[string][]string
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"key": "spring-batch,a", "accept": "text/html;q=0, application/json", "if-match": `"1","2"`}
	for k, v := range want {
		if len(got[k]) != 1 || got[k][0] != v {
			t.Errorf("%s reached the API as %q, want [%q]", k, got[k], v)
		}
	}
}
