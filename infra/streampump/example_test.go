package streampump_test

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/ddblocal"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/streampump"
)

// Example wires the pump as the local stack would: the table's stream
// (EnsureTable returns its ARN) into the notifier's handler. The checkpoint
// lives next to DynamoDB Local's data so that both survive a restart
// together; if the data is wiped, the table and so the stream ARN change,
// and the pump ignores the stale checkpoint.
func Example() {
	ctx := context.Background()
	endpoint, templatePath, cacheDir := "http://127.0.0.1:8000", "template.yaml", ".cache"

	arn, err := samtemplate.EnsureTable(ctx, ddblocal.NewClient(endpoint), templatePath, "warmlead")
	if err != nil {
		slog.Error("table", "err", err)
		return
	}
	// In the local stack: notify.NewHandler(logger).Handle, the function
	// functions/notifier hands to lambda.Start.
	handle := func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		return events.DynamoDBEventResponse{}, nil
	}
	pump := streampump.New(streampump.NewStreamsClient(endpoint), arn, handle, streampump.Options{
		CheckpointPath: filepath.Join(cacheDir, "streampump", "warmlead.json"),
	})
	go func() { _ = pump.Run(ctx) }() // returns when ctx is cancelled
}
