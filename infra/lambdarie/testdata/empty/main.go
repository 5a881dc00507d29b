// Command empty is an aws-lambda-go function that does nothing: the
// baseline a bootstrap's cold start is compared with (BENCHMARKS.md: init
// ≤ 1.5 × this one's). Build it like the functions, with the Makefile's
// flags; infra/lambdarie's tests and benchmark do.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) (string, error) { return "ok", nil })
}
