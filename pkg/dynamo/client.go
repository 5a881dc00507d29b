package dynamo

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
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
// cap per attempt (DYNAMODB_ATTEMPT_TIMEOUT overrides it), so an outage
// surfaces as a 503 in a few seconds, well inside the function's 10 s
// timeout, instead of a Lambda timeout.
const (
	maxAttempts           = 3
	maxBackoff            = 200 * time.Millisecond
	defaultAttemptTimeout = 2 * time.Second
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
	attemptTimeout := defaultAttemptTimeout
	if v := getenv("DYNAMODB_ATTEMPT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("DYNAMODB_ATTEMPT_TIMEOUT %q is not a positive duration (e.g. 10s)", v)
		}
		attemptTimeout = d
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
		HTTPClient: awshttp.NewBuildableClient().
			WithTimeout(attemptTimeout).
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = time.Second }).
			WithTransportOptions(func(t *http.Transport) {
				// Many concurrent requests share one host: keep their connections.
				t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
			}),
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
// SHA-256 is the cursor key) so that every instance opens every cursor.
func NewFromEnv(ctx context.Context, getenv func(string) string) (*Store, error) {
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
	return New(client, table, opts...)
}
