package httpapi

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
	"strings"
	"sync"
)

// The landing pages are rendered by a deliberately tiny, logic-less
// template language instead of html/template: html/template evaluates
// templates by reflection (reflect.Value.MethodByName), which stops the
// linker from dropping unused methods and added 3.4 MB to the API function
// — past its 12 MB budget (BENCHMARKS.md) and into every cold start. The
// pages only ever put plain text into element content and double-quoted
// attributes, where html.EscapeString is the complete escaping, so a
// smaller tool does the same job safely.
//
// Syntax (mustache-like):
//
//	{{name}}             the value, HTML-escaped
//	{{#name}}…{{/name}}  the section, when the value is not empty
//	{{^name}}…{{/name}}  the section, when the value is empty
//	{{>file}}            another page file, inlined when parsing
//	{{&name}}            the value as it is: only for values the server
//	                     encodes itself for their context (the JSON-LD,
//	                     encoded by encoding/json, which escapes <, > and &)
//
// Values are inserted once and never parsed again, so a value that looks
// like a tag or a placeholder is shown as text.

//go:embed pages/*.html
var pageFiles embed.FS

// pages holds every parsed page by file name, parsed on first use: most
// functions never render a page, and none should pay for it at cold start.
var pages = sync.OnceValue(func() map[string][]node { return mustParsePages(pageFiles, "pages") })

// node is a parsed template: text, a value, or a section.
type node struct {
	text     string
	value    string // name of the value to insert
	raw      bool   // insert the value unescaped ({{&name}})
	section  string // name of the value a section depends on
	inverted bool
	children []node
}

func mustParsePages(fsys fs.FS, dir string) map[string][]node {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		panic(err)
	}
	raw := map[string]string{}
	for _, e := range entries {
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			panic(err)
		}
		raw[e.Name()] = string(b)
	}
	out := map[string][]node{}
	for name := range raw {
		nodes, err := parsePage(raw[name], raw, 0)
		if err != nil {
			panic(fmt.Sprintf("page %s: %v", name, err))
		}
		out[name] = nodes
	}
	return out
}

// parsePage parses src, inlining {{>file}} from files.
func parsePage(src string, files map[string]string, depth int) ([]node, error) {
	if depth > 4 {
		return nil, fmt.Errorf("includes nested too deep")
	}
	nodes, rest, err := parseNodes(src, "", files, depth)
	if err == nil && rest != "" {
		err = fmt.Errorf("unexpected %q", rest[:min(len(rest), 20)])
	}
	return nodes, err
}

// parseNodes parses until the closing tag of section (or the end), and
// returns what follows the closing tag.
func parseNodes(src, section string, files map[string]string, depth int) ([]node, string, error) {
	var nodes []node
	for {
		open := strings.Index(src, "{{")
		if open < 0 {
			if section != "" {
				return nil, "", fmt.Errorf("section %q not closed", section)
			}
			return append(nodes, node{text: src}), "", nil
		}
		end := strings.Index(src[open:], "}}")
		if end < 0 {
			return nil, "", fmt.Errorf("unclosed {{")
		}
		if open > 0 {
			nodes = append(nodes, node{text: src[:open]})
		}
		tag := strings.TrimSpace(src[open+2 : open+end])
		src = src[open+end+2:]
		switch {
		case tag == "":
			return nil, "", fmt.Errorf("empty {{}}")
		case tag[0] == '/':
			if tag[1:] != section {
				return nil, "", fmt.Errorf("{{%s}} closes %q", tag, section)
			}
			return nodes, src, nil
		case tag[0] == '#' || tag[0] == '^':
			children, rest, err := parseNodes(src, tag[1:], files, depth)
			if err != nil {
				return nil, "", err
			}
			nodes = append(nodes, node{section: tag[1:], inverted: tag[0] == '^', children: children})
			src = rest
		case tag[0] == '>':
			inc, ok := files[tag[1:]]
			if !ok {
				return nil, "", fmt.Errorf("no page %q to include", tag[1:])
			}
			children, err := parsePage(inc, files, depth+1)
			if err != nil {
				return nil, "", err
			}
			nodes = append(nodes, children...)
		case tag[0] == '&':
			nodes = append(nodes, node{value: tag[1:], raw: true})
		default:
			nodes = append(nodes, node{value: tag})
		}
	}
}

// renderPage writes the page called name with values; a value the page
// asks for but values lacks is an error, so a typo cannot render as "".
func renderNodes(b *strings.Builder, nodes []node, values map[string]string) error {
	for _, n := range nodes {
		switch {
		case n.value != "":
			v, ok := values[n.value]
			if !ok {
				return fmt.Errorf("no value %q", n.value)
			}
			if n.raw {
				b.WriteString(v)
			} else {
				b.WriteString(html.EscapeString(v))
			}
		case n.section != "":
			v, ok := values[n.section]
			if !ok {
				return fmt.Errorf("no value %q", n.section)
			}
			if (v != "") != n.inverted {
				if err := renderNodes(b, n.children, values); err != nil {
					return err
				}
			}
		default:
			b.WriteString(n.text)
		}
	}
	return nil
}

// executePage renders a page by file name.
func executePage(name string, values map[string]string) (string, error) {
	nodes, ok := pages()[name]
	if !ok {
		return "", fmt.Errorf("no page %q", name)
	}
	var b strings.Builder
	err := renderNodes(&b, nodes, values)
	return b.String(), err
}
