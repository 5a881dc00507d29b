package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Organisations and consent (docs/rules.md, "Organisations and consent"):
// invitations, accepting and declining, stepping down, archiving, and a
// member's own organisations and invitations.

type orgStatus string

func (orgStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema([]warmlead.OrgStatus{warmlead.OrgActive, warmlead.OrgArchived},
		"archived: takes no new postings, invitations or members.")
}

type invitationJSON struct {
	ID          string    `json:"id" example:"k3q5w7e2r4t6y8u2i4o6p8a2s4~bob" doc:"The organisation's id and the invitee's, joined by ~."`
	OrgID       string    `json:"org_id" example:"k3q5w7e2r4t6y8u2i4o6p8a2s4"`
	OrgName     string    `json:"org_name" example:"Lyon Business School Alumni"`
	MemberID    string    `json:"member_id" example:"bob" doc:"The invitee."`
	Role        orgRole   `json:"role" example:"member" doc:"The role accepting gives."`
	InvitedBy   string    `json:"invited_by" example:"alice"`
	InviterName string    `json:"inviter_name,omitempty" example:"Alice Martin"`
	Status      string    `json:"status" enum:"pending" doc:"Always pending: accepting or declining consumes an invitation."`
	CreatedAt   time.Time `json:"created_at"`
}

func toInvitationJSON(inv *warmlead.OrgInvitation) invitationJSON {
	return invitationJSON{ID: inv.OrgID + "~" + inv.MemberID, OrgID: inv.OrgID, OrgName: inv.OrgName, MemberID: inv.MemberID,
		Role: orgRole(inv.Role), InvitedBy: inv.InvitedBy, InviterName: inv.InviterName, Status: "pending", CreatedAt: inv.CreatedAt}
}

type invitationOutput struct {
	Status int
	Body   invitationJSON
}

type invitationPageOutput struct {
	Body struct {
		Items      []invitationJSON `json:"items"`
		NextCursor *string          `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

type myOrgJSON struct {
	ID       string    `json:"id" example:"k3q5w7e2r4t6y8u2i4o6p8a2s4" doc:"The organisation's id."`
	Name     string    `json:"name" example:"Lyon Business School Alumni"`
	Kind     orgKind   `json:"kind" example:"alumni_association"`
	Status   orgStatus `json:"status" example:"active"`
	Role     orgRole   `json:"role" example:"member" doc:"Your role in it."`
	JoinedAt time.Time `json:"joined_at"`
}

type myOrgPageOutput struct {
	Body struct {
		Items      []myOrgJSON `json:"items"`
		NextCursor *string     `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
	}
}

type archiveJSON struct {
	Org            orgJSON `json:"org"`
	PostingsClosed int     `json:"postings_closed" doc:"Open leads this call closed (withdrawn)." example:"3"`
	MoreToClose    bool    `json:"more_to_close" doc:"True when open leads or invitations remain: call again to close more."`
}

type archiveOutput struct {
	Body archiveJSON
}

func handleInviteOrgMember(orgs warmlead.OrgService) func(context.Context, *addOrgMemberInput) (*invitationOutput, error) {
	return func(ctx context.Context, in *addOrgMemberInput) (*invitationOutput, error) {
		role := warmlead.OrgRole(in.Body.Role)
		if role == "" {
			role = warmlead.RoleMember
		}
		inv, created, err := orgs.InviteOrgMember(ctx, caller(ctx), in.ID, in.Body.MemberID, role)
		if err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &invitationOutput{Status: status, Body: toInvitationJSON(inv)}, nil
	}
}

func handleAcceptOrgInvitation(orgs warmlead.OrgService) func(context.Context, *orgPathInput) (*orgMemberOutput, error) {
	return func(ctx context.Context, in *orgPathInput) (*orgMemberOutput, error) {
		m, err := orgs.AcceptOrgInvitation(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &orgMemberOutput{Body: toOrgMemberJSON(m)}, nil
	}
}

func handleDeclineOrgInvitation(orgs warmlead.OrgService) func(context.Context, *orgPathInput) (*struct{}, error) {
	return func(ctx context.Context, in *orgPathInput) (*struct{}, error) {
		return nil, orgs.DeclineOrgInvitation(ctx, caller(ctx), in.ID)
	}
}

func handleStepDown(orgs warmlead.OrgService) func(context.Context, *orgPathInput) (*orgMemberOutput, error) {
	return func(ctx context.Context, in *orgPathInput) (*orgMemberOutput, error) {
		m, err := orgs.StepDown(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &orgMemberOutput{Body: toOrgMemberJSON(m)}, nil
	}
}

func handleArchiveOrg(orgs warmlead.OrgService) func(context.Context, *orgPathInput) (*archiveOutput, error) {
	return func(ctx context.Context, in *orgPathInput) (*archiveOutput, error) {
		res, err := orgs.ArchiveOrg(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &archiveOutput{Body: archiveJSON{Org: toOrgJSON(res.Org), PostingsClosed: res.PostingsClosed, MoreToClose: res.MoreToClose}}, nil
	}
}

func handleListMyInvitations(orgs warmlead.OrgService) func(context.Context, *PageParams) (*invitationPageOutput, error) {
	return func(ctx context.Context, in *PageParams) (*invitationPageOutput, error) {
		pg, err := orgs.ListMyInvitations(ctx, caller(ctx), in.request())
		if err != nil {
			return nil, err
		}
		out := &invitationPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]invitationJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, inv := range pg.Items {
			out.Body.Items[i] = toInvitationJSON(inv)
		}
		return out, nil
	}
}

func handleListMyOrgs(orgs warmlead.OrgService) func(context.Context, *PageParams) (*myOrgPageOutput, error) {
	return func(ctx context.Context, in *PageParams) (*myOrgPageOutput, error) {
		pg, err := orgs.ListMyOrgs(ctx, caller(ctx), in.request())
		if err != nil {
			return nil, err
		}
		out := &myOrgPageOutput{}
		out.Body.Items, out.Body.NextCursor = make([]myOrgJSON, len(pg.Items)), nextCursor(pg.Next)
		for i, m := range pg.Items {
			out.Body.Items[i] = myOrgJSON{ID: m.Org.ID, Name: m.Org.Name, Kind: orgKind(m.Org.Kind), Status: orgStatus(m.Org.Status()),
				Role: orgRole(m.Role), JoinedAt: m.JoinedAt}
		}
		return out, nil
	}
}

// addConsentRoutes registers the consent operations (called from addRoutes).
func addConsentRoutes(api huma.API, svc Services) {
	tags := []string{"Organisations"}
	register(api, huma.Operation{OperationID: "accept-org-invitation", Method: http.MethodPost, Path: "/orgs/{id}/invitation/accept", Security: private,
		Summary: "Accept your invitation to an organisation", Tags: tags,
		Description: "You become a member, or an admin, as the invitation says; the invitation is consumed. 404 without a pending invitation; 409 if the organisation was archived."},
		handleAcceptOrgInvitation(svc.Orgs))
	register(api, huma.Operation{OperationID: "decline-org-invitation", Method: http.MethodPost, Path: "/orgs/{id}/invitation/decline", Security: private,
		DefaultStatus: http.StatusNoContent, Summary: "Decline your invitation to an organisation", Tags: tags,
		Description: "The invitation is deleted; an admin may invite you again."}, handleDeclineOrgInvitation(svc.Orgs))
	register(api, huma.Operation{OperationID: "step-down-org-admin", Method: http.MethodPost, Path: "/orgs/{id}/step-down", Security: private,
		Summary: "Step down from admin to member", Tags: tags,
		Description: "The last admin of an active organisation cannot (409): invite another admin and wait for them to accept, or archive it. A member stepping down changes nothing."},
		handleStepDown(svc.Orgs))
	register(api, huma.Operation{OperationID: "archive-org", Method: http.MethodPost, Path: "/orgs/{id}/archive", Security: private,
		Summary: "Archive an organisation", Tags: tags,
		Description: "Admins only. The organisation then takes no new postings, invitations or members, and its last admin may leave. " +
			"Its open leads are closed (withdrawn) and pending invitations withdrawn, a bounded number per call: call again while more_to_close is true."},
		handleArchiveOrg(svc.Orgs))
	register(api, huma.Operation{OperationID: "list-my-invitations", Method: http.MethodGet, Path: "/me/invitations", Security: private,
		Summary: "Your pending invitations to organisations, newest first", Tags: tags}, handleListMyInvitations(svc.Orgs))
	register(api, huma.Operation{OperationID: "list-my-orgs", Method: http.MethodGet, Path: "/me/orgs", Security: private,
		Summary: "Your organisations, with your role in each", Tags: tags}, handleListMyOrgs(svc.Orgs))
}
