package dynamo

import (
	"context"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var (
	_ warmlead.FollowUpStore   = (*Store)(nil)
	_ warmlead.FollowUpService = (*Store)(nil)
)

// PutDue writes due entries 25 a call (writePuts). An entry's
// key derives from what it is about, so writing one again changes nothing.
func (s *Store) PutDue(ctx context.Context, ds []*warmlead.Due) error {
	seen := map[string]bool{}
	var batch []map[string]types.AttributeValue
	for _, d := range ds {
		it := newDueItem(d)
		if seen[it.PK+"\x00"+it.SK] {
			continue // one request may not write a key twice
		}
		seen[it.PK+"\x00"+it.SK] = true
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			return err
		}
		batch = append(batch, av)
		if len(batch) == batchWriteSize {
			if err := s.writePuts(ctx, batch); err != nil {
				return err
			}
			batch = nil
		}
	}
	if len(batch) == 0 {
		return nil
	}
	return s.writePuts(ctx, batch)
}

// DueBetween reads the entries due in [from, to) hour partition by hour
// partition: one Query per hour in range (a page per MB), never a scan.
func (s *Store) DueBetween(ctx context.Context, from, to time.Time, fn func([]*warmlead.Due) error) error {
	lo, hi := formatTime(from), formatTime(to.Add(-time.Nanosecond))+"~"
	for h := from.UTC().Truncate(time.Hour); h.Before(to); h = h.Add(time.Hour) {
		q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyBetween("PK", dueBucket(h), "SK", lo, hi)))
		for {
			out, err := s.client.Query(ctx, q)
			if err != nil {
				return storageError("read due", err)
			}
			if len(out.Items) > 0 {
				var items []dueItem
				if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
					return err
				}
				ds := make([]*warmlead.Due, len(items))
				for i := range items {
					ds[i] = items[i].due()
				}
				if err := fn(ds); err != nil {
					return err
				}
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			q.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	return nil
}

// SweepCursor reads up to when everything due was delivered.
func (s *Store) SweepCursor(ctx context.Context) (time.Time, error) {
	pk, sk := sweepCursorKey()
	var it sweepCursorItem
	if _, err := s.get(ctx, pk, sk, &it); err != nil {
		return time.Time{}, storageError("read sweep cursor", err)
	}
	if it.Until == "" {
		return time.Time{}, nil
	}
	return parseTime(it.Until), nil
}

// AdvanceSweepCursor moves the cursor forward, never back (two runs that
// overlap may finish in either order).
func (s *Store) AdvanceSweepCursor(ctx context.Context, to time.Time) error {
	pk, sk := sweepCursorKey()
	until := expression.Name("SweptUntil")
	forward := expression.AttributeNotExists(until).Or(until.LessThan(expression.Value(formatTime(to))))
	_, err := s.client.UpdateItem(ctx, s.updateInput(key(pk, sk), update(
		expression.Set(until, expression.Value(formatTime(to))).Set(expression.Name("Type"), expression.Value(typeSweep)), &forward)))
	if isConditionFailed(err) {
		return nil
	}
	return storageError("advance sweep cursor", err)
}

// FindPostings reads postings, 100 a BatchGetItem.
func (s *Store) FindPostings(ctx context.Context, ids []string) (map[string]*warmlead.Posting, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] && validID(id) {
			seen[id] = true
			keys = append(keys, key(postingKey(id)))
		}
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, storageError("read postings", err)
	}
	out := make(map[string]*warmlead.Posting, len(items))
	for _, av := range items {
		var it postingItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		out[it.ID] = it.posting()
	}
	return out, nil
}

// FindInterests reads interests, 100 a BatchGetItem.
func (s *Store) FindInterests(ctx context.Context, keys [][2]string) (map[string]*warmlead.InterestOutcome, error) {
	ks := make([]map[string]types.AttributeValue, 0, len(keys))
	seen := map[[2]string]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			ks = append(ks, key(interestKey(k[0], k[1])))
		}
	}
	items, err := s.batchGet(ctx, ks)
	if err != nil {
		return nil, storageError("read interests", err)
	}
	out := make(map[string]*warmlead.InterestOutcome, len(items))
	for _, av := range items {
		var it interestOutcomeItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		out[it.PostingID+"/"+it.MemberID] = it.outcome()
	}
	return out, nil
}

// KeepWarmState reads the owners' edges and profiles in BatchGetItem calls
// of 100 keys.
func (s *Store) KeepWarmState(ctx context.Context, pairs [][2]string) (map[[2]string]time.Time, map[string]int, error) {
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, p := range pairs {
		if p[0] != p[1] { // [id, id]: the profile only (KeepWarmDays)
			keys = append(keys, key(connectionEdgeKey(p[0], p[1])))
		}
		if !seen[p[0]] {
			seen[p[0]] = true
			keys = append(keys, key(memberKey(p[0])))
		}
	}
	keys = dedupeKeys(keys)
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, storageError("read keep-warm state", err)
	}
	touched := map[[2]string]time.Time{}
	days := map[string]int{}
	for id := range seen {
		days[id] = warmlead.DefaultKeepWarmDays
	}
	for _, av := range items {
		if str(av, "SK") == profileSK {
			var p mailProfile
			if err := attributevalue.UnmarshalMap(av, &p); err != nil {
				return nil, nil, err
			}
			days[p.ID] = p.settings().KeepWarmDays
			continue
		}
		var e touchEdge
		if err := attributevalue.UnmarshalMap(av, &e); err != nil {
			return nil, nil, err
		}
		if e.Status == string(warmlead.ConnectionAccepted) {
			touched[[2]string{e.Owner, e.Other}] = e.lastTouch()
		}
	}
	return touched, days, nil
}

// KeepWarmDays reads members' keep_warm_days, 100 profiles a BatchGetItem.
func (s *Store) KeepWarmDays(ctx context.Context, ids []string) (map[string]int, error) {
	_, days, err := s.KeepWarmState(ctx, pairsOf(ids))
	return days, err
}

func pairsOf(ids []string) [][2]string {
	out := make([][2]string, len(ids))
	for i, id := range ids {
		out[i] = [2]string{id, id} // no edge has owner == other: only the profile is found
	}
	return out
}

func dedupeKeys(keys []map[string]types.AttributeValue) []map[string]types.AttributeValue {
	seen := map[string]bool{}
	out := keys[:0]
	for _, k := range keys {
		if ks := keyString(k); !seen[ks] {
			seen[ks] = true
			out = append(out, k)
		}
	}
	return out
}

// TouchIfConnected moves both edges' TouchedAt forward to t in one
// TransactWriteItems, if the two are accepted connections.
func (s *Store) TouchIfConnected(ctx context.Context, a, b string, t time.Time) error {
	if a == b {
		return nil
	}
	err := s.touch(ctx, a, b, t, "", false)
	if r, ok := refused(err); ok && !r.throttled() {
		return nil // not connected, or touched later already
	}
	return storageError("touch connection", err)
}

// touch writes the touch on both edges. With note, it is recorded (a
// member's own touch); without, a touch never moves TouchedAt back.
func (s *Store) touch(ctx context.Context, a, b string, t time.Time, note string, explicit bool) error {
	tx := &txn{}
	for _, e := range [][2]string{{a, b}, {b, a}} {
		pk, sk := connectionEdgeKey(e[0], e[1])
		// A referral credit never moves TouchedAt back; a member's own
		// touch is recorded as it is, with its note.
		touchedAt := expression.Name("TouchedAt")
		accepted := expression.Name("Status").Equal(expression.Value(string(warmlead.ConnectionAccepted)))
		cond := accepted.And(expression.AttributeNotExists(touchedAt).Or(touchedAt.LessThan(expression.Value(formatTime(t)))))
		u := expression.Set(touchedAt, expression.Value(formatTime(t)))
		if explicit {
			cond, u = accepted, u.Set(expression.Name("TouchNote"), expression.Value(note))
		}
		e := update(u, &cond)
		tx.add(types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), e)})
	}
	return s.transact(ctx, tx)
}

// TouchConnection records the caller's touch on both edges in one
// TransactWriteItems, on the condition that the connection is accepted.
func (s *Store) TouchConnection(ctx context.Context, callerID, id, note string) (time.Time, error) {
	if len([]rune(note)) > warmlead.MaxTouchNoteLen {
		return time.Time{}, warmlead.Invalid(warmlead.FieldError{Field: "note", Message: "must be at most " + strconv.Itoa(warmlead.MaxTouchNoteLen) + " characters"})
	}
	other, ok := counterpart(callerID, id)
	if !ok {
		return time.Time{}, connectionNotFound()
	}
	now := parseTime(formatTime(s.now()))
	err := s.touch(ctx, callerID, other, now, note, true)
	if r, ok := refused(err); ok {
		if r.throttled() {
			return time.Time{}, unavailable("touch connection", err)
		}
		return time.Time{}, warmlead.Errorf(warmlead.ENOTFOUND, "No accepted connection with this id.")
	}
	if err != nil {
		return time.Time{}, storageError("touch connection", err)
	}
	return now, nil
}

// RecordOutcome sets the outcome on the caller's interest with one
// conditional UpdateItem. The stream step thanks the chain when it is hired.
func (s *Store) RecordOutcome(ctx context.Context, callerID, postingID string, outcome warmlead.Outcome) (*warmlead.InterestOutcome, error) {
	if !outcome.Valid() {
		return nil, warmlead.Invalid(warmlead.FieldError{Field: "outcome", Message: "must be one of hired, interviewing, no_response, not_a_fit"})
	}
	if !validID(postingID) || warmlead.ValidateMemberID(callerID) != nil {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "You have not expressed interest in this lead.")
	}
	pk, sk := interestKey(postingID, callerID)
	now := expression.Value(formatTime(s.now()))
	u := expression.Set(expression.Name("Outcome"), expression.Value(string(outcome))).Set(expression.Name("OutcomeAt"), now)
	if outcome == warmlead.OutcomeHired { // thanks go out once
		u = u.Set(expression.Name("HiredAt"), expression.IfNotExists(expression.Name("HiredAt"), now))
	}
	var it interestOutcomeItem
	if err := s.updateExisting(ctx, "record outcome", key(pk, sk), u,
		warmlead.Errorf(warmlead.ENOTFOUND, "You have not expressed interest in this lead."), &it); err != nil {
		return nil, err
	}
	return it.outcome(), nil
}

// notifIDBound is the smallest notification id at time t (ids start with
// the time in nanoseconds, 19 digits).
func notifIDBound(t time.Time) string {
	n := strconv.FormatInt(t.UTC().UnixNano(), 10)
	for len(n) < 19 {
		n = "0" + n
	}
	return n
}
