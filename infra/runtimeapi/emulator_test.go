package runtimeapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/runtimeapi"
)

var httpClient = &http.Client{Timeout: 5 * time.Second}

func newPost(url, body string) (*http.Request, error) {
	return http.NewRequest(http.MethodPost, url, strings.NewReader(body))
}

type echo struct {
	Payload     json.RawMessage   `json:"payload"`
	RequestID   string            `json:"request_id"`
	ARN         string            `json:"arn"`
	RemainingMS int64             `json:"remaining_ms"`
	Env         map[string]string `json:"env"`
	WD          string            `json:"wd"`
}

// The function gets the payload, the Runtime API headers and the
// environment Lambda gives plus its own, and nothing of ours (HOME).
func TestInvokeDeliversPayloadContextAndEnvironment(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", runtimeapi.Options{Name: "warmlead-test", MemoryMB: 256, InvokeTimeout: 10 * time.Second,
		Env: []string{"FOO=bar"}})
	if f.Init() <= 0 || f.PID() <= 0 {
		t.Errorf("Init() = %v, PID() = %d", f.Init(), f.PID())
	}
	out, err := f.Invoke(t.Context(), []byte(`{"hello":"world"}`))
	if err != nil {
		t.Fatal(err)
	}
	var e echo
	if err := json.Unmarshal(out, &e); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	if string(e.Payload) != `{"hello":"world"}` {
		t.Errorf("payload = %s", e.Payload)
	}
	if len(e.RequestID) != 36 || e.ARN != "arn:aws:lambda:us-east-1:123456789012:function:warmlead-test" {
		t.Errorf("request id %q, arn %q", e.RequestID, e.ARN)
	}
	if e.RemainingMS < 9000 || e.RemainingMS > 10000 {
		t.Errorf("remaining time = %d ms, want about the 10 s timeout", e.RemainingMS)
	}
	want := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "warmlead-test", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap", "HOME": "", "FOO": "bar"}
	for k, v := range want {
		if e.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, e.Env[k], v)
		}
	}
	if e.Env["LAMBDA_TASK_ROOT"] == "" || e.WD != e.Env["LAMBDA_TASK_ROOT"] {
		t.Errorf("LAMBDA_TASK_ROOT %q, working directory %q: want the binary's directory for both", e.Env["LAMBDA_TASK_ROOT"], e.WD)
	}
	if !strings.HasPrefix(e.Env["_X_AMZN_TRACE_ID"], "Root=1-") {
		t.Errorf("trace id = %q", e.Env["_X_AMZN_TRACE_ID"])
	}
	if !strings.Contains(f.Output(), "helper: init echo") || !strings.Contains(f.Output(), `helper: invoked with {"hello":"world"}`) {
		t.Errorf("output = %q", f.Output())
	}
}

// Invocations queue: one environment runs one at a time, and all complete.
func TestConcurrentInvokesQueue(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", runtimeapi.Options{})
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			out, err := f.Invoke(t.Context(), []byte(`1`))
			var e echo
			if err == nil {
				err = json.Unmarshal(out, &e)
			}
			if err != nil {
				t.Error(err)
			}
			ids[i] = e.RequestID
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] {
			t.Errorf("request ids %v: want distinct ones", ids)
			break
		}
		seen[id] = true
	}
}

// A returned error is reported on /error and the function keeps serving.
func TestFunctionErrorIsAnInvokeError(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", runtimeapi.Options{})
	_, err := f.Invoke(t.Context(), []byte(`"fail"`))
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Type != "errorString" || ie.Message != "asked to fail" {
		t.Fatalf("err = %#v, want errorString: asked to fail", err)
	}
	if !strings.Contains(ie.Output, `helper: invoked with "fail"`) || strings.Contains(ie.Output, "helper: init") {
		t.Errorf("output = %q, want this invocation's only", ie.Output)
	}
	if _, err := f.Invoke(t.Context(), []byte(`"again"`)); err != nil {
		t.Errorf("after a function error: %v", err)
	}
}

// A panic is reported with its stack, then the runtime exits: the
// environment is gone, as in Lambda.
func TestPanicThenExit(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", runtimeapi.Options{})
	_, err := f.Invoke(t.Context(), []byte(`"panic"`))
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Message != "asked to panic" || len(ie.StackTrace) < 10 {
		t.Fatalf("err = %#v, want the panic with its stack", err)
	}
	_, err = f.Invoke(t.Context(), []byte(`1`))
	if !errors.As(err, &ie) || ie.Type != "Runtime.ExitError" || !strings.Contains(ie.Message, "exit status 1") {
		t.Fatalf("after the panic: %#v, want Runtime.ExitError", err)
	}
}

// A process that dies mid-invocation is a Runtime.ExitError.
func TestExitDuringInvocation(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", runtimeapi.Options{})
	_, err := f.Invoke(t.Context(), []byte(`"exit"`))
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Type != "Runtime.ExitError" || !strings.Contains(ie.Message, "exit status 3") {
		t.Fatalf("err = %#v, want Runtime.ExitError with exit status 3", err)
	}
}

// Past its timeout the invocation fails and the process is killed.
func TestTimeoutKillsTheFunction(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", runtimeapi.Options{InvokeTimeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := f.Invoke(t.Context(), []byte(`"hang"`))
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Type != "Sandbox.Timedout" || !strings.Contains(ie.Message, "Task timed out after 0.30 seconds") {
		t.Fatalf("err = %#v, want Sandbox.Timedout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timing out took %v", d)
	}
	if _, err := f.Invoke(t.Context(), []byte(`1`)); !errors.As(err, &ie) || ie.Type != "Runtime.ExitError" {
		t.Errorf("after a timeout: %v, want Runtime.ExitError", err)
	}
}

// An init error reported on /init/error fails Start at once.
func TestInitErrorFailsStart(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := runtimeapi.Start(t.Context(), helperBinary(t), runtimeapi.Options{Env: []string{helperEnv + "=init-error"}})
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Type != "Runtime.ConfigError" || ie.Message != "config missing: TABLE" {
		t.Fatalf("err = %#v, want the reported init error", err)
	}
	if !strings.Contains(err.Error(), "helper: init init-error") {
		t.Errorf("error lacks the function's output: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Start took %v: it waited for the exit", d)
	}
}

// A process that exits during init fails Start with its output.
func TestExitDuringInitFailsStart(t *testing.T) {
	t.Parallel()
	_, err := runtimeapi.Start(t.Context(), helperBinary(t), runtimeapi.Options{Env: []string{helperEnv + "=crash"}})
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Type != "Runtime.ExitError" || !strings.Contains(ie.Message, "exit status 2") {
		t.Fatalf("err = %#v, want Runtime.ExitError", err)
	}
	if !strings.Contains(err.Error(), "cannot start: no configuration") {
		t.Errorf("error lacks the function's stderr: %v", err)
	}
}

// Start is bounded by InitTimeout when the process never asks for work.
func TestInitTimeout(t *testing.T) {
	t.Parallel()
	_, err := runtimeapi.Start(t.Context(), helperBinary(t), runtimeapi.Options{InitTimeout: 200 * time.Millisecond,
		Env: []string{helperEnv + "=idle"}})
	var ie *runtimeapi.InvokeError
	if !errors.As(err, &ie) || ie.Type != "Sandbox.Timedout" {
		t.Fatalf("err = %#v, want Sandbox.Timedout", err)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{{nil, 0}, {[]time.Duration{3, 1, 2}, 2}, {[]time.Duration{4, 1, 3, 2}, 2}} {
		if got := runtimeapi.Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
