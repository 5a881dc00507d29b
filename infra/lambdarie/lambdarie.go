// Package lambdarie runs a Lambda `bootstrap` binary under AWS's own Lambda
// Runtime Interface Emulator (aws-lambda-rie, the emulator inside AWS's base
// images and `sam local`), so tests and the cold-start benchmark exercise the
// very binary `make build` ships, started and fed as Lambda does.
//
// The emulator is installed on demand, pinned, into the repository's .cache
// (see [Install]). This package only drives it: start it with the bootstrap
// on free local ports, wait until it accepts invocations, invoke it through
// its invoke API (POST /2015-03-31/functions/function/invocations), and read
// its log: the INIT REPORT line carries the init duration Lambda reports.
//
//	rie, err := lambdarie.Binary(ctx)
//	bin, err := lambdarie.Build(ctx, root, "./functions/api", "", dir)
//	f, err := lambdarie.Start(ctx, rie, bin, lambdarie.Options{Env: []string{"TABLE_NAME=..."}})
//	defer f.Stop()
//	out, err := f.Invoke(ctx, eventJSON) // err may be an *Error
//	init, err := f.Init()               // after the first Invoke
//
// Like Lambda, the emulator starts the function at the first invocation, so
// an init failure surfaces there, as an *Error of phase "init" carrying the
// function's output. One [Function] is one execution environment: it runs one
// invocation at a time (concurrent Invoke calls queue). Start another for a
// fresh cold start, as [Cold] does.
package lambdarie

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultTimeout      = 10 * time.Second // the function's Timeout (template.yaml's)
	DefaultMemoryMB     = 256              // its MemorySize
	DefaultRegion       = "us-east-1"
	DefaultReadyTimeout = 10 * time.Second // for the emulator to accept invocations
)

// InvokePath is the emulator's invoke API, as `sam local` and AWS's base
// images serve it.
const InvokePath = "/2015-03-31/functions/function/invocations"

// Options describe the function as its Lambda configuration would.
type Options struct {
	// Env is the function's own environment (TABLE_NAME=...). The emulator
	// passes its whole environment to the function, so it is started with
	// only this and the variables Lambda defines: a developer's ~/.aws or
	// DYNAMODB_ENDPOINT must not leak in. There are no AWS credentials by
	// default: DynamoDB Local keeps one database per access key, so they are
	// the caller's to give (the local store uses its own when none are set).
	Env []string
	// Name, MemoryMB, Timeout and Region fill AWS_LAMBDA_FUNCTION_NAME
	// ("function"), AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_FUNCTION_TIMEOUT
	// (whole seconds) and AWS_REGION.
	Name     string
	MemoryMB int
	Timeout  time.Duration
	Region   string
	// ReadyTimeout bounds Start (DefaultReadyTimeout if 0).
	ReadyTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = "function"
	}
	if o.MemoryMB <= 0 {
		o.MemoryMB = DefaultMemoryMB
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	return o
}

func (o Options) environ() []string {
	secs := max(1, int((o.Timeout+time.Second-1)/time.Second))
	env := []string{
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"AWS_REGION=" + o.Region,
		"AWS_DEFAULT_REGION=" + o.Region,
		"AWS_LAMBDA_FUNCTION_NAME=" + o.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(o.MemoryMB),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(secs),
	}
	return append(env, o.Env...)
}

// Function is one aws-lambda-rie process running one bootstrap.
type Function struct {
	cmd    *exec.Cmd
	url    string
	out    *output
	exited chan struct{}
	mu     sync.Mutex // one invocation at a time, as the emulator requires
	stop   sync.Once
}

// Error is an invocation that failed: the error the function returned
// (Type its errorType, e.g. "errorString", or a panic's), or one the
// emulator reports, such as "Runtime.ExitError" when the process exits or
// "Sandbox.Timedout". Phase is "init" when the function failed to start
// (the emulator inits at the first invocation); then Error() includes the
// tail of the output, where an init failure is explained.
type Error struct {
	Phase   string // "init" or "invoke"
	Type    string
	Message string
	Status  int    // the emulator's HTTP status
	Output  string // what the emulator and the function wrote meanwhile
}

func (e *Error) Error() string {
	if e.Phase == "init" {
		return fmt.Sprintf("init failed: %s: %s\n--- output ---\n%s", e.Type, e.Message, tail(e.Output, 4096))
	}
	return fmt.Sprintf("invocation failed: %s: %s", e.Type, e.Message)
}

// Start runs bootstrap under the emulator rie (see [Binary]) and returns
// once the emulator accepts invocations; the function itself starts at the
// first Invoke. The working directory is the bootstrap's (LAMBDA_TASK_ROOT
// in Lambda).
func Start(ctx context.Context, rie, bootstrap string, opts Options) (*Function, error) {
	opts = opts.withDefaults()
	bootstrap, err := filepath.Abs(bootstrap)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // a free port may be taken between probing and binding
		f, err := start(ctx, rie, bootstrap, opts)
		if err == nil || !errors.Is(err, errPortTaken) {
			return f, err
		}
		lastErr = err
	}
	return nil, lastErr
}

var errPortTaken = errors.New("address already in use")

func start(ctx context.Context, rie, bootstrap string, opts Options) (*Function, error) {
	invokeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	runtimeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	out, err := newOutput()
	if err != nil {
		return nil, err
	}
	// Info level: the INIT REPORT line is logged at info.
	cmd := exec.Command(rie, "--log-level", "info",
		"--runtime-interface-emulator-address", invokeAddr, "--runtime-api-address", runtimeAddr, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = opts.environ()
	cmd.Stdout, cmd.Stderr = out.file, out.file
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		out.close()
		return nil, err
	}
	f := &Function{cmd: cmd, url: "http://" + invokeAddr + InvokePath, out: out, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(f.exited) }()

	ctx, cancel := context.WithTimeout(ctx, opts.ReadyTimeout)
	defer cancel()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := (&net.Dialer{}).DialContext(ctx, "tcp", invokeAddr); err == nil {
			c.Close()
			return f, nil
		}
		select {
		case <-f.exited:
			f.Stop()
			if strings.Contains(f.Output(), "address already in use") {
				return nil, fmt.Errorf("aws-lambda-rie: %w:\n%s", errPortTaken, tail(f.Output(), 2048))
			}
			return nil, fmt.Errorf("aws-lambda-rie exited before listening: %s\n%s", cmd.ProcessState, tail(f.Output(), 4096))
		case <-ctx.Done():
			f.Stop()
			return nil, fmt.Errorf("aws-lambda-rie did not listen on %s: %w\n%s", invokeAddr, context.Cause(ctx), tail(f.Output(), 4096))
		case <-tick.C:
		}
	}
}

// Invoke runs one synchronous invocation and returns the function's response
// payload. A function error, an init failure, a crash or a timeout is an
// *Error.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := newRequestID()
	from := f.out.Len()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Amzn-RequestId", id) // the emulator logs START/REPORT RequestId with it
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("aws-lambda-rie: %w\n%s", err, tail(f.out.since(from), 4096))
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if res.StatusCode == http.StatusOK {
		if typ, msg, ok := errorDocument(body); ok {
			return nil, &Error{Phase: "invoke", Type: typ, Message: msg, Status: res.StatusCode, Output: f.settled(from)}
		}
		if bytes.HasPrefix(body, []byte("Task timed out after ")) {
			return nil, &Error{Phase: "invoke", Type: "Sandbox.Timedout", Message: string(body), Status: res.StatusCode, Output: f.settled(from)}
		}
		return body, nil
	}
	return nil, failure(res.StatusCode, body, f.settled(from))
}

// errorDocument recognises the body the emulator returns for a function
// error, {"errorMessage": ..., "errorType": ..., "stackTrace": ...}, with
// status 200 as Lambda's Invoke API does (it says so in a header the
// emulator does not send).
func errorDocument(body []byte) (typ, msg string, ok bool) {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil || doc["errorType"] == nil {
		return "", "", false
	}
	for k := range doc {
		if k != "errorType" && k != "errorMessage" && k != "stackTrace" {
			return "", "", false
		}
	}
	json.Unmarshal(doc["errorType"], &typ)
	json.Unmarshal(doc["errorMessage"], &msg)
	return typ, msg, typ != ""
}

var (
	initFailed   = regexp.MustCompile(`INIT RTDONE\(status: error`)
	fatalType    = regexp.MustCompile(`First fatal error stored in appctx: (\S+)`)
	failedReason = regexp.MustCompile(`(?:Init|Invoke) failed error=(.*?) InvokeID=`)
	doneFailed   = regexp.MustCompile(`Invoke DONE failed: (\S+)`)
)

// failure reads what went wrong from the emulator's log, since a failed
// init or a crashed runtime comes back as a bare 502.
func failure(status int, body []byte, out string) *Error {
	e := &Error{Phase: "invoke", Status: status, Output: out, Type: "Runtime.Unknown", Message: strings.TrimSpace(string(body))}
	if initFailed.MatchString(out) {
		e.Phase = "init"
	}
	if m := fatalType.FindStringSubmatch(out); m != nil {
		e.Type = m[1]
	} else if m := doneFailed.FindStringSubmatch(out); m != nil {
		e.Type = m[1]
	}
	if m := failedReason.FindStringSubmatch(out); m != nil {
		e.Message = m[1]
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("aws-lambda-rie answered %d", status)
	}
	return e
}

// settled is the output from off on, once the function's last lines (which
// the emulator relays asynchronously) have arrived: it waits until the
// output stops growing for a few milliseconds, at most 200 ms.
func (f *Function) settled(off int64) string {
	deadline := time.Now().Add(200 * time.Millisecond)
	n := f.out.Len()
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		m := f.out.Len()
		if m == n {
			break
		}
		n = m
	}
	return f.out.since(off)
}

var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// Init is the init duration the emulator reported in its first INIT REPORT
// line: from starting the bootstrap to its first request for an invocation,
// as Lambda's Init Duration. It is known once the first Invoke has returned.
func (f *Function) Init() (time.Duration, error) {
	return ParseInitReport(f.Output())
}

// ParseInitReport finds the first `INIT REPORT(durationMs: N)` line in an
// emulator's log.
func ParseInitReport(log string) (time.Duration, error) {
	m := initReport.FindStringSubmatch(log)
	if m == nil {
		return 0, errors.New("lambdarie: no INIT REPORT in the emulator's output")
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("lambdarie: INIT REPORT %q: %w", m[0], err)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// Output is everything the emulator and the function wrote so far.
func (f *Function) Output() string { return f.out.String() }

// Stop ends the emulator and the function process it started (the emulator
// runs it in a process group of its own and does not stop it on exit). It
// waits for the emulator to exit and is idempotent.
func (f *Function) Stop() error {
	var err error
	f.stop.Do(func() {
		select {
		case <-f.exited:
		default:
			children := childPIDs(f.cmd.Process.Pid)
			_ = f.cmd.Process.Kill()
			killGroups(children)
			<-f.exited
		}
		err = f.out.close()
	})
	return err
}

// ColdStart is one measured cold start: a fresh emulator and function,
// invoked once with payload, then stopped.
type ColdStart struct {
	Init          time.Duration // the emulator's INIT REPORT
	FirstResponse time.Duration // from sending the first invocation to its response: init + the first request
	Response      []byte
	Err           error // the invocation's error, if the function failed it (init errors fail ColdStart instead)
}

// Cold starts bootstrap under rie, invokes it once with payload and stops
// it. An init failure, or an emulator that does not run, is an error; a
// function error on the invocation is kept in the result, as the
// invocation still measured a response.
func Cold(ctx context.Context, rie, bootstrap string, opts Options, payload []byte) (ColdStart, error) {
	f, err := Start(ctx, rie, bootstrap, opts)
	if err != nil {
		return ColdStart{}, err
	}
	defer f.Stop()
	began := time.Now()
	out, err := f.Invoke(ctx, payload)
	c := ColdStart{FirstResponse: time.Since(began), Response: out, Err: err}
	var fe *Error
	if errors.As(err, &fe) && fe.Phase == "init" {
		return c, err
	} else if err != nil && !errors.As(err, &fe) {
		return c, err
	}
	if c.Init, err = f.Init(); err != nil {
		return c, fmt.Errorf("%w\n%s", err, tail(f.Output(), 4096))
	}
	return c, nil
}

// freeAddr is a local address nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// newRequestID is a random UUID (version 4), the shape of Lambda's.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
