package dynamo

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// failedConditions reports, for a cancelled TransactWriteItems, which of its
// items failed their condition (by position), so a caller can tell "not an
// admin" from "already exists". ok is false for any other error.
func failedConditions(err error) (failed []bool, ok bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false
	}
	failed = make([]bool, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		failed[i] = r.Code != nil && *r.Code == "ConditionalCheckFailed"
	}
	return failed, true
}

// isConditionFailed reports whether a single-item write was refused by its
// condition.
func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}
