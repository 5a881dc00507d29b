package dynamo

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// orgItem is an organisation as stored. AdminCount counts its admins'
// memberships; every write that adds, removes, promotes or demotes an admin
// changes it in the same transaction, and a write that would take it to
// zero is refused by its condition (the last admin cannot leave).
type orgItem struct {
	PK         string `dynamodbav:"PK"`
	SK         string `dynamodbav:"SK"`
	Type       string `dynamodbav:"Type"`
	ID         string `dynamodbav:"ID"`
	Name       string `dynamodbav:"Name"`
	Kind       string `dynamodbav:"Kind"`
	CreatedBy  string `dynamodbav:"CreatedBy"`
	CreatedAt  string `dynamodbav:"CreatedAt"`
	AdminCount int    `dynamodbav:"AdminCount"`
	ArchivedAt string `dynamodbav:"ArchivedAt,omitempty"` // set once archived (org_consent.go)
}

func newOrgItem(o *warmlead.Org, admins int) *orgItem {
	pk, sk := orgKey(o.ID)
	return &orgItem{PK: pk, SK: sk, Type: typeOrg, ID: o.ID, Name: o.Name, Kind: string(o.Kind),
		CreatedBy: o.CreatedBy, CreatedAt: formatTime(o.CreatedAt), AdminCount: admins}
}

func (it *orgItem) org() *warmlead.Org {
	return &warmlead.Org{ID: it.ID, Name: it.Name, Kind: warmlead.OrgKind(it.Kind),
		CreatedBy: it.CreatedBy, CreatedAt: parseTime(it.CreatedAt), ArchivedAt: parseTime(it.ArchivedAt)}
}

// state is what the consent rules know of the organisation.
func (it *orgItem) state() warmlead.OrgState {
	return warmlead.OrgState{Archived: it.ArchivedAt != "", Admins: it.AdminCount}
}

// orgMemberItem is one membership, in its organisation's partition; GSI1
// lists a member's organisations.
type orgMemberItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	Type     string `dynamodbav:"Type"`
	OrgID    string `dynamodbav:"OrgID"`
	MemberID string `dynamodbav:"MemberID"`
	Role     string `dynamodbav:"Role"`
	JoinedAt string `dynamodbav:"JoinedAt"`
	GSI1PK   string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK   string `dynamodbav:"GSI1SK,omitempty"`
}

func newOrgMemberItem(orgID, memberID string, role warmlead.OrgRole, joined time.Time) *orgMemberItem {
	pk, sk := orgMemberKey(orgID, memberID)
	gpk, gsk := memberOrgsGSI1(memberID, orgID)
	return &orgMemberItem{PK: pk, SK: sk, Type: typeOrgMember, OrgID: orgID, MemberID: memberID,
		Role: string(role), JoinedAt: formatTime(joined), GSI1PK: gpk, GSI1SK: gsk}
}

func (it *orgMemberItem) member() *warmlead.OrgMember {
	return &warmlead.OrgMember{OrgID: it.OrgID, MemberID: it.MemberID, Role: warmlead.OrgRole(it.Role),
		JoinedAt: parseTime(it.JoinedAt)}
}
