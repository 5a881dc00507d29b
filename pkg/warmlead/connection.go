package warmlead

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ConnectionStatus is where a connection request stands.
type ConnectionStatus string

// Connection statuses: a request is pending until its recipient accepts.
const (
	ConnectionPending  ConnectionStatus = "pending"
	ConnectionAccepted ConnectionStatus = "accepted"
)

// ConnectionStatuses lists every valid ConnectionStatus.
var ConnectionStatuses = []ConnectionStatus{ConnectionPending, ConnectionAccepted}

// Valid reports whether s is one of ConnectionStatuses.
func (s ConnectionStatus) Valid() bool { return oneOf(s, ConnectionStatuses) }

// Limits on a connection request's free text.
const (
	MaxConnectionNoteLen = 500
	MaxMetViaLen         = 100
)

// Connection is a mutual link between two members. Its ID names the pair,
// so the same two people have one connection whoever asked first.
type Connection struct {
	ID          string
	RequesterID string
	RecipientID string
	Status      ConnectionStatus
	Note        string
	MetVia      string
	CreatedAt   time.Time
	AcceptedAt  time.Time
}

// Other returns the member on the other side from memberID.
func (c *Connection) Other(memberID string) string {
	if c.RequesterID == memberID {
		return c.RecipientID
	}
	return c.RequesterID
}

// ConnectionID is the id of the connection between two members: the two ids
// in order, joined by '~', a character member ids cannot contain.
func ConnectionID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "~" + b
}

// SplitConnectionID returns the two member ids of a connection id.
func SplitConnectionID(id string) (a, b string, ok bool) {
	a, b, ok = strings.Cut(id, "~")
	if !ok || ValidateMemberID(a) != nil || ValidateMemberID(b) != nil || a >= b {
		return "", "", false
	}
	return a, b, true
}

// ConnectionService manages connections between members.
type ConnectionService interface {
	// RequestConnection asks c.RecipientID to connect with callerID. A
	// repeat returns the existing connection with created=false. Returns
	// EINVALID (self, bad fields), ENOTFOUND (no such member).
	RequestConnection(ctx context.Context, callerID string, c *Connection) (conn *Connection, created bool, err error)

	// AcceptConnection accepts a pending request; only its recipient may.
	// Accepting an accepted connection returns it unchanged. Returns
	// ENOTFOUND (not a party), EFORBIDDEN (the requester).
	AcceptConnection(ctx context.Context, callerID, id string) (*Connection, error)

	// DeleteConnection removes a connection or request; either side may.
	// Returns ENOTFOUND.
	DeleteConnection(ctx context.Context, callerID, id string) error

	// ListConnections pages through the caller's connections with a status
	// ("" for both: accepted, then pending),
	// in order of the other member's id. Returns EBADREQUEST (cursor),
	// EINVALID (status).
	ListConnections(ctx context.Context, callerID string, status ConnectionStatus, page PageRequest) (*Page[*Connection], error)
}

// Validate checks a connection request's fields.
func (c *Connection) Validate() error {
	var fields []FieldError
	if ValidateMemberID(c.RecipientID) != nil {
		fields = append(fields, FieldError{"member_id", "is not a member id"})
	} else if c.RecipientID == c.RequesterID {
		fields = append(fields, FieldError{"member_id", "you cannot connect with yourself"})
	}
	if utf8.RuneCountInString(c.Note) > MaxConnectionNoteLen {
		fields = append(fields, FieldError{"note", "must be at most " + strconv.Itoa(MaxConnectionNoteLen) + " characters"})
	}
	if utf8.RuneCountInString(c.MetVia) > MaxMetViaLen {
		fields = append(fields, FieldError{"met_via", "must be at most " + strconv.Itoa(MaxMetViaLen) + " characters"})
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}
