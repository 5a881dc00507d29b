package followup_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/followup"
	"github.com/warmlead/warmlead/pkg/mail"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A batch's instant emails are described together: the names and titles
// they show are read in one BatchGetItem, not one per email, and each
// email still names its actor.
func TestABatchDescribesItsInstantEmailsTogether(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	ctx := context.Background()
	const domain = "instant-batch.test"
	const n = 6
	askEach(t, store, domain, n)
	ev := followUpRecords(t, env)
	env.Calls.Reset()
	resp, err := followup.NewStreamHandler(quiet(), dynamo.DecodeFollowUp, mailDeps(store, nil)).Handle(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("Handle: %v, failures %v", err, resp.BatchItemFailures)
	}
	// The recipients, their addresses' suppressions, then what the
	// emails show: 3 reads, where it was 2 and one per email.
	if got := env.Calls.Count("BatchGetItem"); got != 3 {
		t.Errorf("%d BatchGetItem calls for %d instant emails, want 3 (%s)", got, n, env.Calls)
	}
	if got := env.Calls.Count("PutItem"); got != n {
		t.Errorf("%d PutItem calls (each email's sent marker), want %d", got, n)
	}
	for i := range n {
		msgs, err := mp.Messages(fmt.Sprintf("to:rcpt%d@%s", i, domain))
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 {
			t.Errorf("rcpt%d got %d emails, want 1", i, len(msgs))
			continue
		}
		d, err := mp.Get(msgs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.Subject+d.Text, "Asha Asker") {
			t.Errorf("rcpt%d's email %q does not name Asha Asker:\n%s", i, d.Subject, d.Text)
		}
	}
}

// failingDescribe is the store with names that cannot be read.
type failingDescribe struct{ *dynamo.Store }

func (failingDescribe) DescribeNotifications(context.Context, []*warmlead.Notification) error {
	return errors.New("throttled")
}

// refusing is a mailer that refuses one address.
type refusing struct {
	warmlead.Mailer
	to string
}

func (m refusing) Send(ctx context.Context, e *warmlead.Email) error {
	if e.To == m.to {
		return errors.New("550 mailbox unavailable")
	}
	return m.Mailer.Send(ctx, e)
}

// When the batch's names cannot be read, every record with an instant email
// is reported failed (its retry sends it); when one email cannot be sent,
// only its record is, and the others are sent.
func TestInstantEmailFailuresFailTheirRecords(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	ctx := context.Background()
	const domain = "instant-fail.test"
	askEach(t, store, domain, 3)
	ev := followUpRecords(t, env)
	if len(ev.Records) != 3 {
		t.Fatalf("%d records, want the 3 notifications", len(ev.Records))
	}
	deps := mailDeps(store, nil)
	deps.Stores.Mail = failingDescribe{store}
	resp, err := followup.NewStreamHandler(quiet(), dynamo.DecodeFollowUp, deps).Handle(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != 3 {
		t.Errorf("names unreadable: %v, %d records failed, want all 3", err, len(resp.BatchItemFailures))
	}

	deps = mailDeps(store, nil)
	deps.Mailer = refusing{Mailer: deps.Mailer, to: "rcpt1@" + domain}
	resp, err = followup.NewStreamHandler(quiet(), dynamo.DecodeFollowUp, deps).Handle(ctx, ev)
	var rcpt1 string // rcpt1's record
	for _, r := range ev.Records {
		if f, err := dynamo.DecodeFollowUp(r); err == nil && f != nil && f.Notification != nil && f.Notification.RecipientID == "rcpt1" {
			rcpt1 = r.Change.SequenceNumber
		}
	}
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != rcpt1 {
		t.Errorf("one address refused: %v, failures %v, want only rcpt1's record (%s)", err, resp.BatchItemFailures, rcpt1)
	}
	for i, want := range []int{1, 0, 1} {
		msgs, err := mp.Messages(fmt.Sprintf("to:rcpt%d@%s", i, domain))
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != want {
			t.Errorf("rcpt%d got %d emails, want %d", i, len(msgs), want)
		}
	}
}

// The daily digest entry of a member is written by the first batch that
// calls for it, not again by each later batch of the same day, until the
// day is about to end; the digest then still covers every notification.
func TestADigestEntryIsWrittenOncePerPeriod(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	store := env.Store(t, dynamo.WithClock(clk.Now))
	ctx := context.Background()
	const addr = "reader@digest-memo.test"
	addMember(t, store, "poster", "Paz Poster", "")
	addMember(t, store, "reader", "Rae Reader", addr)
	h := followup.NewStreamHandler(quiet(), dynamo.DecodeFollowUp, mailDeps(store, clk.Now))
	lead := func(i int) int { // one new_lead (daily by default), handled alone; its BatchWriteItem calls
		t.Helper()
		n := notify.New(warmlead.NotifyNewPosting, "reader", "poster", fmt.Sprintf("p%d", i), fmt.Sprintf("posting:p%d", i), clk.Now())
		if err := store.PutNotifications(ctx, []*warmlead.Notification{n}); err != nil {
			t.Fatal(err)
		}
		ev := followUpRecords(t, env)
		env.Calls.Reset()
		resp, err := h.Handle(ctx, events.DynamoDBEvent{Records: ev.Records[len(ev.Records)-1:]})
		if err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("Handle: %v, failures %v", err, resp.BatchItemFailures)
		}
		return env.Calls.Count("BatchWriteItem")
	}
	if w := lead(1); w != 1 {
		t.Errorf("first lead of the day: %d BatchWriteItem calls, want 1 (its digest entry)", w)
	}
	clk.Set(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	if w := lead(2); w != 0 {
		t.Errorf("second lead of the day: %d BatchWriteItem calls, want 0 (the entry is there)", w)
	}
	clk.Set(time.Date(2026, 12, 1, 23, 50, 0, 0, time.UTC))
	if w := lead(3); w != 1 {
		t.Errorf("a lead minutes before the day ends: %d BatchWriteItem calls, want 1 (written again)", w)
	}
	clk.Set(time.Date(2026, 12, 2, 0, 5, 0, 0, time.UTC))
	if _, err := followup.NewSweeper(quiet(), mailDeps(store, clk.Now)).Run(ctx); err != nil {
		t.Fatal(err)
	}
	msgs, err := mp.Messages("to:" + addr)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("%d emails, want one digest", len(msgs))
	}
	d, err := mp.Get(msgs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(d.Text, "Paz Poster"); got < 3 {
		t.Errorf("the digest names Paz Poster %d times, want once per lead (3):\n%s", got, d.Text)
	}
}

// askEach stores Asha Asker and n members rcpt0... with addresses at
// domain, and a connection request from Asha to each: n notifications
// emailed at once by default.
func askEach(t *testing.T, store *dynamo.Store, domain string, n int) {
	t.Helper()
	addMember(t, store, "asker", "Asha Asker", "")
	var ns []*warmlead.Notification
	for i := range n {
		id := fmt.Sprintf("rcpt%d", i)
		addMember(t, store, id, "R "+id, id+"@"+domain)
		ns = append(ns, notify.New(warmlead.NotifyConnectionRequest, id, "asker", "", "connection:asker:"+id, time.Now()))
	}
	if err := store.PutNotifications(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
}

// addMember stores a member, with an email address unless addr is "".
func addMember(t *testing.T, store *dynamo.Store, id, name, addr string) {
	t.Helper()
	if _, _, err := store.PutMember(context.Background(), &warmlead.Member{ID: id, Name: name, Stage: warmlead.StageProfessional}); err != nil {
		t.Fatal(err)
	}
	if addr != "" {
		if err := store.SetMemberEmail(context.Background(), id, addr); err != nil {
			t.Fatal(err)
		}
	}
}

// followUpRecords reads every record written so far, as Lambda would hand
// them to the follow-up step (its filter applied), in one batch.
func followUpRecords(t *testing.T, env *testenv.Env) events.DynamoDBEvent {
	t.Helper()
	var ev events.DynamoDBEvent
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN,
		func(_ context.Context, b events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
			ev.Records = append(ev.Records, b.Records...)
			return events.DynamoDBEventResponse{}, nil
		}, streampump.Options{Filter: pumptest.Filter(t, "FollowupsFunction"), PollInterval: 20 * time.Millisecond, Logger: quiet()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pump.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	return ev
}

// mailDeps are the follow-up step's dependencies, mailing through the
// package's Mailpit (now nil: the wall clock).
func mailDeps(store *dynamo.Store, now func() time.Time) followup.Deps {
	host, port, _ := strings.Cut(mp.SMTPAddr, ":")
	var p int
	fmt.Sscan(port, &p)
	return followup.Deps{Stores: followup.Stores{FollowUps: store, Mail: store},
		Mailer:   &mail.SMTP{Host: host, Port: p, From: "Warmlead <notifications@warmlead.example>"},
		Composer: &mail.Composer{BaseURL: "http://warmlead.test", Secret: []byte(secret)}, Now: now}
}
