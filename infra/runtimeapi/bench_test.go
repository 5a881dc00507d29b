package runtimeapi_test

import (
	"os"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/runtimeapi"
	"github.com/warmlead/warmlead/infra/testenv"
)

// BenchmarkColdStart measures CONTRACT §5's cold start: each bootstrap,
// built as the Makefile builds it, is launched against the Runtime API
// emulator as Lambda launches it, and timed from process start to its first
// request for an invocation. Each iteration cold-starts the empty
// aws-lambda-go handler, the api and the notifier once, in turn, so all
// three see the same machine. Reported: median init of each, the ratios to
// the empty handler (goal ≤ 1.5) and the stripped binary sizes, host arch and
// arm64 (what deploys; goal ≤ 12 MB).
func BenchmarkColdStart(b *testing.B) {
	dir := b.TempDir()
	host := buildBootstraps(b, dir, "")
	arm := buildBootstraps(b, dir, "arm64")
	// Init reads the configuration but calls nothing: any table will do.
	env := []string{"TABLE_NAME=coldstart", "DYNAMODB_ENDPOINT=" + testenv.Endpoint(),
		"CURSOR_SECRET=runtimeapi-bench-cursor-secret-0123456789", "PUBLIC_BASE_URL=https://warmlead.test"}
	fns := []struct {
		name string
		bin  string
		env  []string
	}{{"empty", host.empty, nil}, {"api", host.api, env}, {"notifier", host.notifier, env}}
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
	for _, s := range []struct{ name, path string }{
		{"empty", host.empty}, {"api", host.api}, {"notifier", host.notifier},
		{"empty-arm64", arm.empty}, {"api-arm64", arm.api}, {"notifier-arm64", arm.notifier},
	} {
		fi, err := os.Stat(s.path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/1e6, s.name+"-MB")
	}
}
