package streampump

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/warmlead/warmlead/infra/ddblocal"
)

// NewStreamsClient returns a DynamoDB Streams client for a DynamoDB Local
// endpoint, set up as ddblocal.NewClient sets up the DynamoDB client: the
// same static credentials and region, because DynamoDB Local keeps one
// database per access key and region and a client with other ones would not
// find the table's stream. The SDK retries an error 3 attempts; beyond that
// the pump's own backoff takes over.
func NewStreamsClient(endpoint string) *dynamodbstreams.Client {
	return dynamodbstreams.New(dynamodbstreams.Options{
		Region:           ddblocal.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(ddblocal.AccessKey, ddblocal.SecretKey, ""),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 3,
	})
}
