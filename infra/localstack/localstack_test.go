package localstack_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/localidp"
	"github.com/warmlead/warmlead/infra/localstack"
	"github.com/warmlead/warmlead/infra/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// stack runs `make run`'s stack on a fresh table and returns its base URL
// and the referral link it printed; the stack stops when the test ends.
func stack(t *testing.T, table, cache string) (base, referral string, token func(member string) string) {
	t.Helper()
	return stackOn(t, table, cache, testenv.Endpoint(), nil)
}

// stackOn is stack on the database at endpoint, with more environment
// (extra) for the stack.
func stackOn(t *testing.T, table, cache, endpoint string, extra map[string]string) (base, referral string, token func(member string) string) {
	t.Helper()
	env := map[string]string{"ADDR": "127.0.0.1:0", "TABLE_NAME": table, "DYNAMODB_ENDPOINT": endpoint,
		"WARMLEAD_CACHE_DIR": cache}
	maps.Copy(env, extra)
	t.Setenv("WARMLEAD_CACHE_DIR", cache)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- localstack.Run(ctx, func(k string) string { return env[k] }, pw); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("stack stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("stack did not stop within 10 s of Ctrl-C")
		}
	})
	lines := bufio.NewScanner(pr)
	running := regexp.MustCompile(`Warmlead is running on (http://\S+)`)
	link := regexp.MustCompile(`referral: (http://\S+/r/\S+)`)
	signin := regexp.MustCompile(`sign-in:  (http://\S+)`)
	var issuer string
	deadline := time.After(60 * time.Second)
	found := make(chan struct{})
	go func() {
		for lines.Scan() {
			if m := running.FindStringSubmatch(lines.Text()); m != nil {
				base = m[1]
			}
			if m := signin.FindStringSubmatch(lines.Text()); m != nil {
				issuer = m[1]
			}
			if m := link.FindStringSubmatch(lines.Text()); m != nil {
				referral = m[1]
				close(found)
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case <-found:
	case err := <-done:
		t.Fatalf("stack exited early: %v", err)
	case <-deadline:
		t.Fatal("stack did not start within 60 s")
	}
	// Tokens come from the stack's own OpenID Connect provider, signed in
	// through the Authorization Code flow with PKCE as `make token` does.
	return base, referral, func(member string) string {
		t.Helper()
		tok, err := localidp.SignIn(context.Background(), issuer, base+"/signin/callback", member)
		if err != nil {
			t.Fatalf("sign in %s: %v", member, err)
		}
		return tok
	}
}

func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMakeRunServesTheSeededStack is `make run` as a user meets it: the
// printed instructions work, PUT /me then GET /me round-trip through
// DynamoDB Local, the demo postings are there, and a second start seeds
// nothing twice.
func TestMakeRunServesTheSeededStack(t *testing.T) {
	cache := t.TempDir()
	base, referral, signIn := stack(t, "makerun", cache)
	token := signIn("alice")

	if status, body := call(t, "PUT", base+"/me", token, `{"name":"Alice M.","stage":"career_changer","interests":["data"]}`); status != 200 {
		t.Fatalf("PUT /me = %d %s", status, body)
	}
	status, body := call(t, "GET", base+"/me", token, "")
	var me struct{ Name, Stage string }
	_ = json.Unmarshal([]byte(body), &me)
	if status != 200 || me.Name != "Alice M." || me.Stage != "career_changer" {
		t.Errorf("GET /me = %d %s", status, body)
	}

	bob := signIn("bob")
	var page struct {
		Items []struct{ Kind, Visibility string }
	}
	_, body = call(t, "GET", base+"/postings?limit=100", bob, "")
	_ = json.Unmarshal([]byte(body), &page)
	kinds, visibilities := map[string]bool{}, map[string]bool{}
	for _, p := range page.Items {
		kinds[p.Kind], visibilities[p.Visibility] = true, true
	}
	if len(kinds) != 4 || !visibilities["network"] || !visibilities["org"] {
		t.Errorf("bob browses kinds %v and visibilities %v, want all four kinds, network and org leads", kinds, visibilities)
	}
	if status, body := call(t, "GET", referral, "", ""); status != 200 || !strings.Contains(body, "Sam Lee") {
		t.Errorf("printed referral link = %d %s", status, body)
	}
	n := len(page.Items)

	// Through the gateway and the six functions as template.yaml routes
	// them: what no route matches is the API's problem, not the gateway's
	// {"message"} (the $default route), and every function is as strict as
	// the whole API.
	for _, c := range []struct {
		method, path string
		status       int
		allow        string
	}{{"GET", "/no-such-thing", 404, ""}, {"PUT", "/postings", 405, "GET, HEAD, POST"}, {"DELETE", "/healthz", 405, "GET, HEAD"},
		{"GET", "/postings?kindd=job", 422, ""}, {"GET", "/me/notifications?zz=1", 422, ""}} {
		req, _ := http.NewRequest(c.method, base+c.path, nil)
		req.Header.Set("Authorization", "Bearer "+bob)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || res.Header.Get("Content-Type") != "application/problem+json" || res.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s = %d %s, Allow %q: %s; want %d problem+json, Allow %q", c.method, c.path, res.StatusCode,
				res.Header.Get("Content-Type"), res.Header.Get("Allow"), b, c.status, c.allow)
		}
	}

	// Every demo member, the people walk-through's too, reads their email
	// in Mailpit at the address they sign in with (README.md, "Follow-ups
	// and email").
	for _, m := range []string{"sam", "grace", "nadia"} {
		if status, body := call(t, "GET", base+"/me/notification-settings", signIn(m), ""); status != 200 ||
			!strings.Contains(body, `"address":"`+m+`@demo.warmlead.example"`) {
			t.Errorf("%s's notification settings = %d %s, want the demo address", m, status, body)
		}
	}

	// Demo members joined the alumni association by invitation; sam's
	// admin invitation is still pending (docs/rules.md, "Organisations and
	// consent").
	sam := signIn("sam")
	if status, body := call(t, "GET", base+"/me/invitations", sam, ""); status != 200 || !strings.Contains(body, `"role":"admin"`) ||
		!strings.Contains(body, "Alice Martin") {
		t.Errorf("sam's invitations = %d %s", status, body)
	}
	if status, body := call(t, "GET", base+"/me/orgs", bob, ""); status != 200 || !strings.Contains(body, `"role":"member"`) {
		t.Errorf("bob's organisations = %d %s", status, body)
	}

	// Creating a posting notifies the poster's connections through the stream,
	// with no other action: alice is bob's connection, dev only asked.
	status, body = call(t, "POST", base+"/postings", bob, `{"title":"Bakery dashboard, take two","description":"Weekend help.",`+
		`"kind":"informal_internship","compensation":"unpaid","workplace":"remote","field":"data","visibility":"network",`+
		`"valid_through":"`+time.Now().UTC().Add(48*time.Hour).Format(time.RFC3339)+`"}`)
	var posting struct{ ID string }
	_ = json.Unmarshal([]byte(body), &posting)
	if status != 201 {
		t.Fatalf("bob posts = %d %s", status, body)
	}
	aliceToken, devToken := signIn("alice"), signIn("dev")
	if got := waitForNewPosting(t, base, aliceToken, posting.ID, 10*time.Second); got != 1 {
		t.Errorf("alice has %d new_lead notifications for bob's lead, want 1", got)
	}
	if got := waitForNewPosting(t, base, devToken, posting.ID, 0); got != 0 {
		t.Errorf("dev (a pending request) was notified %d times", got)
	}
	n++ // bob sees his own new posting too

	// A second start on the same table (as after Ctrl-C) seeds nothing twice.
	// (On port 0 the provider's address, so its issuer, changes: sign in again.)
	base2, referral2, signIn2 := stack(t, "makerun", cache)
	_, body = call(t, "GET", base2+"/postings?limit=100", signIn2("bob"), "")
	page.Items = nil
	_ = json.Unmarshal([]byte(body), &page)
	if len(page.Items) != n {
		t.Errorf("after a restart bob browses %d leads, want %d: %s", len(page.Items), n, body)
	}
	if path(referral2) != path(referral) {
		t.Errorf("the demo link changed across restarts: %s vs %s", referral, referral2)
	}
}

// waitForNewPosting polls a member's inbox until a new_lead for postingID
// shows up or wait passes, and returns how many there are.
func waitForNewPosting(t *testing.T, base, token, postingID string, wait time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		_, body := call(t, "GET", base+"/me/notifications?limit=100", token, "")
		var inbox struct {
			Items []struct {
				Type      string `json:"type"`
				PostingID string `json:"posting_id"`
			}
		}
		_ = json.Unmarshal([]byte(body), &inbox)
		n := 0
		for _, it := range inbox.Items {
			if it.Type == "new_lead" && it.PostingID == postingID {
				n++
			}
		}
		if n > 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func path(u string) string { return u[strings.Index(u, "/r/"):] }

// findChromium returns Debian's Chromium. CI installs it (.ci/run); on a
// developer's machine without it the test says how to get it.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run should have installed it")
	}
	t.Skip("chromium not installed (Debian: apt-get install chromium); the browser test needs it")
	return ""
}

// The local API's attempt timeout is 6 s unless DYNAMODB_LOCAL_ATTEMPT_TIMEOUT
// says otherwise; a value that is not a positive duration is refused before
// anything starts.
func TestConfigAttemptTimeout(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 6 * time.Second, "2s": 2 * time.Second, "ten": 0, "0s": 0} {
		c, err := localstack.ConfigFrom(func(k string) string {
			return map[string]string{"DYNAMODB_LOCAL_ATTEMPT_TIMEOUT": v}[k]
		})
		switch {
		case want == 0 && err == nil:
			t.Errorf("%q accepted as %v", v, c.AttemptTimeout)
		case want != 0 && (err != nil || c.AttemptTimeout != want):
			t.Errorf("%q: %v, %v; want %v", v, c.AttemptTimeout, err, want)
		}
	}
}
