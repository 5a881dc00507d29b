package warmlead

import (
	"slices"
	"testing"
	"time"
)

func TestCredit(t *testing.T) {
	// poster -> a -> b -> c, each link made through the previous one; the
	// poster's link P started it.
	viaPoster := &Referral{Token: "C", PosterID: "p", ReferrerID: "c", Chain: []string{"p", "a", "b", "c"}, ChainTokens: []string{"P", "A", "B"}}
	// a's link made without a parent: the poster has no link on the chain.
	direct := &Referral{Token: "B", PosterID: "p", ReferrerID: "b", Chain: []string{"p", "a", "b"}, ChainTokens: []string{"A"}}
	none := func(string) bool { return false }
	for _, tc := range []struct {
		name        string
		link        *Referral
		member      string
		revoked     func(string) bool
		wantTokens  []string
		wantMembers []string
	}{
		{"stranger through the chain", viaPoster, "x", none, []string{"P", "A", "B", "C"}, []string{"a", "b", "c"}},
		{"own link credits nobody for oneself", viaPoster, "c", none, []string{"P", "A", "B"}, []string{"a", "b"}},
		{"back through a link shared onward from one's own", viaPoster, "a", none, []string{"P", "B", "C"}, []string{"b", "c"}},
		{"no poster link", direct, "x", none, []string{"A", "B"}, []string{"a", "b"}},
		{"a revoked link upstream", viaPoster, "x", func(t string) bool { return t == "A" }, []string{"P", "B", "C"}, []string{"b", "c"}},
		{"through a revoked link", viaPoster, "x", func(t string) bool { return t == "C" }, nil, nil},
		{"no link", nil, "x", none, nil, nil},
	} {
		tokens, members := Credit(tc.link, tc.member, tc.revoked)
		if !slices.Equal(tokens, tc.wantTokens) || !slices.Equal(members, tc.wantMembers) {
			t.Errorf("%s: Credit = %v %v, want %v %v", tc.name, tokens, members, tc.wantTokens, tc.wantMembers)
		}
	}
}

func TestLinksNameTheirSharers(t *testing.T) {
	poster := &Referral{Token: "P", PosterID: "p", ReferrerID: "p", Chain: []string{"p"}}
	if got := poster.Links(); len(got) != 1 || got[0] != (ChainLink{"P", "p"}) {
		t.Errorf("poster's link = %v", got)
	}
	viaPoster := &Referral{Token: "A", PosterID: "p", ReferrerID: "a", Chain: []string{"p", "a"}, ChainTokens: []string{"P"}}
	if got := viaPoster.Links(); !slices.Equal(got, []ChainLink{{"P", "p"}, {"A", "a"}}) {
		t.Errorf("via the poster = %v", got)
	}
}

func TestCheckInterest(t *testing.T) {
	p := &Posting{PosterID: "p"}
	if ErrorCode(CheckInterest(p, "p")) != ECONFLICT || CheckInterest(p, "x") != nil {
		t.Error("only the poster is refused")
	}
}

func TestCreditActor(t *testing.T) {
	if (&Interest{MemberID: "m"}).CreditActor() != "" || (&Interest{MemberID: "m", ShareWithChain: true}).CreditActor() != "m" {
		t.Error("the chain learns who only when the member shares")
	}
}

func TestEffectiveStatus(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		status PostingStatus
		valid  time.Time
		want   PostingStatus
	}{
		{StatusOpen, now.Add(time.Second), StatusOpen},
		{StatusOpen, now, StatusExpired},
		{StatusOpen, now.Add(-time.Hour), StatusExpired},
		{StatusFilled, now.Add(-time.Hour), StatusFilled},
		{StatusClosed, now.Add(time.Hour), StatusClosed},
	} {
		p := &Posting{Status: tc.status, ValidThrough: tc.valid}
		if got := p.EffectiveStatus(now); got != tc.want {
			t.Errorf("%s valid through %s: %s, want %s", tc.status, tc.valid, got, tc.want)
		}
	}
}

func TestVisitCounts(t *testing.T) {
	for _, tc := range []struct {
		v    Visit
		want bool
	}{
		{Visit{VisitorID: "x", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"}, true},
		{Visit{VisitorID: "x", UserAgent: "Mozilla/5.0 (iPhone) Mobile/15E148 Safari/604.1"}, true},
		{Visit{VisitorID: "x", UserAgent: ""}, true},
		{Visit{VisitorID: "x", Head: true, UserAgent: "Firefox/125.0"}, false},
		{Visit{VisitorID: "x", UserAgent: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}, false},
		{Visit{VisitorID: "x", UserAgent: "facebookexternalhit/1.1"}, false},
		{Visit{VisitorID: "x", UserAgent: "WhatsApp/2.23.20.0"}, false},
		{Visit{VisitorID: "x", UserAgent: "Mozilla/5.0 (compatible; Discordbot/2.0)"}, false},
		{Visit{VisitorID: "x", UserAgent: "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5"}, false},
		{Visit{VisitorID: "x", UserAgent: "Mozilla/5.0 (compatible; Google-InspectionTool/1.0)"}, false},
	} {
		if got := tc.v.Counts(); got != tc.want {
			t.Errorf("%+v counts = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestCheckCooldown(t *testing.T) {
	ended := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	until := CooldownUntil(ended)
	err := CheckCooldown(until, ended.Add(29*24*time.Hour))
	if e, ok := err.(*Error); !ok || e.Code != ECONFLICT || len(e.Fields) != 1 || e.Fields[0].Field != "member_id" ||
		e.Fields[0].Message != "you can ask this member again on 2026-12-30" {
		t.Errorf("during the cooldown: %v", err)
	}
	if CheckCooldown(until, until) != nil || CheckCooldown(time.Time{}, ended) != nil {
		t.Error("after the cooldown, or without one, a request goes")
	}
}
