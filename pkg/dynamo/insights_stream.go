package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Stream facts only org insights count (docs/people.md, "Org insights").

// postingChangedFact: an edit of a posting that is no longer open is the
// fact that it left the open postings (counted once per posting).
func postingChangedFact(it *postingItem, insert bool) *warmlead.Fact {
	if insert || it.Status == string(warmlead.StatusOpen) || it.OrgID == "" {
		return nil
	}
	return &warmlead.Fact{Kind: warmlead.FactPostingClosed, Posting: it.posting()}
}

// decodeInsightFact reads referral links (created, clicked) and new
// memberships.
func decodeInsightFact(typ string, image map[string]types.AttributeValue, insert bool) (*warmlead.Fact, error) {
	switch typ {
	case typeReferral:
		var it referralItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.Token == "" || it.PostingID == "" {
			return nil, fmt.Errorf("referral record without token or posting")
		}
		return &warmlead.Fact{Kind: warmlead.FactReferral, Referral: it.referral()}, nil
	case typeOrgMember:
		var it orgMemberItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.OrgID == "" || it.MemberID == "" {
			return nil, fmt.Errorf("membership record without organisation or member")
		}
		if !insert {
			return nil, nil // a change of role
		}
		return &warmlead.Fact{Kind: warmlead.FactMemberJoined, Membership: it.member()}, nil
	}
	return nil, nil
}
