package dynamo

import (
	"context"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var (
	_ warmlead.SavedSearchService = (*Store)(nil)
	_ warmlead.SearchAlertStore   = (*Store)(nil)
)

// Saved searches (docs/table.md, "Saved searches"). A member's searches sit
// in their partition next to a counter that a condition keeps at or below
// warmlead.MaxSavedSearches, so concurrent creates never exceed it. A
// search with an alert is also filed, with its whole query, under ONE
// alert key: something every posting it matches has (its rarest word's
// index key, else its most selective filter). A new posting reads only the
// partitions of its own alert keys, so matching costs what the posting
// has, not how many searches exist.

func savedSearchNotFound() error {
	return warmlead.Errorf(warmlead.ENOTFOUND, "You have no saved search with this id.")
}

// alertKeyFor picks the alert partition of a search: one BatchGetItem of
// word counts when its query has words, none otherwise.
func (s *Store) alertKeyFor(ctx context.Context, f *warmlead.Filter, alert warmlead.AlertCadence) (string, error) {
	if alert == warmlead.AlertOff {
		return "", nil
	}
	keys := f.AlertKeys()
	var terms []string
	for _, k := range keys {
		if t, ok := warmlead.TermKey(k); ok {
			terms = append(terms, t)
		}
	}
	var counts map[string]int64
	if len(terms) > 1 {
		var err error
		if counts, err = s.termCounts(ctx, terms); err != nil {
			return "", err
		}
	}
	return warmlead.RarestAlertKey(keys, counts), nil
}

func (s *Store) alertEntryPut(it *savedSearchItem) (types.TransactWriteItem, error) {
	e := alertEntryItem{Type: typeAlertEntry, SearchID: it.ID, MemberID: it.MemberID, Name: it.Name, Query: it.Query, Alert: it.Alert}
	e.PK, e.SK = alertEntryKey(it.AlertKey, it.MemberID, it.ID)
	av, err := attributevalue.MarshalMap(e)
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av}}, err
}

func (s *Store) alertEntryDelete(it *savedSearchItem) types.TransactWriteItem {
	pk, sk := alertEntryKey(it.AlertKey, it.MemberID, it.ID)
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk)}}
}

// CreateSavedSearch writes the search, its alert entry and the member's
// count in one transaction (after one read of word counts for a search
// with words and an alert).
func (s *Store) CreateSavedSearch(ctx context.Context, callerID string, ss *warmlead.SavedSearch) (*warmlead.SavedSearch, error) {
	f, err := ss.Validate()
	if err != nil {
		return nil, err
	}
	alertKey, err := s.alertKeyFor(ctx, f, ss.Alert)
	if err != nil {
		return nil, err
	}
	now := s.now()
	ss.ID, ss.MemberID, ss.CreatedAt, ss.UpdatedAt = newID(), callerID, now, now
	it := &savedSearchItem{Type: typeSavedSearch, ID: ss.ID, MemberID: callerID, Name: ss.Name, Query: newSearchQuery(ss.Query),
		Alert: string(ss.Alert), AlertKey: alertKey, CreatedAt: formatTime(now), UpdatedAt: formatTime(now)}
	it.PK, it.SK = savedSearchKey(callerID, ss.ID)
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, err
	}
	t := &txn{}
	t.add(s.putNew(av))
	count := t.add(types.TransactWriteItem{Update: s.searchCountUpdate(callerID, 1)})
	if alertKey != "" {
		put, err := s.alertEntryPut(it)
		if err != nil {
			return nil, err
		}
		t.add(put)
	}
	// Concurrent creates by one member race on the count: a transaction
	// that lost the race is tried again (the condition still holds the limit).
	for attempt := 1; ; attempt++ {
		err = s.transact(ctx, t)
		if !conflicted(err) || attempt == txnAttempts {
			break
		}
		if err := sleep(ctx, backoff(attempt-1)); err != nil {
			return nil, err
		}
	}
	if r, ok := refused(err); ok && r.failed(count) {
		return nil, warmlead.Errorf(warmlead.ECONFLICT, "You already keep %d saved searches; delete one first.", warmlead.MaxSavedSearches)
	}
	if err != nil {
		return nil, storageError("save search", err)
	}
	if alertKey != "" {
		s.bumpAlertGeneration(ctx)
	}
	return ss, nil
}

// searchCountUpdate moves a member's search count by delta; going up is
// refused at the limit.
func (s *Store) searchCountUpdate(memberID string, delta int) *types.Update {
	pk, sk := searchCountKey(memberID)
	u := expression.Add(expression.Name("N"), expression.Value(delta)).Set(expression.Name("Type"), expression.Value(typeSearchCount))
	var cond *expression.ConditionBuilder
	if delta > 0 {
		below := expression.AttributeNotExists(expression.Name("N")).Or(expression.Name("N").LessThan(expression.Value(warmlead.MaxSavedSearches)))
		cond = &below
	}
	return s.txUpdate(key(pk, sk), update(u, cond))
}

func (s *Store) readSavedSearch(ctx context.Context, callerID, id string) (*savedSearchItem, error) {
	if !validID(id) {
		return nil, savedSearchNotFound()
	}
	pk, sk := savedSearchKey(callerID, id)
	var it savedSearchItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("read saved search", err)
	}
	if !found {
		return nil, savedSearchNotFound()
	}
	return &it, nil
}

// FindSavedSearch is one GetItem.
func (s *Store) FindSavedSearch(ctx context.Context, callerID, id string) (*warmlead.SavedSearch, error) {
	it, err := s.readSavedSearch(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	return it.savedSearch(), nil
}

// ListSavedSearches is one Query of the member's partition.
func (s *Store) ListSavedSearches(ctx context.Context, callerID string) ([]*warmlead.SavedSearch, error) {
	pk, _ := savedSearchKey(callerID, "")
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key("PK").Equal(expression.Value(pk)).
		And(expression.Key("SK").BeginsWith(savedSearchPfx))).Build()
	if err != nil {
		return nil, err
	}
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.table), KeyConditionExpression: expr.KeyCondition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()})
	if err != nil {
		return nil, storageError("list saved searches", err)
	}
	var items []savedSearchItem
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		return nil, err
	}
	list := make([]*warmlead.SavedSearch, len(items))
	for i := range items {
		list[i] = items[i].savedSearch()
	}
	return list, nil
}

// UpdateSavedSearch reads the search, applies edit and rewrites it with
// its alert entry moved if its alert key changed: a read and a transaction
// conditioned on the version read.
func (s *Store) UpdateSavedSearch(ctx context.Context, callerID, id string, edit func(*warmlead.SavedSearch)) (*warmlead.SavedSearch, error) {
	old, err := s.readSavedSearch(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	ss := old.savedSearch()
	edit(ss)
	f, err := ss.Validate()
	if err != nil {
		return nil, err
	}
	alertKey, err := s.alertKeyFor(ctx, f, ss.Alert)
	if err != nil {
		return nil, err
	}
	ss.UpdatedAt = s.now()
	it := *old
	it.Name, it.Query, it.Alert, it.AlertKey, it.UpdatedAt = ss.Name, newSearchQuery(ss.Query), string(ss.Alert), alertKey, formatTime(ss.UpdatedAt)
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, err
	}
	asRead := condition(expression.Name("UpdatedAt").Equal(expression.Value(old.UpdatedAt)))
	t := &txn{}
	search := t.add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av,
		ConditionExpression: asRead.Condition(), ExpressionAttributeNames: asRead.Names(), ExpressionAttributeValues: asRead.Values()}})
	if old.AlertKey != "" && old.AlertKey != alertKey {
		t.add(s.alertEntryDelete(old))
	}
	if alertKey != "" {
		put, err := s.alertEntryPut(&it)
		if err != nil {
			return nil, err
		}
		t.add(put)
	}
	err = s.transact(ctx, t)
	if r, ok := refused(err); ok && r.failed(search) {
		return nil, warmlead.Errorf(warmlead.ECONFLICT, "The saved search changed or was deleted meanwhile; read it again.")
	}
	if err != nil {
		return nil, storageError("update saved search", err)
	}
	if old.AlertKey != "" || alertKey != "" {
		s.bumpAlertGeneration(ctx)
	}
	return ss, nil
}

// DeleteSavedSearch reads the search (to find its alert entry) and deletes
// it, its entry and one from the count in one transaction.
func (s *Store) DeleteSavedSearch(ctx context.Context, callerID, id string) error {
	old, err := s.readSavedSearch(ctx, callerID, id)
	if err != nil {
		return err
	}
	there := condition(exists())
	t := &txn{}
	search := t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(old.PK, old.SK),
		ConditionExpression: there.Condition(), ExpressionAttributeNames: there.Names()}})
	t.add(types.TransactWriteItem{Update: s.searchCountUpdate(callerID, -1)})
	if old.AlertKey != "" {
		t.add(s.alertEntryDelete(old))
	}
	err = s.transact(ctx, t)
	if r, ok := refused(err); ok && r.failed(search) {
		return savedSearchNotFound() // deleted meanwhile
	}
	if err == nil && old.AlertKey != "" {
		s.bumpAlertGeneration(ctx)
	}
	return storageError("delete saved search", err)
}

// AlertGeneration reads the alert generation: a number that moves on after
// every write of alert entries (a saved search created, changed, deleted,
// or erased with its member), so the notifier may keep what it read of
// alert partitions for as long as it has not moved (notify's alert cache).
// One GetItem; 0 before the first move.
func (s *Store) AlertGeneration(ctx context.Context) (int64, error) {
	pk, sk := alertGenerationKey()
	var it struct{ N int64 }
	if _, err := s.get(ctx, pk, sk, &it); err != nil {
		return 0, storageError("read alert generation", err)
	}
	return it.N, nil
}

// bumpAlertGeneration moves the alert generation on, after the write of
// alert entries it follows: not in that write's transaction, where every
// saved-search write in the table would conflict with every other on this
// one item. A bump that fails is not the caller's failure: the search is
// saved, and what a notifier keeps of alert partitions expires anyway
// (notify's alertCacheTTL); it is logged, since until then a notifier may
// miss the search's alerts.
func (s *Store) bumpAlertGeneration(ctx context.Context) {
	pk, sk := alertGenerationKey()
	_, err := s.client.UpdateItem(ctx, s.updateInput(key(pk, sk), update(
		expression.Add(expression.Name("N"), expression.Value(1)).Set(expression.Name("Type"), expression.Value(typeAlertGen)), nil)))
	if err != nil {
		slog.WarnContext(ctx, "alert generation not moved: notifiers may use alert partitions read before this write for up to their cache's lifetime", "err", err)
	}
}

// RunSavedSearch browses with the search's query.
func (s *Store) RunSavedSearch(ctx context.Context, callerID, id string, page warmlead.PageRequest) (*warmlead.Page[*warmlead.Posting], error) {
	ss, err := s.FindSavedSearch(ctx, callerID, id)
	if err != nil {
		return nil, err
	}
	return s.BrowsePostings(ctx, callerID, ss.Query, page)
}

// alertQueryConcurrency bounds the alert partitions read at once.
const alertQueryConcurrency = 8

// SearchAlertCandidates reads the alert partitions of keys (a Query each,
// several at once) and returns the searches filed there.
func (s *Store) SearchAlertCandidates(ctx context.Context, keys []string) ([]*warmlead.SavedSearch, error) {
	var (
		mu    sync.Mutex
		out   []*warmlead.SavedSearch
		first error
		wg    sync.WaitGroup
	)
	sem := make(chan struct{}, alertQueryConcurrency)
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pk, _ := alertEntryKey(k, "", "")
			q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyIs("PK", pk)))
			// Strongly consistent, as the alert generation is read: a
			// notifier that saw the generation move must see the entry
			// that moved it, or it would keep the partition without it
			// for as long as it keeps partitions (pkg/notify, alert_cache.go).
			q.ConsistentRead = aws.Bool(true)
			pages := dynamodb.NewQueryPaginator(s.client, q)
			for pages.HasMorePages() {
				res, err := pages.NextPage(ctx)
				var items []alertEntryItem
				if err == nil {
					err = attributevalue.UnmarshalListOfMaps(res.Items, &items)
				}
				mu.Lock()
				if err != nil {
					if first == nil {
						first = storageError("read search alerts", err)
					}
					mu.Unlock()
					return
				}
				for i := range items {
					out = append(out, items[i].savedSearch())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, first
}

// MembersWhoSee returns those of memberIDs who may see p: everyone for a
// public posting, else those whose connection or membership grants it
// (BatchGetItem, 100 a call).
func (s *Store) MembersWhoSee(ctx context.Context, p *warmlead.Posting, memberIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	var keys []map[string]types.AttributeValue
	byKey := map[[2]string]string{}
	for _, m := range memberIDs {
		pk, sk := s.visibilityGrant(m, p)
		if pk == "" {
			if p.VisibleTo(m, warmlead.Sight{}) {
				out[m] = true
			}
			continue
		}
		if _, dup := byKey[[2]string{pk, sk}]; !dup {
			keys = append(keys, key(pk, sk))
		}
		byKey[[2]string{pk, sk}] = m
	}
	if len(keys) == 0 {
		return out, nil
	}
	grants, err := batchGetItems[grantItem](ctx, s, "check visibility", keys)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		m := byKey[[2]string{g.PK, g.SK}]
		if p.VisibleTo(m, sightOf(p.GrantNeeded(m), &g, true)) {
			out[m] = true
		}
	}
	return out, nil
}
