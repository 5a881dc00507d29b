package testenv

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// Calls counts DynamoDB operations (GetItem, Query, ...) made through a
// client. It counts calls, not attempts: retries happen after the
// Initialize step it sits in.
type Calls struct {
	mu     sync.Mutex
	counts map[string]int
}

// NewCalls returns an empty counter.
func NewCalls() *Calls { return &Calls{counts: map[string]int{}} }

// Option installs the counter on a client.
func (c *Calls) Option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("warmleadCallCounter",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					c.mu.Lock()
					c.counts[awsmiddleware.GetOperationName(ctx)]++
					c.mu.Unlock()
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
		})
	}
}

// Reset forgets every call counted so far.
func (c *Calls) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = map[string]int{}
}

// Count returns how many calls of one operation were made.
func (c *Calls) Count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[op]
}

// Total returns how many calls were made in all.
func (c *Calls) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

// String lists the counts, e.g. "GetItem=1 Query=2", for failure messages.
func (c *Calls) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	parts := make([]string, 0, len(c.counts))
	for k, v := range c.counts {
		parts = append(parts, k+"="+strconv.Itoa(v))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
