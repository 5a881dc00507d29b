package followup_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/followup"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// BenchmarkSweep100k runs the weekly keep-warm sweep over 100,000 members
// of whom 1,000 have a stale connection, side by side with the same 1,000
// among 1,000 members: the sweep's DynamoDB calls must be the same (they
// grow with what is due, not with members). The other 99,000 have keep-warm
// entries in later weeks, as a real table would. Written with
// BatchWriteItem into tables without a stream (DynamoDB Local slows down
// as stream records pile up). Reported: calls per sweep for each, their
// ratio (goal 1.0), and the 100k sweep's wall time.
func BenchmarkSweep100k(b *testing.B) {
	const due = 1000
	sweep := warmlead.NextKeepWarmSweep(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	touched := sweep.Add(-100 * 24 * time.Hour)
	members := 100_000
	if testing.Short() { // make bench-smoke (BENCHMARKS.md)
		members = 5_000
	}
	big := sweepWorld(b, members, due, sweep, touched)
	small := sweepWorld(b, due, due, sweep, touched)
	var wall, wallSmall time.Duration
	var bigCalls, smallCalls int
	for i := 0; i < b.N; i++ {
		big.env.Calls.Reset()
		start := time.Now()
		rep := big.run(b, sweep.Add(time.Minute+time.Duration(i)*time.Second))
		wall += time.Since(start)
		bigCalls = big.env.Calls.Total()
		if rep.Notifications != due {
			b.Fatalf("100k sweep notified %d, want %d", rep.Notifications, due)
		}
		small.env.Calls.Reset()
		start = time.Now()
		small.run(b, sweep.Add(time.Minute+time.Duration(i)*time.Second))
		wallSmall += time.Since(start)
		smallCalls = small.env.Calls.Total()
	}
	for _, op := range []string{"Query", "BatchGetItem", "BatchWriteItem", "GetItem", "UpdateItem"} {
		b.ReportMetric(float64(big.env.Calls.Count(op)), op+"/sweep")
	}
	b.ReportMetric(float64(bigCalls), "calls-100k")
	b.ReportMetric(float64(smallCalls), "calls-1k")
	b.ReportMetric(float64(bigCalls)/float64(smallCalls), "ratio")
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "sweep-ms/op")
	b.ReportMetric(float64(wallSmall.Milliseconds())/float64(b.N), "sweep1k-ms/op")
}

type benchWorld struct {
	env     *testenv.Env
	sweeper *followup.Sweeper
	clk     *clock
}

func (w *benchWorld) run(b *testing.B, at time.Time) *followup.Report {
	w.clk.Set(at)
	rep, err := w.sweeper.Run(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return rep
}

// sweepWorld writes members profiles, one accepted connection each for
// the first due of them (touched at touched) with its keep-warm entry at
// sweep, and keep-warm entries in later weeks for the others.
func sweepWorld(b *testing.B, members, due int, sweep, touched time.Time) *benchWorld {
	env := testenv.New(b, samtemplate.WithoutStream())
	store := env.Store(b)
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	ts := touched.Format("2006-01-02T15:04:05.000000000Z")
	items := make(chan map[string]types.AttributeValue, 1000)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch []types.WriteRequest
			flush := func() {
				req := map[string][]types.WriteRequest{env.Table: batch}
				for len(req[env.Table]) > 0 {
					out, err := env.Client.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						b.Error(err)
						return
					}
					req = out.UnprocessedItems
				}
				batch = nil
			}
			for it := range items {
				batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
				if len(batch) == 25 {
					flush()
				}
			}
			if len(batch) > 0 {
				flush()
			}
		}()
	}
	var ds []*warmlead.Due
	for i := range members {
		id, friend := fmt.Sprintf("m%06d", i), fmt.Sprintf("f%06d", i)
		items <- map[string]types.AttributeValue{"PK": s("MEMBER#" + id), "SK": s("PROFILE"), "Type": s("Member"), "ID": s(id), "Name": s("Member " + id)}
		at := sweep
		if i >= due {
			at = sweep.AddDate(0, 0, 7*(1+i%20)) // due in a later week
		} else {
			items <- map[string]types.AttributeValue{"PK": s("MEMBER#" + id), "SK": s("CONN#" + friend), "Type": s("Connection"),
				"ID": s(id + "~" + friend), "Owner": s(id), "Other": s(friend), "RequesterID": s(id), "RecipientID": s(friend),
				"Status": s("accepted"), "CreatedAt": s(ts), "AcceptedAt": s(ts)}
		}
		ds = append(ds, &warmlead.Due{At: at, Kind: warmlead.DueKeepWarm, MemberID: id, OtherID: friend, Version: touched})
	}
	close(items)
	wg.Wait()
	if err := store.PutDue(context.Background(), ds); err != nil {
		b.Fatal(err)
	}
	clk := &clock{}
	return &benchWorld{env: env, clk: clk, sweeper: followup.NewSweeper(quiet(), followup.Deps{
		Stores: followup.Stores{FollowUps: store, Mail: store}, Now: clk.Now})}
}
