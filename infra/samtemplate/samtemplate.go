// Package samtemplate reads the project's AWS SAM template (template.yaml at
// the repository root) and turns its single AWS::DynamoDB::Table resource into
// what local tooling and tests need: a typed table definition, the SDK input
// that creates the table, and a helper that creates it in a running DynamoDB
// (for example DynamoDB Local).
//
// The table is defined once, in the template, and never copied into Go.
//
// The template is decoded as plain YAML rather than with a CloudFormation
// library (goformation drops parts of templates). CloudFormation short-form
// tags are converted to their long form while decoding:
//
//	!Ref X              -> {"Ref": "X"}
//	!Condition X        -> {"Condition": "X"}
//	!GetAtt A.B         -> {"Fn::GetAtt": ["A", "B"]}
//	!GetAtt [A, B]      -> {"Fn::GetAtt": ["A", "B"]}
//	!Sub s              -> {"Fn::Sub": "s"}
//	!Sub [s, {k: v}]    -> {"Fn::Sub": ["s", {"k": "v"}]}
//	!Name value         -> {"Fn::Name": value}   (Join, If, Select, Split, ...)
//
// Untagged scalars keep the type YAML resolves them to (string, bool, int,
// float64 or nil); the value of a tagged scalar is always a string.
package samtemplate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// FileName is the name of the SAM template that Find looks for.
const FileName = "template.yaml"

// TableResourceType is the CloudFormation type of the resource Table returns.
const TableResourceType = "AWS::DynamoDB::Table"

// Template is a decoded SAM/CloudFormation template. Every value below the
// top-level sections is a plain Go value (map[string]any, []any, string,
// bool, int, float64 or nil) with intrinsic functions in their long form.
type Template struct {
	// AWSTemplateFormatVersion is the template format version, if set.
	AWSTemplateFormatVersion string `json:"AWSTemplateFormatVersion,omitempty"`
	// Transform is the template's Transform section (a string or a list).
	Transform any `json:"Transform,omitempty"`
	// Description is the template description, if set.
	Description string `json:"Description,omitempty"`
	// Parameters is the Parameters section, keyed by parameter name.
	Parameters map[string]any `json:"Parameters,omitempty"`
	// Mappings is the Mappings section.
	Mappings map[string]any `json:"Mappings,omitempty"`
	// Conditions is the Conditions section.
	Conditions map[string]any `json:"Conditions,omitempty"`
	// Globals is the SAM Globals section.
	Globals map[string]any `json:"Globals,omitempty"`
	// Resources holds the template's resources, keyed by logical id.
	Resources map[string]Resource `json:"Resources"`
	// Outputs is the Outputs section, keyed by output name.
	Outputs map[string]any `json:"Outputs,omitempty"`
}

// Resource is one entry of a template's Resources section.
type Resource struct {
	// Type is the resource type, e.g. "AWS::DynamoDB::Table".
	Type string `json:"Type"`
	// Properties is the resource's Properties (nil when absent).
	Properties map[string]any `json:"Properties"`
	// Metadata is the resource's Metadata (nil when absent).
	Metadata map[string]any `json:"Metadata"`
}

// Find walks up from the working directory to the nearest folder holding
// template.yaml and returns its path.
func Find() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("samtemplate: %w", err)
	}
	dir, err := filepath.Abs(wd)
	if err != nil {
		return "", fmt.Errorf("samtemplate: %w", err)
	}
	for {
		p := filepath.Join(dir, FileName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("samtemplate: no %s in %s or any parent folder", FileName, wd)
		}
		dir = parent
	}
}

// Load reads and decodes the template at path, converting CloudFormation
// short-form intrinsic tags to their long form.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("samtemplate: %w", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Parse decodes a template from YAML (or JSON) text, converting
// CloudFormation short-form intrinsic tags to their long form.
func Parse(data []byte) (*Template, error) {
	v, err := decodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("samtemplate: %w", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("samtemplate: template must be a mapping, got %s", describe(v))
	}
	t := &Template{Resources: map[string]Resource{}}
	for key, val := range root {
		var err error
		switch key {
		case "AWSTemplateFormatVersion":
			t.AWSTemplateFormatVersion, err = asString(val)
		case "Description":
			t.Description, err = asString(val)
		case "Transform":
			t.Transform = val
		case "Parameters":
			t.Parameters, err = asMap(val)
		case "Mappings":
			t.Mappings, err = asMap(val)
		case "Conditions":
			t.Conditions, err = asMap(val)
		case "Globals":
			t.Globals, err = asMap(val)
		case "Outputs":
			t.Outputs, err = asMap(val)
		case "Resources":
			err = t.parseResources(val)
		}
		if err != nil {
			return nil, fmt.Errorf("samtemplate: %s: %w", key, err)
		}
	}
	return t, nil
}

func (t *Template) parseResources(v any) error {
	resources, err := asMap(v)
	if err != nil {
		return err
	}
	for id, raw := range resources {
		m, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want a mapping, got %s", id, describe(raw))
		}
		var r Resource
		if r.Type, err = asString(m["Type"]); err != nil {
			return fmt.Errorf("%s: Type: %w", id, err)
		}
		if r.Type == "" {
			return fmt.Errorf("%s: missing Type", id)
		}
		if r.Properties, err = asMap(m["Properties"]); err != nil {
			return fmt.Errorf("%s: Properties: %w", id, err)
		}
		if r.Metadata, err = asMap(m["Metadata"]); err != nil {
			return fmt.Errorf("%s: Metadata: %w", id, err)
		}
		t.Resources[id] = r
	}
	return nil
}

// Table returns the logical id and definition of the single
// AWS::DynamoDB::Table in the template. It is an error if the template has
// no such resource or more than one.
func (t *Template) Table() (logicalID string, def TableDef, err error) {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == TableResourceType {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	switch len(ids) {
	case 0:
		return "", TableDef{}, errors.New("samtemplate: template has no " + TableResourceType + " resource")
	case 1:
	default:
		return "", TableDef{}, fmt.Errorf("samtemplate: template has %d %s resources (%v), want exactly one", len(ids), TableResourceType, ids)
	}
	id := ids[0]
	def, err = tableDefFromProperties(t.Resources[id].Properties)
	if err != nil {
		return "", TableDef{}, fmt.Errorf("samtemplate: resource %s: %w", id, err)
	}
	return id, def, nil
}

func asString(v any) (string, error) {
	switch s := v.(type) {
	case nil:
		return "", nil
	case string:
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %s", describe(v))
}

func asMap(v any) (map[string]any, error) {
	switch m := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return m, nil
	}
	return nil, fmt.Errorf("want a mapping, got %s", describe(v))
}

// describe names the kind of a decoded value for error messages, pointing
// out intrinsic functions, which samtemplate cannot evaluate.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		if len(x) == 1 {
			for k := range x {
				if k == "Ref" || k == "Condition" || len(k) > 4 && k[:4] == "Fn::" {
					return "intrinsic function " + k + " (not evaluated by samtemplate)"
				}
			}
		}
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("string %q", x)
	default:
		return fmt.Sprintf("%T %v", v, v)
	}
}
