package loadtest

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/warmlead/warmlead/infra/ddblocal"
	"github.com/warmlead/warmlead/infra/localstack"
)

// RunLocal starts a fresh local stack (its own in-memory DynamoDB Local,
// unless DYNAMODB_ENDPOINT names one; a new table either way; the stream
// pump; the API on a loopback port), runs the load against it, prints the
// report to out, and stops everything. The stack's own JSON log goes to
// stackLog.
func RunLocal(ctx context.Context, cfg Config, getenv func(string) string, out, stackLog io.Writer) error {
	endpoint := getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		// Full JIT: the load is minutes of sustained traffic, not a quick test.
		db, err := ddblocal.Start(ctx, ddblocal.Options{Throughput: true})
		if err != nil {
			return err
		}
		defer db.Stop()
		endpoint = db.Endpoint
	}
	cache, err := ddblocal.DefaultCacheDir()
	if err != nil {
		return err
	}
	env := map[string]string{"ADDR": "127.0.0.1:0", "DYNAMODB_ENDPOINT": endpoint,
		"TABLE_NAME": fmt.Sprintf("load-%d", time.Now().UnixNano()), "WARMLEAD_CACHE_DIR": cache,
		"DYNAMODB_LOCAL_ATTEMPT_TIMEOUT": getenv("DYNAMODB_LOCAL_ATTEMPT_TIMEOUT")}
	stackCtx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan localstack.Stack, 1)
	done := make(chan error, 1)
	go func() {
		done <- localstack.Serve(stackCtx, func(k string) string { return env[k] }, stackLog, func(s localstack.Stack) { ready <- s })
	}()
	select {
	case s := <-ready:
		cfg.BaseURL, cfg.Token = s.BaseURL, s.Token
	case err := <-done:
		return fmt.Errorf("local stack: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	}
	fmt.Fprintf(out, "load: %d clients x %d operations against %s\n", cfg.Clients, cfg.OpsPerClient, cfg.BaseURL)
	rep, err := Run(ctx, cfg)
	if rep != nil {
		rep.Print(out)
	}
	stop()
	<-done
	return err
}
