// Command load drives the local stack with many concurrent members and
// verifies nothing was lost or doubled (make load).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	"github.com/warmlead/warmlead/infra/loadtest"
)

func main() {
	cfg := loadtest.Config{}
	flag.IntVar(&cfg.Clients, "clients", 50, "concurrent members")
	flag.IntVar(&cfg.OpsPerClient, "ops", 200, "operations per member")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the operation mix")
	flag.DurationVar(&cfg.Settle, "settle", 3*time.Minute, "how long after the load ends to wait for notifications to arrive")
	flag.DurationVar(&cfg.Bound, "bound", time.Minute, "fail if the last owed notification arrives later than this after the load ends")
	timeout := flag.Duration("timeout", 20*time.Minute, "bound on the whole run")
	logPath := flag.String("log", "", "write the stack's JSON log to this file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (stack, stream pump, load) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	stackLog := io.Discard
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		defer f.Close()
		stackLog = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := loadtest.RunLocal(ctx, cfg, os.Getenv, os.Stdout, stackLog); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}
