package warmlead

import (
	"context"
	"time"
	"unicode/utf8"
)

// MaxChainDepth caps how many hops a lead may travel from its poster.
const MaxChainDepth = 10

// MaxInterestMessageLen bounds the note sent with an expression of interest.
const MaxInterestMessageLen = 1000

// Referral is a shareable link to a lead. Its chain is materialised: the
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
	Clicks      int      // opens of this link
	Interests   int      // interests expressed through this link or links shared onward from it
	CreatedAt   time.Time
}

// Depth is how many hops the link is from the poster (the poster's own
// link is 0).
func (r *Referral) Depth() int { return len(r.Chain) - 1 }

// Landing is what a shared link opens: the link and its lead.
type Landing struct {
	Referral *Referral
	Posting  *Posting
	Open     bool // the lead still takes interest (open and unexpired when opened)
}

// Interest is a member's expression of interest in a lead, with the chain
// of people it came through (poster first).
type Interest struct {
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
}

// Credited returns the members credited for the interest: everyone on its
// chain but the poster and the interested member.
func (i *Interest) Credited() []string {
	var out []string
	for _, m := range i.Chain {
		if m != i.PosterID && m != i.MemberID {
			out = append(out, m)
		}
	}
	return out
}

// ReferralService makes and follows referral links.
type ReferralService interface {
	// CreateReferral returns callerID's link to a lead, making it if new
	// (created=true). via is the token the caller arrived through, if any.
	// A member already on the chain, or with a link to this lead, gets
	// their existing link. Returns ENOTFOUND (lead not visible), ECONFLICT
	// (closed, or the chain would pass MaxChainDepth), EGONE (expired),
	// EINVALID (via is for another lead).
	CreateReferral(ctx context.Context, callerID, postingID, via string) (ref *Referral, created bool, err error)

	// OpenReferral counts one click on a link and returns it with its lead.
	// Returns ENOTFOUND.
	OpenReferral(ctx context.Context, token string) (*Landing, error)

	// FindReferral returns a link with its stats, to its referrer or the
	// lead's poster only. Returns ENOTFOUND.
	FindReferral(ctx context.Context, callerID, token string) (*Referral, error)

	// ListReferrals pages through the links callerID shared, newest first.
	// Returns EBADREQUEST (cursor).
	ListReferrals(ctx context.Context, callerID string, page PageRequest) (*Page[*Referral], error)
}

// InterestService records and lists interest in leads.
type InterestService interface {
	// ExpressInterest records callerID's interest in a lead, once: a repeat
	// returns the first (created=false). With a referral token, the chain
	// is the link's and every link on it counts the interest. Returns
	// ENOTFOUND (lead not visible), ECONFLICT (closed), EGONE (expired),
	// EINVALID (message, or a token for another lead).
	ExpressInterest(ctx context.Context, callerID, postingID, message, referralToken string) (in *Interest, created bool, err error)

	// ListInterests pages through the interest in a lead, for its poster
	// and the admins of its organisation. Returns ENOTFOUND, EFORBIDDEN,
	// EBADREQUEST (cursor).
	ListInterests(ctx context.Context, callerID, postingID string, page PageRequest) (*Page[*Interest], error)
}

// ValidateInterestMessage checks the note sent with an interest.
func ValidateInterestMessage(msg string) error {
	if utf8.RuneCountInString(msg) > MaxInterestMessageLen {
		return Invalid(FieldError{Location: "body.message", Message: "must be at most 1000 characters"})
	}
	return nil
}
