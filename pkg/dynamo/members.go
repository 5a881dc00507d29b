package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
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
	// An absent directory setting keeps the stored one (orgs when new).
	directory, setDirectory := m.Directory, "Directory = :directory"
	if directory == "" {
		directory, setDirectory = warmlead.DirectoryOrgs, "Directory = if_not_exists(Directory, :directory)"
	}
	values, err := attributevalue.MarshalMap(map[string]any{
		":type": typeMember, ":id": m.ID, ":name": m.Name, ":headline": m.Headline,
		":stage": string(m.Stage), ":interests": interests, ":location": m.Location, ":now": now,
		":directory": string(directory),
	})
	if err != nil {
		return nil, false, err
	}
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key:       key(pk, sk),
		UpdateExpression: aws.String("SET #type = :type, ID = :id, #name = :name, Headline = :headline, Stage = :stage, " +
			"Interests = :interests, #location = :location, UpdatedAt = :now, CreatedAt = if_not_exists(CreatedAt, :now), " + setDirectory),
		ExpressionAttributeNames:  map[string]string{"#type": "Type", "#name": "Name", "#location": "Location"},
		ExpressionAttributeValues: values,
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
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "No member with id %q.", id)
	}
	pk, sk := memberKey(id)
	var it memberItem
	found, err := s.get(ctx, pk, sk, &it)
	if err != nil {
		return nil, storageError("get member", err)
	}
	if !found {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "No member with id %q.", id)
	}
	return it.member(), nil
}
