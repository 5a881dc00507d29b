package templatecheck

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Import paths the analysis recognises.
const (
	sdkDynamoPath = "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	sdkTypesPath  = "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// storeType is the type in pkg/dynamo that implements the domain interfaces
// and holds the DynamoDB client in its field clientField.
const (
	storeType   = "Store"
	clientField = "client"
)

// goPackage is the parsed non-test Go files of one directory.
type goPackage struct {
	dir   string
	fset  *token.FileSet
	files []*ast.File
}

// parsePackage parses the non-test .go files of dir.
func parsePackage(dir string) (*goPackage, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	pkg := &goPackage{dir: dir, fset: token.NewFileSet()}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(pkg.fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		pkg.files = append(pkg.files, f)
	}
	if len(pkg.files) == 0 {
		return nil, fmt.Errorf("%s: no Go files", dir)
	}
	return pkg, nil
}

// fileImports maps the names a file refers to its imports by to their paths.
func fileImports(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		m[name] = path
	}
	return m
}

// qualified returns pkgPath and name when e is a qualified identifier
// pkg.Name whose pkg is one of imports.
func qualified(e ast.Expr, imports map[string]string) (pkgPath, name string, ok bool) {
	sel, isSel := e.(*ast.SelectorExpr)
	if !isSel {
		return "", "", false
	}
	x, isIdent := sel.X.(*ast.Ident)
	if !isIdent || imports[x.Name] == "" {
		return "", "", false
	}
	return imports[x.Name], sel.Sel.Name, true
}

// stringConsts returns the package-level string constants of pkg that are
// given as literals, by name.
func stringConsts(pkg *goPackage) map[string]string {
	consts := map[string]string{}
	for _, f := range pkg.files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i >= len(vs.Values) {
						break
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil {
							consts[name.Name] = v
						}
					}
				}
			}
		}
	}
	return consts
}

// constsWithPrefix returns the values of the string constants whose names
// start with prefix, sorted.
func constsWithPrefix(consts map[string]string, prefix string) []string {
	var out []string
	for name, v := range consts {
		if strings.HasPrefix(name, prefix) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// dynamodbavNames returns every attribute name given in a dynamodbav struct
// tag in pkg.
func dynamodbavNames(pkg *goPackage) map[string]bool {
	names := map[string]bool{}
	for _, f := range pkg.files {
		ast.Inspect(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil {
				return true
			}
			tag, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				return true
			}
			if v, ok := reflect.StructTag(tag).Lookup("dynamodbav"); ok {
				name, _, _ := strings.Cut(v, ",")
				names[name] = true
			}
			return true
		})
	}
	return names
}

// funcDecl finds the package-level function (not method) called name.
func funcDecl(pkg *goPackage, name string) (*ast.FuncDecl, *ast.File) {
	for _, f := range pkg.files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
				return fd, f
			}
		}
	}
	return nil, nil
}

// typeSpec finds the type declaration called name.
func typeSpec(pkg *goPackage, name string) (*ast.TypeSpec, *ast.File) {
	for _, f := range pkg.files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Name == name {
					return ts, f
				}
			}
		}
	}
	return nil, nil
}

// interfaceMethods returns the method set of the interface type called name
// in pkg, following interfaces it embeds from the same package.
func interfaceMethods(pkg *goPackage, name string) ([]string, error) {
	seen := map[string]bool{}
	var methods []string
	var walk func(name string) error
	walk = func(name string) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		ts, _ := typeSpec(pkg, name)
		if ts == nil {
			return fmt.Errorf("%s: no type %s", pkg.dir, name)
		}
		it, ok := ts.Type.(*ast.InterfaceType)
		if !ok {
			return fmt.Errorf("%s: %s is not an interface", pkg.dir, name)
		}
		for _, m := range it.Methods.List {
			switch {
			case len(m.Names) > 0:
				for _, n := range m.Names {
					methods = append(methods, n.Name)
				}
			default:
				embedded, ok := m.Type.(*ast.Ident)
				if !ok {
					return fmt.Errorf("%s: interface %s embeds %s, which the analysis cannot follow", pkg.dir, name, exprString(m.Type))
				}
				if err := walk(embedded.Name); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(name); err != nil {
		return nil, err
	}
	sort.Strings(methods)
	return slices.Compact(methods), nil
}

// exprString renders an expression for messages.
func exprString(e ast.Expr) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, token.NewFileSet(), e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return b.String()
}

// domainTypesIn returns the names of the types from the package at
// domainPath that decl, in pkg, mentions: the field types of a struct type
// or the parameter types of a function called decl.
func domainTypesIn(pkg *goPackage, decl, domainPath string) ([]string, error) {
	var fields []*ast.Field
	var file *ast.File
	if ts, f := typeSpec(pkg, decl); ts != nil {
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return nil, fmt.Errorf("%s: %s is neither a struct type nor a function", pkg.dir, decl)
		}
		fields, file = st.Fields.List, f
	} else if fd, f := funcDecl(pkg, decl); fd != nil {
		fields, file = fd.Type.Params.List, f
	} else {
		return nil, fmt.Errorf("%s: no type or function %s", pkg.dir, decl)
	}
	imports := fileImports(file)
	var names []string
	for _, field := range fields {
		if path, name, ok := qualified(field.Type, imports); ok && path == domainPath {
			names = append(names, name)
		}
	}
	return names, nil
}

// mentions reports whether some file of pkg mentions the qualified
// identifier importPath.name.
func mentions(pkg *goPackage, importPath, name string) bool {
	found := false
	for _, f := range pkg.files {
		imports := fileImports(f)
		ast.Inspect(f, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok && !found {
				if path, sel, ok := qualified(e, imports); ok && path == importPath && sel == name {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// decodedItemTypes returns the item types (values of the type* constants)
// the tagged switch of the function decoder in pkg has cases for: the
// item types the stream decoder turns into facts.
func decodedItemTypes(pkg *goPackage, decoder string) ([]string, error) {
	fd, _ := funcDecl(pkg, decoder)
	if fd == nil {
		return nil, fmt.Errorf("%s: no function %s", pkg.dir, decoder)
	}
	consts := stringConsts(pkg)
	var switches [][]string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		sw, ok := n.(*ast.SwitchStmt)
		if !ok || sw.Tag == nil {
			return true
		}
		var values []string
		for _, stmt := range sw.Body.List {
			for _, e := range stmt.(*ast.CaseClause).List {
				id, ok := e.(*ast.Ident)
				v, isConst := "", false
				if ok && strings.HasPrefix(id.Name, "type") {
					v, isConst = consts[id.Name]
				}
				if !isConst {
					return true // not a switch on item types
				}
				values = append(values, v)
			}
		}
		if len(values) > 0 {
			switches = append(switches, values)
		}
		return true
	})
	if len(switches) != 1 {
		return nil, fmt.Errorf("%s: want exactly one switch over type* constants in %s, found %d", pkg.dir, decoder, len(switches))
	}
	sort.Strings(switches[0])
	return slices.Compact(switches[0]), nil
}

// funcInfo is what one function or method of the store package does with
// the DynamoDB client, on its own (not counting what it calls).
type funcInfo struct {
	// body is the function's body, or a package-level variable's initial
	// value.
	body     ast.Node
	recvType string // "" for a function
	recvName string
	// ops are the SDK operations it calls on the client (directly or
	// through an SDK paginator it gives the client to).
	ops map[string]bool
	// txItems are the IAM actions of the transaction items it builds: a
	// TransactWriteItem's Put, Update, Delete, ConditionCheck (PutItem,
	// UpdateItem, DeleteItem, ConditionCheckItem), a TransactGetItem's
	// Get (GetItem).
	txItems map[string]bool
	// usesIndex reports whether it sets an IndexName (reads an index).
	usesIndex bool
	// refs are the functions and methods of the package it calls or
	// refers to (keys of storeAnalysis.funcs).
	refs map[string]bool
	// unknown lists uses of the client the analysis cannot follow.
	unknown []string
}

// storeAnalysis is the call graph of the store package, reduced to what the
// least-privilege check needs.
type storeAnalysis struct {
	pkg     *goPackage
	funcs   map[string]*funcInfo         // "Store.get", "storageError"
	byName  map[string][]string          // method name -> keys of methods so named
	methods map[string]map[string]string // receiver type -> method -> key
}

// storeUse is what an exported Store method reaches, transitively.
type storeUse struct {
	ops       []string // SDK operations, sorted
	actions   []string // IAM actions, sorted
	usesIndex bool
	problems  []string
}

// analyzeStore builds the store package's call graph: a node for each
// function and method, and for each package-level variable (its initial
// value may be a function literal that uses the client).
func analyzeStore(pkg *goPackage) *storeAnalysis {
	a := &storeAnalysis{pkg: pkg, funcs: map[string]*funcInfo{}, byName: map[string][]string{}, methods: map[string]map[string]string{}}
	type pending struct {
		info    *funcInfo
		imports map[string]string
	}
	var all []pending
	newInfo := func(body ast.Node) *funcInfo {
		return &funcInfo{body: body, ops: map[string]bool{}, txItems: map[string]bool{}, refs: map[string]bool{}}
	}
	for _, f := range pkg.files {
		imports := fileImports(f)
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) && name.Name != "_" {
							info := newInfo(vs.Values[i])
							a.funcs[name.Name] = info
							all = append(all, pending{info, imports})
						}
					}
				}
				continue
			}
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			info := newInfo(fd.Body)
			key := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				info.recvType = receiverType(fd.Recv.List[0].Type)
				if names := fd.Recv.List[0].Names; len(names) == 1 {
					info.recvName = names[0].Name
				}
				key = info.recvType + "." + fd.Name.Name
				a.byName[fd.Name.Name] = append(a.byName[fd.Name.Name], key)
				if a.methods[info.recvType] == nil {
					a.methods[info.recvType] = map[string]string{}
				}
				a.methods[info.recvType][fd.Name.Name] = key
			}
			a.funcs[key] = info
			all = append(all, pending{info, imports})
		}
	}
	for _, p := range all {
		a.scan(p.info, p.imports)
	}
	return a
}

// receiverType names a method's receiver type (T for T, *T, T[P], *T[P]).
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// scan fills info from its function body. Calls are resolved by name
// without type information: x.m refers to the method m of the receiver's
// type when x is the receiver, and otherwise to every method of the
// package called m; an identifier that names a package-level function
// refers to it. This over-approximates, never misses, a reference.
func (a *storeAnalysis) scan(info *funcInfo, imports map[string]string) {
	recvName := info.recvName
	var stack []ast.Node
	ast.Inspect(info.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if _, _, ok := qualified(n, imports); ok {
				stack = stack[:len(stack)-1] // Inspect skips the nil call for it
				return false                 // another package's identifier
			}
			switch n.Sel.Name {
			case clientField:
				a.clientUse(info, n, parent, imports)
			case "IndexName":
				info.usesIndex = true
			}
			if x, ok := n.X.(*ast.Ident); ok && x.Name == recvName {
				if key, ok := a.methods[info.recvType][n.Sel.Name]; ok {
					info.refs[key] = true
					return true
				}
			}
			for _, key := range a.byName[n.Sel.Name] {
				info.refs[key] = true
			}
		case *ast.Ident:
			if sel, ok := parent.(*ast.SelectorExpr); ok && sel.Sel == n {
				return true
			}
			if kv, ok := parent.(*ast.KeyValueExpr); ok && kv.Key == n {
				if n.Name == "IndexName" {
					info.usesIndex = true
				}
				return true
			}
			if _, ok := a.funcs[n.Name]; ok {
				info.refs[n.Name] = true
			}
		case *ast.CompositeLit:
			for _, action := range txItemActions(n, imports) {
				info.txItems[action] = true
			}
		}
		return true
	})
}

// clientUse records the use of the store's client that sel (x.client) is:
// a method call or method value x.client.Op, or the client handed to an
// SDK paginator (dynamodb.NewOpPaginator). Anything else is recorded as a
// use the analysis cannot follow.
func (a *storeAnalysis) clientUse(info *funcInfo, sel *ast.SelectorExpr, parent ast.Node, imports map[string]string) {
	switch p := parent.(type) {
	case *ast.SelectorExpr:
		if p.X == sel {
			info.ops[p.Sel.Name] = true
			return
		}
	case *ast.CallExpr:
		path, name, ok := qualified(p.Fun, imports)
		if ok && path == sdkDynamoPath && strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Paginator") && slices.Contains(p.Args, ast.Expr(sel)) {
			info.ops[strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Paginator")] = true
			return
		}
	}
	info.unknown = append(info.unknown, fmt.Sprintf("%s: a use of the DynamoDB client the analysis cannot follow (call x.%s.Op or pass it to dynamodb.NewOpPaginator)",
		a.pkg.fset.Position(sel.Pos()), clientField))
}

// txItemFieldActions maps the fields of types.TransactWriteItem and
// types.TransactGetItem, and the SDK types of those fields, to the IAM
// actions a transaction holding them needs.
var txItemFieldActions = map[string]string{
	"Put":            "dynamodb:PutItem",
	"Update":         "dynamodb:UpdateItem",
	"Delete":         "dynamodb:DeleteItem",
	"ConditionCheck": "dynamodb:ConditionCheckItem",
	"Get":            "dynamodb:GetItem",
}

// txItemActions returns the IAM actions of the transaction items lit
// builds: a types.Put, types.Update, types.Delete, types.ConditionCheck or
// types.Get, or a types.TransactWriteItem / TransactGetItem with those
// fields set (also as elements of a slice literal with elided types).
func txItemActions(lit *ast.CompositeLit, imports map[string]string) []string {
	var out []string
	itemFields := func(l *ast.CompositeLit) {
		for _, e := range l.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, _ := kv.Key.(*ast.Ident)
			if v, isIdent := kv.Value.(*ast.Ident); k == nil || (isIdent && v.Name == "nil") {
				continue
			}
			if action, ok := txItemFieldActions[k.Name]; ok {
				out = append(out, action)
			}
		}
	}
	isItem := func(e ast.Expr) bool {
		if star, ok := e.(*ast.StarExpr); ok {
			e = star.X
		}
		path, name, ok := qualified(e, imports)
		return ok && path == sdkTypesPath && (name == "TransactWriteItem" || name == "TransactGetItem")
	}
	switch t := lit.Type.(type) {
	case *ast.ArrayType:
		if !isItem(t.Elt) {
			return nil
		}
		for _, e := range lit.Elts {
			if u, ok := e.(*ast.UnaryExpr); ok {
				e = u.X
			}
			if l, ok := e.(*ast.CompositeLit); ok && l.Type == nil {
				itemFields(l)
			}
		}
	default:
		if isItem(lit.Type) {
			itemFields(lit)
		} else if path, name, ok := qualified(lit.Type, imports); ok && path == sdkTypesPath {
			if action, ok := txItemFieldActions[name]; ok {
				out = append(out, action)
			}
		}
	}
	return out
}

// opActions maps the SDK operations of single items, queries and batches
// to their IAM actions. Transactions are mapped by their items instead.
var opActions = map[string]string{
	"GetItem":        "dynamodb:GetItem",
	"PutItem":        "dynamodb:PutItem",
	"UpdateItem":     "dynamodb:UpdateItem",
	"DeleteItem":     "dynamodb:DeleteItem",
	"Query":          "dynamodb:Query",
	"Scan":           "dynamodb:Scan",
	"BatchGetItem":   "dynamodb:BatchGetItem",
	"BatchWriteItem": "dynamodb:BatchWriteItem",
	"DescribeTable":  "dynamodb:DescribeTable",
}

// use returns what the method key reaches: every function it calls or
// refers to, transitively, and the SDK operations and IAM actions those
// use. TransactWriteItems and TransactGetItems need the actions of the
// items they hold (IAM has no action for the transaction itself); the
// items counted are those built anywhere in the method's reach.
func (a *storeAnalysis) use(key string) storeUse {
	var u storeUse
	seen := map[string]bool{key: true}
	queue := []string{key}
	ops, tx := map[string]bool{}, map[string]bool{}
	for len(queue) > 0 {
		info := a.funcs[queue[0]]
		queue = queue[1:]
		for op := range info.ops {
			ops[op] = true
		}
		for act := range info.txItems {
			tx[act] = true
		}
		u.usesIndex = u.usesIndex || info.usesIndex
		u.problems = append(u.problems, info.unknown...)
		for ref := range info.refs {
			if !seen[ref] {
				seen[ref] = true
				queue = append(queue, ref)
			}
		}
	}
	actions := map[string]bool{}
	for op := range ops {
		u.ops = append(u.ops, op)
		switch op {
		case "TransactWriteItems", "TransactGetItems":
			found := false
			for act := range tx {
				if (act == "dynamodb:GetItem") == (op == "TransactGetItems") {
					actions[act], found = true, true
				}
			}
			if !found {
				u.problems = append(u.problems, fmt.Sprintf("%s calls %s but builds no transaction items the analysis recognises", key, op))
			}
		default:
			act, ok := opActions[op]
			if !ok {
				u.problems = append(u.problems, fmt.Sprintf("%s calls DynamoDB %s, which has no IAM mapping in opActions (source_test.go): add one", key, op))
				continue
			}
			actions[act] = true
		}
	}
	for act := range actions {
		u.actions = append(u.actions, act)
	}
	sort.Strings(u.ops)
	sort.Strings(u.actions)
	sort.Strings(u.problems)
	return u
}

// modulePath reads the module path from the go.mod in root.
func modulePath(root string) (string, error) {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s/go.mod: no module line", root)
}
