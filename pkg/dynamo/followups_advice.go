package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// The follow-ups of informational interviews (docs/followups.md): the
// scheduler re-reads a held request before reminding its requester to
// thank the advisor, and a hire thanks the advisors the member held
// conversations with.

// FindAdviceRequests reads requests by id, 100 a BatchGetItem.
func (s *Store) FindAdviceRequests(ctx context.Context, ids []string) (map[string]*warmlead.AdviceRequest, error) {
	seen := map[string]bool{}
	var ks []map[string]types.AttributeValue
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			ks = append(ks, key(adviceRequestKey(id)))
		}
	}
	items, err := s.batchGet(ctx, ks)
	if err != nil {
		return nil, storageError("read advice requests", err)
	}
	out := make(map[string]*warmlead.AdviceRequest, len(items))
	for _, av := range items {
		var it adviceRequestItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		out[it.ID] = it.request()
	}
	return out, nil
}

// AdvisorsHeldWith lists the advisors memberID held conversations with
// (requests held or thanked): one Query of the requests they sent (GSI1).
func (s *Store) AdvisorsHeldWith(ctx context.Context, memberID string) ([]string, error) {
	status := expression.Name("Status")
	b := expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", adviceRequesterGSI1(memberID))).
		WithFilter(status.Equal(expression.Value(string(warmlead.AdviceHeld))).Or(status.Equal(expression.Value(string(warmlead.AdviceThanked)))))
	seen := map[string]bool{}
	var out []string
	err := s.eachValue(ctx, "list advisors held with", indexByOwner, b, "AdvisorID", 0, func(ids []string) error {
		for _, id := range ids {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return nil
	})
	return out, err
}
