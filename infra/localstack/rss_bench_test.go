package localstack_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/localidp"
	"github.com/warmlead/warmlead/infra/samtemplate"
	"github.com/warmlead/warmlead/infra/testenv"
)

// BenchmarkPeakRSS100 measures the peak resident memory of the process that
// serves the API (make run's binary: gateway and API handler; its stream
// pumps are off, STREAMS=off, as they are other functions in AWS)
// while 100 clients call it at once: creates, browses and landing pages.
// Lambda runs one request per instance, so this bounds the API function's
// memory from above (goal ≤ 64 MiB, BENCHMARKS.md). The process runs with the
// function's GOMEMLIMIT from template.yaml. Workload: each client creates
// postings (2 KB descriptions), browses a default page of 20 and opens a
// landing page, 10 requests each, all 100 at once.
func BenchmarkPeakRSS100(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "local")
	if out, err := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "../cmd/local").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	cache := b.TempDir()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOMEMLIMIT="+apiMemLimit(b), "ADDR=127.0.0.1:0", "TABLE_NAME=rss", "DYNAMODB_ENDPOINT="+testenv.Endpoint(), "WARMLEAD_CACHE_DIR="+cache,
		// The API alone, as its function runs in AWS: the stream functions
		// (two pumps of 4 lanes) are other functions there.
		"STREAMS=off")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	base, link := "", ""
	lines := bufio.NewScanner(stdout)
	running, referral := regexp.MustCompile(`running on (http://\S+)`), regexp.MustCompile(`referral: (\S+)`)
	signin, issuer := regexp.MustCompile(`sign-in:  (http://\S+)`), ""
	for lines.Scan() && link == "" {
		if m := signin.FindStringSubmatch(lines.Text()); m != nil {
			issuer = m[1]
		}
		if m := running.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
		if m := referral.FindStringSubmatch(lines.Text()); m != nil {
			link = m[1]
		}
	}
	go func() {
		for lines.Scan() {
		}
	}()
	if link == "" {
		b.Fatal("the stack did not start")
	}
	tokens := make([]string, 100)
	for i := range tokens {
		var err error
		if tokens[i], err = localidp.SignIn(context.Background(), issuer, base+"/signin/callback", fmt.Sprintf("rss%03d", i)); err != nil {
			b.Fatal(err)
		}
	}
	idle := rssKiB(b, cmd.Process.Pid, "VmRSS")
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		var wg sync.WaitGroup
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					switch j % 3 {
					case 0:
						post(base+"/postings", tokens[i], fmt.Sprintf(`{"title":"RSS %d-%d","description":"%s","kind":"job","compensation":"paid",`+
							`"workplace":"remote","field":"data","valid_through":"%s"}`, i, j, strings.Repeat("x", 2000),
							time.Now().UTC().Add(48*time.Hour).Format(time.RFC3339)))
					case 1:
						get(base+"/postings?field=data", tokens[i])
					case 2:
						get(link, "")
					}
				}
			}(i)
		}
		wg.Wait()
	}
	b.StopTimer()
	peak := rssKiB(b, cmd.Process.Pid, "VmHWM")
	b.ReportMetric(float64(idle)/1024, "idle-MiB")
	b.ReportMetric(float64(peak)/1024, "peak-MiB")
}

// apiMemLimit is the GOMEMLIMIT template.yaml gives the API function, so
// the process measured runs as the function would.
func apiMemLimit(b *testing.B) string {
	tmpl, err := samtemplate.Load(testenv.TemplatePath())
	if err != nil {
		b.Fatal(err)
	}
	env, _ := tmpl.Resources["ApiFunction"].Properties["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	limit, _ := vars["GOMEMLIMIT"].(string)
	if limit == "" {
		b.Fatal("template.yaml sets no GOMEMLIMIT for ApiFunction")
	}
	return limit
}

// rssKiB reads a memory line (VmRSS, VmHWM) of /proc/<pid>/status.
func rssKiB(b *testing.B, pid int, field string) int {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
