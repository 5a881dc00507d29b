package streampump

import (
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// Values Lambda puts in every DynamoDB stream event record. GetRecords
// already carries them; they are only filled in when a record lacks them.
const (
	eventSource  = "aws:dynamodb"
	eventVersion = "1.1"
)

// ConvertRecord turns one record returned by the DynamoDB Streams API into
// the record Lambda hands a function subscribed to the stream. It is the
// only converter in the project: dynamodbstreams types, dynamodb types and
// events types are three distinct Go types (docs/platform.md), and keeping the
// mapping in one place keeps the local path and the Lambda path identical.
//
// Everything the record says is kept as it is, including what DynamoDB
// Local says differently from AWS (awsRegion "ddblocal",
// ApproximateCreationDateTime truncated to the minute); only
// eventSourceARN, which GetRecords does not return, comes from streamARN.
//
// On error the returned record holds whatever could be converted (at least
// the identifiers), so it can still be handed to an on-failure destination.
func ConvertRecord(r types.Record, streamARN string) (events.DynamoDBEventRecord, error) {
	out := events.DynamoDBEventRecord{
		AWSRegion:      aws.ToString(r.AwsRegion),
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    aws.ToString(r.EventSource),
		EventVersion:   aws.ToString(r.EventVersion),
		EventSourceArn: streamARN,
	}
	if out.EventSource == "" {
		out.EventSource = eventSource
	}
	if out.EventVersion == "" {
		out.EventVersion = eventVersion
	}
	if id := r.UserIdentity; id != nil {
		// Set on deletions made by TTL ("Service", "dynamodb.amazonaws.com").
		out.UserIdentity = &events.DynamoDBUserIdentity{Type: aws.ToString(id.Type), PrincipalID: aws.ToString(id.PrincipalId)}
	}
	sr := r.Dynamodb
	if sr == nil {
		return out, fmt.Errorf("streampump: record %s has no dynamodb section", out.EventID)
	}
	out.Change.SequenceNumber = aws.ToString(sr.SequenceNumber)
	out.Change.SizeBytes = aws.ToInt64(sr.SizeBytes)
	out.Change.StreamViewType = string(sr.StreamViewType)
	if t := sr.ApproximateCreationDateTime; t != nil {
		out.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: *t}
	}
	switch out.EventName {
	case string(events.DynamoDBOperationTypeInsert), string(events.DynamoDBOperationTypeModify), string(events.DynamoDBOperationTypeRemove):
	default:
		return out, fmt.Errorf("streampump: record %s: unknown eventName %q", out.Change.SequenceNumber, out.EventName)
	}
	var err error
	if out.Change.Keys, err = convertImage(sr.Keys); err != nil {
		return out, fmt.Errorf("streampump: record %s: Keys: %w", out.Change.SequenceNumber, err)
	}
	if out.Change.NewImage, err = convertImage(sr.NewImage); err != nil {
		return out, fmt.Errorf("streampump: record %s: NewImage: %w", out.Change.SequenceNumber, err)
	}
	if out.Change.OldImage, err = convertImage(sr.OldImage); err != nil {
		return out, fmt.Errorf("streampump: record %s: OldImage: %w", out.Change.SequenceNumber, err)
	}
	return out, nil
}

// convertImage converts an item (Keys, NewImage, OldImage). An absent image
// stays nil so that, as in Lambda's JSON, it is omitted rather than {}.
func convertImage(m map[string]types.AttributeValue) (map[string]events.DynamoDBAttributeValue, error) {
	if m == nil {
		return nil, nil
	}
	return convertMap(m)
}

func convertMap(m map[string]types.AttributeValue) (map[string]events.DynamoDBAttributeValue, error) {
	// Never nil, even when empty: events marshals a nil map as null, which
	// its own UnmarshalJSON then rejects, so an empty M would not survive
	// the JSON hop a real invocation makes.
	out := make(map[string]events.DynamoDBAttributeValue, len(m))
	for k, v := range m {
		c, err := convertAttr(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = c
	}
	return out, nil
}

// convertAttr converts one attribute value, recursively for M and L. Slices
// are made non-nil for the same reason as in convertMap: an empty L or an
// empty B must marshal as [] or "" (not null) to round-trip through JSON.
func convertAttr(av types.AttributeValue) (events.DynamoDBAttributeValue, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value), nil
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value), nil
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(nonNilBytes(v.Value)), nil
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value), nil
	case *types.AttributeValueMemberNULL:
		return events.NewNullAttribute(), nil
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(append(make([]string, 0, len(v.Value)), v.Value...)), nil
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(append(make([]string, 0, len(v.Value)), v.Value...)), nil
	case *types.AttributeValueMemberBS:
		set := make([][]byte, len(v.Value))
		for i, b := range v.Value {
			set[i] = nonNilBytes(b)
		}
		return events.NewBinarySetAttribute(set), nil
	case *types.AttributeValueMemberL:
		list := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			c, err := convertAttr(e)
			if err != nil {
				return events.DynamoDBAttributeValue{}, fmt.Errorf("[%d]: %w", i, err)
			}
			list[i] = c
		}
		return events.NewListAttribute(list), nil
	case *types.AttributeValueMemberM:
		m, err := convertMap(v.Value)
		if err != nil {
			return events.DynamoDBAttributeValue{}, err
		}
		return events.NewMapAttribute(m), nil
	case *types.UnknownUnionMember:
		return events.DynamoDBAttributeValue{}, fmt.Errorf("unsupported attribute type %q", v.Tag)
	case nil:
		return events.DynamoDBAttributeValue{}, errors.New("missing attribute value")
	default:
		return events.DynamoDBAttributeValue{}, fmt.Errorf("unsupported attribute value %T", av)
	}
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
