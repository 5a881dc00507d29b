package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// MetViaInterview is the met_via of a connection a held conversation made.
const MetViaInterview = "informational interview"

// acceptAttempts bounds the retries of an accept that lost a race with
// another accept on the advisor's month counter (TransactionConflict).
const acceptAttempts = 12

// RequestAdvice reads the advisor's offer, both profiles and the caller's
// edge to the advisor in one BatchGetItem (a caller who is not connected
// is checked for a shared organisation: one Query and one BatchGetItem
// more), then writes the request and the pair's lock in one
// TransactWriteItems, on the conditions that the lock does not exist (one
// open request per pair) and the offer is still open.
func (s *Store) RequestAdvice(ctx context.Context, callerID string, r *warmlead.AdviceRequest) (*warmlead.AdviceRequest, error) {
	r.RequesterID = callerID
	if err := r.Validate(); err != nil {
		return nil, err
	}
	opk, osk := offerKey(r.AdvisorID)
	rpk, rsk := memberKey(callerID)
	apk, ask := memberKey(r.AdvisorID)
	epk, esk := connectionEdgeKey(callerID, r.AdvisorID)
	got, err := s.batchGetByKey(ctx, []map[string]types.AttributeValue{key(opk, osk), key(rpk, rsk), key(apk, ask), key(epk, esk)})
	if err != nil {
		return nil, storageError("request advice", err)
	}
	var offer offerItem
	var me, advisor memberItem
	var edge connectionItem
	hasOffer, err := got.decode(opk, osk, &offer)
	if err != nil {
		return nil, err
	}
	if found, err := got.decode(rpk, rsk, &me); err != nil {
		return nil, err
	} else if !found {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "You have no profile yet: create it with PUT /me.")
	}
	if _, err := got.decode(apk, ask, &advisor); err != nil {
		return nil, err
	}
	connected, err := got.decode(epk, esk, &edge)
	if err != nil {
		return nil, err
	}
	noOffer := &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "No advice offer you may see for this member.",
		Fields: []warmlead.FieldError{{Field: "advisor_id", Message: "has no advice offer you may see"}}}
	if !hasOffer {
		return nil, noOffer
	}
	var e *connectionItem
	if connected {
		e = &edge
	}
	if ok, err := s.mayReach(ctx, callerID, r.AdvisorID, e); err != nil {
		return nil, err
	} else if !ok {
		return nil, noOffer
	}
	if offer.Status != string(warmlead.OfferOpen) {
		return nil, &warmlead.Error{Code: warmlead.ECONFLICT, Message: "This advisor's offer is paused.",
			Fields: []warmlead.FieldError{{Field: "advisor_id", Message: "offer is paused"}}}
	}
	if !oneOf(string(r.Format), offer.Formats) {
		return nil, warmlead.Invalid(warmlead.FieldError{Field: "format", Message: "is not one this advisor offers"})
	}
	now := parseTime(formatTime(s.now()))
	r.ID, r.Status, r.CreatedAt, r.UpdatedAt = newID(), warmlead.AdviceRequested, now, now
	r.RequesterName, r.AdvisorName = me.Name, advisor.Name
	reqAV, err := attributevalue.MarshalMap(newAdviceRequestItem(r))
	if err != nil {
		return nil, err
	}
	ppk, psk := advicePairKey(callerID, r.AdvisorID)
	pairAV, err := attributevalue.MarshalMap(&advicePairItem{PK: ppk, SK: psk, Type: typeAdvicePair, RequestID: r.ID, Requester: callerID, Advisor: r.AdvisorID})
	if err != nil {
		return nil, err
	}
	t := &txn{}
	t.add(s.putNew(reqAV))
	pair := t.add(s.putNew(pairAV))
	offerOpen := t.add(types.TransactWriteItem{ConditionCheck: s.txCheck(key(opk, osk),
		expression.Name("Status").Equal(expression.Value(string(warmlead.OfferOpen))))})
	err = s.transact(ctx, t)
	if err == nil {
		return r, nil
	}
	ref, ok := refused(err)
	if !ok {
		return nil, storageError("request advice", err)
	}
	switch {
	case ref.failed(pair):
		var open advicePairItem
		_, _ = ref.old(pair, &open)
		return nil, &warmlead.Error{Code: warmlead.ECONFLICT,
			Message: "You already have an open request to this advisor (" + open.RequestID + ").",
			Fields:  []warmlead.FieldError{{Field: "advisor_id", Message: "you already have an open request to this advisor"}}}
	case ref.failed(offerOpen):
		return nil, &warmlead.Error{Code: warmlead.ECONFLICT, Message: "This advisor's offer is paused or withdrawn.",
			Fields: []warmlead.FieldError{{Field: "advisor_id", Message: "offer is no longer open"}}}
	}
	return nil, unavailable("request advice", err)
}

// FindAdviceRequest reads a request with one GetItem; strangers are told
// it does not exist.
func (s *Store) FindAdviceRequest(ctx context.Context, callerID, id string) (*warmlead.AdviceRequest, error) {
	it, err := s.readAdviceRequest(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	return it.request(), nil
}

func (s *Store) readAdviceRequest(ctx context.Context, callerID, id string) (*adviceRequestItem, error) {
	if !validID(id) {
		return nil, adviceNotFound()
	}
	pk, sk := adviceRequestKey(id)
	var it adviceRequestItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get advice request", err)
	}
	if !found || (it.RequesterID != callerID && it.AdvisorID != callerID) {
		return nil, adviceNotFound()
	}
	return &it, nil
}

// StepAdvice reads the request (one GetItem), asks the domain's state
// machine where the step leads, and writes the change in one
// TransactWriteItems conditioned on the status it read. Accepting also
// reads the offer (capacity) and adds one to the advisor's count for the
// month, on the condition that the count is below the capacity: a
// conditional counter in the same transaction, so concurrent accepts never
// pass the capacity. Leaving the open states deletes the pair's lock;
// held also connects the two (met_via "informational interview") when
// they were not, and records HeldAt.
func (s *Store) StepAdvice(ctx context.Context, callerID, id string, st *warmlead.AdviceStep) (*warmlead.AdviceRequest, error) {
	now := parseTime(formatTime(s.now()))
	var lastErr error
	for attempt := range acceptAttempts {
		if attempt > 0 {
			if err := sleep(ctx, backoff(min(attempt-1, 4))); err != nil {
				return nil, err
			}
		}
		it, err := s.readAdviceRequest(ctx, callerID, id)
		if err != nil {
			return nil, err
		}
		r := it.request()
		if err := r.StepAllowed(); err != nil {
			return nil, err
		}
		to, err := warmlead.NextAdviceStatus(r.Status, st.Action, r.Role(callerID))
		if err != nil {
			return nil, err
		}
		if err := st.Validate(now); err != nil {
			return nil, err
		}
		t := &txn{}
		upd := expression.Set(expression.Name("Status"), expression.Value(string(to))).
			Set(expression.Name("UpdatedAt"), expression.Value(formatTime(now)))
		var counter, capacity txItem // accepting only
		switch st.Action {
		case warmlead.ActAccept:
			times := make([]string, len(st.ProposedTimes))
			for i, pt := range st.ProposedTimes {
				times[i] = pt.UTC().Format(time.RFC3339)
			}
			upd = upd.Set(expression.Name("Message"), expression.Value(st.Message)).
				Set(expression.Name("ProposedTimes"), expression.Value(times)).
				Set(expression.Name("AcceptedAt"), expression.Value(formatTime(now)))
			opk, osk := offerKey(r.AdvisorID)
			var offer offerItem
			found, err := s.get(ctx, opk, osk, &offer)
			if err != nil {
				return nil, storageError("get offer", err)
			}
			if !found {
				return nil, warmlead.Errorf(warmlead.ECONFLICT, "You have no advice offer, so no monthly capacity: publish one with PUT /me/offer to accept.")
			}
			capacity = t.add(types.TransactWriteItem{ConditionCheck: s.txCheck(key(opk, osk),
				expression.Name("MonthlyCapacity").Equal(expression.Value(offer.MonthlyCapacity)))})
			month := warmlead.AdviceMonth(now)
			mpk, msk := adviceMonthKey(r.AdvisorID, month)
			accepted := expression.Name("Accepted")
			below := expression.AttributeNotExists(accepted).Or(accepted.LessThan(expression.Value(offer.MonthlyCapacity)))
			counter = t.add(types.TransactWriteItem{Update: s.txUpdate(key(mpk, msk), update(
				expression.Set(expression.Name("Type"), expression.Value(typeAdviceMonth)).
					Set(expression.Name("MemberID"), expression.Value(r.AdvisorID)).
					Set(expression.Name("Month"), expression.Value(month)).
					Add(accepted, expression.Value(1)), &below))})
		case warmlead.ActDecline:
			upd = upd.Set(expression.Name("Message"), expression.Value(st.Message))
		case warmlead.ActHeld:
			upd = upd.Set(expression.Name("HeldOn"), expression.Value(st.HeldOn)).
				Set(expression.Name("HeldAt"), expression.Value(formatTime(now))).
				Set(expression.Name("GSI3PK"), expression.Value(adviceHeldGSI3(now.Format(time.DateOnly)))).
				Set(expression.Name("GSI3SK"), expression.Value(formatTime(now)+"#"+r.ID))
			if err := s.connectPair(ctx, t, r.RequesterID, r.AdvisorID, MetViaInterview, now); err != nil {
				return nil, err
			}
		case warmlead.ActThank:
			upd = upd.Set(expression.Name("ThankMessage"), expression.Value(st.Message)).
				Set(expression.Name("ThankedAt"), expression.Value(formatTime(now))).
				Remove(expression.Name("GSI3PK")).Remove(expression.Name("GSI3SK"))
		}
		if r.Status.Open() && !to.Open() {
			ppk, psk := advicePairKey(r.RequesterID, r.AdvisorID)
			t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(ppk, psk)}})
		}
		expr, err := expression.NewBuilder().WithUpdate(upd).
			WithCondition(expression.Name("Status").Equal(expression.Value(string(r.Status)))).Build()
		if err != nil {
			return nil, err
		}
		req := t.add(types.TransactWriteItem{Update: s.txUpdate(key(it.PK, it.SK), expr)})
		err = s.transact(ctx, t)
		if err == nil {
			return s.FindAdviceRequest(ctx, callerID, id)
		}
		ref, ok := refused(err)
		if !ok {
			if conflicted(err) {
				lastErr = err
				continue
			}
			return nil, storageError("step advice request", err)
		}
		switch {
		case ref.failed(counter):
			return nil, warmlead.Errorf(warmlead.ECONFLICT,
				"You have accepted as many requests this month as your offer's monthly capacity; raise it or decline.")
		case ref.failed(req), ref.failed(capacity):
			// Changed since it was read: read it again.
		case ref.throttled():
			return nil, unavailable("step advice request", err)
		}
		lastErr = err
	}
	return nil, unavailable("step advice request", lastErr)
}

// connectPair adds to t what makes a and b accepted connections (a as the
// requester, with metVia): nothing if they are, both edges accepted if a
// request was pending, both edges new otherwise (one GetItem first).
func (s *Store) connectPair(ctx context.Context, t *txn, a, b, metVia string, now time.Time) error {
	pk, sk := connectionEdgeKey(a, b)
	var edge connectionItem
	found, err := s.get(ctx, pk, sk, &edge)
	if err != nil {
		return storageError("get connection", err)
	}
	c := &warmlead.Connection{ID: warmlead.ConnectionID(a, b), RequesterID: a,
		RecipientID: b, Status: warmlead.ConnectionAccepted, MetVia: metVia, CreatedAt: now, AcceptedAt: now}
	switch {
	case found && edge.Status == string(warmlead.ConnectionAccepted):
		return nil
	case found:
		c = edge.connection()
		c.AcceptedAt = now
		t.add(s.acceptEdge(a, b, c))
		t.add(s.acceptEdge(b, a, c))
		return nil
	}
	for _, owner := range []string{a, b} {
		av, err := attributevalue.MarshalMap(newConnectionEdge(c, owner))
		if err != nil {
			return err
		}
		t.add(s.putNew(av))
	}
	return nil
}

// ListAdviceRequests reads a page of the caller's requests on one side,
// newest first: one Query of GSI1 (sent) or GSI2 (received), with the
// status as a filter.
func (s *Store) ListAdviceRequests(ctx context.Context, callerID string, role warmlead.AdviceRole, status warmlead.AdviceStatus, page warmlead.PageRequest) (*warmlead.Page[*warmlead.AdviceRequest], error) {
	index, attr, pk, keys := indexByOwner, "GSI1PK", adviceRequesterGSI1(callerID), gsi1KeyAttrs
	if role == warmlead.RoleAdvisor {
		index, attr, pk, keys = indexFeed, "GSI2PK", adviceAdvisorGSI2(callerID), []string{"PK", "SK", "GSI2PK", "GSI2SK"}
	}
	kc := expression.Key(attr).Equal(expression.Value(pk))
	b := expression.NewBuilder().WithKeyCondition(kc)
	if status != "" {
		b = b.WithFilter(expression.Name("Status").Equal(expression.Value(string(status))))
	}
	expr, err := b.Build()
	if err != nil {
		return nil, err
	}
	q := &dynamodb.QueryInput{TableName: aws.String(s.table), IndexName: aws.String(index),
		KeyConditionExpression: expr.KeyCondition(), FilterExpression: expr.Filter(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ScanIndexForward: aws.Bool(false)}
	items, next, err := s.queryPage(ctx, "list advice requests", q, "advice|"+callerID+"|"+string(role)+"|"+string(status), page, keys)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*adviceRequestItem).request)
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func adviceNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No advice request with this id.")
}
