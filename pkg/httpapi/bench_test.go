package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
)

// The API path against the raw SDK call it wraps, measured side by side:
// each iteration runs one of each, alternating, so both see the same
// DynamoDB Local state. The API path starts from the JSON event Lambda
// would deliver (decoded as the runtime does), runs the adapter and the
// handler, and encodes the response. Reported: median latency of each and
// their ratio (goal ≤ 1.3, BENCHMARKS.md). Tables have no stream, so
// DynamoDB Local does not slow down as the benchmark writes.

func BenchmarkCreatePostingAPIvsSDK(b *testing.B) {
	api, env := newAPI(b, samtemplate.WithoutStream())
	body := postingJSONBody(b, nil)
	event, _ := json.Marshal(apigwtest.Event(apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: body}))
	// The raw call: the one TransactWriteItems the store makes, of the very
	// items the API stores (the posting and its search-index entries, read
	// back from the table), each put under a fresh id.
	sample := createPosting(b, api, "alice", nil)
	items := itemsOf(b, env, sample.ID)
	ctx := context.Background()
	n := 0
	sdk := func() {
		n++
		id := fmt.Sprintf("bench%022d", n)
		tx := make([]types.TransactWriteItem, len(items))
		for i, item := range items {
			tx[i] = types.TransactWriteItem{Put: &types.Put{TableName: aws.String(env.Table), Item: renamed(item, sample.ID, id),
				ConditionExpression: aws.String("attribute_not_exists(PK)")}}
		}
		if _, err := env.Client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx}); err != nil {
			b.Fatal(err)
		}
	}
	viaAPI := func() {
		if status := invokeJSON(b, api, event); status != 201 {
			b.Fatalf("create = %d", status)
		}
	}
	reportCalls := countCalls(b, env, viaAPI, 1) // the raw side: one TransactWriteItems
	sideBySide(b, viaAPI, sdk)
	reportCalls()
}

// itemsOf reads back every item that holds id (a new posting and its
// search-index entries, in a table holding nothing else of it).
func itemsOf(b *testing.B, env *testenv.Env, id string) []map[string]types.AttributeValue {
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(env.Client, &dynamodb.ScanInput{TableName: aws.String(env.Table)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for _, item := range page.Items {
			for _, v := range item {
				if s, ok := v.(*types.AttributeValueMemberS); ok && strings.Contains(s.Value, id) {
					items = append(items, item)
					break
				}
			}
		}
	}
	if len(items) < 2 {
		b.Fatalf("posting %s: %d items found, want it and its index entries", id, len(items))
	}
	return items
}

// renamed is item with every string attribute's old replaced by new.
func renamed(item map[string]types.AttributeValue, old, new string) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(item))
	for k, v := range item {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			v = &types.AttributeValueMemberS{Value: strings.ReplaceAll(s.Value, old, new)}
		}
		out[k] = v
	}
	return out
}

func BenchmarkBrowseAPIvsSDK(b *testing.B) {
	api, env := newAPI(b, samtemplate.WithoutStream())
	for i := 0; i < 60; i++ {
		createPosting(b, api, "alice", map[string]any{"title": fmt.Sprintf("Lead %d", i)})
	}
	event, _ := json.Marshal(apigwtest.Event(apigwtest.Request{Method: "GET", Path: "/postings?field=data", Member: "bob"}))
	ctx := context.Background()
	// The raw call: the Query the store issues for this page (the field
	// filter matches words of the field: a filter on the feed).
	sdk := func() {
		res, err := env.Client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(env.Table), IndexName: aws.String("GSI2"),
			KeyConditionExpression: aws.String("GSI2PK = :pk"), FilterExpression: aws.String("ValidThrough > :now AND contains(FieldText, :w)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: "FEED"}, ":now": &types.AttributeValueMemberS{Value: time.Now().UTC().Format(time.RFC3339Nano)},
				":w": &types.AttributeValueMemberS{Value: " data "}},
			ScanIndexForward: aws.Bool(false), Limit: aws.Int32(45),
		})
		if err != nil || len(res.Items) < 20 {
			b.Fatalf("query: %v", err)
		}
	}
	viaAPI := func() {
		if status := invokeJSON(b, api, event); status != 200 {
			b.Fatalf("browse = %d", status)
		}
	}
	reportCalls := countCalls(b, env, viaAPI, 1) // the raw side: one Query
	sideBySide(b, viaAPI, sdk)
	reportCalls()
}

// invokeJSON runs a JSON-encoded API Gateway event through the adapter as
// the Lambda runtime would (decode, invoke, encode) and returns the status.
func invokeJSON(b *testing.B, api *apigwtest.Client, event []byte) int {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event, &ev); err != nil {
		b.Fatal(err)
	}
	res, err := api.Invoke(context.Background(), ev)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := json.Marshal(res); err != nil {
		b.Fatal(err)
	}
	return res.Status
}

// sideBySide times api and sdk alternately b.N times each and reports the
// medians and their ratio.
func sideBySide(b *testing.B, api, sdk func()) {
	for i := 0; i < 20; i++ { // warm connections and JIT
		api()
		sdk()
	}
	apiTimes, sdkTimes := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		api()
		apiTimes = append(apiTimes, time.Since(start))
		start = time.Now()
		sdk()
		sdkTimes = append(sdkTimes, time.Since(start))
	}
	b.StopTimer()
	a, s := median(apiTimes), median(sdkTimes)
	b.ReportMetric(float64(a.Microseconds()), "api-µs/op")
	b.ReportMetric(float64(s.Microseconds()), "sdk-µs/op")
	b.ReportMetric(float64(a)/float64(s), "ratio")
}

// countCalls counts the DynamoDB calls one request through the API makes
// (counted by the SDK middleware of testenv) and returns what reports them
// (calls/op) beside the raw side's sdkCalls (sdk-calls/op); call it after
// sideBySide, whose timer reset drops metrics reported before.
func countCalls(b *testing.B, env *testenv.Env, api func(), sdkCalls int) (report func()) {
	env.Calls.Reset()
	api()
	calls := env.Calls.Total()
	return func() {
		b.ReportMetric(float64(calls), "calls/op")
		b.ReportMetric(float64(sdkCalls), "sdk-calls/op")
	}
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

// storedItem reads an item as the store wrote it.
func storedItem(b *testing.B, env *testenv.Env, pk string) map[string]types.AttributeValue {
	res, err := env.Client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(env.Table),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: "POSTING"}}})
	if err != nil || res.Item == nil {
		b.Fatalf("read %s: %v", pk, err)
	}
	return res.Item
}

func BenchmarkLandingAPIvsSDK(b *testing.B) {
	api, env := newAPI(b, samtemplate.WithoutStream())
	putProfile(b, api, "dana", "Dana Ortiz")
	p := createPosting(b, api, "alice", nil)
	link, _ := share(b, api, "dana", p.ID, "")
	event, _ := json.Marshal(apigwtest.Event(apigwtest.Request{Method: "GET", Path: "/r/" + link.Token,
		Headers: map[string]string{"Accept": "text/html"}}))
	ctx := context.Background()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	// The raw calls: count the click and read the link, then read the posting.
	sdk := func() {
		if _, err := env.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(env.Table), Key: map[string]types.AttributeValue{"PK": s("REF#" + link.Token), "SK": s("REF")},
			UpdateExpression: aws.String("ADD Clicks :one"), ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}},
			ReturnValues:              types.ReturnValueAllNew,
		}); err != nil {
			b.Fatal(err)
		}
		storedItem(b, env, "POSTING#"+p.ID)
	}
	viaAPI := func() {
		if status := invokeJSON(b, api, event); status != 200 {
			b.Fatalf("landing = %d", status)
		}
	}
	reportCalls := countCalls(b, env, viaAPI, 2) // the raw side: UpdateItem and GetItem
	sideBySide(b, viaAPI, sdk)
	reportCalls()
}
