package ddblocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

const (
	startTimeout  = 60 * time.Second
	pollInterval  = 50 * time.Millisecond
	probeTimeout  = 2 * time.Second
	stopGrace     = 5 * time.Second
	killWait      = 5 * time.Second
	outputTailMax = 8 << 10
	// portAttempts bounds retries when a port picked by Start (Port 0) was
	// taken by someone else before java bound it.
	portAttempts = 3
)

// ErrJavaNotFound is returned (wrapped) by Start when java is not on PATH, so
// callers and CI logs get one actionable line instead of an exec error.
var ErrJavaNotFound = errors.New("java not found on PATH: DynamoDB Local needs a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)")

// Options configures Start. The zero value is a throw-away in-memory server
// on a free port, which is what most tests want.
type Options struct {
	// CacheDir is where the emulator is installed; "" means DefaultCacheDir.
	CacheDir string
	// DataDir, if set, makes the server keep its tables in that directory
	// (-dbPath; created if missing) so data survives restarts, as the local
	// stack wants. "" runs in memory (-inMemory): faster and nothing to clean.
	DataDir string
	// Port to listen on; 0 picks a free loopback port, so parallel test
	// packages never collide.
	Port int
	// Log receives java's stdout and stderr; nil discards them. Start's
	// errors include the tail of this output either way.
	Log io.Writer
	// Throughput runs the JVM with its full JIT instead of the C1-only one
	// tests use: a slower start, but a server that keeps up with sustained
	// load (make load; docs/platform.md).
	Throughput bool
}

// Server is a running DynamoDB Local process started by Start. Stop it when
// done; it runs in its own process group so Stop also reaps anything java
// spawned.
type Server struct {
	// Endpoint is the base URL to give NewClient, e.g. http://127.0.0.1:8000.
	Endpoint string
	// Port is the TCP port the server listens on.
	Port int
	// EmulatorDir is the installed emulator folder (java's working dir).
	EmulatorDir string
	// DataDir is the absolute -dbPath, or "" for an in-memory server.
	DataDir string
	// StartDuration is how long Start waited from launching java until the
	// first successful ListTables, for spotting slow machines in test logs.
	StartDuration time.Duration

	cmd     *exec.Cmd
	out     *tailBuffer
	done    chan struct{} // closed when the process has been waited for
	waitErr error         // valid after done is closed

	stopOnce sync.Once
	stopErr  error
}

// Start installs DynamoDB Local if needed (see Install), launches it and
// returns once it answers a ListTables call made with the static credentials,
// so callers can use it at once. ctx bounds only installing and starting; the
// server then runs until Stop. Startup is given at most 60 s; on any failure
// the process is killed and the error includes the tail of java's output.
//
// DynamoDB Local 1.25.1 has no option to choose the listen address, so the
// server listens on all interfaces; Endpoint always uses 127.0.0.1.
func Start(ctx context.Context, opts Options) (*Server, error) {
	// Check java first: no point downloading 56 MB that cannot run.
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("ddblocal: %w", ErrJavaNotFound)
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		if cacheDir, err = DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	emuDir, err := Install(ctx, cacheDir)
	if err != nil {
		return nil, err
	}
	dataDir := ""
	if opts.DataDir != "" {
		if dataDir, err = filepath.Abs(opts.DataDir); err != nil {
			return nil, fmt.Errorf("ddblocal: data dir: %w", err)
		}
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("ddblocal: data dir: %w", err)
		}
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("ddblocal: invalid port %d", opts.Port)
	}

	for attempt := 1; ; attempt++ {
		port := opts.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, fmt.Errorf("ddblocal: pick a free port: %w", err)
			}
		}
		s, err := launch(ctx, java, emuDir, dataDir, port, opts.Log, opts.Throughput)
		if err == nil {
			return s, nil
		}
		var pe *portInUseError
		if opts.Port != 0 || !errors.As(err, &pe) || attempt >= portAttempts {
			return nil, err
		}
		// The free port we picked was grabbed before java bound it; retry.
	}
}

// portInUseError marks a start that failed because the port was taken.
type portInUseError struct{ err error }

func (e *portInUseError) Error() string { return e.err.Error() }
func (e *portInUseError) Unwrap() error { return e.err }

func launch(ctx context.Context, java, emuDir, dataDir string, port int, log io.Writer, throughput bool) (*Server, error) {
	var args []string
	if !throughput {
		// C1-only JIT: the engine answers ~0.5-1.5 s sooner and burns less
		// CPU while parallel test packages start their servers on a small
		// machine; DynamoDB Local's peak throughput does not matter there.
		args = append(args, "-XX:TieredStopAtLevel=1")
	}
	args = append(args,
		"-Djava.library.path="+libDirName,
		"-jar", jarName,
		"-disableTelemetry",
		"-port", strconv.Itoa(port),
	)
	if dataDir == "" {
		args = append(args, "-inMemory")
	} else {
		args = append(args, "-dbPath", dataDir)
	}
	out := &tailBuffer{max: outputTailMax, log: log}
	cmd := exec.Command(java, args...)
	cmd.Dir = emuDir
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = sysProcAttr()
	// If java leaves a child holding the output pipe, don't hang in Wait.
	cmd.WaitDelay = 2 * time.Second

	s := &Server{
		Endpoint:    "http://127.0.0.1:" + strconv.Itoa(port),
		Port:        port,
		EmulatorDir: emuDir,
		DataDir:     dataDir,
		cmd:         cmd,
		out:         out,
		done:        make(chan struct{}),
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("ddblocal: start java: %w", err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()

	if err := s.waitReady(ctx); err != nil {
		_ = s.kill()
		tail := s.out.String()
		err = fmt.Errorf("ddblocal: DynamoDB Local on port %d: %w\njava output (tail):\n%s", port, err, tail)
		if strings.Contains(tail, "Address already in use") || strings.Contains(tail, "BindException") {
			return nil, &portInUseError{err}
		}
		return nil, err
	}
	s.StartDuration = time.Since(began)
	return s, nil
}

// waitReady polls ListTables every pollInterval until it succeeds, the
// process exits, ctx ends or startTimeout passes.
func (s *Server) waitReady(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, startTimeout)
	defer cancel()
	client := NewClient(s.Endpoint, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var lastErr error
	for {
		pctx, pcancel := context.WithTimeout(ctx, probeTimeout)
		_, err := client.ListTables(pctx, &dynamodb.ListTablesInput{})
		pcancel()
		if err == nil {
			return nil
		}
		lastErr = err
		// A failed bind or other startup exception does not end the JVM
		// (jetty's threads keep it alive), so watch the output instead of
		// waiting out the timeout.
		if s.out.contains(`Exception in thread "main"`) {
			return errors.New("java failed during startup")
		}
		select {
		case <-s.done:
			return fmt.Errorf("java exited during startup: %v", s.waitErr)
		case <-ctx.Done():
			if err := parent.Err(); err != nil {
				return fmt.Errorf("startup interrupted: %w", err)
			}
			return fmt.Errorf("not ready after %s (last probe: %v): %w", startTimeout, lastErr, ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop shuts the server down: SIGTERM to its process group, then SIGKILL if
// it has not exited within 5 s. It returns nil after a clean shutdown, and an
// error if the server had already died on its own or had to be killed (with
// -dbPath the last writes may then be lost). Calling Stop again returns the
// first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	select {
	case <-s.done:
		return fmt.Errorf("ddblocal: DynamoDB Local on port %d had already exited: %v\njava output (tail):\n%s",
			s.Port, s.waitErr, s.out.String())
	default:
	}
	if err := terminateGroup(s.cmd); err != nil {
		select {
		case <-s.done: // exited between the check and the signal
			return nil
		default:
		}
		return fmt.Errorf("ddblocal: stop: %w", err)
	}
	select {
	case <-s.done:
		return nil // java exits with 143 on SIGTERM; that is the clean path
	case <-time.After(stopGrace):
	}
	if err := s.kill(); err != nil {
		return fmt.Errorf("ddblocal: stop: %w", err)
	}
	return fmt.Errorf("ddblocal: DynamoDB Local on port %d ignored SIGTERM for %s and was killed", s.Port, stopGrace)
}

// kill SIGKILLs the process group and waits for the process to be reaped.
func (s *Server) kill() error {
	_ = killGroup(s.cmd)
	select {
	case <-s.done:
		return nil
	case <-time.After(killWait):
		return fmt.Errorf("process %d still running after SIGKILL", s.cmd.Process.Pid)
	}
}

// freePort asks the kernel for a free loopback port. Another process may take
// it before java binds it; Start retries in that case.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written to it and copies everything to
// log (if set). exec writes to it from one goroutine, String reads from
// another, hence the mutex.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
	log io.Writer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	if t.log != nil {
		_, _ = t.log.Write(p) // a failing log must not kill java's pipe
	}
	return len(p), nil
}

func (t *tailBuffer) contains(sub string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Contains(t.buf, []byte(sub))
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
