package localstack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/warmlead/warmlead/infra/localidp"
	"github.com/warmlead/warmlead/pkg/warmlead"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warmlead/warmlead/infra/mailpit"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/followup"
	"github.com/warmlead/warmlead/pkg/mail"
)

// tickEvery is how often `make run` runs the scheduler (EventBridge runs
// it every 15 minutes in AWS).
const tickEvery = 30 * time.Second

// mailStack is the local side of follow-ups and email.
type mailStack struct {
	server            *mailpit.Server
	steps             *followup.StreamHandler
	sweeper           *followup.Sweeper
	unsubscribeSecret []byte
	logger            *slog.Logger
}

// startMail starts Mailpit (MAILPIT_SMTP_PORT / MAILPIT_WEB_PORT, default
// free ports; SMTP_ADDR uses another server instead) and builds the stream
// step and the sweeper on it. The stream step uses streamStore, a client of
// its own, as its Lambda function has in AWS.
func startMail(ctx context.Context, cfg Config, secret []byte, base string, store, streamStore *dynamo.Store, logger *slog.Logger, out io.Writer) (*mailStack, error) {
	sum := sha256.Sum256(append([]byte("unsubscribe:"), secret...))
	ms := &mailStack{unsubscribeSecret: []byte(hex.EncodeToString(sum[:])), logger: logger}
	smtp := os.Getenv("SMTP_ADDR")
	if smtp == "" {
		smtpPort := portOr("MAILPIT_SMTP_PORT", 1025)
		webPort := portOr("MAILPIT_WEB_PORT", 8025)
		fmt.Fprintln(out, "starting Mailpit (installed on first use with go install) ...")
		srv, err := mailpit.Start(ctx, mailpit.Options{CacheDir: cfg.CacheDir, SMTPPort: smtpPort, WebPort: webPort})
		if err != nil {
			return nil, fmt.Errorf("mailpit: %w", err)
		}
		ms.server, smtp = srv, srv.SMTPAddr
	}
	env := map[string]string{"SMTP_ADDR": smtp, "UNSUBSCRIBE_SECRET": string(ms.unsubscribeSecret), "PUBLIC_BASE_URL": base}
	mailer, composer, err := mail.FromEnv(ctx, func(k string) string { return env[k] })
	if err != nil {
		ms.stop()
		return nil, err
	}
	// Every demo member reads their email in Mailpit; one who deleted their
	// account (DELETE /me) stays deleted.
	for _, m := range slices.Concat(demoMembers, peopleMembers) {
		err := store.SetMemberEmail(ctx, m.ID, localidp.EmailOf(m.ID))
		if err != nil && warmlead.ErrorCode(err) != warmlead.ENOTFOUND {
			ms.stop()
			return nil, err
		}
	}
	deps := followup.Deps{Stores: followup.Stores{FollowUps: store, Mail: store}, Mailer: mailer, Composer: composer, Advisors: store}
	stepDeps := deps
	stepDeps.Stores = followup.Stores{FollowUps: streamStore, Mail: streamStore}
	stepDeps.Advisors = streamStore
	ms.steps = followup.NewStreamHandler(logger, dynamo.DecodeFollowUp, stepDeps)
	ms.sweeper = followup.NewSweeper(logger, deps)
	return ms, nil
}

// portOr is the port in the environment variable name, else def if it is
// free on loopback (Mailpit's usual ports), else 0 (any free port).
func portOr(name string, def int) int {
	if p, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return p
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(def))
	if err != nil {
		return 0
	}
	l.Close()
	return def
}

// tick runs the scheduler now and every tickEvery until ctx is done.
func (ms *mailStack) tick(ctx context.Context) {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		if _, err := ms.sweeper.Run(ctx); err != nil && ctx.Err() == nil {
			ms.logger.ErrorContext(ctx, "scheduler run failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (ms *mailStack) webURL() string {
	if ms.server == nil {
		return "(SMTP_ADDR " + strings.TrimSpace(os.Getenv("SMTP_ADDR")) + ")"
	}
	return ms.server.WebURL
}

func (ms *mailStack) stop() {
	if ms.server != nil {
		ms.server.Stop()
	}
}
