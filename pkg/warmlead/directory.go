package warmlead

import "context"

// DirectoryVisibility is who sees a member in the directories of the
// organisations they belong to (docs/people.md, "Directory").
type DirectoryVisibility string

const (
	// DirectoryOrgs: every fellow member of the organisation (the default).
	DirectoryOrgs DirectoryVisibility = "orgs"
	// DirectoryConnections: only fellow members who are accepted connections.
	DirectoryConnections DirectoryVisibility = "connections"
	// DirectoryHidden: nobody but the organisation's admins.
	DirectoryHidden DirectoryVisibility = "hidden"
)

// DirectoryVisibilities lists every DirectoryVisibility.
var DirectoryVisibilities = []DirectoryVisibility{DirectoryOrgs, DirectoryConnections, DirectoryHidden}

// Valid reports whether v is a known setting ("" is not).
func (v DirectoryVisibility) Valid() bool {
	for _, x := range DirectoryVisibilities {
		if v == x {
			return true
		}
	}
	return false
}

// DirectoryViewer is what decides whether a member shows to the caller.
type DirectoryViewer struct {
	CallerID string
	Admin    bool // the caller administers the organisation
}

// Sees reports whether the viewer sees member in the directory; connected
// says whether the two have an accepted connection. A member always sees
// themself; admins see everyone (they manage the membership); an unset
// setting is DirectoryOrgs.
func (v DirectoryViewer) Sees(memberID string, setting DirectoryVisibility, connected bool) bool {
	switch {
	case memberID == v.CallerID || v.Admin:
		return true
	case setting == DirectoryHidden:
		return false
	case setting == DirectoryConnections:
		return connected
	}
	return true
}

// DirectoryFilter narrows an organisation's directory.
type DirectoryFilter struct {
	Q            string // every word matches the name, headline or an interest (MatchWords)
	Stage        Stage  // "" = any
	OffersAdvice bool   // only members with an open advice offer
}

// DirectoryEntry is one member as the directory shows them.
type DirectoryEntry struct {
	Membership   *OrgMember
	Name         string
	Headline     string
	Stage        Stage
	Interests    []string
	OffersAdvice bool // an open advice offer
}

// Matches reports whether e passes f.
func (f DirectoryFilter) Matches(e *DirectoryEntry) bool {
	if f.Stage != "" && e.Stage != f.Stage {
		return false
	}
	if f.OffersAdvice && !e.OffersAdvice {
		return false
	}
	return MatchWords(f.Q, append([]string{e.Name, e.Headline}, e.Interests...))
}

// DirectoryService reads organisation directories.
type DirectoryService interface {
	// ListOrgDirectory pages through the members of an organisation the
	// caller may see, filtered. Members only. Returns ENOTFOUND, EFORBIDDEN,
	// EBADREQUEST (cursor).
	ListOrgDirectory(ctx context.Context, callerID, orgID string, f DirectoryFilter, page PageRequest) (*Page[*DirectoryEntry], error)
}
