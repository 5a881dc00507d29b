// Command notifier is the stream-fed Lambda function that turns facts on the
// table's stream into notifications. It only wires.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		slog.Error("notifier: init failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.NewFromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	handler := notify.NewHandler(logger, dynamo.DecodeRecord, store)
	lambda.StartWithOptions(handler.Handle, lambda.WithContext(ctx))
	return nil
}
