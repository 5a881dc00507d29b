package dynamo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/dynamo"
)

// DYNAMODB_ATTEMPT_TIMEOUT bounds each attempt of a call (AWS: 2 s; the
// local stack: 10 s, docs/platform.md): against a database that answers in
// 300 ms, 100 ms gives up and the default does not; a value that is not a
// positive duration is refused at start.
func TestAttemptTimeoutFromEnv(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer slow.Close()
	get := func(timeout string) error {
		client, err := dynamo.NewClient(context.Background(), func(k string) string {
			return map[string]string{"DYNAMODB_ENDPOINT": slow.URL, "DYNAMODB_ATTEMPT_TIMEOUT": timeout}[k]
		})
		if err != nil {
			return err
		}
		_, err = client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("t"),
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "k"}}})
		return err
	}
	if err := get(""); err != nil {
		t.Errorf("default timeout: %v", err)
	}
	if err := get("100ms"); err == nil {
		t.Error("a 100ms attempt timeout did not give up on a 300 ms answer")
	}
	for _, bad := range []string{"ten", "0s", "-1s"} {
		if err := get(bad); err == nil || !strings.Contains(err.Error(), "DYNAMODB_ATTEMPT_TIMEOUT") {
			t.Errorf("DYNAMODB_ATTEMPT_TIMEOUT=%s: %v", bad, err)
		}
	}
}
