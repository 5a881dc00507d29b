package loadtest

import (
	"fmt"
)

// The organisation of a run: load000 creates it and makes load001 an admin;
// every other even-numbered member joins. Its admins post on its behalf
// (ops.go), so interest in organisation postings, which must reach the poster,
// every admin and the chain, is part of every run.
type orgInfo struct {
	id      string
	admins  []string
	members []string // admins included
}

func (o *orgInfo) isAdmin(id string) bool {
	for _, a := range o.admins {
		if a == id {
			return true
		}
	}
	return false
}

func (w *world) isOrgPosting(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.postings {
		if p.id == id {
			return p.org
		}
	}
	return false
}

// setupOrg creates the organisation and its memberships. Where adding a
// member is an invitation the invitee accepts, the invitee accepts it.
func setupOrg(clients []*client, w *world, rep *Report) error {
	owner := clients[0]
	var org struct{ ID string }
	res, err := owner.call("POST", "/orgs", map[string]any{"name": "Load Test Alumni", "kind": "alumni_association"})
	if err != nil || res.status != 201 || res.decode(&org) != nil {
		return fmt.Errorf("setup org: %v %d %s", err, res.status, res.body)
	}
	w.org = &orgInfo{id: org.ID, admins: []string{owner.id}, members: []string{owner.id}}
	for i, c := range clients[1:] {
		role := "member"
		switch {
		case i == 0:
			role = "admin"
		case (i+1)%2 != 0:
			continue
		}
		res, err := owner.call("POST", "/orgs/"+org.ID+"/members", map[string]any{"member_id": c.id, "role": role})
		if err != nil || (res.status != 201 && res.status != 200 && res.status != 202) {
			return fmt.Errorf("setup org member %s: %v %d %s", c.id, err, res.status, res.body)
		}
		rep.record(opSetup, res, nil)
		accepted, err := c.call("POST", "/orgs/"+org.ID+"/invitation/accept", nil)
		if err != nil || accepted.status >= 500 {
			return fmt.Errorf("setup org invitation %s: %v %d %s", c.id, err, accepted.status, accepted.body)
		}
		w.org.members = append(w.org.members, c.id)
		if role == "admin" {
			w.org.admins = append(w.org.admins, c.id)
		}
	}
	return nil
}
