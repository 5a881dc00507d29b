package templatecheck

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// Bounds of the stream event source's retries (README.md, "Deploy":
// bounded retries, then the on-failure destination).
const (
	minRetryAttempts = 1
	maxRetryAttempts = 10
	minRecordAge     = 60    // seconds
	maxRecordAge     = 86400 // seconds
)

// checkStreamSource checks every DynamoDB stream event of every function:
// it reads the table's stream from TRIM_HORIZON, reports batch item
// failures, bisects a failing batch, retries a bounded number of times for
// a bounded time, sends what keeps failing to an SQS queue of the template,
// and filters to exactly the item types the store's stream decoder turns
// into facts. The template must have at least one such event.
func checkStreamSource(tpl *samtemplate.Template, code *codeFacts) []string {
	tableID, _, err := tpl.Table()
	if err != nil {
		return []string{err.Error()}
	}
	arns := newTableARNs(tableID)
	var problems []string
	found := false
	for _, id := range resourcesOfType(tpl, functionType) {
		for _, ev := range functionEvents(tpl, id, "DynamoDB") {
			found = true
			decoded := code.decodedTypes
			if d, ok := code.decodedBy[id]; ok {
				decoded = d
			}
			problems = append(problems, checkStreamEvent(tpl, id, ev, arns, decoded)...)
		}
	}
	if !found {
		problems = append(problems, "no function has a DynamoDB event: nothing turns the table's facts into notifications")
	}
	return problems
}

// checkStreamEvent is checkStreamSource for one event.
func checkStreamEvent(tpl *samtemplate.Template, id string, ev event, arns tableARNs, decoded []string) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s event %s: ", id, ev.name)+fmt.Sprintf(format, args...))
	}
	p := ev.props
	if s := render(p["Stream"]); s != arns.stream {
		bad("Stream is %s, want %s", s, arns.stream)
	}
	if v := p["StartingPosition"]; v != "TRIM_HORIZON" {
		bad("StartingPosition is %s, want TRIM_HORIZON (LATEST skips facts written before the mapping exists)", render(v))
	}
	if !slices.Contains(asList(p["FunctionResponseTypes"]), any("ReportBatchItemFailures")) {
		bad("FunctionResponseTypes %v lacks ReportBatchItemFailures: a bad record would fail, and retry, its whole batch", p["FunctionResponseTypes"])
	}
	if v := p["BisectBatchOnFunctionError"]; v != true {
		bad("BisectBatchOnFunctionError is %s, want true", render(v))
	}
	if n, ok := asInt(p["MaximumRetryAttempts"]); !ok || n < minRetryAttempts || n > maxRetryAttempts {
		bad("MaximumRetryAttempts is %s, want %d to %d (unset or -1 retries until the record expires)", render(p["MaximumRetryAttempts"]), minRetryAttempts, maxRetryAttempts)
	}
	// Records of one partition key stay in order whatever the factor; the
	// handlers rely on no more (docs/platform.md, "Stream order").
	if n, ok := asInt(p["ParallelizationFactor"]); !ok || n < 1 || n > 10 {
		bad("ParallelizationFactor is %s, want 1 to 10, set explicitly (infra/localstack's stream pump reads it)", render(p["ParallelizationFactor"]))
	}
	if n, ok := asInt(p["MaximumRecordAgeInSeconds"]); !ok || n < minRecordAge || n > maxRecordAge {
		bad("MaximumRecordAgeInSeconds is %s, want %d to %d", render(p["MaximumRecordAgeInSeconds"]), minRecordAge, maxRecordAge)
	}
	dest, _ := lookup(p, "DestinationConfig", "OnFailure", "Destination")
	if q, attr, ok := getAtt(dest); !ok || attr != "Arn" || !isResource(tpl, q, queueType) {
		bad("DestinationConfig.OnFailure.Destination is %s, want !GetAtt <Queue>.Arn of an %s in the template", render(dest), queueType)
	}
	admitted, fp := admittedItemTypes(p["FilterCriteria"])
	for _, msg := range fp {
		bad("%s", msg)
	}
	if len(fp) == 0 {
		for _, typ := range decoded {
			if !slices.Contains(admitted, typ) {
				bad("FilterCriteria drops item type %q, which %s turns into facts: its records never reach the notifier", typ, streamDecoder)
			}
		}
		for _, typ := range admitted {
			if !slices.Contains(decoded, typ) {
				bad("FilterCriteria admits item type %q, which %s ignores: its writes invoke the notifier for nothing", typ, streamDecoder)
			}
		}
	}
	return problems
}

// asInt returns a template number as an int.
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case uint64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}

// typeFilterShape is the only filter pattern shape admittedItemTypes
// understands.
const typeFilterShape = `{"dynamodb":{"NewImage":{"Type":{"S":["...", ...]}}}}`

// admittedItemTypes returns the item types a FilterCriteria admits. Each
// filter (filters are ORed) must match on the item's Type alone, in the
// shape typeFilterShape: any other condition would keep some records of
// those types from the decoder, which decides itself what is a fact.
func admittedItemTypes(fc any) ([]string, []string) {
	filters, _ := lookup(fc, "Filters")
	if len(asList(filters)) == 0 {
		return nil, []string{"no FilterCriteria.Filters: every write of every item type invokes the notifier"}
	}
	var types, problems []string
	for i, f := range asList(filters) {
		pattern, _ := lookup(f, "Pattern")
		s, ok := pattern.(string)
		if !ok {
			problems = append(problems, fmt.Sprintf("FilterCriteria.Filters[%d].Pattern is %s, want a JSON string", i, render(pattern)))
			continue
		}
		var doc any
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			problems = append(problems, fmt.Sprintf("FilterCriteria.Filters[%d].Pattern is not JSON: %v", i, err))
			continue
		}
		values, ok := onlyPath(doc, "dynamodb", "NewImage", "Type", "S")
		if !ok {
			problems = append(problems, fmt.Sprintf("FilterCriteria.Filters[%d].Pattern %s: want exactly %s", i, s, typeFilterShape))
			continue
		}
		for _, v := range asList(values) {
			typ, ok := v.(string)
			if !ok {
				problems = append(problems, fmt.Sprintf("FilterCriteria.Filters[%d].Pattern %s: %v is not an item type (only exact strings are understood)", i, s, v))
				continue
			}
			types = append(types, typ)
		}
	}
	sort.Strings(types)
	return slices.Compact(types), problems
}

// onlyPath follows path through mappings that each have exactly that one
// key, and returns the value at its end, which must be a list.
func onlyPath(v any, path ...string) (any, bool) {
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	_, isList := v.([]any)
	return v, isList
}

// TestStreamSource checks the notifier's stream event source.
func TestStreamSource(t *testing.T) {
	tpl := mustLoad(t, repoTemplate(t))
	report(t, checkStreamSource(tpl, mustFacts(t)))
	t.Logf("decoder handles %s", strings.Join(mustFacts(t).decodedTypes, ", "))
}
