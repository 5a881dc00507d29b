// Command lambdarie installs AWS's Lambda Runtime Interface Emulator, pinned
// (package infra/lambdarie), into the repository's cache and prints its
// path. Tests install it on demand; CI runs this once, before test packages
// start in parallel.
//
//	go run ./infra/cmd/lambdarie install
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/warmlead/warmlead/infra/lambdarie"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "install" {
		fmt.Fprintln(os.Stderr, "usage: lambdarie install    install aws-lambda-rie "+lambdarie.Version+" into .cache, print its path")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	path, err := lambdarie.Binary(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lambdarie:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
