package httpapi

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// payBody is a pay range (schema.org baseSalary).
type payBody struct {
	Min      float64 `json:"min" minimum:"0" maximum:"1000000000000" example:"1800"`
	Max      float64 `json:"max,omitempty" minimum:"0" maximum:"1000000000000" example:"2200"`
	Currency string  `json:"currency" pattern:"^[A-Z]{3}$" example:"EUR" doc:"ISO 4217 code."`
	Unit     payUnit `json:"unit" example:"month"`
}

type locationBody struct {
	City    string `json:"city,omitempty" maxLength:"100" example:"Lyon"`
	Region  string `json:"region,omitempty" maxLength:"100" example:"Auvergne-Rhône-Alpes"`
	Country string `json:"country,omitempty" pattern:"^[A-Z]{2}$" example:"FR" doc:"ISO 3166-1 alpha-2 code."`
}

// postingBody is what a poster writes: the editable fields of a posting.
type postingBody struct {
	Title         string        `json:"title" minLength:"1" maxLength:"200" example:"Junior data analyst (6-month contract)"`
	Description   string        `json:"description" text:"multiline" minLength:"1" maxLength:"10000" example:"Our alumni-run analytics team needs help cleaning survey data."`
	Organization  string        `json:"organization,omitempty" maxLength:"200" example:"Lyon Business School Alumni"`
	OrgID         string        `json:"org_id,omitempty" maxLength:"64" doc:"Post on behalf of this organisation (its admins only). Not editable." example:"k3q5w7e2r4t6y8u2i4o6p8a2s4"`
	Kind          postingKind   `json:"kind" example:"informal_internship"`
	Compensation  compensation  `json:"compensation" example:"stipend"`
	Pay           *payBody      `json:"pay,omitempty"`
	Audience      []audience    `json:"audience,omitempty" maxItems:"5" doc:"Defaults to [anyone]." example:"[\"career_changers\",\"returners\"]"`
	Field         string        `json:"field,omitempty" maxLength:"100" doc:"Industry or occupational area; matched case-insensitively." example:"data"`
	Skills        []string      `json:"skills,omitempty" maxItems:"30" example:"[\"sql\",\"excel\"]"`
	HoursPerWeek  *int          `json:"hours_per_week,omitempty" minimum:"1" maximum:"80" example:"10"`
	DurationWeeks *int          `json:"duration_weeks,omitempty" minimum:"1" maximum:"104" example:"12"`
	StartDate     string        `json:"start_date,omitempty" format:"date" example:"2027-01-11"`
	Workplace     workplace     `json:"workplace" example:"hybrid"`
	Location      *locationBody `json:"location,omitempty"`
	ValidThrough  time.Time     `json:"valid_through" doc:"When the lead expires; at most 365 days ahead." example:"2026-12-21T00:00:00Z"`
	HowToApply    string        `json:"how_to_apply,omitempty" text:"multiline" maxLength:"2000" example:"Express interest here; Alice will introduce you."`
	Visibility    visibility    `json:"visibility,omitempty" doc:"Defaults to public." example:"network"`
}

// postingJSON is a posting as clients read it.
type postingJSON struct {
	ID string `json:"id" example:"q2w3e4r5t6y7u2i3o4p5a6s7d2"`
	postingBody
	PosterID    string        `json:"poster_id" example:"alice"`
	Status      postingStatus `json:"status" example:"open"`
	CloseReason closeReason   `json:"close_reason,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	Version     int           `json:"version" example:"1"`
}

// postingPageJSON is one page of postings.
type postingPageJSON struct {
	Items      []postingJSON `json:"items"`
	NextCursor *string       `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
}

func (b *postingBody) posting() *warmlead.Posting {
	p := &warmlead.Posting{
		Title: b.Title, Description: b.Description, Organization: b.Organization, OrgID: b.OrgID,
		Kind: warmlead.PostingKind(b.Kind), Compensation: warmlead.Compensation(b.Compensation), Field: b.Field,
		Skills: b.Skills, HoursPerWeek: b.HoursPerWeek, DurationWeeks: b.DurationWeeks, StartDate: b.StartDate,
		Workplace: warmlead.Workplace(b.Workplace), ValidThrough: b.ValidThrough, HowToApply: b.HowToApply,
		Visibility: warmlead.Visibility(b.Visibility),
	}
	for _, a := range b.Audience {
		p.Audience = append(p.Audience, warmlead.Audience(a))
	}
	if b.Pay != nil {
		p.Pay = &warmlead.Pay{Min: b.Pay.Min, Max: b.Pay.Max, Currency: b.Pay.Currency, Unit: warmlead.PayUnit(b.Pay.Unit)}
	}
	if b.Location != nil {
		p.Location = &warmlead.Location{City: b.Location.City, Region: b.Location.Region, Country: b.Location.Country}
	}
	return p
}

func bodyOf(p *warmlead.Posting) postingBody {
	b := postingBody{
		Title: p.Title, Description: p.Description, Organization: p.Organization, OrgID: p.OrgID,
		Kind: postingKind(p.Kind), Compensation: compensation(p.Compensation), Field: p.Field, Skills: p.Skills,
		HoursPerWeek: p.HoursPerWeek, DurationWeeks: p.DurationWeeks, StartDate: p.StartDate,
		Workplace: workplace(p.Workplace), ValidThrough: p.ValidThrough.UTC(), HowToApply: p.HowToApply,
		Visibility: visibility(p.Visibility),
	}
	for _, a := range p.Audience {
		b.Audience = append(b.Audience, audience(a))
	}
	if p.Pay != nil {
		b.Pay = &payBody{Min: p.Pay.Min, Max: p.Pay.Max, Currency: p.Pay.Currency, Unit: payUnit(p.Pay.Unit)}
	}
	if p.Location != nil {
		b.Location = &locationBody{City: p.Location.City, Region: p.Location.Region, Country: p.Location.Country}
	}
	return b
}

func toPostingJSON(p *warmlead.Posting) postingJSON {
	return postingJSON{ID: p.ID, postingBody: bodyOf(p), PosterID: p.PosterID, Status: postingStatus(p.EffectiveStatus(time.Now())),
		CloseReason: closeReason(p.CloseReason), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version}
}

func toPostingPage(pg *warmlead.Page[*warmlead.Posting]) postingPageJSON {
	out := postingPageJSON{Items: make([]postingJSON, len(pg.Items)), NextCursor: nextCursor(pg.Next)}
	for i, p := range pg.Items {
		out.Items[i] = toPostingJSON(p)
	}
	return out
}

// nextCursor is a page's next_cursor on the wire: null on the last page.
func nextCursor(next string) *string {
	if next == "" {
		return nil
	}
	return &next
}
