package dynamo

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Retry budget: at most 3 attempts with backoff capped at 200 ms, and a 2 s
// cap per attempt, so an outage surfaces as a 503 in a few seconds, well
// inside the function's 10 s timeout, instead of a Lambda timeout.
const (
	maxAttempts    = 3
	maxBackoff     = 200 * time.Millisecond
	attemptTimeout = 2 * time.Second
)

// NewClient returns a DynamoDB client for the function's environment: the
// region and credentials Lambda puts in the environment (AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). It builds
// the configuration itself rather than with config.LoadDefaultConfig, whose
// shared-file, SSO, STS and IMDS providers a Lambda function never uses and
// which add megabytes to the binary and milliseconds to every cold start.
// When DYNAMODB_ENDPOINT is set (DynamoDB Local, Docker) it talks to that
// endpoint, with static local credentials unless AWS_ACCESS_KEY_ID is set,
// because DynamoDB Local keeps one database per access key and region and
// every client of one stack must agree.
func NewClient(ctx context.Context, getenv func(string) string) (*dynamodb.Client, error) {
	endpoint := getenv("DYNAMODB_ENDPOINT")
	region := firstOf(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"))
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if endpoint != "" {
		region = firstOf(region, LocalRegion)
		if id == "" {
			id, secret = LocalAccessKey, LocalSecretKey
		}
	}
	switch {
	case region == "":
		return nil, errors.New("AWS_REGION is not set")
	case id == "" || secret == "":
		return nil, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))),
		HTTPClient:  httpClient(attemptTimeout, 0),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				o.MaxBackoff = maxBackoff
				// A write that lost a race with a transaction on the same
				// item is safe to send again.
				o.Retryables = append(o.Retryables, retry.RetryableErrorCode{
					Codes: map[string]struct{}{"TransactionConflictException": {}},
				})
			})
		},
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			// DynamoDB Local's error responses carry no CRC header.
			o.DisableValidateResponseChecksum = true
		}
	}), nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// Credentials and region every client of a local stack shares.
const (
	LocalAccessKey = "local"
	LocalSecretKey = "local"
	LocalRegion    = "us-east-1"
)

// NewFromEnv builds the Store a function runs on: TABLE_NAME, the client of
// NewClient, and CURSOR_SECRET (at least 32 bytes of secret text; its
// SHA-256 is the cursor key) so that every instance opens every cursor;
// more options follow those.
func NewFromEnv(ctx context.Context, getenv func(string) string, more ...Option) (*Store, error) {
	table := getenv("TABLE_NAME")
	if table == "" {
		return nil, errors.New("TABLE_NAME is not set")
	}
	var opts []Option
	if secret := getenv("CURSOR_SECRET"); secret != "" {
		if len(secret) < 32 {
			return nil, errors.New("CURSOR_SECRET must be at least 32 characters")
		}
		key := sha256.Sum256([]byte(secret))
		opts = append(opts, WithCursorKey(key[:]))
	}
	client, err := NewClient(ctx, getenv)
	if err != nil {
		return nil, err
	}
	return New(client, table, append(opts, more...)...)
}

// WithAttemptTimeout makes the store's client cap each attempt of a call
// at d instead of 2 s, with at most calls connections (0: no bound), and
// NewClient's other settings. For DynamoDB Local only (infra/localstack),
// where a call waits its turn behind every queued write and a call given
// up on is usually done anyway: in AWS a slow call means an outage, and 3
// attempts of 2 s fit the function's 10 s timeout.
func WithAttemptTimeout(d time.Duration, calls int) Option {
	return func(s *Store) error {
		s.client = dynamodb.New(s.client.Options(), func(o *dynamodb.Options) {
			o.HTTPClient = httpClient(d, calls)
		})
		return nil
	}
}

// httpClient is the SDK's HTTP client with attempt as its per-attempt
// timeout and at most calls connections to the one host (0: no bound).
func httpClient(attempt time.Duration, calls int) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithTimeout(attempt).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = time.Second }).
		WithTransportOptions(func(t *http.Transport) {
			// Many concurrent requests share one host: keep their connections.
			t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
			if calls > 0 {
				t.MaxConnsPerHost, t.MaxIdleConnsPerHost = calls, calls
			}
		})
}
