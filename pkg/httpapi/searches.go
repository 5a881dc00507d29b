package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Discovery: the keyword and place parameters of browse, and saved
// searches (README.md, "Finding postings"; docs/rules.md, "Search").

// DiscoveryParams are browse's keyword and place filters.
type DiscoveryParams struct {
	Q       string `query:"q" maxLength:"200" example:"ux research" doc:"1 to 10 words; each must match a word of the title, field, skills, organisation or city (case, accents and simple English endings ignored; the last word may be the start of a word)."`
	Country string `query:"country" maxLength:"2" example:"FR" doc:"ISO 3166-1 alpha-2 country code."`
	Region  string `query:"region" maxLength:"100" example:"Auvergne-Rhône-Alpes" doc:"Matched ignoring case and accents."`
	City    string `query:"city" maxLength:"100" example:"Lyon" doc:"Matched ignoring case and accents."`
}

// Resolve refuses a q given empty (`?q=`), which huma cannot tell from no
// q at all: a keyword query has one to ten words (README.md, "Finding
// postings"). A q of spaces or punctuation only is refused by the same rule
// when the filter is compiled.
func (p *DiscoveryParams) Resolve(ctx huma.Context) []error {
	if u := ctx.URL(); p.Q == "" && u.Query().Has("q") {
		return []error{&huma.ErrorDetail{Location: "query.q", Message: "must contain at least one word", Value: ""}}
	}
	return nil
}

type alertCadence string

func (alertCadence) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.AlertCadences, "When a new matching lead is announced: at once, in the daily or weekly digest, or never.")
}

// searchQueryBody is a saved browse query: any browse filter.
type searchQueryBody struct {
	Q            string       `json:"q,omitempty" maxLength:"200" example:"ux research"`
	Kind         postingKind  `json:"kind,omitempty"`
	Field        string       `json:"field,omitempty" maxLength:"100" example:"design"`
	Audience     audience     `json:"audience,omitempty"`
	Workplace    workplace    `json:"workplace,omitempty"`
	Compensation compensation `json:"compensation,omitempty"`
	OrgID        string       `json:"org_id,omitempty" maxLength:"64"`
	PosterID     string       `json:"poster_id,omitempty" maxLength:"128"`
	Country      string       `json:"country,omitempty" maxLength:"2" example:"FR"`
	Region       string       `json:"region,omitempty" maxLength:"100"`
	City         string       `json:"city,omitempty" maxLength:"100" example:"Lyon"`
}

func (b searchQueryBody) filter() warmlead.PostingFilter {
	return warmlead.PostingFilter{Q: b.Q, Kind: warmlead.PostingKind(b.Kind), Field: b.Field, Audience: warmlead.Audience(b.Audience),
		Workplace: warmlead.Workplace(b.Workplace), Compensation: warmlead.Compensation(b.Compensation), OrgID: b.OrgID,
		PosterID: b.PosterID, Country: b.Country, Region: b.Region, City: b.City}
}

func searchQueryOf(f warmlead.PostingFilter) searchQueryBody {
	return searchQueryBody{Q: f.Q, Kind: postingKind(f.Kind), Field: f.Field, Audience: audience(f.Audience),
		Workplace: workplace(f.Workplace), Compensation: compensation(f.Compensation), OrgID: f.OrgID, PosterID: f.PosterID,
		Country: f.Country, Region: f.Region, City: f.City}
}

type savedSearchJSON struct {
	ID        string          `json:"id" example:"q2w3e4r5t6y7u2i3o4p5a6s7d2"`
	Name      string          `json:"name" example:"UX internships in Lyon"`
	Query     searchQueryBody `json:"query"`
	Alert     alertCadence    `json:"alert" example:"instant"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func toSavedSearchJSON(s *warmlead.SavedSearch) savedSearchJSON {
	return savedSearchJSON{ID: s.ID, Name: s.Name, Query: searchQueryOf(s.Query), Alert: alertCadence(s.Alert),
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

type savedSearchOutput struct {
	Location string `header:"Location"`
	Body     savedSearchJSON
}

type createSearchInput struct {
	Body struct {
		Name  string          `json:"name" minLength:"1" maxLength:"100" example:"UX internships in Lyon"`
		Query searchQueryBody `json:"query"`
		Alert alertCadence    `json:"alert,omitempty" doc:"Defaults to off." example:"instant"`
	}
}

type searchIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The saved search's id."`
}

type patchSearchInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Name  *string          `json:"name,omitempty" minLength:"1" maxLength:"100"`
		Query *searchQueryBody `json:"query,omitempty" doc:"Replaces the whole query."`
		Alert *alertCadence    `json:"alert,omitempty"`
	}
}

type savedSearchListOutput struct {
	Body struct {
		Items      []savedSearchJSON `json:"items"`
		NextCursor *string           `json:"next_cursor" doc:"Always null: a member keeps at most 20 searches."`
	}
}

type runSearchInput struct {
	ID string `path:"id" maxLength:"64"`
	PageParams
}

// addSearchRoutes registers the saved-search endpoints.
func addSearchRoutes(api huma.API, svc Services) {
	searches := svc.SavedSearches
	if searches == nil {
		searches, _ = svc.Postings.(warmlead.SavedSearchService)
	}
	if searches == nil {
		return
	}
	tags := []string{"Saved searches"}
	register(api, huma.Operation{OperationID: "create-saved-search", Method: http.MethodPost, Path: "/me/searches", Security: private,
		DefaultStatus: http.StatusCreated, Summary: "Save a search", Tags: tags,
		Description: "At most 20 per member (409 beyond). With alert, new open leads you may see that match are announced (search_match): at once, or in your daily or weekly digest."},
		func(ctx context.Context, in *createSearchInput) (*savedSearchOutput, error) {
			s, err := searches.CreateSavedSearch(ctx, caller(ctx), &warmlead.SavedSearch{Name: in.Body.Name,
				Query: in.Body.Query.filter(), Alert: warmlead.AlertCadence(in.Body.Alert)})
			if err != nil {
				return nil, err
			}
			return &savedSearchOutput{Location: "/me/searches/" + s.ID, Body: toSavedSearchJSON(s)}, nil
		})
	register(api, huma.Operation{OperationID: "list-saved-searches", Method: http.MethodGet, Path: "/me/searches", Security: private,
		Summary: "Your saved searches", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*savedSearchListOutput, error) {
			list, err := searches.ListSavedSearches(ctx, caller(ctx))
			if err != nil {
				return nil, err
			}
			out := &savedSearchListOutput{}
			out.Body.Items = make([]savedSearchJSON, len(list))
			for i, s := range list {
				out.Body.Items[i] = toSavedSearchJSON(s)
			}
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-saved-search", Method: http.MethodGet, Path: "/me/searches/{id}", Security: private,
		Summary: "A saved search", Tags: tags},
		func(ctx context.Context, in *searchIDInput) (*savedSearchOutput, error) {
			s, err := searches.FindSavedSearch(ctx, caller(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &savedSearchOutput{Body: toSavedSearchJSON(s)}, nil
		})
	register(api, huma.Operation{OperationID: "patch-saved-search", Method: http.MethodPatch, Path: "/me/searches/{id}", Security: private,
		Summary: "Rename a saved search, change its query or its alert", Tags: tags},
		func(ctx context.Context, in *patchSearchInput) (*savedSearchOutput, error) {
			s, err := searches.UpdateSavedSearch(ctx, caller(ctx), in.ID, func(s *warmlead.SavedSearch) {
				if in.Body.Name != nil {
					s.Name = *in.Body.Name
				}
				if in.Body.Query != nil {
					s.Query = in.Body.Query.filter()
				}
				if in.Body.Alert != nil {
					s.Alert = warmlead.AlertCadence(*in.Body.Alert)
				}
			})
			if err != nil {
				return nil, err
			}
			return &savedSearchOutput{Body: toSavedSearchJSON(s)}, nil
		})
	register(api, huma.Operation{OperationID: "delete-saved-search", Method: http.MethodDelete, Path: "/me/searches/{id}", Security: private,
		DefaultStatus: http.StatusNoContent, Summary: "Delete a saved search", Tags: tags},
		func(ctx context.Context, in *searchIDInput) (*struct{}, error) {
			return nil, searches.DeleteSavedSearch(ctx, caller(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "run-saved-search", Method: http.MethodGet, Path: "/me/searches/{id}/postings", Security: private,
		Summary: "Run a saved search", Tags: tags,
		Description: "The open leads you may see that match it now, newest first, as browse returns them."},
		func(ctx context.Context, in *runSearchInput) (*postingPageOutput, error) {
			pg, err := searches.RunSavedSearch(ctx, caller(ctx), in.ID, in.request())
			if err != nil {
				return nil, err
			}
			return &postingPageOutput{Body: toPostingPage(pg)}, nil
		})
}
