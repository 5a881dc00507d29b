package streampump

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/testenv"
)

// A filtered pump delivers only the records its FilterCriteria match, fills
// its batches with them, never delivers a removal (it has no NewImage), and
// moves its checkpoint past the records it dropped: a pump started from
// that checkpoint, with no filter, has nothing left to deliver.
func TestFilterDropsWhatLambdaWouldNotDeliver(t *testing.T) {
	env := testenv.New(t)
	path := filepath.Join(t.TempDir(), "checkpoint.json")
	putItems(t, env, 0, 30)
	if _, err := env.Client.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(env.Table),
		Key: map[string]dtypes.AttributeValue{"PK": &dtypes.AttributeValueMemberS{Value: itemPK(3)}, "SK": &dtypes.AttributeValueMemberS{Value: "x"}}}); err != nil {
		t.Fatal(err)
	}
	f, err := ParseFilter([]string{`{"dynamodb":{"NewImage":{"I":{"N":["3","17"]}}}}`, `{"dynamodb":{"NewImage":{"I":{"N":["5"]}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{CheckpointPath: path, BatchSize: 3, Filter: f, Logger: testLogger(t)}))
	all, perBatch := rec.indexes(t)
	if !slices.Equal(all, []int{3, 5, 17}) || len(perBatch) != 1 {
		t.Errorf("delivered %v in batches %v, want [3 5 17] in one batch", all, perBatch)
	}
	for _, b := range rec.snapshot() {
		for _, r := range b {
			if r.EventName != "INSERT" {
				t.Errorf("delivered a %s record", r.EventName)
			}
		}
	}

	rest := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rest.Handle, Options{CheckpointPath: path, Logger: testLogger(t)}))
	if n := rest.distinct(); n != 0 {
		t.Errorf("after the filtered pump's checkpoint, %d records were left to deliver, want 0", n)
	}
}

// A stream of records the filter drops all of is drained at once, with
// nothing delivered, and the checkpoint passes them.
func TestFilterDroppingEverythingDrains(t *testing.T) {
	env := testenv.New(t)
	path := filepath.Join(t.TempDir(), "checkpoint.json")
	putItems(t, env, 0, 20)
	f, err := ParseFilter([]string{`{"dynamodb":{"NewImage":{"I":{"N":["999"]}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rec.Handle, Options{CheckpointPath: path, Filter: f, Logger: testLogger(t)}))
	if n := rec.distinct(); n != 0 {
		t.Errorf("%d records delivered, want none", n)
	}
	rest := newRecorder()
	drain(t, New(NewStreamsClient(env.Endpoint), env.StreamARN, rest.Handle, Options{CheckpointPath: path, Logger: testLogger(t)}))
	if n := rest.distinct(); n != 0 {
		t.Errorf("after the filtered pump's checkpoint, %d records were left to deliver, want 0", n)
	}
}

// Patterns shaped like the template's (an item type in the new image),
// with a second pattern that also names the event: a record passes when
// one pattern matches all it names, exactly, and a removal, which has no
// new image, never passes.
func TestFilterMatchesAsLambda(t *testing.T) {
	f, err := ParseFilter([]string{`{"dynamodb":{"NewImage":{"Type":{"S":["Posting","Interest"]}}}}`, `{"eventName":["MODIFY"],"dynamodb":{"NewImage":{"Type":{"S":["Member"]}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	record := func(event, typ string) events.DynamoDBEventRecord {
		r := events.DynamoDBEventRecord{EventName: event}
		if typ != "" {
			r.Change.NewImage = map[string]events.DynamoDBAttributeValue{"Type": events.NewStringAttribute(typ)}
		}
		return r
	}
	for _, c := range []struct {
		event, typ string
		want       bool
	}{
		{"INSERT", "Posting", true},
		{"MODIFY", "Interest", true},
		{"INSERT", "Notification", false},
		{"REMOVE", "", false},
		{"INSERT", "Member", false}, // the second pattern wants MODIFY
		{"MODIFY", "Member", true},
		{"INSERT", "posting", false}, // exact, case and all
	} {
		got, err := f.Match(record(c.event, c.typ))
		if err != nil || got != c.want {
			t.Errorf("%s of a %q item: match %v (%v), want %v", c.event, c.typ, got, err, c.want)
		}
	}
	var none *Filter
	if ok, _ := none.Match(record("REMOVE", "")); !ok {
		t.Error("no filter must pass every record")
	}
}

// What the pump does not understand is refused, never matched otherwise
// than Lambda would.
func TestFilterRefusesWhatItCannotMatch(t *testing.T) {
	for _, p := range []string{
		`{"dynamodb":{"NewImage":{"Type":{"S":[{"prefix":"Post"}]}}}}`,
		`{"eventName":"INSERT"}`,
		`{"eventName":[]}`,
		`{}`,
		`not json`,
	} {
		if _, err := ParseFilter([]string{p}); err == nil || !strings.Contains(err.Error(), "filter pattern") {
			t.Errorf("pattern %s: error %v, want one naming the pattern", p, err)
		}
	}
	if f, err := ParseFilter(nil); f != nil || err != nil {
		t.Errorf("no patterns: %v, %v; want no filter", f, err)
	}
}
