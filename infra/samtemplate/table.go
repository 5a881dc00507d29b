package samtemplate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BillingModePayPerRequest is the on-demand BillingMode value.
const BillingModePayPerRequest = "PAY_PER_REQUEST"

// DefaultCapacityUnits is the read and write capacity CreateTableInput uses
// for the table and every GSI when the table is not PAY_PER_REQUEST.
const DefaultCapacityUnits = 5

// TableDef is the part of an AWS::DynamoDB::Table's Properties that local
// tooling needs to recreate the table. Field names follow CloudFormation.
type TableDef struct {
	// AttributeDefinitions lists the key attributes of the table and its indexes.
	AttributeDefinitions []AttributeDefinition `json:"AttributeDefinitions"`
	// KeySchema is the table's primary key.
	KeySchema []KeySchemaElement `json:"KeySchema"`
	// GlobalSecondaryIndexes are the table's GSIs, in template order.
	GlobalSecondaryIndexes []SecondaryIndex `json:"GlobalSecondaryIndexes,omitempty"`
	// LocalSecondaryIndexes are the table's LSIs, in template order.
	LocalSecondaryIndexes []SecondaryIndex `json:"LocalSecondaryIndexes,omitempty"`
	// BillingMode is PAY_PER_REQUEST, PROVISIONED or empty (CloudFormation's
	// default, PROVISIONED).
	BillingMode string `json:"BillingMode,omitempty"`
	// TimeToLiveSpecification is the TTL setting; zero when absent.
	TimeToLiveSpecification TimeToLiveSpecification `json:"TimeToLiveSpecification"`
	// StreamSpecification is the stream setting; zero (no stream) when absent.
	StreamSpecification StreamSpecification `json:"StreamSpecification"`
}

// AttributeDefinition declares the type of one key attribute.
type AttributeDefinition struct {
	// AttributeName is the attribute's name.
	AttributeName string `json:"AttributeName"`
	// AttributeType is S, N or B.
	AttributeType string `json:"AttributeType"`
}

// KeySchemaElement is one part of a table or index key.
type KeySchemaElement struct {
	// AttributeName is the key attribute's name.
	AttributeName string `json:"AttributeName"`
	// KeyType is HASH (partition key) or RANGE (sort key).
	KeyType string `json:"KeyType"`
}

// SecondaryIndex is a global or local secondary index.
type SecondaryIndex struct {
	// IndexName is the index's name.
	IndexName string `json:"IndexName"`
	// KeySchema is the index's key.
	KeySchema []KeySchemaElement `json:"KeySchema"`
	// Projection says which attributes the index holds.
	Projection Projection `json:"Projection"`
}

// Projection says which attributes are copied into an index.
type Projection struct {
	// ProjectionType is ALL, KEYS_ONLY or INCLUDE.
	ProjectionType string `json:"ProjectionType"`
	// NonKeyAttributes lists the attributes an INCLUDE projection holds.
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

// TimeToLiveSpecification is a table's TTL setting.
type TimeToLiveSpecification struct {
	// AttributeName is the attribute holding the expiry time (epoch seconds).
	AttributeName string `json:"AttributeName"`
	// Enabled reports whether TTL is on.
	Enabled bool `json:"Enabled"`
}

// UnmarshalJSON accepts Enabled as a boolean or as a "true"/"false" string,
// as CloudFormation does.
func (s *TimeToLiveSpecification) UnmarshalJSON(data []byte) error {
	var raw struct {
		AttributeName string          `json:"AttributeName"`
		Enabled       json.RawMessage `json:"Enabled"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	s.AttributeName = raw.AttributeName
	s.Enabled = false
	if len(raw.Enabled) == 0 || string(raw.Enabled) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw.Enabled, &s.Enabled); err == nil {
		return nil
	}
	var str string
	if err := json.Unmarshal(raw.Enabled, &str); err == nil {
		if b, err := strconv.ParseBool(str); err == nil {
			s.Enabled = b
			return nil
		}
	}
	return fmt.Errorf("TimeToLiveSpecification.Enabled: want a boolean, got %s", raw.Enabled)
}

// StreamSpecification is a table's stream setting.
type StreamSpecification struct {
	// StreamViewType is NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY;
	// empty means the table has no stream.
	StreamViewType string `json:"StreamViewType"`
}

// tableDefFromProperties converts the decoded Properties of a table resource.
func tableDefFromProperties(props map[string]any) (TableDef, error) {
	var def TableDef
	data, err := json.Marshal(props)
	if err != nil {
		return def, fmt.Errorf("table properties: %w", err)
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&def); err != nil {
		return def, fmt.Errorf("table properties: %w (samtemplate does not evaluate intrinsic functions in the table's key, index, billing, TTL or stream settings)", err)
	}
	if len(def.KeySchema) == 0 {
		return def, fmt.Errorf("table properties: missing KeySchema")
	}
	return def, nil
}

// Provisioned reports whether the table uses provisioned capacity, which is
// CloudFormation's default when BillingMode is absent.
func (d TableDef) Provisioned() bool {
	return !strings.EqualFold(d.BillingMode, BillingModePayPerRequest)
}

// CreateTableInput builds the SDK input that creates the table under the
// given name. A PAY_PER_REQUEST table is created on demand; if BillingMode is
// PROVISIONED or absent, the table and each GSI get a provisioned throughput
// of DefaultCapacityUnits reads and writes. If the template has a stream, it
// is enabled with the template's view type. TTL cannot be set at creation;
// EnsureTable does that afterwards.
func (d TableDef) CreateTableInput(name string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		KeySchema: keySchema(d.KeySchema),
	}
	for _, a := range d.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	provisioned := d.Provisioned()
	throughput := func() *types.ProvisionedThroughput {
		if !provisioned {
			return nil
		}
		return &types.ProvisionedThroughput{
			ReadCapacityUnits:  aws.Int64(DefaultCapacityUnits),
			WriteCapacityUnits: aws.Int64(DefaultCapacityUnits),
		}
	}
	if provisioned {
		in.BillingMode = types.BillingModeProvisioned
		in.ProvisionedThroughput = throughput()
	} else {
		in.BillingMode = types.BillingModePayPerRequest
	}
	for _, g := range d.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:             aws.String(g.IndexName),
			KeySchema:             keySchema(g.KeySchema),
			Projection:            g.Projection.sdk(),
			ProvisionedThroughput: throughput(),
		})
	}
	for _, l := range d.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(l.IndexName),
			KeySchema:  keySchema(l.KeySchema),
			Projection: l.Projection.sdk(),
		})
	}
	if v := d.StreamSpecification.StreamViewType; v != "" {
		in.StreamSpecification = &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewType(v),
		}
	}
	return in
}

func keySchema(ks []KeySchemaElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, types.KeySchemaElement{
			AttributeName: aws.String(k.AttributeName),
			KeyType:       types.KeyType(k.KeyType),
		})
	}
	return out
}

func (p Projection) sdk() *types.Projection {
	return &types.Projection{
		ProjectionType:   types.ProjectionType(p.ProjectionType),
		NonKeyAttributes: slices.Clone(p.NonKeyAttributes),
	}
}
