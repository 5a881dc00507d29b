// Command followups is the stream-fed follow-up step: it records what will
// fall due and emails notifications as they arrive (docs/followups.md,
// docs/email.md). It only wires.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/followup"
	"github.com/warmlead/warmlead/pkg/mail"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		slog.Error("followups: init failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.NewFromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	mailer, composer, err := mail.FromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	h := followup.NewStreamHandler(logger, dynamo.DecodeFollowUp, followup.Deps{
		Stores: followup.Stores{FollowUps: store, Mail: store}, Mailer: mailer, Composer: composer,
		Advisors: store}) // a hire thanks the advisors the member held conversations with
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}
