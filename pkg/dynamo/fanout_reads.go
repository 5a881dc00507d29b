package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// What the notifier reads to fan a fact out (warmlead.FanoutStore); the
// writes are in fanout_writes.go, the networks it walks in connections.go
// and orgs.go.

var _ warmlead.FanoutStore = (*Store)(nil)

// CurrentPosting reads a posting as it is now with one GetItem (nil when it
// is gone), for the notifier to check a posting is still open before
// announcing it.
func (s *Store) CurrentPosting(ctx context.Context, id string) (*warmlead.Posting, error) {
	it, err := s.readPosting(ctx, id)
	if warmlead.ErrorCode(err) == warmlead.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return it.posting(), nil
}

// CurrentPostings reads postings as they are now, 100 to a BatchGetItem
// (consistent reads); one that is gone is absent from the map. A stream
// batch reads its postings with it once, instead of one GetItem each.
func (s *Store) CurrentPostings(ctx context.Context, ids []string) (map[string]*warmlead.Posting, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	asked := map[string]bool{}
	for _, id := range ids {
		if asked[id] || !validID(id) {
			continue
		}
		asked[id] = true
		pk, sk := postingKey(id)
		keys = append(keys, key(pk, sk))
	}
	items, err := batchGetItems[postingItem](ctx, s, "get postings", keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*warmlead.Posting, len(items))
	for i := range items {
		p := items[i].posting()
		out[p.ID] = p
	}
	return out, nil
}

// CurrentConnection reads ownerID's side of a connection with otherID as it
// is now with one GetItem (nil when there is none: withdrawn, declined or
// removed).
func (s *Store) CurrentConnection(ctx context.Context, ownerID, otherID string) (*warmlead.Connection, error) {
	it, err := s.readEdge(ctx, ownerID, otherID)
	if err != nil || it == nil {
		return nil, err
	}
	return it.connection(), nil
}

// OrgAdminIDs reads an organisation's admins (one Query of its members,
// filtered to admins).
func (s *Store) OrgAdminIDs(ctx context.Context, orgID string) ([]string, error) {
	var ids []string
	b := orgMembersExpr(orgID).WithFilter(expression.Name("Role").Equal(expression.Value(string(warmlead.RoleAdmin))))
	err := s.eachValue(ctx, "list org admins", "", b, "MemberID", 0, func(page []string) error {
		ids = append(ids, page...)
		return nil
	})
	return ids, err
}

// MemberInterests reads the interests of members, batchGetSize profiles per
// BatchGetItem, projecting only what the notifier needs.
func (s *Store) MemberInterests(ctx context.Context, ids []string) (map[string][]string, error) {
	out := make(map[string][]string, len(ids))
	for start := 0; start < len(ids); start += batchGetSize {
		chunk := ids[start:min(start+batchGetSize, len(ids))]
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = key(memberKey(id))
		}
		items, err := s.batchGetProjected(ctx, keys, "ID", "Interests")
		if err != nil {
			return nil, storageError("read interests", err)
		}
		for _, av := range items {
			var m struct {
				ID        string   `dynamodbav:"ID"`
				Interests []string `dynamodbav:"Interests"`
			}
			if err := attributevalue.UnmarshalMap(av, &m); err != nil {
				return nil, err
			}
			if len(m.Interests) > 0 {
				out[m.ID] = m.Interests
			}
		}
	}
	return out, nil
}
