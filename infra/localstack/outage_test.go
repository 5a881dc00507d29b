package localstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/ddblocal"
)

// TestOutageMidTraffic stops DynamoDB Local for ~5 s while members keep
// posting: the API answers 503 problem+json with Retry-After (never a 500,
// never a hang past Lambda's timeout), and once the database is back every
// acknowledged posting is there and the stream pump announces each exactly
// once.
func TestOutageMidTraffic(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	db, err := ddblocal.Start(ctx, ddblocal.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Stop() })
	// The functions' own budget (2 s an attempt), not the local stack's
	// longer wait, so the outage is met as in AWS.
	base, _, signIn := stackOn(t, "outage", t.TempDir(), db.Endpoint, map[string]string{"DYNAMODB_LOCAL_ATTEMPT_TIMEOUT": "2s"})
	bob, alice := signIn("bob"), signIn("alice")

	var (
		mu       sync.Mutex
		acked    []string
		statuses = map[int]int{}
		slowest  time.Duration
		bad      []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				status, hdr, body := post(base+"/postings", bob, fmt.Sprintf(`{"title":"Lead %d-%d","description":"d","kind":"job",`+
					`"compensation":"paid","workplace":"remote","field":"data","visibility":"network","valid_through":"%s"}`,
					w, i, time.Now().UTC().Add(48*time.Hour).Format(time.RFC3339)))
				took := time.Since(start)
				mu.Lock()
				statuses[status]++
				slowest = max(slowest, took)
				switch {
				case status == 201:
					var p struct{ ID string }
					_ = json.Unmarshal([]byte(body), &p)
					acked = append(acked, p.ID)
				case status == 503:
					if hdr.Get("Retry-After") == "" || hdr.Get("Content-Type") != "application/problem+json" {
						bad = append(bad, fmt.Sprintf("503 without Retry-After/problem: %v %s", hdr, body))
					}
					if strings.Contains(body, "127.0.0.1") || strings.Contains(body, "connect") {
						bad = append(bad, "503 leaks internals: "+body)
					}
				default:
					bad = append(bad, fmt.Sprintf("%d %s", status, body))
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}(w)
	}

	time.Sleep(1500 * time.Millisecond)
	if err := db.Stop(); err != nil {
		t.Logf("stop: %v", err)
	}
	time.Sleep(5 * time.Second)
	db, err = ddblocal.Start(ctx, ddblocal.Options{DataDir: data, Port: db.Port})
	if err != nil {
		t.Fatalf("restart DynamoDB Local: %v", err)
	}
	t.Cleanup(func() { _ = db.Stop() })
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	t.Logf("statuses %v, slowest response %s, %d acknowledged", statuses, slowest, len(acked))
	for _, b := range bad {
		t.Error(b)
	}
	if statuses[503] == 0 {
		t.Error("no 503 during the outage")
	}
	if slowest > 9*time.Second {
		t.Errorf("a request took %s: past Lambda's 10 s timeout", slowest)
	}
	for _, id := range acked {
		if status, _, body := get(base+"/postings/"+id, bob); status != 200 {
			t.Errorf("acknowledged lead %s = %d %s", id, status, body)
		}
	}
	// The pump catches up: alice (bob's connection) has one new_lead per
	// acknowledged posting, and none twice.
	deadline := time.Now().Add(30 * time.Second)
	for {
		counts := newPostingCounts(t, base, alice)
		missing, dup := 0, 0
		for _, id := range acked {
			if counts[id] == 0 {
				missing++
			}
		}
		for id, n := range counts {
			if n > 1 {
				dup++
				t.Errorf("lead %s announced %d times", id, n)
			}
		}
		if dup > 0 || missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%d acknowledged leads never announced to alice", missing)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func post(url, token, body string) (int, http.Header, string) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return do(req)
}

func get(url, token string) (int, http.Header, string) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(req)
}

func do(req *http.Request) (int, http.Header, string) {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// newPostingCounts counts a member's new_lead notifications per posting, reading
// every page of the inbox.
func newPostingCounts(t *testing.T, base, token string) map[string]int {
	t.Helper()
	counts, cursor := map[string]int{}, ""
	for {
		_, _, body := get(base+"/me/notifications?limit=100&cursor="+cursor, token)
		var inbox struct {
			Items []struct {
				Type      string `json:"type"`
				PostingID string `json:"posting_id"`
			}
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(body), &inbox); err != nil {
			t.Fatalf("inbox: %v %s", err, body)
		}
		for _, it := range inbox.Items {
			if it.Type == "new_lead" {
				counts[it.PostingID]++
			}
		}
		if inbox.NextCursor == "" {
			return counts
		}
		cursor = inbox.NextCursor
	}
}
