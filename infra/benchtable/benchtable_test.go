package benchtable

import (
	"strings"
	"testing"
)

func TestParseAndPrint(t *testing.T) {
	in := `goos: linux
BenchmarkCreatePostingAPIvsSDK-2   	     300	   4483465 ns/op	      2098 api-µs/op	         1.204 ratio	      1743 sdk-µs/op
BenchmarkColdStart-2   	      10	  20636233 ns/op	        10.69 api-MB	         9.831 api-arm64-MB	         8.248 api-init-ms	         2.577 api-ratio	         6.288 empty-MB	         5.833 empty-arm64-MB	         3.200 empty-init-ms	         8.528 notifier-MB	         7.930 notifier-arm64-MB	         5.447 notifier-init-ms	         1.702 notifier-ratio	         9.100 api-first-ms	         3.500 empty-first-ms	         6.000 notifier-first-ms	         4.100 scheduler-init-ms	         7.000 scheduler-arm64-MB
BenchmarkHostilePeakHeap-2   	       3	1745081558 ns/op	        13.39 idle-heap-MiB	        24.87 peak-heap-MiB	      1358 problem-bytes
PASS`
	res, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := res["BenchmarkCreatePostingAPIvsSDK"]["sdk-µs/op"]; got != 1743 {
		t.Errorf("sdk-µs/op = %v", got)
	}
	var out strings.Builder
	if err := Print(&out, res); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{
		"| create posting: API path vs raw SDK (p50) | 2.10 ms | 1.74 ms | 1.20 | ratio ≤ 1.3 | yes |",
		"| cold init, api bootstrap vs empty handler (median) | 8.25 ms | 3.20 ms | 2.58 | ratio ≤ 1.5 | **no** |",
		"| binary size, api bootstrap (arm64, stripped) | 9.83 MB | 5.83 MB | 1.69 | ≤ 12 MB | yes |",
		"| browse, one filter: API path vs raw SDK (p50) | not run |",
		// Every function the benchmark measured gets its rows, in name order.
		"| cold init, notifier bootstrap vs empty handler (median) | 5.45 ms | 3.20 ms | 1.70 | ratio ≤ 1.5 | **no** |",
		"| cold init, scheduler bootstrap vs empty handler (median) | 4.10 ms | 3.20 ms | 1.28 | ratio ≤ 1.5 | yes |",
		"| first response (init + first request), api vs empty handler (median) | 9.10 ms | 3.50 ms | 2.60 | reported |  |",
		"| first response (init + first request), scheduler vs empty handler (median) | not run |",
		"| binary size, scheduler bootstrap (arm64, stripped) | 7.00 MB | 5.83 MB | 1.20 | ≤ 12 MB | yes |",
		"| peak heap of the API, worst single hostile request (GC off: an upper bound) | 24.87 MiB | 13.39 MiB | 1.86 | ≤ 64 MiB | yes |",
		"Largest problem body answering a hostile request: 1358 bytes",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if i, j := strings.Index(table, "cold init, api"), strings.Index(table, "cold init, notifier"); i < 0 || j < i {
		t.Errorf("per-function rows out of name order:\n%s", table)
	}

	var none strings.Builder
	if err := Print(&none, Results{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(none.String(), "| cold init, each bootstrap vs empty handler (median) | not run |") {
		t.Errorf("without a cold-start run the table lacks its not-run row:\n%s", none.String())
	}
	if _, err := Parse(strings.NewReader("BenchmarkX-2 1 abc ns/op")); err == nil {
		t.Error("a malformed metric parsed")
	}
}

func TestSmoke(t *testing.T) {
	in := `BenchmarkCreatePostingAPIvsSDK-2   	     50	   4483465 ns/op	      2400 api-µs/op	         1.6 ratio	      1600 sdk-µs/op	 1 calls/op	 1 sdk-calls/op
BenchmarkBrowseAPIvsSDK-2   	     50	   4483465 ns/op	      3200 api-µs/op	         2.0 ratio	      1600 sdk-µs/op	 2 calls/op	 1 sdk-calls/op
BenchmarkLoadNotifications 1 41.5 last-arrival-s 60 bound-s 10400 owed 10400 delivered 0 missing 0 duplicates 1 complete 50 clients 200 ops-per-client`
	table, missed := smokeTable(t, in)
	for _, want := range []string{
		// 1.5 is within 1.3 × 1.5 = 1.95; 2.0 is not.
		"| create posting: API path vs raw SDK (p50) | 2.40 ms | 1.60 ms | 1.50 | ratio ≤ 1.3, ×1.5: 1.95 | yes |",
		"| browse, one filter: API path vs raw SDK (p50) | 3.20 ms | 1.60 ms | 2.00 | ratio ≤ 1.3, ×1.5: 1.95 | **no** |",
		// Counts are not loosened.
		"| browse page: DynamoDB calls vs the raw SDK's (one Query) | 2.00 calls | 1.00 calls | 2.00 | 1 | **no** |",
		"| make load: last owed notification after the load ended (vs the bound) | 41.50 s | 60.00 s | 0.69 | ≤ 60 s | yes |",
		"| make load: notifications delivered twice | 0.00 notifications |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("smoke table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "not run") {
		t.Errorf("smoke table lists rows that did not run:\n%s", table)
	}
	if len(missed) != 2 {
		t.Errorf("missed %q, want the browse ratio and its calls", missed)
	}
}

// A make load run smaller than the goal's 50 × 200 (or of unknown size)
// meets no load row, however fast its notifications arrived.
func TestLoadRowsNeedTheGoalsSize(t *testing.T) {
	for line, want := range map[string]string{
		"BenchmarkLoadNotifications 1 12.0 last-arrival-s 60 bound-s 2000 owed 2000 delivered 0 missing 0 duplicates 1 complete 50 clients 40 ops-per-client":  "**no**: a 50 × 40 run, the goal is at 50 × 200 |",
		"BenchmarkLoadNotifications 1 12.0 last-arrival-s 60 bound-s 2000 owed 2000 delivered 0 missing 0 duplicates 1 complete":                               "**no**: a size-unknown run, the goal is at 50 × 200 |",
		"BenchmarkLoadNotifications 1 12.0 last-arrival-s 60 bound-s 2000 owed 2000 delivered 0 missing 0 duplicates 1 complete 50 clients 200 ops-per-client": "| 12.00 s | 60.00 s | 0.20 | ≤ 60 s | yes |",
	} {
		table, missed := smokeTable(t, line)
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
		if full := strings.Contains(want, "yes"); full != (len(missed) == 0) {
			t.Errorf("missed %q for %q", missed, line)
		}
	}
}

// smokeTable parses benchmark lines and returns the smoke table Smoke
// prints for them and the measures it reports missed.
func smokeTable(t *testing.T, lines string) (string, []string) {
	t.Helper()
	res, err := Parse(strings.NewReader(lines))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	missed, err := Smoke(&out, res)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), missed
}
