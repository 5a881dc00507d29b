package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func quietLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// network builds bob's circle: alice (no interests), carmen (interested in
// ux research only), dev (data) as accepted connections; erin asked bob but
// is still pending; frank is a stranger.
func network(t *testing.T, store *dynamo.Store) {
	t.Helper()
	ctx := context.Background()
	for _, m := range []warmlead.Member{
		{ID: "alice", Name: "Alice", Stage: warmlead.StageProfessional},
		{ID: "bob", Name: "Bob", Stage: warmlead.StageCareerChanger},
		{ID: "carmen", Name: "Carmen", Stage: warmlead.StageReturner, Interests: []string{"UX Research"}},
		{ID: "dev", Name: "Dev", Stage: warmlead.StageStudent, Interests: []string{"Data", "design"}},
		{ID: "erin", Name: "Erin", Stage: warmlead.StageStudent},
		{ID: "frank", Name: "Frank", Stage: warmlead.StageStudent},
	} {
		if _, _, err := store.PutMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	for _, other := range []string{"alice", "carmen", "dev", "erin"} {
		c, _, err := store.RequestConnection(ctx, other, &warmlead.Connection{RecipientID: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if other != "erin" {
			if _, err := store.AcceptConnection(ctx, "bob", c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// inbox reads a member's notifications by type.
func inbox(t *testing.T, store *dynamo.Store, member string) map[warmlead.NotificationType]int {
	t.Helper()
	got, err := store.ListNotifications(context.Background(), member, warmlead.PageRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[warmlead.NotificationType]int{}
	for _, n := range got.Items {
		out[n.Type]++
	}
	return out
}

// The handler fed a batch in the shape Lambda delivers (JSON, like
// aws-lambda-go's events/testdata/dynamodb-event.json): a new posting, a
// poison record, a connection request and a record of no interest.
func TestHandlerOnALambdaShapedBatch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	store := env.Store(t)
	network(t, store)
	raw, err := os.ReadFile("testdata/stream-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	// The posting of the first record was posted after bob's connections
	// were accepted (a new lead goes to the network as it was then).
	ev.Records[0].Change.NewImage["CreatedAt"] = events.NewStringAttribute(time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z"))
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)
	// The posting of the first record and the request of the third are in
	// the table, as they are when their records arrive: the notifier reads
	// them back before announcing them.
	for _, i := range []int{0, 2} {
		if _, err := env.Client.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(env.Table),
			Item: fromStreamImage(ev.Records[i].Change.NewImage)}); err != nil {
			t.Fatal(err)
		}
	}

	env.Calls.Reset()
	resp, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("handler returned an error: %v", err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "100000000000000000002" {
		t.Fatalf("failures = %+v, want exactly the poison record", resp.BatchItemFailures)
	}
	want := map[string]map[warmlead.NotificationType]int{
		"alice":  {warmlead.NotifyNewPosting: 1, warmlead.NotifyConnectionRequest: 1},
		"dev":    {warmlead.NotifyNewPosting: 1},
		"carmen": {}, // interests do not match the posting's field
		"erin":   {}, // pending, not a connection
		"frank":  {},
		"bob":    {}, // the poster
	}
	check := func(when string) {
		for member, types := range want {
			got := inbox(t, store, member)
			if len(got) != len(types) {
				t.Errorf("%s: %s's inbox = %v, want %v", when, member, got, types)
				continue
			}
			for typ, n := range types {
				if got[typ] != n {
					t.Errorf("%s: %s has %d %s, want %d", when, member, got[typ], typ, n)
				}
			}
		}
	}
	check("first delivery")
	// Three notifications from two facts: one write for the batch
	// (batch.go), not one per fact.
	if n := env.Calls.Count("BatchWriteItem"); n != 1 {
		t.Errorf("batch made %s, want one BatchWriteItem for the batch's notifications", env.Calls)
	}

	// Alice reads everything; the batch is delivered again (at least once).
	if err := store.MarkNotificationsRead(context.Background(), "alice", ""); err != nil {
		t.Fatal(err)
	}
	if resp, _ := h.Handle(context.Background(), ev); len(resp.BatchItemFailures) != 1 {
		t.Errorf("replay failures = %+v", resp.BatchItemFailures)
	}
	check("replay")
	got, _ := store.ListNotifications(context.Background(), "alice", warmlead.PageRequest{})
	if got.Unread != 0 {
		t.Errorf("replay turned %d of alice's notifications unread", got.Unread)
	}
}

// fromStreamImage converts a stream image to the SDK's attribute values
// (the strings, numbers, lists and maps the fixture holds).
func fromStreamImage(image map[string]events.DynamoDBAttributeValue) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(image))
	for k, v := range image {
		out[k] = fromStreamValue(v)
	}
	return out
}

func fromStreamValue(v events.DynamoDBAttributeValue) types.AttributeValue {
	switch v.DataType() {
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}
	case events.DataTypeList:
		var l []types.AttributeValue
		for _, e := range v.List() {
			l = append(l, fromStreamValue(e))
		}
		return &types.AttributeValueMemberL{Value: l}
	case events.DataTypeMap:
		return &types.AttributeValueMemberM{Value: fromStreamImage(v.Map())}
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}
	}
	return &types.AttributeValueMemberS{Value: v.String()}
}
