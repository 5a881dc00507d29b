package samtemplate

import "fmt"

// StreamEvent is a function's DynamoDB stream event (its event source
// mapping) as far as the local stream pump mirrors it.
type StreamEvent struct {
	// Name is the event's name in the function's Events.
	Name string
	// ParallelizationFactor is 1 when the template leaves it unset, as in
	// AWS.
	ParallelizationFactor int
	// FilterPatterns are the Pattern strings of its FilterCriteria; none
	// when every record is delivered.
	FilterPatterns []string
}

// StreamEvent returns the DynamoDB stream event of function (a logical id,
// e.g. NotifierFunction).
func (t *Template) StreamEvent(function string) (StreamEvent, error) {
	events, _ := t.Resources[function].Properties["Events"].(map[string]any)
	for name, e := range events {
		ev, _ := e.(map[string]any)
		if ev["Type"] != "DynamoDB" {
			continue
		}
		props, _ := ev["Properties"].(map[string]any)
		out := StreamEvent{Name: name, ParallelizationFactor: 1}
		switch n := props["ParallelizationFactor"].(type) {
		case nil:
		case int:
			out.ParallelizationFactor = n
		case int64:
			out.ParallelizationFactor = int(n)
		case uint64:
			out.ParallelizationFactor = int(n)
		case float64:
			out.ParallelizationFactor = int(n)
		default:
			return out, fmt.Errorf("template.yaml: %s event %s: ParallelizationFactor %v is not a number", function, name, n)
		}
		criteria, _ := props["FilterCriteria"].(map[string]any)
		filters, _ := criteria["Filters"].([]any)
		for _, f := range filters {
			m, _ := f.(map[string]any)
			p, ok := m["Pattern"].(string)
			if !ok {
				return out, fmt.Errorf("template.yaml: %s event %s: a filter without a Pattern string", function, name)
			}
			out.FilterPatterns = append(out.FilterPatterns, p)
		}
		return out, nil
	}
	return StreamEvent{}, fmt.Errorf("template.yaml: %s has no DynamoDB event", function)
}
