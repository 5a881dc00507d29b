package warmlead

import (
	"slices"
	"testing"
	"time"
)

func TestPostingVisibleTo(t *testing.T) {
	public := &Posting{PosterID: "poster", Visibility: VisibilityPublic}
	network := &Posting{PosterID: "poster", Visibility: VisibilityNetwork}
	org := &Posting{PosterID: "poster", OrgID: "org1", Visibility: VisibilityOrg}
	orphan := &Posting{PosterID: "poster", Visibility: VisibilityOrg} // org visibility without an organisation
	accepted := Sight{Connection: ConnectionAccepted}
	pending := Sight{Connection: ConnectionPending}
	member := Sight{Member: true}

	for _, tc := range []struct {
		name   string
		p      *Posting
		member string
		sight  Sight
		grant  Grant
		want   bool
	}{
		{"public to anyone", public, "", Sight{}, GrantNone, true},
		{"public to a member", public, "sam", Sight{}, GrantNone, true},
		{"network to the poster", network, "poster", Sight{}, GrantNone, true},
		{"network to an accepted connection", network, "sam", accepted, GrantConnection, true},
		{"network to a pending connection", network, "sam", pending, GrantConnection, false},
		{"network to a stranger", network, "sam", Sight{}, GrantConnection, false},
		{"network to a member of some org", network, "sam", member, GrantConnection, false},
		{"network to an anonymous reader", network, "", accepted, GrantNone, false},
		{"org to its poster", org, "poster", Sight{}, GrantNone, true},
		{"org to a member", org, "sam", member, GrantMembership, true},
		{"org to a connection of the poster", org, "sam", accepted, GrantMembership, false},
		{"org to an anonymous reader", org, "", member, GrantNone, false},
		{"org without organisation", orphan, "sam", member, GrantNone, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.GrantNeeded(tc.member); got != tc.grant {
				t.Errorf("GrantNeeded = %q, want %q", got, tc.grant)
			}
			if got := tc.p.VisibleTo(tc.member, tc.sight); got != tc.want {
				t.Errorf("VisibleTo = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPostingEditors(t *testing.T) {
	mine := &Posting{PosterID: "poster", Visibility: VisibilityNetwork}
	orgs := &Posting{PosterID: "poster", OrgID: "org1", Visibility: VisibilityOrg}
	for _, tc := range []struct {
		name       string
		p          *Posting
		member     string
		admin      bool
		canEdit    bool
		needsAdmin bool
		check      string // CheckEditor's code
	}{
		{"the poster of a member's lead", mine, "poster", false, true, false, ""},
		{"someone else, a member's lead", mine, "sam", false, false, false, EFORBIDDEN},
		{"someone else who administers some org", mine, "sam", true, false, false, EFORBIDDEN},
		{"nobody", mine, "", false, false, false, EFORBIDDEN},
		{"an org admin", orgs, "sam", true, true, true, ""},
		{"the org lead's poster while admin", orgs, "poster", true, true, false, ""},
		{"the org lead's poster no longer admin", orgs, "poster", false, true, false, ""},
		{"an org member", orgs, "sam", false, false, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.CanEdit(tc.member, tc.admin); got != tc.canEdit {
				t.Errorf("CanEdit = %v, want %v", got, tc.canEdit)
			}
			needs, err := tc.p.CheckEditor(tc.member)
			if needs != tc.needsAdmin || ErrorCode(err) != tc.check {
				t.Errorf("CheckEditor = %v, %q; want %v, %q", needs, ErrorCode(err), tc.needsAdmin, tc.check)
			}
			wantRead := ""
			if !tc.canEdit {
				wantRead = EFORBIDDEN
			}
			if got := ErrorCode(tc.p.CheckInterestReader(tc.member, tc.admin)); got != wantRead {
				t.Errorf("CheckInterestReader = %q, want %q", got, wantRead)
			}
		})
	}
}

func TestPostingEditAndClose(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	created := now.Add(-48 * time.Hour)
	open := Posting{ID: "p1", PosterID: "poster", OrgID: "org1", Status: StatusOpen, Version: 3, CreatedAt: created, UpdatedAt: created,
		Title: "Intern", ValidThrough: now.Add(time.Hour)}
	filled := open
	filled.Status, filled.CloseReason = StatusFilled, CloseFilled

	for _, tc := range []struct {
		name    string
		p       Posting
		version int
		want    string
	}{
		{"the version read", open, 3, ""},
		{"any version", open, 0, ""},
		{"a stale version", open, 2, EPRECONDITION},
		{"closed", filled, 3, ECONFLICT},
		{"stale beats closed", filled, 1, EPRECONDITION},
	} {
		t.Run("edit/"+tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.p.CheckEdit(tc.version)); got != tc.want {
				t.Errorf("CheckEdit = %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("edited keeps what the editor cannot change", func(t *testing.T) {
		edit := open
		edit.ID, edit.PosterID, edit.OrgID, edit.Status, edit.CloseReason = "other", "mallory", "", StatusClosed, CloseWithdrawn
		edit.CreatedAt, edit.Version, edit.Title = now, 99, "Paid intern"
		next := open.Edited(edit, now)
		if next.ID != "p1" || next.PosterID != "poster" || next.OrgID != "org1" || next.Status != StatusOpen || next.CloseReason != "" ||
			!next.CreatedAt.Equal(created) || !next.UpdatedAt.Equal(now) || next.Version != 4 || next.Title != "Paid intern" {
			t.Errorf("Edited = %+v", next)
		}
	})

	statusOf := map[CloseReason]PostingStatus{CloseFilled: StatusFilled, CloseWithdrawn: StatusClosed}
	for _, tc := range []struct {
		name   string
		p      Posting
		reason CloseReason
		want   string
	}{
		{"filled", open, CloseFilled, ""},
		{"withdrawn", open, CloseWithdrawn, ""},
		{"unknown reason", open, "bored", EINVALID},
		{"empty reason", open, "", EINVALID},
		{"already closed", filled, CloseWithdrawn, ECONFLICT},
	} {
		t.Run("close/"+tc.name, func(t *testing.T) {
			got, err := tc.p.Close(tc.reason, now)
			if ErrorCode(err) != tc.want {
				t.Fatalf("Close = %q, want %q", ErrorCode(err), tc.want)
			}
			if tc.reason.Status() != statusOf[tc.reason] {
				t.Errorf("Status() = %q, want %q", tc.reason.Status(), statusOf[tc.reason])
			}
			if err != nil {
				return
			}
			if got.Status != statusOf[tc.reason] || got.CloseReason != tc.reason || got.Version != tc.p.Version+1 || !got.UpdatedAt.Equal(now) {
				t.Errorf("Close = %+v", got)
			}
			if tc.p.Status != StatusOpen {
				t.Errorf("Close changed the posting it was given")
			}
		})
	}
}

func TestPostingOpen(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		status    PostingStatus
		through   time.Time
		open      bool
		effective PostingStatus
		check     string
	}{
		{"open, a day left", StatusOpen, now.Add(24 * time.Hour), true, StatusOpen, ""},
		{"open, a nanosecond left", StatusOpen, now.Add(1), true, StatusOpen, ""},
		{"open, expiring now", StatusOpen, now, false, StatusExpired, EGONE},
		{"open, expired yesterday", StatusOpen, now.Add(-24 * time.Hour), false, StatusExpired, EGONE},
		{"filled", StatusFilled, now.Add(24 * time.Hour), false, StatusFilled, ECONFLICT},
		{"closed and past its date", StatusClosed, now.Add(-24 * time.Hour), false, StatusClosed, ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Posting{Status: tc.status, ValidThrough: tc.through}
			if got := p.Open(now); got != tc.open {
				t.Errorf("Open = %v, want %v", got, tc.open)
			}
			if got := p.EffectiveStatus(now); got != tc.effective {
				t.Errorf("EffectiveStatus = %q, want %q", got, tc.effective)
			}
			if got := ErrorCode(p.CheckOpen(now)); got != tc.check {
				t.Errorf("CheckOpen = %q, want %q", got, tc.check)
			}
		})
	}
}

func TestShareThrough(t *testing.T) {
	p := &Posting{ID: "p1", PosterID: "poster"}
	chainOf := func(n int) *Referral { // a live link n hops from the poster
		r := &Referral{Token: "t" + string(rune('a'+n)), PostingID: "p1", PosterID: "poster", Chain: []string{"poster"}, ChainNames: []string{"Poster"}, ChainTokens: []string{}}
		for i := 1; i <= n; i++ {
			r.Chain = append(r.Chain, "m"+string(rune('a'+i)))
			r.ChainNames = append(r.ChainNames, "M"+string(rune('a'+i)))
			if i > 1 {
				r.ChainTokens = append(r.ChainTokens, "t"+string(rune('a'+i-1)))
			}
		}
		r.ReferrerID = r.Chain[len(r.Chain)-1]
		return r
	}
	revoked := chainOf(2)
	revoked.Revoked = true

	for _, tc := range []struct {
		name       string
		parent     *Referral
		member     string
		wantChain  []string
		wantTokens []string
		wantParent string
		want       string
	}{
		{"no link: from the poster", nil, "sam", []string{"poster", "sam"}, []string{}, "", ""},
		{"the poster starts every chain", chainOf(3), "poster", []string{"poster"}, []string{}, "", ""},
		{"through a link: its chain plus the member", chainOf(2), "sam", []string{"poster", "mb", "mc", "sam"}, []string{"tb", "tc"}, "tc", ""},
		{"through the poster's own link", chainOf(0), "sam", []string{"poster", "sam"}, []string{"ta"}, "ta", ""},
		{"already on the chain: no repeat, from the poster", chainOf(3), "mb", []string{"poster", "mb"}, []string{}, "", ""},
		{"the link's own referrer", chainOf(2), "mc", []string{"poster", "mc"}, []string{}, "", ""},
		{"up to the depth cap", chainOf(MaxChainDepth - 1), "sam", nil, nil, "", ""},
		{"past the depth cap", chainOf(MaxChainDepth), "sam", nil, nil, "", ECONFLICT},
		{"a revoked link", revoked, "sam", nil, nil, "", EGONE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ShareThrough(p, tc.parent, tc.member, "Name")
			if ErrorCode(err) != tc.want {
				t.Fatalf("ShareThrough = %q, want %q", ErrorCode(err), tc.want)
			}
			if err != nil {
				return
			}
			if got.ReferrerID != tc.member || got.PosterID != "poster" || got.PostingID != "p1" {
				t.Errorf("link = %+v", got)
			}
			if len(got.ChainNames) != len(got.Chain) || got.ChainNames[len(got.ChainNames)-1] != "Name" {
				t.Errorf("names %q for chain %q", got.ChainNames, got.Chain)
			}
			seen := map[string]bool{}
			for _, m := range got.Chain {
				if seen[m] {
					t.Errorf("chain %q repeats %s", got.Chain, m)
				}
				seen[m] = true
			}
			if got.Depth() > MaxChainDepth {
				t.Errorf("depth %d", got.Depth())
			}
			if tc.wantChain == nil {
				return
			}
			if !slices.Equal(got.Chain, tc.wantChain) || !slices.Equal(got.ChainTokens, tc.wantTokens) || got.ParentToken != tc.wantParent {
				t.Errorf("chain %q tokens %q parent %q; want %q %q %q", got.Chain, got.ChainTokens, got.ParentToken, tc.wantChain, tc.wantTokens, tc.wantParent)
			}
		})
	}
}

func TestReferralReaders(t *testing.T) {
	r := &Referral{Token: "t", PosterID: "poster", ReferrerID: "sam", Chain: []string{"poster", "dana", "sam"}}
	for _, tc := range []struct {
		member     string
		read, drop string // CheckRead's and CheckRevoke's codes
	}{
		{"sam", "", ""},
		{"poster", "", ENOTFOUND},
		{"dana", ENOTFOUND, ENOTFOUND}, // on the chain, but not the link's referrer
		{"mallory", ENOTFOUND, ENOTFOUND},
		{"", ENOTFOUND, ENOTFOUND},
	} {
		if got := ErrorCode(r.CheckRead(tc.member)); got != tc.read {
			t.Errorf("CheckRead(%q) = %q, want %q", tc.member, got, tc.read)
		}
		if got := ErrorCode(r.CheckRevoke(tc.member)); got != tc.drop {
			t.Errorf("CheckRevoke(%q) = %q, want %q", tc.member, got, tc.drop)
		}
	}
}
