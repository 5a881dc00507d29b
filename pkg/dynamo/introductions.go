package dynamo

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.IntroductionService = (*Store)(nil)

// RequestIntroduction reads both profiles and the caller's edge to the
// introducer in one BatchGetItem and writes the introduction with one
// TransactWriteItems (on the condition that its id is new).
func (s *Store) RequestIntroduction(ctx context.Context, callerID string, in *warmlead.Introduction) (*warmlead.Introduction, error) {
	in.RequesterID = callerID
	if err := in.Validate(); err != nil {
		return nil, err
	}
	rpk, rsk := memberKey(callerID)
	ipk, isk := memberKey(in.IntroducerID)
	epk, esk := connectionEdgeKey(callerID, in.IntroducerID)
	got, err := s.batchGetByKey(ctx, []map[string]types.AttributeValue{key(rpk, rsk), key(ipk, isk), key(epk, esk)})
	if err != nil {
		return nil, storageError("request introduction", err)
	}
	var me, introducer memberItem
	var edge connectionItem
	if found, err := got.decode(rpk, rsk, &me); err != nil {
		return nil, err
	} else if !found {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "You have no profile yet: create it with PUT /me.")
	}
	if _, err := got.decode(ipk, isk, &introducer); err != nil {
		return nil, err
	}
	if found, err := got.decode(epk, esk, &edge); err != nil {
		return nil, err
	} else if !found || edge.Status != string(warmlead.ConnectionAccepted) {
		return nil, &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "The introducer must be one of your accepted connections.",
			Fields: []warmlead.FieldError{{Field: "introducer_id", Message: "is not one of your accepted connections"}}}
	}
	now := parseTime(formatTime(s.now()))
	in.ID, in.Status, in.CreatedAt, in.UpdatedAt = newID(), warmlead.IntroRequested, now, now
	in.RequesterName, in.IntroducerName = me.Name, introducer.Name
	av, err := attributevalue.MarshalMap(newIntroductionItem(in))
	if err != nil {
		return nil, err
	}
	t := &txn{}
	t.add(s.putNew(av))
	if err := s.transact(ctx, t); err != nil {
		return nil, storageError("request introduction", err)
	}
	return in, nil
}

// FindIntroduction reads an introduction with one GetItem; the requester
// sees it without whom it was forwarded to until that member accepts.
func (s *Store) FindIntroduction(ctx context.Context, callerID, id string) (*warmlead.Introduction, error) {
	in, err := s.readIntroduction(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	return viewIntroduction(in, callerID), nil
}

func viewIntroduction(in *warmlead.Introduction, callerID string) *warmlead.Introduction {
	if in.Role(callerID) == warmlead.IntroAsRequester {
		return in.ForRequester()
	}
	return in
}

func (s *Store) readIntroduction(ctx context.Context, callerID, id string) (*warmlead.Introduction, error) {
	if !validID(id) {
		return nil, introNotFound()
	}
	pk, sk := introductionKey(id)
	var it introductionItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get introduction", err)
	}
	in := it.introduction()
	if !found || in.Role(callerID) == "" {
		return nil, introNotFound()
	}
	return in, nil
}

// StepIntroduction reads the introduction (one GetItem), asks the domain's
// state machine, and writes the step in one TransactWriteItems conditioned
// on the status read. Forwarding first checks (one BatchGetItem) that the
// target is one of the introducer's accepted connections; accepting
// connects requester and target (met_via "introduced by <introducer>") and
// credits the introducer (INTROCREDIT counter) in the same transaction.
func (s *Store) StepIntroduction(ctx context.Context, callerID, id string, act warmlead.IntroAction, targetID, note string) (*warmlead.Introduction, error) {
	in, err := s.readIntroduction(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	if err := in.StepAllowed(); err != nil {
		return nil, err
	}
	role := in.Role(callerID)
	to, err := warmlead.NextIntroStatus(in.Status, act, role)
	if err != nil {
		return nil, err
	}
	now := parseTime(formatTime(s.now()))
	t := &txn{}
	upd := expression.Set(expression.Name("Status"), expression.Value(string(to))).
		Set(expression.Name("UpdatedAt"), expression.Value(formatTime(now)))
	switch act {
	case warmlead.IntroForward:
		var fields []warmlead.FieldError
		clean, p := warmlead.CleanText(note, true)
		switch {
		case p != warmlead.TextOK:
			fields = append(fields, warmlead.FieldError{Field: "note", Message: string(p)})
		case len([]rune(clean)) > warmlead.MaxIntroNoteLen:
			fields = append(fields, warmlead.FieldError{Field: "note", Message: "must be at most " + strconv.Itoa(warmlead.MaxIntroNoteLen) + " characters"})
		}
		if warmlead.ValidateMemberID(targetID) != nil || targetID == in.RequesterID || targetID == callerID {
			fields = append(fields, warmlead.FieldError{Field: "target_id", Message: "must be one of your accepted connections other than the requester"})
		}
		if len(fields) > 0 {
			return nil, warmlead.Invalid(fields...)
		}
		epk, esk := connectionEdgeKey(callerID, targetID)
		tpk, tsk := memberKey(targetID)
		got, err := s.batchGetByKey(ctx, []map[string]types.AttributeValue{key(epk, esk), key(tpk, tsk)})
		if err != nil {
			return nil, storageError("forward introduction", err)
		}
		var edge connectionItem
		var target memberItem
		if found, err := got.decode(epk, esk, &edge); err != nil {
			return nil, err
		} else if !found || edge.Status != string(warmlead.ConnectionAccepted) {
			return nil, &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "The target must be one of your accepted connections.",
				Fields: []warmlead.FieldError{{Field: "target_id", Message: "is not one of your accepted connections"}}}
		}
		if _, err := got.decode(tpk, tsk, &target); err != nil {
			return nil, err
		}
		in.TargetID, in.TargetName, in.Note = targetID, target.Name, clean
		upd = upd.Set(expression.Name("TargetID"), expression.Value(targetID)).
			Set(expression.Name("TargetName"), expression.Value(target.Name)).
			Set(expression.Name("Note"), expression.Value(clean)).
			Set(expression.Name("GSI3PK"), expression.Value(introTargetGSI3(targetID))).
			Set(expression.Name("GSI3SK"), expression.Value(formatTime(in.CreatedAt)+"#"+in.ID))
	case warmlead.IntroDecline:
		upd = upd.Set(expression.Name("DeclinedBy"), expression.Value(string(role)))
		in.DeclinedBy = role
	case warmlead.IntroAccept:
		if err := s.connectPair(ctx, t, in.RequesterID, in.TargetID, warmlead.IntroducedBy(in.IntroducerName), now); err != nil {
			return nil, err
		}
		cpk, csk := introCreditKey(in.IntroducerID)
		t.add(types.TransactWriteItem{Update: s.txUpdate(key(cpk, csk), update(
			expression.Set(expression.Name("Type"), expression.Value("IntroCredit")).
				Set(expression.Name("MemberID"), expression.Value(in.IntroducerID)).
				Add(expression.Name("Introductions"), expression.Value(1)), nil))})
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).
		WithCondition(expression.Name("Status").Equal(expression.Value(string(in.Status)))).Build()
	if err != nil {
		return nil, err
	}
	pk, sk := introductionKey(id)
	t.add(types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), expr)})
	if err := s.transact(ctx, t); err != nil {
		if _, ok := refused(err); ok {
			return nil, warmlead.Errorf(warmlead.ECONFLICT, "The introduction changed while this request ran; read it again.")
		}
		return nil, storageError("step introduction", err)
	}
	in.Status, in.UpdatedAt = to, now
	return viewIntroduction(in, callerID), nil
}

// ListIntroductions reads a page of the caller's introductions on one
// side, newest first: one Query of GSI1 (asked), GSI2 (asked to
// introduce) or GSI3 (forwarded to them).
func (s *Store) ListIntroductions(ctx context.Context, callerID string, role warmlead.IntroRole, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Introduction], error) {
	index, n, pk := indexByOwner, "1", introRequesterGSI1(callerID)
	switch role {
	case warmlead.IntroAsIntroducer:
		index, n, pk = indexFeed, "2", introIntroducerGSI2(callerID)
	case warmlead.IntroAsTarget:
		index, n, pk = indexField, "3", introTargetGSI3(callerID)
	}
	q := s.mustQuery(index, expression.NewBuilder().WithKeyCondition(keyIs("GSI"+n+"PK", pk)))
	q.ScanIndexForward = aws.Bool(false)
	items, next, err := s.queryPage(ctx, "list introductions", q, "intros|"+callerID+"|"+string(role), page,
		[]string{"PK", "SK", "GSI" + n + "PK", "GSI" + n + "SK"})
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, func(it *introductionItem) *warmlead.Introduction {
		return viewIntroduction(it.introduction(), callerID)
	})
}

func introNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No introduction with this id.")
}
