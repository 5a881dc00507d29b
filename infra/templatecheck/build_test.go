package templatecheck

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// What every function is built as (BENCHMARKS.md, §6).
const (
	wantRuntime     = "provided.al2023"
	wantArch        = "arm64"
	wantHandler     = "bootstrap"
	wantBuildMethod = "makefile"
	// maxBootstrapBytes is "stripped binary ≤ 12 MB", read as decimal MB.
	maxBootstrapBytes = 12_000_000
)

// checkFunctionBuilds checks, without building, how SAM builds each
// function of the template at tplPath: Metadata.BuildMethod makefile, a
// build-<LogicalId> target in the Makefile of its CodeUri that writes to
// $(ARTIFACTS_DIR), and the runtime, architecture and handler (the
// function's own or from Globals).
func checkFunctionBuilds(tplPath string, tpl *samtemplate.Template) []string {
	ids := resourcesOfType(tpl, functionType)
	if len(ids) == 0 {
		return []string{"the template has no " + functionType}
	}
	var problems []string
	for _, id := range ids {
		bad := func(format string, args ...any) {
			problems = append(problems, id+": "+fmt.Sprintf(format, args...))
		}
		if m := tpl.Resources[id].Metadata["BuildMethod"]; m != wantBuildMethod {
			bad("Metadata.BuildMethod is %q, want %q (sam build runs the Makefile's build-%s target)", render(m), wantBuildMethod, id)
		}
		if v, _ := functionProperty(tpl, id, "Runtime"); v != wantRuntime {
			bad("Runtime is %q, want %q", render(v), wantRuntime)
		}
		if v, _ := functionProperty(tpl, id, "Handler"); v != wantHandler {
			bad("Handler is %q, want %q", render(v), wantHandler)
		}
		if v, _ := functionProperty(tpl, id, "Architectures"); len(asList(v)) != 1 || asList(v)[0] != wantArch {
			bad("Architectures is %v, want [%s]", v, wantArch)
		}
		dir, err := codeDir(tplPath, tpl, id)
		if err != nil {
			bad("%v", err)
			continue
		}
		makefile, err := os.ReadFile(filepath.Join(dir, "Makefile"))
		if err != nil {
			bad("CodeUri %s has no Makefile: %v", dir, err)
			continue
		}
		recipe, ok := makeRecipe(makefile, "build-"+id)
		switch {
		case !ok:
			bad("the Makefile in %s has no target build-%s", dir, id)
		case !strings.Contains(recipe, "$(ARTIFACTS_DIR)/bootstrap"):
			bad("make target build-%s does not write $(ARTIFACTS_DIR)/bootstrap:\n%s", id, recipe)
		}
	}
	return problems
}

// codeDir is the folder a function's CodeUri names, relative to the
// template's folder.
func codeDir(tplPath string, tpl *samtemplate.Template, id string) (string, error) {
	v, _ := functionProperty(tpl, id, "CodeUri")
	uri, ok := v.(string)
	if !ok || uri == "" || strings.Contains(uri, "://") {
		return "", fmt.Errorf("CodeUri is %s, want a local folder holding the Makefile", render(v))
	}
	return filepath.Join(filepath.Dir(tplPath), uri), nil
}

// makeRecipe returns the recipe of a rule for target in a Makefile (the
// tab-indented lines after "target:"), and whether there is such a rule.
func makeRecipe(makefile []byte, target string) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(makefile))
	var recipe []string
	in, found := false, false
	for sc.Scan() {
		line := sc.Text()
		if in {
			if strings.HasPrefix(line, "\t") {
				recipe = append(recipe, strings.TrimSpace(line))
				continue
			}
			in = false
		}
		head, rest, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "#") || strings.HasPrefix(rest, "=") || strings.HasPrefix(head, ".") {
			continue
		}
		if slices.Contains(strings.Fields(head), target) {
			in, found = true, true
		}
	}
	return strings.Join(recipe, "\n"), found
}

// buildFunction runs the function's make target as sam build does and
// returns the bootstrap it wrote.
func buildFunction(t *testing.T, dir, id string) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is not installed: %v", err)
	}
	artifacts := t.TempDir()
	cmd := exec.Command("make", "-C", dir, "build-"+id, "ARTIFACTS_DIR="+artifacts)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: make build-%s failed: %v\n%s", id, id, err, out)
	}
	return filepath.Join(artifacts, "bootstrap")
}

// checkBootstrap checks a built bootstrap: an ELF executable for arm64,
// statically linked (no interpreter), stripped (no symbol table or DWARF)
// and at most maxBootstrapBytes.
func checkBootstrap(path string) []string {
	fi, err := os.Stat(path)
	if err != nil {
		return []string{fmt.Sprintf("no bootstrap: %v", err)}
	}
	var problems []string
	if fi.Size() > maxBootstrapBytes {
		problems = append(problems, fmt.Sprintf("%s is %d bytes, over the %d-byte limit", path, fi.Size(), maxBootstrapBytes))
	}
	f, err := elf.Open(path)
	if err != nil {
		return append(problems, fmt.Sprintf("%s is not an ELF file: %v", path, err))
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 {
		problems = append(problems, fmt.Sprintf("%s is for %v (%v), want %v (arm64)", path, f.Machine, f.Class, elf.EM_AARCH64))
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			problems = append(problems, fmt.Sprintf("%s is dynamically linked (PT_INTERP); build with CGO_ENABLED=0", path))
		}
	}
	for _, s := range f.Sections {
		if s.Name == ".symtab" || strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			problems = append(problems, fmt.Sprintf("%s is not stripped: it has a %s section (build with -ldflags=\"-s -w\")", path, s.Name))
		}
	}
	return problems
}

// TestFunctionBuilds checks every function's build settings, then runs
// each build-<LogicalId> target (skipped with -short) and checks the
// bootstrap it writes.
func TestFunctionBuilds(t *testing.T) {
	path := repoTemplate(t)
	tpl := mustLoad(t, path)
	report(t, checkFunctionBuilds(path, tpl))
	for _, id := range resourcesOfType(tpl, functionType) {
		t.Run(id, func(t *testing.T) {
			if testing.Short() {
				t.Skip("builds the function; skipped with -short")
			}
			t.Parallel()
			dir, err := codeDir(path, tpl, id)
			if err != nil {
				t.Fatal(err)
			}
			bootstrap := buildFunction(t, dir, id)
			report(t, checkBootstrap(bootstrap))
			if fi, err := os.Stat(bootstrap); err == nil {
				t.Logf("%s: bootstrap %.1f MB", id, float64(fi.Size())/1e6)
			}
		})
	}
}
