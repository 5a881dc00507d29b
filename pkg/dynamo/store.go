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

// WithTransactedBatches makes the store write the stream functions'
// batches (a fan-out's notifications, follow-up due entries; 25 a call) as
// TransactWriteItems instead of BatchWriteItem. In AWS that would double
// their write cost for nothing, and functions deployed by template.yaml do
// not use it. DynamoDB Local takes its table lock once per transaction but
// once per item of a BatchWriteItem, so while the API writes, a batch
// waits its turn 25 times and a fan-out falls a minute behind; the local
// stack's stream functions use it (docs/platform.md, "DynamoDB Local").
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
