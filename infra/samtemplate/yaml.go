package samtemplate

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxDepth bounds nesting (and alias expansion) while converting YAML nodes.
const maxDepth = 1000

// decodeYAML decodes the first YAML document in data into plain Go values,
// converting CloudFormation short-form tags to long-form intrinsics.
func decodeYAML(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 {
		return nil, errors.New("empty template")
	}
	return convertNode(&doc, 0)
}

// isIntrinsicTag reports whether tag is a local tag such as !Ref or !Sub, as
// opposed to a standard YAML tag (!!str, tag:yaml.org,2002:int, ...).
func isIntrinsicTag(tag string) bool {
	return len(tag) > 1 && tag[0] == '!' && tag[1] != '!' && tag[1] != '<'
}

func convertNode(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: nesting deeper than %d levels", n.Line, maxDepth)
	}
	var (
		v   any
		err error
	)
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return convertNode(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unresolved alias", n.Line)
		}
		return convertNode(n.Alias, depth+1)
	case yaml.MappingNode:
		v, err = convertMapping(n, depth)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			item, err := convertNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, item)
		}
		v = list
	case yaml.ScalarNode:
		switch {
		case isIntrinsicTag(n.Tag), n.ShortTag() == "!!timestamp":
			// Tagged scalars are strings; so are dates, which CloudFormation
			// (AWSTemplateFormatVersion: 2010-09-09) treats as text.
			v = n.Value
		default:
			err = n.Decode(&v)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
	default:
		return nil, fmt.Errorf("line %d: unexpected YAML node kind %v", n.Line, n.Kind)
	}
	if err != nil {
		return nil, err
	}
	if isIntrinsicTag(n.Tag) {
		return intrinsic(n, v)
	}
	return v, nil
}

// intrinsic wraps v, the value of a node tagged !Name, in its long form.
func intrinsic(n *yaml.Node, v any) (any, error) {
	name := n.Tag[1:]
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found || res == "" || attr == "" {
				return nil, fmt.Errorf("line %d: !GetAtt %q: want LogicalId.Attribute", n.Line, s)
			}
			return map[string]any{"Fn::GetAtt": []any{res, attr}}, nil
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	default:
		return map[string]any{"Fn::" + name: v}, nil
	}
}

// convertMapping converts a mapping node. Keys must be scalars; duplicate
// keys are an error (CloudFormation rejects them too). YAML merge keys (<<)
// are honoured, with explicit keys taking precedence.
func convertMapping(n *yaml.Node, depth int) (map[string]any, error) {
	m := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		for k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping key must be a scalar", k.Line)
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, val)
			continue
		}
		if _, dup := m[k.Value]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		cv, err := convertNode(val, depth+1)
		if err != nil {
			return nil, err
		}
		m[k.Value] = cv
	}
	for _, mn := range merges {
		sources := []*yaml.Node{mn}
		if mn.Kind == yaml.SequenceNode {
			sources = mn.Content
		}
		for _, src := range sources {
			sv, err := convertNode(src, depth+1)
			if err != nil {
				return nil, err
			}
			sm, ok := sv.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("line %d: merge key value must be a mapping", src.Line)
			}
			for key, x := range sm {
				if _, exists := m[key]; !exists {
					m[key] = x
				}
			}
		}
	}
	return m, nil
}
