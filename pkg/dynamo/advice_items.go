package dynamo

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// offerItem is a member's advice offer, in their partition. Name and
// Headline are copied from the profile when the offer is written, so lists
// need no second read.
type offerItem struct {
	PK              string   `dynamodbav:"PK"`
	SK              string   `dynamodbav:"SK"`
	Type            string   `dynamodbav:"Type"`
	MemberID        string   `dynamodbav:"MemberID"`
	Name            string   `dynamodbav:"Name"`
	Headline        string   `dynamodbav:"Headline"`
	Topics          []string `dynamodbav:"Topics"`
	Formats         []string `dynamodbav:"Formats"`
	MonthlyCapacity int      `dynamodbav:"MonthlyCapacity"`
	Status          string   `dynamodbav:"Status"`
	Note            string   `dynamodbav:"Note"`
	OrgIDs          []string `dynamodbav:"OrgIDs"` // the organisations it is indexed in (ORGOFFERS#)
	CreatedAt       string   `dynamodbav:"CreatedAt"`
	UpdatedAt       string   `dynamodbav:"UpdatedAt"`
}

func newOfferItem(o *warmlead.Offer, orgIDs []string, created time.Time) *offerItem {
	pk, sk := offerKey(o.MemberID)
	formats := make([]string, len(o.Formats))
	for i, f := range o.Formats {
		formats[i] = string(f)
	}
	if orgIDs == nil {
		orgIDs = []string{}
	}
	return &offerItem{PK: pk, SK: sk, Type: typeOffer, MemberID: o.MemberID, Name: o.Name, Headline: o.Headline,
		Topics: o.Topics, Formats: formats, MonthlyCapacity: o.MonthlyCapacity, Status: string(o.Status),
		Note: o.Note, OrgIDs: orgIDs, CreatedAt: formatTime(created), UpdatedAt: formatTime(o.UpdatedAt)}
}

func (it *offerItem) offer(acceptedThisMonth int) *warmlead.Offer {
	formats := make([]warmlead.AdviceFormat, len(it.Formats))
	for i, f := range it.Formats {
		formats[i] = warmlead.AdviceFormat(f)
	}
	topics := it.Topics
	if topics == nil {
		topics = []string{}
	}
	return &warmlead.Offer{MemberID: it.MemberID, Name: it.Name, Headline: it.Headline, Topics: topics,
		Formats: formats, MonthlyCapacity: it.MonthlyCapacity, Status: warmlead.OfferStatus(it.Status), Note: it.Note,
		UpdatedAt: parseTime(it.UpdatedAt), RemainingThisMonth: warmlead.Remaining(it.MonthlyCapacity, acceptedThisMonth)}
}

// orgOfferItem indexes an offer under one of its offerer's organisations.
// It may outlive the membership (the offerer left): readers check the
// membership before showing it.
type orgOfferItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	Type     string `dynamodbav:"Type"`
	OrgID    string `dynamodbav:"OrgID"`
	MemberID string `dynamodbav:"MemberID"`
	// Status is the offer's (open | paused), so org insights count the
	// members with an open offer with one COUNT Query of this partition.
	Status string `dynamodbav:"Status,omitempty"`
}

// adviceMonthItem counts the requests an advisor accepted in a calendar
// month (UTC). Accepting adds one in the same transaction as the request's
// change, on the condition that the count is below the offer's capacity.
type adviceMonthItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	Type     string `dynamodbav:"Type"`
	MemberID string `dynamodbav:"MemberID"`
	Month    string `dynamodbav:"Month"`
	Accepted int    `dynamodbav:"Accepted"`
}

// adviceRequestItem is an informational-interview request. GSI1 lists it
// for its requester, GSI2 for its advisor; GSI3 holds it while it is held
// and not thanked (for the follow-up scheduler).
type adviceRequestItem struct {
	PK            string   `dynamodbav:"PK"`
	SK            string   `dynamodbav:"SK"`
	Type          string   `dynamodbav:"Type"`
	ID            string   `dynamodbav:"ID"`
	RequesterID   string   `dynamodbav:"RequesterID"`
	RequesterName string   `dynamodbav:"RequesterName"`
	AdvisorID     string   `dynamodbav:"AdvisorID"`
	AdvisorName   string   `dynamodbav:"AdvisorName"`
	Pitch         string   `dynamodbav:"Pitch"`
	Questions     []string `dynamodbav:"Questions"`
	Format        string   `dynamodbav:"Format"`
	Status        string   `dynamodbav:"Status"`
	Message       string   `dynamodbav:"Message"`
	ProposedTimes []string `dynamodbav:"ProposedTimes"`
	ThankMessage  string   `dynamodbav:"ThankMessage"`
	HeldOn        string   `dynamodbav:"HeldOn"`
	CreatedAt     string   `dynamodbav:"CreatedAt"`
	UpdatedAt     string   `dynamodbav:"UpdatedAt"`
	AcceptedAt    string   `dynamodbav:"AcceptedAt,omitempty"`
	HeldAt        string   `dynamodbav:"HeldAt,omitempty"`
	ThankedAt     string   `dynamodbav:"ThankedAt,omitempty"`
	GSI1PK        string   `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK        string   `dynamodbav:"GSI1SK,omitempty"`
	GSI2PK        string   `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK        string   `dynamodbav:"GSI2SK,omitempty"`
	GSI3PK        string   `dynamodbav:"GSI3PK,omitempty"`
	GSI3SK        string   `dynamodbav:"GSI3SK,omitempty"`
}

func newAdviceRequestItem(r *warmlead.AdviceRequest) *adviceRequestItem {
	pk, sk := adviceRequestKey(r.ID)
	sort := formatTime(r.CreatedAt) + "#" + r.ID
	q := r.Questions
	if q == nil {
		q = []string{}
	}
	return &adviceRequestItem{PK: pk, SK: sk, Type: typeAdviceRequest, ID: r.ID,
		RequesterID: r.RequesterID, RequesterName: r.RequesterName, AdvisorID: r.AdvisorID, AdvisorName: r.AdvisorName,
		Pitch: r.Pitch, Questions: q, Format: string(r.Format), Status: string(r.Status), ProposedTimes: []string{},
		CreatedAt: formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
		GSI1PK: adviceRequesterGSI1(r.RequesterID), GSI1SK: sort, GSI2PK: adviceAdvisorGSI2(r.AdvisorID), GSI2SK: sort}
}

func (it *adviceRequestItem) request() *warmlead.AdviceRequest {
	q, pt := it.Questions, it.ProposedTimes
	if q == nil {
		q = []string{}
	}
	if pt == nil {
		pt = []string{}
	}
	return &warmlead.AdviceRequest{ID: it.ID, RequesterID: it.RequesterID, RequesterName: it.RequesterName,
		AdvisorID: it.AdvisorID, AdvisorName: it.AdvisorName, Pitch: it.Pitch, Questions: q,
		Format: warmlead.AdviceFormat(it.Format), Status: warmlead.AdviceStatus(it.Status), Message: it.Message,
		ProposedTimes: pt, ThankMessage: it.ThankMessage, HeldOn: it.HeldOn,
		CreatedAt: parseTime(it.CreatedAt), UpdatedAt: parseTime(it.UpdatedAt), AcceptedAt: parseTime(it.AcceptedAt),
		HeldAt: parseTime(it.HeldAt), ThankedAt: parseTime(it.ThankedAt)}
}

// advicePairItem exists while a requester has an open request (requested
// or accepted) to an advisor: creating a request creates it on the
// condition that it does not exist, and every step out of the open states
// deletes it in the same transaction.
type advicePairItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"Type"`
	RequestID string `dynamodbav:"RequestID"`
	Requester string `dynamodbav:"RequesterID"`
	Advisor   string `dynamodbav:"AdvisorID"`
}
