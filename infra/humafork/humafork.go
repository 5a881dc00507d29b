// Package humafork builds third_party/huma, the copy of huma the project
// builds with: the upstream module at the version go.mod requires, cut to
// the packages the project imports, with third_party/huma.patch applied.
// The patch compiles huma's package-level regular expressions on first use
// instead of at program start, which is most of huma's share of a Lambda
// function's cold start (docs/platform.md, "huma, patched").
//
// TestForkIsUpstreamPlusPatch rebuilds the copy and fails if third_party/huma
// differs from it by a byte, so the copy never drifts from upstream plus the
// patch; `make huma-fork` rewrites it (after a version bump or a new patch).
package humafork

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Module is the module forked.
const Module = "github.com/danielgtaylor/huma/v2"

// Packages are the module's packages kept, as directories relative to its
// root: those the project imports and what they import (go list -deps).
var Packages = []string{".", "adapters/humago", "casing", "negotiation", "queryparam", "validation", "yaml"}

// rootFiles are kept beside the packages: the licence, and the module's
// go.mod and go.sum, so the module graph is upstream's.
var rootFiles = []string{"LICENSE.md", "go.mod", "go.sum"}

// RequiredVersion is the version of Module that the go.mod of the module
// around the working directory requires (go list -m reports it; the
// replacement, a directory, has none).
func RequiredVersion() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", Module).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", Module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// UpstreamSums are the go.sum hashes of the upstream versions the copy may
// be built from: go.mod's replace takes huma out of go.sum, so the download
// is checked here instead. A version bump adds its line (the Sum that
// `go mod download -json` reports, checked against sum.golang.org).
var UpstreamSums = map[string]string{
	"v2.37.2": "h1:Nf9vjy2sxBJFaupPlthXL/Hy2+LurfVbaKHmCMEI7xE=",
}

// Upstream returns the directory of the module at version in the module
// cache, downloading it through the Go module proxy when absent, once its
// hash is the one UpstreamSums holds for version.
func Upstream(version string) (string, error) {
	want, ok := UpstreamSums[version]
	if !ok {
		return "", fmt.Errorf("no known go.sum hash for %s@%s: add it to humafork.UpstreamSums", Module, version)
	}
	out, err := exec.Command("go", "mod", "download", "-json", Module+"@"+version).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", Module, version, err)
	}
	var m struct{ Dir, Sum, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", err
	}
	if m.Error != "" || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", Module, version, m.Error)
	}
	if m.Sum != want {
		return "", fmt.Errorf("%s@%s downloaded with hash %s, want %s", Module, version, m.Sum, want)
	}
	return m.Dir, nil
}

// Build writes into out (which must not exist) the kept files of upstream,
// then applies patch to them with git apply.
func Build(upstream, patch, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	for _, pkg := range Packages {
		entries, err := os.ReadDir(filepath.Join(upstream, pkg))
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			if err := copyFile(filepath.Join(upstream, pkg, name), filepath.Join(out, pkg, name)); err != nil {
				return err
			}
		}
	}
	for _, name := range rootFiles {
		if err := copyFile(filepath.Join(upstream, name), filepath.Join(out, name)); err != nil {
			return err
		}
	}
	abs, err := filepath.Abs(patch)
	if err != nil {
		return err
	}
	cmd := exec.Command("git", "apply", "--whitespace=nowarn", abs)
	cmd.Dir = out
	// Inside a work tree, git apply would apply the patch relative to the
	// tree's root (and skip what is not there): keep it to out.
	parent, err := filepath.Abs(filepath.Dir(out))
	if err != nil {
		return err
	}
	cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+parent)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git apply %s: %v: %s", patch, err, msg)
	}
	return nil
}

// Diff lists the files that differ between trees a and b (relative paths),
// those in only one of them included.
func Diff(a, b string) ([]string, error) {
	fa, err := files(a)
	if err != nil {
		return nil, err
	}
	fb, err := files(b)
	if err != nil {
		return nil, err
	}
	var diff []string
	for name, da := range fa {
		if db, ok := fb[name]; !ok || !bytes.Equal(da, db) {
			diff = append(diff, name)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			diff = append(diff, name)
		}
	}
	slices.Sort(diff)
	return diff, nil
}

func files(root string) (map[string][]byte, error) {
	m := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		m[filepath.ToSlash(rel)] = b
		return nil
	})
	return m, err
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
