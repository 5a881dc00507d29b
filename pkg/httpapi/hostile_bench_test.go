package httpapi_test

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

// hostileRequests are the hostile bodies of TestHostileBodiesGetSmallProblems
// for every body-taking operation, plus bodies at the size limit built to
// make validation work hardest (one error per array item or property), and
// one byte past the limit.
func hostileRequests(tb testing.TB, api *apigwtest.Client) map[string]apigwtest.Request {
	out := map[string]apigwtest.Request{}
	fill := func(open, item, close string) string {
		n := (httpapi.MaxBodyBytes - len(open) - len(close)) / len(item)
		return open + strings.TrimSuffix(strings.Repeat(item, n), ",") + close
	}
	for _, op := range operations(tb, api) {
		if op.BodyType == "" {
			continue
		}
		for name, body := range hostileBodies(op.Body) {
			out[op.Method+" "+op.Path+": "+name] = op.request(body)
		}
		// Every array field, filled to the body limit with wrong items.
		props, _ := op.Body["properties"].(map[string]any)
		for name, p := range props {
			if ps, _ := p.(map[string]any); ps["type"] == "array" {
				out[op.Method+" "+op.Path+": limit-sized "+name+" of wrong items"] = op.request(fill(`{"`+name+`":[`, `1,`, `]}`))
				out[op.Method+" "+op.Path+": limit-sized "+name+" of wrong strings"] = op.request(fill(`{"`+name+`":[`, `"x",`, `]}`))
			}
		}
	}
	var keys strings.Builder
	keys.WriteString("{")
	for i := 0; keys.Len() < httpapi.MaxBodyBytes-32; i++ {
		keys.WriteString(`"k` + strconv.Itoa(i) + `":1,`)
	}
	unknown := strings.TrimSuffix(keys.String(), ",") + "}"
	for _, op := range operations(tb, api) {
		if op.BodyType != "" {
			out[op.Method+" "+op.Path+": limit-sized unknown properties"] = op.request(unknown)
		}
	}
	out["one byte past the limit"] = apigwtest.Request{Method: "POST", Path: "/postings", Member: "alice", Body: strings.Repeat(" ", httpapi.MaxBodyBytes+1)}
	for name, req := range out {
		if len(req.Body) > httpapi.MaxBodyBytes+1 {
			tb.Fatalf("%s: %d bytes", name, len(req.Body))
		}
	}
	return out
}

// BenchmarkHostilePeakHeap sends every hostile request through the Lambda
// adapter (from the JSON event the runtime decodes to the encoded
// response) with the garbage collector off, so the heap after the request
// bounds its high-water mark from above: nothing allocated was freed.
// Reported: the largest such peak over all hostile requests (goal ≤ 64 MiB,
// BENCHMARKS.md) and the heap before it (the API at rest), plus the largest
// problem body.
func BenchmarkHostilePeakHeap(b *testing.B) {
	api, _ := newAPI(b)
	reqs := hostileRequests(b, api)
	events := map[string][]byte{}
	for name, req := range reqs {
		ev, err := json.Marshal(apigwtest.Event(req))
		if err != nil {
			b.Fatal(err)
		}
		events[name] = ev
	}
	var peak, idle uint64
	worst, largest := "", 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for name, ev := range events {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			gc := debug.SetGCPercent(-1)
			status := invokeJSON(b, api, ev)
			runtime.ReadMemStats(&after)
			debug.SetGCPercent(gc)
			if status < 400 || status >= 500 {
				b.Fatalf("%s = %d", name, status)
			}
			if after.HeapAlloc > peak {
				peak, idle, worst = after.HeapAlloc, before.HeapAlloc, name
			}
		}
	}
	b.StopTimer()
	for _, req := range reqs {
		largest = max(largest, len(api.Do(b, req).Body))
	}
	b.Logf("worst: %s (%.1f MiB allocated on %.1f MiB at rest)", worst, float64(peak-idle)/(1<<20), float64(idle)/(1<<20))
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(idle)/(1<<20), "idle-heap-MiB")
	b.ReportMetric(float64(largest), "problem-bytes")
}
