package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// orgKind and orgRole are the organisation enums on the wire; their values
// come from the domain.
type (
	orgKind string
	orgRole string
)

func (orgKind) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.OrgKinds, "What sort of organisation it is.")
}

func (orgRole) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.OrgRoles, "admin: manages membership and posts on the organisation's behalf; member: receives its leads.")
}

type orgBody struct {
	Name string  `json:"name" minLength:"1" maxLength:"120" example:"Lyon Business School Alumni"`
	Kind orgKind `json:"kind" example:"alumni_association"`
}

type orgJSON struct {
	ID         string     `json:"id" example:"k3q5w7e2r4t6y8u2i4o6p8a2s4"`
	Name       string     `json:"name" example:"Lyon Business School Alumni"`
	Kind       orgKind    `json:"kind" example:"alumni_association"`
	CreatedBy  string     `json:"created_by" example:"alice" doc:"The member who created it (its first admin)."`
	CreatedAt  time.Time  `json:"created_at"`
	Status     orgStatus  `json:"status" example:"active"`
	ArchivedAt *time.Time `json:"archived_at,omitempty" doc:"When it was archived."`
}

func toOrgJSON(o *warmlead.Org) orgJSON {
	j := orgJSON{ID: o.ID, Name: o.Name, Kind: orgKind(o.Kind), CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt, Status: orgStatus(o.Status())}
	if !o.ArchivedAt.IsZero() {
		at := o.ArchivedAt
		j.ArchivedAt = &at
	}
	return j
}

type orgMemberBody struct {
	MemberID string  `json:"member_id" minLength:"1" maxLength:"128" example:"bob" doc:"The member to invite; they need a profile."`
	Role     orgRole `json:"role,omitempty" default:"member" example:"member" doc:"Defaults to member. Inviting a member as admin asks them to become one."`
}

type orgMemberJSON struct {
	ID       string    `json:"id" doc:"The membership (<org_id>:<member_id>)."`
	OrgID    string    `json:"org_id" example:"k3q5w7e2r4t6y8u2i4o6p8a2s4"`
	MemberID string    `json:"member_id" example:"bob"`
	Role     orgRole   `json:"role" example:"member"`
	JoinedAt time.Time `json:"joined_at"`
}

func toOrgMemberJSON(m *warmlead.OrgMember) orgMemberJSON {
	return orgMemberJSON{ID: m.OrgID + ":" + m.MemberID, OrgID: m.OrgID, MemberID: m.MemberID, Role: orgRole(m.Role), JoinedAt: m.JoinedAt}
}

type createOrgInput struct {
	Body orgBody
}

type orgOutput struct {
	Status   int
	Location string `header:"Location" doc:"The organisation's URL (on 201)."`
	Body     orgJSON
}

type orgPathInput struct {
	ID string `path:"id" doc:"The organisation's id."`
}

type addOrgMemberInput struct {
	ID   string `path:"id" doc:"The organisation's id."`
	Body orgMemberBody
}

type orgMemberOutput struct {
	Body orgMemberJSON
}

type removeOrgMemberInput struct {
	ID       string `path:"id" doc:"The organisation's id."`
	MemberID string `path:"member_id" maxLength:"128" doc:"The member to remove; your own id to leave."`
}

func handleCreateOrg(orgs warmlead.OrgService) func(context.Context, *createOrgInput) (*orgOutput, error) {
	return func(ctx context.Context, in *createOrgInput) (*orgOutput, error) {
		o, err := orgs.CreateOrg(ctx, caller(ctx), &warmlead.Org{Name: in.Body.Name, Kind: warmlead.OrgKind(in.Body.Kind)})
		if err != nil {
			return nil, err
		}
		return &orgOutput{Status: http.StatusCreated, Location: "/orgs/" + url.PathEscape(o.ID), Body: toOrgJSON(o)}, nil
	}
}

func handleGetOrg(orgs warmlead.OrgService) func(context.Context, *orgPathInput) (*orgOutput, error) {
	return func(ctx context.Context, in *orgPathInput) (*orgOutput, error) {
		o, err := orgs.FindOrgByID(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &orgOutput{Status: http.StatusOK, Body: toOrgJSON(o)}, nil
	}
}

func handleRemoveOrgMember(orgs warmlead.OrgService) func(context.Context, *removeOrgMemberInput) (*struct{}, error) {
	return func(ctx context.Context, in *removeOrgMemberInput) (*struct{}, error) {
		if err := orgs.RemoveOrgMember(ctx, caller(ctx), in.ID, in.MemberID); err != nil {
			return nil, err
		}
		return nil, nil
	}
}
