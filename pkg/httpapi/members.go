package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// stage is a member's stage on the wire; its enum comes from the domain.
type stage string

// Schema documents (and so validates) the stage enum from warmlead.Stages.
func (stage) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Stages, "Where the member is in their working life.")
}

type profileBody struct {
	Name      string              `json:"name" minLength:"1" maxLength:"100" example:"Dana Ortiz" doc:"Display name."`
	Headline  string              `json:"headline,omitempty" maxLength:"200" example:"Career changer: teacher to UX research"`
	Stage     stage               `json:"stage" example:"career_changer"`
	Interests []string            `json:"interests,omitempty" maxItems:"20" example:"[\"ux research\",\"data\"]" doc:"Fields of work (each 1-50 characters); when set, only leads in these fields are notified."`
	Location  string              `json:"location,omitempty" maxLength:"100" example:"Lyon, France"`
	Directory directoryVisibility `json:"directory,omitempty" doc:"Who sees you in your organisations' directories; absent keeps the current setting (orgs for a new profile)."`
}

type memberJSON struct {
	ID        string    `json:"id" example:"alice"`
	Name      string    `json:"name"`
	Headline  string    `json:"headline"`
	Stage     string    `json:"stage"`
	Interests []string  `json:"interests"`
	Location  string    `json:"location"`
	Directory string    `json:"directory" example:"orgs" doc:"Who sees you in your organisations' directories."`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type publicMemberJSON struct {
	ID       string `json:"id" example:"alice"`
	Name     string `json:"name"`
	Headline string `json:"headline"`
	Stage    string `json:"stage"`
}

func toMemberJSON(m *warmlead.Member) memberJSON {
	interests := m.Interests
	if interests == nil {
		interests = []string{}
	}
	return memberJSON{ID: m.ID, Name: m.Name, Headline: m.Headline, Stage: string(m.Stage),
		Interests: interests, Location: m.Location, Directory: string(m.Directory), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

type putMeInput struct {
	Body profileBody
}

type memberOutput struct {
	Status int
	Body   memberJSON
}

type publicMemberOutput struct {
	Body publicMemberJSON
}

func handlePutMe(members warmlead.MemberService, settings warmlead.SettingsService) func(context.Context, *putMeInput) (*memberOutput, error) {
	return func(ctx context.Context, in *putMeInput) (*memberOutput, error) {
		m, created, err := members.PutMember(ctx, &warmlead.Member{
			ID: caller(ctx), Name: in.Body.Name, Headline: in.Body.Headline, Stage: warmlead.Stage(in.Body.Stage),
			Interests: in.Body.Interests, Location: in.Body.Location, Directory: warmlead.DirectoryVisibility(in.Body.Directory),
		})
		if err != nil {
			return nil, err
		}
		if err := storeVerifiedEmail(ctx, settings, m.ID); err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &memberOutput{Status: status, Body: toMemberJSON(m)}, nil
	}
}

func handleGetMe(members warmlead.MemberService) func(context.Context, *struct{}) (*memberOutput, error) {
	return func(ctx context.Context, _ *struct{}) (*memberOutput, error) {
		m, err := members.FindMemberByID(ctx, caller(ctx))
		if warmlead.ErrorCode(err) == warmlead.ENOTFOUND {
			return nil, warmlead.Errorf(warmlead.ENOTFOUND, "You have no profile yet: create it with PUT /me.")
		}
		if err != nil {
			return nil, err
		}
		return &memberOutput{Status: http.StatusOK, Body: toMemberJSON(m)}, nil
	}
}

type getMemberInput struct {
	ID string `path:"id" maxLength:"128" doc:"The member's id."`
}

func handleGetMember(members warmlead.MemberService) func(context.Context, *getMemberInput) (*publicMemberOutput, error) {
	return func(ctx context.Context, in *getMemberInput) (*publicMemberOutput, error) {
		m, err := members.FindMemberByID(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &publicMemberOutput{Body: publicMemberJSON{ID: m.ID, Name: m.Name, Headline: m.Headline, Stage: string(m.Stage)}}, nil
	}
}
