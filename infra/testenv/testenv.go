// Package testenv gives integration tests the real database: one DynamoDB
// Local process per test package (a fresh process, because DynamoDB Local
// slows down as stream records pile up), a fresh table per test created from
// template.yaml, and a client that counts the calls each test makes.
//
// If DYNAMODB_ENDPOINT is set, that endpoint is used and nothing is started.
package testenv

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/warmlead/warmlead/infra/ddblocal"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/pkg/dynamo"
)

var (
	endpoint     string
	templatePath string
	tableSeq     atomic.Int64
)

// Main runs a test package's tests against DynamoDB Local. Call it from
// TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if templatePath, err = samtemplate.Find(); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	if endpoint = os.Getenv("DYNAMODB_ENDPOINT"); endpoint != "" {
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	srv, err := ddblocal.Start(ctx, ddblocal.Options{})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	endpoint = srv.Endpoint
	defer srv.Stop()
	return m.Run()
}

// Env is one test's table and the client to reach it.
type Env struct {
	Client    *dynamodb.Client
	Table     string
	StreamARN string
	Endpoint  string
	Calls     *Calls
}

// New creates a fresh table from template.yaml for t. Options adjust the
// table (samtemplate.WithoutStream for benchmarks).
func New(t testing.TB, opts ...samtemplate.Option) *Env {
	t.Helper()
	if endpoint == "" {
		t.Fatal("testenv: no database; call testenv.Main from TestMain")
	}
	calls := NewCalls()
	client := ddblocal.NewClient(endpoint, calls.Option())
	name := tableName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	arn, err := samtemplate.EnsureTable(ctx, client, templatePath, name, opts...)
	if err != nil {
		t.Fatalf("testenv: create table %s: %v", name, err)
	}
	calls.Reset()
	return &Env{Client: client, Table: name, StreamARN: arn, Endpoint: endpoint, Calls: calls}
}

// Endpoint is the database every test of the package uses.
func Endpoint() string { return endpoint }

// TemplatePath is the template.yaml the tables are created from.
func TemplatePath() string { return templatePath }

// tableName makes a valid, unique table name from a test name.
func tableName(test string) string {
	var b strings.Builder
	for _, r := range test {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 200 {
		name = name[:200]
	}
	return fmt.Sprintf("%s-%d-%d", name, os.Getpid(), tableSeq.Add(1))
}

// ClientFor returns a counting-free client for another endpoint (outage tests).
func ClientFor(t testing.TB, endpoint string) *dynamodb.Client {
	t.Helper()
	return ddblocal.NewClient(endpoint)
}

// Store returns a store on the test's table, reached through the counting
// client.
func (e *Env) Store(t testing.TB, opts ...dynamo.Option) *dynamo.Store {
	t.Helper()
	return MustStore(t, e.Client, e.Table, opts...)
}

// WriteMode is one way a store writes its batches of puts: the SDK call
// it makes and the options that make the store use it.
type WriteMode struct {
	Call string // "BatchWriteItem" or "TransactWriteItems"
	Opts []dynamo.Option
}

// WriteModes are both: BatchWriteItem, as in AWS, and transactions, as the
// local stack's stream functions write (dynamo.WithTransactedBatches).
func WriteModes() []WriteMode {
	return []WriteMode{{"BatchWriteItem", nil}, {"TransactWriteItems", []dynamo.Option{dynamo.WithTransactedBatches()}}}
}

// MustStore returns a store on client and table, failing t on error.
func MustStore(t testing.TB, client *dynamodb.Client, table string, opts ...dynamo.Option) *dynamo.Store {
	t.Helper()
	s, err := dynamo.New(client, table, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Run is Main without the exit, for a TestMain that has more to stop
// afterwards (a Mailpit).
func Run(m *testing.M) int { return run(m) }
