package dynamo

import (
	"strings"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// referralItem is a link as stored, under its token. The same shape (less
// counters and index keys) is copied under the posting as the member's
// link to it, so "my link to this posting" is found without a second read.
type referralItem struct {
	PK          string   `dynamodbav:"PK"`
	SK          string   `dynamodbav:"SK"`
	Type        string   `dynamodbav:"Type"`
	GSI1PK      string   `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK      string   `dynamodbav:"GSI1SK,omitempty"`
	Token       string   `dynamodbav:"Token"`
	PostingID   string   `dynamodbav:"PostingID"`
	PosterID    string   `dynamodbav:"PosterID"`
	ReferrerID  string   `dynamodbav:"ReferrerID"`
	ParentToken string   `dynamodbav:"ParentToken"`
	Chain       []string `dynamodbav:"Chain"`
	ChainNames  []string `dynamodbav:"ChainNames"`
	ChainTokens []string `dynamodbav:"ChainTokens"`
	Clicks      int      `dynamodbav:"Clicks"`
	Interests   int      `dynamodbav:"Interests"`
	CreatedAt   string   `dynamodbav:"CreatedAt"`
	ExpiresAt   int64    `dynamodbav:"ExpiresAt,omitempty"` // TTL: a year after its posting's, so extending the posting keeps its links
	Revoked     bool     `dynamodbav:"Revoked,omitempty"`
	RevokedAt   string   `dynamodbav:"RevokedAt,omitempty"`
}

func (it *referralItem) referral() *warmlead.Referral {
	return &warmlead.Referral{
		Token: it.Token, PostingID: it.PostingID, PosterID: it.PosterID, ReferrerID: it.ReferrerID,
		ParentToken: it.ParentToken, Chain: it.Chain, ChainNames: it.ChainNames, ChainTokens: it.ChainTokens,
		Clicks: it.Clicks, Interests: it.Interests, CreatedAt: parseTime(it.CreatedAt), Revoked: it.Revoked,
	}
}

// interestItem is a member's interest in a posting; the notifier reads its
// chain from the stream to credit everyone on it.
type interestItem struct {
	PK            string   `dynamodbav:"PK"`
	SK            string   `dynamodbav:"SK"`
	Type          string   `dynamodbav:"Type"`
	GSI1PK        string   `dynamodbav:"GSI1PK,omitempty"` // the member's interests, newest first
	GSI1SK        string   `dynamodbav:"GSI1SK,omitempty"`
	PostingID     string   `dynamodbav:"PostingID"`
	MemberID      string   `dynamodbav:"MemberID"`
	MemberName    string   `dynamodbav:"MemberName"`
	Message       string   `dynamodbav:"Message"`
	ReferralToken string   `dynamodbav:"ReferralToken"`
	Chain         []string `dynamodbav:"Chain"`
	ChainNames    []string `dynamodbav:"ChainNames"`
	PosterID      string   `dynamodbav:"PosterID"`
	OrgID         string   `dynamodbav:"OrgID"`
	CreatedAt     string   `dynamodbav:"CreatedAt"`
	ExpiresAt     int64    `dynamodbav:"ExpiresAt,omitempty"`

	ShareWithChain bool     `dynamodbav:"ShareWithChain,omitempty"`
	CreditedTokens []string `dynamodbav:"CreditedTokens,omitempty"` // the links counted, so withdrawing takes back exactly these
	CreditedIDs    []string `dynamodbav:"CreditedIDs,omitempty"`
}

func (it *interestItem) interest() *warmlead.Interest {
	return &warmlead.Interest{
		ID: interestPublicID(it.PostingID, it.SK), PostingID: it.PostingID, MemberID: it.MemberID, MemberName: it.MemberName, Message: it.Message,
		ReferralToken: it.ReferralToken, Chain: it.Chain, ChainNames: it.ChainNames, PosterID: it.PosterID,
		OrgID: it.OrgID, CreatedAt: parseTime(it.CreatedAt),
		ShareWithChain: it.ShareWithChain, CreditedTokens: it.CreditedTokens, CreditedIDs: it.CreditedIDs,
	}
}

// cooldownItem keeps a member from asking the same member to connect again
// until Until; the table's TTL removes it later.
type cooldownItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"Type"`
	Until     string `dynamodbav:"Until"`
	ExpiresAt int64  `dynamodbav:"ExpiresAt"` // TTL
}

// interestPublicID is an interest's id, from its key (the member's id, or
// the "~<random>" of one anonymised when its member deleted their data),
// so each is unique and stable (docs/people.md, "Your data").
func interestPublicID(postingID, sk string) string {
	if !strings.HasPrefix(sk, interestPrefix) {
		return ""
	}
	return postingID + ":" + strings.TrimPrefix(sk, interestPrefix)
}
