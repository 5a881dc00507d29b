// Command ddblocal installs and runs DynamoDB Local for the local stack and
// for poking at tables by hand, using the same pinned, verified engine as the
// tests (package infra/ddblocal).
//
//	go run ./infra/cmd/ddblocal install                  # prints the emulator dir
//	go run ./infra/cmd/ddblocal start [-data DIR] [-port N] [-v]
//
// start prints the endpoint (one line, e.g. http://127.0.0.1:8000) once the
// server answers, then runs until SIGINT or SIGTERM and stops it cleanly.
// Without -data the server is in memory; without -port it takes a free port.
// Clients must use ddblocal.AccessKey/SecretKey/Region to see the same tables.
// The cache dir is $WARMLEAD_CACHE_DIR, else <repo root>/.cache.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/warmlead/warmlead/infra/ddblocal"
)

const usage = `usage:
  ddblocal install                          install DynamoDB Local, print its dir
  ddblocal start [-data DIR] [-port N] [-v] run it until SIGINT/SIGTERM, print its endpoint`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ddblocal:", err)
		os.Exit(1)
	}
}

// run is main without the process globals, so it can be tested.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("missing command\n" + usage)
	}
	cacheDir, err := cacheDir(getenv)
	if err != nil {
		return err
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "install":
		if len(rest) != 0 {
			return fmt.Errorf("install takes no arguments\n%s", usage)
		}
		dir, err := ddblocal.Install(ctx, cacheDir)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, dir)
		return err
	case "start":
		fs := flag.NewFlagSet("start", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		data := fs.String("data", "", "keep tables in `DIR` across restarts (default: in memory)")
		port := fs.Int("port", 0, "listen on port `N` (default: a free port)")
		verbose := fs.Bool("v", false, "copy java's output to stdout")
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				_, err = fmt.Fprintln(stdout, usage)
				return err
			}
			return fmt.Errorf("start: %w\n%s", err, usage)
		}
		if fs.NArg() != 0 {
			return fmt.Errorf("start: unexpected argument %q\n%s", fs.Arg(0), usage)
		}
		opts := ddblocal.Options{CacheDir: cacheDir, DataDir: *data, Port: *port}
		if *verbose {
			opts.Log = stdout
		}
		srv, err := ddblocal.Start(ctx, opts)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(stdout, srv.Endpoint); err != nil {
			_ = srv.Stop()
			return err
		}
		<-ctx.Done()
		return srv.Stop()
	case "help", "-h", "-help", "--help":
		_, err := fmt.Fprintln(stdout, usage)
		return err
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

// cacheDir mirrors ddblocal.DefaultCacheDir but reads the override through
// getenv, so tests need not touch the real environment.
func cacheDir(getenv func(string) string) (string, error) {
	if dir := getenv(ddblocal.CacheDirEnv); dir != "" {
		return dir, nil
	}
	return ddblocal.DefaultCacheDir()
}
