// Package mailpit installs and runs Mailpit, the local SMTP server with a
// web UI and a REST API that `make run` and the tests send email to. It is
// installed on demand with `go install` (pinned) into the cache directory,
// as infra/ddblocal installs DynamoDB Local.
package mailpit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/warmlead/warmlead/infra/ddblocal"
)

// Module is the pinned Mailpit module.
const Module = "github.com/axllent/mailpit@v1.33.1"

var installMu sync.Mutex

// Install returns the path of a Mailpit binary: <cacheDir>/mailpit/mailpit,
// else the repository's .cache/mailpit/mailpit (shared by every test
// package and by stacks run with another WARMLEAD_CACHE_DIR), else one on
// PATH; failing all, it builds one into the repository's cache (or
// cacheDir) with go install.
func Install(ctx context.Context, cacheDir string) (string, error) {
	installMu.Lock()
	defer installMu.Unlock()
	repo := repoCache()
	for _, dir := range []string{cacheDir, repo} {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, "mailpit", "mailpit"); isFile(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	if repo != "" {
		cacheDir = repo
	}
	if cacheDir == "" {
		dir, err := ddblocal.DefaultCacheDir()
		if err != nil {
			return "", err
		}
		cacheDir = dir
	}
	bin := filepath.Join(cacheDir, "mailpit")
	path := filepath.Join(bin, "mailpit")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	// Another process (a parallel test package) may be installing: a lock
	// file serialises them.
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(bin, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	cmd := exec.CommandContext(ctx, "go", "install", Module)
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %v\n%s", Module, err, out)
	}
	return path, nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// repoCache is <repository root>/.cache, the root being the nearest
// ancestor of the working directory with a go.mod ("" if none).
func repoCache() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			return filepath.Join(dir, ".cache")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Server is a running Mailpit.
type Server struct {
	SMTPAddr string // host:port to send to
	WebURL   string // web UI and REST API base
	cmd      *exec.Cmd
	done     chan struct{}
}

// Options for Start; zero ports pick free ones.
type Options struct {
	CacheDir string
	SMTPPort int
	WebPort  int
}

// Start runs Mailpit on loopback and waits until its API answers.
func Start(ctx context.Context, o Options) (*Server, error) {
	path, err := Install(ctx, o.CacheDir)
	if err != nil {
		return nil, err
	}
	if o.SMTPPort == 0 {
		if o.SMTPPort, err = freePort(); err != nil {
			return nil, err
		}
	}
	if o.WebPort == 0 {
		if o.WebPort, err = freePort(); err != nil {
			return nil, err
		}
	}
	s := &Server{SMTPAddr: "127.0.0.1:" + strconv.Itoa(o.SMTPPort), WebURL: "http://127.0.0.1:" + strconv.Itoa(o.WebPort), done: make(chan struct{})}
	s.cmd = exec.Command(path, "--smtp", s.SMTPAddr, "--listen", "127.0.0.1:"+strconv.Itoa(o.WebPort),
		"--disable-version-check", "--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.WebURL + "/api/v1/info")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, errors.New("mailpit exited at start")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, errors.New("mailpit did not answer within 20 s")
		}
	}
}

// Stop ends Mailpit.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Message is a message as Mailpit's REST API lists it.
type Message struct {
	ID      string `json:"ID"`
	Subject string `json:"Subject"`
	To      []struct {
		Address string `json:"Address"`
	} `json:"To"`
	Created time.Time `json:"Created"`
}

// Messages lists what was received, newest first; query is a Mailpit
// search ("to:alice@example.com"), "" for all.
func (s *Server) Messages(query string) ([]Message, error) {
	u := s.WebURL + "/api/v1/messages?limit=1000"
	if query != "" {
		u = s.WebURL + "/api/v1/search?limit=1000&query=" + url.QueryEscape(query)
	}
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Messages []Message `json:"messages"`
	}
	return out.Messages, json.NewDecoder(resp.Body).Decode(&out)
}

// Detail is one message's bodies and headers.
type Detail struct {
	Subject string
	Text    string
	HTML    string
	Headers map[string][]string
}

// Get reads one message with its headers.
func (s *Server) Get(id string) (*Detail, error) {
	var m struct {
		Subject string `json:"Subject"`
		Text    string `json:"Text"`
		HTML    string `json:"HTML"`
	}
	if err := getJSON(s.WebURL+"/api/v1/message/"+id, &m); err != nil {
		return nil, err
	}
	d := &Detail{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	return d, getJSON(s.WebURL+"/api/v1/message/"+id+"/headers", &d.Headers)
}

// DeleteAll empties the mailbox.
func (s *Server) DeleteAll() error {
	req, _ := http.NewRequest(http.MethodDelete, s.WebURL+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func getJSON(u string, out any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Attach reads the mailbox of a Mailpit someone else started (its web URL).
func Attach(webURL string) *Server { return &Server{WebURL: webURL} }
