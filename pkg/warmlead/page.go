package warmlead

// Paging defaults shared by every list.
const (
	DefaultPageLimit = 20
	MaxPageLimit     = 100
)

// PageRequest asks for one page of a list. Cursor is the opaque, sealed
// next_cursor of the previous page ("" for the first); it is only valid for
// the same list and caller that produced it.
type PageRequest struct {
	Limit  int
	Cursor string
}

// Normalize applies the default limit.
func (p PageRequest) Normalize() PageRequest {
	if p.Limit <= 0 {
		p.Limit = DefaultPageLimit
	}
	if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	return p
}

// Page is one page of a list; Next is "" on the last page.
type Page[T any] struct {
	Items []T
	Next  string
}
