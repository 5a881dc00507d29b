package lambdarie

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/warmlead/warmlead/infra/ddblocal"
)

const (
	// Module is AWS's Runtime Interface Emulator command. Its tags are not
	// served by the Go module proxy (v1.23.0 is refused), a pseudo-version
	// is: Version pins it, and the module proxy and checksum database
	// (GOSUMDB) make every machine build the same source.
	Module  = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	Version = "v0.0.0-20261030222936-bef5c4ba774d"

	binaryName = "aws-lambda-rie"
)

// Dir is where Install puts the emulator for cacheDir:
// <cacheDir>/aws-lambda-rie/<Version>/aws-lambda-rie.
func Dir(cacheDir string) string {
	return filepath.Join(cacheDir, binaryName, Version)
}

// Install makes sure the pinned emulator is built in cacheDir and returns
// its path. A fresh install runs `go install Module@Version` with GOBIN set
// to a staging directory inside cacheDir, then publishes it with one
// rename, so concurrent callers never see half a binary; the first rename
// wins and the others discard their copy. It needs the go command and the
// module proxy (first install only, about a minute on a small machine).
func Install(ctx context.Context, cacheDir string) (string, error) {
	if cacheDir == "" {
		return "", errors.New("lambdarie: install: empty cache dir")
	}
	cacheDir, err := filepath.Abs(cacheDir)
	if err != nil {
		return "", fmt.Errorf("lambdarie: install: %w", err)
	}
	final := Dir(cacheDir)
	bin := filepath.Join(final, binaryName)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return bin, nil
	}
	if _, err := os.Stat(final); err == nil { // a directory without the binary: start over
		if err := os.RemoveAll(final); err != nil {
			return "", fmt.Errorf("lambdarie: remove broken install at %s: %w", final, err)
		}
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("lambdarie: install: %w", err)
	}
	stage, err := os.MkdirTemp(parent, ".tmp-"+Version+"-")
	if err != nil {
		return "", fmt.Errorf("lambdarie: install: %w", err)
	}
	defer os.RemoveAll(stage)

	cmd := exec.CommandContext(ctx, "go", "install", Module+"@"+Version)
	cmd.Dir = stage // outside any module: `go install pkg@version` ignores go.mod anyway
	cmd.Env = append(os.Environ(), "GOBIN="+stage, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("lambdarie: go install %s@%s: %w\n%s", Module, Version, err, out)
	}
	if _, err := os.Stat(filepath.Join(stage, binaryName)); err != nil {
		return "", fmt.Errorf("lambdarie: go install left no %s: %w", binaryName, err)
	}
	if err := os.Rename(stage, final); err != nil {
		// Another process published first: use theirs.
		if _, serr := os.Stat(bin); serr == nil {
			return bin, nil
		}
		return "", fmt.Errorf("lambdarie: install: %w", err)
	}
	return bin, nil
}

// Binary is the emulator in the repository's cache (ddblocal.DefaultCacheDir:
// $WARMLEAD_CACHE_DIR, else <repo root>/.cache), installed on first use.
func Binary(ctx context.Context) (string, error) {
	cache, err := ddblocal.DefaultCacheDir()
	if err != nil {
		return "", err
	}
	return Install(ctx, cache)
}
