package warmlead

import "testing"

func TestDirectoryViewerSees(t *testing.T) {
	member, admin := DirectoryViewer{CallerID: "ann"}, DirectoryViewer{CallerID: "ann", Admin: true}
	for _, c := range []struct {
		name      string
		v         DirectoryViewer
		who       string
		setting   DirectoryVisibility
		connected bool
		want      bool
	}{
		{"default is orgs", member, "bob", "", false, true},
		{"orgs", member, "bob", DirectoryOrgs, false, true},
		{"connections, not connected", member, "bob", DirectoryConnections, false, false},
		{"connections, connected", member, "bob", DirectoryConnections, true, true},
		{"hidden from a connection", member, "bob", DirectoryHidden, true, false},
		{"hidden, admin", admin, "bob", DirectoryHidden, false, true},
		{"connections, admin", admin, "bob", DirectoryConnections, false, true},
		{"self, hidden", member, "ann", DirectoryHidden, false, true},
	} {
		if got := c.v.Sees(c.who, c.setting, c.connected); got != c.want {
			t.Errorf("%s: Sees = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDirectoryFilterMatches(t *testing.T) {
	e := &DirectoryEntry{Name: "Hugo Laurent", Headline: "Head of operations", Stage: StageProfessional,
		Interests: []string{"food industry"}, OffersAdvice: true}
	for _, c := range []struct {
		f    DirectoryFilter
		want bool
	}{
		{DirectoryFilter{}, true},
		{DirectoryFilter{Q: "hugo"}, true},
		{DirectoryFilter{Q: "HEAD hugo"}, true}, // folded
		{DirectoryFilter{Q: "foo"}, true},       // prefix of the last word
		{DirectoryFilter{Q: "foo hugo"}, false}, // only the last word as a prefix
		{DirectoryFilter{Stage: StageStudent}, false},
		{DirectoryFilter{Stage: StageProfessional, OffersAdvice: true}, true},
	} {
		if got := c.f.Matches(e); got != c.want {
			t.Errorf("%+v: Matches = %v, want %v", c.f, got, c.want)
		}
	}
	if (DirectoryFilter{OffersAdvice: true}).Matches(&DirectoryEntry{Name: "x"}) {
		t.Error("offers_advice matched a member without an offer")
	}
}
