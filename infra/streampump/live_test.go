package streampump

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/infra/ddblocal"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
)

// TestLatency measures the time from a PutItem returning to the handler
// seeing its record, with the pump idle between writes (the case of a user
// creating a posting), for the default poll interval and a short one. The
// bound is loose: it catches a pump that waits for something it should not,
// not a slow machine.
func TestLatency(t *testing.T) {
	for _, poll := range []time.Duration{0, 10 * time.Millisecond} {
		name := "poll=" + poll.String()
		if poll == 0 {
			name = "poll=default"
		}
		t.Run(name, func(t *testing.T) {
			env := testenv.New(t)
			const writes = 20
			var mu sync.Mutex
			arrived := map[int]time.Time{}
			got := make(chan struct{}, writes)
			h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
				now := time.Now()
				mu.Lock()
				for _, r := range ev.Records {
					arrived[indexOfPK(t, r)] = now
				}
				mu.Unlock()
				got <- struct{}{}
				return events.DynamoDBEventResponse{}, nil
			}
			p := New(NewStreamsClient(env.Endpoint), env.StreamARN, h, Options{PollInterval: poll, Logger: testLogger(t)})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- p.Run(ctx) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("Run = %v", err)
				}
			}()

			var lat []time.Duration
			for i := range writes {
				// Spread the writes over the poll cycle, as a user's writes
				// would be, instead of always just after a delivery.
				time.Sleep(p.opts.PollInterval * time.Duration(i*7919%1000) / 1000)
				putItem(t, env, i)
				written := time.Now()
				select {
				case <-got:
				case <-time.After(5 * time.Second):
					t.Fatalf("record %d not delivered within 5s", i)
				}
				mu.Lock()
				lat = append(lat, arrived[i].Sub(written))
				mu.Unlock()
			}
			slices.Sort(lat)
			median, worst := lat[len(lat)/2], lat[len(lat)-1]
			t.Logf("write -> handler over %d writes: median %s, max %s (poll interval %s)", writes, median, worst, p.opts.PollInterval)
			if limit := p.opts.PollInterval + 250*time.Millisecond; median > limit {
				t.Errorf("median latency %s > %s", median, limit)
			}
		})
	}
}

// TestDynamoDBLocalRestart stops DynamoDB Local under a running pump and
// starts it again (data on disk, as `make run` keeps it): the pump logs,
// backs off, resumes, and delivers every record exactly once.
func TestDynamoDBLocalRestart(t *testing.T) {
	if os.Getenv("DYNAMODB_ENDPOINT") != "" {
		t.Skip("DYNAMODB_ENDPOINT is set: this test would start its own DynamoDB Local")
	}
	ctx := context.Background()
	dataDir := t.TempDir()
	srv, err := ddblocal.Start(ctx, ddblocal.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Stop() }()
	client := ddblocal.NewClient(srv.Endpoint)
	arn, err := samtemplate.EnsureTable(ctx, client, testenv.TemplatePath(), "restart-test")
	if err != nil {
		t.Fatal(err)
	}
	put := func(i int) {
		t.Helper()
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("restart-test"), Item: map[string]dtypes.AttributeValue{
			"PK": &dtypes.AttributeValueMemberS{Value: itemPK(i)}, "SK": &dtypes.AttributeValueMemberS{Value: "x"},
		}})
		if err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}

	rec := newRecorder()
	p := New(NewStreamsClient(srv.Endpoint), arn, rec.Handle, Options{
		PollInterval: 20 * time.Millisecond, CheckpointPath: filepath.Join(t.TempDir(), "cp.json"),
		Logger: testLogger(t).With("expect", "connection refused while DynamoDB Local is down"),
	})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()

	for i := range 5 {
		put(i)
	}
	rec.waitDistinct(t, 5, 10*time.Second)

	port := srv.Port
	if err := srv.Stop(); err != nil {
		t.Logf("stop: %v", err)
	}
	time.Sleep(300 * time.Millisecond) // let the pump hit the closed port
	if srv, err = ddblocal.Start(ctx, ddblocal.Options{DataDir: dataDir, Port: port}); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	for i := 5; i < 10; i++ {
		put(i)
	}
	rec.waitDistinct(t, 10, 15*time.Second)
	t.Logf("records written after the restart delivered %s after it", time.Since(restarted).Round(time.Millisecond))
	checkDeliveries(t, rec, 10, nil)
}
