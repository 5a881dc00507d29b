package lambdarie

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Build compiles pkg (relative to repoRoot, e.g. "./functions/api") as the
// Makefile does for Lambda (CGO_ENABLED=0 GOOS=linux, -tags
// lambda.norpc,nethttpomithttp2, -trimpath, -ldflags "-s -w") into
// outDir/bootstrap, so what is tested is what ships. goarch "" is the host's.
func Build(ctx context.Context, repoRoot, pkg, goarch, outDir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(outDir, "bootstrap"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc,nethttpomithttp2", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if goarch != "" {
		cmd.Env = append(cmd.Env, "GOARCH="+goarch)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s (GOARCH=%s): %w\n%s", pkg, goarch, err, msg)
	}
	return out, nil
}

// A Lambda function of the repository: a main package under functions/.
type Lambda struct {
	Name string // its directory under functions/, e.g. "api"
	Pkg  string // its package path relative to the module root, e.g. "./functions/api"
}

// Functions lists every main package under repoRoot/functions, sorted by
// name: what the tests and the cold-start benchmark run, none skipped, so a
// new function is measured without anyone listing it.
func Functions(ctx context.Context, repoRoot string) ([]Lambda, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-f", `{{if eq .Name "main"}}{{.Dir}}{{end}}`, "./functions/...")
	cmd.Dir = repoRoot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./functions/...: %w\n%s", err, stderr.String())
	}
	root, err := filepath.Abs(filepath.Join(repoRoot, "functions"))
	if err != nil {
		return nil, err
	}
	var fns []Lambda
	for _, dir := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		fns = append(fns, Lambda{Name: strings.ReplaceAll(rel, "/", "-"), Pkg: "./functions/" + rel})
	}
	if len(fns) == 0 {
		return nil, errors.New("lambdarie: no main package under functions/")
	}
	slices.SortFunc(fns, func(a, b Lambda) int { return strings.Compare(a.Name, b.Name) })
	return fns, nil
}

// ModuleRoot walks up from dir to the directory holding go.mod.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("lambdarie: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Median is the middle of ds (the mean of the two middle ones for an even
// count); 0 for none. Cold starts are noisy: compare medians.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
