package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.MemberService = (*Store)(nil)

// PutMember creates or updates a profile in one UpdateItem: CreatedAt is set
// only when absent, so a retry or an edit never moves it.
func (s *Store) PutMember(ctx context.Context, m *warmlead.Member) (*warmlead.Member, bool, error) {
	if err := m.Validate(); err != nil {
		return nil, false, err
	}
	now := formatTime(s.now())
	pk, sk := memberKey(m.ID)
	interests := m.Interests
	if interests == nil {
		interests = []string{}
	}
	set := func(u expression.UpdateBuilder, attr string, v any) expression.UpdateBuilder {
		return u.Set(expression.Name(attr), expression.Value(v))
	}
	u := set(expression.UpdateBuilder{}, "Type", typeMember)
	u = set(u, "ID", m.ID)
	u = set(u, "Name", m.Name)
	u = set(u, "Headline", m.Headline)
	u = set(u, "Stage", string(m.Stage))
	u = set(u, "Interests", interests)
	u = set(u, "Location", m.Location)
	u = set(u, "UpdatedAt", now)
	// An absent directory setting keeps the stored one (orgs when new).
	if m.Directory != "" {
		u = set(u, "Directory", string(m.Directory))
	} else {
		u = u.Set(expression.Name("Directory"), expression.IfNotExists(expression.Name("Directory"), expression.Value(string(warmlead.DirectoryOrgs))))
	}
	u = u.Set(expression.Name("CreatedAt"), expression.IfNotExists(expression.Name("CreatedAt"), expression.Value(now)))
	e := update(u, nil)
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(pk, sk),
		UpdateExpression:          e.Update(),
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return nil, false, storageError("put member", err)
	}
	var it memberItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return nil, false, err
	}
	return it.member(), it.CreatedAt == now, nil
}

// FindMemberByID reads a profile with one GetItem. Returns ENOTFOUND.
func (s *Store) FindMemberByID(ctx context.Context, id string) (*warmlead.Member, error) {
	if warmlead.ValidateMemberID(id) != nil {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "No such member.")
	}
	pk, sk := memberKey(id)
	var it memberItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get member", err)
	}
	if !found {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "No such member.")
	}
	return it.member(), nil
}
