package dynamo

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// storageError classifies an SDK error. Outages and throttling become
// EUNAVAILABLE (the API answers 503 with Retry-After); anything else stays an
// internal error carrying the SDK's message for the logs only.
func storageError(op string, err error) error {
	if err == nil {
		return nil
	}
	var (
		netErr    net.Error
		throttled *types.ProvisionedThroughputExceededException
		limit     *types.RequestLimitExceeded
		internal  *types.InternalServerError
		api       smithy.APIError
		resp      *smithyhttp.ResponseError
	)
	if conflicted(err) {
		return unavailable(op, err)
	}
	switch {
	case errors.As(err, &throttled), errors.As(err, &limit), errors.As(err, &internal),
		errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return unavailable(op, err)
	case errors.As(err, &api) && (api.ErrorCode() == "ThrottlingException" || api.ErrorFault() == smithy.FaultServer):
		return unavailable(op, err)
	case errors.As(err, &resp) && resp.HTTPStatusCode() >= 500:
		// The service failed after the SDK's retries: retryable for the client.
		return unavailable(op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unavailable wraps both the domain code (for the client) and the SDK error
// (for the logs).
func unavailable(op string, err error) error {
	return fmt.Errorf("%w: %s: %w", warmlead.Errorf(warmlead.EUNAVAILABLE, "Storage is temporarily unavailable; retry shortly."), op, err)
}

// conflicted reports whether a transaction lost a race with another one
// touching the same item (DynamoDB cancels one of them): retryable, so a
// 503 with Retry-After, never a 500.
func conflicted(err error) bool {
	var conflict *types.TransactionConflictException
	if errors.As(err, &conflict) {
		return true
	}
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		for _, r := range canceled.CancellationReasons {
			if r.Code != nil && *r.Code == "TransactionConflict" {
				return true
			}
		}
	}
	return false
}
