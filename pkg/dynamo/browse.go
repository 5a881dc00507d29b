package dynamo

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// maxQueriesPerPage bounds the Queries one page may take when filters drop
// most of what a Query reads: a page comes back short (with a cursor)
// rather than keep a request waiting.
const maxQueriesPerPage = 8

// BrowsePostings answers a browse with a Query on the most selective index
// the filter allows — poster (GSI1), organisation (GSI5), kind (GSI4), else
// the feed of all open postings (GSI2) — newest first, with the other filters
// (field words, place) and expiry as a FilterExpression. A keyword query
// goes to the term index instead (search.go). The browse indexes
// hold open postings only, so closed ones never cost a read. Postings visible to
// a network or an organisation are checked against the caller's connection
// or membership with one BatchGetItem per Query that returns any.
func (s *Store) BrowsePostings(ctx context.Context, callerID string, pf warmlead.PostingFilter, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Posting], error) {
	if err := validateFilter(&pf); err != nil {
		return nil, err
	}
	f, err := pf.Compile("")
	if err != nil {
		return nil, err
	}
	if !f.Query.Empty() {
		return s.searchPostings(ctx, callerID, f, page) // search.go
	}
	// The field filter matches words of the field (docs/rules.md, "Search"),
	// so it is a filter on FieldText, not a key.
	var index, pkAttr, pkValue string
	var skipKey string // the filter the key condition already answers
	switch {
	case f.PosterID != "":
		index, pkAttr, pkValue, skipKey = indexByOwner, "GSI1PK", posterGSI1(f.PosterID), "poster"
	case f.OrgID != "":
		index, pkAttr, pkValue, skipKey = indexOrg, "GSI5PK", orgFeedGSI5(f.OrgID), "org"
	case f.Kind != "":
		index, pkAttr, pkValue, skipKey = indexKind, "GSI4PK", kindGSI4(string(f.Kind)), "kind"
	default:
		index, pkAttr, pkValue = indexFeed, "GSI2PK", feedGSI2()
	}
	cond := filterCondition(f, formatTime(s.now()), callerID == "", skipKey)
	if index == indexByOwner { // GSI1 holds closed postings too: open only (warmlead.Posting.Open)
		cond = cond.And(expression.Name("Status").Equal(expression.Value(string(warmlead.StatusOpen))))
	}
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key(pkAttr).Equal(expression.Value(pkValue))).
		WithFilter(cond).Build()
	if err != nil {
		return nil, err
	}
	q := &dynamodb.QueryInput{
		TableName: aws.String(s.table), IndexName: aws.String(index),
		KeyConditionExpression:    expr.KeyCondition(),
		FilterExpression:          expr.Filter(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(false),
	}
	return s.postingPage(ctx, q, index, filterBinding("browse", callerID, f), callerID, page)
}

func validateFilter(f *warmlead.PostingFilter) error {
	var fields []warmlead.FieldError
	f.Field = warmlead.NormalizeField(f.Field)
	if f.PosterID != "" && warmlead.ValidateMemberID(f.PosterID) != nil {
		fields = append(fields, warmlead.FieldError{Field: "poster_id", Message: "is not a member id"})
	}
	if f.OrgID != "" && !validID(f.OrgID) {
		fields = append(fields, warmlead.FieldError{Field: "org_id", Message: "is not an organisation id"})
	}
	if len(fields) > 0 {
		return warmlead.Invalid(fields...)
	}
	return nil
}

// postingPage runs q until page.Limit visible postings are found or the key
// space ends (at most maxQueriesPerPage Queries), and seals the cursor.
func (s *Store) postingPage(ctx context.Context, q *dynamodb.QueryInput, index, binding, callerID string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Posting], error) {
	page = page.Normalize()
	start, err := s.cursors.open(binding, page.Cursor)
	if err != nil {
		return nil, err
	}
	q.ExclusiveStartKey = start
	var kept []postingItem
	var lastKey map[string]types.AttributeValue
	for i := 0; i < maxQueriesPerPage; i++ {
		// Read a little more than the page needs, since filters drop some;
		// what is read beyond the page is cut and the cursor set after the
		// last item kept.
		q.Limit = aws.Int32(int32(min(2*(page.Limit-len(kept))+pageSlack, maxQueryLimit)))
		res, err := s.client.Query(ctx, q)
		if err != nil {
			return nil, storageError("browse postings", err)
		}
		var items []postingItem
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &items); err != nil {
			return nil, err
		}
		visible, err := s.visibleTo(ctx, callerID, items)
		if err != nil {
			return nil, err
		}
		kept = append(kept, visible...)
		lastKey = res.LastEvaluatedKey
		if len(kept) >= page.Limit {
			if len(kept) > page.Limit || lastKey != nil {
				kept = kept[:page.Limit]
				lastKey = indexKey(&kept[len(kept)-1], index)
			}
			break
		}
		if lastKey == nil {
			break
		}
		q.ExclusiveStartKey = lastKey
	}
	out := &warmlead.Page[*warmlead.Posting]{Items: make([]*warmlead.Posting, len(kept))}
	for i := range kept {
		out.Items[i] = kept[i].posting()
	}
	out.Next, err = s.cursors.seal(binding, lastKey)
	return out, err
}

// Query sizing for postingPage.
const (
	pageSlack     = 5
	maxQueryLimit = 250
)

// indexKey is the ExclusiveStartKey that resumes a Query on index right
// after it.
func indexKey(it *postingItem, index string) map[string]types.AttributeValue {
	k := key(it.PK, it.SK)
	add := func(pkAttr, pk, skAttr, sk string) {
		k[pkAttr], k[skAttr] = attrS(pk), attrS(sk)
	}
	switch index {
	case indexByOwner:
		add("GSI1PK", it.GSI1PK, "GSI1SK", it.GSI1SK)
	case indexFeed:
		add("GSI2PK", it.GSI2PK, "GSI2SK", it.GSI2SK)
	case indexField:
		add("GSI3PK", it.GSI3PK, "GSI3SK", it.GSI3SK)
	case indexKind:
		add("GSI4PK", it.GSI4PK, "GSI4SK", it.GSI4SK)
	case indexOrg:
		add("GSI5PK", it.GSI5PK, "GSI5SK", it.GSI5SK)
	}
	return k
}

// visibleTo keeps the items callerID may see. Public postings and the caller's
// own need nothing; the rest are checked with one BatchGetItem of the
// connection edges and memberships that would grant them.
func (s *Store) visibleTo(ctx context.Context, callerID string, items []postingItem) ([]postingItem, error) {
	type grantRef struct{ pk, sk string }
	need := map[grantRef]bool{}
	refs := make([]*grantRef, len(items))
	for i := range items {
		pk, sk := s.visibilityGrant(callerID, items[i].posting())
		if pk == "" {
			continue
		}
		ref := grantRef{pk, sk}
		need[ref], refs[i] = true, &ref
	}
	grants := map[grantRef]*grantItem{}
	if len(need) > 0 {
		keys := make([]map[string]types.AttributeValue, 0, len(need))
		for ref := range need {
			keys = append(keys, key(ref.pk, ref.sk))
		}
		sort.Slice(keys, func(i, j int) bool { return keyString(keys[i]) < keyString(keys[j]) })
		got, err := batchGetItems[grantItem](ctx, s, "check visibility", keys)
		if err != nil {
			return nil, err
		}
		for i := range got {
			grants[grantRef{got[i].PK, got[i].SK}] = &got[i]
		}
	}
	kept := items[:0]
	for i, it := range items {
		p, sight := it.posting(), warmlead.Sight{}
		if refs[i] != nil {
			g := grants[*refs[i]]
			sight = sightOf(p.GrantNeeded(callerID), g, g != nil)
		}
		if p.VisibleTo(callerID, sight) {
			kept = append(kept, it)
		}
	}
	return kept, nil
}
