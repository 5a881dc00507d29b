package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.InterestService = (*Store)(nil)

// ExpressInterest records an interest in two calls: one BatchGetItem (the
// lead, an earlier interest, the referral link, the caller's profile) and
// one TransactWriteItems that stores the interest with its chain and counts
// it on every link of the chain, so the counts never disagree with the
// interests stored. The notifier turns the stored interest into
// notifications for the poster and everyone credited.
func (s *Store) ExpressInterest(ctx context.Context, callerID, postingID, message, token string) (*warmlead.Interest, bool, error) {
	if err := warmlead.ValidateInterestMessage(message); err != nil {
		return nil, false, err
	}
	interestPK, interestSK := interestKey(postingID, callerID)
	var earlier interestItem
	lead, err := s.readLead(ctx, callerID, postingID, token, "body.referral_token", interestPK, interestSK, &earlier)
	if err != nil {
		return nil, false, err
	}
	if lead.earlier {
		return earlier.interest(), false, nil
	}
	pit, link, profile := lead.posting, lead.link, lead.profile
	p := pit.posting()

	it := &interestItem{PK: interestPK, SK: interestSK, Type: typeInterest, PostingID: postingID, MemberID: callerID,
		MemberName: profile.Name, Message: message, PosterID: p.PosterID, OrgID: p.OrgID,
		Chain: []string{p.PosterID}, ChainNames: []string{""}, CreatedAt: formatTime(s.now()), ExpiresAt: pit.ExpiresAt + int64(warmlead.MaxValidity/time.Second),
		GSI1PK: memberInterestsGSI1(callerID), GSI1SK: postingID}
	var counted []string
	if link != nil {
		it.ReferralToken, it.Chain, it.ChainNames = link.Token, link.Chain, link.ChainNames
		counted = append(append(counted, link.ChainTokens...), link.Token)
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, false, err
	}
	tx := []types.TransactWriteItem{{Put: &types.Put{TableName: aws.String(s.table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}}
	for _, t := range counted {
		pk, sk := referralKey(t)
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(s.table), Key: key(pk, sk),
			UpdateExpression:          aws.String("ADD Interests :one"),
			ConditionExpression:       aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": attrN(1)},
		}})
	}
	_, err = s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if r, ok := refused(err); ok && r.failed(0) {
		// A concurrent request recorded it first: return that one.
		if found, err := s.get(ctx, interestPK, interestSK, &earlier); err != nil || !found {
			return nil, false, orNotFound(err)
		}
		return earlier.interest(), false, nil
	}
	if err != nil {
		return nil, false, storageError("express interest", err)
	}
	return it.interest(), true, nil
}

// ListInterests pages through a lead's interests (one Query under the
// lead's key), for the poster of a member's lead and for the current admins
// of an organisation's lead.
func (s *Store) ListInterests(ctx context.Context, callerID, postingID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Interest], error) {
	p, err := s.FindPostingByID(ctx, callerID, postingID)
	if err != nil {
		return nil, err
	}
	if p.OrgID != "" || p.PosterID != callerID {
		admin := false
		if p.OrgID != "" {
			pk, sk := orgMemberKey(p.OrgID, callerID)
			var m struct{ Role string }
			found, err := s.get(ctx, pk, sk, &m)
			if err != nil {
				return nil, storageError("check admin", err)
			}
			admin = found && m.Role == string(warmlead.RoleAdmin)
		}
		if !admin {
			return nil, warmlead.Errorf(warmlead.EFORBIDDEN, "Only the poster and the organisation's admins see who is interested.")
		}
	}
	pk, _ := interestKey(postingID, "")
	q := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": attrS(pk), ":prefix": attrS(interestPrefix)},
	}
	items, next, err := s.queryPage(ctx, "list interests", q, "interests|"+postingID+"|"+callerID, page, tableKeyAttrs)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*interestItem).interest)
}
