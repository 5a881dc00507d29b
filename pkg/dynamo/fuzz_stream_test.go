package dynamo

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// FuzzDecodeRecord feeds stream records, as the Lambda runtime decodes them
// from JSON, to DecodeRecord. Whatever the record, it must not panic (a
// panic fails the whole batch, over and over); a removal is never a fact;
// and a fact carries what the notifier needs to address its notifications,
// so it never writes to "MEMBER#" or notifies about "POSTING#".
//
// Seeds: the notifier's own test batch, records of items as this package
// writes them, and (in testdata/fuzz/FuzzDecodeRecord) the records of
// aws-lambda-go's events/testdata/dynamodb-event.json.
func FuzzDecodeRecord(f *testing.F) {
	batch, err := os.ReadFile("../notify/testdata/stream-batch.json")
	if err != nil {
		f.Fatal(err)
	}
	var ev struct{ Records []json.RawMessage }
	if err := json.Unmarshal(batch, &ev); err != nil || len(ev.Records) == 0 {
		f.Fatalf("stream-batch.json: %v", err)
	}
	for _, r := range ev.Records {
		f.Add([]byte(r))
	}
	for _, r := range itemRecords(f) {
		f.Add(r)
	}
	for _, s := range []string{
		`{}`, `{"eventName":"INSERT"}`, `{"eventName":"INSERT","dynamodb":{"NewImage":{}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"N":"1"}}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"S":"Posting"}}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"S":"Posting"},"ID":{"S":"p"},"PosterID":{"S":"bob"},"Status":{"S":"open"},"Version":{"BOOL":true}}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"S":"Posting"},"ID":{"S":"p"},"PosterID":{"S":"bob"},"Status":{"S":"open"},"Pay":{"M":{"Min":{"N":"1e400"}}}}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"S":"Posting"},"ID":{"S":"p"},"PosterID":{"NULL":true},"Status":{"S":"open"}}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"S":"Interest"},"PostingID":{"S":"p"},"MemberID":{"S":"m"},"PosterID":{"S":"bob"},"Chain":{"SS":["bob"]}}}}`,
		`{"eventName":"MODIFY","dynamodb":{"NewImage":{"Type":{"S":"Connection"},"ID":{"S":"c"},"Owner":{"S":"a"},"RequesterID":{"S":"a"},"RecipientID":{"S":"b"},"Status":{"S":"accepted"}}}}`,
		`{"eventName":"REMOVE","dynamodb":{"NewImage":{"Type":{"S":"Connection"},"ID":{"S":"c"},"Owner":{"S":"a"},"RequesterID":{"S":"a"},"RecipientID":{"S":"b"},"Status":{"S":"accepted"}}}}`,
		`{"eventName":"INSERT","dynamodb":{"NewImage":{"Type":{"S":"Posting"},"Audience":{"L":[{"M":{"x":{"B":"AAEC"}}},{"NS":["1","2"]},{"BS":["AA=="]}]}}}}`,
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		r, ok := unmarshalRecord(data)
		if !ok {
			return // the runtime refuses the whole event; DecodeRecord never sees it
		}
		fact, err := DecodeRecord(r)
		if err != nil && fact != nil {
			t.Fatalf("DecodeRecord returned both a fact and an error: %+v, %v", fact, err)
		}
		if r.EventName == string(events.DynamoDBOperationTypeRemove) && (fact != nil || err != nil) {
			t.Fatalf("a REMOVE decoded to %+v, %v; removals are no fact", fact, err)
		}
		if fact == nil {
			return
		}
		insert := r.EventName == string(events.DynamoDBOperationTypeInsert)
		typ := r.Change.NewImage["Type"]
		if typ.DataType() != events.DataTypeString {
			t.Fatalf("fact %s from an image whose Type is not a string", fact.Kind)
		}
		set := 0
		for _, p := range []bool{fact.Posting != nil, fact.Interest != nil, fact.Connection != nil, fact.Invitation != nil} {
			if p {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("fact %s carries %d payloads, want exactly 1: %+v", fact.Kind, set, fact)
		}
		switch fact.Kind {
		case warmlead.FactNewPosting:
			p := fact.Posting
			if p == nil || p.ID == "" || p.PosterID == "" {
				t.Fatalf("new-posting fact without posting id or poster: %+v", p)
			}
			if !insert || p.Status != warmlead.StatusOpen || typ.String() != typePosting {
				t.Fatalf("new-posting fact from a %s of a %q %s item", r.EventName, p.Status, typ.String())
			}
		case warmlead.FactInterest:
			in := fact.Interest
			if in == nil || in.PostingID == "" || in.MemberID == "" || in.PosterID == "" {
				t.Fatalf("interest fact without posting, member or poster: %+v", in)
			}
			if !insert || typ.String() != typeInterest {
				t.Fatalf("interest fact from a %s of a %s item", r.EventName, typ.String())
			}
		case warmlead.FactConnectionRequest, warmlead.FactConnectionAccepted:
			c := fact.Connection
			if c == nil || c.ID == "" || c.RequesterID == "" || c.RecipientID == "" {
				t.Fatalf("%s fact without connection id or members: %+v", fact.Kind, c)
			}
			if typ.String() != typeConnection {
				t.Fatalf("%s fact from a %s item", fact.Kind, typ.String())
			}
			want := warmlead.ConnectionPending
			if fact.Kind == warmlead.FactConnectionAccepted {
				want = warmlead.ConnectionAccepted
			}
			if c.Status != want || (fact.Kind == warmlead.FactConnectionRequest && !insert) {
				t.Fatalf("%s fact from a %s of a %q connection", fact.Kind, r.EventName, c.Status)
			}
		case warmlead.FactOrgInvitation:
			inv := fact.Invitation
			if inv == nil || inv.OrgID == "" || inv.MemberID == "" || inv.InvitedBy == "" {
				t.Fatalf("org invitation fact without organisation, invitee or inviter: %+v", inv)
			}
			if !insert || typ.String() != typeOrgInvitation {
				t.Fatalf("org invitation fact from a %s of a %s item", r.EventName, typ.String())
			}
		default:
			t.Fatalf("fact of unknown kind %q", fact.Kind)
		}
	})
}

// unmarshalRecord decodes a record as the Lambda runtime does. It reports
// false for JSON the runtime cannot decode, including the JSON on which
// aws-lambda-go v1.55.1 itself panics (a BS set with a non-string element:
// unmarshalBinarySet asserts element.(string) unchecked). The runtime
// recovers that panic and fails the invocation before any handler runs, and
// DynamoDB Streams never sends such a set, so it is no fault of DecodeRecord.
func unmarshalRecord(data []byte) (r events.DynamoDBEventRecord, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return r, json.Unmarshal(data, &r) == nil
}

// itemRecords are stream records (JSON, as Lambda delivers them) of items
// laid out by this package's own constructors, under every event name.
func itemRecords(f *testing.F) [][]byte {
	f.Helper()
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	hours := 10
	p := &warmlead.Posting{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaa", Title: "Informal internship", Description: "Two afternoons a week.",
		Kind: warmlead.KindInformalInternship, Compensation: warmlead.CompStipend, Field: "data", Skills: []string{"sql"},
		Audience: []warmlead.Audience{warmlead.AudienceCareerChangers}, HoursPerWeek: &hours, Workplace: warmlead.WorkplaceHybrid,
		Pay:      &warmlead.Pay{Min: 300.5, Currency: "EUR", Unit: warmlead.PayMonth},
		Location: &warmlead.Location{City: "Lyon", Country: "FR"}, ValidThrough: at.Add(30 * 24 * time.Hour),
		Visibility: warmlead.VisibilityNetwork, PosterID: "bob", Status: warmlead.StatusOpen, CreatedAt: at, UpdatedAt: at, Version: 1}
	closed := *p
	closed.Status, closed.CloseReason, closed.Version = warmlead.StatusFilled, warmlead.CloseFilled, 2
	interest := &interestItem{Type: typeInterest, PostingID: p.ID, MemberID: "dana", MemberName: "Dana", Message: "Hello",
		ReferralToken: "AAAAAAAAAAAAAAAAAAAAAAAA", Chain: []string{"bob", "alice"}, ChainNames: []string{"Bob", "Alice"},
		PosterID: "bob", CreatedAt: formatTime(at), ExpiresAt: at.Unix()}
	interest.PK, interest.SK = interestKey(p.ID, "dana")
	c := &warmlead.Connection{ID: "cccccccccccccccccccccccccc", RequesterID: "alice", RecipientID: "erin",
		Status: warmlead.ConnectionPending, Note: "We met at the meetup", CreatedAt: at}
	accepted := *c
	accepted.Status, accepted.AcceptedAt = warmlead.ConnectionAccepted, at.Add(time.Hour)

	items := []any{newPostingItem(p), newPostingItem(&closed), interest,
		newConnectionEdge(c, c.RequesterID), newConnectionEdge(c, c.RecipientID),
		newConnectionEdge(&accepted, accepted.RequesterID), newConnectionEdge(&accepted, accepted.RecipientID)}
	// Organisations and consent: a pending invitation.
	items = append(items, newOrgInvitationItem(&warmlead.OrgInvitation{OrgID: "oooooooooooooooooooooooooo", OrgName: "Lyon Alumni",
		MemberID: "erin", Role: warmlead.RoleAdmin, InvitedBy: "alice", InviterName: "Alice", CreatedAt: at}))
	var out [][]byte
	for i, it := range items {
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			f.Fatal(err)
		}
		image := map[string]any{}
		for k, v := range av {
			image[k] = streamJSON(f, v)
		}
		for _, name := range []string{"INSERT", "MODIFY", "REMOVE"} {
			rec := map[string]any{
				"eventID": strings.Repeat("0", 31) + string(rune('a'+i)), "eventName": name, "eventVersion": "1.1",
				"eventSource": "aws:dynamodb", "awsRegion": "eu-west-1",
				"dynamodb": map[string]any{"ApproximateCreationDateTime": at.Unix(), "NewImage": image,
					"Keys": map[string]any{"PK": image["PK"], "SK": image["SK"]}, "SequenceNumber": "1000000000000000000000" + string(rune('0'+i)),
					"SizeBytes": 512, "StreamViewType": "NEW_IMAGE"},
				"eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/warmlead/stream/2026-11-21T00:00:00.000",
			}
			b, err := json.Marshal(rec)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// streamJSON is the stream's JSON form of an SDK attribute value: the
// inverse of fromStreamValue.
func streamJSON(f *testing.F, v types.AttributeValue) any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = streamJSON(f, e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		m := map[string]any{}
		for k, e := range v.Value {
			m[k] = streamJSON(f, e)
		}
		return map[string]any{"M": m}
	}
	f.Fatalf("no stream form for %T", v)
	return nil
}
