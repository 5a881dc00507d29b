package dynamo

import (
	"context"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// CurrentPosting reads a posting as it is now with one GetItem (nil when it
// is gone), for the notifier to check a lead is still open before
// announcing it.
func (s *Store) CurrentPosting(ctx context.Context, id string) (*warmlead.Posting, error) {
	it, err := s.readPosting(ctx, id)
	if warmlead.ErrorCode(err) == warmlead.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return it.posting(), nil
}
