// Command benchtable turns `go test -bench` output (stdin) into the one
// table make bench prints: every row a measurement beside its baseline from
// the same run, the ratio, and the goal from BENCHMARKS.md. Keep the rows and
// their format stable: BENCHMARKS.md is compared run to run.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/warmlead/warmlead/infra/benchtable"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	results, err := benchtable.Parse(in)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Warmlead benchmarks, %s, %s/%s, %d CPUs, %s\n\n", time.Now().UTC().Format("2006-01-02"),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	return benchtable.Print(out, results)
}
