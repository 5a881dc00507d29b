package dynamo

import "github.com/warmlead/warmlead/pkg/warmlead"

// introductionItem is a warm introduction. GSI1 lists it for its
// requester, GSI2 for its introducer, GSI3 for its target once forwarded.
type introductionItem struct {
	PK             string `dynamodbav:"PK"`
	SK             string `dynamodbav:"SK"`
	Type           string `dynamodbav:"Type"`
	ID             string `dynamodbav:"ID"`
	RequesterID    string `dynamodbav:"RequesterID"`
	RequesterName  string `dynamodbav:"RequesterName"`
	IntroducerID   string `dynamodbav:"IntroducerID"`
	IntroducerName string `dynamodbav:"IntroducerName"`
	TargetID       string `dynamodbav:"TargetID,omitempty"`
	TargetName     string `dynamodbav:"TargetName,omitempty"`
	Goal           string `dynamodbav:"Goal"`
	Field          string `dynamodbav:"Field"`
	Note           string `dynamodbav:"Note"`
	Status         string `dynamodbav:"Status"`
	DeclinedBy     string `dynamodbav:"DeclinedBy,omitempty"`
	CreatedAt      string `dynamodbav:"CreatedAt"`
	UpdatedAt      string `dynamodbav:"UpdatedAt"`
	GSI1PK         string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK         string `dynamodbav:"GSI1SK,omitempty"`
	GSI2PK         string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK         string `dynamodbav:"GSI2SK,omitempty"`
	GSI3PK         string `dynamodbav:"GSI3PK,omitempty"`
	GSI3SK         string `dynamodbav:"GSI3SK,omitempty"`
}

func newIntroductionItem(in *warmlead.Introduction) *introductionItem {
	pk, sk := introductionKey(in.ID)
	sort := formatTime(in.CreatedAt) + "#" + in.ID
	return &introductionItem{PK: pk, SK: sk, Type: typeIntroduction, ID: in.ID,
		RequesterID: in.RequesterID, RequesterName: in.RequesterName, IntroducerID: in.IntroducerID, IntroducerName: in.IntroducerName,
		Goal: in.Goal, Field: in.Field, Status: string(in.Status), CreatedAt: formatTime(in.CreatedAt), UpdatedAt: formatTime(in.UpdatedAt),
		GSI1PK: introRequesterGSI1(in.RequesterID), GSI1SK: sort, GSI2PK: introIntroducerGSI2(in.IntroducerID), GSI2SK: sort}
}

func (it *introductionItem) introduction() *warmlead.Introduction {
	return &warmlead.Introduction{ID: it.ID, RequesterID: it.RequesterID, RequesterName: it.RequesterName,
		IntroducerID: it.IntroducerID, IntroducerName: it.IntroducerName, TargetID: it.TargetID, TargetName: it.TargetName,
		Goal: it.Goal, Field: it.Field, Note: it.Note, Status: warmlead.IntroStatus(it.Status),
		DeclinedBy: warmlead.IntroRole(it.DeclinedBy), CreatedAt: parseTime(it.CreatedAt), UpdatedAt: parseTime(it.UpdatedAt)}
}
