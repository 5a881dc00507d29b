package dynamo

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.OrgService = (*Store)(nil)

// CreateOrg writes the organisation and its creator's admin membership in
// one TransactWriteItems, so neither exists without the other.
func (s *Store) CreateOrg(ctx context.Context, callerID string, o *warmlead.Org) (*warmlead.Org, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := warmlead.ValidateMemberID(callerID); err != nil {
		return nil, err
	}
	now := parseTime(formatTime(s.now()))
	org := &warmlead.Org{ID: newID(), Name: strings.TrimSpace(o.Name), Kind: o.Kind, CreatedBy: callerID, CreatedAt: now}
	orgAV, err := attributevalue.MarshalMap(newOrgItem(org, 1))
	if err != nil {
		return nil, err
	}
	memberAV, err := attributevalue.MarshalMap(newOrgMemberItem(org.ID, callerID, warmlead.RoleAdmin, now))
	if err != nil {
		return nil, err
	}
	t := &txn{}
	t.add(s.putNew(orgAV))
	t.add(s.putNew(memberAV))
	if err := s.transact(ctx, t); err != nil {
		return nil, storageError("create org", err)
	}
	return org, nil
}

// FindOrgByID reads an organisation with one GetItem. Returns ENOTFOUND.
func (s *Store) FindOrgByID(ctx context.Context, id string) (*warmlead.Org, error) {
	if !validID(id) {
		return nil, orgNotFound()
	}
	pk, sk := orgKey(id)
	var it orgItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get org", err)
	}
	if !found {
		return nil, orgNotFound()
	}
	return it.org(), nil
}

// ListOrgMembers checks the caller's membership with one GetItem and reads
// a page of the organisation's partition with one Query.
func (s *Store) ListOrgMembers(ctx context.Context, callerID, orgID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.OrgMember], error) {
	if !validID(orgID) {
		return nil, orgNotFound()
	}
	if _, found, err := s.readMembership(ctx, orgID, callerID); err != nil {
		return nil, err
	} else if !found {
		return nil, s.orgAccessError(ctx, orgID, "Only the organisation's members can list its members.")
	}
	q := s.orgMembersQuery(orgID)
	q.ConsistentRead = aws.Bool(true)
	items, next, err := s.queryPage(ctx, "list org members", q, "orgmembers|"+orgID+"|"+callerID, page, tableKeyAttrs)
	if err != nil {
		return nil, err
	}
	return decodePage(items, next, (*orgMemberItem).member)
}

// OrgMemberIDs calls fn with the ids of an organisation's members, one
// Query page at a time, in order of id (see eachValue; pageSize 0 reads
// pages of up to 1 MB). It reads the table's org partition, eventually
// consistent, for the notifier's fan-out of org postings.
func (s *Store) OrgMemberIDs(ctx context.Context, orgID string, pageSize int, fn func(ids []string) error) error {
	if !validID(orgID) {
		return orgNotFound()
	}
	return s.eachValue(ctx, "list org member ids", "", orgMembersExpr(orgID), "MemberID", pageSize, fn)
}

// orgMembersQuery reads an organisation's memberships.
func (s *Store) orgMembersQuery(orgID string) *dynamodb.QueryInput {
	return s.mustQuery("", orgMembersExpr(orgID))
}

// readMembership reads one membership (consistently: a member sees their
// own changes at once).
func (s *Store) readMembership(ctx context.Context, orgID, memberID string) (*orgMemberItem, bool, error) {
	if warmlead.ValidateMemberID(memberID) != nil {
		return nil, false, nil
	}
	pk, sk := orgMemberKey(orgID, memberID)
	var it orgMemberItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, false, storageError("get org membership", err)
	}
	return &it, found, nil
}

// orgAccessError explains why a caller with no membership was refused: the
// organisation does not exist (ENOTFOUND), or it does and they do not
// belong (EFORBIDDEN: organisations are public, so saying so leaks nothing).
func (s *Store) orgAccessError(ctx context.Context, orgID, msg string) error {
	pk, sk := orgKey(orgID)
	var probe struct{ PK string }
	found, err := s.get(ctx, pk, sk, &probe)
	if err != nil {
		return storageError("get org", err)
	}
	if !found {
		return orgNotFound()
	}
	return forbidden(msg)
}

// setRole changes a membership's role if it still has the role from; its
// JoinedAt is untouched.
func (s *Store) setRole(orgID, memberID string, from, to warmlead.OrgRole) types.TransactWriteItem {
	pk, sk := orgMemberKey(orgID, memberID)
	was := expression.Name("Role").Equal(expression.Value(string(from)))
	e := update(expression.Set(expression.Name("Role"), expression.Value(string(to))), &was)
	u := s.txUpdate(key(pk, sk), e)
	u.ReturnValuesOnConditionCheckFailure = allOld
	return types.TransactWriteItem{Update: u}
}

// deleteWithRole deletes a membership if it has the role expected.
func (s *Store) deleteWithRole(orgID, memberID string, role warmlead.OrgRole) types.TransactWriteItem {
	pk, sk := orgMemberKey(orgID, memberID)
	e := condition(expression.Name("Role").Equal(expression.Value(string(role))))
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(s.table), Key: key(pk, sk),
		ConditionExpression: e.Condition(), ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValuesOnConditionCheckFailure: allOld,
	}}
}

func orgNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No organisation with this id.")
}

func notAMember() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "This member does not belong to the organisation.")
}

func forbidden(msg string) error { return warmlead.Errorf(warmlead.EFORBIDDEN, "%s", msg) }

func membershipBusy() error {
	return warmlead.Errorf(warmlead.ECONFLICT,
		"The organisation's membership was changing while this request ran; retry.")
}
