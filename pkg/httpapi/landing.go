package httpapi

import (
	"context"
	"encoding/json"
	"github.com/danielgtaylor/huma/v2"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

type landingInput struct {
	Token  string `path:"token" maxLength:"64" doc:"The link's token."`
	Accept string `header:"Accept" doc:"text/html for the page a browser shows; application/json for the same as JSON."`
	// Tracking parameters that chat apps, social networks and newsletters
	// append to a pasted link (docs/rules.md, "Query parameters"): a link
	// shared on Facebook comes back with ?fbclid=… and must still open.
	// Declared so they are accepted, and ignored; any other unknown
	// parameter is still refused.
	FBCLID      string `query:"fbclid" maxLength:"512" doc:"Added by Facebook; ignored."`
	GCLID       string `query:"gclid" maxLength:"512" doc:"Added by Google Ads; ignored."`
	MSCLKID     string `query:"msclkid" maxLength:"512" doc:"Added by Microsoft Ads; ignored."`
	UTMSource   string `query:"utm_source" maxLength:"512" doc:"Campaign tag; ignored."`
	UTMMedium   string `query:"utm_medium" maxLength:"512" doc:"Campaign tag; ignored."`
	UTMCampaign string `query:"utm_campaign" maxLength:"512" doc:"Campaign tag; ignored."`
	UTMTerm     string `query:"utm_term" maxLength:"512" doc:"Campaign tag; ignored."`
	UTMContent  string `query:"utm_content" maxLength:"512" doc:"Campaign tag; ignored."`
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
func handleLanding(cfg *Config, referrals warmlead.ReferralService) func(context.Context, *landingInput) (*rawOutput, error) {
	return func(ctx context.Context, in *landingInput) (*rawOutput, error) {
		html, err := negotiateHTML(in.Accept) // negotiate.go
		if err != nil {
			return nil, err
		}
		landing, err := referrals.OpenReferral(ctx, in.Token, visitOf(ctx))
		code := warmlead.ErrorCode(err)
		switch {
		case html && code == warmlead.ENOTFOUND:
			return renderPage(http.StatusNotFound, "notfound.html", goneValues(cfg, "This link does not lead anywhere",
				"The link you followed is unknown, or was mistyped. Ask the person who shared it for a fresh one."))
		case html && code == warmlead.EGONE && (landing == nil || landing.Posting == nil || (landing.Referral != nil && landing.Referral.Revoked)):
			// A link its referrer took back.
			return renderPage(http.StatusGone, "notfound.html", goneValues(cfg, "This link is no longer shared",
				"The person who shared it has taken it back. If you know them, ask them about it: they may have another way in."))
		case err != nil && (code != warmlead.EGONE || landing == nil || landing.Posting == nil || !html):
			return nil, err
		}
		p, r := landing.Posting, landing.Referral
		closed := ""
		switch st := landing.Status(); st {
		case warmlead.StatusOpen:
		case warmlead.StatusExpired:
			closed = "Thanks for following this link. This lead's deadline passed on " + p.ValidThrough.Format("2 January 2006") +
				", so it no longer takes interest."
		default:
			closed = "Thanks for following this link. This lead has been " + closedWord(st) + ", so it no longer takes interest. " +
				"The person who shared it will be glad you looked."
		}
		if !html {
			if closed != "" {
				return nil, warmlead.Errorf(warmlead.EGONE, "%s", closed)
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

// closedWord is how the page names a closed posting's status.
func closedWord(s warmlead.PostingStatus) string {
	if s == warmlead.StatusFilled {
		return "filled"
	}
	return "closed"
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

// landingPage is what the landing page shows (pages/landing.html).
func landingPage(cfg *Config, r *warmlead.Referral, p *warmlead.Posting, closed string) map[string]string {
	shared, via := chainMember(r, len(r.Chain)-1), chainMemberJSON{}
	if parent := len(r.Chain) - 2; parent >= 0 && r.ParentToken != "" {
		via = chainMember(r, parent)
	}
	poster := displayName(chainMember(r, 0))
	v := baseValues(cfg)
	for k, x := range map[string]string{
		"title": p.Title + " · Warmlead", "url": cfg.linkURL(r.Token), "token": r.Token, "posting_id": p.ID,
		"shared_by": displayName(shared), "via": displayName(via), "posting_title": p.Title,
		"kind": label(string(p.Kind)), "place": placeText(p), "pay": payText(p), "hours": "", "duration": "", "start": p.StartDate,
		"audience": audienceText(p.Audience), "deadline": p.ValidThrough.UTC().Format("2 January 2006"),
		"deadline_iso": p.ValidThrough.UTC().Format(time.RFC3339), "closed": closed,
		"description": p.Description, "how_to_apply": p.HowToApply, "og": "", "jsonld": "", "chain_credit": "",
	} {
		v[k] = x
	}
	v["poster"], v["poster_short"] = "Posted by "+poster, poster
	if p.Organization != "" {
		v["poster"], v["poster_short"] = p.Organization+" · posted by "+poster, poster
	}
	if p.HoursPerWeek != nil {
		v["hours"] = strconv.Itoa(*p.HoursPerWeek) + " h a week"
	}
	if p.DurationWeeks != nil {
		v["duration"] = strconv.Itoa(*p.DurationWeeks) + " weeks"
	}
	// Who is thanked when this visitor is interested: everyone on the chain
	// but the poster.
	var credited []string
	for i := 1; i < len(r.Chain); i++ {
		credited = append(credited, displayName(chainMember(r, i)))
	}
	switch n := len(credited); {
	case n == 1:
		v["chain_credit"] = credited[0] + " is"
	case n > 1 && n <= 3:
		v["chain_credit"] = strings.Join(credited[:n-1], ", ") + " and " + credited[n-1] + " are"
	case n > 3:
		v["chain_credit"] = "the " + strconv.Itoa(n) + " people who passed it on are"
	}
	summary := v["kind"]
	if p.Organization != "" {
		summary += " at " + p.Organization
	}
	v["summary"] = summary + ", shared by " + v["shared_by"] + " on Warmlead."
	// Only postings anyone may see are described to search engines and link previews.
	if p.VisibleTo("", warmlead.Sight{}) && closed == "" {
		v["og"] = "yes"
		if b, err := json.Marshal(jobPosting(cfg, r, p)); err == nil {
			v["jsonld"] = string(b)
		}
	}
	return v
}

// baseValues are what every page's head and actions use.
func baseValues(cfg *Config) map[string]string {
	return map[string]string{"base_url": cfg.PublicBaseURL, "og": "", "jsonld": "", "url": "", "posting_title": "",
		"authorize_url": cfg.SignIn.AuthorizeURL, "token_url": cfg.SignIn.TokenURL, "client_id": cfg.SignIn.ClientID}
}

func goneValues(cfg *Config, heading, message string) map[string]string {
	v := baseValues(cfg)
	v["title"], v["summary"], v["heading"], v["message"] = heading+" · Warmlead", message, heading, message
	return v
}

func placeText(p *warmlead.Posting) string {
	out := label(string(p.Workplace))
	if p.Location != nil {
		var parts []string
		for _, s := range []string{p.Location.City, p.Location.Region, p.Location.Country} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			out += " · " + strings.Join(parts, ", ")
		}
	}
	return out
}

func payText(p *warmlead.Posting) string {
	out := label(string(p.Compensation))
	if p.Pay != nil {
		amount := strconv.FormatFloat(p.Pay.Min, 'f', -1, 64)
		if p.Pay.Max > p.Pay.Min {
			amount += "–" + strconv.FormatFloat(p.Pay.Max, 'f', -1, 64)
		}
		out += " · " + amount + " " + p.Pay.Currency + " a " + string(p.Pay.Unit)
	}
	return out
}

func audienceText(as []warmlead.Audience) string {
	if len(as) == 0 {
		return "Anyone"
	}
	words := make([]string, len(as))
	for i, a := range as {
		words[i] = strings.ToLower(label(string(a)))
	}
	return label(strings.Join(words, ", "))
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

// landingSchema documents the JSON form of the landing page, an operation
// tagged tag; nil when api does not register that tag's operations.
func landingSchema(api huma.API, tag string) *huma.Schema {
	if !serves(api, tag) {
		return nil // not this function's operation (groups.go)
	}
	if documentOnly(api) != nil {
		return &huma.Schema{} // a response's schema: a group builds none (groups.go)
	}
	return api.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(landingJSON{}), true, "")
}
