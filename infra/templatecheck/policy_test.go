package templatecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// streamReadActions are what Lambda's event source mapping calls on a
// DynamoDB stream, with the function's role.
var streamReadActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

// loggingActions are what every function needs to write its logs; they
// may be granted on any resource (AWSLambdaBasicExecutionRole uses "*").
var loggingActions = []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}

// managedPolicies are the statements of the AWS managed policies a role
// may carry, by name.
var managedPolicies = map[string][]grant{
	"AWSLambdaBasicExecutionRole":    anywhere(loggingActions...),
	"AWSLambdaDynamoDBExecutionRole": anywhere(append(slices.Clone(streamReadActions), loggingActions...)...),
}

// The SES resources a mail-sending function may send through.
const (
	sesIdentityARN  = "!Sub arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderDomain}"
	sesConfigSetARN = "!Sub arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${MailConfigurationSet}"
)

// grant is one action a role allows on one resource, and where it comes
// from (for messages).
type grant struct {
	action, resource, origin string
}

// anywhere grants actions on "*".
func anywhere(actions ...string) []grant {
	gs := make([]grant, len(actions))
	for i, a := range actions {
		gs[i] = grant{action: a, resource: "*"}
	}
	return gs
}

// tableARNs are the resources of the table, rendered as render writes
// them.
type tableARNs struct {
	table   string // !GetAtt Table.Arn
	index   string // !Sub ${Table.Arn}/index/*
	stream  string // !GetAtt Table.StreamArn
	streams string // !Sub ${Table.Arn}/stream/*
}

// newTableARNs names the resources of the table with logical id id.
func newTableARNs(id string) tableARNs {
	return tableARNs{
		table:   "!GetAtt " + id + ".Arn",
		index:   "!Sub ${" + id + ".Arn}/index/*",
		stream:  "!GetAtt " + id + ".StreamArn",
		streams: "!Sub ${" + id + ".Arn}/stream/*",
	}
}

// allowance is what a function may and must be granted for one action.
type allowance struct {
	// resources it may be granted on; nil means any.
	resources map[string]bool
	// required lists resources it must be granted on at least one of; empty
	// means any.
	required []string
	// why says who needs it.
	why []string
}

// allowances collects, per IAM action, what a function needs.
type allowances map[string]*allowance

// allow records that action is needed on one of required and may be
// granted on resources (none: anywhere).
func (al allowances) allow(action, why string, required []string, resources ...string) {
	a := al[action]
	if a == nil {
		a = &allowance{}
		if len(resources) > 0 {
			a.resources = map[string]bool{}
		}
		al[action] = a
	}
	for _, r := range resources {
		a.resources[r] = true
	}
	a.required = append(a.required, required...)
	a.why = append(a.why, why)
}

// checkLeastPrivilege checks that the role of each function in the
// template grants exactly the actions the function needs, on only the
// resources it needs them on:
//
//   - the DynamoDB actions its code reaches (see codeFacts.needs), on the
//     table, and on its indexes for the Queries on them;
//   - for each DynamoDB stream event, the stream read actions on that
//     stream (ListStreams may also be granted on the table's streams,
//     ${Table.Arn}/stream/*, which is how SAM's own DynamoDBStreamReadPolicy
//     scopes it), and sqs:SendMessage on its SQS on-failure queue;
//   - the logging actions, anywhere.
//
// The role checked is the one the function runs with: for a role SAM
// generates, the Policies statements plus what SAM adds (the managed
// AWSLambdaBasicExecutionRole; for a DynamoDB event, the managed
// AWSLambdaDynamoDBExecutionRole and a policy for an SQS on-failure
// destination); for Role: !GetAtt R.Arn, the policies of the
// AWS::IAM::Role R.
func checkLeastPrivilege(tplPath string, tpl *samtemplate.Template, code *codeFacts) []string {
	tableID, _, err := tpl.Table()
	if err != nil {
		return []string{err.Error()}
	}
	arns := newTableARNs(tableID)
	var problems []string
	for _, key := range []string{"Policies", "Role"} {
		if _, ok := lookup(tpl.Globals, "Function", key); ok {
			problems = append(problems, "Globals.Function."+key+" is set: give each function its own, so each can be checked against its code")
		}
	}
	for _, id := range resourcesOfType(tpl, functionType) {
		problems = append(problems, checkFunctionPrivilege(tplPath, tpl, id, arns, code)...)
	}
	return problems
}

// checkFunctionPrivilege is checkLeastPrivilege for the function id.
func checkFunctionPrivilege(tplPath string, tpl *samtemplate.Template, id string, arns tableARNs, code *codeFacts) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, id+": "+fmt.Sprintf(format, args...))
	}
	r, ok := roles[id]
	if !ok {
		bad("no entry in roles (facts_test.go) says which domain interfaces its code uses the store as; add one")
		return problems
	}
	if dir, err := codeDir(tplPath, tpl, id); err == nil {
		makefile, _ := os.ReadFile(filepath.Join(dir, "Makefile"))
		if recipe, _ := makeRecipe(makefile, "build-"+id); !strings.Contains(recipe, "./"+r.main) {
			bad("make target build-%s does not build ./%s, the main package its role in facts_test.go names", id, r.main)
		}
	}
	needs := code.needs(id)
	for _, p := range needs.problems {
		bad("%s", p)
	}

	al := allowances{}
	for act, who := range needs.actions {
		al.allow(act, strings.Join(who, ", "), []string{arns.table}, arns.table, arns.index)
	}
	for _, ev := range functionEvents(tpl, id, "DynamoDB") {
		if s := render(ev.props["Stream"]); s != arns.stream {
			bad("event %s reads %s, not the table's stream %s", ev.name, s, arns.stream)
		}
		why := "the event source mapping of " + ev.name + " reads the stream"
		for _, act := range streamReadActions {
			if act == "dynamodb:ListStreams" {
				al.allow(act, why, []string{arns.stream, arns.streams}, arns.stream, arns.streams)
				continue
			}
			al.allow(act, why, []string{arns.stream}, arns.stream)
		}
		if dest, ok := lookup(ev.props, "DestinationConfig", "OnFailure", "Destination"); ok {
			q, attr, ok := getAtt(dest)
			if !ok || attr != "Arn" || !isResource(tpl, q, queueType) {
				bad("event %s: on-failure destination %s is not the Arn of an %s in the template", ev.name, render(dest), queueType)
				continue
			}
			al.allow("sqs:SendMessage", "Lambda sends what "+ev.name+" keeps failing on to "+q, []string{render(dest)}, render(dest))
		}
	}
	for _, act := range loggingActions {
		al.allow(act, "every function writes logs", nil)
	}
	if r.sendsMail {
		// Email goes out as the sending identity through the configuration
		// set that publishes bounces (docs/email.md); nothing else.
		al.allow("ses:SendEmail", "it sends email", []string{sesIdentityARN}, sesIdentityARN, sesConfigSetARN)
	}

	grants, gp := effectiveGrants(tpl, id)
	for _, p := range gp {
		bad("%s", p)
	}
	for _, p := range compareGrants(al, grants) {
		bad("%s", p)
	}
	onIndex := false
	for _, g := range grants {
		onIndex = onIndex || g.resource == arns.index
	}
	switch {
	case needs.usesIndex && !hasGrant(grants, "dynamodb:Query", arns.index):
		bad("its code queries an index, but dynamodb:Query is not granted on %s", arns.index)
	case !needs.usesIndex && onIndex:
		bad("grants actions on %s, but its code reads no index", arns.index)
	}
	return problems
}

// hasGrant reports whether grants allow action on resource.
func hasGrant(grants []grant, action, resource string) bool {
	for _, g := range grants {
		if strings.EqualFold(g.action, action) && g.resource == resource {
			return true
		}
	}
	return false
}

// compareGrants compares what a role grants with what the function needs:
// a grant of an action nothing needs, or on a resource it may not be
// granted on, and an action needed but not granted on a resource it is
// needed on, are problems. Grants from one place with one fault are
// reported together.
func compareGrants(al allowances, grants []grant) []string {
	canon := map[string]string{} // IAM actions are case-insensitive
	for act := range al {
		canon[strings.ToLower(act)] = act
	}
	type fault struct{ origin, resource, allowed string }
	faults := map[fault][]string{} // allowed "" means the action is not needed
	var order []fault
	grantedOn := map[string]map[string]bool{}
	for _, g := range grants {
		act, ok := canon[strings.ToLower(g.action)]
		var f fault
		switch {
		case !ok:
			f, act = fault{origin: g.origin}, g.action
		case al[act].resources != nil && !al[act].resources[g.resource]:
			f = fault{origin: g.origin, resource: g.resource, allowed: setString(al[act].resources)}
		default:
			if grantedOn[act] == nil {
				grantedOn[act] = map[string]bool{}
			}
			grantedOn[act][g.resource] = true
			continue
		}
		if _, seen := faults[f]; !seen {
			order = append(order, f)
		}
		if !slices.Contains(faults[f], act) {
			faults[f] = append(faults[f], act)
		}
	}
	var problems []string
	for _, f := range order {
		sort.Strings(faults[f])
		if f.allowed == "" {
			problems = append(problems, fmt.Sprintf("grants %s (%s), which nothing the function does needs", strings.Join(faults[f], ", "), f.origin))
			continue
		}
		problems = append(problems, fmt.Sprintf("grants %s on %s (%s); allowed only on %s", strings.Join(faults[f], ", "), f.resource, f.origin, f.allowed))
	}
	for act, a := range al {
		ok := len(a.required) == 0 && len(grantedOn[act]) > 0
		for _, r := range a.required {
			ok = ok || grantedOn[act][r]
		}
		if !ok {
			on := "any resource"
			if len(a.required) > 0 {
				on = strings.Join(a.required, " or ")
			}
			problems = append(problems, fmt.Sprintf("lacks %s on %s, which it needs: %s", act, on, strings.Join(a.why, "; ")))
		}
	}
	sort.Strings(problems)
	return problems
}

// setString lists a set's members, sorted.
func setString(set map[string]bool) string {
	var s []string
	for k := range set {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// effectiveGrants returns what the role function id runs with grants (see
// checkLeastPrivilege), and what the check cannot read.
func effectiveGrants(tpl *samtemplate.Template, id string) ([]grant, []string) {
	props := tpl.Resources[id].Properties
	var grants []grant
	var problems []string
	add := func(gs []grant, ps []string) {
		grants, problems = append(grants, gs...), append(problems, ps...)
	}
	if roleValue, ok := props["Role"]; ok {
		if _, has := props["Policies"]; has {
			problems = append(problems, "sets both Role and Policies; SAM ignores Policies when Role is set")
		}
		rid, attr, ok := getAtt(roleValue)
		if !ok || attr != "Arn" || !isResource(tpl, rid, "AWS::IAM::Role") {
			return nil, append(problems, fmt.Sprintf("Role %s is not the Arn of an AWS::IAM::Role in the template, so the check cannot read its policies", render(roleValue)))
		}
		rp := tpl.Resources[rid].Properties
		for i, p := range asList(rp["Policies"]) {
			doc, _ := lookup(p, "PolicyDocument")
			add(statementGrants(doc, fmt.Sprintf("%s.Policies[%d]", rid, i)))
		}
		for _, arn := range asList(rp["ManagedPolicyArns"]) {
			add(managedGrants(arn, rid+".ManagedPolicyArns"))
		}
		return grants, problems
	}
	add(managedGrants("AWSLambdaBasicExecutionRole", "managed policy SAM attaches to every role it generates"))
	for i, p := range asList(props["Policies"]) {
		origin := fmt.Sprintf("Policies[%d]", i)
		m, isMap := p.(map[string]any)
		if _, ok := m["Statement"]; ok {
			add(statementGrants(p, origin))
			continue
		}
		if isMap {
			problems = append(problems, fmt.Sprintf("%s is a SAM policy template (%s), which the check cannot read: write the statements out", origin, render(p)))
			continue
		}
		add(managedGrants(p, origin))
	}
	for _, ev := range functionEvents(tpl, id, "DynamoDB") {
		add(managedGrants("AWSLambdaDynamoDBExecutionRole",
			"managed policy SAM attaches to the role it generates for the DynamoDB event "+ev.name+"; give the function its own Role to avoid it"))
		if t, _ := lookup(ev.props, "DestinationConfig", "OnFailure", "Type"); t == "SQS" {
			dest, _ := lookup(ev.props, "DestinationConfig", "OnFailure", "Destination")
			grants = append(grants, grant{action: "sqs:SendMessage", resource: render(dest), origin: "SAM's policy for the on-failure destination of " + ev.name})
		}
	}
	return grants, problems
}

// statementGrants reads the Allow statements of an IAM policy document.
func statementGrants(doc any, origin string) ([]grant, []string) {
	var grants []grant
	var problems []string
	st, _ := lookup(doc, "Statement")
	for j, s := range asList(st) {
		where := fmt.Sprintf("%s.Statement[%d]", origin, j)
		m, ok := s.(map[string]any)
		if !ok {
			problems = append(problems, where+" is not a mapping")
			continue
		}
		if m["Effect"] != "Allow" {
			problems = append(problems, fmt.Sprintf("%s has Effect %s; the check understands Allow statements only", where, render(m["Effect"])))
			continue
		}
		if _, ok := m["NotAction"]; ok {
			problems = append(problems, where+" uses NotAction, which grants everything else: list the actions")
		}
		if _, ok := m["NotResource"]; ok {
			problems = append(problems, where+" uses NotResource, which grants everything else: list the resources")
		}
		for _, a := range asList(m["Action"]) {
			action, ok := a.(string)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: action %s is not a string", where, render(a)))
				continue
			}
			for _, r := range asList(m["Resource"]) {
				grants = append(grants, grant{action: action, resource: render(r), origin: where})
			}
		}
	}
	return grants, problems
}

// managedGrants returns the statements of a managed policy given by name
// or ARN (a string or a one-string !Sub).
func managedGrants(v any, origin string) ([]grant, []string) {
	s := strings.TrimPrefix(render(v), "!Sub ")
	if i := strings.Index(s, ":policy/"); i >= 0 {
		s = s[i+len(":policy/"):]
	}
	name := s[strings.LastIndex(s, "/")+1:]
	gs, ok := managedPolicies[name]
	if !ok {
		return nil, []string{fmt.Sprintf("%s: managed policy %s is not one the check knows (managedPolicies in policy_test.go)", origin, render(v))}
	}
	out := make([]grant, len(gs))
	for i, g := range gs {
		out[i] = grant{action: g.action, resource: g.resource, origin: name + ", " + origin}
	}
	return out, nil
}

// TestLeastPrivilege checks each function's role against its code.
func TestLeastPrivilege(t *testing.T) {
	path := repoTemplate(t)
	report(t, checkLeastPrivilege(path, mustLoad(t, path), mustFacts(t)))
}
