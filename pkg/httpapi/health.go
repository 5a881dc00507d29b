package httpapi

import "context"

type healthOutput struct {
	Body struct {
		Status string `json:"status" example:"ok"`
	}
}

// handleHealthz answers without touching storage: it says the function is
// up, which is what a load balancer or a deploy check asks.
func handleHealthz() func(context.Context, *struct{}) (*healthOutput, error) {
	return func(context.Context, *struct{}) (*healthOutput, error) {
		out := &healthOutput{}
		out.Body.Status = "ok"
		return out, nil
	}
}
