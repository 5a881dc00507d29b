package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Archiving bounds: one call closes at most archiveBatches × archiveBatch
// open postings (each close is a normal close, 2 calls) and withdraws as
// many pending invitations; ArchiveResult.MoreToClose says when a further
// call has more to do.
const (
	archiveBatch   = 25
	archiveBatches = 4
)

// ArchiveOrg marks the organisation archived (one TransactWriteItems,
// conditioned on the caller being an admin), then closes its open postings
// found on the organisation's browse index (GSI5), a batch at a time, each
// exactly as POST /postings/{id}/close withdraws it, and withdraws its
// pending invitations. Archiving again is allowed: it closes what is left.
func (s *Store) ArchiveOrg(ctx context.Context, callerID, orgID string) (*warmlead.ArchiveResult, error) {
	if !validID(orgID) {
		return nil, orgNotFound()
	}
	var org *warmlead.Org
	for attempt := 0; org == nil; attempt++ {
		if attempt == txnAttempts {
			return nil, membershipBusy()
		}
		v, err := s.readOrgView(ctx, orgID, []string{callerID}, nil, nil)
		if err != nil {
			return nil, err
		}
		if v.org == nil {
			return nil, orgNotFound()
		}
		if err := warmlead.CanArchive(v.role(callerID)); err != nil {
			return nil, err
		}
		if v.org.ArchivedAt != "" {
			org = v.org.org()
			break
		}
		now := formatTime(s.now())
		pk, sk := orgKey(orgID)
		expr, err := expression.NewBuilder().WithCondition(activeCond()).
			WithUpdate(expression.Set(expression.Name("ArchivedAt"), expression.Value(now))).Build()
		if err != nil {
			return nil, err
		}
		t := &txn{}
		t.add(types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), expr)})
		t.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(orgID, callerID)})
		retry, err := s.transactOrRetry(ctx, t, "archive org", attempt)
		if err != nil {
			return nil, err
		}
		if !retry {
			v.org.ArchivedAt = now
			org = v.org.org()
		}
	}

	res := &warmlead.ArchiveResult{Org: org}
	closed, more, err := s.closeOrgPostings(ctx, callerID, orgID)
	res.PostingsClosed, res.MoreToClose = closed, more
	if err != nil {
		return nil, err
	}
	invitesLeft, err := s.withdrawOrgInvitations(ctx, orgID)
	if err != nil {
		return nil, err
	}
	res.MoreToClose = res.MoreToClose || invitesLeft
	return res, nil
}

// closeOrgPostings closes up to archiveBatches pages of the organisation's
// open postings (GSI5 lists only open ones, newest first), each with
// ClosePosting as the caller. A posting closed meanwhile (the index is
// eventually consistent) is skipped.
func (s *Store) closeOrgPostings(ctx context.Context, callerID, orgID string) (closed int, more bool, err error) {
	q := s.mustQuery(indexOrg, expression.NewBuilder().WithKeyCondition(keyIs("GSI5PK", orgFeedGSI5(orgID))).
		WithProjection(expression.NamesList(expression.Name("ID"))))
	q.Limit = aws.Int32(archiveBatch)
	for range archiveBatches {
		out, err := s.client.Query(ctx, q)
		if err != nil {
			return closed, false, storageError("list org postings", err)
		}
		for _, av := range out.Items {
			id, _ := av["ID"].(*types.AttributeValueMemberS)
			if id == nil {
				continue
			}
			_, err := s.ClosePosting(ctx, callerID, id.Value, warmlead.CloseWithdrawn)
			switch warmlead.ErrorCode(err) {
			case "":
				closed++
			case warmlead.ECONFLICT, warmlead.ENOTFOUND, warmlead.EPRECONDITION:
				// closed, gone or changed meanwhile: nothing to do
			default:
				return closed, false, err
			}
		}
		if out.LastEvaluatedKey == nil {
			return closed, false, nil
		}
		q.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return closed, true, nil
}

// withdrawOrgInvitations deletes up to archiveBatches pages of the
// organisation's pending invitations (its partition, INVITE# keys) and
// reports whether some remain.
func (s *Store) withdrawOrgInvitations(ctx context.Context, orgID string) (bool, error) {
	pk, _ := orgKey(orgID)
	q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyPrefix("PK", pk, "SK", orgInvitesPrefix)).
		WithProjection(expression.NamesList(expression.Name("PK"), expression.Name("SK"))))
	q.Limit = aws.Int32(archiveBatch)
	for range archiveBatches {
		out, err := s.client.Query(ctx, q)
		if err != nil {
			return false, storageError("list org invitations", err)
		}
		for _, k := range out.Items {
			if _, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: k}); err != nil {
				return false, storageError("withdraw org invitation", err)
			}
		}
		if out.LastEvaluatedKey == nil {
			return false, nil
		}
		q.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return true, nil
}
