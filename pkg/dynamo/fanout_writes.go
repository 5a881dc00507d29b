package dynamo

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// batchWriteWorkers is how many of a fan-out's batches go at once, so a
// large fan-out is bound by DynamoDB, not by round trips.
const batchWriteWorkers = 4

// PutNotifications writes notifications 25 a call (writePuts: BatchWriteItem,
// retrying unprocessed items with jittered exponential backoff, or
// transactions in a store made WithTransactedBatches). A notification's key
// derives from its fact and recipient, so a retry or a replay overwrites it
// with the same content.
func (s *Store) PutNotifications(ctx context.Context, ns []*warmlead.Notification) error {
	// A member who deleted their data is an empty id on what others keep
	// (docs/people.md, "Your data"): nobody to tell.
	ns = slices.DeleteFunc(slices.Clone(ns), func(n *warmlead.Notification) bool { return n.RecipientID == "" })
	ns = lastOfEach(ns)
	if len(ns) == 0 {
		return nil
	}
	batches := make(chan []map[string]types.AttributeValue)
	errs := make(chan error, batchWriteWorkers)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < min(batchWriteWorkers, (len(ns)+batchWriteSize-1)/batchWriteSize); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				if err := s.writePuts(ctx, batch); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
	var err error
	for start := 0; start < len(ns) && err == nil; start += batchWriteSize {
		batch := make([]map[string]types.AttributeValue, 0, batchWriteSize)
		for _, n := range ns[start:min(start+batchWriteSize, len(ns))] {
			av, merr := attributevalue.MarshalMap(newNotificationItem(n))
			if merr != nil {
				err = merr
				break
			}
			batch = append(batch, av)
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	close(batches)
	wg.Wait()
	select {
	case werr := <-errs:
		return werr
	default:
		return err
	}
}

// lastOfEach keeps the last of notifications with the same key (recipient
// and id: the same fact told twice, e.g. a record and its replay in one
// stream batch). One BatchWriteItem or transaction may not name a key
// twice, and writing it twice in a row would leave the last anyway.
func lastOfEach(ns []*warmlead.Notification) []*warmlead.Notification {
	at := make(map[[2]string]int, len(ns))
	out := ns[:0]
	for _, n := range ns {
		k := [2]string{n.RecipientID, n.ID}
		if i, ok := at[k]; ok {
			out[i] = n
			continue
		}
		at[k] = len(out)
		out = append(out, n)
	}
	return out
}
