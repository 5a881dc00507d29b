package httpapi

import (
	"context"
	"encoding/json"
	"github.com/danielgtaylor/huma/v2"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

type landingInput struct {
	Token  string `path:"token" maxLength:"64" doc:"The link's token."`
	Accept string `header:"Accept" doc:"text/html for the page a browser shows; application/json for the same as JSON."`
}

// rawOutput is a body the handler encodes itself (HTML or JSON).
type rawOutput struct {
	Status       int
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Vary         string `header:"Vary"`
	Body         []byte
}

// landingJSON is the landing page as JSON.
type landingJSON struct {
	Token           string           `json:"token"`
	URL             string           `json:"url"`
	SharedBy        chainMemberJSON  `json:"shared_by"`
	Via             *chainMemberJSON `json:"via,omitempty"`
	Depth           int              `json:"depth"`
	Posting         postingJSON      `json:"posting"`
	ExpressInterest struct {
		Method string            `json:"method"`
		Path   string            `json:"path"`
		Body   map[string]string `json:"body"`
	} `json:"express_interest" doc:"The call that expresses interest and credits this link's chain."`
}

// handleLanding serves the page a shared link opens: HTML for browsers,
// JSON otherwise. Every open counts one click.
func handleLanding(logger *slog.Logger, cfg *Config, referrals warmlead.ReferralService) func(context.Context, *landingInput) (*rawOutput, error) {
	return func(ctx context.Context, in *landingInput) (*rawOutput, error) {
		html, err := negotiateHTML(in.Accept) // negotiate.go
		if err != nil {
			return nil, err
		}
		landing, err := referrals.OpenReferral(ctx, in.Token)
		code := warmlead.ErrorCode(err)
		switch {
		case html && code == warmlead.ENOTFOUND:
			return renderPage(http.StatusNotFound, "notfound.html", map[string]string{"title": "Link not found · Warmlead",
				"summary": "This referral link is unknown.", "url": "", "base_url": cfg.PublicBaseURL})
		case err != nil && (code != warmlead.EGONE || landing == nil || landing.Posting == nil || !html):
			return nil, fail(ctx, logger, err)
		}
		p, r := landing.Posting, landing.Referral
		closed := ""
		switch {
		case p.Status != warmlead.StatusOpen:
			closed = "This lead is " + string(p.Status) + ": it no longer takes interest."
		case !landing.Open:
			closed = "This lead expired on " + p.ValidThrough.Format("2 January 2006") + "."
		}
		if !html {
			if closed != "" {
				return nil, fail(ctx, logger, warmlead.Errorf(warmlead.EGONE, "%s", closed))
			}
			return jsonOutput(landingBody(cfg, r, p))
		}
		status := http.StatusOK
		if closed != "" {
			status = http.StatusGone
		}
		return renderPage(status, "landing.html", landingPage(cfg, r, p, closed))
	}
}

func landingBody(cfg *Config, r *warmlead.Referral, p *warmlead.Posting) landingJSON {
	out := landingJSON{Token: r.Token, URL: cfg.linkURL(r.Token), Depth: r.Depth(), Posting: toPostingJSON(p)}
	out.SharedBy = chainMember(r, len(r.Chain)-1)
	if parent := len(r.Chain) - 2; parent >= 0 && r.ParentToken != "" {
		via := chainMember(r, parent)
		out.Via = &via
	}
	out.ExpressInterest.Method = http.MethodPost
	out.ExpressInterest.Path = "/postings/" + p.ID + "/interest"
	out.ExpressInterest.Body = map[string]string{"referral_token": r.Token}
	return out
}

func chainMember(r *warmlead.Referral, i int) chainMemberJSON {
	m := chainMemberJSON{ID: r.Chain[i]}
	if i < len(r.ChainNames) {
		m.Name = r.ChainNames[i]
	}
	return m
}

// landingPage is what the landing page shows.
func landingPage(cfg *Config, r *warmlead.Referral, p *warmlead.Posting, closed string) map[string]string {
	shared, via := chainMember(r, len(r.Chain)-1), chainMemberJSON{}
	if parent := len(r.Chain) - 2; parent >= 0 && r.ParentToken != "" {
		via = chainMember(r, parent)
	}
	v := map[string]string{
		"title": p.Title + " · Warmlead", "url": cfg.linkURL(r.Token), "base_url": cfg.PublicBaseURL, "token": r.Token,
		"shared_by": displayName(shared), "via": displayName(via), "posting_title": p.Title,
		"organization": p.Organization, "kind": label(string(p.Kind)), "workplace": label(string(p.Workplace)),
		"compensation": label(string(p.Compensation)), "place": "", "hours": "", "closed": closed,
		"description": p.Description, "how_to_apply": p.HowToApply,
	}
	if p.Location != nil {
		v["place"] = strings.Trim(strings.Join([]string{p.Location.City, p.Location.Country}, ", "), ", ")
	}
	if p.Pay != nil {
		amount := strconv.FormatFloat(p.Pay.Min, 'f', -1, 64)
		if p.Pay.Max > p.Pay.Min {
			amount += "–" + strconv.FormatFloat(p.Pay.Max, 'f', -1, 64)
		}
		v["compensation"] += " · " + amount + " " + p.Pay.Currency + "/" + string(p.Pay.Unit)
	}
	if p.HoursPerWeek != nil {
		v["hours"] = strconv.Itoa(*p.HoursPerWeek) + " h/week"
	}
	summary := v["kind"]
	if p.Organization != "" {
		summary += " at " + p.Organization
	}
	v["summary"] = summary + ", shared by " + v["shared_by"] + " on Warmlead."
	return v
}

func displayName(m chainMemberJSON) string {
	if m.Name != "" {
		return m.Name
	}
	return m.ID
}

// label turns an enum value into words: informal_internship -> Informal internship.
func label(v string) string {
	v = strings.ReplaceAll(v, "_", " ")
	if v == "" {
		return v
	}
	return strings.ToUpper(v[:1]) + v[1:]
}

func renderPage(status int, name string, values map[string]string) (*rawOutput, error) {
	page, err := executePage(name, values)
	if err != nil {
		return nil, err
	}
	return &rawOutput{Status: status, ContentType: "text/html; charset=utf-8", CacheControl: "no-store", Vary: "Accept", Body: []byte(page)}, nil
}

func jsonOutput(v any) (*rawOutput, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &rawOutput{Status: http.StatusOK, ContentType: "application/json", CacheControl: "no-store", Vary: "Accept", Body: b}, nil
}

// landingSchema documents the JSON form of the landing page.
func landingSchema(api huma.API) *huma.Schema {
	return api.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(landingJSON{}), true, "")
}
