package followup_test

import (
	"context"
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
	domain := "instant-batch.test"
	_, _, err := store.PutMember(ctx, &warmlead.Member{ID: "asker", Name: "Asha Asker", Stage: warmlead.StageProfessional})
	if err != nil {
		t.Fatal(err)
	}
	var ns []*warmlead.Notification
	const n = 6
	for i := range n {
		id := fmt.Sprintf("rcpt%d", i)
		if _, _, err := store.PutMember(ctx, &warmlead.Member{ID: id, Name: "R " + id, Stage: warmlead.StageStudent}); err != nil {
			t.Fatal(err)
		}
		if err := store.SetMemberEmail(ctx, id, id+"@"+domain); err != nil {
			t.Fatal(err)
		}
		ns = append(ns, notify.New(warmlead.NotifyConnectionRequest, id, "asker", "", "connection:asker:"+id, time.Now()))
	}
	if err := store.PutNotifications(ctx, ns); err != nil {
		t.Fatal(err)
	}
	// The records, as Lambda would hand them to the follow-up step.
	var ev events.DynamoDBEvent
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN,
		func(_ context.Context, b events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
			ev.Records = append(ev.Records, b.Records...)
			return events.DynamoDBEventResponse{}, nil
		}, streampump.Options{Filter: pumptest.Filter(t, "FollowupsFunction"), PollInterval: 20 * time.Millisecond, Logger: quiet()})
	drainCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := pump.Drain(drainCtx); err != nil {
		t.Fatal(err)
	}

	host, port, _ := strings.Cut(mp.SMTPAddr, ":")
	var p int
	fmt.Sscan(port, &p)
	deps := followup.Deps{Stores: followup.Stores{FollowUps: store, Mail: store},
		Mailer:   &mail.SMTP{Host: host, Port: p, From: "Warmlead <notifications@warmlead.example>"},
		Composer: &mail.Composer{BaseURL: "http://warmlead.test", Secret: []byte(secret)}}
	env.Calls.Reset()
	resp, err := followup.NewStreamHandler(quiet(), dynamo.DecodeFollowUp, deps).Handle(ctx, ev)
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
