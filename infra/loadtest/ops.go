package loadtest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// perform runs one operation of kind k as client c and records what the
// server acknowledged. A response with status 0 means there was nothing to
// do (no posting to share yet, no pending request).
func perform(k op, c *client, i int, w *world, rng *rand.Rand) (response, error) {
	switch k {
	case opPost:
		public := rng.IntN(2) == 0
		vis := "network"
		if public {
			vis = "public"
		}
		body := map[string]any{
			"title": fmt.Sprintf("Lead by %s #%d", c.id, rng.IntN(1e6)), "description": "Load test lead.",
			"kind":         []string{"job", "internship", "informal_internship", "self_created_internship"}[rng.IntN(4)],
			"compensation": "unpaid", "workplace": "remote", "field": "data", "visibility": vis,
			"valid_through": time.Now().UTC().Add(72 * time.Hour).Format(time.RFC3339),
		}
		onBehalf := w.org.isAdmin(c.id) && rng.IntN(2) == 0
		if onBehalf {
			// An organisation's posting, public so anyone may take interest.
			body["org_id"], body["visibility"], public = w.org.id, "public", true
		}
		res, err := c.call("POST", "/postings", body)
		if err != nil || res.status != 201 {
			return res, expect(err, res, 201)
		}
		var p struct {
			ID        string    `json:"id"`
			CreatedAt time.Time `json:"created_at"`
		}
		if err := res.decode(&p); err != nil {
			return res, err
		}
		w.mu.Lock()
		w.postings = append(w.postings, &posting{id: p.ID, poster: c.id, public: public, org: onBehalf, created: p.CreatedAt})
		w.mu.Unlock()
		return res, nil

	case opRefer:
		p := w.visiblePosting(c.id, rng, false)
		if p == nil {
			return response{}, nil
		}
		body := map[string]any{}
		if l := w.randomLink(p.id, rng); l != nil && rng.IntN(2) == 0 {
			body["via"] = l.token
		}
		res, err := c.call("POST", "/postings/"+p.id+"/referrals", body)
		if err != nil || (res.status != 201 && res.status != 200) {
			return res, expect(err, res, 201, 200)
		}
		var l struct {
			Token       string   `json:"token"`
			ParentToken string   `json:"parent_token"`
			Chain       []string `json:"chain"`
		}
		if err := res.decode(&l); err != nil {
			return res, err
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		known := w.linkOf[[2]string{p.id, c.id}]
		switch {
		case res.status == 201 && known != "":
			return res, fmt.Errorf("a second link %s for %s on %s (first %s)", l.Token, c.id, p.id, known)
		case res.status == 200 && known != l.Token:
			return res, fmt.Errorf("existing link %s for %s on %s, recorded %q", l.Token, c.id, p.id, known)
		case res.status == 201:
			nl := &link{token: l.Token, posting: p.id, referrer: c.id, parent: l.ParentToken, chain: l.Chain}
			w.links[l.Token], w.linkOf[[2]string{p.id, c.id}] = nl, l.Token
			w.linksFor[p.id] = append(w.linksFor[p.id], nl)
		}
		return res, nil

	case opInterest:
		p := w.visiblePosting(c.id, rng, true)
		if p == nil {
			return response{}, nil
		}
		shared := rng.IntN(2) == 0
		body := map[string]any{"message": "Load test interest.", "share_with_chain": shared}
		if l := w.randomLink(p.id, rng); l != nil && rng.IntN(5) < 3 {
			body["referral_token"] = l.token
		}
		res, err := c.call("POST", "/postings/"+p.id+"/interest", body)
		if err != nil || (res.status != 201 && res.status != 200) {
			return res, expect(err, res, 201, 200)
		}
		var in struct {
			ReferralToken string `json:"referral_token"`
			Chain         []struct {
				ID string `json:"id"`
			} `json:"chain"`
		}
		if err := res.decode(&in); err != nil {
			return res, err
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		key := [2]string{p.id, c.id}
		switch {
		case res.status == 201 && w.interests[key] != nil:
			return res, fmt.Errorf("a second interest by %s in %s", c.id, p.id)
		case res.status == 200 && w.interests[key] == nil:
			return res, fmt.Errorf("a repeat interest by %s in %s that was never created", c.id, p.id)
		case res.status == 201:
			chain := make([]string, len(in.Chain))
			for i, m := range in.Chain {
				chain[i] = m.ID
			}
			w.interests[key] = &interest{posting: p.id, member: c.id, token: in.ReferralToken, chain: chain, shared: shared}
		}
		return res, nil

	case opConnect:
		j := rng.IntN(w.members)
		other := memberID(j)
		w.mu.Lock()
		ring := w.ring[[2]string{c.id, other}]
		w.mu.Unlock()
		if other == c.id || ring {
			return response{}, nil
		}
		res, err := c.call("POST", "/connections", map[string]any{"member_id": other, "met_via": "load test"})
		if err != nil || (res.status != 201 && res.status != 200) {
			return res, expect(err, res, 201, 200)
		}
		if res.status == 201 {
			w.mu.Lock()
			w.requested = append(w.requested, pair{c.id, other})
			w.pending[unordered(c.id, other)] = pair{c.id, other}
			w.mu.Unlock()
		}
		return res, nil

	case opAccept:
		res, err := c.call("GET", "/connections?status=pending&limit=100", nil)
		if err != nil || res.status != 200 {
			return res, expect(err, res, 200)
		}
		var page struct {
			Items []struct {
				ID          string `json:"id"`
				RequesterID string `json:"requester_id"`
				RecipientID string `json:"recipient_id"`
			} `json:"items"`
		}
		if err := res.decode(&page); err != nil {
			return res, err
		}
		var mine []int
		for i, it := range page.Items {
			if it.RecipientID == c.id {
				mine = append(mine, i)
			}
		}
		if len(mine) == 0 {
			return response{}, nil
		}
		it := page.Items[mine[rng.IntN(len(mine))]]
		sent := time.Now()
		res, err = c.call("POST", "/connections/"+it.ID+"/accept", nil)
		if err != nil || res.status != 200 {
			return res, expect(err, res, 200)
		}
		acked := time.Now()
		w.mu.Lock()
		w.accepted[pair{it.RequesterID, it.RecipientID}] = true
		if _, again := w.acceptedIn[unordered(it.RequesterID, it.RecipientID)]; !again {
			w.acceptedIn[unordered(it.RequesterID, it.RecipientID)] = span{sent, acked}
		}
		delete(w.pending, unordered(it.RequesterID, it.RecipientID))
		w.mu.Unlock()
		return res, nil
	}
	return response{}, fmt.Errorf("unknown operation %q", k)
}

// expect explains an unexpected outcome (5xx are counted separately).
func expect(err error, res response, want ...int) error {
	if err != nil {
		return err
	}
	if res.status >= 500 {
		return nil
	}
	return fmt.Errorf("status %d, want %v: %s", res.status, want, res.body)
}
