// Command api is the Warmlead HTTP API as a Lambda function: the shared
// http.Handler behind the API Gateway v2 adapter. It only wires.
package main

import (
	"context"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/gateway"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		slog.Error("api: init failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	// Building the API allocates a few hundred kB of schemas; collecting
	// garbage in the middle of it only lengthens the cold start.
	gcPercent := debug.SetGCPercent(-1)
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.NewFromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	cfg := httpapi.Config{PublicBaseURL: getenv("PUBLIC_BASE_URL"), SignIn: httpapi.SignInConfigFrom(getenv),
		UnsubscribeSecret: []byte(getenv("UNSUBSCRIBE_SECRET"))}
	handler := httpapi.NewServer(logger, cfg, httpapi.Services{Members: store, Orgs: store, Connections: store,
		Postings: store, Referrals: store, Interests: store, Notifications: store, FollowUps: store, Settings: store,
		Advice: store, Introductions: store, Directory: store, Insights: store, Account: store})
	debug.SetGCPercent(gcPercent)
	// gateway, not httpadapter directly: it keeps header values whole.
	lambda.StartWithOptions(gateway.New(handler).Proxy, lambda.WithContext(ctx))
	return nil
}
