package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/infra/samtemplate"
)

// BenchmarkKeywordSearchAPIvsSDK: a two-word keyword search (q=data analy)
// through the full API path against the raw calls the store makes for it:
// a BatchGetItem of the two words' counts, the Query of the rarest word's
// partition with the same filter, and a BatchGetItem of the page's
// postings.
func BenchmarkKeywordSearchAPIvsSDK(b *testing.B) {
	api, env := newAPI(b, samtemplate.WithoutStream())
	titles := []string{"Junior data analyst", "Data engineer intern", "Marketing assistant", "UX research intern", "Analytics volunteer"}
	for i := 0; i < 100; i++ {
		createPosting(b, api, "alice", map[string]any{"title": fmt.Sprintf("%s %d", titles[i%len(titles)], i), "field": "Data"})
	}
	event, _ := json.Marshal(apigwtest.Event(apigwtest.Request{Method: "GET", Path: "/postings?q=data+analy", Member: "bob"}))
	ctx := context.Background()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	key := func(pk, sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"PK": s(pk), "SK": s(sk)}
	}
	sdk := func() {
		if _, err := env.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			env.Table: {Keys: []map[string]types.AttributeValue{key("TERMCOUNT#ana", "COUNT"), key("TERMCOUNT#dat", "COUNT")}, ConsistentRead: aws.Bool(true)}}}); err != nil {
			b.Fatal(err)
		}
		res, err := env.Client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(env.Table), KeyConditionExpression: aws.String("PK = :pk"),
			FilterExpression: aws.String("ValidThrough > :now AND (contains(SearchText, :d1) OR contains(SearchText, :d2)) AND contains(SearchText, :a1)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("TERM#ana"), ":now": s(time.Now().UTC().Format(time.RFC3339Nano)),
				":d1": s(" data "), ":d2": s(" data"), ":a1": s(" analy")},
			ScanIndexForward: aws.Bool(false), Limit: aws.Int32(45),
		})
		if err != nil || len(res.Items) < 20 {
			b.Fatalf("query: %v (%d items)", err, len(res.Items))
		}
		keys := make([]map[string]types.AttributeValue, 20)
		for i := range keys {
			keys[i] = key("POSTING#"+res.Items[i]["PostingID"].(*types.AttributeValueMemberS).Value, "POSTING")
		}
		if _, err := env.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			env.Table: {Keys: keys, ConsistentRead: aws.Bool(true)}}}); err != nil {
			b.Fatal(err)
		}
	}
	viaAPI := func() {
		if status := invokeJSON(b, api, event); status != 200 {
			b.Fatalf("search = %d", status)
		}
	}
	env.Calls.Reset()
	viaAPI()
	calls := env.Calls.Total()
	sideBySide(b, viaAPI, sdk)
	b.ReportMetric(float64(calls), "calls/page")
}
