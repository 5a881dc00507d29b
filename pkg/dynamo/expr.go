package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Every expression of the store is built with the SDK's expression package
// (docs/rules.md, "Expressions"): a builder only ever adds names and
// values, so no helper can drop what another put in, as the paging helper
// once dropped the org-admin query's #role and every interest in an
// organisation's posting went unannounced.

// keyIs is the key condition "attr = value".
func keyIs(attr, value string) expression.KeyConditionBuilder {
	return expression.Key(attr).Equal(expression.Value(value))
}

// keyPrefix is the key condition "pk = pkValue AND begins_with(sk, prefix)".
func keyPrefix(pk, pkValue, sk, prefix string) expression.KeyConditionBuilder {
	return keyIs(pk, pkValue).And(expression.Key(sk).BeginsWith(prefix))
}

// keyBetween is the key condition "pk = pkValue AND sk BETWEEN lo AND hi".
func keyBetween(pk, pkValue, sk, lo, hi string) expression.KeyConditionBuilder {
	return keyIs(pk, pkValue).And(expression.Key(sk).Between(expression.Value(lo), expression.Value(hi)))
}

// newQuery makes a Query of the table (index "") or of an index from an
// expression builder.
func (s *Store) newQuery(index string, b expression.Builder) (*dynamodb.QueryInput, error) {
	e, err := b.Build()
	if err != nil {
		return nil, err
	}
	q := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    e.KeyCondition(),
		FilterExpression:          e.Filter(),
		ProjectionExpression:      e.Projection(),
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
	}
	if index != "" {
		q.IndexName = aws.String(index)
	}
	return q, nil
}

// mustQuery is newQuery for builders fixed in code, which cannot fail to
// build (a key condition is always set).
func (s *Store) mustQuery(index string, b expression.Builder) *dynamodb.QueryInput {
	q, err := s.newQuery(index, b)
	if err != nil {
		panic("dynamo: " + err.Error())
	}
	return q
}

// condition builds a condition-only expression (with names and values) for
// a Put, Delete or ConditionCheck.
func condition(c expression.ConditionBuilder) expression.Expression {
	e, err := expression.NewBuilder().WithCondition(c).Build()
	if err != nil {
		panic("dynamo: " + err.Error())
	}
	return e
}

// update builds an update expression, with its condition when cond is set.
func update(u expression.UpdateBuilder, cond *expression.ConditionBuilder) expression.Expression {
	b := expression.NewBuilder().WithUpdate(u)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	e, err := b.Build()
	if err != nil {
		panic("dynamo: " + err.Error())
	}
	return e
}

// projection builds a projection of the attributes named (none: all).
func projection(attrs ...string) expression.Expression {
	if len(attrs) == 0 {
		return expression.Expression{}
	}
	names := expression.NamesList(expression.Name(attrs[0]))
	for _, a := range attrs[1:] {
		names = names.AddNames(expression.Name(a))
	}
	e, err := expression.NewBuilder().WithProjection(names).Build()
	if err != nil {
		panic("dynamo: " + err.Error())
	}
	return e
}

// exists and notExists are the item-existence conditions.
func exists() expression.ConditionBuilder { return expression.AttributeExists(expression.Name("PK")) }
func notExists() expression.ConditionBuilder {
	return expression.AttributeNotExists(expression.Name("PK"))
}

// orgMembersExpr is the key condition of an organisation's memberships.
func orgMembersExpr(orgID string) expression.Builder {
	pk, _ := orgKey(orgID)
	return expression.NewBuilder().WithKeyCondition(keyPrefix("PK", pk, "SK", orgMembersPrefix))
}

// updateInput makes an UpdateItem of the item at k from an update
// expression (with its condition, if any).
func (s *Store) updateInput(k map[string]types.AttributeValue, e expression.Expression) *dynamodb.UpdateItemInput {
	return &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: k,
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values()}
}

// txUpdate makes a transaction's Update of the item at k from an update
// expression (with its condition, if any).
func (s *Store) txUpdate(k map[string]types.AttributeValue, e expression.Expression) *types.Update {
	return &types.Update{TableName: aws.String(s.table), Key: k,
		UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values()}
}

// txCheck makes a transaction's ConditionCheck of the item at k.
func (s *Store) txCheck(k map[string]types.AttributeValue, c expression.ConditionBuilder) *types.ConditionCheck {
	e := condition(c)
	return &types.ConditionCheck{TableName: aws.String(s.table), Key: k,
		ConditionExpression: e.Condition(), ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values()}
}
