package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.DirectoryService = (*Store)(nil)

// directoryScanPages bounds how many membership pages one directory request
// reads while filling a page; a sparse filter returns a short page and a
// cursor rather than walking a large organisation in one request.
const directoryScanPages = 5

// ListOrgDirectory checks the caller's membership (GetItem), then reads the
// organisation's memberships a page at a time (Query) and, for each page,
// the members' profiles and offers (BatchGetItem) and, for members who
// show to connections only, the caller's edges to them (BatchGetItem). It
// never scans; see docs/people.md, "Directory".
func (s *Store) ListOrgDirectory(ctx context.Context, callerID, orgID string, f warmlead.DirectoryFilter, page warmlead.PageRequest) (*warmlead.Page[*warmlead.DirectoryEntry], error) {
	if !validID(orgID) {
		return nil, orgNotFound()
	}
	mine, found, err := s.readMembership(ctx, orgID, callerID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, s.orgAccessError(ctx, orgID, "Only the organisation's members can read its directory.")
	}
	viewer := warmlead.DirectoryViewer{CallerID: callerID, Admin: warmlead.OrgRole(mine.Role) == warmlead.RoleAdmin}
	page = page.Normalize()
	binding := "orgdirectory|" + orgID + "|" + callerID + "|" + warmlead.Fold(f.Q) + "|" + string(f.Stage)
	if f.OffersAdvice {
		binding += "|advice"
	}
	start, err := s.cursors.open(binding, page.Cursor)
	if err != nil {
		return nil, err
	}
	out := &warmlead.Page[*warmlead.DirectoryEntry]{Items: []*warmlead.DirectoryEntry{}}
	for pages := 0; pages < directoryScanPages; pages++ {
		q := s.orgMembersQuery(orgID)
		q.ConsistentRead = aws.Bool(true)
		q.ExclusiveStartKey = start
		q.Limit = aws.Int32(int32(max(page.Limit, 25)))
		res, err := s.client.Query(ctx, q)
		if err != nil {
			return nil, storageError("list org directory", err)
		}
		entries, err := s.directoryEntries(ctx, viewer, res.Items)
		if err != nil {
			return nil, err
		}
		start = res.LastEvaluatedKey
		for i, e := range entries {
			if e == nil || !f.Matches(e) {
				continue
			}
			out.Items = append(out.Items, e)
			if len(out.Items) == page.Limit {
				if i < len(entries)-1 || start != nil {
					start = key(orgMemberKey(orgID, e.Membership.MemberID))
				}
				goto done
			}
		}
		if start == nil {
			break
		}
	}
done:
	if start != nil {
		if out.Next, err = s.cursors.seal(binding, start); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// directoryEntries turns one page of memberships into entries, nil where
// the viewer may not see the member (or the profile is gone).
func (s *Store) directoryEntries(ctx context.Context, viewer warmlead.DirectoryViewer, items []map[string]types.AttributeValue) ([]*warmlead.DirectoryEntry, error) {
	if len(items) == 0 {
		return nil, nil
	}
	ms := make([]orgMemberItem, len(items))
	keys := make([]map[string]types.AttributeValue, 0, 2*len(items))
	for i, av := range items {
		if err := attributevalue.UnmarshalMap(av, &ms[i]); err != nil {
			return nil, err
		}
		keys = append(keys, key(memberKey(ms[i].MemberID)), key(offerKey(ms[i].MemberID)))
	}
	got, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, storageError("read directory profiles", err)
	}
	profiles, offers := map[string]*memberItem{}, map[string]bool{}
	for _, av := range got {
		switch typeOf(av) {
		case typeMember:
			var m memberItem
			if err := attributevalue.UnmarshalMap(av, &m); err != nil {
				return nil, err
			}
			profiles[m.ID] = &m
		case typeOffer:
			var o offerItem
			if err := attributevalue.UnmarshalMap(av, &o); err != nil {
				return nil, err
			}
			offers[o.MemberID] = o.Status == string(warmlead.OfferOpen)
		}
	}
	// Members who show to connections only: is the caller connected to them?
	var edgeKeys []map[string]types.AttributeValue
	for _, p := range profiles {
		if warmlead.DirectoryVisibility(p.Directory) == warmlead.DirectoryConnections && p.ID != viewer.CallerID && !viewer.Admin {
			edgeKeys = append(edgeKeys, key(connectionEdgeKey(viewer.CallerID, p.ID)))
		}
	}
	connected := map[string]bool{}
	if len(edgeKeys) > 0 {
		edges, err := s.batchGet(ctx, edgeKeys)
		if err != nil {
			return nil, storageError("read directory connections", err)
		}
		for _, av := range edges {
			var c connectionItem
			if err := attributevalue.UnmarshalMap(av, &c); err != nil {
				return nil, err
			}
			connected[c.Other] = c.Status == string(warmlead.ConnectionAccepted)
		}
	}
	out := make([]*warmlead.DirectoryEntry, len(ms))
	for i := range ms {
		p := profiles[ms[i].MemberID]
		if p == nil || !viewer.Sees(p.ID, warmlead.DirectoryVisibility(p.Directory), connected[p.ID]) {
			continue
		}
		out[i] = &warmlead.DirectoryEntry{Membership: ms[i].member(), Name: p.Name, Headline: p.Headline,
			Stage: warmlead.Stage(p.Stage), Interests: p.Interests, OffersAdvice: offers[p.ID]}
	}
	return out, nil
}
