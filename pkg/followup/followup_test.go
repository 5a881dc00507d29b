package followup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/mailpit"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/followup"
	"github.com/warmlead/warmlead/pkg/httpapi"
	"github.com/warmlead/warmlead/pkg/mail"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var mp *mailpit.Server

// TestMain starts DynamoDB Local and one Mailpit for the package.
func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	var err error
	mp, err = mailpit.Start(ctx, mailpit.Options{})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mailpit:", err)
		os.Exit(1)
	}
	code := testenv.Run(m)
	mp.Stop()
	os.Exit(code)
}

func quiet() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

const secret = "0123456789abcdef0123456789abcdef-test"

type world struct {
	t       *testing.T
	store   *dynamo.Store
	clk     *clock
	pump    *streampump.Pump
	sweeper *followup.Sweeper
	domain  string
}

func newWorld(t *testing.T, start time.Time) *world {
	env := testenv.New(t)
	clk := &clock{t: start}
	store := env.Store(t, dynamo.WithClock(clk.Now))
	host, port, _ := strings.Cut(mp.SMTPAddr, ":")
	var p int
	fmt.Sscan(port, &p)
	deps := followup.Deps{Stores: followup.Stores{FollowUps: store, Mail: store},
		Mailer:   &mail.SMTP{Host: host, Port: p, From: "Warmlead <notifications@warmlead.example>"},
		Composer: &mail.Composer{BaseURL: "http://warmlead.test", Secret: []byte(secret)}, Now: clk.Now}
	notifier := notify.NewHandler(quiet(), dynamo.DecodeRecord, store)
	steps := followup.NewStreamHandler(quiet(), dynamo.DecodeFollowUp, deps)
	both := func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		r1, _ := notifier.Handle(ctx, ev)
		r2, _ := steps.Handle(ctx, ev)
		r1.BatchItemFailures = append(r1.BatchItemFailures, r2.BatchItemFailures...)
		return r1, nil
	}
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN, both, streampump.Options{Filter: pumptest.Filter(t, "NotifierFunction", "FollowupsFunction"), PollInterval: 20 * time.Millisecond})
	return &world{t: t, store: store, clk: clk, pump: pump, sweeper: followup.NewSweeper(quiet(), deps),
		domain: strings.NewReplacer("/", "-", "_", "-").Replace(strings.ToLower(t.Name())) + ".test"}
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) addr(member string) string { return member + "@" + w.domain }

func (w *world) member(id, name string) {
	_, _, err := w.store.PutMember(context.Background(), &warmlead.Member{ID: id, Name: name, Stage: warmlead.StageCareerChanger})
	w.must(err)
	w.must(w.store.SetMemberEmail(context.Background(), id, w.addr(id)))
}

// drain runs the stream steps until they caught up.
func (w *world) drain() {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w.must(w.pump.Drain(ctx))
}

// sweepAt runs the sweep at t, twice at once (overlapping runs), then
// feeds what it wrote through the stream.
func (w *world) sweepAt(t time.Time) {
	w.t.Helper()
	w.clk.Set(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.sweeper.Run(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		w.must(err)
	}
	w.drain()
}

func (w *world) inbox(member string, typ warmlead.NotificationType) []*warmlead.Notification {
	got, err := w.store.ListNotifications(context.Background(), member, warmlead.PageRequest{Limit: 100})
	w.must(err)
	var out []*warmlead.Notification
	for _, n := range got.Items {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

// mails lists the messages to a member whose subject contains s.
func (w *world) mails(member, s string) []mailpit.Message {
	w.t.Helper()
	all, err := mp.Messages("to:" + w.addr(member))
	w.must(err)
	var out []mailpit.Message
	for _, m := range all {
		if strings.Contains(m.Subject, s) {
			out = append(out, m)
		}
	}
	return out
}

func (w *world) wantCount(what string, got, want int) {
	w.t.Helper()
	if got != want {
		w.t.Errorf("%s: %d, want %d", what, got, want)
	}
}

// One posting and one interest through a referral, then time moves: each due
// kind fires once at its time and not before, under overlapping sweeps;
// instant emails, a digest, pay_it_forward and a bounce behave.
func TestFollowUpsOverTime(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) // a Monday
	w := newWorld(t, t0)
	ctx := context.Background()
	w.member("alice", "Alice Martin")
	w.member("bob", "Bob Okafor")
	w.member("carmen", "Carmen Ruiz")
	// Alice wants interest in her postings in the daily digest.
	st, err := w.store.GetNotificationSettings(ctx, "alice")
	w.must(err)
	st.Frequencies[warmlead.NotifyInterest] = warmlead.FrequencyDaily
	_, err = w.store.PutNotificationSettings(ctx, "alice", st)
	w.must(err)
	// Alice and Carmen connect (the accept is a touch).
	c, _, err := w.store.RequestConnection(ctx, "carmen", &warmlead.Connection{RecipientID: "alice"})
	w.must(err)
	_, err = w.store.AcceptConnection(ctx, "alice", c.ID)
	w.must(err)

	posting, _, err := w.store.CreatePosting(ctx, "alice", &warmlead.Posting{Title: "UX research intern", Description: "d",
		Kind: warmlead.KindInternship, Compensation: warmlead.CompPaid, Workplace: warmlead.WorkplaceRemote, Field: "ux",
		Visibility: warmlead.VisibilityPublic, ValidThrough: t0.Add(10 * 24 * time.Hour)}, nil)
	w.must(err)
	link, _, err := w.store.CreateReferral(ctx, "carmen", posting.ID, "")
	w.must(err)
	_, _, err = w.store.ExpressInterest(ctx, "bob", posting.ID, "", link.Token, false)
	w.must(err)
	w.drain()

	// Instant: Carmen hears of the referral credit by email at once;
	// Alice (daily) does not, yet.
	w.wantCount("carmen's referral-credit emails", len(w.mails("carmen", "expressed interest")), 1)
	w.wantCount("alice's instant interest emails", len(w.mails("alice", "is interested")), 0)

	// The daily digest goes out after midnight, once, naming Bob and the posting.
	w.sweepAt(t0.Add(13*time.Hour + time.Minute))
	w.sweepAt(t0.Add(14*time.Hour + time.Minute))
	digests := w.mails("alice", "daily Warmlead digest")
	w.wantCount("alice's digests", len(digests), 1)
	if len(digests) == 1 {
		d, err := mp.Get(digests[0].ID)
		w.must(err)
		if !strings.Contains(d.Text, "Bob Okafor is interested in “UX research intern”") || !strings.Contains(d.HTML, "Bob Okafor") {
			t.Errorf("digest does not say what happened:\n%s", d.Text)
		}
		if got := d.Headers["List-Unsubscribe-Post"]; len(got) != 1 || got[0] != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %v", got)
		}
		if got := d.Headers["List-Unsubscribe"]; len(got) != 1 || !strings.HasPrefix(got[0], "<http://warmlead.test/unsubscribe/") {
			t.Errorf("List-Unsubscribe = %v", got)
		}
	}

	// lead_expiring: not a minute before 3 days ahead of valid_through.
	expiring := posting.ValidThrough.Add(-warmlead.PostingExpiringNotice)
	w.sweepAt(expiring.Add(-time.Minute))
	w.wantCount("lead_expiring before its time", len(w.inbox("alice", warmlead.NotifyPostingExpiring)), 0)
	w.sweepAt(expiring.Add(time.Minute))
	w.sweepAt(expiring.Add(2 * time.Minute)) // a retry
	got := w.inbox("alice", warmlead.NotifyPostingExpiring)
	w.wantCount("alice's lead_expiring", len(got), 1)
	if len(got) == 1 && got[0].Summary != "Your lead “UX research intern” expires in 3 days: extend it or close it" {
		t.Errorf("summary = %q", got[0].Summary)
	}
	w.wantCount("alice's lead_expiring emails", len(w.mails("alice", "expires in 3 days")), 1)

	// outcome_prompt: 21 days after the interest.
	prompt := t0.Add(warmlead.OutcomePromptDelay)
	w.sweepAt(prompt.Add(-time.Minute))
	w.wantCount("outcome_prompt before its time", len(w.inbox("bob", warmlead.NotifyOutcomePrompt)), 0)
	w.sweepAt(prompt.Add(time.Minute))
	w.wantCount("bob's outcome_prompt", len(w.inbox("bob", warmlead.NotifyOutcomePrompt)), 1)
	w.wantCount("bob's outcome_prompt emails", len(w.mails("bob", "How did")), 1)

	// Carmen's address bounces (SES via EventBridge); then Bob is hired:
	// everyone on the chain is thanked, Bob is invited to pay it forward,
	// and Carmen gets the notification but no email.
	bounce := fmt.Sprintf(`{"version":"0","id":"x","detail-type":"Email Bounced","source":"aws.ses","account":"1","time":"2026-12-28T10:00:00Z","region":"us-east-1","resources":[],
	  "detail":{"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":%q,"action":"failed","status":"5.1.1"}],"timestamp":"2026-12-28T10:00:00Z","feedbackId":"f"},
	  "mail":{"timestamp":"2026-12-28T09:59:00Z","source":"notifications@warmlead.example","messageId":"m","destination":[%q]}}}`, w.addr("carmen"), w.addr("carmen"))
	n, err := followup.Suppress(ctx, w.store, []byte(bounce), w.clk.Now())
	w.must(err)
	w.wantCount("suppressed addresses", n, 1)
	before := len(w.mails("carmen", ""))
	_, err = w.store.RecordOutcome(ctx, "bob", posting.ID, warmlead.OutcomeHired)
	w.must(err)
	_, err = w.store.RecordOutcome(ctx, "bob", posting.ID, warmlead.OutcomeHired) // a repeat thanks nobody twice
	w.must(err)
	w.drain()
	for _, m := range []string{"alice", "carmen", "bob"} {
		w.wantCount(m+"'s pay_it_forward", len(w.inbox(m, warmlead.NotifyPayItForward)), 1)
	}
	// Bob did not share with the chain: Carmen (who passed it on) is thanked
	// without learning who; Alice, the poster, knows him already.
	if n := w.inbox("carmen", warmlead.NotifyPayItForward); len(n) == 1 && n[0].ActorID != "" {
		t.Errorf("carmen's pay_it_forward names %q though bob did not share with the chain", n[0].ActorID)
	}
	if n := w.inbox("alice", warmlead.NotifyPayItForward); len(n) == 1 && n[0].ActorID != "bob" {
		t.Errorf("alice's pay_it_forward names %q, want bob", n[0].ActorID)
	}
	w.wantCount("bob's pay-it-forward emails", len(w.mails("bob", "Pay it forward")), 1)
	w.wantCount("emails to a bounced address", len(w.mails("carmen", ""))-before, 0)

	// keep_warm: Alice and Carmen have not touched their connection for
	// 90 days: the weekly sweep after that names Carmen to Alice, once.
	due, _ := warmlead.KeepWarmDue(t0, warmlead.DefaultKeepWarmDays)
	w.sweepAt(due.Add(-time.Minute))
	w.wantCount("keep_warm before its time", len(w.inbox("alice", warmlead.NotifyKeepWarm)), 0)
	w.sweepAt(due.Add(time.Minute))
	w.sweepAt(due.Add(20 * time.Minute))
	kw := w.inbox("alice", warmlead.NotifyKeepWarm)
	w.wantCount("alice's keep_warm", len(kw), 1)
	if len(kw) == 1 && !strings.Contains(kw[0].Summary, "Carmen Ruiz") {
		t.Errorf("keep_warm summary = %q", kw[0].Summary)
	}
	w.wantCount("alice's keep_warm emails", len(w.mails("alice", "Keep your network warm")), 1)

	// Bob's instant email says what happened and links to act on it; its
	// one-click unsubscribe works without signing in (through the real API
	// behind the Lambda adapter), and then that type is no longer emailed.
	prompts := w.mails("bob", "How did")
	if len(prompts) != 1 {
		t.Fatalf("bob's prompts: %d", len(prompts))
	}
	d, err := mp.Get(prompts[0].ID)
	w.must(err)
	if !strings.Contains(d.Text, "Hi Bob Okafor") || !strings.Contains(d.Text, "http://warmlead.test/postings/"+posting.ID+"/interest/outcome") {
		t.Errorf("prompt email:\n%s", d.Text)
	}
	api := apigwtest.New(httpapi.NewServer(quiet(), httpapi.Config{PublicBaseURL: "http://warmlead.test", UnsubscribeSecret: []byte(secret)},
		httpapi.Services{Members: w.store, Notifications: w.store, FollowUps: w.store, Settings: w.store}))
	unsub := strings.Trim(d.Headers["List-Unsubscribe"][0], "<>")
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: strings.TrimPrefix(unsub, "http://warmlead.test"), Body: "List-Unsubscribe=One-Click",
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if res.Status != 200 {
		t.Fatalf("one-click unsubscribe = %d %s", res.Status, res.Body)
	}
	st, err = w.store.GetNotificationSettings(ctx, "bob")
	w.must(err)
	if st.FrequencyOf(warmlead.NotifyOutcomePrompt) != warmlead.FrequencyOff || st.FrequencyOf(warmlead.NotifyPayItForward) != warmlead.FrequencyInstant {
		t.Errorf("after unsubscribing: %v", st.Frequencies)
	}
	w.must(w.store.PutNotifications(ctx, []*warmlead.Notification{notify.New(warmlead.NotifyOutcomePrompt, "bob", "alice", posting.ID, "again", w.clk.Now())}))
	w.drain()
	w.wantCount("bob's prompt emails after unsubscribing", len(w.mails("bob", "How did")), 1)
}

// A touch resets the keep-warm clock; keep_warm_days 0 turns it off; one
// notification names at most five, the longest untouched first.
func TestKeepWarmTouchAndLimits(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	w := newWorld(t, t0)
	ctx := context.Background()
	w.member("hub", "Hub")
	w.member("off", "Off")
	st, err := w.store.GetNotificationSettings(ctx, "off")
	w.must(err)
	st.KeepWarmDays = 0
	_, err = w.store.PutNotificationSettings(ctx, "off", st)
	w.must(err)
	for i := range 7 {
		id := fmt.Sprintf("p%d", i)
		w.member(id, fmt.Sprintf("Person %d", i))
		w.clk.Set(t0.Add(time.Duration(i) * time.Minute))
		c, _, err := w.store.RequestConnection(ctx, id, &warmlead.Connection{RecipientID: "hub"})
		w.must(err)
		_, err = w.store.AcceptConnection(ctx, "hub", c.ID)
		w.must(err)
	}
	c, _, err := w.store.RequestConnection(ctx, "off", &warmlead.Connection{RecipientID: "hub"})
	w.must(err)
	_, err = w.store.AcceptConnection(ctx, "hub", c.ID)
	w.must(err)
	// Hub touches p0 a month later.
	w.clk.Set(t0.Add(30 * 24 * time.Hour))
	_, err = w.store.TouchConnection(ctx, "hub", warmlead.ConnectionID("hub", "p0"), "coffee")
	w.must(err)
	w.drain()

	due, _ := warmlead.KeepWarmDue(t0.Add(10*time.Minute), warmlead.DefaultKeepWarmDays)
	w.sweepAt(due.Add(time.Minute))
	kw := w.inbox("hub", warmlead.NotifyKeepWarm)
	w.wantCount("hub's keep_warm", len(kw), 1)
	if len(kw) == 1 {
		if want := []string{"p1", "p2", "p3", "p4", "p5"}; strings.Join(kw[0].Others, ",") != strings.Join(want, ",") {
			t.Errorf("named %v, want %v (p0 was touched, at most five)", kw[0].Others, want)
		}
	}
	w.wantCount("keep_warm for a member who turned it off", len(w.inbox("off", warmlead.NotifyKeepWarm)), 0)
	w.wantCount("p1's keep_warm (defaults on)", len(w.inbox("p1", warmlead.NotifyKeepWarm)), 1)
}

// SES events in their real shapes: an SNS delivery of a complaint
// suppresses; a transient bounce does not; MailRecipients reports it.
func TestSuppressFromSNS(t *testing.T) {
	w := newWorld(t, time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	ctx := context.Background()
	w.member("ana", "Ana")
	w.member("ben", "Ben")
	msg := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	complaint := `{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"` + strings.ToUpper(w.addr("ana")) + `"}],"timestamp":"2026-12-07T10:00:00.000Z","feedbackId":"x","complaintFeedbackType":"abuse"},"mail":{"timestamp":"2026-12-07T09:00:00.000Z","source":"n@warmlead.example","messageId":"m","destination":["` + w.addr("ana") + `"]}}`
	transient := `{"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull","bouncedRecipients":[{"emailAddress":"` + w.addr("ben") + `"}],"timestamp":"2026-12-07T10:00:00.000Z","feedbackId":"y"},"mail":{"timestamp":"2026-12-07T09:00:00.000Z","source":"n@warmlead.example","messageId":"m2","destination":["` + w.addr("ben") + `"]}}`
	sns := `{"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","EventSubscriptionArn":"arn:aws:sns:us-east-1:1:ses:x","Sns":{"Type":"Notification","MessageId":"1","TopicArn":"arn:aws:sns:us-east-1:1:ses","Subject":null,"Message":` + msg(complaint) + `,"Timestamp":"2026-12-07T10:00:01.000Z"}},` +
		`{"EventSource":"aws:sns","EventVersion":"1.0","EventSubscriptionArn":"arn:aws:sns:us-east-1:1:ses:x","Sns":{"Type":"Notification","MessageId":"2","TopicArn":"arn:aws:sns:us-east-1:1:ses","Message":` + msg(transient) + `,"Timestamp":"2026-12-07T10:00:02.000Z"}}]}`
	if !followup.IsSESEvent([]byte(sns)) || followup.IsSESEvent([]byte(`{"source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}`)) {
		t.Fatal("IsSESEvent misreads an event")
	}
	// Through the scheduled function's entry point, as EventBridge routes it.
	w.must(w.sweeper.HandleEvent(ctx, []byte(sns)))
	w.must(w.sweeper.HandleEvent(ctx, []byte(`{"source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}`))) // a sweep
	cursor, err := w.store.SweepCursor(ctx)
	w.must(err)
	if cursor.IsZero() {
		t.Error("the schedule's event ran no sweep")
	}
	n, err := followup.Suppress(ctx, w.store, []byte(sns), w.clk.Now()) // a redelivery rewrites the same item
	w.must(err)
	w.wantCount("suppressed (complaints only, not transient bounces)", n, 1)
	got, err := w.store.MailRecipients(ctx, []string{"ana", "ben"})
	w.must(err)
	if !got["ana"].Suppressed || got["ben"].Suppressed {
		t.Errorf("suppressed: ana %v, ben %v; want true, false", got["ana"].Suppressed, got["ben"].Suppressed)
	}
}
