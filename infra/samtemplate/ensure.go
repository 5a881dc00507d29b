package samtemplate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// tableActiveTimeout bounds how long EnsureTable waits for the table to
// become ACTIVE.
const tableActiveTimeout = time.Minute

// EnsureTable creates the table called name from the template at
// templatePath unless it already exists, waits until it is ACTIVE, and, if
// the template enables TTL, turns TTL on for the template's attribute. It
// returns the table's LatestStreamArn so callers can read its stream; it is
// an error if the template defines a stream but the table has none.
//
// An existing table is used as it is: EnsureTable does not compare its keys
// or indexes with the template.
func EnsureTable(ctx context.Context, client *dynamodb.Client, templatePath, name string, opts ...Option) (streamARN string, err error) {
	tpl, err := Load(templatePath)
	if err != nil {
		return "", err
	}
	_, def, err := tpl.Table()
	if err != nil {
		return "", err
	}
	for _, o := range opts {
		o(&def)
	}

	var inUse *types.ResourceInUseException
	if _, err := client.CreateTable(ctx, def.CreateTableInput(name)); err != nil && !errors.As(err, &inUse) {
		return "", fmt.Errorf("samtemplate: create table %q: %w", name, err)
	}

	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		// The defaults (20s to 120s between polls) suit CloudFormation, not
		// DynamoDB Local or tests.
		o.MinDelay = 200 * time.Millisecond
		o.MaxDelay = 5 * time.Second
	})
	desc, err := waiter.WaitForOutput(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, tableActiveTimeout)
	if err != nil {
		return "", fmt.Errorf("samtemplate: wait for table %q to become ACTIVE: %w", name, err)
	}

	if ttl := def.TimeToLiveSpecification; ttl.Enabled && ttl.AttributeName != "" {
		_, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{
				AttributeName: aws.String(ttl.AttributeName),
				Enabled:       aws.Bool(true),
			},
		})
		if err != nil && !ttlAlreadyEnabled(err) {
			return "", fmt.Errorf("samtemplate: enable TTL on table %q: %w", name, err)
		}
	}

	if desc == nil || desc.Table == nil {
		return "", fmt.Errorf("samtemplate: describe table %q: no table in response", name)
	}
	streamARN = aws.ToString(desc.Table.LatestStreamArn)
	if streamARN == "" && def.StreamSpecification.StreamViewType != "" {
		return "", fmt.Errorf("samtemplate: table %q exists without the stream the template defines", name)
	}
	return streamARN, nil
}

// Option adjusts the template's table definition for a local use.
type Option func(*TableDef)

// WithoutStream creates the table without its stream. Benchmarks use it:
// DynamoDB Local's writes slow down as stream records accumulate in the
// process (docs/platform.md), which AWS's do not, so a stream would measure the
// emulator rather than the code.
func WithoutStream() Option {
	return func(d *TableDef) { d.StreamSpecification = StreamSpecification{} }
}

// ttlAlreadyEnabled reports whether err is DynamoDB's refusal to enable TTL
// on a table that already has it.
func ttlAlreadyEnabled(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationException" {
		return false
	}
	return strings.Contains(strings.ToLower(apiErr.ErrorMessage()), "already enabled")
}
