// Command install puts the pinned local tools the tests run into the
// repository's cache and prints where each is: AWS's Lambda Runtime
// Interface Emulator (package infra/lambdarie) and Mailpit (package
// infra/mailpit). Tests install them on demand; CI runs this once, before
// test packages start in parallel. DynamoDB Local has its own command
// (infra/cmd/ddblocal), which also runs it.
//
//	go run ./infra/cmd/install              # every tool
//	go run ./infra/cmd/install mailpit      # just these
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/warmlead/warmlead/infra/lambdarie"
	"github.com/warmlead/warmlead/infra/mailpit"
)

// tools installs each tool and returns its path.
var tools = map[string]func(context.Context) (string, error){
	"lambdarie": lambdarie.Binary,
	"mailpit":   func(ctx context.Context) (string, error) { return mailpit.Install(ctx, "") },
}

func main() {
	names := os.Args[1:]
	known := make([]string, 0, len(tools))
	for name := range tools {
		known = append(known, name)
	}
	sort.Strings(known)
	if len(names) == 0 {
		names = known
	}
	for _, name := range names {
		if !slices.Contains(known, name) {
			fmt.Fprintf(os.Stderr, "usage: install [%s]...    install pinned tools into .cache, print their paths\n", strings.Join(known, "|"))
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, name := range names {
		path, err := tools[name](ctx)
		if err != nil {
			fmt.Fprintf(os.Stderr, "install %s: %v\n", name, err)
			os.Exit(1)
		}
		fmt.Println(path)
	}
}
