package ddblocal

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	jarName    = "DynamoDBLocal.jar"
	libDirName = "DynamoDBLocal_lib"
	// markerName is written last into the staging dir, before the rename
	// that publishes it; an emulator dir without it is not trusted.
	markerName = ".warmlead-installed"
	// archivePrefix is the only part of the npm tarball that is extracted.
	archivePrefix = "package/emulator/"
	// maxExtractBytes bounds what a (hostile or broken) tarball can write;
	// the real emulator is about 60 MB.
	maxExtractBytes = 1 << 30
)

// ErrNPMNotFound is returned (wrapped) by Install when the emulator is not
// installed yet and npm is not on PATH, so callers can tell a missing tool
// from a broken download.
var ErrNPMNotFound = errors.New("npm not found on PATH: installing DynamoDB Local needs npm to fetch " +
	PackageName + "@" + PackageVersion + " (Debian: apt-get install npm)")

// fetchFunc downloads the package tarball into dir and returns its path.
type fetchFunc func(ctx context.Context, dir string) (string, error)

// EmulatorDir returns the folder Install puts the emulator in for cacheDir:
// <cacheDir>/dynamodb-local/<PackageVersion>. It holds DynamoDBLocal.jar and
// DynamoDBLocal_lib/ and is java's working directory.
func EmulatorDir(cacheDir string) string {
	return filepath.Join(cacheDir, "dynamodb-local", PackageVersion)
}

// Install makes sure a verified DynamoDB Local is in cacheDir and returns the
// emulator folder (see EmulatorDir).
//
// An existing install counts only if it has Install's marker file and its jar
// still hashes to JarSHA256; the hash is checked on every call (about 30 ms)
// so a tampered or truncated jar is never run. Such a broken install is moved
// aside and deleted, and the package is fetched again, so a damaged cache
// heals itself instead of needing a manual rm -rf.
//
// A fresh install runs `npm pack` (npm must be on PATH, else ErrNPMNotFound),
// extracts only package/emulator/ from the tarball into a staging dir inside
// cacheDir, verifies the jar and publishes the dir with one os.Rename. Several
// processes (parallel `go test` packages) may call Install at once: each
// stages privately, the first rename wins, and the others find the winner's
// verified install and discard their own. A downloaded jar whose hash is not
// JarSHA256 is deleted and Install fails.
func Install(ctx context.Context, cacheDir string) (string, error) {
	return install(ctx, cacheDir, npmPack, JarSHA256)
}

func install(ctx context.Context, cacheDir string, fetch fetchFunc, wantSHA string) (string, error) {
	if cacheDir == "" {
		return "", errors.New("ddblocal: install: empty cache dir")
	}
	cacheDir, err := filepath.Abs(cacheDir)
	if err != nil {
		return "", fmt.Errorf("ddblocal: install: %w", err)
	}
	final := EmulatorDir(cacheDir)
	parent := filepath.Dir(final)

	switch err := checkInstalled(final, wantSHA); {
	case err == nil:
		return final, nil
	case errors.Is(err, os.ErrNotExist):
		// Not installed yet.
	default:
		// Present but not trustworthy: move it aside (atomic, so a
		// concurrent caller never sees half a dir) and fetch again.
		if err := discard(final); err != nil {
			return "", fmt.Errorf("ddblocal: remove broken install at %s: %w", final, err)
		}
	}

	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("ddblocal: install: %w", err)
	}
	stage, err := os.MkdirTemp(parent, ".tmp-"+PackageVersion+"-")
	if err != nil {
		return "", fmt.Errorf("ddblocal: install: %w", err)
	}
	defer os.RemoveAll(stage)

	dl := filepath.Join(stage, "download")
	emu := filepath.Join(stage, "emulator")
	for _, d := range []string{dl, emu} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return "", fmt.Errorf("ddblocal: install: %w", err)
		}
	}
	tgz, err := fetch(ctx, dl)
	if err != nil {
		return "", err
	}
	if err := extractEmulator(ctx, tgz, emu); err != nil {
		return "", fmt.Errorf("ddblocal: extract %s: %w", filepath.Base(tgz), err)
	}
	_ = os.RemoveAll(dl) // free 56 MB before the rename

	jar := filepath.Join(emu, jarName)
	got, err := fileSHA256(jar)
	if err != nil {
		return "", fmt.Errorf("ddblocal: %s@%s has no usable %s: %w", PackageName, PackageVersion, jarName, err)
	}
	if got != wantSHA {
		_ = os.RemoveAll(stage) // refuse: delete the unverified download now
		return "", fmt.Errorf("ddblocal: %s from %s@%s has sha256 %s, want %s: refusing to install it",
			jarName, PackageName, PackageVersion, got, wantSHA)
	}
	if fi, err := os.Stat(filepath.Join(emu, libDirName)); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("ddblocal: %s@%s has no %s/ folder", PackageName, PackageVersion, libDirName)
	}
	marker := fmt.Sprintf("%s@%s %s sha256:%s\n", PackageName, PackageVersion, jarName, wantSHA)
	if err := os.WriteFile(filepath.Join(emu, markerName), []byte(marker), 0o644); err != nil {
		return "", fmt.Errorf("ddblocal: install: %w", err)
	}

	if err := os.Rename(emu, final); err != nil {
		// Most likely another process published first (the target exists
		// and is not empty). Accept its install if it verifies.
		if cerr := checkInstalled(final, wantSHA); cerr == nil {
			return final, nil
		}
		return "", fmt.Errorf("ddblocal: install: publish %s: %w", final, err)
	}
	return final, nil
}

// checkInstalled returns nil if dir is a complete, verified install, an error
// wrapping os.ErrNotExist if there is nothing at dir, and another error if
// something is there but must not be trusted.
func checkInstalled(dir, wantSHA string) error {
	if _, err := os.Stat(dir); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, markerName)); err != nil {
		return fmt.Errorf("incomplete install (no marker): %s", dir)
	}
	got, err := fileSHA256(filepath.Join(dir, jarName))
	if err != nil {
		return fmt.Errorf("unreadable jar: %s", err)
	}
	if got != wantSHA {
		return fmt.Errorf("%s sha256 %s, want %s", jarName, got, wantSHA)
	}
	return nil
}

// discard renames dir to a unique sibling and deletes that. If dir is already
// gone (a concurrent caller discarded it) that is fine.
func discard(dir string) error {
	var b [6]byte
	_, _ = rand.Read(b[:])
	trash := filepath.Join(filepath.Dir(dir), ".broken-"+filepath.Base(dir)+"-"+hex.EncodeToString(b[:]))
	if err := os.Rename(dir, trash); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	return os.RemoveAll(trash)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// npmPack runs `npm pack PackageName@PackageVersion` in dir and returns the
// tarball's path. npm is used (rather than an HTTP download) because it
// honours the machine's registry, proxy and cache configuration.
func npmPack(ctx context.Context, dir string) (string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("ddblocal: %w", ErrNPMNotFound)
	}
	spec := PackageName + "@" + PackageVersion
	cmd := exec.CommandContext(ctx, npm, "pack", spec, "--silent")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false", "npm_config_fund=false")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("ddblocal: npm pack %s: %w: %s", spec, err, tailString(stderr.Bytes(), 2000))
	}
	// npm pack prints the tarball's file name as its last stdout line;
	// anything before it (notices from lifecycle scripts) is ignored.
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	name := strings.TrimSpace(lines[len(lines)-1])
	if name != "" && name == filepath.Base(name) {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	// Fall back to the only .tgz in dir, in case npm's output changes.
	matches, _ := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if len(matches) == 1 {
		return matches[0], nil
	}
	return "", fmt.Errorf("ddblocal: npm pack %s: cannot find the tarball (stdout %q, stderr %q)",
		spec, tailString(stdout.Bytes(), 500), tailString(stderr.Bytes(), 500))
}

// extractEmulator writes the regular files and dirs under package/emulator/
// of the gzipped tarball tgz into dst, dropping that prefix. Entries whose
// path would leave dst, and links of any kind, are rejected; writes go through
// an os.Root so even a missed case cannot escape dst.
func extractEmulator(ctx context.Context, tgz, dst string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	defer gz.Close()
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()

	tr := tar.NewReader(gz)
	var total int64
	files := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(hdr.Name, "./")
		rel, ok := strings.CutPrefix(name, archivePrefix)
		if !ok {
			continue // LICENSE, index.js, PAX headers, ...
		}
		rel = strings.TrimSuffix(rel, "/")
		if rel == "" {
			continue
		}
		local := filepath.FromSlash(rel)
		if !filepath.IsLocal(local) || strings.Contains(rel, `\`) {
			return fmt.Errorf("unsafe path %q in archive", hdr.Name)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(local, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			total += hdr.Size
			if total > maxExtractBytes {
				return fmt.Errorf("archive expands past %d bytes", maxExtractBytes)
			}
			if d := filepath.Dir(local); d != "." {
				if err := root.MkdirAll(d, 0o755); err != nil {
					return err
				}
			}
			perm := os.FileMode(0o644)
			if hdr.Mode&0o111 != 0 {
				perm = 0o755
			}
			out, err := root.OpenFile(local, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, io.LimitReader(tr, hdr.Size))
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			files++
		default:
			return fmt.Errorf("unsupported entry %q (type %q) in archive", hdr.Name, hdr.Typeflag)
		}
	}
	if files == 0 {
		return fmt.Errorf("no files under %s", archivePrefix)
	}
	return nil
}

// tailString returns at most the last n bytes of b as trimmed text.
func tailString(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
