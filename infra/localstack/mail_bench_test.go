package localstack_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/localstack"
	"github.com/warmlead/warmlead/infra/mailpit"
	"github.com/warmlead/warmlead/infra/testenv"
)

// BenchmarkFactToEmail measures, under `make run`'s stack (stream pump,
// notifier, follow-up stream step, Mailpit), the time from a fact (a
// connection request answered 201) to its instant email being readable in
// Mailpit's API: two hops through the stream (the request edge becomes a
// notification, the notification an email). 30 requests, one after another;
// reported p50 and p95.
func BenchmarkFactToEmail(b *testing.B) {
	const rounds = 30
	cache := b.TempDir()
	table := "factmail"
	env := map[string]string{"ADDR": "127.0.0.1:0", "TABLE_NAME": table, "DYNAMODB_ENDPOINT": testenv.Endpoint(), "WARMLEAD_CACHE_DIR": cache}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan localstack.Stack, 1)
	done := make(chan error, 1)
	go func() {
		done <- localstack.Serve(ctx, func(k string) string { return env[k] }, io.Discard, func(s localstack.Stack) { ready <- s })
	}()
	defer func() { cancel(); <-done }()
	var st localstack.Stack
	select {
	case st = <-ready:
	case err := <-done:
		b.Fatalf("stack: %v", err)
	case <-time.After(2 * time.Minute):
		b.Fatal("stack did not start")
	}
	mp := mailpit.Attach(st.MailpitURL)
	store := testenv.MustStore(b, testenv.ClientFor(b, testenv.Endpoint()), table)
	do := func(method, url, token, body string) int {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	var lat []time.Duration
	for n := 0; n < b.N; n++ {
		for i := 0; i < rounds; i++ {
			to, from := fmt.Sprintf("to%d-%02d", n, i), fmt.Sprintf("from%d-%02d", n, i)
			tTo, err := st.Token(context.Background(), to)
			if err != nil {
				b.Fatal(err)
			}
			tFrom, err := st.Token(context.Background(), from)
			if err != nil {
				b.Fatal(err)
			}
			do("PUT", st.BaseURL+"/me", tTo, `{"name":"Recipient","stage":"professional"}`)
			do("PUT", st.BaseURL+"/me", tFrom, `{"name":"Requester","stage":"student"}`)
			if err := store.SetMemberEmail(context.Background(), to, to+"@bench.test"); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if s := do("POST", st.BaseURL+"/connections", tFrom, `{"member_id":"`+to+`"}`); s != http.StatusCreated {
				b.Fatalf("request connection = %d", s)
			}
			for {
				got, err := mp.Messages("to:" + to + "@bench.test")
				if err != nil {
					b.Fatal(err)
				}
				if len(got) > 0 {
					break
				}
				if time.Since(start) > 30*time.Second {
					b.Fatal("no email within 30 s")
				}
				time.Sleep(5 * time.Millisecond) // polling Mailpit, not waiting on a clock
			}
			lat = append(lat, time.Since(start))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(100, "poll-ms") // the local stream pump polls every 100 ms (two hops)
}
