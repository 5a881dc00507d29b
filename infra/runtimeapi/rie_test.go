package runtimeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rieBinary is AWS's Runtime Interface Emulator if it is on PATH. It cannot
// be installed here (CONTRACT §7), so the test comparing it with ours skips.
func rieBinary(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("aws-lambda-rie")
	if err != nil {
		t.Skip("aws-lambda-rie is not on PATH (AWS's Runtime Interface Emulator; not installable here): " + err.Error())
	}
	return path
}

// rieFunction is bootstrap run by aws-lambda-rie, invoked through its
// invoke API as `sam local invoke` or a container test would.
type rieFunction struct {
	url string
}

// startRIE runs bootstrap under rie with env (rie passes its environment to
// the function) on free local ports, and waits for its invoke API.
func startRIE(t *testing.T, rie, bootstrap string, env []string) *rieFunction {
	t.Helper()
	invokeAddr, runtimeAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(rie, "--log-level", "error",
		"--runtime-interface-emulator-address", invokeAddr, "--runtime-api-address", runtimeAddr, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = append([]string{"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin", "AWS_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=function", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_LAMBDA_FUNCTION_TIMEOUT=10"}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("aws-lambda-rie output:\n%s", out.String())
		}
	})

	// rie inits the function at the first invoke; wait for its listener.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := (&net.Dialer{}).DialContext(ctx, "tcp", invokeAddr); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatal("aws-lambda-rie exited")
		case <-ctx.Done():
			t.Fatal("aws-lambda-rie did not listen within 10 s")
		case <-tick.C:
		}
	}
	return &rieFunction{url: "http://" + invokeAddr + "/2015-03-31/functions/function/invocations"}
}

// Invoke posts the payload to rie's invoke API. A function error comes back
// as a 200 carrying {errorType, errorMessage}.
func (r *rieFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("rie: %s: %s", res.Status, body)
	}
	var fnErr struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &fnErr) == nil && fnErr.Type != "" && !strings.Contains(string(body), `"statusCode"`) {
		return nil, fmt.Errorf("function error %s: %s", fnErr.Type, fnErr.Message)
	}
	return body, nil
}

// freeAddr is a local address nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
