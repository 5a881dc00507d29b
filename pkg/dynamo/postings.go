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

var _ warmlead.PostingService = (*Store)(nil)

// CreatePosting writes a new posting in one call: a PutItem, or a
// TransactWriteItems when it must also check the poster is an org admin or
// record an Idempotency-Key (then a GetItem first looks the key up: 2 calls).
func (s *Store) CreatePosting(ctx context.Context, callerID string, p *warmlead.Posting, idem *warmlead.Idempotency) (*warmlead.Posting, bool, error) {
	now := s.now()
	p.Normalize()
	if err := p.Validate(now); err != nil {
		return nil, false, err
	}
	if p.OrgID != "" && !validID(p.OrgID) {
		return nil, false, &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "No organisation with this id.",
			Fields: []warmlead.FieldError{{Field: "org_id", Message: "no such organisation"}}}
	}
	if idem != nil {
		if err := validateIdempotencyKey(idem.Key); err != nil {
			return nil, false, err
		}
		if prior, err := s.findIdempotent(ctx, callerID, idem, now); err != nil || prior != nil {
			return prior, prior != nil, err
		}
	}

	p.ID, p.PosterID, p.Status, p.CloseReason = newID(), callerID, warmlead.StatusOpen, ""
	p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
	item := newPostingItem(p)
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return nil, false, err
	}
	fresh := condition(notExists())
	put := &types.Put{TableName: aws.String(s.table), Item: av, ConditionExpression: fresh.Condition(), ExpressionAttributeNames: fresh.Names()}
	terms, err := s.termWrites(item) // the search index entries (search.go), in the same call
	if err != nil {
		return nil, false, err
	}

	if p.OrgID == "" && idem == nil && len(terms) == 0 {
		_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item,
			ConditionExpression: put.ConditionExpression, ExpressionAttributeNames: put.ExpressionAttributeNames})
		if err != nil {
			return nil, false, storageError("create posting", err)
		}
		return p, false, nil
	}

	tx := &txn{}
	tx.add(types.TransactWriteItem{Put: put})
	var admin, active, once txItem
	if p.OrgID != "" {
		admin = tx.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(p.OrgID, callerID)})
		active = tx.add(s.orgActiveCheck(p.OrgID)) // an archived organisation takes no postings (org_consent.go)
	}
	if idem != nil {
		rec := idempotencyItem{Type: typeIdempotency, BodyHash: idem.BodyHash, CreatedAt: formatTime(now),
			ExpiresAt: now.Add(warmlead.IdempotencyWindow).Unix(), Posting: *item}
		rec.PK, rec.SK = idempotencyKey(callerID, idem.Key)
		rec.GSI1PK, rec.GSI1SK = idempotencyGSI1(callerID), rec.CreatedAt
		recAV, err := attributevalue.MarshalMap(rec)
		if err != nil {
			return nil, false, err
		}
		// An expired record that TTL has not deleted yet may be replaced.
		replaceable := condition(notExists().Or(expression.Name("CreatedAt").LessThan(expression.Value(formatTime(now.Add(-warmlead.IdempotencyWindow))))))
		once = tx.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: recAV,
			ConditionExpression: replaceable.Condition(), ExpressionAttributeNames: replaceable.Names(), ExpressionAttributeValues: replaceable.Values(),
		}})
	}
	tx.addEach(terms)
	err = s.transact(ctx, tx)
	if r, ok := refused(err); ok {
		switch {
		case r.failed(admin):
			return nil, false, s.notAdminError(ctx, p.OrgID)
		case r.failed(active):
			return nil, false, orgArchived()
		case r.failed(once):
			// Another request with the same key won the race: answer as it did.
			prior, err := s.findIdempotent(ctx, callerID, idem, now)
			if err == nil && prior == nil {
				err = warmlead.Errorf(warmlead.ECONFLICT, "A request with this Idempotency-Key is in progress; retry.")
			}
			return prior, prior != nil, err
		}
	}
	if err != nil {
		return nil, false, storageError("create posting", err)
	}
	return p, false, nil
}

// findIdempotent returns the posting an earlier create with the same key
// made, nil if the key is new (or its record expired), and EINVALID if the
// key was used with another body.
func (s *Store) findIdempotent(ctx context.Context, callerID string, idem *warmlead.Idempotency, now time.Time) (*warmlead.Posting, error) {
	pk, sk := idempotencyKey(callerID, idem.Key)
	var rec idempotencyItem
	found, err := s.get(ctx, pk, sk, &rec)
	if err != nil {
		return nil, storageError("read idempotency key", err)
	}
	if !found || parseTime(rec.CreatedAt).Before(now.Add(-warmlead.IdempotencyWindow)) {
		return nil, nil
	}
	if rec.BodyHash != idem.BodyHash {
		return nil, &warmlead.Error{Code: warmlead.EINVALID,
			Message: "This Idempotency-Key was already used with a different request body.",
			Fields:  []warmlead.FieldError{{Field: "idempotency_key", Message: "reused with a different body"}}}
	}
	return rec.Posting.posting(), nil
}

func validateIdempotencyKey(key string) error {
	ok := len(key) >= 1 && len(key) <= 128
	for _, r := range key {
		ok = ok && r > ' ' && r < 127
	}
	if !ok {
		return &warmlead.Error{Code: warmlead.EINVALID, Message: "The Idempotency-Key must be 1 to 128 printable ASCII characters.",
			Fields: []warmlead.FieldError{{Field: "idempotency_key", Message: "1 to 128 printable ASCII characters"}}}
	}
	return nil
}

// adminCheck is a transaction condition: memberID administers orgID.
func (s *Store) adminCheck(orgID, memberID string) *types.ConditionCheck {
	pk, sk := orgMemberKey(orgID, memberID)
	e := condition(expression.Name("Role").Equal(expression.Value(string(warmlead.RoleAdmin))))
	return &types.ConditionCheck{
		TableName: aws.String(s.table), Key: key(pk, sk),
		ConditionExpression: e.Condition(), ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
	}
}

// notAdminError explains a failed admin check: no such organisation, or
// not one the caller administers.
func (s *Store) notAdminError(ctx context.Context, orgID string) error {
	pk, sk := orgKey(orgID)
	var probe struct{ PK string }
	found, err := s.get(ctx, pk, sk, &probe)
	if err != nil {
		return storageError("read org", err)
	}
	if !found {
		return &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "No organisation with this id.",
			Fields: []warmlead.FieldError{{Field: "org_id", Message: "no such organisation"}}}
	}
	return &warmlead.Error{Code: warmlead.EFORBIDDEN, Message: "Only the organisation's admins can post or edit on its behalf.",
		Fields: []warmlead.FieldError{{Field: "org_id", Message: "you are not an admin of this organisation"}}}
}

// FindPostingByID reads a posting with one GetItem; a posting that is not public
// costs one more read to check the caller's connection or membership.
func (s *Store) FindPostingByID(ctx context.Context, callerID, id string) (*warmlead.Posting, error) {
	it, err := s.readPosting(ctx, id)
	if err != nil {
		return nil, err
	}
	p := it.posting()
	ok, err := s.canSee(ctx, callerID, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, postingNotFound()
	}
	return p, nil
}

func (s *Store) readPosting(ctx context.Context, id string) (*postingItem, error) {
	if !validID(id) {
		return nil, postingNotFound()
	}
	pk, sk := postingKey(id)
	var it postingItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get posting", err)
	}
	if !found {
		return nil, postingNotFound()
	}
	return &it, nil
}

func postingNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No posting with this id, or it is not visible to you.")
}

// canSee applies a posting's visibility (warmlead.Posting.VisibleTo) to one
// caller, reading the grant it needs, if any.
func (s *Store) canSee(ctx context.Context, callerID string, p *warmlead.Posting) (bool, error) {
	pk, sk := s.visibilityGrant(callerID, p)
	if pk == "" {
		return p.VisibleTo(callerID, warmlead.Sight{}), nil
	}
	var grant grantItem
	found, err := s.get(ctx, pk, sk, &grant)
	if err != nil {
		return false, storageError("check visibility", err)
	}
	return p.VisibleTo(callerID, sightOf(p.GrantNeeded(callerID), &grant, found)), nil
}

// grantItem is the part of a connection edge or membership that grants
// sight of a network- or org-visible posting.
type grantItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Status string `dynamodbav:"Status"`
}

// visibilityGrant names the item holding the grant callerID needs to see p
// (warmlead.Posting.GrantNeeded): the caller's connection edge with the
// poster, or the caller's membership of the organisation; "" when none.
func (s *Store) visibilityGrant(callerID string, p *warmlead.Posting) (pk, sk string) {
	switch p.GrantNeeded(callerID) {
	case warmlead.GrantConnection:
		return connectionEdgeKey(callerID, p.PosterID)
	case warmlead.GrantMembership:
		return orgMemberKey(p.OrgID, callerID)
	}
	return "", ""
}

// sightOf is what a grant item read (found or not) says of the grant.
func sightOf(g warmlead.Grant, it *grantItem, found bool) warmlead.Sight {
	if !found || it == nil {
		return warmlead.Sight{}
	}
	switch g {
	case warmlead.GrantConnection:
		return warmlead.Sight{Connection: warmlead.ConnectionStatus(it.Status)}
	case warmlead.GrantMembership:
		return warmlead.Sight{Member: true}
	}
	return warmlead.Sight{}
}

// UpdatePosting reads the posting, lets edit change it, and writes the next
// version with a condition on the version read: 2 calls.
func (s *Store) UpdatePosting(ctx context.Context, callerID, id string, version int, edit func(*warmlead.Posting) error) (*warmlead.Posting, error) {
	current, err := s.editablePosting(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	if err := current.CheckEdit(version); err != nil {
		return nil, err
	}
	edited := *current
	if err := edit(&edited); err != nil {
		return nil, err
	}
	next := *current.Edited(edited, s.now())
	next.Normalize()
	if err := next.Validate(s.now()); err != nil {
		return nil, err
	}
	nextItem := newPostingItem(&next)
	av, err := attributevalue.MarshalMap(nextItem)
	if err != nil {
		return nil, err
	}
	terms, err := s.termEdits(current, nextItem) // search.go
	if err != nil {
		return nil, err
	}
	// Enforces CheckEdit atomically: the version read, still open.
	unchanged := condition(expression.Name("Version").Equal(expression.Value(current.Version)).
		And(expression.Name("Status").Equal(expression.Value(string(warmlead.StatusOpen)))))
	err = s.writeAsEditor(ctx, callerID, current, &types.Put{
		TableName: aws.String(s.table), Item: av,
		ConditionExpression: unchanged.Condition(), ExpressionAttributeNames: unchanged.Names(), ExpressionAttributeValues: unchanged.Values(),
	}, nil, terms...)
	if err != nil {
		return nil, err
	}
	return &next, nil
}

// ClosePosting marks an open posting filled or withdrawn and takes it out of
// the browse indexes: a read and a conditional update, 2 calls.
func (s *Store) ClosePosting(ctx context.Context, callerID, id string, reason warmlead.CloseReason) (*warmlead.Posting, error) {
	if err := reason.Check(); err != nil {
		return nil, err
	}
	current, err := s.editablePosting(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	closed, err := current.Close(reason, s.now())
	if err != nil {
		return nil, err
	}
	pk, sk := postingKey(id)
	u := expression.Set(expression.Name("Status"), expression.Value(string(closed.Status))).
		Set(expression.Name("CloseReason"), expression.Value(string(reason))).
		Set(expression.Name("UpdatedAt"), expression.Value(formatTime(closed.UpdatedAt))).
		Set(expression.Name("Version"), expression.Name("Version").Plus(expression.Value(1)))
	for _, attr := range []string{"GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK", "GSI5PK", "GSI5SK"} {
		u = u.Remove(expression.Name(attr))
	}
	// Enforces warmlead.Posting.Close atomically: still open, as read.
	stillOpen := expression.Name("Status").Equal(expression.Value(string(warmlead.StatusOpen))).
		And(expression.Name("Version").Equal(expression.Value(current.Version)))
	e := update(u, &stillOpen)
	update := &types.Update{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
	}
	terms := s.termRemovals(warmlead.PostingTerms(current).Keys(), formatTime(current.CreatedAt), current.ID) // search.go
	if err := s.writeAsEditor(ctx, callerID, current, nil, update, terms...); err != nil {
		return nil, err
	}
	return closed, nil
}

// editablePosting reads a posting for an edit: invisible postings are ENOTFOUND,
// visible ones the caller may not edit are EFORBIDDEN. Org admins are
// checked again, atomically, when the edit is written.
func (s *Store) editablePosting(ctx context.Context, callerID, id string) (*warmlead.Posting, error) {
	p, err := s.FindPostingByID(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	if _, err := p.CheckEditor(callerID); err != nil {
		return nil, err
	}
	return p, nil
}

// writeAsEditor writes put or update. The poster writes directly, whatever
// their role now; anyone else edits only an organisation's posting, as its
// current admin, checked in the same transaction so a demoted admin cannot
// slip an edit in (warmlead.Posting.CheckEditor).
func (s *Store) writeAsEditor(ctx context.Context, callerID string, p *warmlead.Posting, put *types.Put, update *types.Update, index ...types.TransactWriteItem) error {
	needsAdmin, err := p.CheckEditor(callerID)
	if err != nil {
		return err
	}
	if !needsAdmin && len(index) > 0 {
		// The posting and its search index entries (search.go) together.
		tx := &txn{}
		posting := tx.add(types.TransactWriteItem{Put: put, Update: update})
		tx.addEach(index)
		err = s.transact(ctx, tx)
		if r, ok := refused(err); ok && r.failed(posting) {
			return staleVersion()
		}
		return storageError("write posting", err)
	}
	if !needsAdmin {
		if put != nil {
			_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item,
				ConditionExpression: put.ConditionExpression, ExpressionAttributeNames: put.ExpressionAttributeNames,
				ExpressionAttributeValues: put.ExpressionAttributeValues})
		} else {
			_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: update.TableName, Key: update.Key,
				UpdateExpression: update.UpdateExpression, ConditionExpression: update.ConditionExpression,
				ExpressionAttributeNames: update.ExpressionAttributeNames, ExpressionAttributeValues: update.ExpressionAttributeValues})
		}
		if isConditionFailed(err) {
			return staleVersion()
		}
		return storageError("write posting", err)
	}
	tx := &txn{}
	posting := tx.add(types.TransactWriteItem{Put: put, Update: update})
	admin := tx.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(p.OrgID, callerID)})
	tx.addEach(index)
	err = s.transact(ctx, tx)
	if r, ok := refused(err); ok {
		switch {
		case r.failed(admin):
			return p.NotEditor()
		case r.failed(posting):
			return staleVersion()
		}
	}
	return storageError("write posting", err)
}

func staleVersion() error { return warmlead.StalePosting() }

// ListPostingsByPoster pages through the caller's own postings on GSI1.
func (s *Store) ListPostingsByPoster(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Posting], error) {
	q := s.mustQuery(indexByOwner, expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", posterGSI1(callerID))))
	q.ScanIndexForward = aws.Bool(false)
	return s.postingPage(ctx, q, indexByOwner, "mine|"+callerID, callerID, page)
}
