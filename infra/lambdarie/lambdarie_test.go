package lambdarie_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/lambdarie"
)

type echo struct {
	Payload   json.RawMessage   `json:"payload"`
	RequestID string            `json:"request_id"`
	Env       map[string]string `json:"env"`
	WD        string            `json:"wd"`
	PID       int               `json:"pid"`
}

// The function gets the payload, a request id and the configured
// environment, nothing of ours (HOME); the emulator's INIT REPORT is read.
func TestInvokeDeliversPayloadAndReportsInit(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", lambdarie.Options{Name: "warmlead-test", MemoryMB: 256, Env: []string{"FOO=bar"}})
	if _, err := f.Init(); err == nil {
		t.Error("Init() before any invocation: want an error (the emulator inits at the first one)")
	}
	out, err := f.Invoke(t.Context(), []byte(`{"hello":"world"}`))
	if err != nil {
		t.Fatal(err)
	}
	var e echo
	if err := json.Unmarshal(out, &e); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	if string(e.Payload) != `{"hello":"world"}` || len(e.RequestID) != 36 {
		t.Errorf("payload %s, request id %q", e.Payload, e.RequestID)
	}
	want := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "warmlead-test", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_REGION": "us-east-1", "HOME": "", "FOO": "bar"}
	for k, v := range want {
		if e.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, e.Env[k], v)
		}
	}
	exe, _ := os.Executable()
	if e.WD != filepath.Dir(exe) {
		t.Errorf("working directory %q, want the bootstrap's %q", e.WD, filepath.Dir(exe))
	}
	d, err := f.Init()
	if err != nil || d <= 0 || d > lambdarie.DefaultTimeout {
		t.Errorf("Init() = %v, %v: want the INIT REPORT's duration", d, err)
	}
	if !strings.Contains(f.Output(), "helper: init echo") {
		t.Errorf("output lacks the function's: %q", f.Output())
	}
}

// A returned error is an *Error with the function's type, message and this
// invocation's output; the function keeps serving.
func TestFunctionErrorIsAnError(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", lambdarie.Options{})
	if _, err := f.Invoke(t.Context(), []byte(`"warm"`)); err != nil {
		t.Fatal(err)
	}
	_, err := f.Invoke(t.Context(), []byte(`"fail"`))
	var fe *lambdarie.Error
	if !errors.As(err, &fe) || fe.Phase != "invoke" || fe.Type != "errorString" || fe.Message != "asked to fail" {
		t.Fatalf("err = %#v, want errorString: asked to fail", err)
	}
	if !strings.Contains(fe.Output, `helper: invoked with "fail"`) || strings.Contains(fe.Output, "helper: init") {
		t.Errorf("output = %q, want this invocation's only", fe.Output)
	}
	if _, err := f.Invoke(t.Context(), []byte(`"again"`)); err != nil {
		t.Errorf("after a function error: %v", err)
	}
}

// A function that exits during init fails its first invocation with an
// init *Error carrying its stderr and exit status.
func TestExitDuringInitIsAnInitError(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "crash", lambdarie.Options{})
	_, err := f.Invoke(t.Context(), []byte(`1`))
	var fe *lambdarie.Error
	if !errors.As(err, &fe) || fe.Phase != "init" || fe.Type != "Runtime.ExitError" {
		t.Fatalf("err = %#v, want an init Runtime.ExitError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "cannot start: no configuration") || !strings.Contains(msg, "exit status 2") {
		t.Errorf("error lacks the function's stderr or exit status: %v", err)
	}
}

// A process that exits mid-invocation is a Runtime.ExitError.
func TestExitDuringInvocation(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", lambdarie.Options{})
	_, err := f.Invoke(t.Context(), []byte(`"exit"`))
	var fe *lambdarie.Error
	if !errors.As(err, &fe) || fe.Phase != "invoke" || fe.Type != "Runtime.ExitError" || !strings.Contains(fe.Message, "exit status 3") {
		t.Fatalf("err = %#v, want Runtime.ExitError with exit status 3", err)
	}
}

// Stop ends the function's process too, not only the emulator.
func TestStopEndsTheFunction(t *testing.T) {
	t.Parallel()
	f := startHelper(t, "echo", lambdarie.Options{})
	out, err := f.Invoke(t.Context(), []byte(`1`))
	if err != nil {
		t.Fatal(err)
	}
	var e echo
	if err := json.Unmarshal(out, &e); err != nil || e.PID == 0 {
		t.Fatalf("response %s: %v", out, err)
	}
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for running(e.PID) {
		if time.Now().After(deadline) {
			t.Fatalf("function process %d still runs after Stop", e.PID)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running reports whether pid is alive (a zombie is not).
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func TestParseInitReport(t *testing.T) {
	log := "START RequestId: x\n30 Nov 2026 16:46:11,658 [INFO] (rapid) INIT REPORT(durationMs: 150.517000)\n" +
		"30 Nov 2026 16:46:11,658 [INFO] (rapid) INIT REPORT(durationMs: 0.049000)\n"
	d, err := lambdarie.ParseInitReport(log)
	if err != nil || d != 150517*time.Microsecond {
		t.Errorf("ParseInitReport = %v, %v; want the first report, 150.517 ms", d, err)
	}
	if _, err := lambdarie.ParseInitReport("START RequestId: x\n"); err == nil {
		t.Error("no INIT REPORT: want an error")
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{{nil, 0}, {[]time.Duration{3, 1, 2}, 2}, {[]time.Duration{4, 1, 3, 2}, 2}} {
		if got := lambdarie.Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// Every directory under functions/ that holds Go code is a function the
// tests and the benchmark pick up: none is skipped.
func TestFunctionsListsEveryFunction(t *testing.T) {
	root, err := lambdarie.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	fns, err := lambdarie.Functions(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fns {
		names = append(names, f.Name)
	}
	dirs, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if goFiles, _ := filepath.Glob(filepath.Join(root, "functions", d.Name(), "*.go")); d.IsDir() && len(goFiles) > 0 && !slices.Contains(names, d.Name()) {
			t.Errorf("functions/%s is not listed: %v", d.Name(), names)
		}
	}
	for _, want := range []string{"api", "notifier"} {
		if !slices.Contains(names, want) {
			t.Errorf("Functions = %v, want %s among them", names, want)
		}
	}
}
