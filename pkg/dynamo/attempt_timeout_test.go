package dynamo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// WithAttemptTimeout (the local stack's longer wait for DynamoDB Local)
// replaces the 2 s cap on each attempt: against a database that answers
// in 300 ms, a 100 ms cap gives up (503: unavailable) where the default
// waits for the answer (here: no such member).
func TestWithAttemptTimeoutCapsEachAttempt(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer slow.Close()
	client, err := dynamo.NewClient(context.Background(), func(k string) string {
		return map[string]string{"DYNAMODB_ENDPOINT": slow.URL}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		opts []dynamo.Option
		want string
	}{{nil, warmlead.ENOTFOUND}, {[]dynamo.Option{dynamo.WithAttemptTimeout(100*time.Millisecond, 0)}, warmlead.EUNAVAILABLE}} {
		store, err := dynamo.New(client, "t", c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.FindMemberByID(context.Background(), "dana")
		if got := warmlead.ErrorCode(err); got != c.want {
			t.Errorf("with %d options: %v (%s), want %s", len(c.opts), err, got, c.want)
		}
	}
}
