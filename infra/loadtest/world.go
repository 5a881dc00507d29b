package loadtest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// The ground truth: what the server acknowledged, as the clients saw it.

type posting struct {
	id, poster string
	public     bool
	org        bool      // posted on behalf of the organisation (org.go)
	created    time.Time // its created_at, as the server answered
}

// span is when a request was sent and when its answer came back: the
// server did the write somewhere in between.
type span struct{ sent, acked time.Time }

type link struct {
	token, posting, referrer, parent string
	chain                            []string
}

type interest struct {
	posting, member, token string
	chain                  []string
	shared                 bool // share_with_chain
}

type pair [2]string // requester, recipient

type world struct {
	mu        sync.Mutex
	members   int
	postings  []*posting
	links     map[string]*link        // by token
	linkOf    map[[2]string]string    // (posting, referrer) -> token
	linksFor  map[string][]*link      // by posting
	interests map[[2]string]*interest // (posting, member)
	ring      map[[2]string]bool      // connected before the run, both orders
	requested []pair                  // 201s of POST /connections
	accepted  map[pair]bool           // accepted (ring and during the run)
	// acceptedIn is when each connection accepted during the run was
	// accepted (by unordered pair): a new lead goes to the network the
	// poster had when posting it (README.md, "Notifications").
	acceptedIn map[[2]string]span
	pending    map[[2]string]pair // unordered pair -> request, while pending
	org        *orgInfo           // the run's organisation (org.go)
}

func newWorld(members int) *world {
	return &world{members: members, links: map[string]*link{}, linkOf: map[[2]string]string{},
		linksFor: map[string][]*link{}, interests: map[[2]string]*interest{}, ring: map[[2]string]bool{},
		accepted: map[pair]bool{}, acceptedIn: map[[2]string]span{}, pending: map[[2]string]pair{}, org: &orgInfo{}}
}

func unordered(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

func (w *world) addConnection(requester, recipient string, ring bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.requested = append(w.requested, pair{requester, recipient})
	w.accepted[pair{requester, recipient}] = true
	if ring {
		w.ring[[2]string{requester, recipient}], w.ring[[2]string{recipient, requester}] = true, true
	}
}

// visiblePosting picks a posting member may see without a link: public, their
// own, or a ring neighbour's.
func (w *world) visiblePosting(member string, rng *rand.Rand, notOwn bool) *posting {
	w.mu.Lock()
	defer w.mu.Unlock()
	for try := 0; try < 8 && len(w.postings) > 0; try++ {
		p := w.postings[rng.IntN(len(w.postings))]
		if notOwn && p.poster == member {
			continue
		}
		if p.public || p.poster == member || w.ring[[2]string{member, p.poster}] {
			return p
		}
	}
	return nil
}

func (w *world) randomLink(postingID string, rng *rand.Rand) *link {
	w.mu.Lock()
	defer w.mu.Unlock()
	ls := w.linksFor[postingID]
	if len(ls) == 0 {
		return nil
	}
	return ls[rng.IntN(len(ls))]
}

// connectedWhen tells whether a and b were connected when a posting was
// posted at t: yes (a ring pair, or accepted before t), no, or unknown when
// the accept was in flight at t.
func (w *world) connectedWhen(a, b string, t time.Time) (yes, unknown bool) {
	if w.ring[[2]string{a, b}] {
		return true, false
	}
	s, ok := w.acceptedIn[unordered(a, b)]
	switch {
	case !ok || !s.sent.Before(t):
		return false, false
	case s.acked.Before(t):
		return true, false
	}
	return false, true
}

// memberID is the id of the run's i-th member.
func memberID(i int) string { return fmt.Sprintf("load%03d", i) }
