package httpapi

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// An organisation's directory (docs/people.md, "Directory").

// directoryVisibility is a member's directory setting on the wire.
type directoryVisibility string

func (directoryVisibility) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.DirectoryVisibilities,
		"orgs: fellow members of your organisations see you in their directories; connections: only those of them who are your accepted connections; hidden: only the organisations' admins.")
}

// directoryStage is the stage filter: a stage, or absent (or empty: huma
// skips an empty query value) for any.
type directoryStage string

func (directoryStage) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Stages, "Only members at this stage.")
}

type directoryEntryJSON struct {
	orgMemberJSON
	Name         string   `json:"name" example:"Hugo Laurent"`
	Headline     string   `json:"headline" example:"Head of operations at a food start-up"`
	Stage        string   `json:"stage" example:"professional"`
	Interests    []string `json:"interests"`
	OffersAdvice bool     `json:"offers_advice" doc:"They have an open advice offer (GET /members/{id}/offer)."`
}

type listOrgDirectoryInput struct {
	ID           string         `path:"id" doc:"The organisation's id."`
	Q            string         `query:"q" maxLength:"200" doc:"Every word must match a word of the name, headline or an interest (case and accents ignored); the last word also as a prefix."`
	Stage        directoryStage `query:"stage" doc:"Only members at this stage."`
	OffersAdvice bool           `query:"offers_advice" doc:"Only members with an open advice offer."`
	PageParams
}

type directoryPageOutput struct {
	Body struct {
		Items      []directoryEntryJSON `json:"items"`
		NextCursor *string              `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page. A page may be short when few members match."`
	}
}

func handleListOrgDirectory(dir warmlead.DirectoryService) func(context.Context, *listOrgDirectoryInput) (*directoryPageOutput, error) {
	return func(ctx context.Context, in *listOrgDirectoryInput) (*directoryPageOutput, error) {
		q, p := warmlead.CleanText(in.Q, false)
		if p != warmlead.TextOK {
			return nil, warmlead.Invalid(warmlead.FieldError{Field: "q", Message: string(p)})
		}
		pg, err := dir.ListOrgDirectory(ctx, caller(ctx), in.ID,
			warmlead.DirectoryFilter{Q: q, Stage: warmlead.Stage(in.Stage), OffersAdvice: in.OffersAdvice}, in.request())
		if err != nil {
			return nil, err
		}
		out := &directoryPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]directoryEntryJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, e := range pg.Items {
			interests := e.Interests
			if interests == nil {
				interests = []string{}
			}
			out.Body.Items[i] = directoryEntryJSON{orgMemberJSON: toOrgMemberJSON(e.Membership), Name: e.Name, Headline: e.Headline,
				Stage: string(e.Stage), Interests: interests, OffersAdvice: e.OffersAdvice}
		}
		return out, nil
	}
}
