package templatecheck

import (
	"fmt"
	"sort"
	"strings"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// Resource types the checks look at.
const (
	functionType  = "AWS::Serverless::Function"
	httpAPIType   = "AWS::Serverless::HttpApi"
	queueType     = "AWS::SQS::Queue"
	userPoolType  = "AWS::Cognito::UserPool"
	poolClientTyp = "AWS::Cognito::UserPoolClient"
)

// resourcesOfType returns the logical ids of the template's resources of
// type typ, sorted.
func resourcesOfType(tpl *samtemplate.Template, typ string) []string {
	var ids []string
	for id, r := range tpl.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// isResource reports whether id is a resource of type typ.
func isResource(tpl *samtemplate.Template, id, typ string) bool {
	r, ok := tpl.Resources[id]
	return ok && r.Type == typ
}

// functionProperty returns a function's property as SAM resolves it: the
// function's own value, else the one in Globals.Function.
func functionProperty(tpl *samtemplate.Template, id, name string) (any, bool) {
	if v, ok := tpl.Resources[id].Properties[name]; ok {
		return v, true
	}
	return lookup(tpl.Globals, "Function", name)
}

// lookup follows path through nested mappings.
func lookup(v any, path ...string) (any, bool) {
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// asList returns v as a list: a list as it is, nil as empty, anything else
// as a list of one (IAM and SAM accept a single value for a list).
func asList(v any) []any {
	switch l := v.(type) {
	case nil:
		return nil
	case []any:
		return l
	}
	return []any{v}
}

// getAtt returns the resource and attribute of a Fn::GetAtt.
func getAtt(v any) (resource, attr string, ok bool) {
	x, found := lookup(v, "Fn::GetAtt")
	if m, _ := v.(map[string]any); !found || len(m) != 1 {
		return "", "", false
	}
	switch a := x.(type) {
	case string:
		resource, attr, ok = strings.Cut(a, ".")
		return resource, attr, ok
	case []any:
		if len(a) == 2 {
			r, ok1 := a[0].(string)
			at, ok2 := a[1].(string)
			return r, at, ok1 && ok2
		}
	}
	return "", "", false
}

// refOf returns the logical id (or parameter) a Ref names.
func refOf(v any) (string, bool) {
	m, _ := v.(map[string]any)
	s, ok := m["Ref"].(string)
	return s, ok && len(m) == 1
}

// render writes a template value the way a message should show it: a
// string as it is, GetAtt, Ref and a one-string Sub in their short form.
func render(v any) string {
	if r, a, ok := getAtt(v); ok {
		return "!GetAtt " + r + "." + a
	}
	if r, ok := refOf(v); ok {
		return "!Ref " + r
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if s, ok := m["Fn::Sub"].(string); ok {
			return "!Sub " + s
		}
	}
	return fmt.Sprint(v)
}

// event is one entry of a function's Events.
type event struct {
	name  string
	props map[string]any
}

// functionEvents returns a function's events of type typ, sorted by name.
func functionEvents(tpl *samtemplate.Template, id, typ string) []event {
	evs, _ := tpl.Resources[id].Properties["Events"].(map[string]any)
	var out []event
	for name, ev := range evs {
		if t, _ := lookup(ev, "Type"); t == typ {
			props, _ := lookup(ev, "Properties")
			m, _ := props.(map[string]any)
			out = append(out, event{name: name, props: m})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
