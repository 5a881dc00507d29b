package warmlead

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Rules of credit on a referral chain and of a link's life (docs/rules.md,
// "Referral chains, interest and clicks").

// ChainLink is one link a posting travelled through and the member who
// shared it.
type ChainLink struct {
	Token    string
	SharerID string
}

// Links returns the links on r's chain, the poster's end first and r
// itself last, each with the member who shared it. A link made through
// parent has parent's chain plus its referrer and parent's tokens plus
// parent's, so counting from the end, the k-th token from the last was
// shared by the k-th member from the last.
func (r *Referral) Links() []ChainLink {
	n, m := len(r.Chain), len(r.ChainTokens)
	out := make([]ChainLink, 0, m+1)
	for j, t := range r.ChainTokens {
		sharer := ""
		if i := n - 1 - (m - j); i >= 0 && i < n {
			sharer = r.Chain[i]
		}
		out = append(out, ChainLink{Token: t, SharerID: sharer})
	}
	return append(out, ChainLink{Token: r.Token, SharerID: r.ReferrerID})
}

// Credit decides what an interest by memberID through link credits: the
// links whose interest count goes up and the members told with a
// referral_credit. Everyone on the chain is credited except the interested
// member themself (their own link, or one they shared that the posting came
// back through) and the sharers of revoked links; the poster's link counts
// but the poster is told of the interest itself, not credited. An interest
// through a revoked link credits nobody.
func Credit(link *Referral, memberID string, revoked func(token string) bool) (tokens, members []string) {
	if link == nil || revoked(link.Token) {
		return nil, nil
	}
	for _, l := range link.Links() {
		if l.SharerID == memberID || revoked(l.Token) {
			continue
		}
		tokens = append(tokens, l.Token)
		if l.SharerID != "" && l.SharerID != link.PosterID && !slices.Contains(members, l.SharerID) {
			members = append(members, l.SharerID)
		}
	}
	return tokens, members
}

// CheckInterest applies the rule on who may express interest in p: anyone
// who may see it except its poster.
func CheckInterest(p *Posting, memberID string) error {
	if p.PosterID == memberID {
		return Errorf(ECONFLICT, "You posted this lead; interest is for the people it reaches.")
	}
	return nil
}

// CreditActor is who a referral_credit names: the interested member when
// they chose to share their interest with the chain, else nobody.
func (i *Interest) CreditActor() string {
	if i.ShareWithChain {
		return i.MemberID
	}
	return ""
}

// CheckRevoke applies the rule on who may revoke a link: its referrer only.
// Anyone else is told the link does not exist, as when reading it.
func (r *Referral) CheckRevoke(memberID string) error {
	if r.ReferrerID != memberID {
		return Errorf(ENOTFOUND, "No referral link with this token.")
	}
	return nil
}

// CheckRead applies the rule on who reads a link with its stats: its
// referrer and the posting's poster. Anyone else is told it does not exist.
func (r *Referral) CheckRead(memberID string) error {
	if memberID == "" || (memberID != r.ReferrerID && memberID != r.PosterID) {
		return Errorf(ENOTFOUND, "No referral link with this token.")
	}
	return nil
}

// Visit is one request for a shared link's page.
type Visit struct {
	// VisitorID identifies the visitor: the signed-in member's id, or a
	// salted hash of source address and User-Agent (the store hashes).
	VisitorID string
	Head      bool   // a HEAD request
	UserAgent string // as sent
}

// Counts reports whether the visit may count as a click: HEAD requests
// and link-preview fetchers never do.
func (v Visit) Counts() bool {
	return !v.Head && !IsLinkPreview(v.UserAgent)
}

// linkPreviewAgents are User-Agent fragments of the fetchers that chat
// apps and social networks send to unfurl a pasted link (each vendor
// documents its own), compared case-insensitively.
var linkPreviewAgents = []string{
	"slackbot", "slack-imgproxy", "facebookexternalhit", "facebookcatalog", "meta-externalagent", "twitterbot",
	"whatsapp/", "telegrambot", "discordbot", "linkedinbot", "applebot", "skypeuripreview",
	"google-inspectiontool", "googlebot", "bingbot", "bingpreview", "pinterestbot", "redditbot", "embedly",
	"iframely", "mastodon/", "bluesky cardyb", "cardyb", "vkshare", "kakaotalk-scrap", "mattermost-bot",
	"yahoo! slurp", "duckduckbot", "yandexbot", "baiduspider", "microsoftpreview", "opengraph", "bitlybot",
	"zoombot", "viber", "snapchat", "skypebot", "google-pagerenderer", "tumblr",
}

// IsLinkPreview reports whether a User-Agent is a link-preview fetcher or
// a crawler.
func IsLinkPreview(userAgent string) bool {
	ua := strings.ToLower(userAgent)
	for _, frag := range linkPreviewAgents {
		if strings.Contains(ua, frag) {
			return true
		}
	}
	return false
}

// ClickDay is the day a visit counts for (UTC): a visitor counts once a day
// per link.
func ClickDay(now time.Time) string { return now.UTC().Format("20060102") }

// ConnectionCooldown is how long a member waits before asking the same
// member again after a request was declined or withdrawn.
const ConnectionCooldown = 30 * 24 * time.Hour

// CooldownUntil is when a member may ask again after a request ended at.
func CooldownUntil(endedAt time.Time) time.Time { return endedAt.Add(ConnectionCooldown).UTC() }

// CheckCooldown refuses a connection request while a cooldown runs.
func CheckCooldown(until, now time.Time) error {
	if until.IsZero() || !now.Before(until) {
		return nil
	}
	return &Error{Code: ECONFLICT,
		Message: "A request to this member was declined or withdrawn recently; you can ask again on " + until.Format("2 January 2006") + ".",
		Fields:  []FieldError{{Field: "member_id", Message: "you can ask this member again on " + until.Format("2006-01-02")}}}
}

// ShareThrough makes memberID's link to p, shared through parent (nil when
// the member did not arrive through a link), before its token and time are
// set: the poster's own link starts every chain, whatever they followed; a
// member not yet on parent's chain extends it (parent's chain plus the
// member, parent's tokens plus parent's); anyone else starts from the
// poster. A chain never repeats a member and is at most MaxChainDepth hops
// long (ECONFLICT); a revoked parent shares nothing onward (EGONE).
func ShareThrough(p *Posting, parent *Referral, memberID, memberName string) (*Referral, error) {
	if parent != nil && parent.Revoked {
		return nil, &Error{Code: EGONE, Message: "This link is no longer shared.",
			Fields: []FieldError{{Field: "via", Message: "is no longer shared"}}}
	}
	link := &Referral{PostingID: p.ID, PosterID: p.PosterID, ReferrerID: memberID, ChainTokens: []string{}}
	switch {
	case memberID == p.PosterID:
		link.Chain, link.ChainNames = []string{memberID}, []string{memberName}
	case parent != nil && !slices.Contains(parent.Chain, memberID):
		link.ParentToken = parent.Token
		link.Chain = append(slices.Clone(parent.Chain), memberID)
		link.ChainNames = append(slices.Clone(parent.ChainNames), memberName)
		link.ChainTokens = append(slices.Clone(parent.ChainTokens), parent.Token)
	default:
		link.Chain, link.ChainNames = []string{p.PosterID, memberID}, []string{"", memberName}
	}
	if link.Depth() > MaxChainDepth {
		return nil, &Error{Code: ECONFLICT, Message: fmt.Sprintf("This lead has travelled as far as it may (%d hops); share it from a link nearer the poster.", MaxChainDepth),
			Fields: []FieldError{{Field: "via", Message: "the chain is at its maximum depth"}}}
	}
	return link, nil
}
