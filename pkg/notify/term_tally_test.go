package notify_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A batch of new postings counts each of their words once, however many of
// the postings share it, and every posting is counted.
func TestABatchCountsEachWordOnce(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	network(t, store)
	var ev events.DynamoDBEvent
	want := map[string]int{}
	for _, title := range []string{"UX research intern", "UX research assistant", "Research intern"} {
		p := createPostingFor(t, store, "bob", warmlead.Posting{Title: title, Field: "Research", Visibility: warmlead.VisibilityPublic})
		ev.Records = append(ev.Records, postingEvent(p.ID, "bob", p.CreatedAt).Records...)
		for _, k := range warmlead.PostingTerms(p).Keys() {
			want[k]++
		}
	}
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	env.Calls.Reset()
	if resp, err := h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("handle: %v %+v", err, resp)
	}
	if got := env.Calls.Count("UpdateItem"); got != len(want) {
		t.Errorf("%d UpdateItem calls for %d distinct words of 3 postings, want one per word", got, len(want))
	}
	shared := 0
	for k, n := range want {
		out, err := env.Client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(env.Table),
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "TERMCOUNT#" + k}, "SK": &types.AttributeValueMemberS{Value: "COUNT"}}})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := out.Item["N"].(*types.AttributeValueMemberN)
		if got == nil || got.Value != strconv.Itoa(n) {
			t.Errorf("count of %q = %v, want %d", k, got, n)
		}
		if n > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("the postings share no word: the test proves nothing")
	}
}

// A posting whose notifications fail to write is not counted until its
// record is replayed, and then once.
func TestAFailedPostingIsCountedWhenReplayed(t *testing.T) {
	t.Parallel()
	w := newFanoutWorld(t, "poster", "friend")
	w.connect("poster", "friend")
	p := w.post("poster", "")
	ev := w.streamSoFar()
	word := warmlead.PostingTerms(p).Keys()[0]
	count := func() string {
		t.Helper()
		out, err := w.env.Client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(w.env.Table),
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "TERMCOUNT#" + word}, "SK": &types.AttributeValueMemberS{Value: "COUNT"}}})
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := out.Item["N"].(*types.AttributeValueMemberN); ok {
			return n.Value
		}
		return "0"
	}
	failing := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, failingWrites{w.store})
	if resp, err := failing.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) == 0 {
		t.Fatalf("handle with failing writes: %v %+v, want the posting's record failed", err, resp)
	}
	if got := count(); got != "0" {
		t.Errorf("after the failed delivery %q is counted %s times, want 0", word, got)
	}
	if resp, err := w.h.Handle(context.Background(), ev); err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("replay: %v %+v", err, resp)
	}
	if got := count(); got != "1" {
		t.Errorf("after the replay %q is counted %s times, want 1", word, got)
	}
}
