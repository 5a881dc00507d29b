package httpapi

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

type notificationType string

func (notificationType) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.NotificationTypes, "What happened.")
}

type notificationJSON struct {
	ID        string           `json:"id" example:"1795305600000000000-3f2a9c0d1e4b5a69"`
	Type      notificationType `json:"type" example:"new_lead"`
	PostingID string           `json:"posting_id,omitempty" doc:"The lead it concerns, if any."`
	ActorID   string           `json:"actor_id" doc:"Who did it." example:"alice"`
	CreatedAt time.Time        `json:"created_at"`
	Read      bool             `json:"read"`
	OrgID     string           `json:"org_id,omitempty" doc:"The organisation it concerns, if any."`
	Summary   string           `json:"summary" doc:"What happened, in words." example:"Dana Reyes is interested in “UX research intern”"`
	Others    []string         `json:"other_ids,omitempty" doc:"keep_warm: the connections it names."`
}

type inboxOutput struct {
	Body struct {
		Items      []notificationJSON `json:"items"`
		NextCursor *string            `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
		Unread     int                `json:"unread" doc:"How many notifications are unread." example:"3"`
	}
}

func handleListNotifications(inbox warmlead.NotificationService) func(context.Context, *PageParams) (*inboxOutput, error) {
	return func(ctx context.Context, in *PageParams) (*inboxOutput, error) {
		got, err := inbox.ListNotifications(ctx, caller(ctx), in.request())
		if err != nil {
			return nil, err
		}
		out := &inboxOutput{}
		out.Body.Items, out.Body.NextCursor, out.Body.Unread = make([]notificationJSON, len(got.Items)), nextCursor(got.Next), got.Unread
		for i, n := range got.Items {
			out.Body.Items[i] = notificationJSON{ID: n.ID, Type: notificationType(n.Type), PostingID: n.PostingID,
				ActorID: n.ActorID, CreatedAt: n.CreatedAt, Read: n.Read, OrgID: n.OrgID, Summary: n.Summary, Others: n.Others}
		}
		return out, nil
	}
}

type markReadInput struct {
	Body *struct {
		UpTo string `json:"up_to,omitempty" maxLength:"64" doc:"Mark read up to and including this notification; omitted: everything so far."`
	}
}

func handleMarkRead(inbox warmlead.NotificationService) func(context.Context, *markReadInput) (*struct{}, error) {
	return func(ctx context.Context, in *markReadInput) (*struct{}, error) {
		upTo := ""
		if in.Body != nil {
			upTo = in.Body.UpTo
		}
		if err := inbox.MarkNotificationsRead(ctx, caller(ctx), upTo); err != nil {
			return nil, err
		}
		return nil, nil
	}
}
