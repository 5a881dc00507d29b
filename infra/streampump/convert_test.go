package streampump

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/warmlead/warmlead/infra/testenv"
)

// everyType is an item with every attribute type, nested, including the
// empty values (empty S, B, L, M) that are easiest to get wrong on the JSON
// hop a real invocation makes.
func everyType(pk string) map[string]dtypes.AttributeValue {
	return map[string]dtypes.AttributeValue{
		"PK":     &dtypes.AttributeValueMemberS{Value: pk},
		"SK":     &dtypes.AttributeValueMemberS{Value: "x"},
		"Str":    &dtypes.AttributeValueMemberS{Value: "héllo \"world\" ✓"},
		"EmptyS": &dtypes.AttributeValueMemberS{Value: ""},
		"Num":    &dtypes.AttributeValueMemberN{Value: "-123.45"},
		"BigNum": &dtypes.AttributeValueMemberN{Value: "12345678901234567890123456789012345678"},
		"Bin":    &dtypes.AttributeValueMemberB{Value: []byte{0, 1, 2, 0xfe, 0xff}},
		"EmptyB": &dtypes.AttributeValueMemberB{Value: []byte{}},
		"True":   &dtypes.AttributeValueMemberBOOL{Value: true},
		"False":  &dtypes.AttributeValueMemberBOOL{Value: false},
		"Null":   &dtypes.AttributeValueMemberNULL{Value: true},
		"SS":     &dtypes.AttributeValueMemberSS{Value: []string{"b", "a", "c"}},
		"NS":     &dtypes.AttributeValueMemberNS{Value: []string{"1", "2.5", "-3"}},
		"BS":     &dtypes.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}, {0xff}}},
		"EmptyL": &dtypes.AttributeValueMemberL{Value: []dtypes.AttributeValue{}},
		"EmptyM": &dtypes.AttributeValueMemberM{Value: map[string]dtypes.AttributeValue{}},
		"List": &dtypes.AttributeValueMemberL{Value: []dtypes.AttributeValue{
			&dtypes.AttributeValueMemberS{Value: "one"},
			&dtypes.AttributeValueMemberN{Value: "2"},
			&dtypes.AttributeValueMemberNULL{Value: true},
			&dtypes.AttributeValueMemberB{Value: []byte("bin")},
			&dtypes.AttributeValueMemberL{Value: []dtypes.AttributeValue{&dtypes.AttributeValueMemberBOOL{Value: true}}},
			&dtypes.AttributeValueMemberM{Value: map[string]dtypes.AttributeValue{"k": &dtypes.AttributeValueMemberSS{Value: []string{"x"}}}},
		}},
		"Map": &dtypes.AttributeValueMemberM{Value: map[string]dtypes.AttributeValue{
			"s":  &dtypes.AttributeValueMemberS{Value: "v"},
			"ns": &dtypes.AttributeValueMemberNS{Value: []string{"7"}},
			"m": &dtypes.AttributeValueMemberM{Value: map[string]dtypes.AttributeValue{
				"deep": &dtypes.AttributeValueMemberL{Value: []dtypes.AttributeValue{&dtypes.AttributeValueMemberN{Value: "0.001"}}},
			}},
		}},
	}
}

// TestLambdaShape writes an item with every attribute type, updates and
// deletes it, and checks that the handler receives INSERT, MODIFY, REMOVE
// in the shape Lambda delivers, with every value as written.
func TestLambdaShape(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	started := time.Now()

	item := everyType("shape#1")
	if _, err := env.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(env.Table), Item: item}); err != nil {
		t.Fatal(err)
	}
	key := map[string]dtypes.AttributeValue{"PK": item["PK"], "SK": item["SK"]}
	updated, err := env.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(env.Table),
		Key:                       key,
		UpdateExpression:          aws.String("SET Str = :s, Added = :m REMOVE EmptyS ADD NS :n"),
		ExpressionAttributeValues: map[string]dtypes.AttributeValue{":s": &dtypes.AttributeValueMemberS{Value: "changed"}, ":m": &dtypes.AttributeValueMemberM{Value: map[string]dtypes.AttributeValue{"a": &dtypes.AttributeValueMemberBOOL{Value: true}}}, ":n": &dtypes.AttributeValueMemberNS{Value: []string{"42"}}},
		ReturnValues:              dtypes.ReturnValueAllNew,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(env.Table), Key: key}); err != nil {
		t.Fatal(err)
	}

	rec := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{Logger: testLogger(t)}))

	var got []events.DynamoDBEventRecord
	for _, b := range rec.snapshot() {
		got = append(got, b...)
	}
	if len(got) != 3 {
		t.Fatalf("got %d records, want 3", len(got))
	}
	for i, want := range []string{"INSERT", "MODIFY", "REMOVE"} {
		r := got[i]
		if r.EventName != want {
			t.Errorf("record %d: eventName %q, want %q", i, r.EventName, want)
		}
		if r.EventVersion != "1.1" || r.EventSource != "aws:dynamodb" || r.EventSourceArn != env.StreamARN {
			t.Errorf("record %d: eventVersion %q eventSource %q eventSourceARN %q", i, r.EventVersion, r.EventSource, r.EventSourceArn)
		}
		if r.AWSRegion == "" || r.EventID == "" {
			t.Errorf("record %d: awsRegion %q eventID %q", i, r.AWSRegion, r.EventID)
		}
		c := r.Change
		if c.StreamViewType != "NEW_IMAGE" || c.SizeBytes <= 0 || c.SequenceNumber == "" {
			t.Errorf("record %d: StreamViewType %q SizeBytes %d SequenceNumber %q", i, c.StreamViewType, c.SizeBytes, c.SequenceNumber)
		}
		if i > 0 && !seqLess(got[i-1].Change.SequenceNumber, c.SequenceNumber) {
			t.Errorf("record %d: sequence %s not after %s", i, c.SequenceNumber, got[i-1].Change.SequenceNumber)
		}
		// DynamoDB Local truncates the time to the minute.
		if at := c.ApproximateCreationDateTime.Time; at.Before(started.Truncate(time.Minute)) || at.After(time.Now()) {
			t.Errorf("record %d: ApproximateCreationDateTime %s, written at %s", i, at, started)
		}
		assertImage(t, "Keys", key, c.Keys)
		if c.OldImage != nil {
			t.Errorf("record %d: OldImage %v on a NEW_IMAGE stream", i, c.OldImage)
		}
	}
	t.Logf("awsRegion %q, eventID %q, first sequence %s", got[0].AWSRegion, got[0].EventID, got[0].Change.SequenceNumber)
	assertImage(t, "INSERT NewImage", item, got[0].Change.NewImage)
	assertImage(t, "MODIFY NewImage", updated.Attributes, got[1].Change.NewImage)
	if got[2].Change.NewImage != nil {
		t.Errorf("REMOVE NewImage = %v, want none", got[2].Change.NewImage)
	}

	// The real path is JSON: what the handler got must survive it intact.
	ev := events.DynamoDBEvent{Records: got}
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var back events.DynamoDBEvent
	if err := json.Unmarshal(payload, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", payload, err)
	}
	if !reflect.DeepEqual(back, ev) {
		t.Errorf("JSON round trip changed the event:\n got %+v\nwant %+v", back, ev)
	}
	// And it is Lambda's wire format (names, and attribute encoding).
	var wire struct {
		Records []map[string]json.RawMessage
	}
	if err := json.Unmarshal(payload, &wire); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "eventSourceARN", "dynamodb"} {
		if _, ok := wire.Records[0][k]; !ok {
			t.Errorf("JSON record lacks %q: %s", k, payload)
		}
	}
	var dyn struct {
		ApproximateCreationDateTime json.Number
		NewImage                    map[string]json.RawMessage
	}
	if err := json.Unmarshal(wire.Records[0]["dynamodb"], &dyn); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.ApproximateCreationDateTime.Int64(); err != nil {
		t.Errorf("ApproximateCreationDateTime %q is not whole epoch seconds as Lambda sends it", dyn.ApproximateCreationDateTime)
	}
	for name, want := range map[string]string{"Null": `{"NULL":true}`, "Bin": `{"B":"AAEC/v8="}`, "Num": `{"N":"-123.45"}`, "EmptyL": `{"L":[]}`, "EmptyM": `{"M":{}}`} {
		var buf bytes.Buffer
		if err := json.Compact(&buf, dyn.NewImage[name]); err != nil || buf.String() != want {
			t.Errorf("JSON of %s = %s, want %s", name, dyn.NewImage[name], want)
		}
	}
}

// TestConvertRecord checks the converter alone on a record DynamoDB Local
// never produces (a TTL deletion with its userIdentity) and on broken ones.
func TestConvertRecord(t *testing.T) {
	at := time.Unix(1700000000, 0)
	rec := types.Record{
		AwsRegion:    aws.String("eu-west-3"),
		EventID:      aws.String("id-1"),
		EventName:    types.OperationTypeRemove,
		EventSource:  aws.String("aws:dynamodb"),
		EventVersion: aws.String("1.1"),
		UserIdentity: &types.Identity{Type: aws.String("Service"), PrincipalId: aws.String("dynamodb.amazonaws.com")},
		Dynamodb: &types.StreamRecord{
			ApproximateCreationDateTime: &at,
			Keys:                        map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "p"}},
			OldImage: map[string]types.AttributeValue{
				"L":  &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberBS{Value: [][]byte{nil}}}},
				"B":  &types.AttributeValueMemberB{},
				"NL": &types.AttributeValueMemberNULL{Value: true},
			},
			SequenceNumber: aws.String("000000000000000000042"),
			SizeBytes:      aws.Int64(99),
			StreamViewType: types.StreamViewTypeOldImage,
		},
	}
	got, err := ConvertRecord(rec, "arn:stream")
	if err != nil {
		t.Fatal(err)
	}
	want := events.DynamoDBEventRecord{
		AWSRegion: "eu-west-3", EventID: "id-1", EventName: "REMOVE", EventSource: "aws:dynamodb", EventVersion: "1.1",
		EventSourceArn: "arn:stream",
		UserIdentity:   &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"},
		Change: events.DynamoDBStreamRecord{
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: at},
			Keys:                        map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute("p")},
			OldImage: map[string]events.DynamoDBAttributeValue{
				"L":  events.NewListAttribute([]events.DynamoDBAttributeValue{events.NewBinarySetAttribute([][]byte{{}})}),
				"B":  events.NewBinaryAttribute([]byte{}),
				"NL": events.NewNullAttribute(),
			},
			SequenceNumber: "000000000000000000042", SizeBytes: 99, StreamViewType: "OLD_IMAGE",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ConvertRecord:\n got %+v\nwant %+v", got, want)
	}
	payload, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var back events.DynamoDBEventRecord
	if err := json.Unmarshal(payload, &back); err != nil {
		t.Errorf("converted record does not survive JSON: %v\n%s", err, payload)
	}

	broken := rec
	broken.Dynamodb = nil
	if r, err := ConvertRecord(broken, "arn:stream"); err == nil || r.EventID != "id-1" {
		t.Errorf("no dynamodb section: err %v, record %+v", err, r)
	}
	broken = rec
	sr := *rec.Dynamodb
	sr.NewImage = map[string]types.AttributeValue{"X": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"y": &types.UnknownUnionMember{Tag: "Z"}}}}
	broken.Dynamodb = &sr
	if r, err := ConvertRecord(broken, "arn:stream"); err == nil || !strings.Contains(err.Error(), "X: y") || r.Change.SequenceNumber == "" {
		t.Errorf("unknown attribute type: err %v, record %+v", err, r)
	}
}

// assertImage compares an image delivered to the handler with the item as
// written through the dynamodb client: a comparison of two types, not a
// second converter.
func assertImage(t *testing.T, what string, want map[string]dtypes.AttributeValue, got map[string]events.DynamoDBAttributeValue) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d attributes, want %d: %v", what, len(got), len(want), got)
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: missing %s", what, k)
			continue
		}
		if msg := diffAttr(w, g); msg != "" {
			t.Errorf("%s.%s: %s", what, k, msg)
		}
	}
}

// diffAttr describes how got differs from want, or returns "". Sets are
// compared as sets and numbers as numbers: DynamoDB keeps neither the order
// of a set nor the spelling of a number.
func diffAttr(want dtypes.AttributeValue, got events.DynamoDBAttributeValue) string {
	typeIs := func(dt events.DynamoDBDataType) bool { return got.DataType() == dt }
	mismatch := func() string { return "got " + mustJSON(got) + ", want " + mustJSON(want) }
	switch w := want.(type) {
	case *dtypes.AttributeValueMemberS:
		if !typeIs(events.DataTypeString) || got.String() != w.Value {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberN:
		if !typeIs(events.DataTypeNumber) || !sameNumber(got.Number(), w.Value) {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberB:
		if !typeIs(events.DataTypeBinary) || !bytes.Equal(got.Binary(), w.Value) {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberBOOL:
		if !typeIs(events.DataTypeBoolean) || got.Boolean() != w.Value {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberNULL:
		if !typeIs(events.DataTypeNull) || !got.IsNull() {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberSS:
		if !typeIs(events.DataTypeStringSet) || !sameSet(got.StringSet(), w.Value, func(a, b string) bool { return a == b }) {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberNS:
		if !typeIs(events.DataTypeNumberSet) || !sameSet(got.NumberSet(), w.Value, sameNumber) {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberBS:
		if !typeIs(events.DataTypeBinarySet) || !sameSet(got.BinarySet(), w.Value, bytes.Equal) {
			return mismatch()
		}
	case *dtypes.AttributeValueMemberL:
		if !typeIs(events.DataTypeList) || len(got.List()) != len(w.Value) {
			return mismatch()
		}
		for i := range w.Value {
			if msg := diffAttr(w.Value[i], got.List()[i]); msg != "" {
				return "[" + strconv.Itoa(i) + "]: " + msg
			}
		}
	case *dtypes.AttributeValueMemberM:
		if !typeIs(events.DataTypeMap) || len(got.Map()) != len(w.Value) {
			return mismatch()
		}
		for k, v := range w.Value {
			g, ok := got.Map()[k]
			if !ok {
				return "missing ." + k
			}
			if msg := diffAttr(v, g); msg != "" {
				return "." + k + ": " + msg
			}
		}
	default:
		return "unexpected written type " + mustJSON(want)
	}
	return ""
}

func sameNumber(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// sameSet reports whether a and b hold the same elements in any order.
func sameSet[E any](a, b []E, eq func(E, E) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y E) bool { return eq(x, y) }) {
			return false
		}
	}
	return true
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// seqLess orders sequence numbers: decimal strings, compared as numbers.
func seqLess(a, b string) bool {
	x, _ := new(big.Int).SetString(a, 10)
	y, _ := new(big.Int).SetString(b, 10)
	return x != nil && y != nil && x.Cmp(y) < 0
}
