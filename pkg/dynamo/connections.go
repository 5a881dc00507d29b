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

var _ warmlead.ConnectionService = (*Store)(nil)

// RequestConnection writes both edges of a pending connection in one
// TransactWriteItems, on the conditions that neither edge exists and the
// recipient has a profile. When the pair is already connected (a repeat, or
// the other side asked first) the refusal carries the existing edge, which
// is returned with created=false: still one call.
func (s *Store) RequestConnection(ctx context.Context, callerID string, c *warmlead.Connection) (*warmlead.Connection, bool, error) {
	req := &warmlead.Connection{RequesterID: callerID, RecipientID: c.RecipientID, Note: c.Note, MetVia: c.MetVia}
	if err := req.Validate(); err != nil {
		return nil, false, err
	}
	if warmlead.ValidateMemberID(callerID) != nil {
		return nil, false, warmlead.Errorf(warmlead.EUNAUTHORIZED, "A member identity is required.")
	}
	req.ID = warmlead.ConnectionID(callerID, req.RecipientID)
	req.Status = warmlead.ConnectionPending
	req.CreatedAt = parseTime(formatTime(s.now()))
	mine, err := attributevalue.MarshalMap(newConnectionEdge(req, callerID))
	if err != nil {
		return nil, false, err
	}
	theirs, err := attributevalue.MarshalMap(newConnectionEdge(req, req.RecipientID))
	if err != nil {
		return nil, false, err
	}
	for range txnAttempts {
		t := &txn{}
		profile := t.add(s.mustExist(memberKey(req.RecipientID)))
		myEdge := t.add(s.putNew(mine))
		theirEdge := t.add(s.putNew(theirs))
		cooldown := t.add(s.noCooldown(callerID, req.RecipientID))
		err := s.transact(ctx, t)
		if err == nil {
			return req, true, nil
		}
		r, ok := refused(err)
		if !ok {
			return nil, false, storageError("request connection", err)
		}
		for _, edge := range []txItem{myEdge, theirEdge} {
			var seen connectionItem
			if found, err := r.old(edge, &seen); err != nil {
				return nil, false, err
			} else if found && r.failed(edge) {
				return seen.connection(), false, nil
			}
		}
		switch {
		case r.failed(profile):
			return nil, false, &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "No member with this id.",
				Fields: []warmlead.FieldError{{Field: "member_id", Message: "no such member"}}}
		case r.failed(cooldown):
			var cd cooldownItem
			if _, err := r.old(cooldown, &cd); err != nil {
				return nil, false, err
			}
			if err := warmlead.CheckCooldown(parseTime(cd.Until), s.now()); err != nil {
				return nil, false, err
			}
		case r.throttled():
			return nil, false, unavailable("request connection", err)
		}
		// Both sides asking at the same moment: the other transaction won;
		// the next attempt returns its connection.
	}
	return nil, false, connectionBusy()
}

// AcceptConnection reads the caller's edge (one GetItem: a repeat, the
// requester and a stranger are answered from it) and accepts both edges
// in one TransactWriteItems conditioned on the request still being pending
// and addressed to the caller. Two calls, because a transaction returns no
// item and the response carries the whole connection.
func (s *Store) AcceptConnection(ctx context.Context, callerID, id string) (*warmlead.Connection, error) {
	other, ok := counterpart(callerID, id)
	if !ok {
		return nil, connectionNotFound()
	}
	for range txnAttempts {
		it, err := s.readEdge(ctx, callerID, other)
		if err != nil {
			return nil, err
		}
		if it == nil {
			return nil, connectionNotFound()
		}
		c := it.connection()
		if c.Status == warmlead.ConnectionAccepted {
			return c, nil
		}
		if c.RecipientID != callerID {
			return nil, warmlead.Errorf(warmlead.EFORBIDDEN, "Only the member who was asked can accept a connection request.")
		}
		c.Status = warmlead.ConnectionAccepted
		c.AcceptedAt = parseTime(formatTime(s.now()))
		t := &txn{}
		t.add(s.acceptEdge(callerID, other, c))
		t.add(s.acceptEdge(other, callerID, c))
		err = s.transact(ctx, t)
		if err == nil {
			return c, nil
		}
		r, ok := refused(err)
		if !ok {
			return nil, storageError("accept connection", err)
		}
		if r.throttled() {
			return nil, unavailable("accept connection", err)
		}
		// Deleted or accepted since it was read: read it again.
	}
	return nil, connectionBusy()
}

// DeleteConnection deletes both edges in one TransactWriteItems, each on
// the condition that it is as guessed. Declining or withdrawing a pending
// request also starts the requester's cooldown on asking again
// (warmlead.ConnectionCooldown), in the same transaction. The first guess
// is a decline (a pending request to the caller); a refusal returns the
// caller's edge as it is (ALL_OLD), and the second attempt is exact: one
// call to decline, two to withdraw or to remove an accepted connection.
func (s *Store) DeleteConnection(ctx context.Context, callerID, id string) error {
	other, ok := counterpart(callerID, id)
	if !ok {
		return connectionNotFound()
	}
	guess := connectionItem{Status: string(warmlead.ConnectionPending), RequesterID: other, RecipientID: callerID}
	for range txnAttempts {
		t := &txn{}
		asGuessed := condition(exists().And(expression.Name("Status").Equal(expression.Value(guess.Status)),
			expression.Name("RequesterID").Equal(expression.Value(guess.RequesterID))))
		var myEdge txItem
		for _, e := range [][2]string{{callerID, other}, {other, callerID}} {
			pk, sk := connectionEdgeKey(e[0], e[1])
			edge := t.add(types.TransactWriteItem{Delete: &types.Delete{
				TableName: aws.String(s.table), Key: key(pk, sk),
				ConditionExpression: asGuessed.Condition(), ExpressionAttributeNames: asGuessed.Names(), ExpressionAttributeValues: asGuessed.Values(),
				ReturnValuesOnConditionCheckFailure: allOld,
			}})
			if e[0] == callerID {
				myEdge = edge
			}
		}
		if guess.Status == string(warmlead.ConnectionPending) {
			until := warmlead.CooldownUntil(s.now())
			pk, sk := cooldownKey(guess.RequesterID, guess.RecipientID)
			av, err := attributevalue.MarshalMap(cooldownItem{PK: pk, SK: sk, Type: typeCooldown, Until: formatTime(until), ExpiresAt: until.Unix()})
			if err != nil {
				return err
			}
			t.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av}})
		}
		err := s.transact(ctx, t)
		if err == nil {
			return nil
		}
		r, ok := refused(err)
		if !ok {
			return storageError("delete connection", err)
		}
		if r.throttled() {
			return unavailable("delete connection", err)
		}
		var mine connectionItem
		found, err := r.old(myEdge, &mine)
		if err != nil {
			return err
		}
		if !found && r.failed(myEdge) {
			return connectionNotFound()
		}
		if found {
			guess = mine
		}
		// Otherwise the other edge was changing: try again.
	}
	return connectionBusy()
}

// noCooldown is a condition: from may ask to now (no cooldown running).
func (s *Store) noCooldown(from, to string) types.TransactWriteItem {
	pk, sk := cooldownKey(from, to)
	e := condition(notExists().Or(expression.Name("Until").LessThanEqual(expression.Value(formatTime(s.now())))))
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(s.table), Key: key(pk, sk),
		ConditionExpression: e.Condition(), ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValuesOnConditionCheckFailure: allOld,
	}}
}

// ListConnections reads a page of the caller's edges with a status from
// GSI1 with one Query, in order of the other member's id. The cursor is
// bound to the caller and the status.
func (s *Store) ListConnections(ctx context.Context, callerID string, status warmlead.ConnectionStatus, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Connection], error) {
	if status == "" {
		return s.listAllConnections(ctx, callerID, page)
	}
	if !status.Valid() {
		return nil, warmlead.Invalid(warmlead.FieldError{Field: "status", Message: "must be one of pending, accepted"})
	}
	q := s.connectionsQuery(callerID, status)
	items, next, err := s.queryPage(ctx, "list connections", q, "connections|"+callerID+"|"+string(status), page, gsi1KeyAttrs)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*connectionItem).connection)
}

// listAllConnections pages through accepted connections, then pending
// requests, each item carrying its status: at most 2 Queries a page. The
// cursor says which list it continues ("A" or "P" before the sealed cursor
// of that list).
func (s *Store) listAllConnections(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Connection], error) {
	page = page.Normalize()
	phase, cur := "A", ""
	if page.Cursor != "" {
		phase, cur = page.Cursor[:1], page.Cursor[1:]
		if (phase != "A" && phase != "P") || cur == "" && phase == "A" {
			return nil, badCursor()
		}
	}
	out := &warmlead.Page[*warmlead.Connection]{}
	if phase == "A" {
		pg, err := s.ListConnections(ctx, callerID, warmlead.ConnectionAccepted, warmlead.PageRequest{Limit: page.Limit, Cursor: cur})
		if err != nil {
			return nil, err
		}
		if pg.Next != "" {
			pg.Next = "A" + pg.Next
			return pg, nil
		}
		out.Items = pg.Items
		cur = ""
	}
	remaining := page.Limit - len(out.Items)
	if remaining == 0 {
		out.Next = "P"
		return out, nil
	}
	pg, err := s.ListConnections(ctx, callerID, warmlead.ConnectionPending, warmlead.PageRequest{Limit: remaining, Cursor: cur})
	if err != nil {
		return nil, err
	}
	out.Items = append(out.Items, pg.Items...)
	if pg.Next != "" {
		out.Next = "P" + pg.Next
	}
	return out, nil
}

// ConnectedMembers calls fn with the ids of memberID's connections that
// have status, one Query page at a time, in order of id. It reads the same
// GSI1 partition as ListConnections but projects only the ids, and with
// pageSize 0 a page is whatever one Query returns (up to 1 MB read, some
// thousands of edges), so a network of 10,000 costs a handful of Queries.
// It stops at fn's first error and returns it. The index is eventually
// consistent: a connection accepted a moment ago may be missing.
func (s *Store) ConnectedMembers(ctx context.Context, memberID string, status warmlead.ConnectionStatus, pageSize int, fn func(ids []string) error) error {
	return s.eachValue(ctx, "list connected members", indexByOwner, connectionsExpr(memberID, status), "GSI1SK", pageSize, fn)
}

// NetworkAt calls fn with pages of the ids of memberID's connections
// accepted at or before at: the network a posting posted at that time is
// announced to (README.md, "Notifications"). An edge accepted before its
// acceptance time was recorded counts as accepted before. The filter runs
// in the same Query, so it costs no call.
func (s *Store) NetworkAt(ctx context.Context, memberID string, at time.Time, pageSize int, fn func(ids []string) error) error {
	accepted := expression.Name("AcceptedAt")
	by := accepted.AttributeNotExists().Or(accepted.LessThanEqual(expression.Value(formatTime(at))))
	return s.eachValue(ctx, "list network", indexByOwner, connectionsExpr(memberID, warmlead.ConnectionAccepted).WithFilter(by), "GSI1SK", pageSize, fn)
}

// connectionsQuery reads owner's edges with a status from GSI1.
func (s *Store) connectionsQuery(owner string, status warmlead.ConnectionStatus) *dynamodb.QueryInput {
	return s.mustQuery(indexByOwner, connectionsExpr(owner, status))
}

// connectionsExpr is the key condition of owner's edges with a status.
func connectionsExpr(owner string, status warmlead.ConnectionStatus) expression.Builder {
	gpk, _ := connectionsGSI1(owner, string(status), "")
	return expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", gpk))
}

// acceptEdge moves owner's edge of c to accepted, if it is still a pending
// request to c.RecipientID.
func (s *Store) acceptEdge(owner, other string, c *warmlead.Connection) types.TransactWriteItem {
	pk, sk := connectionEdgeKey(owner, other)
	gpk, _ := connectionsGSI1(owner, string(warmlead.ConnectionAccepted), other)
	pending := expression.Name("Status").Equal(expression.Value(string(warmlead.ConnectionPending))).
		And(expression.Name("RecipientID").Equal(expression.Value(c.RecipientID)))
	e := update(expression.Set(expression.Name("Status"), expression.Value(string(warmlead.ConnectionAccepted))).
		Set(expression.Name("GSI1PK"), expression.Value(gpk)).
		Set(expression.Name("AcceptedAt"), expression.Value(formatTime(c.AcceptedAt))), &pending)
	return types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), e)}
}

// counterpart returns the other member of connection id when callerID is
// one of its two; anyone else is told it does not exist.
func counterpart(callerID, id string) (string, bool) {
	a, b, ok := warmlead.SplitConnectionID(id)
	switch {
	case !ok:
		return "", false
	case callerID == a:
		return b, true
	case callerID == b:
		return a, true
	}
	return "", false
}

func connectionNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No connection with this id.")
}

func connectionBusy() error {
	return warmlead.Errorf(warmlead.ECONFLICT, "The connection was changing while this request ran; retry.")
}

// readEdge reads owner's side of a connection with other (nil when there is
// none), consistently, with one GetItem.
func (s *Store) readEdge(ctx context.Context, owner, other string) (*connectionItem, error) {
	pk, sk := connectionEdgeKey(owner, other)
	var it connectionItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get connection", err)
	}
	if !found {
		return nil, nil
	}
	return &it, nil
}
