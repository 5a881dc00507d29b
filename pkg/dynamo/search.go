package dynamo

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Keyword search (docs/table.md, "Search"). Every open posting has one
// entry per index key of its words (the first three characters of each
// word and of its stem) in partition TERM#<key>, sorted newest first and
// carrying every attribute a filter reads. A search reads the partition of
// its rarest word (counts in TERMCOUNT#<key>), checks the other words and
// filters in the Query's FilterExpression, and fetches the candidates with
// the grants that decide their visibility in one BatchGetItem:
//
//	call 1  BatchGetItem  the counts of the query's keys (first page, 2+ keys only)
//	call 2  Query         the rarest key's partition, filtered
//	call 3  BatchGetItem  the candidate postings + connection/membership grants
//
// The cursor carries the partition, so later pages skip call 1.

// maxSearchCalls is the DynamoDB calls one keyword-search page may make.
const maxSearchCalls = 3

// termWrites are the transaction items that file an open posting in its
// index partitions; closed postings have none.
func (s *Store) termWrites(it *postingItem) ([]types.TransactWriteItem, error) {
	if it.Status != string(warmlead.StatusOpen) {
		return nil, nil
	}
	var out []types.TransactWriteItem
	for _, t := range termItems(it) {
		av, err := attributevalue.MarshalMap(t)
		if err != nil {
			return nil, err
		}
		out = append(out, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av}})
	}
	return out, nil
}

// termRemovals delete the index entries of keys for a posting.
func (s *Store) termRemovals(keys []string, created, postingID string) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, 0, len(keys))
	for _, k := range keys {
		pk, sk := termKey(k, created, postingID)
		out = append(out, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk)}})
	}
	return out
}

// termEdits re-files an edited posting: every current key rewritten (the
// copied attributes may have changed), the keys it no longer has removed.
func (s *Store) termEdits(before *warmlead.Posting, after *postingItem) ([]types.TransactWriteItem, error) {
	puts, err := s.termWrites(after)
	if err != nil {
		return nil, err
	}
	now := map[string]bool{}
	for _, k := range warmlead.PostingTerms(after.posting()).Keys() {
		now[k] = true
	}
	var gone []string
	for _, k := range warmlead.PostingTerms(before).Keys() {
		if !now[k] {
			gone = append(gone, k)
		}
	}
	return append(puts, s.termRemovals(gone, formatTime(before.CreatedAt), before.ID)...), nil
}

// filterCondition is f as a condition on a termItem's (or a posting
// item's) attributes: everything but visibility grants. skip names a
// filter the key condition already answers.
func filterCondition(f *warmlead.Filter, now string, anonymous bool, skip string) expression.ConditionBuilder {
	// Unexpired (warmlead.Posting.Open); the indexes hold open postings only.
	cond := expression.Name("ValidThrough").GreaterThan(expression.Value(now))
	and := func(c expression.ConditionBuilder) { cond = cond.And(c) }
	eq := func(name, attr, v string) {
		if v != "" && name != skip {
			and(expression.Name(attr).Equal(expression.Value(v)))
		}
	}
	eq("poster", "PosterID", f.PosterID)
	eq("org", "OrgID", f.OrgID)
	eq("kind", "Kind", string(f.Kind))
	eq("workplace", "Workplace", string(f.Workplace))
	eq("compensation", "Compensation", string(f.Compensation))
	eq("country", "Country", f.Country)
	eq("region", "RegionKey", f.RegionKey)
	eq("city", "CityKey", f.CityKey)
	if f.Audience != "" {
		and(expression.Or(expression.Contains(expression.Name("Audience"), string(f.Audience)),
			expression.Contains(expression.Name("Audience"), string(warmlead.AudienceAnyone))))
	}
	words := func(attr string, q warmlead.Query) {
		for _, alts := range q.Needles() {
			c := expression.Contains(expression.Name(attr), alts[0])
			for _, n := range alts[1:] {
				c = c.Or(expression.Contains(expression.Name(attr), n))
			}
			and(c)
		}
	}
	words("SearchText", f.Query)
	words("FieldText", f.FieldQuery)
	if anonymous {
		eq("visibility", "Visibility", string(warmlead.VisibilityPublic))
	}
	return cond
}

// filterBinding names a compiled filter for its cursor.
func filterBinding(kind, callerID string, f *warmlead.Filter) string {
	parts := append([]string{kind, callerID}, f.Binding()...)
	for i, p := range parts {
		parts[i] = strconv.Quote(p)
	}
	return strings.Join(parts, "|")
}

// searchPostings answers a browse with a keyword query in at most
// maxSearchCalls calls (see the top of this file).
func (s *Store) searchPostings(ctx context.Context, callerID string, f *warmlead.Filter, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Posting], error) {
	page = page.Normalize()
	binding := filterBinding("search", callerID, f)
	start, err := s.cursors.open(binding, page.Cursor)
	if err != nil {
		return nil, err
	}
	keys := slices.Compact(slices.Sorted(slices.Values(f.Query.Keys())))
	calls := 0
	var partition string
	switch {
	case start != nil:
		pk, _ := start["PK"].(*types.AttributeValueMemberS)
		if pk == nil || !slices.Contains(keys, strings.TrimPrefix(pk.Value, termPartitionPfx)) {
			return nil, badCursor()
		}
		partition = strings.TrimPrefix(pk.Value, termPartitionPfx)
	case len(keys) == 1:
		partition = keys[0]
	default:
		counts, err := s.termCounts(ctx, keys)
		if err != nil {
			return nil, err
		}
		calls++
		partition = keys[0]
		for _, k := range keys[1:] {
			if counts[k] < counts[partition] {
				partition = k
			}
		}
	}

	expr, err := expression.NewBuilder().
		WithKeyCondition(expression.Key("PK").Equal(expression.Value(termPartitionPfx + partition))).
		WithFilter(filterCondition(f, formatTime(s.now()), callerID == "", "")).Build()
	if err != nil {
		return nil, err
	}
	q := &dynamodb.QueryInput{
		TableName: aws.String(s.table), KeyConditionExpression: expr.KeyCondition(), FilterExpression: expr.Filter(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ScanIndexForward: aws.Bool(false), ExclusiveStartKey: start,
	}
	var cands []termItem
	var lek map[string]types.AttributeValue
	for calls < maxSearchCalls-1 {
		q.Limit = aws.Int32(int32(min(2*(page.Limit-len(cands))+pageSlack, maxQueryLimit)))
		res, err := s.client.Query(ctx, q)
		calls++
		if err != nil {
			return nil, storageError("search postings", err)
		}
		var items []termItem
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &items); err != nil {
			return nil, err
		}
		cands, lek = append(cands, items...), res.LastEvaluatedKey
		if len(cands) >= page.Limit {
			if len(cands) > page.Limit || lek != nil {
				cands = cands[:page.Limit]
				lek = key(cands[len(cands)-1].PK, cands[len(cands)-1].SK)
			}
			break
		}
		if lek == nil {
			break
		}
		q.ExclusiveStartKey = lek
	}

	// One BatchGetItem (at most 100 keys): the candidates and the grants
	// that decide who sees the non-public ones. A page that would need more
	// stops early; its cursor resumes after the last candidate fetched.
	type ref struct{ pk, sk string }
	var fetch []ref
	seen := map[ref]bool{}
	grantOf := make([]*ref, len(cands))
	kept := 0
	for i, c := range cands {
		var need []ref
		pk, sk := postingKey(c.PostingID)
		need = append(need, ref{pk, sk})
		if gpk, gsk := s.visibilityGrant(callerID, &warmlead.Posting{Visibility: warmlead.Visibility(c.Visibility), PosterID: c.PosterID, OrgID: c.OrgID}); gpk != "" {
			g := ref{gpk, gsk}
			grantOf[i] = &g
			if !seen[g] {
				need = append(need, g)
			}
		}
		if len(fetch)+len(need) > batchGetSize {
			lek = key(cands[i-1].PK, cands[i-1].SK)
			break
		}
		for _, r := range need {
			seen[r] = true
			fetch = append(fetch, r)
		}
		kept = i + 1
	}
	cands = cands[:kept]
	got := map[ref]map[string]types.AttributeValue{}
	if len(fetch) > 0 {
		keysToGet := make([]map[string]types.AttributeValue, len(fetch))
		for i, r := range fetch {
			keysToGet[i] = key(r.pk, r.sk)
		}
		avs, err := s.batchGet(ctx, keysToGet)
		if err != nil {
			return nil, storageError("search postings", err)
		}
		for _, av := range avs {
			var k struct{ PK, SK string }
			if err := attributevalue.UnmarshalMap(av, &k); err != nil {
				return nil, err
			}
			got[ref{k.PK, k.SK}] = av
		}
	}
	now := s.now()
	out := &warmlead.Page[*warmlead.Posting]{Items: []*warmlead.Posting{}}
	for i, c := range cands {
		pk, sk := postingKey(c.PostingID)
		av := got[ref{pk, sk}]
		if av == nil {
			continue
		}
		var it postingItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		p := it.posting()
		// The posting itself is the authority: an entry left behind by an
		// edit or a close made elsewhere never shows.
		if !f.Matches(p, now) || !visibleWith(callerID, p, grantOf[i], func(r *ref) map[string]types.AttributeValue { return got[*r] }) {
			continue
		}
		out.Items = append(out.Items, p)
	}
	out.Next, err = s.cursors.seal(binding, lek)
	return out, err
}

// visibleWith applies p's visibility (warmlead.Posting.VisibleTo) with the
// grant read for it (nil: none needed or none exists).
func visibleWith[R any](callerID string, p *warmlead.Posting, grant *R, read func(*R) map[string]types.AttributeValue) bool {
	sight := warmlead.Sight{}
	if grant != nil {
		if av := read(grant); av != nil {
			var g grantItem
			if err := attributevalue.UnmarshalMap(av, &g); err != nil {
				return false
			}
			sight = sightOf(p.GrantNeeded(callerID), &g, true)
		}
	}
	return p.VisibleTo(callerID, sight)
}

// termCounts reads the posting counts of index keys with one BatchGetItem.
func (s *Store) termCounts(ctx context.Context, keys []string) (map[string]int64, error) {
	req := make([]map[string]types.AttributeValue, len(keys))
	for i, k := range keys {
		req[i] = key(termCountKey(k))
	}
	counts, err := batchGetItems[termCountItem](ctx, s, "read term counts", req)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(keys))
	for _, c := range counts {
		out[strings.TrimPrefix(c.PK, "TERMCOUNT#")] = c.N
	}
	return out, nil
}

// CountPostingTerms adds counts[key] to the posting count of each index
// key: the notifier calls it once per stream batch with the keys of the
// batch's new postings (eventually consistent rarity; docs/table.md,
// "Search"). One UpdateItem per key, several at once.
func (s *Store) CountPostingTerms(ctx context.Context, counts map[string]int) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	sem := make(chan struct{}, alertQueryConcurrency)
	for k, n := range counts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pk, sk := termCountKey(k)
			_, err := s.client.UpdateItem(ctx, s.updateInput(key(pk, sk), update(
				expression.Add(expression.Name("N"), expression.Value(n)).Set(expression.Name("Type"), expression.Value(typeTermCount)), nil)))
			if err != nil {
				mu.Lock()
				if first == nil {
					first = storageError("count terms", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}
