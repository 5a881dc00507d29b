package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"
)

// verify compares what the server holds with what it acknowledged,
// notifications included (awaitNotifications waited for them first).
func verify(clients []*client, w *world, rep *Report) []string {
	var fails []string
	fail := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	byID := map[string]*client{}
	for _, c := range clients {
		byID[c.id] = c
	}

	// Postings: each member's list holds exactly the postings they were told
	// were created.
	want := map[string]map[string]bool{}
	for _, p := range w.postings {
		if want[p.poster] == nil {
			want[p.poster] = map[string]bool{}
		}
		want[p.poster][p.id] = true
	}
	for _, c := range clients {
		seen := map[string]int{}
		err := c.pages("/me/postings", func(items json.RawMessage) error {
			var ps []struct{ ID string }
			if err := json.Unmarshal(items, &ps); err != nil {
				return err
			}
			for _, p := range ps {
				seen[p.ID]++
			}
			return nil
		})
		if err != nil {
			fail("list %s's postings: %v", c.id, err)
			continue
		}
		fails = append(fails, sameOnce("postings of "+c.id, want[c.id], seen)...)
	}
	rep.Checked["postings present exactly once"] = len(w.postings)

	// Links: each member's links, and interests counted along every chain.
	wantLinks := map[string]map[string]bool{}
	wantCount := map[string]int{}
	for _, in := range w.interests {
		// Every link on the chain counts it, except the interested member's own.
		for t := in.token; t != ""; t = w.links[t].parent {
			if w.links[t].referrer != in.member {
				wantCount[t]++
			}
		}
	}
	for _, l := range w.links {
		if wantLinks[l.referrer] == nil {
			wantLinks[l.referrer] = map[string]bool{}
		}
		wantLinks[l.referrer][l.token] = true
	}
	for _, c := range clients {
		seen := map[string]int{}
		err := c.pages("/me/referrals", func(items json.RawMessage) error {
			var ls []struct {
				Token     string `json:"token"`
				Interests int    `json:"interests"`
			}
			if err := json.Unmarshal(items, &ls); err != nil {
				return err
			}
			for _, l := range ls {
				seen[l.Token]++
				if l.Interests != wantCount[l.Token] {
					fail("link %s counts %d interests, want %d", l.Token, l.Interests, wantCount[l.Token])
				}
			}
			return nil
		})
		if err != nil {
			fail("list %s's links: %v", c.id, err)
			continue
		}
		fails = append(fails, sameOnce("links of "+c.id, wantLinks[c.id], seen)...)
	}
	rep.Checked["links present once, interests counted"] = len(w.links)

	// Interests: each posting's poster sees each interested member once.
	wantIn := map[string]map[string]bool{}
	poster := map[string]string{}
	for _, p := range w.postings {
		poster[p.id] = p.poster
	}
	for _, in := range w.interests {
		if wantIn[in.posting] == nil {
			wantIn[in.posting] = map[string]bool{}
		}
		wantIn[in.posting][in.member] = true
	}
	for pid, members := range wantIn {
		seen := map[string]int{}
		err := byID[poster[pid]].pages("/postings/"+pid+"/interest", func(items json.RawMessage) error {
			var is []struct {
				MemberID string `json:"member_id"`
			}
			if err := json.Unmarshal(items, &is); err != nil {
				return err
			}
			for _, i := range is {
				seen[i.MemberID]++
			}
			return nil
		})
		if err != nil {
			fail("list interest in %s: %v", pid, err)
			continue
		}
		fails = append(fails, sameOnce("interest in "+pid, members, seen)...)
	}
	rep.Checked["interests present exactly once"] = len(w.interests)

	// Connections: both sides see each accepted connection and each
	// pending request.
	wantConn := map[string]map[string]bool{} // member|status -> other
	add := func(member, status, other string) {
		k := member + "|" + status
		if wantConn[k] == nil {
			wantConn[k] = map[string]bool{}
		}
		wantConn[k][other] = true
	}
	for p := range w.accepted {
		add(p[0], "accepted", p[1])
		add(p[1], "accepted", p[0])
	}
	for _, p := range w.pending {
		add(p[0], "pending", p[1])
		add(p[1], "pending", p[0])
	}
	for _, c := range clients {
		for _, status := range []string{"accepted", "pending"} {
			seen := map[string]int{}
			err := c.pages("/connections?status="+status, func(items json.RawMessage) error {
				var cs []struct {
					RequesterID string `json:"requester_id"`
					RecipientID string `json:"recipient_id"`
				}
				if err := json.Unmarshal(items, &cs); err != nil {
					return err
				}
				for _, x := range cs {
					other := x.RequesterID
					if other == c.id {
						other = x.RecipientID
					}
					seen[other]++
				}
				return nil
			})
			if err != nil {
				fail("list %s's %s connections: %v", c.id, status, err)
				continue
			}
			fails = append(fails, sameOnce(status+" connections of "+c.id, wantConn[c.id+"|"+status], seen)...)
		}
	}
	rep.Checked["connections as acknowledged"] = len(w.accepted) + len(w.pending)

	// Read every inbox once more, after the checks above: a notification
	// delivered twice late is seen too.
	expected := expectedNotifications(w, poster)
	got, err := readInboxes(clients, nil)
	if err != nil {
		return append(fails, err.Error())
	}
	fails = append(fails, compareNotifications(w, expected, got)...)
	n := &rep.Notifications
	for k, want := range expected {
		n.Owed += want
		n.Delivered += min(got[k], want)
		n.Duplicates += max(got[k]-want, 0)
	}
	for k, c := range got {
		if expected[k] == 0 && c > 1 {
			n.Duplicates += c - 1
		}
	}
	org := 0
	for k, c := range expected {
		if w.isOrgPosting(k.posting) && (k.typ == "interest" || k.typ == "referral_credit") {
			org += c
		}
	}
	rep.Checked["notifications delivered exactly once"] = n.Owed
	rep.Checked["of which about interest in org postings"] = org
	return fails
}

// Notifications is what the wait for notifications measured: how many the
// acknowledged writes owed, how many of them arrived and how many arrived
// more than once, and when the last owed one arrived, counted from the end
// of the load (bound: 60 s; BENCHMARKS.md, "make load").
type Notifications struct {
	Owed, Delivered, Duplicates int
	// LastArrival is when the last inbox to complete was seen holding all
	// it is owed, after the load ended: an upper bound, at most a pause
	// (pollEvery, or a round's time if longer) plus a round above the true
	// time. An inbox is complete when a full reading finds everything it
	// is owed; it was so when its unread count was read if the reading
	// found no more notifications than that count, else when the reading
	// ended.
	LastArrival time.Duration
	Reading     time.Duration // the longest round of the wait
	Complete    bool          // every owed notification arrived within the wait
}

// pollEvery is the shortest pause between two rounds of the wait.
const pollEvery = time.Second

// awaitNotifications waits until every notification the acknowledged writes
// owe has arrived, or until settle has passed since loadEnd, and records
// when that was. Reading an inbox in full, page after page with the names
// of each page, is slow at 50 x 200 (about 1,100 notifications an inbox)
// and loads the same DynamoDB Local the stream functions are draining. So
// the wait first asks each inbox still waiting only for its unread count
// (the members never read during the load, so it counts everything
// delivered), every pollEvery or, for an inbox far from complete, less
// often (pacing), and notes when the count first reached
// what the inbox is owed; only once every inbox has reached it are they
// read in full, once, to check each holds exactly what it is owed. An
// inbox whose full reading holds no more than its count held then had
// everything at that count (nothing else was delivered to it); one that
// holds more, or misses some, is read in full each round until complete,
// and timed by that reading.
func awaitNotifications(ctx context.Context, clients []*client, w *world, rep *Report, loadEnd time.Time, settle time.Duration) error {
	poster := map[string]string{}
	for _, p := range w.postings {
		poster[p.id] = p.poster
	}
	expected := expectedNotifications(w, poster)
	owed := map[string]map[notif]int{} // by recipient
	total := map[string]int{}
	for k, c := range expected {
		if owed[k.recipient] == nil {
			owed[k.recipient] = map[notif]int{}
		}
		owed[k.recipient][k] = c
		total[k.recipient] += c
	}
	var owing []*client // an inbox owed nothing is complete from the start
	for _, c := range clients {
		if total[c.id] > 0 {
			owing = append(owing, c)
		}
	}
	todo := owing
	reached := &counts{at: map[string]countAt{}}
	seen := &readCounts{at: map[string]int{}}
	// The wait's phases: the unread counts only, then one full reading of
	// every inbox, then full readings of those found incomplete.
	const (
		counting = iota
		verifying
		rereading
	)
	phase := counting
	paces := &pacing{next: map[string]time.Time{}, last: map[string]countAt{}}
	check := func(c *client) (time.Time, bool, error) {
		switch phase {
		case counting:
			return countReached(c, total[c.id], reached, paces)
		case verifying:
			return verified(c, owed[c.id], reached)
		}
		return inboxComplete(c, owed[c.id], total[c.id], seen)
	}
	var last time.Duration // when the latest inbox to complete did
	n := &rep.Notifications
	for {
		start := time.Now()
		var (
			mu    sync.Mutex
			still []*client
			errs  []error
			wg    sync.WaitGroup
		)
		sem := make(chan struct{}, inboxReaders)
		for _, c := range todo {
			if phase == counting && !paces.due(c.id, start) {
				still = append(still, c)
				continue
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				at, done, err := check(c)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					errs = append(errs, err)
				case !done:
					still = append(still, c)
				case phase != counting:
					last = max(last, at.Sub(loadEnd))
				}
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			return errs[0]
		}
		n.Reading = max(n.Reading, time.Since(start))
		todo = still
		switch {
		case phase == counting && len(todo) == 0:
			// Every count reached what its inbox is owed: read each in
			// full, at once.
			phase = verifying
			todo = owing
			continue
		case phase == verifying:
			phase = rereading
		}
		if len(todo) == 0 {
			n.LastArrival, n.Complete = last, true
			return nil
		}
		if time.Since(loadEnd) > settle || ctx.Err() != nil {
			n.LastArrival = time.Since(loadEnd)
			// Every inbox not yet read complete, including those whose
			// count reached what they are owed but were not read since.
			unread := todo
			if phase == counting {
				unread = owing
			}
			missing := 0
			got, err := readInboxes(unread, nil)
			if err != nil {
				return err
			}
			for _, c := range unread {
				for k, want := range owed[c.id] {
					missing += max(want-got[k], 0)
				}
			}
			rep.Failures = append(rep.Failures, fmt.Sprintf("%d owed notifications still missing %s after the load ended",
				missing, n.LastArrival.Round(time.Second)))
			return nil
		}
		// A pause as long as pollEvery after a round that read, so the
		// wait's own reads take at most about half of DynamoDB Local;
		// while counting, until the next count is due.
		pause := pollEvery
		if phase == counting {
			pause = max(min(pause, time.Until(paces.earliest())), pollEvery/10)
		}
		time.Sleep(pause)
	}
}

// countAt is an inbox's unread count and when it was read.
type countAt struct {
	at     time.Time
	unread int
}

// counts is countAt by member, shared by a round's readers.
type counts struct {
	mu sync.Mutex
	at map[string]countAt
}

// unread reads c's unread count (one GET of a page of one notification),
// and when it was read.
func unread(c *client) (int, time.Time, error) {
	res, err := c.call("GET", "/me/notifications?limit=1", nil)
	if err != nil || res.status != 200 {
		return 0, time.Time{}, fmt.Errorf("read %s's unread count: %v", c.id, expect(err, res, 200))
	}
	at := time.Now()
	var page struct {
		Unread int `json:"unread"`
	}
	if err := res.decode(&page); err != nil {
		return 0, time.Time{}, err
	}
	return page.Unread, at, nil
}

// pacing is when each inbox's unread count is next read while counting:
// an inbox far from what it is owed, at the rate its count has been
// growing, is read again only when half of the time that would take has
// passed (at most maxCountPause, at least pollEvery), so the counts read
// while the stream drains leave DynamoDB Local to the drain, and an inbox
// close to complete is read every pollEvery, as before.
type pacing struct {
	mu   sync.Mutex
	next map[string]time.Time
	last map[string]countAt
}

// maxCountPause bounds the pause between two counts of one inbox: the
// most by which a burst of deliveries can delay seeing it complete.
const maxCountPause = 5 * time.Second

func (p *pacing) due(member string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !now.Before(p.next[member])
}

// done forgets member: its count is complete.
func (p *pacing) done(member string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.next, member)
}

// earliest is when the next count is due.
func (p *pacing) earliest() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var first time.Time
	for _, t := range p.next {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first
}

// read notes that member's count was n at at, of total owed, and when to
// read it next.
func (p *pacing) read(member string, n, total int, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pause := pollEvery
	if prev, ok := p.last[member]; ok && n > prev.unread && at.After(prev.at) {
		perItem := at.Sub(prev.at) / time.Duration(n-prev.unread)
		pause = min(max(perItem*time.Duration(total-n)/2, pollEvery), maxCountPause)
	}
	p.last[member] = countAt{at: at, unread: n}
	p.next[member] = at.Add(pause)
}

// countReached reports whether c's unread count has reached total, and
// notes when it first did; else when to count again (paces).
func countReached(c *client, total int, reached *counts, paces *pacing) (time.Time, bool, error) {
	n, at, err := unread(c)
	if err != nil {
		return time.Time{}, false, err
	}
	if n < total {
		paces.read(c.id, n, total, at)
		return time.Time{}, false, nil
	}
	paces.done(c.id)
	reached.mu.Lock()
	reached.at[c.id] = countAt{at: at, unread: n}
	reached.mu.Unlock()
	return at, true, nil
}

// verified reads c's inbox in full and reports whether it holds all it is
// owed (want), and since when: since its count reached what it is owed,
// if the reading holds no more than that count (nothing else was
// delivered, so that count was all of it), else since the reading.
func verified(c *client, want map[notif]int, reached *counts) (time.Time, bool, error) {
	got, err := readInboxes([]*client{c}, nil)
	if err != nil {
		return time.Time{}, false, err
	}
	readAt := time.Now()
	held := 0
	for _, n := range got {
		held += n
	}
	for k, n := range want {
		if got[k] < n {
			return time.Time{}, false, nil
		}
	}
	reached.mu.Lock()
	r := reached.at[c.id]
	reached.mu.Unlock()
	if held <= r.unread {
		return r.at, true, nil
	}
	return readAt, true, nil
}

// readCounts is the unread count each inbox was last read in full at, by
// member, shared by a round's readers.
type readCounts struct {
	mu sync.Mutex
	at map[string]int
}

// inboxComplete reports whether c's inbox holds everything it is owed
// (want; total of them), and when it was seen to: its unread count first,
// then, if that could be complete and changed since the last full reading,
// the whole inbox.
func inboxComplete(c *client, want map[notif]int, total int, seen *readCounts) (at time.Time, done bool, err error) {
	n, counted, err := unread(c)
	if err != nil {
		return time.Time{}, false, err
	}
	seen.mu.Lock()
	last, read := seen.at[c.id]
	seen.mu.Unlock()
	if n < total || (read && n == last) {
		return time.Time{}, false, nil
	}
	reached := &counts{at: map[string]countAt{c.id: {at: counted, unread: n}}}
	at, done, err = verified(c, want, reached)
	seen.mu.Lock()
	seen.at[c.id] = n
	seen.mu.Unlock()
	return at, done, err
}

// sameOnce reports ids missing from seen, extra in seen, or seen twice.
func sameOnce(what string, want map[string]bool, seen map[string]int) []string {
	var out []string
	for id := range want {
		if seen[id] == 0 {
			out = append(out, fmt.Sprintf("%s: acknowledged %s missing", what, id))
		}
	}
	for id, n := range seen {
		switch {
		case !want[id]:
			out = append(out, fmt.Sprintf("%s: %s was never acknowledged", what, id))
		case n > 1:
			out = append(out, fmt.Sprintf("%s: %s listed %d times", what, id, n))
		}
	}
	sort.Strings(out)
	return out
}

// notif identifies a notification by what a member would notice.
type notif struct{ recipient, typ, posting, actor string }

// expectedNotifications is every notification the acknowledged writes call
// for, with how many of each a member would count (referral credits of
// members who did not share their name look alike).
func expectedNotifications(w *world, poster map[string]string) map[notif]int {
	exp := map[notif]int{}
	byID := map[string]*posting{}
	for _, p := range w.postings {
		byID[p.id] = p
	}
	for _, p := range w.requested {
		exp[notif{p[1], "connection_request", "", p[0]}] = 1
	}
	for p := range w.accepted {
		exp[notif{p[0], "connection_accepted", "", p[1]}] = 1
	}
	if w.org != nil { // every member joined by an invitation from the owner
		for _, m := range w.org.members[1:] {
			exp[notif{m, "org_invitation", "", w.org.members[0]}] = 1
		}
	}
	for _, in := range w.interests {
		owners := map[string]bool{poster[in.posting]: true}
		if byID[in.posting].org {
			// An organisation's posting: its admins hear too.
			for _, a := range w.org.admins {
				owners[a] = true
			}
		}
		for o := range owners {
			if o != in.member {
				exp[notif{o, "interest", in.posting, in.member}] = 1
			}
		}
		actor := ""
		if in.shared {
			actor = in.member
		}
		for _, m := range in.chain {
			if m != poster[in.posting] && m != in.member && !owners[m] {
				exp[notif{m, "referral_credit", in.posting, actor}]++
			}
		}
	}
	for _, p := range w.postings {
		if p.org {
			for _, m := range w.org.members {
				if m != p.poster {
					exp[notif{m, "new_lead", p.id, p.poster}] = 1
				}
			}
			continue
		}
		for i := range w.members {
			m := memberID(i)
			if yes, _ := w.connectedWhen(p.poster, m, p.created); yes && m != p.poster {
				exp[notif{m, "new_lead", p.id, p.poster}] = 1
			}
		}
	}
	return exp
}

// inboxReaders is how many inboxes are read at once.
const inboxReaders = 8

// readInboxes reads the inboxes of clients, inboxReaders at a time; into,
// if not nil, is added to.
func readInboxes(clients []*client, into map[notif]int) (map[notif]int, error) {
	got := into
	if got == nil {
		got = map[notif]int{}
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	sem := make(chan struct{}, inboxReaders)
	for _, c := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			mine := map[notif]int{}
			err := c.pages("/me/notifications", func(items json.RawMessage) error {
				var ns []struct {
					Type      string `json:"type"`
					PostingID string `json:"posting_id"`
					ActorID   string `json:"actor_id"`
				}
				if err := json.Unmarshal(items, &ns); err != nil {
					return err
				}
				for _, n := range ns {
					mine[notif{c.id, n.Type, n.PostingID, n.ActorID}]++
				}
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("read %s's inbox: %v", c.id, err))
				return
			}
			for k, n := range mine {
				got[k] += n
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return got, nil
}

// compareNotifications: every expected one exactly once; nothing twice;
// nothing unexpected, except a new lead reaching a connection accepted
// while the lead was being posted (the two requests overlapped, so either
// may have come first).
func compareNotifications(w *world, expected map[notif]int, got map[notif]int) []string {
	byID := map[string]*posting{}
	for _, p := range w.postings {
		byID[p.id] = p
	}
	var out []string
	for k, n := range expected {
		if got[k] != n {
			out = append(out, fmt.Sprintf("notification %+v delivered %d times, want %d", k, got[k], n))
		}
	}
	for k, n := range got {
		if expected[k] > 0 {
			continue
		}
		// A connection accepted while the lead was being posted may or may
		// not have been in the poster's network then.
		inFlight := false
		if p := byID[k.posting]; k.typ == "new_lead" && p != nil && !p.org {
			_, inFlight = w.connectedWhen(k.actor, k.recipient, p.created)
		}
		if !inFlight || n > 1 {
			out = append(out, fmt.Sprintf("unexpected notification %+v (%d)", k, n))
		}
	}
	sort.Strings(out)
	return out
}
