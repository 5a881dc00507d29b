package runtimeapi_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/runtimeapi"
	"github.com/warmlead/warmlead/infra/testenv"
)

// BenchmarkColdStartFollowUps is BenchmarkColdStart for the follow-up
// functions (docs/followups.md): the stream step and the scheduler, each
// against the empty handler, in turn; medians, ratios (goal ≤ 1.5) and
// stripped arm64 sizes (goal ≤ 12 MB).
func BenchmarkColdStartFollowUps(b *testing.B) {
	root, err := runtimeapi.ModuleRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	build := func(pkg, goarch string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		p, err := runtimeapi.Build(ctx, root, pkg, goarch, filepath.Join(dir, cmp.Or(goarch, "host"), filepath.Base(pkg)))
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	env := []string{"TABLE_NAME=coldstart", "DYNAMODB_ENDPOINT=" + testenv.Endpoint(), "PUBLIC_BASE_URL=https://warmlead.test",
		"UNSUBSCRIBE_SECRET=runtimeapi-bench-unsubscribe-secret-0123456789", "AWS_REGION=us-east-1"}
	fns := []struct {
		name, bin string
		env       []string
	}{{"empty", build("./infra/runtimeapi/testdata/empty", ""), nil},
		{"followups", build("./functions/followups", ""), env}, {"scheduler", build("./functions/scheduler", ""), env}}
	inits := make([][]time.Duration, len(fns))
	for b.Loop() {
		for i, fn := range fns {
			ds, err := runtimeapi.ColdStarts(b.Context(), fn.bin, runtimeapi.Options{Env: fn.env}, 1)
			if err != nil {
				b.Fatalf("%s: %v", fn.name, err)
			}
			inits[i] = append(inits[i], ds...)
		}
	}
	empty := runtimeapi.Median(inits[0])
	for i, fn := range fns {
		m := runtimeapi.Median(inits[i])
		b.ReportMetric(float64(m.Microseconds())/1000, fn.name+"-init-ms")
		if i > 0 {
			b.ReportMetric(float64(m)/float64(empty), fn.name+"-ratio")
		}
	}
	for _, pkg := range []string{"./infra/runtimeapi/testdata/empty", "./functions/followups", "./functions/scheduler"} {
		fi, err := os.Stat(build(pkg, "arm64"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/1e6, filepath.Base(pkg)+"-arm64-MB")
	}
}
