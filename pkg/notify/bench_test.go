package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
)

const fanoutRecipients = 10000

// benchRecipients is fanoutRecipients, or 2,000 for make bench-smoke
// (-short, BENCHMARKS.md).
func benchRecipients() int {
	if testing.Short() {
		return 2000
	}
	return fanoutRecipients
}

// BenchmarkFanout10k announces one posting to a poster's 10,000 connections
// through the notifier, side by side with a bare loop of the same number of
// BatchWriteItem calls (25 notifications each) — the floor any fan-out
// pays. The table has no stream (samtemplate.WithoutStream): DynamoDB
// Local slows down as stream records pile up, which would measure the
// emulator. Reported: wall time of each, their ratio (goal ≤ 1.2, BENCHMARKS.md)
// and the notifier's calls per fan-out by operation.
func BenchmarkFanout10k(b *testing.B) {
	env := testenv.New(b, samtemplate.WithoutStream())
	store := env.Store(b)
	ctx := context.Background()
	recipients := benchRecipients()
	writeNetwork(b, env, "poster", recipients)
	h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, store)

	var fanout, bare time.Duration
	for i := 0; i < b.N; i++ {
		ev := postingEvent(benchPostingID(i), "poster", time.Now().Add(time.Duration(i)*time.Second))
		// The posting is in the table, as when its record arrives: the notifier
		// reads it back (one GetItem) before announcing it.
		if _, err := env.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &env.Table, Item: fromStreamImage(ev.Records[0].Change.NewImage)}); err != nil {
			b.Fatal(err)
		}
		env.Calls.Reset()
		start := time.Now()
		resp, err := h.Handle(ctx, ev)
		fanout += time.Since(start)
		if err != nil || len(resp.BatchItemFailures) > 0 {
			b.Fatalf("fan-out failed: %v %+v", err, resp)
		}
		if i == 0 {
			b.ReportMetric(float64(env.Calls.Count("BatchWriteItem")), "BatchWriteItem/op")
			b.ReportMetric(float64(env.Calls.Count("Query")), "Query/op")
			b.ReportMetric(float64(env.Calls.Count("BatchGetItem")), "BatchGetItem/op")
			b.ReportMetric(float64(env.Calls.Count("GetItem")), "GetItem/op")
			// The floor: one BatchWriteItem per 25 recipients (BENCHMARKS.md).
			b.ReportMetric(float64((recipients+24)/25), "BatchWriteItem-floor/op")
			if want := (recipients + 24) / 25; env.Calls.Count("BatchWriteItem") != want {
				b.Errorf("fan-out made %d BatchWriteItem calls, want %d", env.Calls.Count("BatchWriteItem"), want)
			}
		}
		start = time.Now()
		bareLoop(b, env, i, recipients)
		bare += time.Since(start)
	}
	b.ReportMetric(float64(fanout.Milliseconds())/float64(b.N), "fanout-ms/op")
	b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-ms/op")
	b.ReportMetric(float64(fanout)/float64(bare), "ratio")
}

// writeNetwork writes the poster's side of n accepted connections straight
// into the table (the edges ConnectedMembers reads). Going through
// RequestConnection and AcceptConnection would cost 2n transactions and 4n
// stream records before measuring anything, and DynamoDB Local slows down as
// stream records pile up (docs/platform.md).
func writeNetwork(b *testing.B, env *testenv.Env, poster string, n int) {
	b.Helper()
	var batch []types.WriteRequest
	flush := func() {
		if len(batch) == 0 {
			return
		}
		req := map[string][]types.WriteRequest{env.Table: batch}
		for len(req[env.Table]) > 0 {
			out, err := env.Client.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				b.Fatal(err)
			}
			req = out.UnprocessedItems
		}
		batch = nil
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	for i := 0; i < n; i++ {
		other := fmt.Sprintf("member%05d", i)
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"PK": s("MEMBER#" + poster), "SK": s("CONN#" + other), "Type": s("Connection"),
			"ID": s(other + "~" + poster), "Owner": s(poster), "Other": s(other), "RequesterID": s(other),
			"RecipientID": s(poster), "Status": s("accepted"), "CreatedAt": s("2026-11-01T00:00:00.000000000Z"),
			"GSI1PK": s("CONNS#" + poster + "#accepted"), "GSI1SK": s(other),
		}}})
		if len(batch) == 25 {
			flush()
		}
	}
	flush()
}

// benchPostingID is the i-th posting's id, in the alphabet of real ids (the
// notifier reads the posting back by it).
func benchPostingID(i int) string {
	id := []byte(fmt.Sprintf("%026d", i))
	for j, c := range id {
		id[j] = 'a' + (c - '0')
	}
	return string(id)
}

// postingEvent is the stream record of a new open posting, as Lambda delivers it.
func postingEvent(id, poster string, created time.Time) events.DynamoDBEvent {
	ts := created.UTC().Format("2006-01-02T15:04:05.000000000Z")
	img := map[string]events.DynamoDBAttributeValue{
		"PK": events.NewStringAttribute("POSTING#" + id), "SK": events.NewStringAttribute("POSTING"),
		"Type": events.NewStringAttribute("Posting"), "ID": events.NewStringAttribute(id),
		"Title": events.NewStringAttribute("A lead"), "Kind": events.NewStringAttribute("job"),
		"Field": events.NewStringAttribute("data"), "PosterID": events.NewStringAttribute(poster),
		"Status": events.NewStringAttribute("open"), "Visibility": events.NewStringAttribute("network"),
		"ValidThrough": events.NewStringAttribute(created.Add(24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z")),
		"CreatedAt":    events.NewStringAttribute(ts), "UpdatedAt": events.NewStringAttribute(ts),
		"Version": events.NewNumberAttribute("1"),
	}
	return events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		EventID: id, EventName: "INSERT", EventVersion: "1.1", EventSource: "aws:dynamodb", AWSRegion: "us-east-1",
		Change: events.DynamoDBStreamRecord{NewImage: img, SequenceNumber: "1" + id[len(id)-20:], StreamViewType: "NEW_IMAGE"},
	}}}
}

// bareLoop writes as many notification-sized items as the fan-out, 25 per
// BatchWriteItem, one call after another: nothing but the writes.
func bareLoop(b *testing.B, env *testenv.Env, round, n int) {
	b.Helper()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	for start := 0; start < n; start += 25 {
		batch := make([]types.WriteRequest, 0, 25)
		for i := start; i < min(start+25, n); i++ {
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				"PK": s(fmt.Sprintf("INBOX#member%05d", i)), "SK": s(fmt.Sprintf("NOTIF#bare%04d-%016x", round, i)),
				"Type": s("Notification"), "ID": s(fmt.Sprintf("bare%04d-%016x", round, i)),
				"Recipient": s(fmt.Sprintf("member%05d", i)), "Kind": s("new_lead"), "PostingID": s("bench"),
				"ActorID": s("poster"), "CreatedAt": s("2026-11-21T00:00:00.000000000Z"),
				"ExpiresAt": &types.AttributeValueMemberN{Value: "1800000000"},
			}}})
		}
		req := map[string][]types.WriteRequest{env.Table: batch}
		for len(req[env.Table]) > 0 {
			out, err := env.Client.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				b.Fatal(err)
			}
			req = out.UnprocessedItems
		}
	}
}
