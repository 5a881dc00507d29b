package runtimeapi_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/warmlead/warmlead/infra/runtimeapi"
	"github.com/warmlead/warmlead/infra/testenv"
)

// helperEnv makes the test binary itself a Lambda function (see helper), so
// the emulator's own behaviour is tested without building anything.
const helperEnv = "RUNTIMEAPI_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		helper(mode)
		os.Exit(0)
	}
	testenv.Main(m)
}

// helper is a function whose behaviour the payload picks: "fail" returns an
// error, "panic" panics, "hang" ignores its deadline, "exit" exits; anything
// else is echoed with what the function sees of its environment and
// context. Mode "init-error" reports an init error, "crash" exits at init,
// "idle" never gets ready.
func helper(mode string) {
	fmt.Println("helper: init", mode)
	switch mode {
	case "crash":
		fmt.Fprintln(os.Stderr, "helper: cannot start: no configuration")
		os.Exit(2)
	case "idle":
		time.Sleep(time.Minute) // never asks for work
		os.Exit(1)
	case "init-error":
		reportInitError()
		time.Sleep(time.Minute) // Start must not wait for the exit
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, payload json.RawMessage) (map[string]any, error) {
		fmt.Println("helper: invoked with", string(payload))
		switch string(payload) {
		case `"fail"`:
			return nil, errors.New("asked to fail")
		case `"panic"`:
			panic("asked to panic")
		case `"hang"`:
			time.Sleep(time.Minute)
		case `"exit"`:
			os.Exit(3)
		}
		lc, _ := lambdacontext.FromContext(ctx)
		deadline, _ := ctx.Deadline()
		env := map[string]string{}
		for _, k := range []string{"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
			"AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "HOME", "FOO", "_X_AMZN_TRACE_ID"} {
			env[k] = os.Getenv(k)
		}
		wd, _ := os.Getwd()
		return map[string]any{"payload": payload, "request_id": lc.AwsRequestID, "arn": lc.InvokedFunctionArn,
			"remaining_ms": time.Until(deadline).Milliseconds(), "env": env, "wd": wd}, nil
	})
}

func reportInitError() {
	url := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/init/error"
	req, _ := newPost(url, `{"errorMessage":"config missing: TABLE","errorType":"Runtime.ConfigError"}`)
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.ConfigError")
	if res, err := httpClient.Do(req); err == nil {
		res.Body.Close()
	}
}

// helperBinary is the test binary, started as a function.
func helperBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// startHelper starts the test binary as a function in mode.
func startHelper(t *testing.T, mode string, opts runtimeapi.Options) *runtimeapi.Function {
	t.Helper()
	opts.Env = append(opts.Env, helperEnv+"="+mode)
	f, err := runtimeapi.Start(t.Context(), helperBinary(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Stop() })
	return f
}

// bootstraps are the real functions, built once per run of TestBootstraps.
type bootstraps struct {
	api, notifier, empty string
}

// buildBootstraps builds the host-arch bootstraps of the functions and of
// the empty baseline handler into dir, concurrently.
func buildBootstraps(t testing.TB, dir, goarch string) bootstraps {
	t.Helper()
	root, err := runtimeapi.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	pkgs := []string{"./functions/api", "./functions/notifier", "./infra/runtimeapi/testdata/empty"}
	paths := make([]string, len(pkgs))
	errs := make([]error, len(pkgs))
	var wg sync.WaitGroup
	for i, pkg := range pkgs {
		wg.Go(func() {
			paths[i], errs[i] = runtimeapi.Build(ctx, root, pkg, goarch, filepath.Join(dir, cmp.Or(goarch, "host"), filepath.Base(pkg)))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return bootstraps{api: paths[0], notifier: paths[1], empty: paths[2]}
}
