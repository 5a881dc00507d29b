package dynamo

import (
	"crypto/rand"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Store implements the domain's storage interfaces on one table.
type Store struct {
	client  *dynamodb.Client
	table   string
	now     func() time.Time
	cursors *sealer
	salt    []byte // keys the hash of anonymous visitors (visitorHash)
	// transactBatches: see WithTransactedBatches.
	transactBatches bool
}

// Option configures a Store.
type Option func(*Store) error

// WithTransactedBatches, for DynamoDB Local only, makes the store write
// its notifications (PutNotifications) and due entries (PutDue) as
// TransactWriteItems of 25 puts instead of BatchWriteItem calls.
//
// DynamoDB Local takes its table lock once per transaction but once per
// item of a BatchWriteItem, so while the API writes, each item of a batch
// waits its turn behind every queued write, and a fan-out falls a minute
// behind the load; the local stack's stream functions use this
// (docs/platform.md, "DynamoDB Local").
//
// Functions deployed by template.yaml do not, and should not: in AWS a
// transaction costs twice the write units, holds at most 4 MB, and is
// cancelled whole (TransactionCanceledException, which the SDK does not
// retry) by one throttled item or by a concurrent write of one of its
// keys, where BatchWriteItem hands back only the items left unprocessed.
func WithTransactedBatches() Option {
	return func(s *Store) error {
		s.transactBatches = true
		return nil
	}
}

// WithCursorKey sets the 32-byte key cursors are sealed with. Every
// instance serving one API must share it (CURSOR_SECRET), or a cursor from
// one Lambda instance will not open on another.
func WithCursorKey(key []byte) Option {
	return func(s *Store) error {
		c, err := newSealer(key)
		s.cursors = c
		s.salt = visitorSalt(key)
		return err
	}
}

// New returns a Store on the named table. Without WithCursorKey, cursors
// are sealed with a random key: fine for one process (tests, make run).
func New(client *dynamodb.Client, table string, opts ...Option) (*Store, error) {
	s := &Store{client: client, table: table, now: func() time.Time { return time.Now().UTC() }}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.cursors == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		s.cursors, _ = newSealer(key)
	}
	if s.salt == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		s.salt = visitorSalt(key)
	}
	return s, nil
}

// WithClock sets the store's clock (default: time.Now in UTC); tests use
// it to make time-dependent rules (expiry, cooldowns) observable.
func WithClock(now func() time.Time) Option {
	return func(s *Store) error {
		s.now = now
		return nil
	}
}

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
