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

// Every transactional write goes through txn: add appends an item and
// returns its handle, and a refusal is read through the handles, never by
// position, so adding an item cannot make another's check read the wrong
// reason.

// txn collects the items of one TransactWriteItems.
type txn struct{ items []types.TransactWriteItem }

// txItem names one item of a txn. The zero txItem names no item (one a
// branch did not add): it never failed and has no old value.
type txItem struct{ at int } // position + 1

// add appends an item and returns its handle.
func (t *txn) add(it types.TransactWriteItem) txItem {
	t.items = append(t.items, it)
	return txItem{at: len(t.items)}
}

// addEach appends items and returns their handles, in order.
func (t *txn) addEach(its []types.TransactWriteItem) []txItem {
	hs := make([]txItem, len(its))
	for i, it := range its {
		hs[i] = t.add(it)
	}
	return hs
}

// transact runs t as one TransactWriteItems.
func (s *Store) transact(ctx context.Context, t *txn) error {
	_, err := s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.items})
	return err
}

// refusal is what a cancelled TransactWriteItems says about each of its
// items. Items written with ReturnValuesOnConditionCheckFailure ALL_OLD
// carry the item as it was when their condition failed, so one refused
// call both says "no" and says why.
type refusal []types.CancellationReason

// refused returns the refusal in err, if err is a cancelled transaction.
func refused(err error) (refusal, bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false
	}
	return refusal(tce.CancellationReasons), true
}

func (r refusal) reason(it txItem) (types.CancellationReason, bool) {
	i := it.at - 1
	if i < 0 || i >= len(r) {
		return types.CancellationReason{}, false
	}
	return r[i], true
}

// failed reports whether the item failed its condition.
func (r refusal) failed(it txItem) bool {
	c, ok := r.reason(it)
	return ok && aws.ToString(c.Code) == "ConditionalCheckFailed"
}

// old decodes the item as it was when its condition failed into out and
// reports whether it existed.
func (r refusal) old(it txItem, out any) (bool, error) {
	c, ok := r.reason(it)
	if !ok || len(c.Item) == 0 {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(c.Item, out)
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
	e := condition(notExists())
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item,
		ConditionExpression: e.Condition(), ExpressionAttributeNames: e.Names(),
		ReturnValuesOnConditionCheckFailure: allOld,
	}}
}

// mustExist is a condition: the item at pk, sk exists.
func (s *Store) mustExist(pk, sk string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: s.txCheck(key(pk, sk), exists())}
}

// A single-item write (PutItem, UpdateItem, DeleteItem) refused by its
// condition is read the same way: whether it failed, and the item as it
// was when the write asked for it (ReturnValuesOnConditionCheckFailure
// ALL_OLD).

// conditionFailed reports whether a single-item write was refused by its
// condition and returns the item as it was (nil: it did not exist, or the
// write did not ask for it).
func conditionFailed(err error) (map[string]types.AttributeValue, bool) {
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return nil, false
	}
	return ccf.Item, true
}

// isConditionFailed reports whether a single-item write was refused by its
// condition.
func isConditionFailed(err error) bool {
	_, failed := conditionFailed(err)
	return failed
}
