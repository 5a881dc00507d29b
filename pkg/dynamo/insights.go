package dynamo

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var (
	_ warmlead.InsightService = (*Store)(nil)
	_ warmlead.InsightCounter = (*Store)(nil)
)

// insightMarkerTTL outlives the stream's 24-hour retention: a record can
// only be delivered again while its marker exists.
const insightMarkerTTL = 7 * 24 * time.Hour

// addCounters is an Update that ADDs each counter to the item at pk/sk.
func (s *Store) addCounters(pk, sk, typ, orgID, day string, adds map[string]int) (*types.Update, error) {
	names := make([]string, 0, len(adds))
	for n := range adds {
		names = append(names, n)
	}
	sort.Strings(names)
	up := expression.Set(expression.Name("Type"), expression.Value(typ)).Set(expression.Name("OrgID"), expression.Value(orgID))
	if day != "" { // day items carry their day outside the key, for the read's filter
		up = up.Set(expression.Name("Day"), expression.Value(day))
	}
	for _, n := range names {
		up = up.Add(expression.Name(n), expression.Value(adds[n]))
	}
	expr, err := expression.NewBuilder().WithUpdate(up).Build()
	if err != nil {
		return nil, err
	}
	return &types.Update{TableName: aws.String(s.table), Key: key(pk, sk), UpdateExpression: expr.Update(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()}, nil
}

// CountOrgInsight writes, in one TransactWriteItems, the marker (on the
// condition it does not exist) and the ADDs; a refused marker means the
// fact was counted already, and nothing changes.
func (s *Store) CountOrgInsight(ctx context.Context, orgID, marker, day string, dayAdds, nowAdds map[string]int) error {
	mpk, msk := insightMarkerKey(orgID, marker)
	t := &txn{}
	once := t.add(s.putNew(map[string]types.AttributeValue{"PK": attrS(mpk), "SK": attrS(msk), "Type": attrS(typeInsightMarker),
		"ExpiresAt": &types.AttributeValueMemberN{Value: strconv.FormatInt(s.now().Add(insightMarkerTTL).Unix(), 10)}}))
	if len(dayAdds) > 0 {
		pk, sk := insightDayKey(orgID, day)
		up, err := s.addCounters(pk, sk, typeInsightDay, orgID, day, dayAdds)
		if err != nil {
			return err
		}
		t.add(types.TransactWriteItem{Update: up})
	}
	if len(nowAdds) > 0 {
		pk, sk := insightNowKey(orgID)
		up, err := s.addCounters(pk, sk, typeInsightNow, orgID, "", nowAdds)
		if err != nil {
			return err
		}
		t.add(types.TransactWriteItem{Update: up})
	}
	err := s.transact(ctx, t)
	if r, ok := refused(err); ok && r.failed(once) {
		return nil // counted already
	}
	if err != nil {
		return storageError("count org insight", err)
	}
	return nil
}

// insightClicksItem records how many of a link's clicks were counted.
type insightClicksItem struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	Type    string `dynamodbav:"Type"`
	Counted int    `dynamodbav:"Counted"`
}

// CountReferralClicks reads the link's counted clicks (GetItem) and, if the
// link has more, adds the difference to the day in one TransactWriteItems
// conditioned on the count read; a lost race is read again.
func (s *Store) CountReferralClicks(ctx context.Context, orgID, token string, clicks int, day string) error {
	pk, sk := insightClicksKey(orgID, token)
	for attempt := 0; attempt < txnAttempts; attempt++ {
		var it insightClicksItem
		found, err := s.get(ctx, pk, sk, &it)
		if err != nil {
			return storageError("get counted clicks", err)
		}
		if clicks <= it.Counted {
			return nil // counted already (a record delivered again)
		}
		cond := expression.AttributeNotExists(expression.Name("PK"))
		if found {
			cond = expression.Name("Counted").Equal(expression.Value(it.Counted))
		}
		expr, err := expression.NewBuilder().WithCondition(cond).
			WithUpdate(expression.Set(expression.Name("Counted"), expression.Value(clicks)).Set(expression.Name("Type"), expression.Value(typeInsightClicks))).Build()
		if err != nil {
			return err
		}
		dpk, dsk := insightDayKey(orgID, day)
		up, err := s.addCounters(dpk, dsk, typeInsightDay, orgID, day, map[string]int{warmlead.InsightClicks: clicks - it.Counted})
		if err != nil {
			return err
		}
		t := &txn{}
		counted := t.add(types.TransactWriteItem{Update: s.txUpdate(key(pk, sk), expr)})
		t.add(types.TransactWriteItem{Update: up})
		err = s.transact(ctx, t)
		if r, ok := refused(err); ok && r.failed(counted) {
			continue
		}
		if err != nil {
			return storageError("count clicks", err)
		}
		return nil
	}
	return membershipBusy()
}

// PostingOrgID reads a posting's organisation (GetItem, projected).
func (s *Store) PostingOrgID(ctx context.Context, postingID string) (string, error) {
	pk, sk := postingKey(postingID)
	only := projection("OrgID")
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(pk, sk),
		ProjectionExpression: only.Projection(), ExpressionAttributeNames: only.Names()})
	if err != nil {
		return "", storageError("get posting org", err)
	}
	return str(out.Item, "OrgID"), nil
}

// SharedOrgIDs reads both members' organisations from GSI1 (one Query
// each, ids only) and returns those they share.
func (s *Store) SharedOrgIDs(ctx context.Context, a, b string) ([]string, error) {
	orgsOf := func(m string) (map[string]bool, error) {
		pk, _ := memberOrgsGSI1(m, "")
		got := map[string]bool{}
		b := expression.NewBuilder().WithKeyCondition(keyIs("GSI1PK", pk))
		err := s.eachValue(ctx, "list member orgs", indexByOwner, b, "OrgID", 0, func(ids []string) error {
			for _, id := range ids {
				got[id] = true
			}
			return nil
		})
		return got, err
	}
	oa, err := orgsOf(a)
	if err != nil {
		return nil, err
	}
	ob, err := orgsOf(b)
	if err != nil {
		return nil, err
	}
	var shared []string
	for id := range oa {
		if ob[id] {
			shared = append(shared, id)
		}
	}
	sort.Strings(shared)
	return shared, nil
}

// OrgInsights checks the caller is an admin (GetItem) and reads the day
// range and the running totals with one Query (pages of 1 MB): "NOW" sorts
// after every day, and days after the range are filtered out (on Day: a
// filter cannot name the sort key).
func (s *Store) OrgInsights(ctx context.Context, callerID, orgID string, r warmlead.InsightRange) (*warmlead.OrgInsights, error) {
	if !validID(orgID) {
		return nil, orgNotFound()
	}
	m, found, err := s.readMembership(ctx, orgID, callerID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, s.orgAccessError(ctx, orgID, "Only the organisation's admins can read its insights.")
	}
	if warmlead.OrgRole(m.Role) != warmlead.RoleAdmin {
		return nil, forbidden("Only the organisation's admins can read its insights.")
	}
	pk, nowSK := insightNowKey(orgID)
	_, fromSK := insightDayKey(orgID, r.From)
	keyCond := expression.Key("PK").Equal(expression.Value(pk)).And(expression.Key("SK").Between(expression.Value(fromSK), expression.Value(nowSK)))
	// A filter cannot name a key attribute: day items carry Day, the totals none.
	filter := expression.Name("Day").LessThanEqual(expression.Value(r.To)).Or(expression.AttributeNotExists(expression.Name("Day")))
	expr, err := expression.NewBuilder().WithKeyCondition(keyCond).WithFilter(filter).Build()
	if err != nil {
		return nil, err
	}
	out := &warmlead.OrgInsights{OrgID: orgID, Range: r, Totals: map[string]int{}, Days: map[string]map[string]int{}, Now: map[string]int{}}
	pages := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: aws.String(s.table),
		KeyConditionExpression: expr.KeyCondition(), FilterExpression: expr.Filter(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(), ConsistentRead: aws.Bool(true)})
	for pages.HasMorePages() {
		res, err := pages.NextPage(ctx)
		if err != nil {
			return nil, storageError("query org insights", err)
		}
		for _, av := range res.Items {
			var counters map[string]any
			if err := attributevalue.UnmarshalMap(av, &counters); err != nil {
				return nil, err
			}
			sk, _ := counters["SK"].(string)
			n := map[string]int{}
			for k, v := range counters {
				if f, ok := v.(float64); ok && k != "ExpiresAt" {
					n[k] = int(f)
				}
			}
			if sk == nowSK {
				out.Now = n
				continue
			}
			day := strings.TrimPrefix(sk, "DAY#")
			out.Days[day] = n
			for k, v := range n {
				out.Totals[k] += v
			}
		}
	}
	if out.MembersWithOpenOffers, err = s.countOpenOrgOffers(ctx, orgID); err != nil {
		return nil, err
	}
	return out, nil
}

// countOpenOrgOffers counts the open offers filed under an organisation:
// a COUNT Query of its offer index (ORGOFFERS#<o>), one entry per offerer,
// so the cost grows with the organisation's offers, never with the table.
func (s *Store) countOpenOrgOffers(ctx context.Context, orgID string) (int, error) {
	pk, _ := orgOfferKey(orgID, "")
	expr, err := expression.NewBuilder().WithKeyCondition(keyIs("PK", pk)).
		WithFilter(expression.Name("Status").Equal(expression.Value(string(warmlead.OfferOpen)))).Build()
	if err != nil {
		return 0, err
	}
	n := 0
	pages := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: aws.String(s.table),
		KeyConditionExpression: expr.KeyCondition(), FilterExpression: expr.Filter(), Select: types.SelectCount,
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()})
	for pages.HasMorePages() {
		res, err := pages.NextPage(ctx)
		if err != nil {
			return 0, storageError("count org offers", err)
		}
		n += int(res.Count)
	}
	return n, nil
}
