package benchtable

// Follow-ups and email (docs/followups.md): the sweep's calls grow with
// what is due, not with members; a fact reaches its instant email quickly.
var followUpRows = []row{
	{"keep-warm sweep, 100,000 members / 1,000 due: DynamoDB calls vs 1,000 members / 1,000 due", "BenchmarkSweep100k", "calls-100k", "calls-1k", 1, "calls", 1.0, false, "ratio ≤ 1.0"},
	{"keep-warm sweep, 100,000 members / 1,000 due: wall time vs 1,000 members", "BenchmarkSweep100k", "sweep-ms/op", "sweep1k-ms/op", 1, "ms", 60000, true, "≤ 60 s"},
	{"fact → instant email in Mailpit under make run: p95 vs p50", "BenchmarkFactToEmail", "p95-ms", "p50-ms", 1, "ms", 1000, true, "p95 ≤ 1 s"},
}

func init() { rows = append(rows, followUpRows...) }
