package followup

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Sweeper delivers what fell due since the last run. It is safe to run
// twice at once or again after a failure: notification ids derive from
// what is due, and digests are claimed before they are sent.
type Sweeper struct {
	deps   Deps
	logger *slog.Logger
}

// NewSweeper returns the scheduled sweep.
func NewSweeper(logger *slog.Logger, deps Deps) *Sweeper { return &Sweeper{deps: deps, logger: logger} }

// Catch-up bounds: a first run looks back firstLookBack; a run after a long
// outage looks back at most maxLookBack (docs/followups.md).
const (
	firstLookBack = 24 * time.Hour
	maxLookBack   = 72 * time.Hour
)

// Report says what one run delivered.
type Report struct {
	From, To      time.Time
	Due           int
	Notifications int
	Digests       int
}

// Run delivers every entry due between the cursor and now, then moves
// the cursor to now.
func (s *Sweeper) Run(ctx context.Context) (*Report, error) {
	now := s.deps.now()
	store := s.deps.Stores.FollowUps
	from, err := store.SweepCursor(ctx)
	if err != nil {
		return nil, err
	}
	if from.IsZero() {
		from = now.Add(-firstLookBack)
	}
	if from.Before(now.Add(-maxLookBack)) {
		from = now.Add(-maxLookBack)
	}
	rep := &Report{From: from, To: now}
	if !from.Before(now) {
		return rep, nil
	}
	err = store.DueBetween(ctx, from, now, func(ds []*warmlead.Due) error {
		rep.Due += len(ds)
		return s.deliver(ctx, now, ds, rep)
	})
	if err != nil {
		return rep, err
	}
	if err := store.AdvanceSweepCursor(ctx, now); err != nil {
		return rep, err
	}
	s.logger.InfoContext(ctx, "swept", "from", from, "to", now, "due", rep.Due, "notifications", rep.Notifications, "digests", rep.Digests)
	return rep, nil
}

// deliver handles one page of due entries, kind by kind.
func (s *Sweeper) deliver(ctx context.Context, now time.Time, ds []*warmlead.Due, rep *Report) error {
	byKind := map[warmlead.DueKind][]*warmlead.Due{}
	for _, d := range ds {
		byKind[d.Kind] = append(byKind[d.Kind], d)
	}
	var ns []*warmlead.Notification
	var later []*warmlead.Due
	add := func(n []*warmlead.Notification, l []*warmlead.Due, err error) error {
		ns, later = append(ns, n...), append(later, l...)
		return err
	}
	if err := add(s.postingExpiring(ctx, byKind[warmlead.DuePostingExpiring])); err != nil {
		return err
	}
	if err := add(s.outcomePrompts(ctx, byKind[warmlead.DueOutcomePrompt])); err != nil {
		return err
	}
	if err := add(s.keepWarm(ctx, byKind[warmlead.DueKeepWarm])); err != nil {
		return err
	}
	if err := add(s.followUps(ctx, byKind[warmlead.DueFollowUp])); err != nil {
		return err
	}
	store := s.deps.Stores.FollowUps
	if len(ns) > 0 {
		if err := store.PutNotifications(ctx, ns); err != nil {
			return err
		}
		rep.Notifications += len(ns)
	}
	if len(later) > 0 {
		if err := store.PutDue(ctx, later); err != nil {
			return err
		}
	}
	for _, d := range byKind[warmlead.DueDigest] {
		sent, err := s.digest(ctx, d)
		if err != nil {
			return err
		}
		if sent {
			rep.Digests++
		}
	}
	return nil
}

// postingExpiring tells the poster and the organisation's admins of each posting
// still open with the same valid_through that it expires in 3 days.
func (s *Sweeper) postingExpiring(ctx context.Context, ds []*warmlead.Due) ([]*warmlead.Notification, []*warmlead.Due, error) {
	if len(ds) == 0 {
		return nil, nil, nil
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.PostingID
	}
	posts, err := s.deps.Stores.FollowUps.FindPostings(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var ns []*warmlead.Notification
	for _, d := range ds {
		p := posts[d.PostingID]
		if p == nil || p.Status != warmlead.StatusOpen || !p.ValidThrough.Equal(d.Version) {
			continue // closed, gone, or extended (a later entry covers it)
		}
		recipients := []string{p.PosterID}
		if p.OrgID != "" {
			admins, err := s.deps.Stores.FollowUps.OrgAdminIDs(ctx, p.OrgID)
			if err != nil {
				return nil, nil, err
			}
			recipients = append(recipients, admins...)
		}
		seen := map[string]bool{}
		fact := "lead_expiring:" + p.ID + ":" + p.ValidThrough.Format(time.RFC3339Nano)
		for _, r := range recipients {
			if !seen[r] {
				seen[r] = true
				ns = append(ns, newNotification(warmlead.NotifyPostingExpiring, r, p.PosterID, p.ID, fact, d.At))
			}
		}
	}
	return ns, nil, nil
}

// outcomePrompts asks members whose interest has no outcome yet how it went.
func (s *Sweeper) outcomePrompts(ctx context.Context, ds []*warmlead.Due) ([]*warmlead.Notification, []*warmlead.Due, error) {
	if len(ds) == 0 {
		return nil, nil, nil
	}
	keys := make([][2]string, len(ds))
	for i, d := range ds {
		keys[i] = [2]string{d.PostingID, d.MemberID}
	}
	found, err := s.deps.Stores.FollowUps.FindInterests(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	var ns []*warmlead.Notification
	for _, d := range ds {
		in := found[d.PostingID+"/"+d.MemberID]
		if in == nil || in.Outcome != "" {
			continue // withdrawn, or already told us
		}
		ns = append(ns, newNotification(warmlead.NotifyOutcomePrompt, in.MemberID, in.PosterID, in.PostingID,
			"outcome_prompt:"+in.PostingID+":"+in.MemberID, d.At))
	}
	return ns, nil, nil
}

// followUps reminds each requester whose conversation is still held (not
// thanked) to thank the advisor; one reminder per request, its id derived
// from the request.
func (s *Sweeper) followUps(ctx context.Context, ds []*warmlead.Due) ([]*warmlead.Notification, []*warmlead.Due, error) {
	if len(ds) == 0 {
		return nil, nil, nil
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.RequestID
	}
	found, err := s.deps.Stores.FollowUps.FindAdviceRequests(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var ns []*warmlead.Notification
	for _, d := range ds {
		r := found[d.RequestID]
		if !warmlead.FollowUpDue(r) {
			continue // thanked already, or gone
		}
		ns = append(ns, newNotification(warmlead.NotifyFollowUp, r.RequesterID, r.AdvisorID, "", "follow_up:"+r.ID, d.At))
	}
	return ns, nil, nil
}

// keepWarm gives each member with stale connections one notification
// naming up to five (the longest untouched first), and looks at each
// still-stale connection again at next week's sweep. An entry whose
// connection was touched since is dropped: the touch scheduled a new one.
func (s *Sweeper) keepWarm(ctx context.Context, ds []*warmlead.Due) ([]*warmlead.Notification, []*warmlead.Due, error) {
	if len(ds) == 0 {
		return nil, nil, nil
	}
	pairs := make([][2]string, len(ds))
	for i, d := range ds {
		pairs[i] = [2]string{d.MemberID, d.OtherID}
	}
	touched, days, err := s.deps.Stores.FollowUps.KeepWarmState(ctx, pairs)
	if err != nil {
		return nil, nil, err
	}
	stale := map[string][]warmlead.StaleConnection{}
	sweepAt := map[string]time.Time{}
	var later []*warmlead.Due
	for _, d := range ds {
		t, ok := touched[[2]string{d.MemberID, d.OtherID}]
		if !ok || !t.Equal(d.Version) {
			continue
		}
		due, on := warmlead.KeepWarmDue(t, days[d.MemberID])
		if !on {
			continue
		}
		if due.After(d.At) { // keep_warm_days grew since: wait
			later = append(later, &warmlead.Due{At: due, Kind: warmlead.DueKeepWarm, MemberID: d.MemberID, OtherID: d.OtherID, Version: t})
			continue
		}
		stale[d.MemberID] = append(stale[d.MemberID], warmlead.StaleConnection{OtherID: d.OtherID, TouchedAt: t})
		if d.At.After(sweepAt[d.MemberID]) {
			sweepAt[d.MemberID] = d.At
		}
		later = append(later, &warmlead.Due{At: warmlead.NextKeepWarmSweep(d.At.Add(time.Hour)), Kind: warmlead.DueKeepWarm,
			MemberID: d.MemberID, OtherID: d.OtherID, Version: t})
	}
	var ns []*warmlead.Notification
	for member, cs := range stale {
		sort.Slice(cs, func(i, j int) bool {
			if !cs[i].TouchedAt.Equal(cs[j].TouchedAt) {
				return cs[i].TouchedAt.Before(cs[j].TouchedAt)
			}
			return cs[i].OtherID < cs[j].OtherID
		})
		others := make([]string, 0, warmlead.MaxKeepWarmNamed)
		for _, c := range cs[:min(len(cs), warmlead.MaxKeepWarmNamed)] {
			others = append(others, c.OtherID)
		}
		at := sweepAt[member]
		n := newNotification(warmlead.NotifyKeepWarm, member, others[0], "", "keep_warm:"+member+":"+at.Format("2006-01-02"), at)
		n.Others = others
		ns = append(ns, n)
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].RecipientID < ns[j].RecipientID })
	return ns, later, nil
}

// digest sends one member's digest for one period, at most once.
func (s *Sweeper) digest(ctx context.Context, d *warmlead.Due) (bool, error) {
	if s.deps.Mailer == nil {
		return false, nil
	}
	mailStore := s.deps.Stores.Mail
	people, err := mailStore.MailRecipients(ctx, []string{d.MemberID})
	if err != nil {
		return false, err
	}
	r := people[d.MemberID]
	if !mailable(r) {
		return false, nil
	}
	start := d.Version
	end := start.AddDate(0, 0, 1)
	if d.Frequency == warmlead.FrequencyWeekly {
		end = start.AddDate(0, 0, 7)
	}
	all, err := mailStore.NotificationsBetween(ctx, d.MemberID, start, end)
	if err != nil {
		return false, err
	}
	var ns []*warmlead.Notification
	for _, n := range all {
		if r.Settings.EmailFrequency(n) == d.Frequency {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return false, nil
	}
	key := "DIGEST#" + string(d.Frequency) + "#" + d.Period
	ok, err := mailStore.ClaimMail(ctx, d.MemberID, key)
	if err != nil || !ok {
		return false, err
	}
	if err := mailStore.DescribeNotifications(ctx, ns); err != nil {
		_ = mailStore.ReleaseMail(ctx, d.MemberID, key)
		return false, err
	}
	if err := s.deps.Mailer.Send(ctx, s.deps.Composer.Digest(r, d.Frequency, ns)); err != nil {
		if rerr := mailStore.ReleaseMail(ctx, d.MemberID, key); rerr != nil {
			return false, rerr
		}
		return false, err
	}
	return true, nil
}
