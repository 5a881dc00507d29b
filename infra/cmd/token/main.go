// Command token prints a bearer token for a member, got from the running
// local stack's OpenID Connect provider (make token NAME=alice).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/warmlead/warmlead/infra/localidp"
	"github.com/warmlead/warmlead/infra/localstack"
)

func main() {
	flag.Parse()
	if err := run(flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(1)
	}
}

// run signs name in at the provider `make run` started (the Authorization
// Code flow with PKCE, driven without a browser) and prints the ID token.
func run(name string) error {
	if name == "" {
		return fmt.Errorf("usage: make token NAME=alice (demo members: alice, bob, carmen, dev, sam)")
	}
	cfg, err := localstack.ConfigFrom(os.Getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := localidp.SignIn(ctx, "http://"+cfg.IDPAddr, "http://"+cfg.Addr+"/signin/callback", name)
	if err != nil {
		return fmt.Errorf("%w (is `make run` running, with the same ADDR?)", err)
	}
	fmt.Println(tok)
	return nil
}
