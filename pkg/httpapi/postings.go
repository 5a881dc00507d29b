package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

type createPostingInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"128" doc:"Retry-safe creation: the same key and body within 24 h returns the first response and creates nothing new."`
	Body           postingBody
}

type postingOutput struct {
	Status   int
	Location string `header:"Location"`
	ETag     string `header:"ETag"`
	Replayed string `header:"Idempotent-Replayed" doc:"true when this is the stored response to an earlier request with the same Idempotency-Key."`
	Body     postingJSON
}

func handleCreatePosting(postings warmlead.PostingService) func(context.Context, *createPostingInput) (*postingOutput, error) {
	return func(ctx context.Context, in *createPostingInput) (*postingOutput, error) {
		var idem *warmlead.Idempotency
		if in.IdempotencyKey != "" {
			// The request as read, not its bytes: the same JSON with its keys
			// in another order or other spacing is the same request.
			canonical, err := json.Marshal(in.Body)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(canonical)
			idem = &warmlead.Idempotency{Key: in.IdempotencyKey, BodyHash: hex.EncodeToString(sum[:])}
		}
		p, replayed, err := postings.CreatePosting(ctx, caller(ctx), in.Body.posting(), idem)
		if err != nil {
			return nil, err
		}
		out := newPostingOutput(http.StatusCreated, p)
		out.Location = "/postings/" + p.ID
		if replayed {
			out.Replayed = "true"
		}
		return out, nil
	}
}

func newPostingOutput(status int, p *warmlead.Posting) *postingOutput {
	return &postingOutput{Status: status, ETag: etag(p.Version), Body: toPostingJSON(p)}
}

// etag is a posting's version as a strong entity tag.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch is what an If-Match header accepts (RFC 9110 §13.1.1): any
// version ("*"), or any of the listed ones (`"1", "2"`).
type ifMatch struct {
	any      bool
	versions []int
}

// matches reports whether version is acceptable.
func (m ifMatch) matches(version int) bool {
	if m.any {
		return true
	}
	for _, v := range m.versions {
		if v == version {
			return true
		}
	}
	return false
}

// version is the one version to pass the store: the only one listed, or
// 0 (any) when the handler checks the list itself.
func (m ifMatch) version() int {
	if len(m.versions) == 1 && !m.any {
		return m.versions[0]
	}
	return 0
}

// parseIfMatch reads an If-Match header, whole: "*" or a list of entity
// tags. Tags that are not versions of a posting can never match.
func parseIfMatch(h string) (ifMatch, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return ifMatch{}, newProblem(http.StatusPreconditionRequired, "Send If-Match with the ETag you read, so concurrent edits are not lost.",
			errorDetail("header.If-Match", "is required"))
	}
	if h == "*" {
		return ifMatch{any: true}, nil
	}
	var m ifMatch
	// If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag
	// (W/"7") or an unquoted one never matches.
	for _, tag := range entityTags(h) {
		if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
			continue
		}
		if v, err := strconv.Atoi(tag[1 : len(tag)-1]); err == nil && v >= 1 {
			m.versions = append(m.versions, v)
		}
	}
	if len(m.versions) == 0 {
		return ifMatch{}, staleIfMatch()
	}
	return m, nil
}

func staleIfMatch() error {
	return &warmlead.Error{Code: warmlead.EPRECONDITION, Message: "If-Match does not name the current version of this posting.",
		Fields: []warmlead.FieldError{{Field: "version", Message: "not the current ETag of this posting"}}}
}

// entityTags splits a list of entity tags; a quoted tag may hold commas.
func entityTags(h string) []string {
	var tags []string
	for h = strings.TrimLeft(h, " \t,"); h != ""; h = strings.TrimLeft(h, " \t,") {
		end := strings.IndexByte(h, ',')
		if open := strings.IndexByte(h, '"'); open >= 0 && (end < 0 || open < end) {
			if closeAt := strings.IndexByte(h[open+1:], '"'); closeAt >= 0 {
				end = open + 1 + closeAt + 1
				tags = append(tags, strings.TrimSpace(h[:end]))
				h = h[end:]
				continue
			}
		}
		if end < 0 {
			end = len(h)
		}
		tags = append(tags, strings.TrimSpace(h[:end]))
		h = h[end:]
	}
	return tags
}

type postingIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The posting's id."`
}

func handleGetPosting(postings warmlead.PostingService) func(context.Context, *postingIDInput) (*postingOutput, error) {
	return func(ctx context.Context, in *postingIDInput) (*postingOutput, error) {
		p, err := postings.FindPostingByID(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return newPostingOutput(http.StatusOK, p), nil
	}
}

type closePostingInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Reason closeReason `json:"reason" example:"filled"`
	}
}

func handleClosePosting(postings warmlead.PostingService) func(context.Context, *closePostingInput) (*postingOutput, error) {
	return func(ctx context.Context, in *closePostingInput) (*postingOutput, error) {
		p, err := postings.ClosePosting(ctx, caller(ctx), in.ID, warmlead.CloseReason(in.Body.Reason))
		if err != nil {
			return nil, err
		}
		return newPostingOutput(http.StatusOK, p), nil
	}
}

type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Items per page."`
	Cursor string `query:"cursor" maxLength:"2048" doc:"next_cursor of the previous page."`
}

func (p PageParams) request() warmlead.PageRequest {
	return warmlead.PageRequest{Limit: p.Limit, Cursor: p.Cursor}
}

type postingPageOutput struct {
	Body postingPageJSON
}

func handleListMyPostings(postings warmlead.PostingService) func(context.Context, *PageParams) (*postingPageOutput, error) {
	return func(ctx context.Context, in *PageParams) (*postingPageOutput, error) {
		pg, err := postings.ListPostingsByPoster(ctx, caller(ctx), in.request())
		if err != nil {
			return nil, err
		}
		return &postingPageOutput{Body: toPostingPage(pg)}, nil
	}
}

type browseInput struct {
	Kind         postingKind  `query:"kind"`
	Field        string       `query:"field" maxLength:"100" example:"data"`
	Audience     audience     `query:"audience"`
	Workplace    workplace    `query:"workplace"`
	Compensation compensation `query:"compensation"`
	OrgID        string       `query:"org_id" maxLength:"64"`
	PosterID     string       `query:"poster_id" maxLength:"128"`
	DiscoveryParams
	PageParams
}

func handleBrowsePostings(postings warmlead.PostingService) func(context.Context, *browseInput) (*postingPageOutput, error) {
	return func(ctx context.Context, in *browseInput) (*postingPageOutput, error) {
		pg, err := postings.BrowsePostings(ctx, caller(ctx), warmlead.PostingFilter{
			Kind: warmlead.PostingKind(in.Kind), Field: in.Field, Audience: warmlead.Audience(in.Audience),
			Workplace: warmlead.Workplace(in.Workplace), Compensation: warmlead.Compensation(in.Compensation),
			OrgID: in.OrgID, PosterID: in.PosterID,
			Q: in.Q, Country: in.Country, Region: in.Region, City: in.City,
		}, in.request())
		if err != nil {
			return nil, err
		}
		return &postingPageOutput{Body: toPostingPage(pg)}, nil
	}
}
