package notify

import (
	"context"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// searchAlerts tells members whose saved searches match a new posting
// (docs/rules.md, "Saved searches"): one search_match per member and
// posting however many of their searches match, at once for an instant
// alert, queued for the digest for daily and weekly ones. It reads only
// the alert partitions the posting's own words and attributes name, so its
// cost follows the posting and the searches that match, not how many are
// stored. A posting that is no longer open, or has expired, alerts nobody.
// It also tallies the posting's words for the batch to count (the rarity
// keyword search reads; term_tally.go). current is the posting as the
// table holds it (nil: gone).
func (h *Handler) searchAlerts(ctx context.Context, current *warmlead.Posting, count func(keys []string)) (int, error) {
	now := h.now()
	if current == nil || !current.Open(now) {
		return 0, nil
	}
	count(warmlead.PostingTerms(current).Keys())
	return h.matchSavedSearches(ctx, h.store, current, now)
}

// matchSavedSearches alerts the members whose searches match p (open at now).
func (h *Handler) matchSavedSearches(ctx context.Context, sa warmlead.SearchAlertStore, p *warmlead.Posting, now time.Time) (int, error) {
	cands, err := sa.SearchAlertCandidates(ctx, warmlead.PostingAlertKeys(p))
	if err != nil {
		return 0, err
	}
	type hit struct {
		cadences []warmlead.AlertCadence
		names    map[warmlead.AlertCadence]string
	}
	hits := map[string]*hit{}
	var members []string
	for _, s := range cands {
		if s.MemberID == p.PosterID || s.Alert == warmlead.AlertOff {
			continue
		}
		f, err := s.Query.Compile("")
		if err != nil || !f.Matches(p, now) {
			continue
		}
		m := hits[s.MemberID]
		if m == nil {
			m = &hit{names: map[warmlead.AlertCadence]string{}}
			hits[s.MemberID] = m
			members = append(members, s.MemberID)
		}
		m.cadences = append(m.cadences, s.Alert)
		if prev, ok := m.names[s.Alert]; !ok || s.Name < prev {
			m.names[s.Alert] = s.Name
		}
	}
	if len(members) == 0 {
		return 0, nil
	}
	sees, err := sa.MembersWhoSee(ctx, p, members)
	if err != nil {
		return 0, err
	}
	// Every alert is in the inbox at once; its cadence decides when it is
	// emailed (docs/email.md): at once, or in the daily or weekly digest.
	var instant []*warmlead.Notification
	fact := "posting:" + p.ID
	for _, m := range members {
		if !sees[m] {
			continue
		}
		cadence := warmlead.AlertFor(hits[m].cadences)
		summary := warmlead.SearchMatchSummary(hits[m].names[cadence], p.Title)
		if cadence == warmlead.AlertOff {
			continue
		}
		n := New(warmlead.NotifySearchMatch, m, p.PosterID, p.ID, fact, p.CreatedAt)
		n.Summary, n.Frequency = summary, cadence.Frequency()
		instant = append(instant, n)
	}
	if len(instant) > 0 {
		if err := h.store.PutNotifications(ctx, instant); err != nil {
			return 0, err
		}
	}
	return len(instant), nil
}

// MatchSavedSearches is matchSavedSearches for benchmarks: no counting, no re-read.
func (h *Handler) MatchSavedSearches(ctx context.Context, p *warmlead.Posting) (int, error) {
	return h.matchSavedSearches(ctx, h.store, p, h.now())
}
