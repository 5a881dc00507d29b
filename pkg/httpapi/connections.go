package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// connectionStatus is a connection's status on the wire; its values come
// from the domain.
type connectionStatus string

func (connectionStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.ConnectionStatuses, "pending until the member asked accepts.")
}

type connectionBody struct {
	MemberID string `json:"member_id" minLength:"1" maxLength:"128" example:"bob" doc:"The member you ask to connect."`
	Note     string `json:"note,omitempty" text:"multiline" maxLength:"500" example:"We met at the alumni evening; I'd love to hear about your move into data."`
	MetVia   string `json:"met_via,omitempty" maxLength:"100" example:"Lyon Business School alumni evening"`
}

type connectionJSON struct {
	ID          string           `json:"id" example:"alice~bob" doc:"Names the pair: the same two members have one connection whoever asked."`
	RequesterID string           `json:"requester_id" example:"alice"`
	RecipientID string           `json:"recipient_id" example:"bob"`
	Status      connectionStatus `json:"status" example:"pending"`
	Note        string           `json:"note" example:"We met at the alumni evening."`
	MetVia      string           `json:"met_via" example:"Lyon Business School alumni evening"`
	CreatedAt   time.Time        `json:"created_at"`
	AcceptedAt  *time.Time       `json:"accepted_at,omitempty" doc:"When the recipient accepted; absent while pending."`
}

func toConnectionJSON(c *warmlead.Connection) connectionJSON {
	out := connectionJSON{ID: c.ID, RequesterID: c.RequesterID, RecipientID: c.RecipientID,
		Status: connectionStatus(c.Status), Note: c.Note, MetVia: c.MetVia, CreatedAt: c.CreatedAt}
	if !c.AcceptedAt.IsZero() {
		at := c.AcceptedAt
		out.AcceptedAt = &at
	}
	return out
}

// connectionPageJSON is one page of the caller's connections.
type connectionPageJSON struct {
	Items      []connectionJSON `json:"items"`
	NextCursor *string          `json:"next_cursor" doc:"Pass as cursor to read the next page; null on the last page."`
}

type requestConnectionInput struct {
	Body connectionBody
}

type connectionOutput struct {
	Status int
	Body   connectionJSON
}

type connectionPathInput struct {
	ID string `path:"id" maxLength:"257" example:"alice~bob" doc:"The connection's id."`
}

type listConnectionsInput struct {
	Status connectionStatus `query:"status" example:"pending" doc:"accepted connections, or pending requests (sent and received); without it, both (accepted first), each item with its status."`
	PageParams
}

type connectionPageOutput struct {
	Body connectionPageJSON
}

func handleRequestConnection(conns warmlead.ConnectionService) func(context.Context, *requestConnectionInput) (*connectionOutput, error) {
	return func(ctx context.Context, in *requestConnectionInput) (*connectionOutput, error) {
		c, created, err := conns.RequestConnection(ctx, caller(ctx), &warmlead.Connection{
			RecipientID: in.Body.MemberID, Note: in.Body.Note, MetVia: in.Body.MetVia,
		})
		if err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &connectionOutput{Status: status, Body: toConnectionJSON(c)}, nil
	}
}

func handleAcceptConnection(conns warmlead.ConnectionService) func(context.Context, *connectionPathInput) (*connectionOutput, error) {
	return func(ctx context.Context, in *connectionPathInput) (*connectionOutput, error) {
		c, err := conns.AcceptConnection(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &connectionOutput{Status: http.StatusOK, Body: toConnectionJSON(c)}, nil
	}
}

func handleDeleteConnection(conns warmlead.ConnectionService) func(context.Context, *connectionPathInput) (*struct{}, error) {
	return func(ctx context.Context, in *connectionPathInput) (*struct{}, error) {
		if err := conns.DeleteConnection(ctx, caller(ctx), in.ID); err != nil {
			return nil, err
		}
		return nil, nil
	}
}

func handleListConnections(conns warmlead.ConnectionService) func(context.Context, *listConnectionsInput) (*connectionPageOutput, error) {
	return func(ctx context.Context, in *listConnectionsInput) (*connectionPageOutput, error) {
		pg, err := conns.ListConnections(ctx, caller(ctx), warmlead.ConnectionStatus(in.Status), in.request())
		if err != nil {
			return nil, err
		}
		out := &connectionPageOutput{Body: connectionPageJSON{Items: make([]connectionJSON, len(pg.Items)), NextCursor: nextCursor(pg.Next)}}
		for i, c := range pg.Items {
			out.Body.Items[i] = toConnectionJSON(c)
		}
		return out, nil
	}
}
