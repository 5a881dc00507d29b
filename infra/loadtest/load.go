// Package loadtest drives the local stack the way many members would at
// once — creating postings, sharing links, expressing interest, connecting —
// and then checks that nothing was lost or doubled: every acknowledged
// write is there exactly once and every notification it calls for arrived
// exactly once. Traffic goes to loopback only and is bounded in count and
// time.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"
)

// Config sizes a run.
type Config struct {
	BaseURL string // the local stack, e.g. http://127.0.0.1:8080
	// Token signs a member in at the stack's OpenID Connect provider.
	Token        func(ctx context.Context, member string) (string, error)
	Clients      int    // concurrent members
	OpsPerClient int    // operations each member performs
	Seed         uint64 // makes the mix of operations repeatable
	// Settle is how long after the load ends to wait for notifications;
	// Bound is how soon the last owed one must have arrived (60 s).
	Settle, Bound time.Duration
}

// op names the kinds of operations in the mix.
type op string

const (
	opPost     op = "create posting"
	opRefer    op = "create referral"
	opInterest op = "express interest"
	opConnect  op = "request connection"
	opAccept   op = "accept connection"
	opSetup    op = "setup"
)

// mix is how often each operation is chosen, out of 100.
var mix = []struct {
	op     op
	weight int
}{{opPost, 30}, {opRefer, 25}, {opInterest, 20}, {opConnect, 15}, {opAccept, 10}}

// Run performs the load and the verification and returns the report; the
// error is non-nil when a check failed.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Clients < 3 {
		return nil, errors.New("loadtest: need at least 3 clients")
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxIdleConns: cfg.Clients}
	hc := &http.Client{Transport: transport, Timeout: 20 * time.Second}
	w := newWorld(cfg.Clients)
	clients := make([]*client, cfg.Clients)
	for i := range clients {
		id := memberID(i)
		tok, err := cfg.Token(ctx, id)
		if err != nil {
			return nil, err
		}
		clients[i] = &client{http: hc, base: cfg.BaseURL, id: id, token: tok}
	}
	rep := newReport()
	rep.Clients, rep.OpsPerClient = cfg.Clients, cfg.OpsPerClient
	if err := setup(clients, w, rep); err != nil {
		return rep, err
	}

	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func(i int, c *client) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
			for n := 0; n < cfg.OpsPerClient && ctx.Err() == nil; n++ {
				k := pick(rng)
				res, err := perform(k, c, i, w, rng)
				rep.record(k, res, err)
			}
		}(i, c)
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	// Notifications first, from the end of the load: how long the stream
	// takes to catch up is the measure (BENCHMARKS.md, "make load").
	rep.Bound = cfg.Bound
	if err := awaitNotifications(ctx, clients, w, rep, start.Add(rep.Duration), cfg.Settle); err != nil {
		return rep, err
	}
	rep.Failures = append(rep.Failures, verify(clients, w, rep)...)
	n := rep.Notifications
	if n.Complete && cfg.Bound > 0 && n.LastArrival > cfg.Bound {
		rep.Failures = append(rep.Failures, fmt.Sprintf("the last owed notification arrived %s after the load ended, bound %s",
			n.LastArrival.Round(100*time.Millisecond), cfg.Bound))
	}
	if n.Duplicates > 0 {
		rep.Failures = append(rep.Failures, fmt.Sprintf("%d notifications arrived more than once", n.Duplicates))
	}
	if len(rep.Failures) > 0 || rep.ServerErrors > 0 || len(rep.Unexpected) > 0 {
		return rep, errors.New("loadtest: checks failed")
	}
	return rep, nil
}

func pick(rng *rand.Rand) op {
	n := rng.IntN(100)
	for _, m := range mix {
		if n < m.weight {
			return m.op
		}
		n -= m.weight
	}
	return mix[0].op
}

// setup gives every member a profile and connects them in a ring, before
// the clock starts: ring neighbours are connected for the whole run, so
// every posting they post must reach them.
func setup(clients []*client, w *world, rep *Report) error {
	for _, c := range clients {
		res, err := c.call("PUT", "/me", map[string]any{"name": "Member " + c.id, "stage": "career_changer"})
		if err != nil || res.status != 201 {
			return fmt.Errorf("setup profile %s: %v %d %s", c.id, err, res.status, res.body)
		}
	}
	for i, c := range clients {
		next := clients[(i+1)%len(clients)]
		var conn struct{ ID string }
		res, err := c.call("POST", "/connections", map[string]any{"member_id": next.id})
		if err != nil || res.status != 201 || res.decode(&conn) != nil {
			return fmt.Errorf("setup connection %s-%s: %v %d %s", c.id, next.id, err, res.status, res.body)
		}
		res, err = next.call("POST", "/connections/"+conn.ID+"/accept", nil)
		if err != nil || res.status != 200 {
			return fmt.Errorf("setup accept %s: %v %d %s", conn.ID, err, res.status, res.body)
		}
		w.addConnection(c.id, next.id, true)
		rep.record(opSetup, res, nil)
	}
	return setupOrg(clients, w, rep)
}

// Report is what a run measured and found.
type Report struct {
	mu           sync.Mutex
	Latencies    map[op][]time.Duration
	Statuses     map[op]map[int]int
	ServerErrors int
	Unexpected   []string
	Duration     time.Duration
	Failures     []string
	Checked      map[string]int
	// Notifications: owed, arrived, doubled, and when the last arrived.
	Notifications Notifications
	Bound         time.Duration
	// Clients and OpsPerClient are the run's size (Config's).
	Clients, OpsPerClient int
}

func newReport() *Report {
	return &Report{Latencies: map[op][]time.Duration{}, Statuses: map[op]map[int]int{}, Checked: map[string]int{}}
}

func (r *Report) record(k op, res response, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.Unexpected = append(r.Unexpected, fmt.Sprintf("%s: %v", k, err))
		return
	}
	if res.status == 0 {
		return // nothing to do (no candidate)
	}
	if r.Statuses[k] == nil {
		r.Statuses[k] = map[int]int{}
	}
	r.Statuses[k][res.status]++
	r.Latencies[k] = append(r.Latencies[k], res.took)
	if res.status >= 500 {
		r.ServerErrors++
	}
}

// Print writes the report as a table.
func (r *Report) Print(w interface{ Write([]byte) (int, error) }) {
	total := 0
	fmt.Fprintf(w, "%-20s %8s %9s %9s  %s\n", "operation", "count", "p50", "p99", "statuses")
	for _, m := range append(mix, struct {
		op     op
		weight int
	}{opSetup, 0}) {
		lat := r.Latencies[m.op]
		if len(lat) == 0 {
			continue
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		if m.op != opSetup {
			total += len(lat)
		}
		fmt.Fprintf(w, "%-20s %8d %9s %9s  %v\n", m.op, len(lat), lat[len(lat)/2].Round(time.Microsecond*10),
			lat[len(lat)*99/100].Round(time.Microsecond*10), r.Statuses[m.op])
	}
	fmt.Fprintf(w, "%d operations in %s (%.0f ops/s), %d server errors, %d unexpected\n",
		total, r.Duration.Round(time.Millisecond), float64(total)/r.Duration.Seconds(), r.ServerErrors, len(r.Unexpected))
	keys := make([]string, 0, len(r.Checked))
	for k := range r.Checked {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "verified: %-44s %d\n", k, r.Checked[k])
	}
	if n := r.Notifications; n.Owed > 0 {
		fmt.Fprintf(w, "notifications: %d owed, %d delivered, %d duplicates, %d missing; last owed one %s %.1f s after the load ended (bound %.0f s; each inbox's unread count read every %s to %s, by how far it was from complete; a round took up to %.1f s)\n",
			n.Owed, n.Delivered, n.Duplicates, n.Owed-n.Delivered, map[bool]string{true: "arrived by", false: "still missing at"}[n.Complete],
			n.LastArrival.Seconds(), r.Bound.Seconds(), pollEvery, maxCountPause, n.Reading.Seconds())
		// One benchmark-format line, for make bench's table (infra/cmd/benchtable).
		complete := 0
		if n.Complete && n.Duplicates == 0 {
			complete = 1
		}
		fmt.Fprintf(w, "BenchmarkLoadNotifications 1 %.1f last-arrival-s %.0f bound-s %d owed %d delivered %d missing %d duplicates %d complete %d clients %d ops-per-client\n",
			n.LastArrival.Seconds(), r.Bound.Seconds(), n.Owed, n.Delivered, n.Owed-n.Delivered, n.Duplicates, complete, r.Clients, r.OpsPerClient)
	}
	for _, u := range r.Unexpected[:min(len(r.Unexpected), 20)] {
		fmt.Fprintln(w, "UNEXPECTED:", u)
	}
	if n := len(r.Unexpected) - 20; n > 0 {
		fmt.Fprintf(w, "UNEXPECTED: ... and %d more\n", n)
	}
	// The wait's and the run's summaries come first and last among the
	// failures: keep both ends.
	shown := r.Failures
	if len(shown) > 50 {
		shown = append(slices.Clone(shown[:45]), shown[len(shown)-5:]...)
		fmt.Fprintf(w, "FAILED: %d failures; the first 45 and the last 5:\n", len(r.Failures))
	}
	for _, f := range shown {
		fmt.Fprintln(w, "FAILED:", f)
	}
}
