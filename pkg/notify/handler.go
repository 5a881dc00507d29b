// Package notify is the stream-fed notifier: it receives DynamoDB stream
// batches as Lambda delivers them and turns facts into notifications.
//
// For now it logs each record; the fan-out arrives with the notifications
// issue.
package notify

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
)

// Handler processes stream batches.
type Handler struct {
	logger *slog.Logger
}

// NewHandler returns a Handler that logs to logger.
func NewHandler(logger *slog.Logger) *Handler { return &Handler{logger: logger} }

// Handle logs each record and reports no failures.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	for _, r := range ev.Records {
		typ := ""
		if v, ok := r.Change.NewImage["Type"]; ok && v.DataType() == events.DataTypeString {
			typ = v.String()
		}
		h.logger.InfoContext(ctx, "stream record", "event", r.EventName, "sequence", r.Change.SequenceNumber, "type", typ)
	}
	return events.DynamoDBEventResponse{}, nil
}
