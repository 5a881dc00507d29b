package followup

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Decoder reads a stream record's follow-up fact (the store provides it).
type Decoder func(events.DynamoDBEventRecord) (*warmlead.FollowUpFact, error)

// StreamHandler is the stream step: it schedules what will fall due and
// emails notifications at once (or enrols them in a digest).
type StreamHandler struct {
	deps    Deps
	decode  Decoder
	logger  *slog.Logger
	digests digestMemo // the digest entries this instance wrote
}

// NewStreamHandler returns the stream step.
func NewStreamHandler(logger *slog.Logger, decode Decoder, deps Deps) *StreamHandler {
	return &StreamHandler{deps: deps, decode: decode, logger: logger}
}

type decoded struct {
	r    events.DynamoDBEventRecord
	fact *warmlead.FollowUpFact
	err  error
}

// Handle processes a batch; a record that fails is reported by its
// sequence number and the others complete.
func (h *StreamHandler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	recs := make([]decoded, len(ev.Records))
	var recipients, owners []string
	for i, r := range ev.Records {
		recs[i].r = r
		recs[i].fact, recs[i].err = h.safeDecode(r)
		if f := recs[i].fact; f != nil && f.Notification != nil {
			recipients = append(recipients, f.Notification.RecipientID)
		}
		if f := recs[i].fact; f != nil && f.Touch != nil {
			owners = append(owners, f.Touch.OwnerID)
		}
	}
	var people map[string]*warmlead.MailRecipient
	var days map[string]int
	var batchErr error
	if len(recipients) > 0 {
		people, batchErr = h.deps.Stores.Mail.MailRecipients(ctx, recipients)
	}
	if len(owners) > 0 && batchErr == nil {
		days, batchErr = h.deps.Stores.FollowUps.KeepWarmDays(ctx, owners)
	}
	// Due entries of the whole batch go out together (25 a write):
	// a 10,000-recipient fan-out of daily new_lead costs 4 writes a batch of
	// 100 records, not 100.
	var dues []*warmlead.Due
	var dueFrom []string
	var instants []instantMail
	fail := func(seq string, err error) {
		h.logger.ErrorContext(ctx, "follow-up record failed", "sequence", seq, "err", err.Error())
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
	}
	for _, d := range recs {
		err := d.err
		var ds []*warmlead.Due
		if err == nil && d.fact != nil {
			switch r := h.instantRecipient(d.fact, people); {
			case batchErr != nil:
				err = batchErr
			case r != nil:
				// Emailed with the batch's other instant emails (below).
				if n := d.fact.Notification; h.deps.now().Sub(n.CreatedAt) <= instantMaxAge {
					instants = append(instants, instantMail{seq: d.r.Change.SequenceNumber, to: r, n: n})
				}
				continue
			default:
				ds, err = h.fact(ctx, d.fact, people, days)
			}
		}
		if err != nil {
			fail(d.r.Change.SequenceNumber, err)
			continue
		}
		ds = h.digests.unwritten(ds, h.deps.now())
		if len(ds) > 0 {
			dues = append(dues, ds...)
			dueFrom = append(dueFrom, d.r.Change.SequenceNumber)
		}
	}
	if len(dues) > 0 {
		if err := h.deps.Stores.FollowUps.PutDue(ctx, dues); err != nil {
			for _, seq := range dueFrom {
				fail(seq, err)
			}
		} else {
			h.digests.remember(dues, h.deps.now())
		}
	}
	h.mailInstants(ctx, instants, fail)
	return resp, nil
}

// instantMail is a notification of the batch to email at once.
type instantMail struct {
	seq string // its record's sequence number
	to  *warmlead.MailRecipient
	n   *warmlead.Notification
}

// instantRecipient is who f's notification is emailed to at once, nil when
// f is not a notification emailed at once.
func (h *StreamHandler) instantRecipient(f *warmlead.FollowUpFact, people map[string]*warmlead.MailRecipient) *warmlead.MailRecipient {
	if f.Notification == nil || h.deps.Mailer == nil {
		return nil
	}
	r := people[f.Notification.RecipientID]
	if !mailable(r) || r.Settings.EmailFrequency(f.Notification) != warmlead.FrequencyInstant {
		return nil
	}
	return r
}

// mailInstants emails the batch's instant notifications: their names and
// titles are read together (one BatchGetItem per 100 keys, where it was
// one per email), then each is claimed and sent on its own, and a record
// whose email fails is reported failed.
func (h *StreamHandler) mailInstants(ctx context.Context, ms []instantMail, fail func(seq string, err error)) {
	if len(ms) == 0 {
		return
	}
	ns := make([]*warmlead.Notification, len(ms))
	for i, m := range ms {
		ns[i] = m.n
	}
	if err := h.deps.Stores.Mail.DescribeNotifications(ctx, ns); err != nil {
		for _, m := range ms {
			fail(m.seq, err)
		}
		return
	}
	for _, m := range ms {
		if err := h.deps.mailInstant(ctx, m.to, m.n); err != nil {
			fail(m.seq, err)
		}
	}
}

func (h *StreamHandler) safeDecode(r events.DynamoDBEventRecord) (f *warmlead.FollowUpFact, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h.decode(r)
}

// schedule clamps a due time that already passed (stream lag) to just
// ahead, so the next sweep still finds it.
func (h *StreamHandler) schedule(at time.Time) time.Time {
	if now := h.deps.now(); at.Before(now) {
		return now.Add(time.Minute)
	}
	return at
}

// fact handles one record and returns the due entries it schedules.
func (h *StreamHandler) fact(ctx context.Context, f *warmlead.FollowUpFact, people map[string]*warmlead.MailRecipient, days map[string]int) ([]*warmlead.Due, error) {
	store := h.deps.Stores.FollowUps
	switch {
	case f.Held != nil:
		r := f.Held
		return []*warmlead.Due{{At: h.schedule(r.HeldAt.Add(warmlead.FollowUpAfter)), Kind: warmlead.DueFollowUp,
			MemberID: r.RequesterID, OtherID: r.AdvisorID, RequestID: r.ID}}, nil
	case f.Posting != nil:
		p := f.Posting
		at := warmlead.PostingExpiringAt(p.ValidThrough)
		if at.Before(p.CreatedAt) || !p.ValidThrough.After(h.deps.now()) {
			return nil, nil // posted for less than the notice: nothing to warn of
		}
		return []*warmlead.Due{{At: h.schedule(at), Kind: warmlead.DuePostingExpiring, PostingID: p.ID, Version: p.ValidThrough}}, nil
	case f.Interest != nil && f.NewInterest:
		in := f.Interest
		for _, c := range in.Credited() {
			if err := store.TouchIfConnected(ctx, c, in.MemberID, in.CreatedAt); err != nil {
				return nil, err
			}
		}
		return []*warmlead.Due{{At: h.schedule(warmlead.OutcomePromptAt(in.CreatedAt)), Kind: warmlead.DueOutcomePrompt,
			PostingID: in.PostingID, MemberID: in.MemberID}}, nil
	case f.Interest != nil:
		if f.Interest.Outcome == warmlead.OutcomeHired {
			return nil, h.payItForward(ctx, f.Interest)
		}
	case f.Touch != nil:
		t := f.Touch
		k, ok := days[t.OwnerID]
		if !ok {
			k = warmlead.DefaultKeepWarmDays
		}
		at, on := warmlead.KeepWarmDue(t.TouchedAt, k)
		if !on {
			return nil, nil
		}
		return []*warmlead.Due{{At: h.schedule(at), Kind: warmlead.DueKeepWarm, MemberID: t.OwnerID, OtherID: t.OtherID, Version: t.TouchedAt}}, nil
	case f.Notification != nil:
		return h.digestDue(f.Notification, people[f.Notification.RecipientID]), nil
	}
	return nil, nil
}

// payItForward thanks everyone on a hired member's chain (and the advisors
// they held conversations with), and invites the member to open an advice
// offer. Ids derive from the interest and the first time it was hired.
func (h *StreamHandler) payItForward(ctx context.Context, in *warmlead.InterestOutcome) error {
	at := in.HiredAt
	if at.IsZero() {
		at = in.OutcomeAt
	}
	fact := "hired:" + in.PostingID + ":" + in.MemberID
	thanked := append([]string{}, in.Chain...)
	if h.deps.Advisors != nil {
		advisors, err := h.deps.Advisors.AdvisorsHeldWith(ctx, in.MemberID)
		if err != nil {
			return err
		}
		thanked = append(thanked, advisors...)
	}
	seen := map[string]bool{in.MemberID: true}
	ns := []*warmlead.Notification{newNotification(warmlead.NotifyPayItForward, in.MemberID, in.MemberID, in.PostingID, fact, at)}
	// The chain learns who was hired only if the member chose to share
	// with it (docs/rules.md, "Referral chains"); the poster (the chain's
	// first member) and the advisors they talked to know them already.
	named := map[string]bool{}
	if len(in.Chain) > 0 {
		named[in.Chain[0]] = true
	}
	for _, id := range thanked[len(in.Chain):] {
		named[id] = true
	}
	for _, id := range thanked {
		if id != "" && !seen[id] {
			seen[id] = true
			actor := in.MemberID
			if !named[id] && !in.ShareWithChain {
				actor = ""
			}
			ns = append(ns, newNotification(warmlead.NotifyPayItForward, id, actor, in.PostingID, fact, at))
		}
	}
	return h.deps.Stores.FollowUps.PutNotifications(ctx, ns)
}

// digestDue enrols a notification emailed in a daily or weekly digest in
// it: the digest's due entry (none for one emailed at once, mailInstants,
// or not at all).
func (h *StreamHandler) digestDue(n *warmlead.Notification, r *warmlead.MailRecipient) []*warmlead.Due {
	if !mailable(r) || h.deps.Mailer == nil {
		return nil
	}
	switch f := r.Settings.EmailFrequency(n); f {
	case warmlead.FrequencyDaily, warmlead.FrequencyWeekly:
		period, start, end := warmlead.DigestPeriod(f, n.CreatedAt)
		return []*warmlead.Due{{At: h.schedule(end), Kind: warmlead.DueDigest,
			MemberID: r.MemberID, Frequency: f, Period: period, Version: start}}
	}
	return nil
}
