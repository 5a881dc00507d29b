package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Key attributes a page continues from: a table Query's, and a GSI1 Query's
// (an index's LastEvaluatedKey carries the table's key too).
var (
	tableKeyAttrs = []string{"PK", "SK"}
	gsi1KeyAttrs  = []string{"PK", "SK", "GSI1PK", "GSI1SK"}
)

// queryPage reads one page of q, with one Query: up to page.Limit items and
// the sealed cursor of the next page ("" on the last). The cursor is opened
// and sealed for binding, which names the list and its caller, so a cursor
// only ever continues the list that issued it. It asks for one item more
// than it returns, so a list that ends on a page boundary ends there instead
// of sending the client for an empty page. op names the list in errors.
func (s *Store) queryPage(ctx context.Context, op string, q *dynamodb.QueryInput, binding string, page warmlead.PageRequest, keyAttrs []string) ([]map[string]types.AttributeValue, string, error) {
	page = page.Normalize()
	start, err := s.cursors.open(binding, page.Cursor)
	if err != nil {
		return nil, "", err
	}
	q.ExclusiveStartKey = start
	q.Limit = aws.Int32(int32(page.Limit + 1))
	out, err := s.client.Query(ctx, q)
	if err != nil {
		return nil, "", storageError(op, err)
	}
	items, lek := out.Items, out.LastEvaluatedKey
	if len(items) > page.Limit {
		items = items[:page.Limit]
		last := items[len(items)-1]
		lek = make(map[string]types.AttributeValue, len(keyAttrs))
		for _, k := range keyAttrs {
			lek[k] = last[k]
		}
	}
	next, err := s.cursors.seal(binding, lek)
	if err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// eachValue runs q one page at a time, projecting the string attribute
// attr, and calls fn with each page's values; it stops at fn's first error
// and returns it. With pageSize 0 a page is whatever one Query returns (up
// to 1 MB read: thousands of small items), so walking a long list costs a
// handful of calls. It serves the notifier's fan-out, which needs ids, not
// resources, and no cursor.
func (s *Store) eachValue(ctx context.Context, op string, q *dynamodb.QueryInput, attr string, pageSize int, fn func([]string) error) error {
	q.ProjectionExpression = aws.String("#v")
	// Add the projection's name to the query's own (OrgAdminIDs filters on
	// #role): replacing them made such a Query invalid.
	if q.ExpressionAttributeNames == nil {
		q.ExpressionAttributeNames = map[string]string{}
	}
	q.ExpressionAttributeNames["#v"] = attr
	if pageSize > 0 {
		q.Limit = aws.Int32(int32(min(pageSize, 1<<20)))
	}
	pages := dynamodb.NewQueryPaginator(s.client, q)
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return storageError(op, err)
		}
		values := make([]string, 0, len(out.Items))
		for _, av := range out.Items {
			if v, ok := av[attr].(*types.AttributeValueMemberS); ok {
				values = append(values, v.Value)
			}
		}
		if len(values) == 0 {
			continue
		}
		if err := fn(values); err != nil {
			return err
		}
	}
	return nil
}

// decodePage unmarshals a page of items into their item struct I and turns
// each into its domain value.
func decodePage[I, T any](items []map[string]types.AttributeValue, next string, conv func(*I) T) (*warmlead.Page[T], error) {
	out := &warmlead.Page[T]{Items: make([]T, 0, len(items)), Next: next}
	for _, av := range items {
		var it I
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, conv(&it))
	}
	return out, nil
}
