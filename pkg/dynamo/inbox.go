package dynamo

import (
	"context"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.NotificationService = (*Store)(nil)

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
	// Summaries name people and postings: one BatchGetItem (docs/followups.md).
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
	_, err = s.client.UpdateItem(ctx, s.updateInput(key(pk, sk), e))
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
