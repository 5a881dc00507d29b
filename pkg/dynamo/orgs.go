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

// AddOrgMember adds a member, or changes an existing member's role, in one
// TransactWriteItems: the caller is an admin, the member has a profile, the
// organisation exists, and the membership is as expected, all as conditions
// of the write. The store first expects a new member (the common case);
// when the member already belongs, the refusal returns their membership,
// and a role change is one more transaction conditioned on the role seen,
// which also moves the organisation's AdminCount. An admin changing their
// own role costs one GetItem first.
func (s *Store) AddOrgMember(ctx context.Context, callerID, orgID, memberID string, role warmlead.OrgRole) (*warmlead.OrgMember, bool, error) {
	var fields []warmlead.FieldError
	if warmlead.ValidateMemberID(memberID) != nil {
		fields = append(fields, warmlead.FieldError{Location: "body.member_id", Message: "is not a member id"})
	}
	if !role.Valid() {
		fields = append(fields, warmlead.FieldError{Location: "body.role", Message: "must be one of member, admin"})
	}
	if len(fields) > 0 {
		return nil, false, warmlead.Invalid(fields...)
	}
	if !validID(orgID) {
		return nil, false, orgNotFound()
	}

	// prior is the membership as last seen; nil means "expected absent".
	var prior *orgMemberItem
	self := callerID == memberID
	if self {
		// Only an admin changes anyone's role, their own included; the
		// membership doubles as the admin check, so learn it first.
		it, found, err := s.readMembership(ctx, orgID, callerID)
		if err != nil {
			return nil, false, err
		}
		if !found {
			return nil, false, s.orgAccessError(ctx, orgID, errManageMembers)
		}
		if it.Role != string(warmlead.RoleAdmin) {
			return nil, false, forbidden(errManageMembers)
		}
		prior = it
	}

	for range txnAttempts {
		if prior != nil && prior.Role == string(role) {
			return prior.member(), false, nil
		}
		t := &txn{}
		orgAt := t.add(s.adminCount(orgID, adminDelta(prior, role)))
		callerAt, profileAt := -1, -1
		if !self {
			callerAt = t.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(orgID, callerID)})
		}
		var want *orgMemberItem
		var memberAt int
		if prior == nil {
			profileAt = t.add(s.mustExist(memberKey(memberID)))
			want = newOrgMemberItem(orgID, memberID, role, s.now())
			av, err := attributevalue.MarshalMap(want)
			if err != nil {
				return nil, false, err
			}
			memberAt = t.add(s.putNew(av))
		} else {
			changed := *prior
			changed.Role = string(role)
			want = &changed
			memberAt = t.add(s.setRole(orgID, memberID, warmlead.OrgRole(prior.Role), role))
		}

		err := s.transact(ctx, t)
		if err == nil {
			return want.member(), prior == nil, nil
		}
		r, ok := refused(err)
		if !ok {
			return nil, false, storageError("add org member", err)
		}
		switch {
		case r.failed(orgAt) && !r.existed(orgAt):
			return nil, false, orgNotFound()
		case r.failed(callerAt):
			return nil, false, forbidden(errManageMembers)
		case r.failed(profileAt):
			return nil, false, &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "No member with this id.",
				Fields: []warmlead.FieldError{{Location: "body.member_id", Message: "no such member"}}}
		case r.failed(memberAt):
			// The membership is not what was expected: learn it and retry.
			var seen orgMemberItem
			found, err := r.old(memberAt, &seen)
			if err != nil {
				return nil, false, err
			}
			prior = nil
			if found {
				prior = &seen
			}
			if self && (prior == nil || prior.Role != string(warmlead.RoleAdmin)) {
				return nil, false, forbidden(errManageMembers)
			}
		case r.failed(orgAt):
			return nil, false, lastAdmin()
		case r.throttled():
			return nil, false, unavailable("add org member", err)
		}
	}
	return nil, false, membershipBusy()
}

// RemoveOrgMember deletes a membership in one TransactWriteItems when the
// member is not an admin (the store's first guess). Removing an admin takes
// a second transaction, conditioned on the role the first one saw, that
// also decrements AdminCount on the condition that another admin remains.
func (s *Store) RemoveOrgMember(ctx context.Context, callerID, orgID, memberID string) error {
	if !validID(orgID) {
		return orgNotFound()
	}
	if warmlead.ValidateMemberID(memberID) != nil {
		return notAMember()
	}
	self := callerID == memberID
	prior := warmlead.RoleMember
	for range txnAttempts {
		t := &txn{}
		delta := 0
		if prior == warmlead.RoleAdmin {
			delta = -1
		}
		orgAt := t.add(s.adminCount(orgID, delta))
		callerAt := -1
		if !self {
			callerAt = t.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(orgID, callerID)})
		}
		memberAt := t.add(s.deleteWithRole(orgID, memberID, prior))

		err := s.transact(ctx, t)
		if err == nil {
			return nil
		}
		r, ok := refused(err)
		if !ok {
			return storageError("remove org member", err)
		}
		switch {
		case r.failed(orgAt) && !r.existed(orgAt):
			return orgNotFound()
		case r.failed(callerAt):
			return forbidden("Only the organisation's admins can remove another member; members may leave.")
		case r.failed(memberAt):
			var seen orgMemberItem
			found, err := r.old(memberAt, &seen)
			if err != nil {
				return err
			}
			if !found {
				return notAMember()
			}
			prior = warmlead.OrgRole(seen.Role)
		case r.failed(orgAt):
			return lastAdmin()
		case r.throttled():
			return unavailable("remove org member", err)
		}
	}
	return membershipBusy()
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
// consistent, for the notifier's fan-out of org leads.
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

// adminDelta is how AdminCount moves when a membership goes from prior
// (nil: none) to role.
func adminDelta(prior *orgMemberItem, role warmlead.OrgRole) int {
	was := prior != nil && prior.Role == string(warmlead.RoleAdmin)
	is := role == warmlead.RoleAdmin
	switch {
	case is && !was:
		return 1
	case was && !is:
		return -1
	}
	return 0
}

// adminCount is the organisation's part of a membership transaction: a
// condition that it exists, plus the change to AdminCount. Taking an admin
// away is conditioned on another admin remaining. On a refusal the item
// comes back, so "no such organisation" and "last admin" can be told apart.
func (s *Store) adminCount(orgID string, delta int) types.TransactWriteItem {
	pk, sk := orgKey(orgID)
	if delta == 0 {
		return s.mustExist(pk, sk)
	}
	count := expression.Name("AdminCount")
	u, cond := expression.Set(count, count.Plus(expression.Value(delta))), exists()
	if delta < 0 {
		u, cond = expression.Set(count, count.Minus(expression.Value(-delta))), count.GreaterThan(expression.Value(-delta))
	}
	e := update(u, &cond)
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValuesOnConditionCheckFailure: allOld,
	}}
}

// setRole changes a membership's role if it still has the role from; its
// JoinedAt is untouched.
func (s *Store) setRole(orgID, memberID string, from, to warmlead.OrgRole) types.TransactWriteItem {
	pk, sk := orgMemberKey(orgID, memberID)
	was := expression.Name("Role").Equal(expression.Value(string(from)))
	e := update(expression.Set(expression.Name("Role"), expression.Value(string(to))), &was)
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValuesOnConditionCheckFailure: allOld,
	}}
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

const errManageMembers = "Only the organisation's admins can add members or change roles."

func orgNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No organisation with this id.")
}

func notAMember() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "This member does not belong to the organisation.")
}

func forbidden(msg string) error { return warmlead.Errorf(warmlead.EFORBIDDEN, "%s", msg) }

func lastAdmin() error {
	return warmlead.Errorf(warmlead.ECONFLICT,
		"The organisation's last admin cannot leave or step down; make another member admin first.")
}

func membershipBusy() error {
	return warmlead.Errorf(warmlead.ECONFLICT,
		"The organisation's membership was changing while this request ran; retry.")
}
