// Command benchtable turns `go test -bench` output (stdin) into the one
// table make bench prints: every row a measurement beside its baseline from
// the same run, the ratio, and the goal from BENCHMARKS.md. Keep the rows and
// their format stable: BENCHMARKS.md is compared run to run.
//
// With -smoke (make bench-smoke) it prints only the rows that ran, timing
// goals loosened for a noisy machine, and exits 1 if any row missed its
// goal (BENCHMARKS.md, "Smoke").
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/warmlead/warmlead/infra/benchtable"
)

func main() {
	smoke := flag.Bool("smoke", false, "check the rows that ran against loosened goals; exit 1 on a miss")
	flag.Parse()
	missed, err := run(os.Stdin, os.Stdout, *smoke)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(missed) > 0 {
		fmt.Fprintf(os.Stderr, "benchtable: %d goals missed: %s\n", len(missed), strings.Join(missed, "; "))
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, smoke bool) ([]string, error) {
	results, err := benchtable.Parse(in)
	if err != nil {
		return nil, err
	}
	what := "benchmarks"
	if smoke {
		what = fmt.Sprintf("smoke benchmarks (smaller sizes, fewer iterations; timing goals ×%.1f)", benchtable.SmokeLoosening)
	}
	fmt.Fprintf(out, "Warmlead %s, %s, %s/%s, %d CPUs, %s\n\n", what, time.Now().UTC().Format("2006-01-02"),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if smoke {
		if len(results) == 0 {
			return nil, fmt.Errorf("no benchmark results on stdin")
		}
		return benchtable.Smoke(out, results)
	}
	return nil, benchtable.Print(out, results)
}
