// Package localstack runs the whole Warmlead stack on one machine: DynamoDB
// Local (data kept on disk), the table from template.yaml, demo data, and
// the API behind the local gateway, the same http.Handler as in Lambda.
package localstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/warmlead/warmlead/infra/ddblocal"
	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/localidp"
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
	CacheDir string // where DynamoDB Local, its data and the sign-in key live
	IDPAddr  string // IDP_ADDR: the OpenID Connect provider's address, default the API's port + 1
	// WebOrigin (WEB_ORIGIN, default http://localhost:5173) is the local
	// value of the template's WebOrigin parameter: a web app's origin that
	// CORS grants, besides the API's own.
	WebOrigin string
	// AttemptTimeout (DYNAMODB_LOCAL_ATTEMPT_TIMEOUT, default 6 s) caps
	// each attempt of the API's DynamoDB calls here instead of the
	// functions' 2 s. DynamoDB Local serves one write at a time behind one
	// lock: under make load the API's calls waited up to ~3 s on a busy
	// machine, and a call given up on at 2 s is usually done anyway, so
	// the member got a 503 for a write that was made. Three attempts of
	// 6 s stay under make load's 20 s client timeout (docs/platform.md,
	// "DynamoDB Local").
	AttemptTimeout time.Duration
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
	c.IDPAddr, c.WebOrigin = getenv("IDP_ADDR"), getenv("WEB_ORIGIN")
	if c.IDPAddr == "" {
		c.IDPAddr = nextPort(c.Addr)
	}
	if c.WebOrigin == "" {
		c.WebOrigin = "http://localhost:5173"
	}
	c.AttemptTimeout = 6 * time.Second
	if v := getenv("DYNAMODB_LOCAL_ATTEMPT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("DYNAMODB_LOCAL_ATTEMPT_TIMEOUT %q is not a positive duration (e.g. 6s)", v)
		}
		c.AttemptTimeout = d
	}
	dir, err := ddblocal.DefaultCacheDir()
	c.CacheDir = dir
	return c, err
}

// KeyPath is where the local provider's RSA signing key is kept.
func (c Config) KeyPath() string { return filepath.Join(c.CacheDir, "local-oidc-key.pem") }

// nextPort is addr with its port plus one (port 0 stays 0).
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "127.0.0.1:0"
	}
	n, _ := strconv.Atoi(port)
	if n == 0 {
		return net.JoinHostPort(host, "0")
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}

// Run starts the stack, prints how to use it to out, and blocks until ctx
// is done; then it stops everything it started.
func Run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	return Serve(ctx, getenv, out, func(s Stack) {
		printWelcome(out, s)
		fmt.Fprintf(out, "  email:    %s   (Mailpit: every email the demo sends; the scheduler ticks every %s)\n\n", s.MailpitURL, tickEvery)
	})
}

// Stack is a running local stack, as Serve hands it to its caller.
type Stack struct {
	BaseURL string
	Issuer  string // the local OpenID Connect provider (Token signs in there)
	Demo    *Demo
	// MailpitURL is where the demo's emails are read (web UI and REST API).
	MailpitURL string
}

// Token signs member in at the stack's provider (Authorization Code + PKCE,
// no browser) and returns the bearer token.
func (s Stack) Token(ctx context.Context, member string) (string, error) {
	return localidp.SignIn(ctx, s.Issuer, s.BaseURL+"/signin/callback", member)
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
	secret, err := cursorSecret(cfg.CacheDir)
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
	tmplDoc, err := samtemplate.Load(tmpl)
	if err != nil {
		return err
	}
	streamARN, err := samtemplate.EnsureTable(ctx, client, tmpl, cfg.Table)
	if err != nil {
		return fmt.Errorf("create table %s: %w", cfg.Table, err)
	}
	store, err := dynamo.NewFromEnv(ctx, env, dynamo.WithAttemptTimeout(cfg.AttemptTimeout, 0))
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
	// The OpenID Connect provider plays Cognito (README.md, "Sign-in").
	idpLn, err := net.Listen("tcp", cfg.IDPAddr)
	if err != nil {
		return fmt.Errorf("sign-in provider: %w", err)
	}
	issuer := "http://" + idpLn.Addr().String()
	members := make([]localidp.Member, len(demoMembers))
	for i, m := range demoMembers {
		members[i] = localidp.DemoMember(m.ID, m.Name)
	}
	idp, err := localidp.New(localidp.Options{Issuer: issuer, RedirectURIs: []string{base + "/signin/callback"},
		KeyPath: cfg.KeyPath(), Members: members})
	if err != nil {
		return err
	}
	idpServer := &http.Server{Handler: idp, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = idpServer.Serve(idpLn) }()
	defer idpServer.Close()
	spec, err := localgw.FromTemplate(tmplDoc, localgw.LocalResolver(issuer, localidp.ClientID,
		map[string]string{"PublicBaseURL": base, "WebOrigin": cfg.WebOrigin}))
	if err != nil {
		return err
	}
	signIn := httpapi.SignInConfig{AuthorizeURL: issuer + "/authorize", TokenURL: issuer + "/oauth/token", ClientID: localidp.ClientID}
	// Follow-ups and email (docs/followups.md, docs/email.md): Mailpit, the
	// stream step beside the notifier, and a ticker for the scheduler.
	streamStore, err := newStreamStore(ctx, env, notifierCalls)
	if err != nil {
		return err
	}
	followUpStore, err := newStreamStore(ctx, env, followUpCalls)
	if err != nil {
		return err
	}
	mailStack, err := startMail(ctx, cfg, secret, base, store, followUpStore, logger, out)
	if err != nil {
		return err
	}
	defer mailStack.stop()
	// Each of the API's functions (pkg/httpapi's groups), as template.yaml
	// routes to them, each registering an operation on its first request
	// as its Lambda function does (pkg/httpapi/lazy.go).
	functions := map[string]http.Handler{}
	for _, g := range httpapi.Groups() {
		functions[g.Function()] = httpapi.NewServer(logger, httpapi.Config{PublicBaseURL: base, SignIn: signIn,
			UnsubscribeSecret: mailStack.unsubscribeSecret, Group: g},
			httpapi.Services{Members: store, Orgs: store, Connections: store, Postings: store, Referrals: store,
				Interests: store, Notifications: store, FollowUps: store, Settings: store,
				Advice: store, Introductions: store, Directory: store, Insights: store, Account: store})
	}
	// The notifier and the follow-up step, each fed by the table's stream
	// as Lambda feeds each function through its own event source mapping:
	// one pump each, with its own position and the template's
	// ParallelizationFactor, so neither waits for the other. Each resumes
	// from its checkpoint, so postings posted while the stack was down are
	// still announced.
	notifier := notify.NewHandler(logger, dynamo.DecodeRecord, streamStore)
	cpDir := filepath.Join(cfg.CacheDir, "streampump")
	feeds := []struct {
		function, checkpoint string
		handler              streampump.Handler
	}{
		{"NotifierFunction", cfg.Table + ".json", notifier.Handle},
		{"FollowupsFunction", cfg.Table + ".followups.json", mailStack.steps.Handle},
	}
	// Before the follow-up step had its own pump it shared the notifier's:
	// it starts where that one is rather than from the stream's start.
	if err := seedCheckpoint(filepath.Join(cpDir, feeds[0].checkpoint), filepath.Join(cpDir, feeds[1].checkpoint)); err != nil {
		return err
	}
	// STREAMS=off runs the API without the stream functions: the peak-RSS
	// benchmark measures the API function alone, as it runs in AWS.
	if getenv("STREAMS") == "off" {
		feeds = nil
	}
	pumpDone := make(chan error, len(feeds))
	for _, f := range feeds {
		// As the template's event source mapping: its parallelization
		// and its filter (Lambda delivers only the records it matches).
		sev, err := tmplDoc.StreamEvent(f.function)
		if err != nil {
			return err
		}
		filter, err := streampump.ParseFilter(sev.FilterPatterns)
		if err != nil {
			return fmt.Errorf("template.yaml: %s event %s: %w", f.function, sev.Name, err)
		}
		pump := streampump.New(streampump.NewStreamsClient(cfg.Endpoint), streamARN, f.handler, streampump.Options{
			PollInterval:    100 * time.Millisecond,
			CheckpointPath:  filepath.Join(cpDir, f.checkpoint),
			Logger:          logger.With("function", f.function),
			Parallelization: sev.ParallelizationFactor,
			Filter:          filter,
		})
		go func() { pumpDone <- pump.Run(ctx) }()
	}
	defer func() {
		for range feeds {
			<-pumpDone
		}
	}()

	server := &http.Server{Handler: localgw.New(functions, spec), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- server.Serve(ln) }()
	go mailStack.tick(ctx)
	ready(Stack{BaseURL: base, Issuer: issuer, Demo: demo, MailpitURL: mailStack.webURL()})

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

// streamAttemptTimeout bounds one DynamoDB call of the stream functions
// here, instead of the functions' 2 s: DynamoDB Local writes one request at
// a time, so under a backlog a call may wait its turn for seconds, and a
// write given up on is usually done anyway; sending it again only doubles
// the work of the one thread everything waits for (docs/platform.md,
// "DynamoDB Local").
const streamAttemptTimeout = 15 * time.Second

// notifierCalls and followUpCalls bound the stream functions' DynamoDB
// calls in flight here: at least one per record in flight (10 lanes, 4
// records at a time per lane), so they keep their share of the one
// DynamoDB Local the API also calls (BENCHMARKS.md, make load). The
// follow-up step gets fewer: DynamoDB Local serves one request at a time,
// and under a backlog the notifier, whose notifications members wait for
// in their inboxes, should not queue behind emails and reminders. In AWS
// each function's DynamoDB calls are its own (docs/platform.md, "Stream
// order").
const (
	notifierCalls = 80
	followUpCalls = 16
)

// newStreamStore is the store of a stream function (the notifier, the
// follow-up step): a DynamoDB client of its own, as each Lambda function
// has in AWS, so their retries under a backlog do not use up the API's
// retry quota or connections, with at most calls requests in flight. It
// writes notifications and due entries as transactions: DynamoDB Local
// takes its lock once for a transaction but once per item of a
// BatchWriteItem, which starved the notifier while the API wrote
// (dynamo.WithTransactedBatches).
func newStreamStore(ctx context.Context, env func(string) string, calls int) (*dynamo.Store, error) {
	client, err := dynamo.NewClient(ctx, env)
	if err != nil {
		return nil, err
	}
	return dynamo.New(client, env("TABLE_NAME"), dynamo.WithAttemptTimeout(streamAttemptTimeout, calls), dynamo.WithTransactedBatches())
}

// seedCheckpoint copies the checkpoint file from to to if to does not exist
// yet and from does.
func seedCheckpoint(from, to string) error {
	if _, err := os.Stat(to); err == nil {
		return nil
	}
	data, err := os.ReadFile(from)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

func printWelcome(out io.Writer, s Stack) {
	fmt.Fprintf(out, `
Warmlead is running on %[1]s   (Ctrl-C stops everything)
  docs:     %[1]s/docs
  sign-in:  %[2]s   (OpenID Connect provider: discovery at %[2]s/.well-known/openid-configuration)
  referral: %[1]s/r/%[3]s   (open it in a browser: shared by Dev, via Sam;
            "I'm interested" signs you in: choose a demo member, e.g. Carmen Ruiz)
  token:    make token NAME=alice      (demo members: alice, bob, carmen, dev, sam, nadia, grace, hugo, ines)

  TOKEN=$(make -s token NAME=alice)
  curl -s -H "Authorization: Bearer $TOKEN" %[1]s/me
  curl -s -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
       -d '{"name":"Alice Martin","stage":"career_changer","interests":["data"]}' %[1]s/me
  curl -s -H "Authorization: Bearer $TOKEN" '%[1]s/postings?kind=informal_internship'

`, s.BaseURL, s.Issuer, s.Demo.ReferralToken)
}

// cursorSecret is the local secret that seals pagination cursors, kept in
// the cache directory so cursors survive a restart.
func cursorSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, "local-cursor-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(buf)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return []byte(secret), os.WriteFile(path, []byte(secret+"\n"), 0o600)
}
