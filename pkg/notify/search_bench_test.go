package notify_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// BenchmarkSearchAlertMatch matches one new public posting ("UX research
// intern") against 100,000 stored alerting saved searches of which 10
// match, side by side with the same against 1,000 (10 matching). The
// searches are written straight into their alert partitions with
// BatchWriteItem (tables without a stream, docs/platform.md). Reported: wall
// time and DynamoDB calls of each; the ratio should stay near 1, since a
// posting reads only the partitions its own words and attributes name.
func BenchmarkSearchAlertMatch(b *testing.B) {
	big := testenv.New(b, samtemplate.WithoutStream())
	small := testenv.New(b, samtemplate.WithoutStream())
	posting := &warmlead.Posting{ID: "benchposting", Title: "UX research intern", Field: "UX Research", Kind: warmlead.KindInternship,
		PosterID: "poster", Status: warmlead.StatusOpen, Visibility: warmlead.VisibilityPublic, Workplace: warmlead.WorkplaceRemote,
		Audience: []warmlead.Audience{warmlead.AudienceAnyone}, CreatedAt: time.Now(), ValidThrough: time.Now().Add(24 * time.Hour)}
	stored := 100_000
	if testing.Short() { // make bench-smoke (BENCHMARKS.md)
		stored = 10_000
	}
	start := time.Now()
	writeSearches(b, big, posting, stored)
	setup := time.Since(start)
	writeSearches(b, small, posting, 1_000)

	run := func(env *testenv.Env) (time.Duration, int) {
		h := notify.NewHandler(quietLogger(), dynamo.DecodeRecord, env.Store(b))
		env.Calls.Reset()
		t0 := time.Now()
		n, err := h.MatchSavedSearches(context.Background(), posting)
		d := time.Since(t0)
		if err != nil || n != 10 {
			b.Fatalf("matched %d (err %v), want 10", n, err)
		}
		return d, env.Calls.Total()
	}
	var tBig, tSmall time.Duration
	var cBig, cSmall int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, c := run(small)
		tSmall, cSmall = tSmall+d, c
		d, c = run(big)
		tBig, cBig = tBig+d, c
	}
	b.StopTimer()
	b.ReportMetric(setup.Seconds(), "setup100k-s")
	b.ReportMetric(float64(tBig.Microseconds())/1000/float64(b.N), "match100k-ms/op")
	b.ReportMetric(float64(tSmall.Microseconds())/1000/float64(b.N), "match1k-ms/op")
	b.ReportMetric(float64(cBig), "calls100k/op")
	b.ReportMetric(float64(cSmall), "calls1k/op")
	b.ReportMetric(float64(tBig)/float64(tSmall), "ratio")
}

// writeSearches stores n alerting searches: 10 that match posting (under
// its word "ux"), 20 more in its partitions that do not (other words or
// another country), and the rest under 2,000 other word keys.
func writeSearches(b *testing.B, env *testenv.Env, posting *warmlead.Posting, n int) {
	b.Helper()
	own := map[string]bool{}
	for _, k := range warmlead.PostingAlertKeys(posting) {
		own[k] = true
	}
	rng := rand.New(rand.NewPCG(1, 2))
	letters := "abcdefghijklmnopqrstuvwxyz"
	var others []string
	for len(others) < 2000 {
		k := string([]byte{letters[rng.IntN(26)], letters[rng.IntN(26)], letters[rng.IntN(26)]})
		if !own["T#"+k] {
			others = append(others, k)
		}
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	item := func(i int, key, q, country string) map[string]types.AttributeValue {
		query := map[string]types.AttributeValue{"Q": s(q)}
		if country != "" {
			query["Country"] = s(country)
		}
		member, id := fmt.Sprintf("member%06d", i), fmt.Sprintf("search%06d", i)
		return map[string]types.AttributeValue{"PK": s("ALERT#" + key), "SK": s(member + "#" + id), "Type": s("SearchAlert"),
			"SearchID": s(id), "MemberID": s(member), "Name": s("search " + id), "Alert": s("instant"),
			"Query": &types.AttributeValueMemberM{Value: query}}
	}
	var items []map[string]types.AttributeValue
	for i := 0; i < n; i++ {
		switch {
		case i < 10:
			items = append(items, item(i, "T#ux", "ux research", ""))
		case i < 20:
			items = append(items, item(i, "T#res", "research nurse", ""))
		case i < 30:
			items = append(items, item(i, "T#ux", "ux", "FR"))
		default:
			k := others[i%len(others)]
			items = append(items, item(i, "T#"+k, k+"zz", ""))
		}
	}
	var wg sync.WaitGroup
	work := make(chan []map[string]types.AttributeValue)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				reqs := make([]types.WriteRequest, len(batch))
				for i, it := range batch {
					reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
				}
				req := map[string][]types.WriteRequest{env.Table: reqs}
				for len(req[env.Table]) > 0 {
					out, err := env.Client.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						b.Error(err)
						return
					}
					req = out.UnprocessedItems
				}
			}
		}()
	}
	for start := 0; start < len(items); start += 25 {
		work <- items[start:min(start+25, len(items))]
	}
	close(work)
	wg.Wait()
}
