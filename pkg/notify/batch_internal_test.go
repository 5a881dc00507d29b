package notify

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// panickyStore panics on the reads a batch shares.
type panickyStore struct{ warmlead.FanoutStore }

func (panickyStore) SearchAlertCandidates(context.Context, []string) ([]*warmlead.SavedSearch, error) {
	panic("bad partition")
}

func (panickyStore) PostingOrgID(context.Context, string) (string, error) {
	panic("bad posting")
}

// A shared read that panics is an error for every record that asks for it,
// never a crash of the function (Handle never panics) and never an empty
// answer that looks like success to the records that ask after it.
func TestASharedReadThatPanicsIsAnError(t *testing.T) {
	b := newBatch(nil, nil)
	first := recordStore{FanoutStore: panickyStore{}, b: b, i: 0}
	later := recordStore{FanoutStore: panickyStore{}, b: b, i: 1}
	for _, s := range []recordStore{first, later} {
		if _, err := s.SearchAlertCandidates(context.Background(), []string{"ANY", "KIND#job"}); err == nil {
			t.Errorf("record %d: a panicking alert read is no error", s.i)
		}
	}
	for _, s := range []recordStore{first, later} {
		func() {
			defer func() {
				if v := recover(); v != nil && s.i > 0 {
					t.Errorf("record %d: panicked again: %v", s.i, v)
				}
			}()
			if _, err := s.PostingOrgID(context.Background(), "p1"); err == nil {
				t.Errorf("record %d: a panicking organisation read is no error", s.i)
			}
		}()
	}
}

// panickyWrites panics when the batch's held notifications are written.
type panickyWrites struct{ warmlead.FanoutStore }

func (panickyWrites) PutNotifications(context.Context, []*warmlead.Notification) error {
	panic("bad notification")
}

// The held notifications are written outside any record: a panic there
// fails their records, and does not escape.
func TestAPanickingFlushFailsItsRecords(t *testing.T) {
	b := newBatch(nil, nil)
	s := recordStore{FanoutStore: panickyWrites{}, b: b, i: 3}
	if err := s.PutNotifications(context.Background(), []*warmlead.Notification{New(warmlead.NotifyConnectionRequest, "a", "b", "", "f", time.Now())}); err != nil {
		t.Fatal(err)
	}
	records, err := b.flush(context.Background(), panickyWrites{})
	if err == nil || len(records) != 1 || records[0] != 3 {
		t.Errorf("flush = %v, %v; want record 3 failed", records, err)
	}
}

// refusing refuses any write that holds a notification to "poison", as
// DynamoDB refuses a whole BatchWriteItem for one bad item.
type refusing struct {
	warmlead.FanoutStore
	calls int
}

func (r *refusing) PutNotifications(_ context.Context, ns []*warmlead.Notification) error {
	r.calls++
	for _, n := range ns {
		if n.RecipientID == "poison" {
			return errors.New("ValidationException")
		}
	}
	return nil
}

// One notification the table refuses fails the record that called for it,
// not every record whose notifications were held with it: those would
// otherwise be retried with it until they all went to the failure
// destination.
func TestARefusedNotificationFailsOnlyItsRecord(t *testing.T) {
	b := newBatch(nil, nil)
	store := &refusing{}
	for i, to := range []string{"ana", "poison", "carl", "dora"} {
		s := recordStore{FanoutStore: store, b: b, i: i}
		if err := s.PutNotifications(context.Background(), []*warmlead.Notification{
			New(warmlead.NotifyConnectionRequest, to, "x", "", "f", time.Now())}); err != nil {
			t.Fatal(err)
		}
	}
	records, err := b.flush(context.Background(), store)
	if err == nil || !slices.Equal(records, []int{1}) {
		t.Errorf("flush = %v, %v; want only record 1 failed", records, err)
	}
}
