// Command humafork (make huma-fork) rewrites third_party/huma: upstream huma
// at the version go.mod requires, cut to the packages the project imports,
// plus third_party/huma.patch (infra/humafork; docs/platform.md, "huma,
// patched"). Run it from the repository's root.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/warmlead/warmlead/infra/humafork"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "humafork:", err)
		os.Exit(1)
	}
}

func run() error {
	version, err := humafork.RequiredVersion()
	if err != nil {
		return err
	}
	upstream, err := humafork.Upstream(version)
	if err != nil {
		return err
	}
	dir := filepath.Join("third_party", "huma")
	tmp := dir + ".new"
	_ = os.RemoveAll(tmp)
	if err := humafork.Build(upstream, filepath.Join("third_party", "huma.patch"), tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	fmt.Printf("third_party/huma: huma %s plus third_party/huma.patch\n", version)
	return nil
}
