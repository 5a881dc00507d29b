package dynamo

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// recordImage reads a stream record's new image and the item type it
// holds ("": a removal, or an item without a Type, which no decoder reads),
// and whether the record is an insert. Every stream decoder starts here.
func recordImage(r events.DynamoDBEventRecord) (typ string, image map[string]types.AttributeValue, insert bool, err error) {
	if r.EventName == string(events.DynamoDBOperationTypeRemove) || len(r.Change.NewImage) == 0 {
		return "", nil, false, nil
	}
	image, err = fromStreamImage(r.Change.NewImage)
	if err != nil {
		return "", nil, false, fmt.Errorf("record %s: %w", r.Change.SequenceNumber, err)
	}
	t, _ := image["Type"].(*types.AttributeValueMemberS)
	if t == nil {
		return "", nil, false, nil
	}
	return t.Value, image, r.EventName == string(events.DynamoDBOperationTypeInsert), nil
}

// DecodeRecord turns a stream record, as Lambda delivers it, into the fact
// it records, or nil for records that are no fact (other item types,
// removals, edits). Only this package knows item shapes, so the notifier
// asks here. A record that claims a fact's type but cannot be read is an
// error: the notifier reports it as a batch item failure.
func DecodeRecord(r events.DynamoDBEventRecord) (*warmlead.Fact, error) {
	typ, image, insert, err := recordImage(r)
	if typ == "" || err != nil {
		return nil, err
	}
	switch typ {
	case typePosting:
		var it postingItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.ID != "" && it.PosterID == "" && it.Status != string(warmlead.StatusOpen) {
			// Closed and anonymised when its poster deleted their data
			// (docs/people.md): still a closing for org insights.
			return postingChangedFact(&it, false), nil
		}
		if it.ID == "" || it.PosterID == "" {
			return nil, fmt.Errorf("posting record without id or poster")
		}
		if !insert || it.Status != string(warmlead.StatusOpen) {
			return postingChangedFact(&it, insert), nil // org insights count closings; nobody is notified
		}
		return &warmlead.Fact{Kind: warmlead.FactNewPosting, Posting: it.posting()}, nil
	case typeInterest:
		var it interestItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.PostingID != "" && (it.MemberID == "" || it.PosterID == "") {
			return nil, nil // anonymised when a member deleted their data (docs/people.md): nothing to tell
		}
		if it.PostingID == "" || it.MemberID == "" || it.PosterID == "" {
			return nil, fmt.Errorf("interest record without posting, member or poster")
		}
		if !insert {
			return nil, nil
		}
		return &warmlead.Fact{Kind: warmlead.FactInterest, Interest: it.interest()}, nil
	case typeConnection:
		var it connectionItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.ID == "" || it.RequesterID == "" || it.RecipientID == "" {
			return nil, fmt.Errorf("connection record without id or members")
		}
		// Each connection is two edges; each fact is told from one of them.
		switch {
		case insert && it.Status == string(warmlead.ConnectionPending) && it.Owner == it.RecipientID:
			return &warmlead.Fact{Kind: warmlead.FactConnectionRequest, Connection: it.connection()}, nil
		case it.Status == string(warmlead.ConnectionAccepted) && it.Owner == it.RequesterID:
			return &warmlead.Fact{Kind: warmlead.FactConnectionAccepted, Connection: it.connection()}, nil
		}
	case typeReferral, typeOrgMember: // org insights (insights_stream.go)
		return decodeInsightFact(typ, image, insert)
	case typeAdviceRequest, typeIntroduction:
		return decodePeopleFact(typ, image)
	case typeOrgInvitation: // organisations and consent (org_consent.go)
		var it orgInvitationItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.OrgID == "" || it.MemberID == "" || it.InvitedBy == "" {
			return nil, fmt.Errorf("org invitation record without organisation, invitee or inviter")
		}
		if !insert {
			return nil, nil
		}
		return &warmlead.Fact{Kind: warmlead.FactOrgInvitation, Invitation: it.invitation()}, nil
	}
	return nil, nil
}

func unmarshalFact(image map[string]types.AttributeValue, out any) error {
	if err := attributevalue.UnmarshalMap(image, out); err != nil {
		return fmt.Errorf("decode %T: %w", out, err)
	}
	return nil
}

// fromStreamImage converts Lambda's attribute values into the SDK's: the
// one converter between the two representations.
func fromStreamImage(image map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(image))
	for k, v := range image {
		av, err := fromStreamValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func fromStreamValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		list := v.List()
		out := make([]types.AttributeValue, len(list))
		for i, e := range list {
			av, err := fromStreamValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = av
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m, err := fromStreamImage(v.Map())
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unsupported attribute type %v", v.DataType())
}
