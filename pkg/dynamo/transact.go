package dynamo

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// txnAttempts bounds the optimistic loops that guess an item's state, write
// with a condition on the guess, and learn the real state from a refusal.
const txnAttempts = 3

// txn collects the items of one TransactWriteItems; add returns each item's
// position, which is how a refusal is read back.
type txn struct{ items []types.TransactWriteItem }

func (t *txn) add(it types.TransactWriteItem) int {
	t.items = append(t.items, it)
	return len(t.items) - 1
}

func (s *Store) transact(ctx context.Context, t *txn) error {
	_, err := s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.items})
	return err
}

// refusal is what a cancelled TransactWriteItems says about each of its
// items, in order. Items written with ReturnValuesOnConditionCheckFailure
// ALL_OLD carry the item as it was when their condition failed, so one
// refused call both says "no" and says why.
type refusal []types.CancellationReason

// refused returns the refusal in err, if err is a cancelled transaction.
func refused(err error) (refusal, bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false
	}
	return refusal(tce.CancellationReasons), true
}

// failed reports whether item i failed its condition (i < 0: never).
func (r refusal) failed(i int) bool {
	return i >= 0 && i < len(r) && aws.ToString(r[i].Code) == "ConditionalCheckFailed"
}

// old decodes item i as it was when its condition failed into out and
// reports whether it existed.
func (r refusal) old(i int, out any) (bool, error) {
	if i < 0 || i >= len(r) || len(r[i].Item) == 0 {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(r[i].Item, out)
}

// allOld asks a transaction item to return the item when its condition fails.
const allOld = types.ReturnValuesOnConditionCheckFailureAllOld

// throttled reports whether the transaction was refused for capacity rather
// than by a condition: the caller should answer "retry later".
func (r refusal) throttled() bool {
	for _, c := range r {
		switch aws.ToString(c.Code) {
		case "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded":
			return true
		}
	}
	return false
}

// putNew writes a new item; it fails (returning what is there) if the key
// is taken.
func (s *Store) putNew(item map[string]types.AttributeValue) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item,
		ConditionExpression:                 aws.String("attribute_not_exists(PK)"),
		ReturnValuesOnConditionCheckFailure: allOld,
	}}
}

// mustExist is a condition: the item at pk, sk exists.
func (s *Store) mustExist(pk, sk string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(s.table), Key: key(pk, sk),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	}}
}

// isConditionFailed reports whether a single-item write was refused by its
// condition.
func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}
