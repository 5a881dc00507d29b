package httpapi

import (
	"errors"
	"net/http"

	"github.com/elnormous/contenttype"
)

// landingTypes are what GET /r/{token} can answer, in order of preference
// when the client has none (no Accept, or `*/*`): JSON, then the page. Both
// are UTF-8, so `text/html;charset=utf-8` is acceptable as it should be.
var landingTypes = []contenttype.MediaType{
	contenttype.NewMediaType("application/json; charset=utf-8"),
	contenttype.NewMediaType("text/html; charset=utf-8"),
}

// negotiateHTML chooses between the landing page's HTML and JSON forms by
// RFC 9110 §12.5.1 (q-values, wildcards, the most specific range wins, q=0
// refuses), with github.com/elnormous/contenttype. A browser's Accept
// (`text/html,...,*/*;q=0.8`) gets HTML; `text/html;q=0, application/json`
// gets JSON; an Accept neither form satisfies is a 406. An Accept that does
// not parse is ignored, as RFC 9110 allows.
func negotiateHTML(accept string) (bool, error) {
	if accept == "" {
		return false, nil
	}
	mt, _, err := contenttype.GetAcceptableMediaTypeFromHeader(accept, landingTypes)
	switch {
	case errors.Is(err, contenttype.ErrNoAcceptableTypeFound):
		return false, newProblem(http.StatusNotAcceptable, "This link answers text/html or application/json; the Accept header allows neither.",
			errorDetail("header.Accept", "allows neither text/html nor application/json"))
	case err != nil:
		return false, nil
	}
	return mt.MIME() == "text/html", nil
}
