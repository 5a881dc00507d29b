// Package dynamo stores Warmlead's domain in one DynamoDB table (single-table
// design). Key layout lives in keys.go, item shapes in items.go; nothing
// outside this package knows either.
package dynamo

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Store implements the domain's storage interfaces on one table.
type Store struct {
	client *dynamodb.Client
	table  string
	now    func() time.Time
}

// New returns a Store on the named table.
func New(client *dynamodb.Client, table string) *Store {
	return &Store{client: client, table: table, now: func() time.Time { return time.Now().UTC() }}
}

// SetClock replaces the store's clock; tests use it to make time-dependent
// rules (expiry) observable.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// timeFormat is how timestamps are stored: sortable, UTC, nanoseconds so two
// writes in one millisecond still order.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
