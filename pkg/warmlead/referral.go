package warmlead

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"
)

// MaxChainDepth caps how many hops a posting may travel from its poster.
const MaxChainDepth = 10

// MaxInterestMessageLen bounds the note sent with an expression of interest.
const MaxInterestMessageLen = 1000

// Referral is a shareable link to a posting. Its chain is materialised: the
// member ids from the poster to the referrer, so crediting everyone on the
// way is one read, never a walk up parent links.
type Referral struct {
	Token       string
	PostingID   string
	PosterID    string
	ReferrerID  string
	ParentToken string   // the link the referrer arrived through, "" if none
	Chain       []string // member ids, poster first, referrer last
	ChainNames  []string // their names when the link was made, for the landing page
	ChainTokens []string // the links along the chain (ChainTokens[i] was shared by Chain[i+1])
	Clicks      int      // distinct visitors a day who opened this link (Visit.Counts)
	Interests   int      // interests expressed through this link or links shared onward from it
	CreatedAt   time.Time
	Revoked     bool // its referrer stopped sharing it: it opens as no longer shared and credits nobody
}

// Depth is how many hops the link is from the poster (the poster's own
// link is 0).
func (r *Referral) Depth() int { return len(r.Chain) - 1 }

// Landing is what a shared link opens: the link and its posting.
type Landing struct {
	Referral *Referral
	Posting  *Posting
	Open     bool // the posting still takes interest (open and unexpired when opened)
}

// Status is the posting's status as the landing page shows it: expired once
// it no longer takes interest though still stored open.
func (l *Landing) Status() PostingStatus {
	if l.Posting.Status == StatusOpen && !l.Open {
		return StatusExpired
	}
	return l.Posting.Status
}

// Interest is a member's expression of interest in a posting, with the chain
// of people it came through (poster first).
type Interest struct {
	// ID is the interest's public id, "<posting_id>:<member_id>"; one kept
	// after its member deleted their account has "<posting_id>:~<random>"
	// (docs/people.md, "Your data"), unique and stable. Set on reads.
	ID            string
	PostingID     string
	MemberID      string
	MemberName    string
	Message       string
	ReferralToken string
	Chain         []string
	ChainNames    []string // names when the interest was expressed
	PosterID      string
	OrgID         string
	CreatedAt     time.Time
	// ShareWithChain: the member chose to be named to the people on the
	// chain (referral_credit); otherwise they are told of an interest only.
	ShareWithChain bool
	// CreditedTokens are the links whose interest count this interest
	// raised, CreditedIDs the members told with a referral_credit (Credit).
	CreditedTokens []string
	CreditedIDs    []string
}

// Credited returns the members credited for the interest (Credit): the
// chain but the poster, the interested member and revoked links' sharers.
func (i *Interest) Credited() []string { return i.CreditedIDs }

// MyInterest is one of a member's own interests with its posting as it is now.
type MyInterest struct {
	Interest
	PostingTitle  string
	PostingStatus PostingStatus // effective: expired once valid_through passed; "" if the posting was removed
}

// ReferralService makes and follows referral links.
type ReferralService interface {
	// CreateReferral returns callerID's link to a posting, making it if new
	// (created=true). via is the token the caller arrived through, if any.
	// A member already on the chain, or with a link to this posting, gets
	// their existing link. Returns ENOTFOUND (posting not visible), ECONFLICT
	// (closed, or the chain would pass MaxChainDepth), EGONE (expired),
	// EINVALID (via is for another posting).
	CreateReferral(ctx context.Context, callerID, postingID, via string) (ref *Referral, created bool, err error)

	// OpenReferral returns a link with its posting and counts the visit as a
	// click when it counts (Visit.Counts) and the visitor has not been
	// counted on this link today. Returns ENOTFOUND, EGONE (revoked: the
	// Landing is returned too, with Referral.Revoked set).
	OpenReferral(ctx context.Context, token string, visit Visit) (*Landing, error)

	// RevokeReferral stops sharing callerID's link: it then opens as no
	// longer shared and credits nobody; links shared onward from it keep
	// working. Idempotent. Returns ENOTFOUND (no such link of the caller's).
	RevokeReferral(ctx context.Context, callerID, token string) error

	// FindReferral returns a link with its stats, to its referrer or the
	// posting's poster only. Returns ENOTFOUND.
	FindReferral(ctx context.Context, callerID, token string) (*Referral, error)

	// ListReferrals pages through the links callerID shared, newest first.
	// Returns EBADREQUEST (cursor).
	ListReferrals(ctx context.Context, callerID string, page PageRequest) (*Page[*Referral], error)
}

// InterestService records and lists interest in postings.
type InterestService interface {
	// ExpressInterest records callerID's interest in a posting, once: a repeat
	// returns the first (created=false). With a referral token, the chain
	// is the link's and every link on it counts the interest. Returns
	// ENOTFOUND (posting not visible), ECONFLICT (closed), EGONE (expired),
	// EINVALID (message, or a token for another posting).
	// A repeat returns the first with its message updated (its share
	// choice stays: the chain was told when it was made). The poster cannot (ECONFLICT).
	ExpressInterest(ctx context.Context, callerID, postingID, message, referralToken string, shareWithChain bool) (in *Interest, created bool, err error)

	// WithdrawInterest removes callerID's interest in a posting and takes back
	// the credits it gave, atomically. Idempotent.
	WithdrawInterest(ctx context.Context, callerID, postingID string) error

	// ListMyInterests pages through callerID's own interests, newest first,
	// each with its posting's title and current status. Returns EBADREQUEST
	// (cursor).
	ListMyInterests(ctx context.Context, callerID string, page PageRequest) (*Page[*MyInterest], error)

	// ListInterests pages through the interest in a posting, for its poster
	// and the admins of its organisation. Returns ENOTFOUND, EFORBIDDEN,
	// EBADREQUEST (cursor).
	ListInterests(ctx context.Context, callerID, postingID string, page PageRequest) (*Page[*Interest], error)
}

// ValidateInterestMessage checks the note sent with an interest.
func ValidateInterestMessage(msg string) error {
	if utf8.RuneCountInString(msg) > MaxInterestMessageLen {
		return Invalid(FieldError{Field: "message", Message: "must be at most " + strconv.Itoa(MaxInterestMessageLen) + " characters"})
	}
	return nil
}
