package notify_test

import (
	"context"
	"fmt"
	"github.com/aws/aws-lambda-go/events"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// End to end through the real stream: facts written by the store reach the
// notifier through the stream pump (DescribeStream, GetRecords, the Lambda
// event shape), and each recipient gets exactly one notification.
func TestStreamToInbox(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	ctx := context.Background()
	const network = 60 // more than two BatchWriteItem calls' worth
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := store.PutMember(ctx, &warmlead.Member{ID: "poster", Name: "Poster", Stage: warmlead.StageProfessional})
	must(err)
	for i := 0; i < network; i++ {
		id := fmt.Sprintf("m%02d", i)
		_, _, err := store.PutMember(ctx, &warmlead.Member{ID: id, Name: id, Stage: warmlead.StageStudent})
		must(err)
		c, _, err := store.RequestConnection(ctx, "poster", &warmlead.Connection{RecipientID: id})
		must(err)
		_, err = store.AcceptConnection(ctx, id, c.ID)
		must(err)
	}
	_, _, err = store.PutMember(ctx, &warmlead.Member{ID: "stranger", Name: "Stranger", Stage: warmlead.StageStudent})
	must(err)

	posting := &warmlead.Posting{Title: "Lead", Description: "d", Kind: warmlead.KindJob, Compensation: warmlead.CompPaid,
		Workplace: warmlead.WorkplaceRemote, Field: "data", ValidThrough: time.Now().Add(24 * time.Hour)}
	p, _, err := store.CreatePosting(ctx, "poster", posting, nil)
	must(err)
	// m00 shares it to m01 (via m00's link); m02 is interested through m01's link.
	l0, _, err := store.CreateReferral(ctx, "m00", p.ID, "")
	must(err)
	l1, _, err := store.CreateReferral(ctx, "m01", p.ID, l0.Token)
	must(err)
	_, _, err = store.ExpressInterest(ctx, "m02", p.ID, "me please", l1.Token, false)
	must(err)

	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	invocations := 0 // the pump invokes one batch at a time per lane
	var mu sync.Mutex
	handle := func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		mu.Lock()
		invocations++
		mu.Unlock()
		return h.Handle(ctx, ev)
	}
	pump := streampump.New(streampump.NewStreamsClient(env.Endpoint), env.StreamARN, handle, streampump.Options{Filter: pumptest.Filter(t, "NotifierFunction"), PollInterval: 20 * time.Millisecond})
	drain, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	env.Calls.Reset()
	must(pump.Drain(drain))

	for i := 0; i < network; i++ {
		id := fmt.Sprintf("m%02d", i)
		want := map[warmlead.NotificationType]int{warmlead.NotifyNewPosting: 1, warmlead.NotifyConnectionRequest: 1}
		if id == "m00" || id == "m01" {
			want[warmlead.NotifyReferralCredit] = 1
		}
		got := inbox(t, store, id)
		for typ, n := range want {
			if got[typ] != n {
				t.Errorf("%s has %d %s, want %d (inbox %v)", id, got[typ], typ, n, got)
			}
		}
	}
	if got := inbox(t, store, "poster"); got[warmlead.NotifyInterest] != 1 || got[warmlead.NotifyConnectionAccepted] != network || got[warmlead.NotifyNewPosting] != 0 {
		t.Errorf("poster's inbox = %v", got)
	}
	if got := inbox(t, store, "stranger"); len(got) != 0 {
		t.Errorf("a stranger was notified: %v", got)
	}
	// Notifications are written in full batches of 25: the fan-out's full
	// pages at once, the rest of each stream batch together at its end, so
	// at most one write per batch is not full (not one write per fact).
	notifications := 3*network + 1 + 2 // requests, accepts, the posting; the interest; two credits
	most := (notifications+warmlead.NotificationBatch-1)/warmlead.NotificationBatch + invocations
	if n := env.Calls.Count("BatchWriteItem"); n > most || n >= 2*network {
		t.Errorf("BatchWriteItem calls = %d for %d notifications in %d stream batches, want at most %d", n, notifications, invocations, most)
	}
}
