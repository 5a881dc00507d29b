package samtemplate

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func mustParse(t *testing.T, src string) *Template {
	t.Helper()
	tpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tpl
}

func jsonEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: marshal got: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%s: marshal want: %v", what, err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func TestParseIntrinsics(t *testing.T) {
	tpl := mustParse(t, `
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata: { BuildMethod: makefile }
    Properties:
      Ref: !Ref Stage
      AttScalar: !GetAtt Table.Arn
      AttNested: !GetAtt Db.Endpoint.Address
      AttList: !GetAtt [Table, StreamArn]
      SubScalar: !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
      SubList: !Sub
        - "${Name}-x"
        - { Name: !Ref Stage }
      Resource:
        - !GetAtt Table.Arn
        - !Sub "${Table.Arn}/index/*"
      Joined: !Join ["", [a, !Ref Stage, c]]
      Pick: !If [IsProd, 10, !Ref AWS::NoValue]
      First: !Select [0, !GetAZs ""]
      Parts: !Split [",", !ImportValue Shared]
      Mapped: !FindInMap [M, !Ref "AWS::Region", Key]
      Both: !And [!Condition IsProd, !Or [true, false]]
      Encoded: !Base64 hello
      Nets: !Cidr [10.0.0.0/16, 4, 8]
      Int: 5
      Float: 1.5
      Bool: true
      Quoted: "true"
      Date: 2010-09-09
      Null: ~
`)
	if tpl.AWSTemplateFormatVersion != "2010-09-09" || tpl.Transform != "AWS::Serverless-2016-10-31" {
		t.Errorf("header = %q, %v", tpl.AWSTemplateFormatVersion, tpl.Transform)
	}
	jsonEqual(t, "Conditions", tpl.Conditions, map[string]any{
		"IsProd":  map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Stage"}, "prod"}},
		"NotProd": map[string]any{"Fn::Not": []any{map[string]any{"Condition": "IsProd"}}},
	})
	fn := tpl.Resources["Fn"]
	if fn.Type != "AWS::Serverless::Function" {
		t.Errorf("Type = %q", fn.Type)
	}
	jsonEqual(t, "Metadata", fn.Metadata, map[string]any{"BuildMethod": "makefile"})

	ref := func(s string) map[string]any { return map[string]any{"Ref": s} }
	want := map[string]any{
		"Ref":       ref("Stage"),
		"AttScalar": map[string]any{"Fn::GetAtt": []any{"Table", "Arn"}},
		"AttNested": map[string]any{"Fn::GetAtt": []any{"Db", "Endpoint.Address"}},
		"AttList":   map[string]any{"Fn::GetAtt": []any{"Table", "StreamArn"}},
		"SubScalar": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"},
		"SubList":   map[string]any{"Fn::Sub": []any{"${Name}-x", map[string]any{"Name": ref("Stage")}}},
		"Resource":  []any{map[string]any{"Fn::GetAtt": []any{"Table", "Arn"}}, map[string]any{"Fn::Sub": "${Table.Arn}/index/*"}},
		"Joined":    map[string]any{"Fn::Join": []any{"", []any{"a", ref("Stage"), "c"}}},
		"Pick":      map[string]any{"Fn::If": []any{"IsProd", 10, ref("AWS::NoValue")}},
		"First":     map[string]any{"Fn::Select": []any{0, map[string]any{"Fn::GetAZs": ""}}},
		"Parts":     map[string]any{"Fn::Split": []any{",", map[string]any{"Fn::ImportValue": "Shared"}}},
		"Mapped":    map[string]any{"Fn::FindInMap": []any{"M", ref("AWS::Region"), "Key"}},
		"Both":      map[string]any{"Fn::And": []any{map[string]any{"Condition": "IsProd"}, map[string]any{"Fn::Or": []any{true, false}}}},
		"Encoded":   map[string]any{"Fn::Base64": "hello"},
		"Nets":      map[string]any{"Fn::Cidr": []any{"10.0.0.0/16", 4, 8}},
		"Int":       5,
		"Float":     1.5,
		"Bool":      true,
		"Quoted":    "true",
		"Date":      "2010-09-09",
		"Null":      nil,
	}
	if !reflect.DeepEqual(fn.Properties, want) {
		jsonEqual(t, "Properties", fn.Properties, want)
		t.Errorf("Properties differ in Go types:\n got %#v\nwant %#v", fn.Properties, want)
	}
}

func TestParseAnchorsAndMerge(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  A:
    Type: Custom::A
    Properties: &base
      X: !Ref One
      Y: 1
  B:
    Type: Custom::B
    Properties:
      <<: *base
      Y: 2
`)
	jsonEqual(t, "B", tpl.Resources["B"].Properties, map[string]any{"X": map[string]any{"Ref": "One"}, "Y": 2})
}

func TestParseErrors(t *testing.T) {
	for name, src := range map[string]string{
		"empty":          "",
		"not a mapping":  "- a\n- b\n",
		"bad yaml":       "Resources: [\n",
		"duplicate key":  "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n",
		"getatt no dot":  "Resources:\n  A:\n    Type: X\n    Properties: {P: !GetAtt Table}\n",
		"resource list":  "Resources:\n  A: [1, 2]\n",
		"missing type":   "Resources:\n  A: {Properties: {}}\n",
		"props not map":  "Resources:\n  A: {Type: X, Properties: [1]}\n",
		"resources list": "Resources: [a]\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(src)); err == nil {
				t.Errorf("Parse(%q) succeeded, want an error", src)
			}
		})
	}
}

const smallTable = `
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-things"
      AttributeDefinitions:
        - { AttributeName: id, AttributeType: S }
        - { AttributeName: at, AttributeType: N }
        - { AttributeName: owner, AttributeType: S }
      KeySchema:
        - { AttributeName: id, KeyType: HASH }
        - { AttributeName: at, KeyType: RANGE }
      GlobalSecondaryIndexes:
        - IndexName: ByOwner
          KeySchema:
            - { AttributeName: owner, KeyType: HASH }
          Projection: { ProjectionType: INCLUDE, NonKeyAttributes: [name] }
      LocalSecondaryIndexes:
        - IndexName: ByOwnerLocal
          KeySchema:
            - { AttributeName: id, KeyType: HASH }
            - { AttributeName: owner, KeyType: RANGE }
          Projection: { ProjectionType: KEYS_ONLY }
      TimeToLiveSpecification: { AttributeName: ttl, Enabled: "true" }
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
      Tags:
        - { Key: owner, Value: !Ref AWS::StackName }
`

func TestTable(t *testing.T) {
	tpl := mustParse(t, smallTable)
	id, def, err := tpl.Table()
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	if id != "Things" {
		t.Errorf("logical id = %q, want Things", id)
	}
	want := TableDef{
		AttributeDefinitions: []AttributeDefinition{{"id", "S"}, {"at", "N"}, {"owner", "S"}},
		KeySchema:            []KeySchemaElement{{"id", "HASH"}, {"at", "RANGE"}},
		GlobalSecondaryIndexes: []SecondaryIndex{{
			IndexName:  "ByOwner",
			KeySchema:  []KeySchemaElement{{"owner", "HASH"}},
			Projection: Projection{ProjectionType: "INCLUDE", NonKeyAttributes: []string{"name"}},
		}},
		LocalSecondaryIndexes: []SecondaryIndex{{
			IndexName:  "ByOwnerLocal",
			KeySchema:  []KeySchemaElement{{"id", "HASH"}, {"owner", "RANGE"}},
			Projection: Projection{ProjectionType: "KEYS_ONLY"},
		}},
		TimeToLiveSpecification: TimeToLiveSpecification{AttributeName: "ttl", Enabled: true},
		StreamSpecification:     StreamSpecification{StreamViewType: "NEW_AND_OLD_IMAGES"},
	}
	if !reflect.DeepEqual(def, want) {
		t.Errorf("def =\n%+v\nwant\n%+v", def, want)
	}
}

func TestTableCount(t *testing.T) {
	for name, src := range map[string]string{
		"none": `
Resources:
  Queue: { Type: AWS::SQS::Queue }
  Fn: { Type: AWS::Serverless::Function, Properties: { Handler: bootstrap } }
`,
		"no resources": `Description: nothing`,
		"two": `
Resources:
  A:
    Type: AWS::DynamoDB::Table
    Properties: { KeySchema: [{ AttributeName: id, KeyType: HASH }] }
  B:
    Type: AWS::DynamoDB::Table
    Properties: { KeySchema: [{ AttributeName: id, KeyType: HASH }] }
`,
		"no key schema": `
Resources:
  A: { Type: AWS::DynamoDB::Table, Properties: { BillingMode: PAY_PER_REQUEST } }
`,
		"intrinsic in a read field": `
Resources:
  A:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: !If [IsProd, PROVISIONED, PAY_PER_REQUEST]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
`,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := mustParse(t, src).Table()
			if err == nil {
				t.Fatal("Table succeeded, want an error")
			}
			t.Log(err)
		})
	}
}

func TestCreateTableInput(t *testing.T) {
	_, def, err := mustParse(t, smallTable).Table()
	if err != nil {
		t.Fatal(err)
	}

	// Absent BillingMode means PROVISIONED: 5/5 for the table and each GSI.
	in := def.CreateTableInput("things-test")
	if aws.ToString(in.TableName) != "things-test" {
		t.Errorf("TableName = %q", aws.ToString(in.TableName))
	}
	if in.BillingMode != types.BillingModeProvisioned {
		t.Errorf("BillingMode = %q, want PROVISIONED", in.BillingMode)
	}
	wantTP := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}
	if !reflect.DeepEqual(in.ProvisionedThroughput, wantTP) {
		t.Errorf("table ProvisionedThroughput = %+v", in.ProvisionedThroughput)
	}
	if len(in.GlobalSecondaryIndexes) != 1 || !reflect.DeepEqual(in.GlobalSecondaryIndexes[0].ProvisionedThroughput, wantTP) {
		t.Errorf("GSI ProvisionedThroughput = %+v", in.GlobalSecondaryIndexes)
	}
	g := in.GlobalSecondaryIndexes[0]
	if aws.ToString(g.IndexName) != "ByOwner" || g.Projection.ProjectionType != types.ProjectionTypeInclude ||
		!reflect.DeepEqual(g.Projection.NonKeyAttributes, []string{"name"}) ||
		len(g.KeySchema) != 1 || aws.ToString(g.KeySchema[0].AttributeName) != "owner" || g.KeySchema[0].KeyType != types.KeyTypeHash {
		t.Errorf("GSI = %+v", g)
	}
	if len(in.LocalSecondaryIndexes) != 1 || aws.ToString(in.LocalSecondaryIndexes[0].IndexName) != "ByOwnerLocal" {
		t.Errorf("LSIs = %+v", in.LocalSecondaryIndexes)
	}
	if len(in.AttributeDefinitions) != 3 || in.AttributeDefinitions[1].AttributeType != types.ScalarAttributeTypeN {
		t.Errorf("AttributeDefinitions = %+v", in.AttributeDefinitions)
	}
	if len(in.KeySchema) != 2 || in.KeySchema[1].KeyType != types.KeyTypeRange {
		t.Errorf("KeySchema = %+v", in.KeySchema)
	}
	if s := in.StreamSpecification; s == nil || !aws.ToBool(s.StreamEnabled) || s.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Errorf("StreamSpecification = %+v", s)
	}

	def.BillingMode = "PROVISIONED"
	if in := def.CreateTableInput("x"); in.BillingMode != types.BillingModeProvisioned || in.ProvisionedThroughput == nil {
		t.Errorf("PROVISIONED: %+v", in)
	}

	def.BillingMode = "PAY_PER_REQUEST"
	def.StreamSpecification = StreamSpecification{}
	in = def.CreateTableInput("x")
	if in.BillingMode != types.BillingModePayPerRequest || in.ProvisionedThroughput != nil || in.GlobalSecondaryIndexes[0].ProvisionedThroughput != nil {
		t.Errorf("PAY_PER_REQUEST: %+v", in)
	}
	if in.StreamSpecification != nil {
		t.Errorf("no stream in template, got %+v", in.StreamSpecification)
	}
}

// TestProjectTemplate checks the table in the project's real template.
func TestProjectTemplate(t *testing.T) {
	tpl, err := Load(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	id, def, err := tpl.Table()
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	t.Logf("table %s: %d attributes, %d GSIs", id, len(def.AttributeDefinitions), len(def.GlobalSecondaryIndexes))

	wantKey := []KeySchemaElement{{"PK", "HASH"}, {"SK", "RANGE"}}
	if !reflect.DeepEqual(def.KeySchema, wantKey) {
		t.Errorf("KeySchema = %+v, want %+v", def.KeySchema, wantKey)
	}
	defined := map[string]bool{}
	for _, a := range def.AttributeDefinitions {
		defined[a.AttributeName] = true
	}
	for _, k := range def.KeySchema {
		if !defined[k.AttributeName] {
			t.Errorf("table key %s not in AttributeDefinitions", k.AttributeName)
		}
	}
	if len(def.GlobalSecondaryIndexes) == 0 {
		t.Error("no GSIs")
	}
	for _, g := range def.GlobalSecondaryIndexes {
		if g.IndexName == "" || g.Projection.ProjectionType == "" || len(g.KeySchema) == 0 {
			t.Errorf("incomplete GSI %+v", g)
		}
		for _, k := range g.KeySchema {
			if !defined[k.AttributeName] {
				t.Errorf("GSI %s key %s not in AttributeDefinitions", g.IndexName, k.AttributeName)
			}
		}
	}
	if ttl := def.TimeToLiveSpecification; ttl.AttributeName == "" || !ttl.Enabled {
		t.Errorf("TimeToLiveSpecification = %+v, want an enabled TTL attribute", ttl)
	}
	if v := def.StreamSpecification.StreamViewType; v != "NEW_IMAGE" {
		t.Errorf("StreamViewType = %q, want NEW_IMAGE", v)
	}

	// Resources other than the table decode too, intrinsics included.
	pol := tpl.Resources["NotifierFunction"].Properties["Events"].(map[string]any)["TableStream"].(map[string]any)["Properties"].(map[string]any)["Stream"]
	jsonEqual(t, "NotifierFunction stream", pol, map[string]any{"Fn::GetAtt": []any{id, "StreamArn"}})
}

func TestFind(t *testing.T) {
	got, err := Find()
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	want, err := filepath.Abs(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Find() = %q, want %q", got, want)
	}

	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", FileName), []byte("Resources: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "a", "b", FileName), 0o755); err != nil { // a folder, not a template
		t.Fatal(err)
	}
	t.Chdir(deep)
	got, err = Find()
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if want := filepath.Join(root, "a", FileName); !sameFile(t, got, want) {
		t.Errorf("Find() = %q, want %q", got, want)
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(fa, fb)
}

// fakeDynamo answers the few DynamoDB JSON-protocol calls EnsureTable makes,
// so its error handling can be tested without running DynamoDB.
type fakeDynamo struct {
	mu      sync.Mutex
	exists  bool   // CreateTable fails with ResourceInUseException
	ttlOn   bool   // UpdateTimeToLive fails with "already enabled"
	stream  string // LatestStreamArn DescribeTable reports
	calls   []string
	created map[string]any
}

func (f *fakeDynamo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	f.calls = append(f.calls, op)
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	fail := func(code, msg string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": msg})
	}
	switch op {
	case "CreateTable":
		if f.exists {
			fail("ResourceInUseException", "Table already exists")
			return
		}
		_ = json.Unmarshal(body, &f.created)
		f.exists = true
		_, _ = io.WriteString(w, `{"TableDescription":{"TableStatus":"CREATING"}}`)
	case "DescribeTable":
		desc := map[string]any{"TableName": "t", "TableStatus": "ACTIVE"}
		if f.stream != "" {
			desc["LatestStreamArn"] = f.stream
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Table": desc})
	case "UpdateTimeToLive":
		if f.ttlOn {
			fail("ValidationException", "TimeToLive is already enabled")
			return
		}
		f.ttlOn = true
		_, _ = io.WriteString(w, `{}`)
	default:
		fail("UnknownOperationException", op)
	}
}

func TestEnsureTableAgainstFake(t *testing.T) {
	fake := &fakeDynamo{stream: "arn:aws:dynamodb:local:000000000000:table/t/stream/x"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 1,
	})
	path := filepath.Join("..", "..", "template.yaml")
	ctx := context.Background()

	// First call creates the table and enables TTL; the second finds both
	// already done and succeeds all the same.
	for i := range 2 {
		arn, err := EnsureTable(ctx, client, path, "t")
		if err != nil {
			t.Fatalf("EnsureTable #%d: %v (calls %v)", i+1, err, fake.calls)
		}
		if arn != fake.stream {
			t.Errorf("EnsureTable #%d = %q, want %q", i+1, arn, fake.stream)
		}
	}
	want := []string{"CreateTable", "DescribeTable", "UpdateTimeToLive", "CreateTable", "DescribeTable", "UpdateTimeToLive"}
	if !reflect.DeepEqual(fake.calls, want) {
		t.Errorf("calls = %v, want %v", fake.calls, want)
	}
	if fake.created["TableName"] != "t" || fake.created["BillingMode"] != "PAY_PER_REQUEST" {
		t.Errorf("CreateTable request = %v", fake.created)
	}

	// A table without the template's stream is an error.
	fake.stream = ""
	if _, err := EnsureTable(ctx, client, path, "t"); err == nil {
		t.Error("EnsureTable succeeded on a table without a stream")
	}
}

func TestUnquotedFormatVersion(t *testing.T) {
	tpl := mustParse(t, "AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n")
	if tpl.AWSTemplateFormatVersion != "2010-09-09" {
		t.Errorf("AWSTemplateFormatVersion = %q", tpl.AWSTemplateFormatVersion)
	}
}
