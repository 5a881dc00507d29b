package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/warmlead/warmlead/infra/localidp"
)

// TestMakeTokenSignsInAtTheRunningProvider: `make token NAME=alice` gets an
// ID token from the provider `make run` started (found from ADDR and
// IDP_ADDR, as make run derives it), through the provider's own sign-in.
func TestMakeTokenSignsInAtTheRunningProvider(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	apiAddr := "127.0.0.1:18089"
	p, err := localidp.New(localidp.Options{Issuer: issuer, RedirectURIs: []string{"http://" + apiAddr + "/signin/callback"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("ADDR", apiAddr)
	t.Setenv("IDP_ADDR", ln.Addr().String())

	out := captureStdout(t, func() error { return run("alice") })
	provider, err := gooidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := provider.Verifier(&gooidc.Config{ClientID: localidp.ClientID}).Verify(context.Background(), strings.TrimSpace(out))
	if err != nil || tok.Subject != "alice" {
		t.Errorf("make token printed %q: %v", out, err)
	}
	if err := run(""); err == nil || !strings.Contains(err.Error(), "NAME=") {
		t.Errorf("without a name: %v", err)
	}
}

func captureStdout(t *testing.T, f func() error) string {
	t.Helper()
	r, w, _ := os.Pipe()
	old := os.Stdout
	os.Stdout = w
	err := f()
	os.Stdout = old
	w.Close()
	var b bytes.Buffer
	_, _ = io.Copy(&b, r)
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
