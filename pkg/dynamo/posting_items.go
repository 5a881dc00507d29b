package dynamo

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// postingItem is a posting as stored. The browse-index attributes (GSI2-5) are
// present only while the posting is open, which keeps those indexes sparse.
type postingItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Type   string `dynamodbav:"Type"`
	GSI1PK string `dynamodbav:"GSI1PK"`
	GSI1SK string `dynamodbav:"GSI1SK"`
	GSI2PK string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK string `dynamodbav:"GSI2SK,omitempty"`
	GSI3PK string `dynamodbav:"GSI3PK,omitempty"`
	GSI3SK string `dynamodbav:"GSI3SK,omitempty"`
	GSI4PK string `dynamodbav:"GSI4PK,omitempty"`
	GSI4SK string `dynamodbav:"GSI4SK,omitempty"`
	GSI5PK string `dynamodbav:"GSI5PK,omitempty"`
	GSI5SK string `dynamodbav:"GSI5SK,omitempty"`

	ID            string        `dynamodbav:"ID"`
	Title         string        `dynamodbav:"Title"`
	Description   string        `dynamodbav:"Description"`
	Organization  string        `dynamodbav:"Organization"`
	OrgID         string        `dynamodbav:"OrgID"`
	Kind          string        `dynamodbav:"Kind"`
	Compensation  string        `dynamodbav:"Compensation"`
	Pay           *payItem      `dynamodbav:"Pay,omitempty"`
	Audience      []string      `dynamodbav:"Audience"`
	Field         string        `dynamodbav:"Field"`
	Skills        []string      `dynamodbav:"Skills"`
	HoursPerWeek  *int          `dynamodbav:"HoursPerWeek,omitempty"`
	DurationWeeks *int          `dynamodbav:"DurationWeeks,omitempty"`
	StartDate     string        `dynamodbav:"StartDate"`
	Workplace     string        `dynamodbav:"Workplace"`
	Location      *locationItem `dynamodbav:"Location,omitempty"`
	ValidThrough  string        `dynamodbav:"ValidThrough"`
	ExpiresAt     int64         `dynamodbav:"ExpiresAt"` // TTL
	HowToApply    string        `dynamodbav:"HowToApply"`
	Visibility    string        `dynamodbav:"Visibility"`
	PosterID      string        `dynamodbav:"PosterID"`
	Status        string        `dynamodbav:"Status"`
	CloseReason   string        `dynamodbav:"CloseReason"`
	CreatedAt     string        `dynamodbav:"CreatedAt"`
	UpdatedAt     string        `dynamodbav:"UpdatedAt"`
	Version       int           `dynamodbav:"Version"`

	// Discovery (search_items.go): the folded forms filters and search read.
	SearchText string `dynamodbav:"SearchText,omitempty"`
	FieldText  string `dynamodbav:"FieldText,omitempty"`
	Country    string `dynamodbav:"Country,omitempty"`
	RegionKey  string `dynamodbav:"RegionKey,omitempty"`
	CityKey    string `dynamodbav:"CityKey,omitempty"`
}

type payItem struct {
	Min      float64 `dynamodbav:"Min"`
	Max      float64 `dynamodbav:"Max"`
	Currency string  `dynamodbav:"Currency"`
	Unit     string  `dynamodbav:"Unit"`
}

type locationItem struct {
	City    string `dynamodbav:"City"`
	Region  string `dynamodbav:"Region"`
	Country string `dynamodbav:"Country"`
}

// expiryGrace keeps an expired posting readable (GET, referral pages say it
// has expired) for a while before TTL deletes it.
const expiryGrace = 30 * 24 * time.Hour

// newPostingItem lays p out for storage, with index keys for its state.
func newPostingItem(p *warmlead.Posting) *postingItem {
	it := &postingItem{
		Type: typePosting, ID: p.ID, Title: p.Title, Description: p.Description, Organization: p.Organization,
		OrgID: p.OrgID, Kind: string(p.Kind), Compensation: string(p.Compensation), Field: p.Field,
		Skills: p.Skills, HoursPerWeek: p.HoursPerWeek, DurationWeeks: p.DurationWeeks, StartDate: p.StartDate,
		Workplace: string(p.Workplace), ValidThrough: formatTime(p.ValidThrough),
		ExpiresAt: p.ValidThrough.Add(expiryGrace).Unix(), HowToApply: p.HowToApply, Visibility: string(p.Visibility),
		PosterID: p.PosterID, Status: string(p.Status), CloseReason: string(p.CloseReason),
		CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt), Version: p.Version,
	}
	if it.Skills == nil {
		it.Skills = []string{}
	}
	for _, a := range p.Audience {
		it.Audience = append(it.Audience, string(a))
	}
	if p.Pay != nil {
		it.Pay = &payItem{Min: p.Pay.Min, Max: p.Pay.Max, Currency: p.Pay.Currency, Unit: string(p.Pay.Unit)}
	}
	if p.Location != nil {
		it.Location = &locationItem{City: p.Location.City, Region: p.Location.Region, Country: p.Location.Country}
	}
	it.PK, it.SK = postingKey(p.ID)
	it.SearchText, it.FieldText, it.Country, it.RegionKey, it.CityKey = discoveryAttrs(p)
	sortKey := postingSortKey(it.CreatedAt, p.ID)
	it.GSI1PK, it.GSI1SK = posterGSI1(p.PosterID), sortKey
	if p.Status == warmlead.StatusOpen {
		it.GSI2PK, it.GSI2SK = feedGSI2(), sortKey
		it.GSI4PK, it.GSI4SK = kindGSI4(string(p.Kind)), sortKey
		if p.Field != "" {
			it.GSI3PK, it.GSI3SK = fieldGSI3(p.Field), sortKey
		}
		if p.OrgID != "" {
			it.GSI5PK, it.GSI5SK = orgFeedGSI5(p.OrgID), sortKey
		}
	}
	return it
}

func (it *postingItem) posting() *warmlead.Posting {
	p := &warmlead.Posting{
		ID: it.ID, Title: it.Title, Description: it.Description, Organization: it.Organization, OrgID: it.OrgID,
		Kind: warmlead.PostingKind(it.Kind), Compensation: warmlead.Compensation(it.Compensation), Field: it.Field,
		Skills: it.Skills, HoursPerWeek: it.HoursPerWeek, DurationWeeks: it.DurationWeeks, StartDate: it.StartDate,
		Workplace: warmlead.Workplace(it.Workplace), ValidThrough: parseTime(it.ValidThrough), HowToApply: it.HowToApply,
		Visibility: warmlead.Visibility(it.Visibility), PosterID: it.PosterID, Status: warmlead.PostingStatus(it.Status),
		CloseReason: warmlead.CloseReason(it.CloseReason), CreatedAt: parseTime(it.CreatedAt),
		UpdatedAt: parseTime(it.UpdatedAt), Version: it.Version,
	}
	for _, a := range it.Audience {
		p.Audience = append(p.Audience, warmlead.Audience(a))
	}
	if it.Pay != nil {
		p.Pay = &warmlead.Pay{Min: it.Pay.Min, Max: it.Pay.Max, Currency: it.Pay.Currency, Unit: warmlead.PayUnit(it.Pay.Unit)}
	}
	if it.Location != nil {
		p.Location = &warmlead.Location{City: it.Location.City, Region: it.Location.Region, Country: it.Location.Country}
	}
	return p
}

// idempotencyItem remembers a create made with an Idempotency-Key: the hash
// of its body and the posting it created, returned as is on a repeat.
type idempotencyItem struct {
	PK        string      `dynamodbav:"PK"`
	SK        string      `dynamodbav:"SK"`
	Type      string      `dynamodbav:"Type"`
	GSI1PK    string      `dynamodbav:"GSI1PK"` // idempotencyGSI1: found by DELETE /me
	GSI1SK    string      `dynamodbav:"GSI1SK"`
	BodyHash  string      `dynamodbav:"BodyHash"`
	CreatedAt string      `dynamodbav:"CreatedAt"`
	ExpiresAt int64       `dynamodbav:"ExpiresAt"` // TTL
	Posting   postingItem `dynamodbav:"Posting"`
}
