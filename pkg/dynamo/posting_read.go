package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// sharedPosting is what sharing a posting and expressing interest in it both start
// from, read in one BatchGetItem: the posting, the caller's earlier record for
// it (their link, or their interest), the link they came through, and their
// profile.
type sharedPosting struct {
	posting *postingItem
	link    *referralItem // the link given, nil without one
	profile memberItem
	earlier bool // the caller's earlier record was there (decoded into earlier)
}

// readSharedPosting reads a posting for callerID and applies the rules both operations
// share: the posting exists; a link, if given, is a link to it; the caller may
// see the posting, through the link or directly (one more read for a posting that
// is not public); it is open and unexpired. An earlier record short-cuts
// everything: repeats return what was made the first time. tokenField names
// the request field that carried the link, for errors.
func (s *Store) readSharedPosting(ctx context.Context, callerID, postingID, token, tokenField, earlierPK, earlierSK string, earlier any) (*sharedPosting, error) {
	if !validID(postingID) {
		return nil, postingNotFound()
	}
	badLink := func(msg string) error {
		return warmlead.Invalid(warmlead.FieldError{Field: tokenField, Message: msg})
	}
	if token != "" && !validToken(token) {
		return nil, badLink("is not a referral token")
	}
	postingPK, postingSK := postingKey(postingID)
	profilePK, profileSK := memberKey(callerID)
	keys := []map[string]types.AttributeValue{key(postingPK, postingSK), key(earlierPK, earlierSK), key(profilePK, profileSK)}
	if token != "" {
		keys = append(keys, key(referralKey(token)))
	}
	got, err := s.batchGetByKey(ctx, keys)
	if err != nil {
		return nil, storageError("read posting", err)
	}
	r := &sharedPosting{posting: &postingItem{}}
	if r.earlier, err = got.decode(earlierPK, earlierSK, earlier); err != nil || r.earlier {
		return r, err
	}
	if ok, err := got.decode(postingPK, postingSK, r.posting); err != nil || !ok {
		return nil, orNotFound(err)
	}
	p := r.posting.posting()
	if token != "" {
		r.link = &referralItem{}
		linkPK, linkSK := referralKey(token)
		ok, err := got.decode(linkPK, linkSK, r.link)
		switch {
		case err != nil:
			return nil, err
		case !ok:
			return nil, badLink("no such referral link")
		case r.link.PostingID != postingID:
			return nil, badLink("is a link to another posting")
		}
	}
	// A live link lets its holder see the posting; a revoked one no
	// longer does (it opens as no longer shared): without it the caller
	// needs to see the posting directly.
	if r.link == nil || r.link.Revoked {
		if ok, err := s.canSee(ctx, callerID, p); err != nil {
			return nil, orNotFound(err)
		} else if !ok && r.link != nil {
			return nil, &warmlead.Error{Code: warmlead.EGONE, Message: "This link is no longer shared.",
				Fields: []warmlead.FieldError{{Field: tokenField, Message: "is no longer shared"}}}
		} else if !ok {
			return nil, postingNotFound()
		}
	}
	if err := p.CheckOpen(s.now()); err != nil {
		return nil, err
	}
	if _, err := got.decode(profilePK, profileSK, &r.profile); err != nil {
		return nil, err
	}
	return r, nil
}
