package dynamo

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Item I/O every file shares: attribute values in and out, GetItem, and
// the batched reads and writes with their limits and backoff.

// DynamoDB's per-call limits, and how batches retry what it leaves
// unprocessed.
const (
	batchWriteSize      = warmlead.NotificationBatch // items per BatchWriteItem (DynamoDB's limit, 25)
	batchGetSize        = 100                        // keys per BatchGetItem (DynamoDB's limit)
	transactMaxItems    = 100                        // items per TransactWriteItems (DynamoDB's limit)
	batchWriteAttempts  = 8
	batchWriteBaseDelay = 20 * time.Millisecond
	batchWriteMaxDelay  = time.Second
)

// key builds a primary-key attribute map.
func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk},
		"SK": &types.AttributeValueMemberS{Value: sk},
	}
}

// attrS makes a string attribute value.
func attrS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// str reads a string attribute of an item ("" when absent or not a string).
func str(av map[string]types.AttributeValue, name string) string {
	if v, ok := av[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// typeOf returns an item's Type attribute.
func typeOf(av map[string]types.AttributeValue) string { return str(av, "Type") }

// keyString orders keys so a batch is built the same way every time.
func keyString(k map[string]types.AttributeValue) string {
	return k["PK"].(*types.AttributeValueMemberS).Value + "\x00" + k["SK"].(*types.AttributeValueMemberS).Value
}

// get reads one item into out with a strongly consistent GetItem (a member
// reads their own writes) and reports whether it existed.
func (s *Store) get(ctx context.Context, pk, sk string, out any) (bool, error) {
	res, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(pk, sk),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, err
	}
	if res.Item == nil {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(res.Item, out)
}

// updateExisting applies u to the item at k on the condition that it
// exists (one UpdateItem) and decodes the item as it is after into out;
// missing is the error when it does not exist, op names the write for
// storage errors.
func (s *Store) updateExisting(ctx context.Context, op string, k map[string]types.AttributeValue, u expression.UpdateBuilder, missing error, out any) error {
	cond := exists()
	in := s.updateInput(k, update(u, &cond))
	in.ReturnValues = types.ReturnValueAllNew
	res, err := s.client.UpdateItem(ctx, in)
	if isConditionFailed(err) {
		return missing
	}
	if err != nil {
		return storageError(op, err)
	}
	return attributevalue.UnmarshalMap(res.Attributes, out)
}

// batchGet reads keys with BatchGetItem, 100 a call.
// batchGetItems reads keys (batchGet) decoded as items of type T, in no
// particular order; op names the operation in a storage error.
func batchGetItems[T any](ctx context.Context, s *Store, op string, keys []map[string]types.AttributeValue) ([]T, error) {
	avs, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, storageError(op, err)
	}
	var out []T
	if err := attributevalue.UnmarshalListOfMaps(avs, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	return s.batchGetProjected(ctx, keys)
}

// batchGetProjected reads keys (consistently), 100 a call, with only the
// attributes named (none named: all), retrying unprocessed keys with
// jittered backoff.
func (s *Store) batchGetProjected(ctx context.Context, keys []map[string]types.AttributeValue, attrs ...string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	only := projection(attrs...)
	for start := 0; start < len(keys); start += batchGetSize {
		ka := types.KeysAndAttributes{Keys: keys[start:min(start+batchGetSize, len(keys))], ConsistentRead: aws.Bool(true),
			ProjectionExpression: only.Projection(), ExpressionAttributeNames: only.Names()}
		req := map[string]types.KeysAndAttributes{s.table: ka}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == batchWriteAttempts {
				return nil, errUnprocessed
			}
			if attempt > 0 {
				if err := sleep(ctx, backoff(attempt-1)); err != nil {
					return nil, err
				}
			}
			res, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, err
			}
			out = append(out, res.Responses[s.table]...)
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

var errUnprocessed = warmlead.Errorf(warmlead.EUNAVAILABLE, "Storage is busy; retry shortly.")

// itemsByKey holds a BatchGetItem's results by PK and SK.
type itemsByKey map[[2]string]map[string]types.AttributeValue

// decode unmarshals the item at pk, sk into out and reports whether it was
// there.
func (m itemsByKey) decode(pk, sk string, out any) (bool, error) {
	av, ok := m[[2]string{pk, sk}]
	if !ok {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(av, out)
}

// batchGetByKey reads keys (at most batchGetSize) in one BatchGetItem, retrying
// unprocessed keys.
func (s *Store) batchGetByKey(ctx context.Context, keys []map[string]types.AttributeValue) (itemsByKey, error) {
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(itemsByKey, len(items))
	for _, av := range items {
		pk, _ := av["PK"].(*types.AttributeValueMemberS)
		sk, _ := av["SK"].(*types.AttributeValueMemberS)
		if pk != nil && sk != nil {
			out[[2]string{pk.Value, sk.Value}] = av
		}
	}
	return out, nil
}

// batchWrite writes one batch, retrying what DynamoDB leaves unprocessed.
func (s *Store) batchWrite(ctx context.Context, batch []types.WriteRequest) error {
	req := map[string][]types.WriteRequest{s.table: batch}
	for attempt := 0; ; attempt++ {
		out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
		if err != nil {
			return storageError("write items", err)
		}
		if len(out.UnprocessedItems[s.table]) == 0 {
			return nil
		}
		if attempt+1 == batchWriteAttempts {
			return warmlead.Errorf(warmlead.EUNAVAILABLE, "%d items left unwritten after %d attempts", len(out.UnprocessedItems[s.table]), batchWriteAttempts)
		}
		req = out.UnprocessedItems
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// writePuts writes one batch of items (at most batchWriteSize, no key
// twice) as unconditional puts: with BatchWriteItem, retrying what it
// leaves unprocessed, or, in a store made WithTransactedBatches, as one
// TransactWriteItems of the same puts (all of them or none). Either way an
// error leaves the batch to the caller, whose stream record fails and is
// delivered again.
func (s *Store) writePuts(ctx context.Context, items []map[string]types.AttributeValue) error {
	if s.transactBatches {
		var t txn
		for _, it := range items {
			t.add(types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: it}})
		}
		if err := s.transact(ctx, &t); err != nil {
			return storageError("write items", err)
		}
		return nil
	}
	batch := make([]types.WriteRequest, len(items))
	for i, it := range items {
		batch[i].PutRequest = &types.PutRequest{Item: it}
	}
	return s.batchWrite(ctx, batch)
}

// backoff is full-jitter exponential backoff: a random delay up to
// base·2^attempt, capped.
func backoff(attempt int) time.Duration {
	ceiling := min(batchWriteBaseDelay<<attempt, batchWriteMaxDelay)
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
