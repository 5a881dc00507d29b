package streampump

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Filter is an event source mapping's FilterCriteria: the records Lambda
// delivers to the function. A record matches when any of the filter's
// patterns matches the record as the function receives it in JSON
// ({"eventName": ..., "dynamodb": {"Keys": ..., "NewImage": ...}}); the
// others are dropped before batching, never delivered and counted as done
// (AWS Lambda Developer Guide, "Control which events Lambda sends to your
// function").
//
// Only the part of the pattern syntax the template uses is understood, and
// anything else is refused by ParseFilter rather than matched differently
// from AWS: objects nest field names, and a field's array lists the values
// it may equal (strings, numbers, booleans, null). A pattern matches when
// every field it names is present and equal to one of its values. (No Go
// library of EventBridge patterns is served on this machine; docs/platform.md,
// "Stream order".)
type Filter struct {
	patterns []map[string]any
}

// ParseFilter reads the Pattern strings of a FilterCriteria's Filters. An
// empty list is nil: every record passes.
func ParseFilter(patterns []string) (*Filter, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	f := &Filter{}
	for _, p := range patterns {
		var m map[string]any
		if err := json.Unmarshal([]byte(p), &m); err != nil {
			return nil, fmt.Errorf("streampump: filter pattern %s: %w", p, err)
		}
		if err := checkPattern(m); err != nil {
			return nil, fmt.Errorf("streampump: filter pattern %s: %w", p, err)
		}
		f.patterns = append(f.patterns, m)
	}
	return f, nil
}

// checkPattern refuses what Match does not understand.
func checkPattern(m map[string]any) error {
	if len(m) == 0 {
		return fmt.Errorf("an empty object matches nothing in AWS")
	}
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if err := checkPattern(v); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		case []any:
			if len(v) == 0 {
				return fmt.Errorf("%s: an empty list matches nothing", k)
			}
			for _, x := range v {
				switch x.(type) {
				case string, float64, bool, nil:
				default:
					return fmt.Errorf("%s: only exact values are supported here, not %v", k, x)
				}
			}
		default:
			return fmt.Errorf("%s: a field's values must be a list, not %v", k, v)
		}
	}
	return nil
}

// Match reports whether rec passes the filter. A nil filter passes every
// record.
func (f *Filter) Match(rec events.DynamoDBEventRecord) (bool, error) {
	if f == nil {
		return true, nil
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return false, err
	}
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		return false, err
	}
	for _, p := range f.patterns {
		if matches(p, ev) {
			return true, nil
		}
	}
	return false, nil
}

// matches reports whether the event object ev has every field of pattern
// p, each equal to one of its values.
func matches(p map[string]any, ev map[string]any) bool {
	for k, want := range p {
		got, ok := ev[k]
		if !ok {
			return false
		}
		switch want := want.(type) {
		case map[string]any:
			sub, ok := got.(map[string]any)
			if !ok || !matches(want, sub) {
				return false
			}
		case []any:
			if !oneOf(got, want) {
				return false
			}
		}
	}
	return true
}

// oneOf reports whether v equals one of the values; an array v matches
// when any of its elements does, as in EventBridge patterns.
func oneOf(v any, values []any) bool {
	if arr, ok := v.([]any); ok {
		for _, x := range arr {
			if oneOf(x, values) {
				return true
			}
		}
		return false
	}
	switch v.(type) {
	case map[string]any:
		return false
	}
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}
