package notify

import (
	"context"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// orgInvitation tells the invitee they were invited to an organisation
// (or to become one of its admins). The fact is the invitation as written,
// so a re-invitation after a decline is a new fact and a replay is not.
func (h *Handler) orgInvitation(ctx context.Context, inv *warmlead.OrgInvitation) (int, error) {
	fact := "org_invitation:" + inv.OrgID + ":" + inv.MemberID + ":" + inv.CreatedAt.UTC().Format("20060102T150405.000000000")
	n := New(warmlead.NotifyOrgInvitation, inv.MemberID, inv.InvitedBy, "", fact, inv.CreatedAt)
	n.OrgID, n.Summary = inv.OrgID, inv.Summary()
	return 1, h.store.PutNotifications(ctx, []*warmlead.Notification{n})
}
