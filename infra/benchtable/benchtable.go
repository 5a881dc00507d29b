// Package benchtable reads `go test -bench` output and prints Warmlead's
// benchmark table (make bench): each row a measurement, its baseline from
// the same run, their ratio and the goal from BENCHMARKS.md.
package benchtable

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Results maps a benchmark name (without the -N suffix) to its metrics by
// unit.
type Results map[string]map[string]float64

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// Parse reads benchmark lines; other lines are ignored.
func Parse(r io.Reader) (Results, error) {
	out := Results{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		fields := strings.Fields(m[2])
		metrics := map[string]float64{}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", m[1], fields[i])
			}
			metrics[fields[i+1]] = v
		}
		out[m[1]] = metrics
	}
	return out, sc.Err()
}

// row is one line of the table.
type row struct {
	measure        string
	bench          string
	value, base    string  // units of the metrics
	scale          float64 // multiplies both for display
	unit           string
	goal           float64
	goalIsAbsolute bool // the goal bounds value itself, not value/base
	goalText       string
}

var rows = []row{
	{"create posting: API path vs raw SDK (p50)", "BenchmarkCreatePostingAPIvsSDK", "api-µs/op", "sdk-µs/op", 0.001, "ms", 1.3, false, "ratio ≤ 1.3"},
	{"browse, one filter: API path vs raw SDK (p50)", "BenchmarkBrowseAPIvsSDK", "api-µs/op", "sdk-µs/op", 0.001, "ms", 1.3, false, "ratio ≤ 1.3"},
	{"landing page: API path vs raw SDK (p50)", "BenchmarkLandingAPIvsSDK", "api-µs/op", "sdk-µs/op", 0.001, "ms", 1.3, false, "ratio ≤ 1.3"},
	{"fan-out to 10,000 (2,000 in the smoke): notifier vs bare BatchWriteItem loop", "BenchmarkFanout10k", "fanout-ms/op", "bare-ms/op", 1, "ms", 1.2, false, "ratio ≤ 1.2"},
	// DynamoDB calls per operation, counted by SDK middleware.
	{"create posting: DynamoDB calls vs the raw SDK's", "BenchmarkCreatePostingAPIvsSDK", "calls/op", "sdk-calls/op", 1, "calls", 1, true, "1"},
	{"browse page: DynamoDB calls vs the raw SDK's (one Query)", "BenchmarkBrowseAPIvsSDK", "calls/op", "sdk-calls/op", 1, "calls", 1, true, "1"},
	{"landing page: DynamoDB calls vs the raw SDK's", "BenchmarkLandingAPIvsSDK", "calls/op", "sdk-calls/op", 1, "calls", 2, true, "≤ 2"},
	{"fan-out: BatchWriteItem calls vs one per 25 recipients", "BenchmarkFanout10k", "BatchWriteItem/op", "BatchWriteItem-floor/op", 1, "calls", 1, false, "ratio ≤ 1.0"},
	// Once per function BenchmarkColdStart measured (every main package
	// under functions/): %s is the function's name (see perFunction).
	{"cold init, %s bootstrap vs empty handler (median)", "BenchmarkColdStart", "%s-init-ms", "empty-init-ms", 1, "ms", 1.5, false, "ratio ≤ 1.5"},
	{"first response (init + first request), %s vs empty handler (median)", "BenchmarkColdStart", "%s-first-ms", "empty-first-ms", 1, "ms", 0, false, "reported"},
	{"binary size, %s bootstrap (arm64, stripped)", "BenchmarkColdStart", "%s-arm64-MB", "empty-arm64-MB", 1, "MB", 12, true, "≤ 12 MB"},
	// Discovery (docs/table.md, "Search").
	{"keyword search (q=data analy): API path vs raw SDK calls (p50)", "BenchmarkKeywordSearchAPIvsSDK", "api-µs/op", "sdk-µs/op", 0.001, "ms", 1.3, false, "ratio ≤ 1.3"},
	{"keyword search: DynamoDB calls per page", "BenchmarkKeywordSearchAPIvsSDK", "calls/page", "calls/page", 1, "calls", 3, true, "≤ 3"},
	{"match a new posting: 100,000 saved searches vs 1,000 (10 match)", "BenchmarkSearchAlertMatch", "match100k-ms/op", "match1k-ms/op", 1, "ms", 1.5, false, "close (≤ 1.5)"},
	{"match a new posting: DynamoDB calls, 100,000 vs 1,000 searches", "BenchmarkSearchAlertMatch", "calls100k/op", "calls1k/op", 1, "calls", 1, false, "equal"},
	{"search index: items written per demo posting (median; max)", "BenchmarkIndexAmplification", "demo-median-items", "demo-max-items", 1, "items", 49, true, "≤ 49 (one transaction)"},
	{"search index: items written, posting with a 2,000-character description", "BenchmarkIndexAmplification", "long-description-items", "short-description-items", 1, "items", 49, true, "≤ 49 (description not indexed)"},
	{"peak RSS of the API process, 100 concurrent requests", "BenchmarkPeakRSS100", "peak-MiB", "idle-MiB", 1, "MiB", 64, true, "≤ 64 MiB"},
	{"peak heap of the API, worst single hostile request (GC off: an upper bound)", "BenchmarkHostilePeakHeap", "peak-heap-MiB", "idle-heap-MiB", 1, "MiB", 64, true, "≤ 64 MiB"},
	// make load writes its line to .cache/load.txt; the table shows the
	// last run's, and marks it unmet unless it ran at the goal's size
	// (loadGoalSize).
	{"make load: last owed notification after the load ended (vs the bound)", "BenchmarkLoadNotifications", "last-arrival-s", "bound-s", 1, "s", 60, true, "≤ 60 s"},
	{"make load: owed notifications missing at the end of the wait", "BenchmarkLoadNotifications", "missing", "owed", 1, "notifications", 0, true, "none"},
	{"make load: notifications delivered twice", "BenchmarkLoadNotifications", "duplicates", "owed", 1, "notifications", 0, true, "none"},
}

// The make load goal's size: 50 concurrent members, 200 operations each
// (README, "make load").
const loadGoalClients, loadGoalOps = 50, 200

// loadSize is the size of the make load run whose metrics m are ("50 × 40"),
// and whether it is the goal's; any other benchmark's is.
func loadSize(bench string, m map[string]float64) (string, bool) {
	if bench != "BenchmarkLoadNotifications" {
		return "", true
	}
	c, okC := m["clients"]
	o, okO := m["ops-per-client"]
	if !okC || !okO {
		return "size-unknown", false
	}
	return fmt.Sprintf("%.0f × %.0f", c, o), c == loadGoalClients && o == loadGoalOps
}

// Print writes the table as Markdown. A row whose benchmark did not run
// says so rather than disappear.
func Print(w io.Writer, res Results) error {
	_, err := check(w, res, 1, false)
	return err
}

// SmokeLoosening multiplies the goal of every timing row (unit ms: a ratio
// or an absolute time) in Smoke: a noisy 2-core machine running a few
// iterations must not fail a build, while a large regression still does.
// Counts of calls and items, sizes and memory are not loosened: they do not
// depend on the machine's load (BENCHMARKS.md, "Smoke").
const SmokeLoosening = 1.5

// Smoke prints the rows that ran, each against its goal (timing goals
// loosened by SmokeLoosening), and returns the measures that missed.
func Smoke(w io.Writer, res Results) ([]string, error) {
	return check(w, res, SmokeLoosening, true)
}

func check(w io.Writer, res Results, loosen float64, ranOnly bool) (missed []string, err error) {
	fmt.Fprintln(w, "| measure | value | baseline | ratio | goal | met |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|")
	for _, r := range perFunction(rows, res) {
		m, ok := res[r.bench]
		v, okV := m[r.value]
		b, okB := m[r.base]
		if !ok || !okV || !okB {
			if !ranOnly {
				fmt.Fprintf(w, "| %s | not run | | | %s | |\n", r.measure, r.goalText)
			}
			continue
		}
		goal, goalText := r.goal, r.goalText
		if r.unit == "ms" && loosen != 1 {
			goal *= loosen
			goalText = fmt.Sprintf("%s, ×%.1f: %s", r.goalText, loosen, strconv.FormatFloat(math.Round(goal*1000)/1000, 'f', -1, 64))
		}
		ratio := v / b
		if b == 0 {
			ratio = 0
		}
		ok = ratio <= goal
		if r.goalIsAbsolute {
			ok = v*r.scale <= goal
		}
		met := yesNo(ok)
		if size, full := loadSize(r.bench, m); !full {
			ok, met = false, fmt.Sprintf("**no**: a %s run, the goal is at %d × %d", size, loadGoalClients, loadGoalOps)
		}
		if r.goal == 0 && !r.goalIsAbsolute { // measured and reported, no goal
			met = ""
		} else if !ok {
			missed = append(missed, r.measure)
		}
		fmt.Fprintf(w, "| %s | %.2f %s | %.2f %s | %.2f | %s | %s |\n", r.measure, v*r.scale, r.unit, b*r.scale, r.unit, ratio, goalText, met)
	}
	if m, ok := res["BenchmarkHostilePeakHeap"]; ok {
		fmt.Fprintf(w, "\nLargest problem body answering a hostile request: %.0f bytes (goal ≤ 8192).\n", m["problem-bytes"])
	}
	if m, ok := res["BenchmarkFanout10k"]; ok {
		fmt.Fprintf(w, "\nFan-out calls per fan-out: %.0f BatchWriteItem (one per 25 recipients: %.0f), %.0f Query, %.0f BatchGetItem (interests, 100 a call).\n",
			m["BatchWriteItem/op"], m["BatchWriteItem-floor/op"], m["Query/op"], m["BatchGetItem/op"])
	}
	return missed, nil
}

// perFunction expands each row whose metric names hold %s into one row per
// function its benchmark reported (a "<name>-init-ms" metric other than the
// empty handler's), in name order; with none reported it stays one row for
// "each" function, which then prints as not run.
func perFunction(rows []row, res Results) []row {
	var out []row
	for _, r := range rows {
		if !strings.Contains(r.value, "%s") {
			out = append(out, r)
			continue
		}
		var names []string
		for metric := range res[r.bench] {
			if name, ok := strings.CutSuffix(metric, "-init-ms"); ok && name != "empty" {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			names = []string{"each"}
		}
		slices.Sort(names)
		for _, name := range names {
			x := r
			x.measure = strings.ReplaceAll(r.measure, "%s", name)
			x.value = strings.ReplaceAll(r.value, "%s", name)
			out = append(out, x)
		}
	}
	return out
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}
