package notify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/infra/streampump"
	"github.com/warmlead/warmlead/infra/streampump/pumptest"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// streamSoFar reads every record written so far from the real stream, as
// one batch, without handling any.
func (w *fanoutWorld) streamSoFar() events.DynamoDBEvent {
	w.t.Helper()
	var ev events.DynamoDBEvent
	pump := streampump.New(streampump.NewStreamsClient(w.env.Endpoint), w.env.StreamARN,
		func(_ context.Context, batch events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
			ev.Records = append(ev.Records, batch.Records...)
			return events.DynamoDBEventResponse{}, nil
		}, streampump.Options{Filter: pumptest.Filter(w.t, "NotifierFunction"), PollInterval: 20 * time.Millisecond, Logger: quietLogger()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pump.Drain(ctx); err != nil {
		w.t.Fatal(err)
	}
	return ev
}

// A batch's notifications are written together, in full BatchWriteItem
// calls (or transactions, as the local stack writes them:
// dynamo.WithTransactedBatches), not one small write per fact, and every
// one arrives once, the batch handled again included.
func TestABatchWritesItsNotificationsTogether(t *testing.T) {
	t.Parallel()
	for _, c := range testenv.WriteModes() {
		t.Run(c.Call, func(t *testing.T) {
			t.Parallel()
			const askers = 30
			var members []string
			for i := range askers {
				members = append(members, fmt.Sprintf("asker%02d", i))
			}
			w := newFanoutWorld(t, append(members, "popular")...)
			for _, m := range members {
				w.must(w.store.RequestConnection(context.Background(), m, &warmlead.Connection{RecipientID: "popular"}))
			}
			ev := w.streamSoFar()
			h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, w.env.Store(t, c.Opts...))
			w.env.Calls.Reset()
			if resp, err := h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
				t.Fatalf("handle: %v %+v", err, resp)
			}
			want := (askers + warmlead.NotificationBatch - 1) / warmlead.NotificationBatch
			for _, call := range []string{"BatchWriteItem", "TransactWriteItems"} {
				wantN := 0
				if call == c.Call {
					wantN = want
				}
				if got := w.env.Calls.Count(call); got != wantN {
					t.Errorf("%d %s calls for %d one-notification facts, want %d", got, call, askers, wantN)
				}
			}
			if resp, err := h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
				t.Fatalf("handle again: %v %+v", err, resp)
			}
			w.want(warmlead.NotifyConnectionRequest, "", askers, "popular")
		})
	}
}

// A batch reads each saved-search alert partition once, however many of
// its new postings name it ("ANY", the kind, a shared word), and its
// postings in one call.
func TestABatchReadsEachAlertPartitionOnce(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "bob", "seeker")
	saveSearch(t, w.store, "seeker", "Research", warmlead.PostingFilter{Q: "research"}, warmlead.AlertInstant)
	var postings []*warmlead.Posting
	distinct, each := map[string]bool{}, 0
	for _, title := range []string{"UX research intern", "UX research assistant", "Research intern"} {
		p := createPostingFor(t, w.store, "bob", warmlead.Posting{Title: title, Field: "Research", Visibility: warmlead.VisibilityPublic})
		postings = append(postings, p)
		for _, k := range warmlead.PostingAlertKeys(p) {
			distinct[k] = true
			each++
		}
	}
	// A link to one of them: its posting's organisation is counted from
	// the same read (org insights).
	w.must(w.store.CreateReferral(context.Background(), "bob", postings[0].ID, ""))
	ev := w.streamSoFar()
	w.env.Calls.Reset()
	if resp, err := w.h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("handle: %v %+v", err, resp)
	}
	if len(distinct) == each {
		t.Fatal("the postings share no alert partition: the test proves nothing")
	}
	// One Query per distinct partition, and one per posting for the
	// poster's connections (none: the fan-out reads one empty page).
	if got, want := w.env.Calls.Count("Query"), len(distinct)+len(postings); got != want {
		t.Errorf("%d Query calls, want %d (%d partitions named %d times, %d postings)", got, want, len(distinct), each, len(postings))
	}
	// The postings are read back once for the batch, not once each; the
	// one GetItem is the batch's read of the alert generation
	// (alert_cache.go).
	if got, gets := w.env.Calls.Count("BatchGetItem"), w.env.Calls.Count("GetItem"); got != 1 || gets != 1 {
		t.Errorf("the batch read its postings with %d BatchGetItem and %d GetItem calls, want 1 and 1 (the alert generation)", got, gets)
	}
	for _, p := range postings {
		w.want(warmlead.NotifySearchMatch, p.ID, 1, "seeker")
	}
}

// Members' interests are read once a batch: new postings by posters whose
// networks overlap read each member's interests once, and each member
// still hears only of the leads their interests match.
func TestABatchReadsEachMembersInterestsOnce(t *testing.T) {
	t.Parallel()
	posters := []string{"ana", "ben", "cai", "dee"}
	readers := []string{"r1", "r2", "r3", "picky"}
	w := newFanoutWorld(t, append(slices.Clone(posters), readers...)...)
	w.must(w.store.PutMember(context.Background(), &warmlead.Member{ID: "picky", Name: "Picky", Stage: warmlead.StageProfessional,
		Interests: []string{"astronomy"}}))
	for _, p := range posters {
		for _, r := range readers {
			w.connect(p, r)
		}
	}
	var postings []*warmlead.Posting
	for _, p := range posters {
		postings = append(postings, w.post(p, ""))
	}
	ev := w.streamSoFar()
	w.env.Calls.Reset()
	if resp, err := w.h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("handle: %v %+v", err, resp)
	}
	// The postings, once; the readers' interests, once (not once a posting).
	if got := w.env.Calls.Count("BatchGetItem"); got != 2 {
		t.Errorf("%d BatchGetItem calls for %d postings to one network, want 2 (%s)", got, len(postings), w.env.Calls)
	}
	for _, p := range postings {
		w.want(warmlead.NotifyNewPosting, p.ID, 1, "r1", "r2", "r3")
		w.want(warmlead.NotifyNewPosting, p.ID, 0, "picky")
	}
}

// failingInterests is the store with members' interests that cannot be read.
type failingInterests struct{ *dynamo.Store }

func (failingInterests) MemberInterests(context.Context, []string) (map[string][]string, error) {
	return nil, errors.New("throttled")
}

// When the batch's read of members' interests fails, every new posting
// that waited for it is reported failed, and nobody hears of it yet.
func TestAFailedInterestsReadFailsItsPostings(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "ana", "ben", "r1")
	w.connect("ana", "r1")
	w.connect("ben", "r1")
	postings := []*warmlead.Posting{w.post("ana", ""), w.post("ben", "")}
	ev := w.streamSoFar()
	resp, err := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, failingInterests{w.store}).Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for _, r := range ev.Records {
		if f, err := dynamo.DecodeRecord(r); err == nil && f != nil && f.Kind == warmlead.FactNewPosting && !failed[r.Change.SequenceNumber] {
			t.Errorf("new posting %s's record not reported failed", f.Posting.ID)
		}
	}
	for _, p := range postings {
		w.want(warmlead.NotifyNewPosting, p.ID, 0, "r1")
	}
}

// failingWrites is the store with notification writes that fail.
type failingWrites struct{ *dynamo.Store }

func (failingWrites) PutNotifications(context.Context, []*warmlead.Notification) error {
	return errors.New("throttled")
}

// When the batch's notifications fail to write, the records that called
// for them are reported failed, with every later record of their key (so
// a retry replays them in order), and no other record.
func TestFailedBatchWriteFailsItsRecordsAndTheirKeys(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "ines", "carmen", "hugo")
	ctx := context.Background()
	c, _, err := w.store.RequestConnection(ctx, "ines", &warmlead.Connection{RecipientID: "carmen"})
	w.must(err)
	// Accepting rewrites both members' copies of the connection: later
	// records of the request's key, which the notifier's filter delivers.
	_, err = w.store.AcceptConnection(ctx, "carmen", c.ID)
	w.must(err)
	w.post("hugo", "") // a lead no one hears of: its record fails nothing
	ev := w.streamSoFar()
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, failingWrites{w.store})
	resp, err := h.Handle(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	want := map[string]bool{}
	for _, idx := range notify.ByPartitionKey(ev.Records) {
		for k, i := range idx {
			if f, err := dynamo.DecodeRecord(ev.Records[i]); err == nil && f != nil && (f.Kind == warmlead.FactConnectionRequest || f.Kind == warmlead.FactConnectionAccepted) {
				for _, j := range idx[k:] {
					want[ev.Records[j].Change.SequenceNumber] = true
				}
				break
			}
		}
	}
	if len(want) < 2 {
		t.Fatalf("no later record shares a connection fact's key (%d records): the test proves nothing", len(want))
	}
	for seq := range want {
		if !failed[seq] {
			t.Errorf("record %s not reported failed", seq)
		}
	}
	for seq := range failed {
		if !want[seq] {
			t.Errorf("record %s reported failed, but neither called for a notification nor follows one of its key", seq)
		}
	}
	if !slices.ContainsFunc(ev.Records, func(r events.DynamoDBEventRecord) bool { return !failed[r.Change.SequenceNumber] }) {
		t.Error("every record failed")
	}
}

// A new lead goes to the network the poster had when posting it: a
// connection accepted afterwards does not hear of it, however late the
// notifier reaches the posting.
func TestNewLeadGoesToTheNetworkAsItWasWhenPosted(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "poster", "early", "late")
	w.connect("poster", "early")
	p := w.post("poster", "")
	w.connect("late", "poster")
	w.drain()
	w.want(warmlead.NotifyNewPosting, p.ID, 1, "early")
	w.want(warmlead.NotifyNewPosting, p.ID, 0, "late")
}

// A batch that tells the same fact twice (a record and its replay, or an
// item written and then changed) writes its notification once: one
// BatchWriteItem may not name a key twice, and a refused write would send
// the records to the failure destination.
func TestABatchTellingAFactTwiceWritesItOnce(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "ines", "carmen")
	w.must(w.store.RequestConnection(context.Background(), "ines", &warmlead.Connection{RecipientID: "carmen"}))
	ev := w.streamSoFar()
	for _, r := range slices.Clone(ev.Records) {
		r.Change.SequenceNumber += "0" // a later copy
		ev.Records = append(ev.Records, r)
	}
	if resp, err := w.h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("handle: %v %+v", err, resp)
	}
	w.want(warmlead.NotifyConnectionRequest, "", 1, "carmen")
}
