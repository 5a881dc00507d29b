package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Organisations and consent (docs/rules.md, "Organisations and consent").
//
// Every membership change follows one shape: one BatchGetItem reads what
// the rules need (the organisation, the memberships and invitations
// concerned, the profiles to name), the pure rules in
// pkg/warmlead/org_consent.go decide, and one TransactWriteItems writes
// with conditions that hold exactly the state that was read (the roles
// seen, the organisation still active, another admin remaining). A refused
// or conflicting write reads again and asks the rules again, so two admins
// leaving at once cannot leave none: the second one's condition fails and
// the rules, seeing one admin, refuse.

var _ warmlead.OrgConsentService = (*Store)(nil)

// orgView is what one read of an organisation for a membership change saw.
type orgView struct {
	org      *orgItem // nil: no such organisation
	members  map[string]*orgMemberItem
	invites  map[string]*orgInvitationItem
	profiles map[string]*memberItem
}

func (v *orgView) role(memberID string) warmlead.OrgRole {
	if m := v.members[memberID]; m != nil {
		return warmlead.OrgRole(m.Role)
	}
	return ""
}

func (v *orgView) standing(memberID string) warmlead.Standing {
	s := warmlead.Standing{Role: v.role(memberID)}
	if inv := v.invites[memberID]; inv != nil {
		s.Invited = warmlead.OrgRole(inv.Role)
	}
	return s
}

// readOrgView reads an organisation, the memberships of members, the
// pending invitations of invitees and the profiles of profiles, with one
// consistent BatchGetItem.
func (s *Store) readOrgView(ctx context.Context, orgID string, members, invitees, profiles []string) (*orgView, error) {
	seen := map[string]bool{}
	var keys []map[string]types.AttributeValue
	addKey := func(pk, sk string) {
		if k := pk + "\x00" + sk; !seen[k] {
			seen[k] = true
			keys = append(keys, key(pk, sk))
		}
	}
	addKey(orgKey(orgID))
	for _, m := range members {
		addKey(orgMemberKey(orgID, m))
	}
	for _, m := range invitees {
		addKey(orgInvitationKey(orgID, m))
	}
	for _, m := range profiles {
		addKey(memberKey(m))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, storageError("read org state", err)
	}
	v := &orgView{members: map[string]*orgMemberItem{}, invites: map[string]*orgInvitationItem{}, profiles: map[string]*memberItem{}}
	for _, av := range items {
		var err error
		switch typeOf(av) {
		case typeOrg:
			v.org = &orgItem{}
			err = attributevalue.UnmarshalMap(av, v.org)
		case typeOrgMember:
			var it orgMemberItem
			err = attributevalue.UnmarshalMap(av, &it)
			v.members[it.MemberID] = &it
		case typeOrgInvitation:
			var it orgInvitationItem
			err = attributevalue.UnmarshalMap(av, &it)
			v.invites[it.MemberID] = &it
		case typeMember:
			var it memberItem
			err = attributevalue.UnmarshalMap(av, &it)
			v.profiles[it.ID] = &it
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

// InviteOrgMember reads the state (1 BatchGetItem), asks CanInvite, and
// writes the invitation with the premises as conditions (1
// TransactWriteItems): the organisation active, the caller an admin, the
// invitee's membership as seen, their profile present, no invitation yet.
// A pending invitation to the same role is returned after the read alone.
func (s *Store) InviteOrgMember(ctx context.Context, callerID, orgID, memberID string, role warmlead.OrgRole) (*warmlead.OrgInvitation, bool, error) {
	var fields []warmlead.FieldError
	if warmlead.ValidateMemberID(memberID) != nil {
		fields = append(fields, warmlead.FieldError{Field: "member_id", Message: "is not a member id"})
	}
	if !role.Valid() {
		fields = append(fields, warmlead.FieldError{Field: "role", Message: "must be one of member, admin"})
	}
	if len(fields) > 0 {
		return nil, false, warmlead.Invalid(fields...)
	}
	if !validID(orgID) {
		return nil, false, orgNotFound()
	}
	for attempt := range txnAttempts {
		v, err := s.readOrgView(ctx, orgID, []string{callerID, memberID}, []string{memberID}, []string{callerID, memberID})
		if err != nil {
			return nil, false, err
		}
		if v.org == nil {
			return nil, false, orgNotFound()
		}
		invitee := v.standing(memberID)
		if err := warmlead.CanInvite(v.org.state(), v.role(callerID), invitee, role); err != nil {
			return nil, false, err
		}
		if v.profiles[memberID] == nil {
			return nil, false, noSuchMember()
		}
		if pending := v.invites[memberID]; pending != nil {
			return pending.invitation(), false, nil
		}
		inv := &warmlead.OrgInvitation{OrgID: orgID, OrgName: v.org.Name, MemberID: memberID, Role: role,
			InvitedBy: callerID, CreatedAt: parseTime(formatTime(s.now()))}
		if p := v.profiles[callerID]; p != nil {
			inv.InviterName = p.Name
		}
		av, err := attributevalue.MarshalMap(newOrgInvitationItem(inv))
		if err != nil {
			return nil, false, err
		}
		t := &txn{}
		t.add(s.orgActiveCheck(orgID))
		t.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(orgID, callerID)})
		t.add(s.roleCheck(orgID, memberID, invitee.Role))
		t.add(s.mustExist(memberKey(memberID)))
		t.add(s.putNew(av))
		retry, err := s.transactOrRetry(ctx, t, "invite org member", attempt)
		if err != nil {
			return nil, false, err
		}
		if !retry {
			return inv, true, nil
		}
	}
	return nil, false, membershipBusy()
}

// AcceptOrgInvitation reads the state (1 BatchGetItem), asks CanAccept,
// and in one TransactWriteItems consumes the invitation (as seen), writes
// the membership (new, or promoted from the role seen) and, for a new
// admin, counts them on the organisation, which must still be active.
func (s *Store) AcceptOrgInvitation(ctx context.Context, callerID, orgID string) (*warmlead.OrgMember, error) {
	if !validID(orgID) || warmlead.ValidateMemberID(callerID) != nil {
		return nil, noInvitation()
	}
	for attempt := range txnAttempts {
		v, err := s.readOrgView(ctx, orgID, []string{callerID}, []string{callerID}, nil)
		if err != nil {
			return nil, err
		}
		if v.org == nil {
			return nil, noInvitation()
		}
		st := v.standing(callerID)
		role, err := warmlead.CanAccept(v.org.state(), st)
		if err != nil {
			return nil, err
		}
		t := &txn{}
		ipk, isk := orgInvitationKey(orgID, callerID)
		t.add(s.conditional(ipk, isk, expression.Name("Role").Equal(expression.Value(string(st.Invited))), deleteOp))
		if role == warmlead.RoleAdmin && st.Role != warmlead.RoleAdmin {
			t.add(s.adminCountActive(orgID, 1))
		} else {
			t.add(s.orgActiveCheck(orgID))
		}
		var m *warmlead.OrgMember
		switch {
		case st.Role == "":
			it := newOrgMemberItem(orgID, callerID, role, s.now())
			av, err := attributevalue.MarshalMap(it)
			if err != nil {
				return nil, err
			}
			t.add(s.putNew(av))
			m = it.member()
		case st.Role != role:
			t.add(s.setRole(orgID, callerID, st.Role, role))
			m = v.members[callerID].member()
			m.Role = role
		default:
			t.add(s.roleCheck(orgID, callerID, st.Role))
			m = v.members[callerID].member()
		}
		retry, err := s.transactOrRetry(ctx, t, "accept org invitation", attempt)
		if err != nil {
			return nil, err
		}
		if !retry {
			return m, nil
		}
	}
	return nil, membershipBusy()
}

// DeclineOrgInvitation deletes the caller's invitation: one conditional
// DeleteItem.
func (s *Store) DeclineOrgInvitation(ctx context.Context, callerID, orgID string) error {
	if !validID(orgID) || warmlead.ValidateMemberID(callerID) != nil {
		return noInvitation()
	}
	pk, sk := orgInvitationKey(orgID, callerID)
	expr, err := expression.NewBuilder().WithCondition(expression.AttributeExists(expression.Name("PK"))).Build()
	if err != nil {
		return err
	}
	_, err = s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk),
		ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	})
	if isConditionFailed(err) {
		return warmlead.CanDecline(warmlead.Standing{})
	}
	return storageError("decline org invitation", err)
}

// StepDown reads the state (1 BatchGetItem), asks CanStepDown, and in one
// TransactWriteItems turns the caller's admin membership (as seen) into a
// member's while taking one from AdminCount on the condition that another
// admin remains or the organisation is archived.
func (s *Store) StepDown(ctx context.Context, callerID, orgID string) (*warmlead.OrgMember, error) {
	if !validID(orgID) {
		return nil, orgNotFound()
	}
	for attempt := range txnAttempts {
		v, err := s.readOrgView(ctx, orgID, []string{callerID}, nil, nil)
		if err != nil {
			return nil, err
		}
		if v.org == nil {
			return nil, orgNotFound()
		}
		role := v.role(callerID)
		if err := warmlead.CanStepDown(v.org.state(), role); err != nil {
			return nil, err
		}
		m := v.members[callerID].member()
		if role == warmlead.RoleMember {
			return m, nil
		}
		t := &txn{}
		t.add(s.adminCountDown(orgID))
		t.add(s.setRole(orgID, callerID, warmlead.RoleAdmin, warmlead.RoleMember))
		retry, err := s.transactOrRetry(ctx, t, "step down", attempt)
		if err != nil {
			return nil, err
		}
		if !retry {
			m.Role = warmlead.RoleMember
			return m, nil
		}
	}
	return nil, membershipBusy()
}

// RemoveOrgMember reads the state (1 BatchGetItem), asks CanRemove, and in
// one TransactWriteItems deletes the membership (with the role seen) and
// any pending invitation of the member, checks the caller is still an
// admin when removing someone else, and, for an admin, takes one from
// AdminCount on the condition that another admin remains or the
// organisation is archived.
func (s *Store) RemoveOrgMember(ctx context.Context, callerID, orgID, memberID string) error {
	if !validID(orgID) {
		return orgNotFound()
	}
	if warmlead.ValidateMemberID(memberID) != nil {
		return notAMember()
	}
	self := callerID == memberID
	for attempt := range txnAttempts {
		v, err := s.readOrgView(ctx, orgID, []string{callerID, memberID}, nil, nil)
		if err != nil {
			return err
		}
		if v.org == nil {
			return orgNotFound()
		}
		target := v.role(memberID)
		if err := warmlead.CanRemove(v.org.state(), v.role(callerID), self, target); err != nil {
			return err
		}
		t := &txn{}
		if target == warmlead.RoleAdmin {
			t.add(s.adminCountDown(orgID))
		}
		if !self {
			t.add(types.TransactWriteItem{ConditionCheck: s.adminCheck(orgID, callerID)})
		}
		t.add(s.deleteWithRole(orgID, memberID, target))
		ipk, isk := orgInvitationKey(orgID, memberID)
		t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(ipk, isk)}})
		retry, err := s.transactOrRetry(ctx, t, "remove org member", attempt)
		if err != nil {
			return err
		}
		if !retry {
			return nil
		}
	}
	return membershipBusy()
}

// transactOrRetry writes t. A refusal by a condition, or a conflict with
// another transaction, means the state changed since it was read: retry
// is true and the caller reads again (after a short backoff on conflicts).
func (s *Store) transactOrRetry(ctx context.Context, t *txn, op string, attempt int) (retry bool, err error) {
	err = s.transact(ctx, t)
	if err == nil {
		return false, nil
	}
	var conflict *types.TransactionConflictException
	if conflicted(err) || errors.As(err, &conflict) {
		return true, sleep(ctx, backoff(attempt))
	}
	if r, ok := refused(err); ok {
		if r.throttled() {
			return false, unavailable(op, err)
		}
		return true, nil
	}
	return false, storageError(op, err)
}

// writeOp says what a conditional transaction item does.
type writeOp int

const (
	checkOp writeOp = iota
	deleteOp
)

// conditional is a ConditionCheck or a Delete of the item at pk, sk under
// cond, built with the expression builder.
func (s *Store) conditional(pk, sk string, cond expression.ConditionBuilder, op writeOp) types.TransactWriteItem {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		// The conditions here are fixed shapes; a build error is a bug.
		panic(err)
	}
	switch op {
	case deleteOp:
		return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk),
			ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()}}
	}
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(s.table), Key: key(pk, sk),
		ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()}}
}

// activeCond holds for an organisation that exists and is not archived.
func activeCond() expression.ConditionBuilder {
	return expression.AttributeExists(expression.Name("PK")).And(expression.AttributeNotExists(expression.Name("ArchivedAt")))
}

// orgActiveCheck is a condition: the organisation exists and is active.
func (s *Store) orgActiveCheck(orgID string) types.TransactWriteItem {
	pk, sk := orgKey(orgID)
	return s.conditional(pk, sk, activeCond(), checkOp)
}

// roleCheck is a condition: memberID's membership has role ("" = none).
func (s *Store) roleCheck(orgID, memberID string, role warmlead.OrgRole) types.TransactWriteItem {
	pk, sk := orgMemberKey(orgID, memberID)
	cond := expression.AttributeNotExists(expression.Name("PK"))
	if role != "" {
		cond = expression.Name("Role").Equal(expression.Value(string(role)))
	}
	return s.conditional(pk, sk, cond, checkOp)
}

// adminCountActive adds n admins to an active organisation.
func (s *Store) adminCountActive(orgID string, n int) types.TransactWriteItem {
	pk, sk := orgKey(orgID)
	expr, err := expression.NewBuilder().WithCondition(activeCond()).
		WithUpdate(expression.Set(expression.Name("AdminCount"), expression.Name("AdminCount").Plus(expression.Value(n)))).Build()
	if err != nil {
		panic(err)
	}
	return types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), expr)}
}

// adminCountDown takes one admin away, on the condition that another admin
// remains or the organisation is archived (its last admin may then go).
func (s *Store) adminCountDown(orgID string) types.TransactWriteItem {
	pk, sk := orgKey(orgID)
	cond := expression.AttributeExists(expression.Name("PK")).And(
		expression.Name("AdminCount").GreaterThan(expression.Value(1)).Or(expression.AttributeExists(expression.Name("ArchivedAt"))))
	expr, err := expression.NewBuilder().WithCondition(cond).
		WithUpdate(expression.Set(expression.Name("AdminCount"), expression.Name("AdminCount").Minus(expression.Value(1)))).Build()
	if err != nil {
		panic(err)
	}
	return types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), expr)}
}

// ListMyInvitations pages through the caller's pending invitations, newest
// first: one Query of GSI1.
func (s *Store) ListMyInvitations(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.OrgInvitation], error) {
	gpk, _ := memberInvitesGSI1(callerID, "", "")
	q := s.mustQuery(indexByOwner, expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", gpk)))
	q.ScanIndexForward = aws.Bool(false)
	items, next, err := s.queryPage(ctx, "list my invitations", q, "myinvites|"+callerID, page, gsi1KeyAttrs)
	if err != nil {
		return nil, err
	}
	pg, err := decodePage(items, next, (*orgInvitationItem).invitation)
	if err != nil {
		return nil, err
	}
	return pg, s.hideFormerInviters(ctx, pg.Items)
}

// hideFormerInviters reads the tombstones (formerKey) of the inviters of
// a page of invitations, in one BatchGetItem, and names an inviter who
// deleted their account after inviting "a former member", with no id
// (docs/people.md, "What still names a deleted member"): nothing lists
// invitations by inviter, so they are made right when read.
func (s *Store) hideFormerInviters(ctx context.Context, invs []*warmlead.OrgInvitation) error {
	var keys []map[string]types.AttributeValue
	for _, inv := range invs {
		if warmlead.ValidateMemberID(inv.InvitedBy) == nil {
			keys = append(keys, key(formerKey(inv.InvitedBy)))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	formers, err := batchGetItems[formerItem](ctx, s, "read former inviters", dedupeKeys(keys))
	if err != nil {
		return err
	}
	deleted := map[string]time.Time{}
	for _, f := range formers {
		deleted[f.ID] = parseTime(f.DeletedAt)
	}
	for _, inv := range invs {
		if at, ok := deleted[inv.InvitedBy]; ok && !inv.CreatedAt.After(at) {
			inv.InvitedBy, inv.InviterName = "", warmlead.FormerMemberName
		}
	}
	return nil
}

// ListMyOrgs pages through the caller's memberships (one Query of GSI1)
// and reads their organisations (one BatchGetItem): 2 calls.
func (s *Store) ListMyOrgs(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.MemberOrg], error) {
	gpk, _ := memberOrgsGSI1(callerID, "")
	q := s.mustQuery(indexByOwner, expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", gpk)))
	items, next, err := s.queryPage(ctx, "list my orgs", q, "myorgs|"+callerID, page, gsi1KeyAttrs)
	if err != nil {
		return nil, err
	}
	ms, err := decodePage(items, next, (*orgMemberItem).member)
	if err != nil {
		return nil, err
	}
	keys := make([]map[string]types.AttributeValue, len(ms.Items))
	for i, m := range ms.Items {
		keys[i] = key(orgKey(m.OrgID))
	}
	orgs := map[string]*warmlead.Org{}
	if len(keys) > 0 {
		got, err := batchGetItems[orgItem](ctx, s, "read my orgs", keys)
		if err != nil {
			return nil, err
		}
		for _, it := range got {
			orgs[it.ID] = it.org()
		}
	}
	out := &warmlead.Page[*warmlead.MemberOrg]{Items: make([]*warmlead.MemberOrg, 0, len(ms.Items)), Next: ms.Next}
	for _, m := range ms.Items {
		if o := orgs[m.OrgID]; o != nil {
			out.Items = append(out.Items, &warmlead.MemberOrg{Org: o, Role: m.Role, JoinedAt: m.JoinedAt})
		}
	}
	return out, nil
}

func noInvitation() error { return warmlead.CanDecline(warmlead.Standing{}) }

func noSuchMember() error {
	return &warmlead.Error{Code: warmlead.ENOTFOUND, Message: "No member with this id.",
		Fields: []warmlead.FieldError{{Field: "member_id", Message: "no such member"}}}
}

// orgArchived refuses a posting on behalf of an archived organisation.
func orgArchived() error {
	err := warmlead.CanPostFor(warmlead.OrgState{Archived: true}, warmlead.RoleAdmin).(*warmlead.Error)
	err.Fields = []warmlead.FieldError{{Field: "org_id", Message: "the organisation is archived"}}
	return err
}
