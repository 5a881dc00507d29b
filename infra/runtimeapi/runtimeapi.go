// Package runtimeapi runs a Lambda `bootstrap` binary the way Lambda does,
// so tests and benchmarks exercise the very binary `make build` ships rather
// than the handler called in-process.
//
// AWS's Runtime Interface Emulator cannot be installed here (CONTRACT §7), and
// what Lambda does for a custom runtime (provided.al2023) is small: start the
// bootstrap with AWS_LAMBDA_RUNTIME_API=host:port in a clean environment, and
// serve the Runtime API on that address:
//
//	GET  /2018-06-01/runtime/invocation/next          blocks until an invocation; payload + Lambda-Runtime-* headers
//	POST /2018-06-01/runtime/invocation/{id}/response the function's result
//	POST /2018-06-01/runtime/invocation/{id}/error    {errorMessage, errorType, stackTrace?}
//	POST /2018-06-01/runtime/init/error               the same, during init
//
// Init is over when the process first asks for the next invocation: that is
// where Lambda's "Init Duration" ends, and what [Function.Init] reports.
//
// Typical use, as the tests and BenchmarkColdStart do:
//
//	bin, err := runtimeapi.Build(ctx, root, "./functions/api", "", dir)
//	f, err := runtimeapi.Start(ctx, bin, runtimeapi.Options{Env: []string{"TABLE_NAME=..."}})
//	defer f.Stop()
//	out, err := f.Invoke(ctx, eventJSON) // err may be an *InvokeError
//
// Like one Lambda execution environment, a [Function] runs one invocation at
// a time (concurrent [Function.Invoke] calls queue) and is not restarted: after
// a crash or a timeout every later Invoke fails. Start another for a fresh
// cold start, as [ColdStarts] does.
package runtimeapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Lambda's limits and defaults that the emulator applies.
const (
	DefaultInvokeTimeout = 3 * time.Second  // a function's default Timeout
	DefaultInitTimeout   = 10 * time.Second // the init phase's limit
	DefaultMemoryMB      = 128              // a function's default MemorySize
	DefaultRegion        = "us-east-1"      // also the region DynamoDB Local clients use (dynamo.LocalRegion)
	MaxResponseBytes     = 6 << 20          // synchronous invocation response limit
)

const apiPrefix = "/2018-06-01/runtime/"

// Options describe the function as its Lambda configuration would.
type Options struct {
	// Env is the function's own environment (TABLE_NAME=..., ...). It comes
	// after the variables Lambda defines, so it can override them.
	Env []string
	// InvokeTimeout is the function's Timeout (DefaultInvokeTimeout if 0).
	// An invocation running longer is killed with its process, as in Lambda.
	InvokeTimeout time.Duration
	// InitTimeout bounds Start (DefaultInitTimeout if 0).
	InitTimeout time.Duration
	// Name, MemoryMB and Region fill AWS_LAMBDA_FUNCTION_NAME ("function"),
	// AWS_LAMBDA_FUNCTION_MEMORY_SIZE (DefaultMemoryMB) and AWS_REGION
	// (DefaultRegion) and the function ARN.
	Name     string
	MemoryMB int
	Region   string
	// Stdout, if set, also receives the process's stdout and stderr (which
	// Lambda sends to CloudWatch Logs), copied when init ends, after each
	// invocation and at Stop; they are always kept for Output.
	Stdout io.Writer
}

func (o Options) withDefaults() Options {
	if o.InvokeTimeout <= 0 {
		o.InvokeTimeout = DefaultInvokeTimeout
	}
	if o.InitTimeout <= 0 {
		o.InitTimeout = DefaultInitTimeout
	}
	if o.Name == "" {
		o.Name = "function"
	}
	if o.MemoryMB <= 0 {
		o.MemoryMB = DefaultMemoryMB
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	return o
}

// environ is what Lambda gives a provided.al2023 function, then opts.Env.
// The parent's environment is not inherited: a function sees only its
// configuration, and a developer's ~/.aws or DYNAMODB_ENDPOINT must not leak
// in. There are deliberately no AWS_ACCESS_KEY_ID/SECRET defaults: Lambda
// would put the execution role's keys there, but DynamoDB Local keeps one
// database per access key, so credentials are the caller's to give (the
// local store uses local/local when none are set).
func environ(opts Options, apiAddr, taskRoot string) []string {
	env := []string{
		"AWS_LAMBDA_RUNTIME_API=" + apiAddr,
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=" + taskRoot,
		"LAMBDA_RUNTIME_DIR=" + taskRoot,
		"AWS_REGION=" + opts.Region,
		"AWS_DEFAULT_REGION=" + opts.Region,
		"AWS_LAMBDA_FUNCTION_NAME=" + opts.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(opts.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + opts.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + time.Now().UTC().Format("2006/01/02") + "/[$LATEST]" + randomHex(16),
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
	}
	return append(env, opts.Env...)
}

// Function is one running bootstrap process and the Runtime API it talks to.
type Function struct {
	opts    Options
	arn     string
	cmd     *exec.Cmd
	srv     *http.Server
	out     *output
	started time.Time

	queue     chan *invocation // Invoke -> GET /next; unbuffered, so a send is a delivery
	ready     chan struct{}    // closed at the first GET /next
	readyOnce sync.Once
	initDur   time.Duration // set before ready is closed
	initErr   chan *InvokeError
	exited    chan struct{} // closed when the process has exited
	waitErr   error         // set before exited is closed
	stopOnce  sync.Once
	stopped   chan struct{}

	mu      sync.Mutex             // guards started (for next) and pending
	pending map[string]*invocation // delivered, not yet answered
}

type invocation struct {
	id      string
	payload []byte
	// Set by GET /next before running is closed.
	deadline time.Time
	logFrom  int64
	running  chan struct{}
	done     chan result // buffered: the answer never waits for a reader
}

type result struct {
	body []byte
	err  *InvokeError
}

// InvokeError is an invocation that failed: the error the function reported
// (Type is its errorType, e.g. "errorString" for errors.New, or the panic's
// type), or one Lambda itself reports: "Runtime.ExitError" when the process
// dies, "Sandbox.Timedout" after InvokeTimeout,
// "Function.ResponseSizeTooLarge". Start returns it too for a failed init,
// with no RequestID, and then its message includes the output's tail, since
// an init failure is usually explained only there.
type InvokeError struct {
	RequestID  string
	Type       string
	Message    string
	StackTrace json.RawMessage // as reported, if any
	Output     string          // what the process wrote meanwhile (Lambda's log tail)
}

func (e *InvokeError) Error() string {
	if e.RequestID == "" { // init
		return fmt.Sprintf("init failed: %s: %s\n--- function output ---\n%s", e.Type, e.Message, tail(e.Output, 4096))
	}
	return fmt.Sprintf("invocation %s failed: %s: %s", e.RequestID, e.Type, e.Message)
}

// Start launches binary as Lambda starts a function and returns once it is
// ready for its first invocation. If the function reports an init error,
// exits, or does not get ready within opts.InitTimeout or ctx, Start stops
// it and returns an *InvokeError carrying the error and the process output.
func Start(ctx context.Context, binary string, opts Options) (*Function, error) {
	opts = opts.withDefaults()
	binary, err := filepath.Abs(binary)
	if err != nil {
		return nil, err
	}
	out, err := newOutput(opts.Stdout)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		out.close()
		return nil, err
	}
	f := &Function{
		opts:    opts,
		arn:     fmt.Sprintf("arn:aws:lambda:%s:123456789012:function:%s", opts.Region, opts.Name),
		out:     out,
		queue:   make(chan *invocation),
		ready:   make(chan struct{}),
		initErr: make(chan *InvokeError, 1),
		exited:  make(chan struct{}),
		stopped: make(chan struct{}),
		pending: map[string]*invocation{},
	}
	f.srv = &http.Server{Handler: f.routes(), ReadHeaderTimeout: 5 * time.Second}
	go f.srv.Serve(ln) // returns ErrServerClosed at Stop

	taskRoot := filepath.Dir(binary)
	f.cmd = exec.Command(binary)
	f.cmd.Dir = taskRoot
	f.cmd.Env = environ(opts, ln.Addr().String(), taskRoot)
	f.cmd.Stdout, f.cmd.Stderr = out.file, out.file
	f.mu.Lock() // read by GET /next: the child's request is no Go synchronisation
	f.started = time.Now()
	f.mu.Unlock()
	if err := f.cmd.Start(); err != nil {
		f.srv.Close()
		out.close()
		return nil, err
	}
	go func() {
		f.waitErr = f.cmd.Wait()
		close(f.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, opts.InitTimeout)
	defer cancel()
	var fail *InvokeError
	select {
	case <-f.ready:
		f.out.flush()
		return f, nil
	case fail = <-f.initErr:
	case <-f.exited:
		select { // a runtime may report its init error, then exit
		case fail = <-f.initErr:
		default:
			fail = &InvokeError{Type: "Runtime.ExitError", Message: "Runtime exited with error: " + f.exitStatus()}
		}
	case <-ctx.Done():
		fail = &InvokeError{Type: "Sandbox.Timedout", Message: "init did not finish: " + context.Cause(ctx).Error()}
	}
	f.Stop()
	fail.Output = f.Output()
	return nil, fail
}

// Init is the init duration: from process start to its first request for an
// invocation.
func (f *Function) Init() time.Duration { return f.initDur }

// PID is the bootstrap process's id.
func (f *Function) PID() int { return f.cmd.Process.Pid }

// Output is everything the process wrote to stdout and stderr so far.
func (f *Function) Output() string { return f.out.String() }

// Invoke runs one synchronous invocation (RequestResponse) and returns the
// function's response payload. A function error, a crash or a timeout is an
// *InvokeError; ctx only bounds the wait: a caller giving up does not stop
// an invocation already delivered, as in Lambda.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inv := &invocation{id: newRequestID(), payload: payload, running: make(chan struct{}), done: make(chan result, 1)}
	defer f.out.flush()
	select {
	case f.queue <- inv:
	case <-f.exited:
		return nil, f.exitError(inv)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-inv.running // closed by GET /next right after it took inv
	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case r := <-inv.done:
		return r.body, r.errOrNil()
	case <-f.exited:
		select { // a panic is reported before the process exits
		case r := <-inv.done:
			return r.body, r.errOrNil()
		default:
			return nil, f.exitError(inv)
		}
	case <-timer.C:
		f.kill()
		return nil, &InvokeError{RequestID: inv.id, Type: "Sandbox.Timedout",
			Message: fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, f.opts.InvokeTimeout.Seconds()),
			Output:  f.out.since(inv.logFrom)}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r result) errOrNil() error {
	if r.err != nil {
		return r.err
	}
	return nil
}

func (f *Function) exitError(inv *invocation) *InvokeError {
	return &InvokeError{RequestID: inv.id, Type: "Runtime.ExitError",
		Message: fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", inv.id, f.exitStatus()),
		Output:  f.out.since(inv.logFrom)}
}

// exitStatus describes how the process ended; call after exited is closed.
func (f *Function) exitStatus() string {
	if f.waitErr == nil {
		return "exit status 0"
	}
	return f.waitErr.Error()
}

// Stop ends the function as Lambda retires an execution environment: SIGKILL
// (Lambda sends SIGTERM first only to functions with extensions), then the
// Runtime API closes. It waits for the process to exit and is idempotent.
func (f *Function) Stop() error {
	var err error
	f.stopOnce.Do(func() {
		f.kill()
		<-f.exited
		close(f.stopped)
		err = errors.Join(f.srv.Close(), f.out.close())
	})
	return err
}

func (f *Function) kill() {
	select {
	case <-f.exited:
	default:
		_ = f.cmd.Process.Kill() // fails only if it already exited
	}
}

// routes is the Runtime API.
func (f *Function) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"invocation/next", f.next)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/response", f.respond)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/error", f.fail)
	mux.HandleFunc("POST "+apiPrefix+"init/error", f.failInit)
	return mux
}

// next hands the runtime the next invocation, waiting as long as it takes:
// between invocations a Lambda runtime sits in this call.
func (f *Function) next(w http.ResponseWriter, r *http.Request) {
	f.readyOnce.Do(func() {
		f.mu.Lock()
		f.initDur = time.Since(f.started)
		f.mu.Unlock()
		close(f.ready)
	})
	var inv *invocation
	select {
	case inv = <-f.queue:
	case <-r.Context().Done():
		return
	case <-f.stopped:
		return
	}
	inv.deadline = time.Now().Add(f.opts.InvokeTimeout)
	inv.logFrom = f.out.Len()
	f.mu.Lock()
	f.pending[inv.id] = inv
	f.mu.Unlock()
	close(inv.running)

	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", f.arn)
	h.Set("Lambda-Runtime-Trace-Id", traceID())
	w.Write(inv.payload) // a runtime gone away shows as its exit
}

// take removes the invocation the runtime answers, or writes the Runtime
// API's 400 for an unknown (or already answered) request id.
func (f *Function) take(w http.ResponseWriter, r *http.Request) *invocation {
	id := r.PathValue("id")
	f.mu.Lock()
	inv := f.pending[id]
	delete(f.pending, id)
	f.mu.Unlock()
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequestID", "no invocation in progress with id "+id)
	}
	return inv
}

func (f *Function) respond(w http.ResponseWriter, r *http.Request) {
	inv := f.take(w, r)
	if inv == nil {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes+1))
	switch {
	case err != nil:
		inv.done <- result{err: f.invokeError(inv, "Runtime.InvalidResponse", "reading the response: "+err.Error())}
	case len(body) > MaxResponseBytes:
		inv.done <- result{err: f.invokeError(inv, "Function.ResponseSizeTooLarge",
			fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes))}
		writeStatus(w, http.StatusRequestEntityTooLarge, "Function.ResponseSizeTooLarge", "response too large")
		return
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		// aws-lambda-go streams the body and, if producing it fails midway,
		// reports the error in trailers instead.
		e := f.invokeError(inv, r.Trailer.Get("Lambda-Runtime-Function-Error-Type"), "")
		raw, _ := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		e.decode(raw)
		inv.done <- result{err: e}
	default:
		inv.done <- result{body: body}
	}
	writeStatus(w, http.StatusAccepted, "", "")
}

func (f *Function) fail(w http.ResponseWriter, r *http.Request) {
	inv := f.take(w, r)
	if inv == nil {
		return
	}
	e := f.invokeError(inv, r.Header.Get("Lambda-Runtime-Function-Error-Type"), "")
	e.decode(readSome(r.Body))
	inv.done <- result{err: e}
	writeStatus(w, http.StatusAccepted, "", "")
}

func (f *Function) failInit(w http.ResponseWriter, r *http.Request) {
	select {
	case <-f.ready:
		writeStatus(w, http.StatusForbidden, "InvalidStateTransition", "init is over")
		return
	default:
	}
	e := &InvokeError{Type: r.Header.Get("Lambda-Runtime-Function-Error-Type")}
	e.decode(readSome(r.Body))
	select {
	case f.initErr <- e:
	default: // one is enough
	}
	writeStatus(w, http.StatusAccepted, "", "")
}

func (f *Function) invokeError(inv *invocation, typ, msg string) *InvokeError {
	return &InvokeError{RequestID: inv.id, Type: typ, Message: msg, Output: f.out.since(inv.logFrom)}
}

// decode fills e from an error document {errorMessage, errorType,
// stackTrace}; a body that is not one becomes the message.
func (e *InvokeError) decode(raw []byte) {
	var doc struct {
		Message    string          `json:"errorMessage"`
		Type       string          `json:"errorType"`
		StackTrace json.RawMessage `json:"stackTrace"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		if len(raw) > 0 {
			e.Message = string(raw)
		}
	} else {
		e.Message, e.StackTrace = doc.Message, doc.StackTrace
		if doc.Type != "" {
			e.Type = doc.Type
		}
	}
	if e.Type == "" {
		e.Type = "Unhandled"
	}
}

func readSome(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, 1<<20))
	return b
}

// writeStatus answers the runtime as the Runtime API does: 202
// {"status":"OK"}, or an error document.
func writeStatus(w http.ResponseWriter, code int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if code == http.StatusAccepted {
		io.WriteString(w, `{"status":"OK"}`+"\n")
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"errorType": errType, "errorMessage": msg})
}

// ColdStarts starts binary n times, each a fresh process measured from start
// to its first request for an invocation, then stopped: the init durations
// Lambda reports for n cold starts.
func ColdStarts(ctx context.Context, binary string, opts Options, n int) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for range n {
		f, err := Start(ctx, binary, opts)
		if err != nil {
			return out, err
		}
		out = append(out, f.Init())
		if err := f.Stop(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// Median is the middle of ds (the mean of the two middle ones for an even
// count); 0 for none. Cold starts are noisy: compare medians.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Build compiles pkg (relative to repoRoot, e.g. "./functions/api") as the
// Makefile does for Lambda (CGO_ENABLED=0 GOOS=linux, -tags lambda.norpc,nethttpomithttp2,
// -trimpath, -ldflags "-s -w") into outDir/bootstrap, so what is measured is
// what ships. goarch "" is the host's.
func Build(ctx context.Context, repoRoot, pkg, goarch, outDir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(outDir, "bootstrap"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc,nethttpomithttp2", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if goarch != "" {
		cmd.Env = append(cmd.Env, "GOARCH="+goarch)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s (GOARCH=%s): %w\n%s", pkg, goarch, err, msg)
	}
	return out, nil
}

// ModuleRoot walks up from dir to the directory holding go.mod.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("runtimeapi: no go.mod above the working directory")
		}
		dir = parent
	}
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

// traceID is an X-Ray trace header as Lambda passes it (not sampled).
func traceID() string {
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), randomHex(12), randomHex(8))
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
