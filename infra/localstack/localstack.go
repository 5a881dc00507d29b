// Package localstack runs the whole Warmlead stack on one machine: DynamoDB
// Local (data kept on disk), the table from template.yaml, demo data, and
// the API behind the local gateway, the same http.Handler as in Lambda.
package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/warmlead/warmlead/infra/ddblocal"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/httpapi"
	"github.com/warmlead/warmlead/pkg/notify"
)

// Config is what the local stack reads from its environment.
type Config struct {
	Addr     string // API listen address; ADDR, default 127.0.0.1:8080
	Table    string // TABLE_NAME, default warmlead
	Endpoint string // DYNAMODB_ENDPOINT: use this database instead of starting one
	CacheDir string // where DynamoDB Local, its data and the JWT secret live
}

// ConfigFrom reads Config from getenv.
func ConfigFrom(getenv func(string) string) (Config, error) {
	c := Config{Addr: getenv("ADDR"), Table: getenv("TABLE_NAME"), Endpoint: getenv("DYNAMODB_ENDPOINT")}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.Table == "" {
		c.Table = "warmlead"
	}
	dir, err := ddblocal.DefaultCacheDir()
	c.CacheDir = dir
	return c, err
}

// SecretPath is where the local JWT signing secret is kept.
func (c Config) SecretPath() string { return filepath.Join(c.CacheDir, "local-jwt-secret") }

// Run starts the stack, prints how to use it to out, and blocks until ctx
// is done; then it stops everything it started.
func Run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	return Serve(ctx, getenv, out, func(s Stack) { printWelcome(out, s.BaseURL, s.Demo) })
}

// Stack is a running local stack, as Serve hands it to its caller.
type Stack struct {
	BaseURL string
	Secret  []byte // signs local tokens (localgw.Mint)
	Demo    *Demo
}

// Serve is Run with the announcement left to ready, which is called once
// the API answers (the load driver uses it to learn the address).
func Serve(ctx context.Context, getenv func(string) string, out io.Writer, ready func(Stack)) error {
	cfg, err := ConfigFrom(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))

	if cfg.Endpoint == "" {
		fmt.Fprintln(out, "starting DynamoDB Local (data in .cache/dynamodb-data) ...")
		srv, err := ddblocal.Start(ctx, ddblocal.Options{CacheDir: cfg.CacheDir, DataDir: filepath.Join(cfg.CacheDir, "dynamodb-data")})
		if err != nil {
			return err
		}
		defer srv.Stop()
		cfg.Endpoint = srv.Endpoint
		fmt.Fprintf(out, "DynamoDB Local on %s (started in %s)\n", srv.Endpoint, srv.StartDuration.Round(time.Millisecond))
	}
	secret, err := localgw.LoadOrCreateSecret(cfg.SecretPath())
	if err != nil {
		return err
	}
	env := func(k string) string {
		switch k {
		case "DYNAMODB_ENDPOINT":
			return cfg.Endpoint
		case "TABLE_NAME":
			return cfg.Table
		case "CURSOR_SECRET":
			return "cursor:" + string(secret)
		case "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN":
			// The stack is local: every client (API, pump) uses DynamoDB
			// Local's static keys, whatever AWS keys the shell holds, or
			// they would see different databases.
			return ""
		}
		return getenv(k)
	}
	client, err := dynamo.NewClient(ctx, env)
	if err != nil {
		return err
	}
	tmpl, err := samtemplate.Find()
	if err != nil {
		return err
	}
	streamARN, err := samtemplate.EnsureTable(ctx, client, tmpl, cfg.Table)
	if err != nil {
		return fmt.Errorf("create table %s: %w", cfg.Table, err)
	}
	store, err := dynamo.NewFromEnv(ctx, env)
	if err != nil {
		return err
	}
	demo, err := Seed(ctx, store)
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	api := httpapi.NewServer(logger, httpapi.Config{PublicBaseURL: base}, httpapi.Services{Members: store, Orgs: store,
		Connections: store, Postings: store, Referrals: store, Interests: store, Notifications: store, Advice: store, Introductions: store, Directory: store, Insights: store, Account: store})
	// The notifier, fed by the table's stream as Lambda would feed it. It
	// resumes from its checkpoint, so leads posted while the stack was down
	// are still announced.
	notifier := notify.NewHandler(logger, dynamo.DecodeRecord, store)
	pump := streampump.New(streampump.NewStreamsClient(cfg.Endpoint), streamARN, notifier.Handle, streampump.Options{
		PollInterval:   100 * time.Millisecond,
		CheckpointPath: filepath.Join(cfg.CacheDir, "streampump", cfg.Table+".json"),
		Logger:         logger,
	})
	pumpDone := make(chan error, 1)
	go func() { pumpDone <- pump.Run(ctx) }()
	defer func() { <-pumpDone }()

	server := &http.Server{Handler: localgw.New(api, secret), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- server.Serve(ln) }()
	ready(Stack{BaseURL: base, Secret: secret, Demo: demo})

	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(out, "stopped")
	return nil
}

func printWelcome(out io.Writer, base string, demo *Demo) {
	fmt.Fprintf(out, `
Warmlead is running on %[1]s   (Ctrl-C stops everything)
  docs:     %[1]s/docs
  token:    make token USER=alice      (demo members: alice, bob, carmen, dev, sam)
  referral: %[1]s/r/%[2]s   (open it in a browser: shared by Dev, via Sam)

  TOKEN=$(make -s token USER=alice)
  curl -s -H "Authorization: Bearer $TOKEN" %[1]s/me
  curl -s -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
       -d '{"name":"Alice Martin","stage":"career_changer","interests":["data"]}' %[1]s/me
  curl -s -H "Authorization: Bearer $TOKEN" '%[1]s/postings?kind=informal_internship'

`, base, demo.ReferralToken)
}
