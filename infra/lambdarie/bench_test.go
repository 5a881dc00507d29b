package lambdarie_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/lambdarie"
	"github.com/warmlead/warmlead/infra/testenv"
)

// BenchmarkColdStart measures every function's cold start (README's
// goals: init ≤ 1.5 × an empty aws-lambda-go handler's, binaries ≤ 12 MB).
// Every main package under functions/ (lambdarie.Functions, none skipped)
// and the empty handler are built as the Makefile builds them and started by
// AWS's Runtime Interface Emulator as Lambda starts them; each is invoked
// once and the emulator's INIT REPORT read. Each iteration cold-starts the
// empty handler and then every function once, in turn, so all see the same
// machine; run it with -benchtime 15x (make bench) for medians of 15.
//
// Reported per function (and "empty"): <name>-init-ms, the median INIT
// REPORT; <name>-first-ms, the median time from sending the first
// invocation to its response (init + the first request, as a caller waits
// for it); <name>-ratio, init over the empty handler's; <name>-MB and
// <name>-arm64-MB, the stripped binary sizes, host arch and arm64 (what
// deploys).
func BenchmarkColdStart(b *testing.B) {
	dir := b.TempDir()
	host := buildBootstraps(b, dir, "")
	arm := buildBootstraps(b, dir, "arm64")
	rie := rieBinary(b)
	// The first requests call no table (a health check, an empty batch):
	// any table name will do.
	opts := lambdarie.Options{Env: functionEnv("coldstart", testenv.Endpoint())}
	inits := make([][]time.Duration, len(host))
	firsts := make([][]time.Duration, len(host))
	for b.Loop() {
		for i, fn := range host {
			c, err := lambdarie.Cold(b.Context(), rie, fn.path, opts, firstRequest(fn.name))
			if err != nil {
				b.Fatalf("%s: %v", fn.name, err)
			}
			inits[i] = append(inits[i], c.Init)
			firsts[i] = append(firsts[i], c.FirstResponse)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	empty := lambdarie.Median(inits[0]) // host[0] is the empty handler
	for i, fn := range host {
		m := lambdarie.Median(inits[i])
		b.ReportMetric(ms(m), fn.name+"-init-ms")
		b.ReportMetric(ms(slices.Min(inits[i])), fn.name+"-init-min-ms") // the least disturbed run, for a loaded machine
		b.ReportMetric(ms(lambdarie.Median(firsts[i])), fn.name+"-first-ms")
		if i > 0 {
			b.ReportMetric(float64(m)/float64(empty), fn.name+"-ratio")
		}
	}
	for _, set := range []struct {
		suffix string
		bins   []bootstrap
	}{{"", host}, {"-arm64", arm}} {
		for _, fn := range set.bins {
			fi, err := os.Stat(fn.path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fi.Size())/1e6, fn.name+set.suffix+"-MB")
		}
	}
}
