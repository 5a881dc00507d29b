package dynamo

import (
	"context"
	"math/rand/v2"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var (
	_ warmlead.NotificationService = (*Store)(nil)
	_ warmlead.FanoutStore         = (*Store)(nil)
)

// notificationIDRE matches the ids warmlead notifications get (notify.ID).
var notificationIDRE = regexp.MustCompile(`^[0-9]{19}-[0-9a-f]{16}$`)

// maxUnreadPages bounds the COUNT Queries behind the unread count (each
// counts up to 1 MB of notifications, thousands).
const maxUnreadPages = 5

// ListNotifications reads the watermark, one page of the inbox (newest
// first), the names its summaries mention and the unread count: a GetItem,
// a BatchGetItem and two Queries.
func (s *Store) ListNotifications(ctx context.Context, callerID string, page warmlead.PageRequest) (*warmlead.Inbox, error) {
	wm, err := s.readWatermark(ctx, callerID)
	if err != nil {
		return nil, err
	}
	pk, _ := inboxKey(callerID, "")
	q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyPrefix("PK", pk, "SK", notifPrefix)))
	q.ScanIndexForward = aws.Bool(false)
	items, next, err := s.queryPage(ctx, "list notifications", q, "inbox|"+callerID, page, tableKeyAttrs)
	if err != nil {
		return nil, err
	}
	pg, err := decodePage(items, next, func(it *notificationItem) *warmlead.Notification { return it.notification(wm) })
	if err != nil {
		return nil, err
	}
	inbox := &warmlead.Inbox{Page: *pg}
	// Summaries name people and leads: one BatchGetItem (docs/followups.md).
	if err := s.DescribeNotifications(ctx, pg.Items); err != nil {
		return nil, err
	}
	inbox.Unread, err = s.countUnread(ctx, callerID, wm)
	return inbox, err
}

func (s *Store) readWatermark(ctx context.Context, memberID string) (string, error) {
	pk, sk := inboxStateKey(memberID)
	var st inboxStateItem
	if _, err := s.get(ctx, pk, sk, &st); err != nil {
		return "", storageError("read inbox state", err)
	}
	return st.ReadUpTo, nil
}

// countUnread counts the notifications after the watermark. '~' sorts after
// every character of an id, so the range starts just past the watermark.
func (s *Store) countUnread(ctx context.Context, memberID, wm string) (int, error) {
	pk, _ := inboxKey(memberID, "")
	lo := notifPrefix
	if wm != "" {
		lo = notifPrefix + wm + "~"
	}
	q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(
		keyIs("PK", pk).And(expression.Key("SK").Between(expression.Value(lo), expression.Value(notifPrefix+"~")))))
	q.Select = types.SelectCount
	n := 0
	for i := 0; i < maxUnreadPages; i++ {
		out, err := s.client.Query(ctx, q)
		if err != nil {
			return 0, storageError("count unread", err)
		}
		n += int(out.Count)
		if out.LastEvaluatedKey == nil {
			break
		}
		q.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return n, nil
}

// MarkNotificationsRead moves the watermark forward, never back, to a
// notification the member has: the one named, or the newest they have. The
// watermark is an id that was delivered, not the clock, so a notification
// the notifier writes after this call (late, for an older fact) is not
// silently marked read unless it sorts before one the member saw. A read
// and one conditional UpdateItem.
func (s *Store) MarkNotificationsRead(ctx context.Context, callerID, upTo string) error {
	if upTo != "" && !notificationIDRE.MatchString(upTo) {
		return warmlead.Invalid(warmlead.FieldError{Field: "up_to", Message: "is not a notification id"})
	}
	wm, err := s.readUpToTarget(ctx, callerID, upTo)
	if err != nil || wm == "" {
		return err
	}
	pk, sk := inboxStateKey(callerID)
	forward := expression.AttributeNotExists(expression.Name("ReadUpTo")).Or(expression.Name("ReadUpTo").LessThan(expression.Value(wm)))
	e := update(expression.Set(expression.Name("ReadUpTo"), expression.Value(wm)).Set(expression.Name("Type"), expression.Value(typeInboxState)), &forward)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
	})
	if isConditionFailed(err) {
		return nil // already read further
	}
	return storageError("mark read", err)
}

// readUpToTarget checks that upTo is one of the member's notifications, or
// finds their newest when upTo is "" ("" back: an empty inbox).
func (s *Store) readUpToTarget(ctx context.Context, memberID, upTo string) (string, error) {
	if upTo != "" {
		pk, sk := inboxKey(memberID, upTo)
		var it notificationItem
		found, err := s.get(ctx, pk, sk, &it)
		if err != nil {
			return "", storageError("read notification", err)
		}
		if !found {
			return "", warmlead.Invalid(warmlead.FieldError{Field: "up_to", Message: "is not one of your notifications"})
		}
		return upTo, nil
	}
	pk, _ := inboxKey(memberID, "")
	q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyPrefix("PK", pk, "SK", notifPrefix)))
	q.ScanIndexForward, q.Limit, q.ConsistentRead = aws.Bool(false), aws.Int32(1), aws.Bool(true)
	out, err := s.client.Query(ctx, q)
	if err != nil {
		return "", storageError("read newest notification", err)
	}
	if len(out.Items) == 0 {
		return "", nil
	}
	var it notificationItem
	if err := attributevalue.UnmarshalMap(out.Items[0], &it); err != nil {
		return "", err
	}
	return it.ID, nil
}

// OrgAdminIDs reads an organisation's admins (one Query of its members,
// filtered to admins).
func (s *Store) OrgAdminIDs(ctx context.Context, orgID string) ([]string, error) {
	var ids []string
	b := orgMembersExpr(orgID).WithFilter(expression.Name("Role").Equal(expression.Value(string(warmlead.RoleAdmin))))
	err := s.eachValue(ctx, "list org admins", "", b, "MemberID", 0, func(page []string) error {
		ids = append(ids, page...)
		return nil
	})
	return ids, err
}

// MemberInterests reads the interests of members, 100 profiles per
// BatchGetItem, projecting only what the notifier needs.
func (s *Store) MemberInterests(ctx context.Context, ids []string) (map[string][]string, error) {
	out := make(map[string][]string, len(ids))
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = key(memberKey(id))
		}
		items, err := s.batchGetProjected(ctx, keys, "ID", "Interests")
		if err != nil {
			return nil, storageError("read interests", err)
		}
		for _, av := range items {
			var m struct {
				ID        string   `dynamodbav:"ID"`
				Interests []string `dynamodbav:"Interests"`
			}
			if err := attributevalue.UnmarshalMap(av, &m); err != nil {
				return nil, err
			}
			if len(m.Interests) > 0 {
				out[m.ID] = m.Interests
			}
		}
	}
	return out, nil
}

// Fan-out write settings: BatchWriteItem takes 25 items; a few batches go
// at once so a large fan-out is bound by DynamoDB, not by round trips.
const (
	batchWriteSize      = 25
	batchWriteWorkers   = 4
	batchWriteAttempts  = 8
	batchWriteBaseDelay = 20 * time.Millisecond
	batchWriteMaxDelay  = time.Second
)

// PutNotifications writes notifications with BatchWriteItem, 25 a call,
// retrying unprocessed items with jittered exponential backoff. A
// notification's key derives from its fact and recipient, so a retry or a
// replay overwrites it with the same content.
func (s *Store) PutNotifications(ctx context.Context, ns []*warmlead.Notification) error {
	// A member who deleted their data is an empty id on what others keep
	// (docs/people.md, "Your data"): nobody to tell.
	ns = slices.DeleteFunc(slices.Clone(ns), func(n *warmlead.Notification) bool { return n.RecipientID == "" })
	if len(ns) == 0 {
		return nil
	}
	batches := make(chan []types.WriteRequest)
	errs := make(chan error, batchWriteWorkers)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < min(batchWriteWorkers, (len(ns)+batchWriteSize-1)/batchWriteSize); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				if err := s.batchWrite(ctx, batch); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
	var err error
	for start := 0; start < len(ns) && err == nil; start += batchWriteSize {
		batch := make([]types.WriteRequest, 0, batchWriteSize)
		for _, n := range ns[start:min(start+batchWriteSize, len(ns))] {
			av, merr := attributevalue.MarshalMap(newNotificationItem(n))
			if merr != nil {
				err = merr
				break
			}
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	close(batches)
	wg.Wait()
	select {
	case werr := <-errs:
		return werr
	default:
		return err
	}
}

// batchWrite writes one batch, retrying what DynamoDB leaves unprocessed.
func (s *Store) batchWrite(ctx context.Context, batch []types.WriteRequest) error {
	req := map[string][]types.WriteRequest{s.table: batch}
	for attempt := 0; ; attempt++ {
		out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
		if err != nil {
			return storageError("write notifications", err)
		}
		if len(out.UnprocessedItems[s.table]) == 0 {
			return nil
		}
		if attempt+1 == batchWriteAttempts {
			return warmlead.Errorf(warmlead.EUNAVAILABLE, "%d notifications left unprocessed after %d attempts", len(out.UnprocessedItems[s.table]), batchWriteAttempts)
		}
		req = out.UnprocessedItems
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// backoff is full-jitter exponential backoff: a random delay up to
// base·2^attempt, capped.
func backoff(attempt int) time.Duration {
	ceiling := min(batchWriteBaseDelay<<attempt, batchWriteMaxDelay)
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
