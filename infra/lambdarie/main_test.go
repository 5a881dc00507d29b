package lambdarie_test

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
	"github.com/warmlead/warmlead/infra/lambdarie"
	"github.com/warmlead/warmlead/infra/testenv"
)

// helperEnv makes the test binary itself a Lambda function (see helper), so
// this package's reading of the emulator is tested without building anything.
const helperEnv = "LAMBDARIE_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		helper(mode)
		os.Exit(0)
	}
	testenv.Main(m)
}

// helper is a function whose behaviour the payload picks: "fail" returns an
// error, "exit" exits; anything else is echoed with what the function sees
// of its environment and context. Mode "crash" exits during init.
func helper(mode string) {
	fmt.Println("helper: init", mode)
	if mode == "crash" {
		fmt.Fprintln(os.Stderr, "helper: cannot start: no configuration")
		os.Exit(2)
	}
	lambda.Start(func(ctx context.Context, payload json.RawMessage) (map[string]any, error) {
		fmt.Println("helper: invoked with", string(payload))
		switch string(payload) {
		case `"fail"`:
			return nil, errors.New("asked to fail")
		case `"exit"`:
			os.Exit(3)
		}
		lc, _ := lambdacontext.FromContext(ctx)
		env := map[string]string{}
		for _, k := range []string{"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "HOME", "FOO"} {
			env[k] = os.Getenv(k)
		}
		wd, _ := os.Getwd()
		return map[string]any{"payload": payload, "request_id": lc.AwsRequestID, "env": env, "wd": wd, "pid": os.Getpid()}, nil
	})
}

// rie is AWS's emulator, installed into the repository's cache on first
// use (.ci/run installs it beforehand).
var rie = sync.OnceValues(func() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	return lambdarie.Binary(ctx)
})

func rieBinary(t testing.TB) string {
	t.Helper()
	path, err := rie()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// startHelper runs the test binary as a function in mode under the emulator.
func startHelper(t *testing.T, mode string, opts lambdarie.Options) *lambdarie.Function {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	opts.Env = append(opts.Env, helperEnv+"="+mode)
	f, err := lambdarie.Start(t.Context(), rieBinary(t), exe, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.Stop()
		if t.Failed() {
			t.Logf("output:\n%s", f.Output())
		}
	})
	return f
}

// bootstrap is a built function: one of functions/*, or the empty handler.
type bootstrap struct {
	name, path string
}

// emptyPkg is the baseline: an aws-lambda-go handler that does nothing.
const emptyPkg = "./infra/lambdarie/testdata/empty"

// buildBootstraps builds the empty handler (first) and every function under
// functions/ (lambdarie.Functions) for goarch into dir, concurrently.
func buildBootstraps(t testing.TB, dir, goarch string) []bootstrap {
	t.Helper()
	root, err := lambdarie.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	fns, err := lambdarie.Functions(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	all := append([]lambdarie.Lambda{{Name: "empty", Pkg: emptyPkg}}, fns...)
	out := make([]bootstrap, len(all))
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, fn := range all {
		wg.Go(func() {
			out[i].name = fn.Name
			out[i].path, errs[i] = lambdarie.Build(ctx, root, fn.Pkg, goarch, filepath.Join(dir, cmp.Or(goarch, "host"), fn.Name))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}

// find is the bootstrap named name.
func find(t testing.TB, bins []bootstrap, name string) string {
	t.Helper()
	for _, b := range bins {
		if b.name == name {
			return b.path
		}
	}
	t.Fatalf("no function %q among %v", name, bins)
	return ""
}
