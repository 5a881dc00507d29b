package notify

import (
	"context"
	"slices"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// newPosting tells the poster's network about an open posting: the members of its
// organisation for an org posting, else the poster's connections accepted
// by the time it was posted;
// never the poster; and a member who set interests only when one of them
// matches the posting's title, field or skills (docs/rules.md, "Search"). Recipients arrive a Query page at a time, so a
// network of any size is read and written in bounded memory.
// now is the posting as the table holds it (nil: gone).
func (h *Handler) newPosting(ctx context.Context, p, now *warmlead.Posting) (int, error) {
	if now == nil || !now.Open(h.now()) {
		return 0, nil
	}
	total := 0
	var err error
	var pending []*warmlead.Notification // carried across pages so every write but the last is full
	each := func(ids []string) error {
		ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == p.PosterID })
		if len(ids) == 0 {
			return nil
		}
		interests, err := h.store.MemberInterests(ctx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if want, ok := interests[id]; ok && !warmlead.MatchesInterests(want, p) {
				continue
			}
			pending = append(pending, New(warmlead.NotifyNewPosting, id, p.PosterID, p.ID, "posting:"+p.ID, p.CreatedAt))
		}
		full := len(pending) / warmlead.NotificationBatch * warmlead.NotificationBatch
		if full == 0 {
			return nil
		}
		total += full
		err = h.store.PutNotifications(ctx, pending[:full])
		pending = slices.Delete(pending, 0, full)
		return err
	}
	if p.OrgID != "" {
		err = h.store.OrgMemberIDs(ctx, p.OrgID, 0, each)
	} else {
		// The network the poster had when posting: a connection made
		// later did not have the lead as news, and would otherwise hear of
		// it or not depending on how far behind the stream was.
		err = h.store.NetworkAt(ctx, p.PosterID, p.CreatedAt, 0, each)
	}
	if err != nil || len(pending) == 0 {
		return total, err
	}
	return total + len(pending), h.store.PutNotifications(ctx, pending)
}

// interest tells the poster and the organisation's admins that someone is
// interested, and credits everyone the interest credited (warmlead.Credit),
// naming the member to them only if they chose to share with the chain.
func (h *Handler) interest(ctx context.Context, in *warmlead.Interest) (int, error) {
	fact := "interest:" + in.PostingID + ":" + in.MemberID
	owners := []string{in.PosterID}
	if in.OrgID != "" {
		admins, err := h.store.OrgAdminIDs(ctx, in.OrgID)
		if err != nil {
			return 0, err
		}
		owners = append(owners, admins...)
	}
	var ns []*warmlead.Notification
	seen := map[string]bool{in.MemberID: true}
	for _, id := range owners {
		if !seen[id] {
			seen[id] = true
			ns = append(ns, New(warmlead.NotifyInterest, id, in.MemberID, in.PostingID, fact, in.CreatedAt))
		}
	}
	for _, id := range in.Credited() {
		if !seen[id] {
			seen[id] = true
			ns = append(ns, New(warmlead.NotifyReferralCredit, id, in.CreditActor(), in.PostingID, fact, in.CreatedAt))
		}
	}
	return len(ns), h.store.PutNotifications(ctx, ns)
}
