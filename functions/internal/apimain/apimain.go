// Package apimain is the main of every function that serves a part of the
// HTTP API (functions/api, functions/postings, ...; pkg/httpapi's groups):
// that part's http.Handler behind the API Gateway v2 adapter. It only wires.
package apimain

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

// Main runs the function that serves group. It does not return: it serves
// invocations, or exits when it cannot start.
func Main(group httpapi.Group) {
	if err := run(context.Background(), group, os.Getenv); err != nil {
		slog.Error(group.Function()+": init failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, group httpapi.Group, getenv func(string) string) error {
	// Building the API allocates a few hundred kB of schemas; collecting
	// garbage in the middle of it only lengthens the cold start.
	gcPercent := debug.SetGCPercent(-1)
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.NewFromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	cfg := httpapi.Config{PublicBaseURL: getenv("PUBLIC_BASE_URL"), SignIn: httpapi.SignInConfigFrom(getenv),
		UnsubscribeSecret: []byte(getenv("UNSUBSCRIBE_SECRET")), Group: group}
	handler := httpapi.NewServer(logger, cfg, httpapi.Services{Members: store, Orgs: store, Connections: store,
		Postings: store, Referrals: store, Interests: store, Notifications: store, FollowUps: store, Settings: store,
		Advice: store, Introductions: store, Directory: store, Insights: store, Account: store})
	debug.SetGCPercent(gcPercent)
	// gateway, not httpadapter directly: it keeps header values whole.
	lambda.StartWithOptions(gateway.New(handler).Proxy, lambda.WithContext(ctx))
	return nil
}
