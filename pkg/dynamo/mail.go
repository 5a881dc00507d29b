package dynamo

import (
	"context"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var (
	_ warmlead.MailStore       = (*Store)(nil)
	_ warmlead.SettingsService = (*Store)(nil)
)

// mailSentTTL keeps sent markers longer than any notification lives.
const mailSentTTL = 120 * 24 * time.Hour

// MailRecipients reads the recipients' profiles (100 a BatchGetItem), then
// the suppression records of their addresses (likewise).
func (s *Store) MailRecipients(ctx context.Context, ids []string) (map[string]*warmlead.MailRecipient, error) {
	var keys []map[string]types.AttributeValue
	for _, id := range ids {
		if warmlead.ValidateMemberID(id) == nil {
			keys = append(keys, key(memberKey(id)))
		}
	}
	items, err := s.batchGetProjected(ctx, dedupeKeys(keys), "ID", "Name", "Email", "EmailFreq", "KeepWarmDays")
	if err != nil {
		return nil, storageError("read recipients", err)
	}
	out := make(map[string]*warmlead.MailRecipient, len(items))
	var addrKeys []map[string]types.AttributeValue
	for _, av := range items {
		var p mailProfile
		if err := attributevalue.UnmarshalMap(av, &p); err != nil {
			return nil, err
		}
		out[p.ID] = &warmlead.MailRecipient{MemberID: p.ID, Name: p.Name, Settings: p.settings()}
		if p.Email != "" {
			addrKeys = append(addrKeys, key(suppressedKey(p.Email)))
		}
	}
	if len(addrKeys) == 0 {
		return out, nil
	}
	sup, err := s.batchGetProjected(ctx, dedupeKeys(addrKeys), "Address")
	if err != nil {
		return nil, storageError("read suppressions", err)
	}
	suppressed := map[string]bool{}
	for _, av := range sup {
		var it suppressedItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		suppressed[strings.ToLower(it.Address)] = true
	}
	for _, r := range out {
		r.Suppressed = suppressed[strings.ToLower(strings.TrimSpace(r.Settings.Email))]
	}
	return out, nil
}

// ClaimMail writes the sent marker if it is not there (one conditional
// PutItem): whoever writes it sends the email.
func (s *Store) ClaimMail(ctx context.Context, memberID, k string) (bool, error) {
	pk, sk := mailSentKey(memberID, k)
	now := s.now()
	av, err := attributevalue.MarshalMap(mailSentItem{PK: pk, SK: sk, Type: typeMailSent, SentAt: formatTime(now), ExpiresAt: now.Add(mailSentTTL).Unix()})
	if err != nil {
		return false, err
	}
	fresh := condition(notExists())
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av,
		ConditionExpression: fresh.Condition(), ExpressionAttributeNames: fresh.Names()})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, storageError("claim mail", err)
	}
	return true, nil
}

// ReleaseMail deletes a marker whose email failed, so a retry sends it.
func (s *Store) ReleaseMail(ctx context.Context, memberID, k string) error {
	pk, sk := mailSentKey(memberID, k)
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(pk, sk)})
	return storageError("release mail", err)
}

// DescribeNotifications reads the names and titles the notifications
// mention, and the tombstones of the members among them who deleted their
// account (formerKey), in the same BatchGetItem (one per 100 keys); then
// writes each one's Summary and empties a former member's ids
// (docs/people.md, "Your data").
func (s *Store) DescribeNotifications(ctx context.Context, ns []*warmlead.Notification) error {
	var keys []map[string]types.AttributeValue
	for _, n := range ns {
		for _, id := range append([]string{n.ActorID, n.OtherID}, n.Others...) {
			if warmlead.ValidateMemberID(id) == nil {
				keys = append(keys, key(memberKey(id)), key(formerKey(id)))
			}
		}
		if validID(n.PostingID) {
			keys = append(keys, key(postingKey(n.PostingID)))
		}
	}
	names := warmlead.Names{Members: map[string]string{}, Postings: map[string]string{}, Former: map[string]time.Time{}}
	if len(keys) > 0 {
		items, err := s.batchGetProjected(ctx, dedupeKeys(keys), "SK", "ID", "Name", "Title", "DeletedAt")
		if err != nil {
			return storageError("read names", err)
		}
		for _, av := range items {
			var it struct {
				SK, ID, Name, Title, DeletedAt string
			}
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			switch it.SK {
			case postingSK:
				names.Postings[it.ID] = it.Title
			case formerSK:
				names.Former[it.ID] = parseTime(it.DeletedAt)
			default:
				names.Members[it.ID] = it.Name
			}
		}
	}
	for _, n := range ns {
		// A Summary was written at delivery for org_invitation and search_match,
		// and for people notifications delivered before they were worded when read.
		if n.Summary == "" {
			n.Summary = warmlead.Summarize(n, names)
		} else {
			n.Summary = warmlead.StoredSummary(n, names)
		}
		warmlead.HideFormer(n, names)
	}
	return nil
}

// NotificationsBetween reads a member's notifications created in [from,
// to): one Query of the inbox's id range (ids start with their time).
func (s *Store) NotificationsBetween(ctx context.Context, memberID string, from, to time.Time) ([]*warmlead.Notification, error) {
	pk, _ := inboxKey(memberID, "")
	q := s.mustQuery("", expression.NewBuilder().WithKeyCondition(keyBetween("PK", pk, "SK",
		notifPrefix+notifIDBound(from), notifPrefix+notifIDBound(to.Add(-time.Nanosecond))+"~")))
	var out []*warmlead.Notification
	for {
		res, err := s.client.Query(ctx, q)
		if err != nil {
			return nil, storageError("read notifications", err)
		}
		for _, av := range res.Items {
			var it notificationItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return nil, err
			}
			out = append(out, it.notification(""))
		}
		if res.LastEvaluatedKey == nil {
			return out, nil
		}
		q.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// SuppressAddress records a bounce or complaint: that address gets no
// more mail.
func (s *Store) SuppressAddress(ctx context.Context, address, reason string, at time.Time) error {
	pk, sk := suppressedKey(address)
	av, err := attributevalue.MarshalMap(suppressedItem{PK: pk, SK: sk, Type: typeSuppressed,
		Address: strings.ToLower(strings.TrimSpace(address)), Reason: reason, At: formatTime(at)})
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av})
	return storageError("suppress address", err)
}

// GetNotificationSettings reads the settings on the caller's profile.
func (s *Store) GetNotificationSettings(ctx context.Context, callerID string) (*warmlead.NotificationSettings, error) {
	pk, sk := memberKey(callerID)
	var p mailProfile
	found, err := s.get(ctx, pk, sk, &p)
	if err != nil {
		return nil, storageError("read settings", err)
	}
	if !found {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "You have no profile yet: create it with PUT /me.")
	}
	st := p.settings()
	return &st, nil
}

// PutNotificationSettings replaces the frequencies and keep_warm_days on
// the caller's profile with one conditional UpdateItem.
func (s *Store) PutNotificationSettings(ctx context.Context, callerID string, st *warmlead.NotificationSettings) (*warmlead.NotificationSettings, error) {
	var fields []warmlead.FieldError
	freq := map[string]string{}
	for t, f := range st.Frequencies {
		if !f.Valid() {
			fields = append(fields, warmlead.FieldError{Field: "email." + string(t), Message: "must be one of instant, daily, weekly, off"})
		}
		freq[string(t)] = string(f)
	}
	if err := warmlead.ValidateKeepWarmDays(st.KeepWarmDays); err != nil {
		fields = append(fields, err.(*warmlead.Error).Fields...)
	}
	if len(fields) > 0 {
		return nil, warmlead.Invalid(fields...)
	}
	return s.updateSettings(ctx, callerID, expression.Set(expression.Name("EmailFreq"), expression.Value(freq)).
		Set(expression.Name("KeepWarmDays"), expression.Value(st.KeepWarmDays)))
}

func (s *Store) updateSettings(ctx context.Context, callerID string, u expression.UpdateBuilder) (*warmlead.NotificationSettings, error) {
	pk, sk := memberKey(callerID)
	var p mailProfile
	if err := s.updateExisting(ctx, "update settings", key(pk, sk), u,
		warmlead.Errorf(warmlead.ENOTFOUND, "You have no profile yet: create it with PUT /me."), &p); err != nil {
		return nil, err
	}
	st := p.settings()
	return &st, nil
}

// SetMemberEmail stores the verified address on the member's profile.
func (s *Store) SetMemberEmail(ctx context.Context, memberID, email string) error {
	_, err := s.updateSettings(ctx, memberID, expression.Set(expression.Name("Email"), expression.Value(strings.TrimSpace(email))))
	return err
}

// Unsubscribe turns email off for one type, or for every type: a read
// and one UpdateItem of the profile's frequencies.
func (s *Store) Unsubscribe(ctx context.Context, memberID string, t warmlead.NotificationType) error {
	st, err := s.GetNotificationSettings(ctx, memberID)
	if err != nil {
		return err
	}
	freq := map[string]string{}
	for k, v := range st.Frequencies {
		freq[string(k)] = string(v)
	}
	types_ := []warmlead.NotificationType{t}
	if t == "" {
		types_ = warmlead.NotificationTypes
	}
	for _, k := range types_ {
		freq[string(k)] = string(warmlead.FrequencyOff)
	}
	_, err = s.updateSettings(ctx, memberID, expression.Set(expression.Name("EmailFreq"), expression.Value(freq)))
	return err
}
