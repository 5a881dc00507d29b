package dynamo

import (
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// connectionItem is one side (edge) of a connection, in its owner's
// partition. Both edges carry the whole connection, so either side reads it
// with one GetItem and lists it with one Query of GSI1 (CONNS#<owner>#<status>,
// sorted by the other member's id). Accepting moves both edges to the
// accepted partition of GSI1.
type connectionItem struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Type        string `dynamodbav:"Type"`
	ID          string `dynamodbav:"ID"`
	Owner       string `dynamodbav:"Owner"`
	Other       string `dynamodbav:"Other"`
	RequesterID string `dynamodbav:"RequesterID"`
	RecipientID string `dynamodbav:"RecipientID"`
	Status      string `dynamodbav:"Status"`
	Note        string `dynamodbav:"Note"`
	MetVia      string `dynamodbav:"MetVia"`
	CreatedAt   string `dynamodbav:"CreatedAt"`
	AcceptedAt  string `dynamodbav:"AcceptedAt,omitempty"`
	GSI1PK      string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK      string `dynamodbav:"GSI1SK,omitempty"`
}

// newConnectionEdge is owner's edge of c.
func newConnectionEdge(c *warmlead.Connection, owner string) *connectionItem {
	other := c.Other(owner)
	pk, sk := connectionEdgeKey(owner, other)
	gpk, gsk := connectionsGSI1(owner, string(c.Status), other)
	it := &connectionItem{PK: pk, SK: sk, Type: typeConnection, ID: c.ID, Owner: owner, Other: other,
		RequesterID: c.RequesterID, RecipientID: c.RecipientID, Status: string(c.Status),
		Note: c.Note, MetVia: c.MetVia, CreatedAt: formatTime(c.CreatedAt), GSI1PK: gpk, GSI1SK: gsk}
	if !c.AcceptedAt.IsZero() {
		it.AcceptedAt = formatTime(c.AcceptedAt)
	}
	return it
}

func (it *connectionItem) connection() *warmlead.Connection {
	c := &warmlead.Connection{ID: it.ID, RequesterID: it.RequesterID, RecipientID: it.RecipientID,
		Status: warmlead.ConnectionStatus(it.Status), Note: it.Note, MetVia: it.MetVia,
		CreatedAt: parseTime(it.CreatedAt)}
	if it.AcceptedAt != "" {
		c.AcceptedAt = parseTime(it.AcceptedAt)
	}
	return c
}
