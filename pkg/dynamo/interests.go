package dynamo

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.InterestService = (*Store)(nil)

// ExpressInterest records an interest in two calls: one BatchGetItem (the
// posting, an earlier interest, the referral link, the caller's profile) and
// one TransactWriteItems that stores the interest with its chain and counts
// it on every link warmlead.Credit credits, so the counts never disagree
// with the interests stored. A link of the chain found revoked when the
// transaction runs (its condition says so) is left out and the write tried
// again. A repeat updates the earlier interest's message (one UpdateItem
// when it changed). The notifier turns the stored
// interest into notifications for the poster and everyone credited.
func (s *Store) ExpressInterest(ctx context.Context, callerID, postingID, message, token string, share bool) (*warmlead.Interest, bool, error) {
	if err := warmlead.ValidateInterestMessage(message); err != nil {
		return nil, false, err
	}
	interestPK, interestSK := interestKey(postingID, callerID)
	var earlier interestItem
	shared, err := s.readSharedPosting(ctx, callerID, postingID, token, "referral_token", interestPK, interestSK, &earlier)
	if err != nil {
		return nil, false, err
	}
	if shared.earlier {
		in, err := s.updateInterest(ctx, &earlier, message)
		return in, false, err
	}
	pit, link, profile := shared.posting, shared.link, shared.profile
	p := pit.posting()
	if err := warmlead.CheckInterest(p, callerID); err != nil {
		return nil, false, err
	}

	it := &interestItem{PK: interestPK, SK: interestSK, Type: typeInterest, PostingID: postingID, MemberID: callerID,
		MemberName: profile.Name, Message: message, PosterID: p.PosterID, OrgID: p.OrgID, ShareWithChain: share,
		Chain: []string{p.PosterID}, ChainNames: []string{""}, CreatedAt: formatTime(s.now()), ExpiresAt: pit.ExpiresAt + int64(warmlead.MaxValidity/time.Second)}
	it.GSI1PK, it.GSI1SK = memberInterestsGSI1(callerID), postingSortKey(it.CreatedAt, postingID)
	var ref *warmlead.Referral
	if link != nil {
		ref = link.referral()
		it.ReferralToken, it.Chain, it.ChainNames = link.Token, link.Chain, link.ChainNames
	}
	revoked := map[string]bool{}
	for attempt := 0; attempt <= warmlead.MaxChainDepth+1; attempt++ {
		it.CreditedTokens, it.CreditedIDs = warmlead.Credit(ref, callerID, func(t string) bool { return revoked[t] })
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			return nil, false, err
		}
		put := condition(notExists())
		tx := &txn{}
		interest := tx.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av,
			ConditionExpression: put.Condition(), ExpressionAttributeNames: put.Names(), ExpressionAttributeValues: put.Values()}})
		credits := make([]txItem, len(it.CreditedTokens))
		for i, t := range it.CreditedTokens {
			credits[i] = tx.add(s.countInterest(t, 1))
		}
		err = s.transact(ctx, tx)
		if err == nil {
			return it.interest(), true, nil
		}
		r, ok := refused(err)
		if !ok {
			return nil, false, storageError("express interest", err)
		}
		if r.failed(interest) {
			// A concurrent request recorded it first: return that one.
			if found, err := s.get(ctx, interestPK, interestSK, &earlier); err != nil || !found {
				return nil, false, orNotFound(err)
			}
			return earlier.interest(), false, nil
		}
		if r.throttled() {
			return nil, false, unavailable("express interest", err)
		}
		more := false
		for i, t := range it.CreditedTokens {
			if r.failed(credits[i]) {
				revoked[t], more = true, true // revoked, or gone with its posting's TTL
			}
		}
		if !more {
			return nil, false, storageError("express interest", err)
		}
	}
	return nil, false, warmlead.Errorf(warmlead.ECONFLICT, "The referral chain was changing while this request ran; retry.")
}

// countInterest moves a live link's interest count by delta (never below
// zero); it refuses, returning the link, a revoked or missing one.
func (s *Store) countInterest(token string, delta int) types.TransactWriteItem {
	pk, sk := referralKey(token)
	cond := exists().And(expression.AttributeNotExists(expression.Name("Revoked")))
	if delta < 0 {
		cond = exists().And(expression.Name("Interests").GreaterThanEqual(expression.Value(-delta)))
	}
	e := update(expression.Add(expression.Name("Interests"), expression.Value(delta)), &cond)
	u := s.txUpdate(key(pk, sk), e)
	u.ReturnValuesOnConditionCheckFailure = allOld
	return types.TransactWriteItem{Update: u}
}

// updateInterest stores a repeated interest's new message (one conditional
// UpdateItem, only when one was sent and it changed). The share choice stays the first one:
// the chain was told (or not) when the interest was made.
func (s *Store) updateInterest(ctx context.Context, it *interestItem, message string) (*warmlead.Interest, error) {
	if message == "" || it.Message == message { // a repeat without a message keeps the one sent
		return it.interest(), nil
	}
	if it.Message == message {
		return it.interest(), nil
	}
	var now interestItem
	if err := s.updateExisting(ctx, "update interest", key(it.PK, it.SK), expression.Set(expression.Name("Message"), expression.Value(message)),
		warmlead.Errorf(warmlead.ECONFLICT, "The interest was withdrawn while this request ran; retry."), &now); err != nil {
		return nil, err
	}
	return now.interest(), nil
}

// WithdrawInterest reads the caller's interest (one GetItem) and, if there
// is one, deletes it and takes back the count on every link it credited in
// one TransactWriteItems, so counts and interests never disagree. A link
// gone since (its posting's TTL) is left out and the write tried again.
func (s *Store) WithdrawInterest(ctx context.Context, callerID, postingID string) error {
	if !validID(postingID) || warmlead.ValidateMemberID(callerID) != nil {
		return nil
	}
	pk, sk := interestKey(postingID, callerID)
	for range txnAttempts {
		var it interestItem
		found, err := s.get(ctx, pk, sk, &it)
		if err != nil {
			return storageError("read interest", err)
		}
		if !found {
			return nil // withdrawn already
		}
		tokens := slices.Clone(it.CreditedTokens)
		for range len(tokens) + 1 {
			del := condition(exists().And(expression.Name("CreatedAt").Equal(expression.Value(it.CreatedAt))))
			tx := &txn{}
			interest := tx.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk),
				ConditionExpression: del.Condition(), ExpressionAttributeNames: del.Names(), ExpressionAttributeValues: del.Values()}})
			credits := make([]txItem, len(tokens))
			for i, t := range tokens {
				credits[i] = tx.add(s.countInterest(t, -1))
			}
			err = s.transact(ctx, tx)
			if err == nil {
				return nil
			}
			r, ok := refused(err)
			if !ok {
				return storageError("withdraw interest", err)
			}
			if r.throttled() {
				return unavailable("withdraw interest", err)
			}
			if r.failed(interest) {
				break // withdrawn (or withdrawn and expressed again) meanwhile: read again
			}
			kept := tokens[:0]
			for i, t := range tokens {
				if !r.failed(credits[i]) {
					kept = append(kept, t)
				}
			}
			if len(kept) == len(tokens) {
				return storageError("withdraw interest", err)
			}
			tokens = kept
		}
	}
	return warmlead.Errorf(warmlead.ECONFLICT, "The interest was changing while this request ran; retry.")
}

// ListMyInterests reads a page of the caller's interests from GSI1 (one
// Query, newest first) and their postings as they are now (one BatchGetItem).
func (s *Store) ListMyInterests(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.MyInterest], error) {
	q := s.mustQuery(indexByOwner, expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", memberInterestsGSI1(callerID))))
	q.ScanIndexForward = aws.Bool(false)
	items, next, err := s.queryPage(ctx, "list my interests", q, "myinterests|"+callerID, page, gsi1KeyAttrs)
	if err != nil {
		return nil, err
	}
	pg, err := decodePage(items, next, func(it *interestItem) *warmlead.MyInterest { return &warmlead.MyInterest{Interest: *it.interest()} })
	if err != nil || len(pg.Items) == 0 {
		return pg, err
	}
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, in := range pg.Items {
		if !seen[in.PostingID] {
			seen[in.PostingID] = true
			keys = append(keys, key(postingKey(in.PostingID)))
		}
	}
	got, err := s.batchGetByKey(ctx, keys)
	if err != nil {
		return nil, storageError("read postings", err)
	}
	now := s.now()
	for _, in := range pg.Items {
		var it postingItem
		pk, sk := postingKey(in.PostingID)
		if ok, err := got.decode(pk, sk, &it); err != nil {
			return nil, err
		} else if ok {
			p := it.posting()
			in.PostingTitle, in.PostingStatus = p.Title, p.EffectiveStatus(now)
		}
	}
	return pg, nil
}

// ListInterests pages through a posting's interests (one Query under the
// posting's key), for the poster of a member's posting and for the current admins
// of an organisation's posting.
func (s *Store) ListInterests(ctx context.Context, callerID, postingID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Interest], error) {
	p, err := s.FindPostingByID(ctx, callerID, postingID)
	if err != nil {
		return nil, err
	}
	admin := false
	if needsAdmin, _ := p.CheckEditor(callerID); needsAdmin {
		pk, sk := orgMemberKey(p.OrgID, callerID)
		var m struct{ Role string }
		found, err := s.get(ctx, pk, sk, &m)
		if err != nil {
			return nil, storageError("check admin", err)
		}
		admin = found && m.Role == string(warmlead.RoleAdmin)
	}
	if err := p.CheckInterestReader(callerID, admin); err != nil {
		return nil, err
	}
	pk, _ := interestKey(postingID, "")
	q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyPrefix("PK", pk, "SK", interestPrefix)))
	items, next, err := s.queryPage(ctx, "list interests", q, "interests|"+postingID+"|"+callerID, page, tableKeyAttrs)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*interestItem).interest)
}
