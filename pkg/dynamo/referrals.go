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

var _ warmlead.ReferralService = (*Store)(nil)

// CreateReferral finds or makes the caller's link in two calls: one
// BatchGetItem (the posting, the caller's existing link to it, the link they
// arrived through, their profile) and one TransactWriteItems (the link and
// its copy under the posting, so two racing requests make one link). A posting
// that is not public and reached without a link costs one more read to
// check the caller may see it.
func (s *Store) CreateReferral(ctx context.Context, callerID, postingID, via string) (*warmlead.Referral, bool, error) {
	minePK, mineSK := referralByMemberKey(postingID, callerID)
	var mine referralItem
	shared, err := s.readSharedPosting(ctx, callerID, postingID, via, "via", minePK, mineSK, &mine)
	if err != nil {
		return nil, false, err
	}
	replaces := "" // the caller's revoked link, which a new one replaces
	if shared.earlier {
		var current referralItem
		pk, sk := referralKey(mine.Token)
		if found, err := s.get(ctx, pk, sk, &current); err != nil {
			return nil, false, err
		} else if !found || !current.Revoked {
			return mine.referral(), false, nil
		}
		// Taken back (docs/rules.md, "Referral chains"): sharing again
		// makes a new link; the old one stays "no longer shared".
		replaces = mine.Token
	}
	pit, profile := shared.posting, shared.profile
	var parent *warmlead.Referral
	if shared.link != nil {
		parent = shared.link.referral()
	}
	// Who the chain names, how it extends and how far (warmlead.ShareThrough).
	ref, err := warmlead.ShareThrough(pit.posting(), parent, callerID, profile.Name)
	if err != nil {
		return nil, false, err
	}
	link := &referralItem{Type: typeReferral, Token: newToken(), PostingID: postingID, PosterID: ref.PosterID,
		ReferrerID: callerID, ParentToken: ref.ParentToken, Chain: ref.Chain, ChainNames: ref.ChainNames, ChainTokens: ref.ChainTokens,
		CreatedAt: formatTime(s.now()), ExpiresAt: pit.ExpiresAt + int64(warmlead.MaxValidity/time.Second)}
	link.PK, link.SK = referralKey(link.Token)
	link.GSI1PK, link.GSI1SK = referrerGSI1(callerID), postingSortKey(link.CreatedAt, link.Token)
	copyItem := *link
	copyItem.PK, copyItem.SK, copyItem.Type, copyItem.GSI1PK, copyItem.GSI1SK = minePK, mineSK, typeReferralRef, "", ""
	linkAV, err := attributevalue.MarshalMap(link)
	if err != nil {
		return nil, false, err
	}
	copyAV, err := attributevalue.MarshalMap(copyItem)
	if err != nil {
		return nil, false, err
	}
	fresh := condition(notExists())
	copyCond := fresh
	if replaces != "" { // only the revoked copy read above may be replaced
		copyCond = condition(expression.Name("Token").Equal(expression.Value(replaces)))
	}
	tx := &txn{}
	tx.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: linkAV, ConditionExpression: fresh.Condition(), ExpressionAttributeNames: fresh.Names()}})
	mineCopy := tx.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: copyAV, ConditionExpression: copyCond.Condition(), ExpressionAttributeNames: copyCond.Names(),
		ExpressionAttributeValues: copyCond.Values()}})
	err = s.transact(ctx, tx)
	if r, ok := refused(err); ok && r.failed(mineCopy) {
		// A concurrent request made the caller's link first: return it.
		if found, err := s.get(ctx, minePK, mineSK, &mine); err != nil || !found {
			return nil, false, orNotFound(err)
		}
		return mine.referral(), false, nil
	}
	if err != nil {
		return nil, false, storageError("create referral", err)
	}
	return link.referral(), true, nil
}

// orNotFound passes a storage error on, or reports the posting as not found.
func orNotFound(err error) error {
	if err != nil {
		return storageError("read posting", err)
	}
	return postingNotFound()
}

// OpenReferral reads the link and, when the visit counts, counts it in the
// same UpdateItem; then reads its posting: 2 calls. The link holds the day's
// visitors (hashed, clickDayAttr) as a string set: the update adds the
// visitor and one click on the condition that they are not in it yet, and
// removes the sets of the previous days; a refused condition still returns
// the link (ALL_OLD). docs/rules.md, "Clicks".
func (s *Store) OpenReferral(ctx context.Context, token string, visit warmlead.Visit) (*warmlead.Landing, error) {
	if !validToken(token) {
		return nil, referralNotFound()
	}
	var link referralItem
	found, err := s.countVisit(ctx, token, visit, &link)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, referralNotFound()
	}
	landing := &warmlead.Landing{Referral: link.referral()}
	if link.Revoked {
		return landing, warmlead.Errorf(warmlead.EGONE, "This link is no longer shared.")
	}
	it, err := s.readPosting(ctx, link.PostingID)
	if warmlead.ErrorCode(err) == warmlead.ENOTFOUND {
		return landing, warmlead.Errorf(warmlead.EGONE, "The lead behind this link has been removed.")
	}
	if err != nil {
		return nil, err
	}
	landing.Posting = it.posting()
	landing.Open = landing.Posting.Open(s.now())
	return landing, nil
}

// clickDaysKept is how many earlier days' visitor sets each counted visit
// removes from a link.
const clickDaysKept = 31

// countVisit reads a link into link with one call, counting the visit as a
// click when it counts and the visitor is new today.
func (s *Store) countVisit(ctx context.Context, token string, visit warmlead.Visit, link *referralItem) (bool, error) {
	pk, sk := referralKey(token)
	if !visit.Counts() || visit.VisitorID == "" {
		found, err := s.get(ctx, pk, sk, link)
		if err != nil {
			return false, storageError("open referral", err)
		}
		return found, nil
	}
	now := s.now()
	today := clickDayAttr(warmlead.ClickDay(now))
	vid := s.visitorHash(warmlead.ClickDay(now), visit.VisitorID)
	u := expression.Add(expression.Name("Clicks"), expression.Value(1)).
		Add(expression.Name(today), expression.Value(types.AttributeValueMemberSS{Value: []string{vid}}))
	for d := 1; d <= clickDaysKept; d++ {
		u = u.Remove(expression.Name(clickDayAttr(warmlead.ClickDay(now.AddDate(0, 0, -d)))))
	}
	cond := exists().And(expression.AttributeNotExists(expression.Name("Revoked")),
		expression.Not(expression.Contains(expression.Name(today), vid)))
	e := update(u, &cond)
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	old, failed := conditionFailed(err)
	switch {
	case failed:
		// Counted already today, revoked, or no such link.
		if len(old) == 0 {
			return false, nil
		}
		return true, attributevalue.UnmarshalMap(old, link)
	case err != nil:
		return false, storageError("open referral", err)
	}
	return true, attributevalue.UnmarshalMap(out.Attributes, link)
}

// RevokeReferral marks the caller's link revoked with one conditional
// UpdateItem (it must be theirs); a refusal returns the link, which says
// whether it is someone else's or revoked already.
func (s *Store) RevokeReferral(ctx context.Context, callerID, token string) error {
	if !validToken(token) {
		return referralNotFound()
	}
	pk, sk := referralKey(token)
	// Enforces Referral.CheckRevoke atomically: the caller's link, not revoked yet.
	cond := exists().And(expression.Name("ReferrerID").Equal(expression.Value(callerID)),
		expression.AttributeNotExists(expression.Name("Revoked")))
	e := update(expression.Set(expression.Name("Revoked"), expression.Value(true)).
		Set(expression.Name("RevokedAt"), expression.Value(formatTime(s.now()))), &cond)
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if old, failed := conditionFailed(err); failed {
		var link referralItem
		if len(old) == 0 {
			return referralNotFound()
		}
		if err := attributevalue.UnmarshalMap(old, &link); err != nil {
			return err
		}
		return link.referral().CheckRevoke(callerID) // nil: revoked already
	}
	return storageError("revoke referral", err)
}

func referralNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No referral link with this token.")
}

// FindReferral reads a link with one GetItem, for its referrer or poster.
func (s *Store) FindReferral(ctx context.Context, callerID, token string) (*warmlead.Referral, error) {
	if !validToken(token) {
		return nil, referralNotFound()
	}
	pk, sk := referralKey(token)
	var link referralItem
	found, err := s.get(ctx, pk, sk, &link)
	if err != nil {
		return nil, storageError("get referral", err)
	}
	if !found {
		return nil, referralNotFound()
	}
	ref := link.referral()
	if err := ref.CheckRead(callerID); err != nil {
		return nil, err
	}
	return ref, nil
}

// ListReferrals pages through a member's links on GSI1, newest first.
func (s *Store) ListReferrals(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Referral], error) {
	q := s.mustQuery(indexByOwner, expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", referrerGSI1(callerID))))
	q.ScanIndexForward = aws.Bool(false)
	items, next, err := s.queryPage(ctx, "list referrals", q, "referrals|"+callerID, page, gsi1KeyAttrs)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*referralItem).referral)
}
