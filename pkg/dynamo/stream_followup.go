package dynamo

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// DecodeFollowUp reads what the follow-up stream step needs from a stream
// record (nil: nothing). Its switch lists exactly the item types the
// FollowupsFunction's stream filter admits (template.yaml).
func DecodeFollowUp(r events.DynamoDBEventRecord) (*warmlead.FollowUpFact, error) {
	typ, image, insert, err := recordImage(r)
	if typ == "" || err != nil {
		return nil, err
	}
	switch typ {
	case typeAdviceRequest: // marked held: a thank-you reminder falls due
		var it adviceRequestItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.Status != string(warmlead.AdviceHeld) || it.ID == "" || it.RequesterID == "" || it.HeldAt == "" {
			return nil, nil
		}
		return &warmlead.FollowUpFact{Held: it.request()}, nil
	case typePosting:
		var it postingItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.ID == "" || it.Status != string(warmlead.StatusOpen) {
			return nil, nil
		}
		return &warmlead.FollowUpFact{Posting: it.posting()}, nil
	case typeInterest:
		var it interestOutcomeItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.PostingID != "" && it.MemberID == "" {
			return nil, nil // anonymised when its member deleted their data (docs/people.md)
		}
		if it.PostingID == "" || it.MemberID == "" {
			return nil, fmt.Errorf("interest record without posting or member")
		}
		if !insert && it.Outcome == "" {
			return nil, nil
		}
		return &warmlead.FollowUpFact{Interest: it.outcome(), NewInterest: insert}, nil
	case typeConnection:
		var e touchEdge
		if err := unmarshalFact(image, &e); err != nil {
			return nil, err
		}
		if e.Status != string(warmlead.ConnectionAccepted) || e.Owner == "" || e.Other == "" {
			return nil, nil
		}
		return &warmlead.FollowUpFact{Touch: &warmlead.ConnectionTouch{OwnerID: e.Owner, OtherID: e.Other, TouchedAt: e.lastTouch()}}, nil
	case typeNotification:
		var it notificationItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.ID == "" || it.Recipient == "" {
			return nil, fmt.Errorf("notification record without id or recipient")
		}
		return &warmlead.FollowUpFact{Notification: it.notification("")}, nil
	}
	return nil, nil
}
