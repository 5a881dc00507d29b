// Command mailpit installs Mailpit, pinned (package infra/mailpit), into
// the repository's cache and prints its path. Tests and make run install it
// on demand; CI runs this once, before test packages start in parallel.
//
//	go run ./infra/cmd/mailpit install
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/warmlead/warmlead/infra/mailpit"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "install" {
		fmt.Fprintln(os.Stderr, "usage: mailpit install    install "+mailpit.Module+" into .cache, print its path")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	path, err := mailpit.Install(ctx, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "mailpit:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
