package dynamo

import (
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// orgInvitationItem is a pending invitation, in its organisation's
// partition; GSI1 lists a member's. The organisation's and the inviter's
// names are copied in when it is written, so the invitee's list and the
// notifier's summary need no further read. Its insert is the
// org_invitation fact (stream.go).
type orgInvitationItem struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Type        string `dynamodbav:"Type"`
	OrgID       string `dynamodbav:"OrgID"`
	OrgName     string `dynamodbav:"OrgName"`
	MemberID    string `dynamodbav:"MemberID"`
	Role        string `dynamodbav:"Role"`
	InvitedBy   string `dynamodbav:"InvitedBy"`
	InviterName string `dynamodbav:"InviterName,omitempty"`
	CreatedAt   string `dynamodbav:"CreatedAt"`
	GSI1PK      string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK      string `dynamodbav:"GSI1SK,omitempty"`
}

func newOrgInvitationItem(inv *warmlead.OrgInvitation) *orgInvitationItem {
	pk, sk := orgInvitationKey(inv.OrgID, inv.MemberID)
	created := formatTime(inv.CreatedAt)
	gpk, gsk := memberInvitesGSI1(inv.MemberID, created, inv.OrgID)
	return &orgInvitationItem{PK: pk, SK: sk, Type: typeOrgInvitation, OrgID: inv.OrgID, OrgName: inv.OrgName,
		MemberID: inv.MemberID, Role: string(inv.Role), InvitedBy: inv.InvitedBy, InviterName: inv.InviterName,
		CreatedAt: created, GSI1PK: gpk, GSI1SK: gsk}
}

func (it *orgInvitationItem) invitation() *warmlead.OrgInvitation {
	return &warmlead.OrgInvitation{OrgID: it.OrgID, OrgName: it.OrgName, MemberID: it.MemberID,
		Role: warmlead.OrgRole(it.Role), InvitedBy: it.InvitedBy, InviterName: it.InviterName, CreatedAt: parseTime(it.CreatedAt)}
}
