package localstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/warmlead/warmlead/infra/ddblocal"
)

// browser starts headless Chromium with the flags this machine needs (no
// network but the registries: nothing in the background) and a fresh
// profile, driven from Go over the DevTools protocol (chromedp).
func browser(t *testing.T) context.Context {
	t.Helper()
	chromium := findChromium(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1200, 900))
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx); err != nil { // start the browser now
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// waitFor evaluates expression until it is true, across navigations.
func waitFor(t *testing.T, ctx context.Context, what, expression string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expression)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	t.Fatalf("waited 20 s for %s; the page is %s", what, loc)
}

func eval[T any](t *testing.T, ctx context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("%s: %v", expression, err)
	}
	return v
}

// keep saves a screenshot as a test artifact: in .cache/artifacts/browser
// (kept across runs) and in the test's artifact directory (go test -artifacts).
func keep(t *testing.T, cache, name string, png []byte) {
	t.Helper()
	for _, dir := range []string{filepath.Join(cache, "artifacts", "browser"), t.ArtifactDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s (%d bytes) in %s", name, len(png), filepath.Join(cache, "artifacts", "browser"))
}

// TestSharedLinkEndToEndInChromium is the growth loop as people live it,
// in a real browser: Carmen opens the link Dev shared (via Sam) signed out,
// reads the posting on a laptop and on a 390-px phone, chooses I'm
// interested, signs in on the provider's page (Authorization Code + PKCE),
// comes back to the same page and sees the confirmation; Alice, the
// poster, is notified; then Bob opens the same link, shares it onward,
// and gets his own link, one step further down the chain.
func TestSharedLinkEndToEndInChromium(t *testing.T) {
	ctx := browser(t)
	cache, err := ddblocal.DefaultCacheDir() // the repository's .cache, before the stack points it elsewhere
	if err != nil {
		t.Fatal(err)
	}
	base, _, signIn := stack(t, "browser", t.TempDir())
	// Alice posts a job of her own; Sam shares it with Dev, who shares it on.
	alice, sam, dev := signIn("alice"), signIn("sam"), signIn("dev")
	status, body := call(t, "POST", base+"/postings", alice, `{"title":"Junior data analyst (6-month contract)","description":"Survey data.",`+
		`"organization":"Lyon Business School Alumni","kind":"job","compensation":"paid","pay":{"min":2100,"max":2400,"currency":"EUR","unit":"month"},`+
		`"audience":["recent_grads","career_changers"],"workplace":"hybrid","location":{"city":"Lyon","country":"FR"},"visibility":"public",`+
		`"valid_through":"`+time.Now().UTC().Add(72*time.Hour).Format(time.RFC3339)+`"}`)
	var posting struct{ ID string }
	if _ = json.Unmarshal([]byte(body), &posting); status != 201 {
		t.Fatalf("alice posts = %d %s", status, body)
	}
	var samLink, devLink struct{ Token, URL string }
	_, body = call(t, "POST", base+"/postings/"+posting.ID+"/referrals", sam, `{}`)
	_ = json.Unmarshal([]byte(body), &samLink)
	_, body = call(t, "POST", base+"/postings/"+posting.ID+"/referrals", dev, `{"via":"`+samLink.Token+`"}`)
	_ = json.Unmarshal([]byte(body), &devLink)
	referral := devLink.URL

	// The API reference renders from the API alone (no CDN: this browser has
	// no network beyond the machine).
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/docs")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the API reference", `document.querySelectorAll("#ops .op").length > 20 && !!document.getElementById("express-interest")`)

	// Carmen, signed out, opens the link.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 900), chromedp.Navigate(referral),
		chromedp.WaitVisible(chromedp.CSS("#lead-title"))); err != nil {
		t.Fatal(err)
	}
	text := eval[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"Junior data analyst (6-month contract)", "Shared with you by Dev Patel, who had it from Sam Lee",
		"Lyon Business School Alumni", "Paid · 2100–2400 EUR a month", "Recent grads, career changers", "Deadline", "I'm interested", "Share it onward"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	wide, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	keep(t, cache, "landing-1200.png", wide)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390-px phone the page is %d px wide: it scrolls sideways", w)
	}
	phone, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	keep(t, cache, "landing-390.png", phone)
	postingID := eval[string](t, ctx, `document.getElementById("main").dataset.posting`)
	token := eval[string](t, ctx, `document.getElementById("main").dataset.token`)

	// Keyboard only: Tab walks the page in reading order through both actions.
	var order []string
	for i := 0; i < 8; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		order = append(order, eval[string](t, ctx, `(function(e){ return e.id || (e.closest("form") ? e.closest("form").id + ":" + e.tagName : e.className) })(document.activeElement)`))
	}
	if got, want := strings.Join(order, " "), "skip message share_with_chain interest-form:BUTTON share-form:BUTTON"; !strings.Contains(got, want) {
		t.Errorf("Tab order = %s, want it to contain %s", got, want)
	}

	// I'm interested, with a message, by keyboard: the sign-in comes first.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#message")), chromedp.KeyEvent("Two years of survey analysis."),
		chromedp.Focus(chromedp.CSS("#interest-form button[type=submit]")), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the provider's sign-in page", `!!document.querySelector('button[value="carmen"]')`)
	if !strings.Contains(eval[string](t, ctx, `document.body.innerText`), "Carmen Ruiz") {
		t.Error("the sign-in page does not list the demo members by name")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="carmen"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the confirmation on the same page", `location.pathname === "/r/`+token+`" && /^Done/.test(document.getElementById("result").textContent)`)
	done, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		keep(t, cache, "interested-390.png", done)
	}

	// The poster hears of it, with the message.
	if !waitNotification(t, base, alice, "interest", postingID, 15*time.Second) {
		t.Error("alice (the poster) was not notified of carmen's interest")
	}
	_, body = call(t, "GET", base+"/postings/"+postingID+"/interest", alice, "")
	if !strings.Contains(body, `"member_id":"carmen"`) || !strings.Contains(body, "Two years of survey analysis.") || !strings.Contains(body, token) {
		t.Errorf("the interest alice reads: %s", body)
	}

	// Bob, in a new tab (signed out there), shares it onward.
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1200, 900), chromedp.Navigate(referral),
		chromedp.WaitVisible(chromedp.CSS("#share-form")), chromedp.Click(chromedp.CSS("#share-form button"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tab, "the provider's sign-in page", `!!document.querySelector('button[value="bob"]')`)
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`button[value="bob"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tab, "bob's new link", `!!document.getElementById("my-link") && document.getElementById("my-link").value.includes("/r/")`)
	shared, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err == nil {
		keep(t, cache, "shared-onward-1200.png", shared)
	}
	bobLink := eval[string](t, tab, `document.getElementById("my-link").value`)
	if bobLink == referral {
		t.Fatal("bob was handed dev's link back")
	}
	var devPage, bobPage struct {
		Depth    int
		SharedBy struct{ Name string } `json:"shared_by"`
		Via      struct{ Name string }
	}
	_, body = call(t, "GET", referral, "", "")
	_ = json.Unmarshal([]byte(body), &devPage)
	_, body = call(t, "GET", bobLink, "", "")
	_ = json.Unmarshal([]byte(body), &bobPage)
	if bobPage.Depth != devPage.Depth+1 || bobPage.SharedBy.Name != "Bob Okafor" || bobPage.Via.Name != "Dev Patel" {
		t.Errorf("bob's link: depth %d (dev's %d), shared by %q via %q", bobPage.Depth, devPage.Depth, bobPage.SharedBy.Name, bobPage.Via.Name)
	}
}

// waitNotification polls a member's inbox for a notification of typ about
// postingID.
func waitNotification(t *testing.T, base, token, typ, postingID string, wait time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		_, body := call(t, "GET", base+"/me/notifications?limit=100", token, "")
		if strings.Contains(body, fmt.Sprintf(`"type":"%s"`, typ)) && strings.Contains(body, postingID) {
			return true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}
