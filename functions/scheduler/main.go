// Command scheduler is the scheduled function: on its EventBridge schedule
// it delivers what fell due and sends digests; SES bounce and complaint
// events routed to it suppress addresses (docs/followups.md, docs/email.md).
// It only wires.
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
		slog.Error("scheduler: init failed", "err", err)
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
	sweeper := followup.NewSweeper(logger, followup.Deps{Stores: followup.Stores{FollowUps: store, Mail: store},
		Mailer: mailer, Composer: composer, Advisors: store})
	lambda.StartWithOptions(sweeper.HandleEvent, lambda.WithContext(ctx))
	return nil
}
