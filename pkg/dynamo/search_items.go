package dynamo

import (
	"strings"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// discoveryAttrs are the folded forms of a posting that filters and
// keyword search compare (docs/rules.md, "Search").
func discoveryAttrs(p *warmlead.Posting) (searchText, fieldText, country, regionKey, cityKey string) {
	searchText = warmlead.PostingTerms(p).Text()
	fieldText = warmlead.TermsOf(p.Field).Text()
	if l := p.Location; l != nil {
		country, regionKey, cityKey = l.Country, warmlead.Fold(strings.TrimSpace(l.Region)), warmlead.Fold(strings.TrimSpace(l.City))
	}
	return
}

// termItem is an open posting's entry in the partition of one of its index
// keys (docs/table.md, "Search"). It copies what every browse filter reads,
// so a keyword search filters in the Query and fetches only candidates.
type termItem struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	Type         string   `dynamodbav:"Type"`
	PostingID    string   `dynamodbav:"PostingID"`
	ValidThrough string   `dynamodbav:"ValidThrough"`
	ExpiresAt    int64    `dynamodbav:"ExpiresAt"` // TTL, as the posting's
	Kind         string   `dynamodbav:"Kind"`
	Workplace    string   `dynamodbav:"Workplace"`
	Compensation string   `dynamodbav:"Compensation"`
	Audience     []string `dynamodbav:"Audience"`
	OrgID        string   `dynamodbav:"OrgID"`
	PosterID     string   `dynamodbav:"PosterID"`
	Visibility   string   `dynamodbav:"Visibility"`
	SearchText   string   `dynamodbav:"SearchText"`
	FieldText    string   `dynamodbav:"FieldText,omitempty"`
	Country      string   `dynamodbav:"Country,omitempty"`
	RegionKey    string   `dynamodbav:"RegionKey,omitempty"`
	CityKey      string   `dynamodbav:"CityKey,omitempty"`
}

// termItems are the index entries of an open posting, one per index key.
func termItems(it *postingItem) []termItem {
	p := it.posting()
	var out []termItem
	for _, k := range warmlead.PostingTerms(p).Keys() {
		t := termItem{Type: typeSearchTerm, PostingID: it.ID, ValidThrough: it.ValidThrough, ExpiresAt: it.ExpiresAt,
			Kind: it.Kind, Workplace: it.Workplace, Compensation: it.Compensation, Audience: it.Audience, OrgID: it.OrgID,
			PosterID: it.PosterID, Visibility: it.Visibility, SearchText: it.SearchText, FieldText: it.FieldText,
			Country: it.Country, RegionKey: it.RegionKey, CityKey: it.CityKey}
		t.PK, t.SK = termKey(k, it.CreatedAt, it.ID)
		out = append(out, t)
	}
	return out
}

// termCountItem counts the postings ever filed under an index key: the
// rarity a search uses to pick the partition it reads.
type termCountItem struct {
	PK string `dynamodbav:"PK"`
	SK string `dynamodbav:"SK"`
	N  int64  `dynamodbav:"N"`
}

// savedSearchItem is a member's saved search.
type savedSearchItem struct {
	PK        string      `dynamodbav:"PK"`
	SK        string      `dynamodbav:"SK"`
	Type      string      `dynamodbav:"Type"`
	ID        string      `dynamodbav:"ID"`
	MemberID  string      `dynamodbav:"MemberID"`
	Name      string      `dynamodbav:"Name"`
	Query     searchQuery `dynamodbav:"Query"`
	Alert     string      `dynamodbav:"Alert"`
	AlertKey  string      `dynamodbav:"AlertKey,omitempty"` // the alert index partition it is filed under
	CreatedAt string      `dynamodbav:"CreatedAt"`
	UpdatedAt string      `dynamodbav:"UpdatedAt"`
}

// searchQuery is a saved browse filter.
type searchQuery struct {
	Q            string `dynamodbav:"Q,omitempty"`
	Kind         string `dynamodbav:"Kind,omitempty"`
	Field        string `dynamodbav:"Field,omitempty"`
	Audience     string `dynamodbav:"Audience,omitempty"`
	Workplace    string `dynamodbav:"Workplace,omitempty"`
	Compensation string `dynamodbav:"Compensation,omitempty"`
	OrgID        string `dynamodbav:"OrgID,omitempty"`
	PosterID     string `dynamodbav:"PosterID,omitempty"`
	Country      string `dynamodbav:"Country,omitempty"`
	Region       string `dynamodbav:"Region,omitempty"`
	City         string `dynamodbav:"City,omitempty"`
}

func newSearchQuery(f warmlead.PostingFilter) searchQuery {
	return searchQuery{Q: f.Q, Kind: string(f.Kind), Field: f.Field, Audience: string(f.Audience), Workplace: string(f.Workplace),
		Compensation: string(f.Compensation), OrgID: f.OrgID, PosterID: f.PosterID, Country: f.Country, Region: f.Region, City: f.City}
}

func (q searchQuery) filter() warmlead.PostingFilter {
	return warmlead.PostingFilter{Q: q.Q, Kind: warmlead.PostingKind(q.Kind), Field: q.Field, Audience: warmlead.Audience(q.Audience),
		Workplace: warmlead.Workplace(q.Workplace), Compensation: warmlead.Compensation(q.Compensation), OrgID: q.OrgID,
		PosterID: q.PosterID, Country: q.Country, Region: q.Region, City: q.City}
}

func (it *savedSearchItem) savedSearch() *warmlead.SavedSearch {
	return &warmlead.SavedSearch{ID: it.ID, MemberID: it.MemberID, Name: it.Name, Query: it.Query.filter(),
		Alert: warmlead.AlertCadence(it.Alert), CreatedAt: parseTime(it.CreatedAt), UpdatedAt: parseTime(it.UpdatedAt)}
}

// alertEntryItem files an alerting saved search under one alert key, with
// all a new posting needs to decide whether it matches.
type alertEntryItem struct {
	PK       string      `dynamodbav:"PK"`
	SK       string      `dynamodbav:"SK"`
	Type     string      `dynamodbav:"Type"`
	SearchID string      `dynamodbav:"SearchID"`
	MemberID string      `dynamodbav:"MemberID"`
	Name     string      `dynamodbav:"Name"`
	Query    searchQuery `dynamodbav:"Query"`
	Alert    string      `dynamodbav:"Alert"`
}

func (it *alertEntryItem) savedSearch() *warmlead.SavedSearch {
	return &warmlead.SavedSearch{ID: it.SearchID, MemberID: it.MemberID, Name: it.Name, Query: it.Query.filter(),
		Alert: warmlead.AlertCadence(it.Alert)}
}
