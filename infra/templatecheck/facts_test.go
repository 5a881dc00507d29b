package templatecheck

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// role says where the code of one function names the domain interfaces
// through which it reaches the store. The least-privilege check derives
// the function's DynamoDB actions from these interfaces; a function in the
// template without a role fails the check.
type role struct {
	// main is the function's main package, relative to the module root;
	// the function's build-<LogicalId> make target must build it.
	main string
	// pkg declares decl and is what main hands the store to (relative to
	// the module root).
	pkg string
	// decl is a struct type whose fields, or a function whose parameters,
	// are the domain interfaces (from pkg/warmlead) the store is used as.
	decl string
	// decoder is the store's stream decoder for its DynamoDB events
	// ("" = streamDecoder); sendsMail means it may send as the SES identity.
	decoder   string
	sendsMail bool
	// wiring, when set, is the package main hands its work to (main names
	// it, and it names pkg.decl): the HTTP API's functions share one.
	wiring string
}

// roles maps each function's logical id to its role.
var roles = map[string]role{
	// The HTTP API's functions (one per group of routes, pkg/httpapi's
	// groups.go) each build httpapi.Services from the store: every service.
	"ApiFunction":       apiRole("functions/api"),
	"PostingsFunction":  apiRole("functions/postings"),
	"ReferralsFunction": apiRole("functions/referrals"),
	"MembersFunction":   apiRole("functions/members"),
	"OrgsFunction":      apiRole("functions/orgs"),
	"PeopleFunction":    apiRole("functions/people"),
	// The notifier hands the store to notify.NewHandler as a FanoutStore.
	"NotifierFunction": {main: "functions/notifier", pkg: "pkg/notify", decl: "NewHandler"},
	// Follow-ups and email (docs/followups.md): both use the store as
	// followup.Stores; the stream step reads the stream with DecodeFollowUp.
	"FollowupsFunction": {main: "functions/followups", pkg: "pkg/followup", decl: "Stores", decoder: "DecodeFollowUp", sendsMail: true},
	"SchedulerFunction": {main: "functions/scheduler", pkg: "pkg/followup", decl: "Stores", sendsMail: true},
}

// apiRole is the role of a function of the HTTP API: main hands its group
// to functions/internal/apimain, which builds httpapi.Services.
func apiRole(main string) role {
	return role{main: main, pkg: "pkg/httpapi", decl: "Services", wiring: "functions/internal/apimain"}
}

// Where the code the checks read lives, relative to the module root.
const (
	storeDir  = "pkg/dynamo"
	domainDir = "pkg/warmlead"
	// streamDecoder is the store's function that turns stream records into
	// facts; its switch over item types says which records matter.
	streamDecoder = "DecodeRecord"
)

// sources says where the code lives; tests point store at an altered copy
// to show a check notices a change in the code.
type sources struct {
	root  string // module root
	store string // the store package directory
}

// codeFacts is what the checks need to know about the code.
type codeFacts struct {
	// roleServices lists, per function, the domain interfaces it uses the
	// store as; roleMethods the interface methods; roleProblems what kept
	// the analysis from deriving them.
	roleServices map[string][]string
	roleMethods  map[string]map[string][]string // function -> interface -> methods
	roleProblems map[string][]string
	// store is the store package's call graph.
	store *storeAnalysis
	// decodedTypes are the item types the stream decoder handles;
	// decodedBy the same per function whose role names its own decoder.
	decodedTypes []string
	decodedBy    map[string][]string
	// indexNames are the index names the store uses (its index* constants).
	indexNames []string
	// attributes are the attribute names of the store's items.
	attributes map[string]bool
}

// analyze reads the code under src.
func analyze(src sources) (*codeFacts, error) {
	module, err := modulePath(src.root)
	if err != nil {
		return nil, err
	}
	storePkg, err := parsePackage(src.store)
	if err != nil {
		return nil, err
	}
	domainPkg, err := parsePackage(filepath.Join(src.root, domainDir))
	if err != nil {
		return nil, err
	}
	facts := &codeFacts{
		roleServices: map[string][]string{}, roleMethods: map[string]map[string][]string{}, roleProblems: map[string][]string{},
		store: analyzeStore(storePkg), attributes: dynamodbavNames(storePkg),
		indexNames: constsWithPrefix(stringConsts(storePkg), "index"),
	}
	if facts.decodedTypes, err = decodedItemTypes(storePkg, streamDecoder); err != nil {
		return nil, err
	}
	facts.decodedBy = map[string][]string{}
	for id, r := range roles {
		if r.decoder != "" {
			if facts.decodedBy[id], err = decodedItemTypes(storePkg, r.decoder); err != nil {
				return nil, err
			}
		}
	}
	for id, r := range roles {
		services, methods, problems, err := roleInterfaces(src.root, module, r, domainPkg)
		if err != nil {
			return nil, fmt.Errorf("role of %s: %w", id, err)
		}
		facts.roleServices[id], facts.roleMethods[id], facts.roleProblems[id] = services, methods, problems
	}
	return facts, nil
}

// roleInterfaces returns the domain interfaces r's declaration names and
// their methods, and problems if r's main package does not use that
// declaration.
func roleInterfaces(root, module string, r role, domainPkg *goPackage) (services []string, methods map[string][]string, problems []string, err error) {
	pkg, err := parsePackage(filepath.Join(root, r.pkg))
	if err != nil {
		return nil, nil, nil, err
	}
	mainPkg, err := parsePackage(filepath.Join(root, r.main))
	if err != nil {
		return nil, nil, nil, err
	}
	if r.wiring != "" {
		if !mentions(mainPkg, module+"/"+r.wiring, "Main") {
			problems = append(problems, fmt.Sprintf("%s does not call %s.Main, so the role in facts_test.go no longer says what the function does", r.main, filepath.Base(r.wiring)))
		}
		if mainPkg, err = parsePackage(filepath.Join(root, r.wiring)); err != nil {
			return nil, nil, nil, err
		}
	}
	if !mentions(mainPkg, module+"/"+r.pkg, r.decl) {
		problems = append(problems, fmt.Sprintf("%s does not use %s.%s, so the role in facts_test.go no longer says what the function does", r.main, filepath.Base(r.pkg), r.decl))
	}
	names, err := domainTypesIn(pkg, r.decl, module+"/"+domainDir)
	if err != nil {
		return nil, nil, nil, err
	}
	methods = map[string][]string{}
	for _, name := range names {
		ms, err := interfaceMethods(domainPkg, name)
		if err != nil {
			continue // a domain type that is not an interface (a value, a config)
		}
		services = append(services, name)
		methods[name] = ms
	}
	if len(services) == 0 {
		problems = append(problems, fmt.Sprintf("%s.%s names no interface of %s", r.pkg, r.decl, domainDir))
	}
	sort.Strings(services)
	return services, methods, problems, nil
}

// functionNeeds is what a function's code needs of the table, derived from
// its role: the IAM actions, which Store methods need each, whether it reads
// an index, and what the analysis could not follow.
type functionNeeds struct {
	actions   map[string][]string // IAM action -> "Interface.Method" needing it
	usesIndex bool
	problems  []string
}

// needs derives what the function id needs of the table.
func (c *codeFacts) needs(id string) functionNeeds {
	n := functionNeeds{actions: map[string][]string{}, problems: c.roleProblems[id]}
	for _, iface := range c.roleServices[id] {
		for _, m := range c.roleMethods[id][iface] {
			key := storeType + "." + m
			if _, ok := c.store.funcs[key]; !ok {
				n.problems = append(n.problems, fmt.Sprintf("%s has no method %s (of %s)", storeType, m, iface))
				continue
			}
			u := c.store.use(key)
			for _, act := range u.actions {
				n.actions[act] = append(n.actions[act], iface+"."+m)
			}
			n.usesIndex = n.usesIndex || u.usesIndex
			n.problems = append(n.problems, u.problems...)
		}
	}
	sort.Strings(n.problems)
	n.problems = compactStrings(n.problems)
	return n
}

// compactStrings removes adjacent duplicates from a sorted slice.
func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// findRoot returns the repository root: the folder of template.yaml,
// found the way every local tool finds it.
func findRoot() (string, error) {
	path, err := samtemplate.Find()
	if err != nil {
		return "", err
	}
	return filepath.Dir(path), nil
}

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// repoFacts analyses the repository's code once per test binary.
var repoFacts = sync.OnceValues(func() (*codeFacts, error) {
	root, err := findRoot()
	if err != nil {
		return nil, err
	}
	return analyze(sources{root: root, store: filepath.Join(root, storeDir)})
})

// mustFacts returns the repository's code facts.
func mustFacts(t testing.TB) *codeFacts {
	t.Helper()
	facts, err := repoFacts()
	if err != nil {
		t.Fatal(err)
	}
	return facts
}

// repoTemplate is the path of the repository's template.yaml.
func repoTemplate(t testing.TB) string {
	return filepath.Join(repoRoot(t), samtemplate.FileName)
}

// mustLoad loads the template at path.
func mustLoad(t testing.TB, path string) *samtemplate.Template {
	t.Helper()
	tpl, err := samtemplate.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// report fails t with each problem, one line each.
func report(t *testing.T, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Error(p)
	}
}

// TestCodeAnalysis shows what the analysis of pkg/dynamo found, per
// exported Store method (go test -v), and fails if it could not follow
// some use of the client.
func TestCodeAnalysis(t *testing.T) {
	facts := mustFacts(t)
	var keys []string
	for key, info := range facts.store.funcs {
		if info.recvType == storeType && ast.IsExported(key[len(storeType)+1:]) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		t.Fatal("no exported Store methods found")
	}
	var problems []string
	for _, key := range keys {
		u := facts.store.use(key)
		t.Logf("%-28s ops %-55s → %s", key, strings.Join(u.ops, ","), strings.Join(u.actions, ","))
		problems = append(problems, u.problems...)
	}
	for id := range roles {
		t.Logf("%s uses the store as %v", id, facts.roleServices[id])
	}
	t.Logf("stream decoder handles item types %v; store indexes %v", facts.decodedTypes, facts.indexNames)
	sort.Strings(problems)
	report(t, compactStrings(problems))
}
