package dynamo

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.AdviceService = (*Store)(nil)

// maxOfferOrgs bounds the organisations an offer is indexed in: the offer
// and its index entries are written in one TransactWriteItems (100 items).
const maxOfferOrgs = 90

// PutOffer reads the caller's profile, current offer and this month's
// count (one BatchGetItem)
// and their organisations (one Query of GSI1), then writes the offer and
// its per-organisation index entries, removing entries of organisations
// they left, in one TransactWriteItems: three calls.
func (s *Store) PutOffer(ctx context.Context, callerID string, o *warmlead.Offer) (*warmlead.Offer, bool, error) {
	o.MemberID = callerID
	if err := o.Validate(); err != nil {
		return nil, false, err
	}
	ppk, psk := memberKey(callerID)
	opk, osk := offerKey(callerID)
	mpk, msk := adviceMonthKey(callerID, warmlead.AdviceMonth(s.now()))
	got, err := s.batchGetByKey(ctx, []map[string]types.AttributeValue{key(ppk, psk), key(opk, osk), key(mpk, msk)})
	if err != nil {
		return nil, false, storageError("put offer", err)
	}
	var profile memberItem
	if found, err := got.decode(ppk, psk, &profile); err != nil {
		return nil, false, err
	} else if !found {
		return nil, false, warmlead.Errorf(warmlead.ENOTFOUND, "You have no profile yet: create it with PUT /me.")
	}
	var prior offerItem
	existed, err := got.decode(opk, osk, &prior)
	if err != nil {
		return nil, false, err
	}
	orgs, err := s.memberOrgIDs(ctx, callerID)
	if err != nil {
		return nil, false, err
	}
	if len(orgs) > maxOfferOrgs {
		orgs = orgs[:maxOfferOrgs]
	}
	now := parseTime(formatTime(s.now()))
	o.Name, o.Headline, o.UpdatedAt = profile.Name, profile.Headline, now
	created := now
	if existed {
		created = parseTime(prior.CreatedAt)
	}
	av, err := attributevalue.MarshalMap(newOfferItem(o, orgs, created))
	if err != nil {
		return nil, false, err
	}
	t := &txn{}
	t.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av}})
	for _, org := range orgs {
		pk, sk := orgOfferKey(org, callerID)
		entry, err := attributevalue.MarshalMap(&orgOfferItem{PK: pk, SK: sk, Type: typeOrgOffer, OrgID: org, MemberID: callerID, Status: string(o.Status)})
		if err != nil {
			return nil, false, err
		}
		t.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: entry}})
	}
	for _, org := range prior.OrgIDs {
		if !slices.Contains(orgs, org) && len(t.items) < transactMaxItems {
			pk, sk := orgOfferKey(org, callerID)
			t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk)}})
		}
	}
	if err := s.transact(ctx, t); err != nil {
		return nil, false, storageError("put offer", err)
	}
	var month adviceMonthItem
	if _, err := got.decode(mpk, msk, &month); err != nil {
		return nil, false, err
	}
	o.RemainingThisMonth = warmlead.Remaining(o.MonthlyCapacity, month.Accepted)
	return o, !existed, nil
}

// DeleteOffer reads the offer (for the organisations it is indexed in) and
// deletes it and its index entries in one TransactWriteItems.
func (s *Store) DeleteOffer(ctx context.Context, callerID string) error {
	pk, sk := offerKey(callerID)
	var it offerItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return storageError("delete offer", err)
	}
	if !found {
		return offerNotFound()
	}
	t := &txn{}
	t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk)}})
	for _, org := range it.OrgIDs {
		opk, osk := orgOfferKey(org, callerID)
		t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(opk, osk)}})
	}
	if err := s.transact(ctx, t); err != nil {
		return storageError("delete offer", err)
	}
	return nil
}

// FindOffer reads the offer, the caller's edge to its offerer and this
// month's count in one BatchGetItem; a caller who is not connected is
// checked for a shared organisation (one Query, one BatchGetItem).
func (s *Store) FindOffer(ctx context.Context, callerID, memberID string) (*warmlead.Offer, error) {
	if warmlead.ValidateMemberID(memberID) != nil {
		return nil, offerNotFound()
	}
	opk, osk := offerKey(memberID)
	epk, esk := connectionEdgeKey(callerID, memberID)
	mpk, msk := adviceMonthKey(memberID, warmlead.AdviceMonth(s.now()))
	got, err := s.batchGetByKey(ctx, []map[string]types.AttributeValue{key(opk, osk), key(epk, esk), key(mpk, msk)})
	if err != nil {
		return nil, storageError("get offer", err)
	}
	var it offerItem
	if found, err := got.decode(opk, osk, &it); err != nil {
		return nil, err
	} else if !found {
		return nil, offerNotFound()
	}
	var edge connectionItem
	connected, err := got.decode(epk, esk, &edge)
	if err != nil {
		return nil, err
	}
	if callerID != memberID && !(connected && edge.Status == string(warmlead.ConnectionAccepted)) {
		ok, err := s.shareOrg(ctx, callerID, memberID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, offerNotFound()
		}
	}
	var month adviceMonthItem
	if _, err := got.decode(mpk, msk, &month); err != nil {
		return nil, err
	}
	return it.offer(month.Accepted), nil
}

// ListOffers gathers the ids of the members whose offers the caller may
// see — their accepted connections (GSI1, ids only) and the offers indexed
// under each of their organisations (ORGOFFERS#<o>, one Query each) — and
// reads the offers in order of offerer id, with this month's counts and,
// for offers found through an organisation only, the offerer's membership
// (index entries may outlive a membership), in BatchGetItems of up to 30
// offerers until the page is full. With org_id only that organisation's
// index is read. Only open offers are listed.
func (s *Store) ListOffers(ctx context.Context, callerID string, f warmlead.OfferFilter, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Offer], error) {
	page = page.Normalize()
	binding := "offers|" + callerID + "|" + f.OrgID + "|" + f.Topic + "|" + string(f.Format) + "|" + f.Q
	start, err := s.cursors.open(binding, page.Cursor)
	if err != nil {
		return nil, err
	}
	after := str(start, "after")

	viaOrg := map[string]string{} // offerer -> an organisation to check
	connected := map[string]bool{}
	var orgs []string
	if f.OrgID != "" {
		if !validID(f.OrgID) {
			return nil, orgNotFound()
		}
		if _, found, err := s.readMembership(ctx, f.OrgID, callerID); err != nil {
			return nil, err
		} else if !found {
			return nil, s.orgAccessError(ctx, f.OrgID, "Only the organisation's members can list its offers.")
		}
		orgs = []string{f.OrgID}
	} else {
		if err := s.ConnectedMembers(ctx, callerID, warmlead.ConnectionAccepted, 0, func(ids []string) error {
			for _, id := range ids {
				connected[id] = true
			}
			return nil
		}); err != nil {
			return nil, err
		}
		if orgs, err = s.memberOrgIDs(ctx, callerID); err != nil {
			return nil, err
		}
	}
	for _, org := range orgs {
		pk, _ := orgOfferKey(org, "")
		b := expression.NewBuilder().WithKeyCondition(keyIs("PK", pk))
		if err := s.eachValue(ctx, "list org offers", "", b, "MemberID", 0, func(ids []string) error {
			for _, id := range ids {
				if _, ok := viaOrg[id]; !ok {
					viaOrg[id] = org
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	var candidates []string
	for id := range connected {
		candidates = append(candidates, id)
	}
	for id := range viaOrg {
		if !connected[id] {
			candidates = append(candidates, id)
		}
	}
	slices.Sort(candidates)
	candidates = slices.DeleteFunc(candidates, func(id string) bool { return id <= after || id == callerID })

	month := warmlead.AdviceMonth(s.now())
	out := &warmlead.Page[*warmlead.Offer]{Items: []*warmlead.Offer{}}
	for len(candidates) > 0 && len(out.Items) < page.Limit {
		chunk := candidates[:min(30, len(candidates))]
		candidates = candidates[len(chunk):]
		var keys []map[string]types.AttributeValue
		for _, id := range chunk {
			opk, osk := offerKey(id)
			mpk, msk := adviceMonthKey(id, month)
			keys = append(keys, key(opk, osk), key(mpk, msk))
			if !connected[id] {
				gpk, gsk := orgMemberKey(viaOrg[id], id)
				keys = append(keys, key(gpk, gsk))
			}
		}
		got, err := s.batchGetByKey(ctx, keys)
		if err != nil {
			return nil, storageError("list offers", err)
		}
		for i, id := range chunk {
			if !connected[id] {
				gpk, gsk := orgMemberKey(viaOrg[id], id)
				if _, ok := got[[2]string{gpk, gsk}]; !ok {
					continue
				}
			}
			opk, osk := offerKey(id)
			var it offerItem
			if found, err := got.decode(opk, osk, &it); err != nil {
				return nil, err
			} else if !found || it.Status != string(warmlead.OfferOpen) {
				continue
			}
			mpk, msk := adviceMonthKey(id, month)
			var m adviceMonthItem
			if _, err := got.decode(mpk, msk, &m); err != nil {
				return nil, err
			}
			o := it.offer(m.Accepted)
			if !f.MatchesOffer(o) {
				continue
			}
			out.Items = append(out.Items, o)
			if len(out.Items) == page.Limit {
				if i < len(chunk)-1 || len(candidates) > 0 {
					next, err := s.cursors.seal(binding, map[string]types.AttributeValue{"after": attrS(id)})
					if err != nil {
						return nil, err
					}
					out.Next = next
				}
				break
			}
		}
	}
	return out, nil
}

// memberOrgIDs lists a member's organisations (one Query of GSI1 per 1 MB).
func (s *Store) memberOrgIDs(ctx context.Context, memberID string) ([]string, error) {
	gpk, _ := memberOrgsGSI1(memberID, "")
	var orgs []string
	b := expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", gpk))
	err := s.eachValue(ctx, "list member orgs", indexByOwner, b, "GSI1SK", 0, func(v []string) error {
		for _, sk := range v {
			orgs = append(orgs, strings.TrimPrefix(sk, "ORG#"))
		}
		return nil
	})
	return orgs, err
}

// shareOrg reports whether a and b belong to a common organisation: a's
// organisations (one Query), then b's memberships of them (one BatchGetItem).
func (s *Store) shareOrg(ctx context.Context, a, b string) (bool, error) {
	orgs, err := s.memberOrgIDs(ctx, a)
	if err != nil || len(orgs) == 0 {
		return false, err
	}
	keys := make([]map[string]types.AttributeValue, 0, len(orgs))
	for _, o := range orgs {
		keys = append(keys, key(orgMemberKey(o, b)))
	}
	items, err := s.batchGetProjected(ctx, keys, "PK")
	if err != nil {
		return false, storageError("check shared orgs", err)
	}
	return len(items) > 0, nil
}

// mayReach reports whether caller may see other's offer: accepted
// connections (edge as read) or fellow members of an organisation.
func (s *Store) mayReach(ctx context.Context, callerID, otherID string, edge *connectionItem) (bool, error) {
	if edge != nil && edge.Status == string(warmlead.ConnectionAccepted) {
		return true, nil
	}
	return s.shareOrg(ctx, callerID, otherID)
}

func offerNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "No advice offer you may see for this member.")
}
