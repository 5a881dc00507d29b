package dynamo

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.ReferralService = (*Store)(nil)

// CreateReferral finds or makes the caller's link in two calls: one
// BatchGetItem (the lead, the caller's existing link to it, the link they
// arrived through, their profile) and one TransactWriteItems (the link and
// its copy under the lead, so two racing requests make one link). A lead
// that is not public and reached without a link costs one more read to
// check the caller may see it.
func (s *Store) CreateReferral(ctx context.Context, callerID, postingID, via string) (*warmlead.Referral, bool, error) {
	minePK, mineSK := referralByMemberKey(postingID, callerID)
	var mine referralItem
	lead, err := s.readLead(ctx, callerID, postingID, via, "body.via", minePK, mineSK, &mine)
	if err != nil {
		return nil, false, err
	}
	if lead.earlier {
		return mine.referral(), false, nil
	}
	pit, parent, profile := lead.posting, lead.link, lead.profile
	p := pit.posting()

	link := &referralItem{Type: typeReferral, Token: newToken(), PostingID: postingID, PosterID: p.PosterID,
		ReferrerID: callerID, CreatedAt: formatTime(s.now()), ExpiresAt: pit.ExpiresAt + int64(warmlead.MaxValidity/time.Second), ChainTokens: []string{}}
	switch {
	case callerID == p.PosterID:
		// The poster's own link starts every chain, whatever they followed.
		link.Chain, link.ChainNames = []string{callerID}, []string{profile.Name}
	case parent != nil && !slices.Contains(parent.Chain, callerID):
		link.ParentToken = parent.Token
		link.Chain = append(slices.Clone(parent.Chain), callerID)
		link.ChainNames = append(slices.Clone(parent.ChainNames), profile.Name)
		link.ChainTokens = append(slices.Clone(parent.ChainTokens), parent.Token)
	default:
		link.Chain, link.ChainNames = []string{p.PosterID, callerID}, []string{"", profile.Name}
	}
	if len(link.Chain)-1 > warmlead.MaxChainDepth {
		return nil, false, &warmlead.Error{Code: warmlead.ECONFLICT, Message: "This lead has travelled as far as it may (10 hops); share it from a link nearer the poster.",
			Fields: []warmlead.FieldError{{Location: "body.via", Message: "the chain is at its maximum depth"}}}
	}
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
	_, err = s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.table), Item: linkAV, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: aws.String(s.table), Item: copyAV, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if r, ok := refused(err); ok && r.failed(1) {
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

// stillOpen refuses closed and expired leads.
func (s *Store) stillOpen(p *warmlead.Posting) error {
	switch {
	case p.Status != warmlead.StatusOpen:
		return warmlead.Errorf(warmlead.ECONFLICT, "This lead is %s.", p.Status)
	case !s.now().Before(p.ValidThrough):
		return warmlead.Errorf(warmlead.EGONE, "This lead expired on %s.", p.ValidThrough.Format("2 January 2006"))
	}
	return nil
}

// orNotFound passes a storage error on, or reports the lead as not found.
func orNotFound(err error) error {
	if err != nil {
		return storageError("read posting", err)
	}
	return postingNotFound()
}

// OpenReferral counts the click and reads the link in one UpdateItem, then
// reads its lead: 2 calls.
func (s *Store) OpenReferral(ctx context.Context, token string) (*warmlead.Landing, error) {
	if !validToken(token) {
		return nil, referralNotFound()
	}
	pk, sk := referralKey(token)
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression:          aws.String("ADD Clicks :one"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": attrN(1)},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if isConditionFailed(err) {
		return nil, referralNotFound()
	}
	if err != nil {
		return nil, storageError("open referral", err)
	}
	var link referralItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &link); err != nil {
		return nil, err
	}
	landing := &warmlead.Landing{Referral: link.referral()}
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
	if !found || (callerID != link.ReferrerID && callerID != link.PosterID) {
		return nil, referralNotFound()
	}
	return link.referral(), nil
}

// ListReferrals pages through a member's links on GSI1, newest first.
func (s *Store) ListReferrals(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Referral], error) {
	q := &dynamodb.QueryInput{
		TableName: aws.String(s.table), IndexName: aws.String(indexByOwner),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": attrS(referrerGSI1(callerID))},
		ScanIndexForward:          aws.Bool(false),
	}
	items, next, err := s.queryPage(ctx, "list referrals", q, "referrals|"+callerID, page, gsi1KeyAttrs)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*referralItem).referral)
}

// itemsByKey holds a BatchGetItem's results by PK and SK.
type itemsByKey map[[2]string]map[string]types.AttributeValue

// decode unmarshals the item at pk, sk into out and reports whether it was
// there.
func (m itemsByKey) decode(pk, sk string, out any) (bool, error) {
	av, ok := m[[2]string{pk, sk}]
	if !ok {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(av, out)
}

// batchGetByKey reads keys (at most 100) in one BatchGetItem, retrying
// unprocessed keys.
func (s *Store) batchGetByKey(ctx context.Context, keys []map[string]types.AttributeValue) (itemsByKey, error) {
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(itemsByKey, len(items))
	for _, av := range items {
		pk, _ := av["PK"].(*types.AttributeValueMemberS)
		sk, _ := av["SK"].(*types.AttributeValueMemberS)
		if pk != nil && sk != nil {
			out[[2]string{pk.Value, sk.Value}] = av
		}
	}
	return out, nil
}
