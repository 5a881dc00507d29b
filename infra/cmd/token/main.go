// Command token prints a local bearer token for a member (make token USER=alice).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/warmlead/warmlead/infra/localgw"
	"github.com/warmlead/warmlead/infra/localstack"
)

func main() {
	ttl := flag.Duration("ttl", 12*time.Hour, "how long the token is valid")
	flag.Parse()
	if err := run(flag.Arg(0), *ttl); err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(1)
	}
}

func run(user string, ttl time.Duration) error {
	if user == "" {
		return fmt.Errorf("usage: token USER (e.g. make token USER=alice)")
	}
	cfg, err := localstack.ConfigFrom(os.Getenv)
	if err != nil {
		return err
	}
	secret, err := localgw.LoadOrCreateSecret(cfg.SecretPath())
	if err != nil {
		return err
	}
	tok, err := localgw.Mint(secret, user, ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
