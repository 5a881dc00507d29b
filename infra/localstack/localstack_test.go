package localstack_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/localstack"
	"github.com/warmlead/warmlead/infra/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// stack runs `make run`'s stack on a fresh table and returns its base URL
// and the referral link it printed; the stack stops when the test ends.
func stack(t *testing.T, table, cache string) (base, referral string, secret []byte) {
	t.Helper()
	return stackOn(t, table, cache, testenv.Endpoint())
}

// stackOn is stack on the database at endpoint.
func stackOn(t *testing.T, table, cache, endpoint string) (base, referral string, secret []byte) {
	t.Helper()
	env := map[string]string{"ADDR": "127.0.0.1:0", "TABLE_NAME": table, "DYNAMODB_ENDPOINT": endpoint,
		"WARMLEAD_CACHE_DIR": cache}
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
	deadline := time.After(60 * time.Second)
	found := make(chan struct{})
	go func() {
		for lines.Scan() {
			if m := running.FindStringSubmatch(lines.Text()); m != nil {
				base = m[1]
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
	secret, err := localgw.LoadOrCreateSecret(localstack.Config{CacheDir: cache}.SecretPath())
	if err != nil {
		t.Fatal(err)
	}
	return base, referral, secret
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
// DynamoDB Local, the demo leads are there, and a second start seeds
// nothing twice.
func TestMakeRunServesTheSeededStack(t *testing.T) {
	cache := t.TempDir()
	base, referral, secret := stack(t, "makerun", cache)
	token, _ := localgw.Mint(secret, "alice", time.Hour)

	if status, body := call(t, "PUT", base+"/me", token, `{"name":"Alice M.","stage":"career_changer","interests":["data"]}`); status != 200 {
		t.Fatalf("PUT /me = %d %s", status, body)
	}
	status, body := call(t, "GET", base+"/me", token, "")
	var me struct{ Name, Stage string }
	_ = json.Unmarshal([]byte(body), &me)
	if status != 200 || me.Name != "Alice M." || me.Stage != "career_changer" {
		t.Errorf("GET /me = %d %s", status, body)
	}

	bob, _ := localgw.Mint(secret, "bob", time.Hour)
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

	// Demo members joined the alumni association by invitation; sam's
	// admin invitation is still pending (docs/rules.md, "Organisations and
	// consent").
	sam, _ := localgw.Mint(secret, "sam", time.Hour)
	if status, body := call(t, "GET", base+"/me/invitations", sam, ""); status != 200 || !strings.Contains(body, `"role":"admin"`) ||
		!strings.Contains(body, "Alice Martin") {
		t.Errorf("sam's invitations = %d %s", status, body)
	}
	if status, body := call(t, "GET", base+"/me/orgs", bob, ""); status != 200 || !strings.Contains(body, `"role":"member"`) {
		t.Errorf("bob's organisations = %d %s", status, body)
	}

	// Posting a lead notifies the poster's connections through the stream,
	// with no other action: alice is bob's connection, dev only asked.
	status, body = call(t, "POST", base+"/postings", bob, `{"title":"Bakery dashboard, take two","description":"Weekend help.",`+
		`"kind":"informal_internship","compensation":"unpaid","workplace":"remote","field":"data","visibility":"network",`+
		`"valid_through":"`+time.Now().UTC().Add(48*time.Hour).Format(time.RFC3339)+`"}`)
	var lead struct{ ID string }
	_ = json.Unmarshal([]byte(body), &lead)
	if status != 201 {
		t.Fatalf("bob posts = %d %s", status, body)
	}
	aliceToken, _ := localgw.Mint(secret, "alice", time.Hour)
	devToken, _ := localgw.Mint(secret, "dev", time.Hour)
	if got := waitForNewLead(t, base, aliceToken, lead.ID, 10*time.Second); got != 1 {
		t.Errorf("alice has %d new_lead notifications for bob's lead, want 1", got)
	}
	if got := waitForNewLead(t, base, devToken, lead.ID, 0); got != 0 {
		t.Errorf("dev (a pending request) was notified %d times", got)
	}
	n++ // bob sees his own new lead too

	// A second start on the same table (as after Ctrl-C) seeds nothing twice.
	base2, referral2, _ := stack(t, "makerun", cache)
	_, body = call(t, "GET", base2+"/postings?limit=100", bob, "")
	page.Items = nil
	_ = json.Unmarshal([]byte(body), &page)
	if len(page.Items) != n {
		t.Errorf("after a restart bob browses %d leads, want %d: %s", len(page.Items), n, body)
	}
	if path(referral2) != path(referral) {
		t.Errorf("the demo link changed across restarts: %s vs %s", referral, referral2)
	}
}

// waitForNewLead polls a member's inbox until a new_lead for postingID
// shows up or wait passes, and returns how many there are.
func waitForNewLead(t *testing.T, base, token, postingID string, wait time.Duration) int {
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

// TestReferralPageInHeadlessChromium opens the printed referral link as a
// person would, in a real browser, and reads what the page shows.
func TestReferralPageInHeadlessChromium(t *testing.T) {
	chromium := findChromium(t)
	_, referral, _ := stack(t, "browser", t.TempDir())
	dir := t.TempDir()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-quic", "--user-data-dir=" + filepath.Join(dir, "profile")}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dom, err := exec.CommandContext(ctx, chromium, append(flags, "--dump-dom", referral)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	page := string(dom)
	for _, want := range []string{"Junior data analyst (6-month contract)", "Shared by <strong>Dev Patel</strong>, via <strong>Sam Lee</strong>",
		"Lyon Business School Alumni", "How to express interest"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page in Chromium lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "referral.png")
	if out, err := exec.CommandContext(ctx, chromium, append(flags, "--window-size=800,1000", "--screenshot="+shot, referral)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	if info, err := os.Stat(shot); err != nil || info.Size() < 5000 {
		t.Errorf("no screenshot: %v", err)
	}
	if keep := os.Getenv("WARMLEAD_SCREENSHOT"); keep != "" {
		b, _ := os.ReadFile(shot)
		_ = os.WriteFile(keep, b, 0o644)
	}
}

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
