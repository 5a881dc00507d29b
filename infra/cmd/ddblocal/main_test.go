package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/warmlead/warmlead/infra/ddblocal"
)

func TestRunUsageErrors(t *testing.T) {
	getenv := func(string) string { return t.TempDir() }
	for _, args := range [][]string{
		nil,
		{"bogus"},
		{"install", "extra"},
		{"start", "-port", "nope"},
		{"start", "stray"},
	} {
		err := run(context.Background(), args, getenv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "usage:") {
			t.Errorf("run(%q) = %v, want an error with usage", args, err)
		}
	}
}

func TestRunInstall(t *testing.T) {
	cache, err := ddblocal.DefaultCacheDir() // shared, normally already installed
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	getenv := func(k string) string {
		if k == ddblocal.CacheDirEnv {
			return cache
		}
		return ""
	}
	if err := run(context.Background(), []string{"install"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	dir := strings.TrimSpace(out.String())
	if dir != ddblocal.EmulatorDir(cache) {
		t.Errorf("install printed %q, want %q", dir, ddblocal.EmulatorDir(cache))
	}
	if _, err := os.Stat(filepath.Join(dir, "DynamoDBLocal.jar")); err != nil {
		t.Error(err)
	}
}

// TestRunStart starts a real server with -data, reads the endpoint line,
// calls it, then cancels the context as SIGINT would and expects a clean stop.
func TestRunStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	data := filepath.Join(t.TempDir(), "data")
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"start", "-data", data}, func(string) string { return "" }, pw)
		pw.CloseWithError(err)
		errc <- err
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading endpoint: %v (run: %v)", err, <-errc)
	}
	endpoint := strings.TrimSpace(line)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint line = %q", line)
	}
	go io.Copy(io.Discard, pr)

	client := ddblocal.NewClient(endpoint)
	if _, err := client.ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if entries, _ := os.ReadDir(data); len(entries) == 0 {
		t.Errorf("-data %s is empty; want the server's database file", data)
	}
}
