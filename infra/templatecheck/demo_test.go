package templatecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// checkFunc is any of the checks, in one shape: the template's path and
// content and the code facts in, problems out.
type checkFunc func(path string, tpl *samtemplate.Template, code *codeFacts) []string

// The checks in that shape.
var (
	buildCheck checkFunc = func(path string, tpl *samtemplate.Template, _ *codeFacts) []string {
		return checkFunctionBuilds(path, tpl)
	}
	policyCheck checkFunc = checkLeastPrivilege
	streamCheck checkFunc = func(_ string, tpl *samtemplate.Template, code *codeFacts) []string {
		return checkStreamSource(tpl, code)
	}
	tableCheck checkFunc = func(_ string, tpl *samtemplate.Template, code *codeFacts) []string {
		return checkTable(tpl, code)
	}
	httpAPICheck checkFunc = func(_ string, tpl *samtemplate.Template, _ *codeFacts) []string {
		return checkHTTPAPI(tpl)
	}
	allChecks = map[string]checkFunc{"build": buildCheck, "policy": policyCheck, "stream": streamCheck, "table": tableCheck, "httpapi": httpAPICheck}
)

// edit replaces old, which must occur exactly once, by new.
type edit struct{ old, new string }

// apply applies e to text, failing t if old does not occur exactly once.
func (e edit) apply(t *testing.T, text string) string {
	t.Helper()
	if n := strings.Count(text, e.old); n != 1 {
		t.Fatalf("%q occurs %d times, want once", e.old, n)
	}
	return strings.Replace(text, e.old, e.new, 1)
}

// breakage is a change that a check must notice.
type breakage struct {
	name  string
	edits []edit
	check checkFunc
	want  string // a substring of one of the problems reported
}

// templateBreakages break a copy of template.yaml.
var templateBreakages = []breakage{
	// 1. build
	{"x86_64", []edit{{"Architectures: [arm64]", "Architectures: [x86_64]"}}, buildCheck, "Architectures is [x86_64]"},
	{"old runtime", []edit{{"Runtime: provided.al2023", "Runtime: provided.al2"}}, buildCheck, `Runtime is "provided.al2"`},
	{"no make target", []edit{{"\n  NotifierFunction:\n", "\n  NotifierFn:\n"}}, buildCheck, "no target build-NotifierFn"},
	{"not built by make", []edit{{"      BuildMethod: makefile\n    Properties:\n      CodeUri: .\n      Description: The Warmlead", "      BuildMethod: go1.x\n    Properties:\n      CodeUri: .\n      Description: The Warmlead"}}, buildCheck, `ApiFunction: Metadata.BuildMethod is "go1.x"`},
	// 2. least privilege
	{"missing action", []edit{{"                - dynamodb:ConditionCheckItem\n              Resource:\n                - !GetAtt Table.Arn\n                - !Sub \"${Table.Arn}/index/*\"\n      Events:\n        Healthz:\n", "              Resource:\n                - !GetAtt Table.Arn\n                - !Sub \"${Table.Arn}/index/*\"\n      Events:\n        Healthz:\n"}}, policyCheck, "ApiFunction: lacks dynamodb:ConditionCheckItem on !GetAtt Table.Arn, which it needs: AccountService.DeleteMember, AdviceService.RequestAdvice"},
	{"unused action", []edit{{"                  - dynamodb:BatchWriteItem\n", "                  - dynamodb:BatchWriteItem\n                  - dynamodb:Scan\n"}}, policyCheck, "NotifierFunction: grants dynamodb:Scan (NotifierRole.Policies[0].Statement[0]), which nothing the function does needs"},
	{"any table", []edit{{"                - dynamodb:ConditionCheckItem\n              Resource:\n                - !GetAtt Table.Arn\n                - !Sub \"${Table.Arn}/index/*\"\n      Events:\n        Healthz:\n", "                - dynamodb:ConditionCheckItem\n              Resource:\n                - \"*\"\n                - !Sub \"${Table.Arn}/index/*\"\n      Events:\n        Healthz:\n"}}, policyCheck, "ApiFunction: grants dynamodb:BatchGetItem, dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem, dynamodb:DeleteItem, dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query, dynamodb:UpdateItem on *"},
	{"no index grant", []edit{{"                - dynamodb:ConditionCheckItem\n              Resource:\n                - !GetAtt Table.Arn\n                - !Sub \"${Table.Arn}/index/*\"\n      Events:\n        Healthz:\n", "                - dynamodb:ConditionCheckItem\n              Resource:\n                - !GetAtt Table.Arn\n      Events:\n        Healthz:\n"}}, policyCheck, "ApiFunction: its code queries an index, but dynamodb:Query is not granted on !Sub ${Table.Arn}/index/*"},
	{"stream reads anywhere", []edit{{"                Resource: !GetAtt Table.StreamArn\n", "                Resource: \"*\"\n"}}, policyCheck, "NotifierFunction: grants dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator on * "},
	{"no dead-letter grant", []edit{{"                Action: sqs:SendMessage\n", "                Action: sqs:GetQueueUrl\n"}}, policyCheck, "NotifierFunction: lacks sqs:SendMessage on !GetAtt NotifierFailures.Arn"},
	{"SAM-generated role", []edit{{"      Role: !GetAtt NotifierRole.Arn\n", ""}}, policyCheck, "NotifierFunction: grants dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator on * (AWSLambdaDynamoDBExecutionRole, managed policy SAM attaches"},
	{"policy template", []edit{{"                - !Sub \"${Table.Arn}/index/*\"\n      Events:\n        Healthz:\n", "                - !Sub \"${Table.Arn}/index/*\"\n        - DynamoDBCrudPolicy: { TableName: !Ref Table }\n      Events:\n        Healthz:\n"}}, policyCheck, "Policies[1] is a SAM policy template"},
	{"function without a role", []edit{{"\n  NotifierFunction:\n", "\n  NotifierFn:\n"}}, policyCheck, "NotifierFn: no entry in roles"},
	// 3. stream source
	{"no bisect", []edit{{"BisectBatchOnFunctionError: true", "BisectBatchOnFunctionError: false"}}, streamCheck, "BisectBatchOnFunctionError is false"},
	{"unbounded retries", []edit{{"MaximumRetryAttempts: 5", "MaximumRetryAttempts: -1"}}, streamCheck, "MaximumRetryAttempts is -1"},
	{"records kept a week", []edit{{"MaximumRecordAgeInSeconds: 3600", "MaximumRecordAgeInSeconds: 604800"}}, streamCheck, "MaximumRecordAgeInSeconds is 604800"},
	{"no batch item failures", []edit{{"FunctionResponseTypes: [ReportBatchItemFailures]", "FunctionResponseTypes: []"}}, streamCheck, "lacks ReportBatchItemFailures"},
	{"LATEST", []edit{{"StartingPosition: TRIM_HORIZON", "StartingPosition: LATEST"}}, streamCheck, "StartingPosition is LATEST"},
	{"no destination", []edit{{"                Destination: !GetAtt NotifierFailures.Arn\n", ""}}, streamCheck, "DestinationConfig.OnFailure.Destination is <nil>"},
	{"destination not a queue", []edit{{"Destination: !GetAtt NotifierFailures.Arn", "Destination: !GetAtt UserPool.Arn"}}, streamCheck, "want !GetAtt <Queue>.Arn of an AWS::SQS::Queue"},
	{"filter drops a fact", []edit{{`["Posting","Interest","Connection","AdviceRequest","Introduction","OrgInvitation","Referral","OrgMember"]`, `["Posting","Interest","AdviceRequest","Introduction","OrgInvitation","Referral","OrgMember"]`}}, streamCheck, `FilterCriteria drops item type "Connection"`},
	{"filter admits a non-fact", []edit{{`["Posting","Interest","Connection","AdviceRequest","Introduction","OrgInvitation","Referral","OrgMember"]`, `["Posting","Interest","Connection","AdviceRequest","Introduction","OrgInvitation","Referral","OrgMember","Notification"]`}}, streamCheck, `FilterCriteria admits item type "Notification"`},
	{"filter narrows further", []edit{{`'{"dynamodb":{"NewImage"`, `'{"eventName":["INSERT"],"dynamodb":{"NewImage"`}}, streamCheck, "want exactly " + typeFilterShape},
	{"no filter", []edit{{"            FilterCriteria:\n", "            FilterCriteriaOff:\n"}}, streamCheck, "no FilterCriteria.Filters"},
	// 4. table
	{"stream view", []edit{{"StreamViewType: NEW_IMAGE", "StreamViewType: KEYS_ONLY"}}, tableCheck, `StreamViewType is "KEYS_ONLY"`},
	{"missing GSI", []edit{{"IndexName: GSI5", "IndexName: GSI6"}}, tableCheck, `the store queries index "GSI5"`},
	{"provisioned", []edit{{"BillingMode: PAY_PER_REQUEST", "BillingMode: PROVISIONED"}}, tableCheck, `BillingMode is "PROVISIONED"`},
	{"TTL attribute", []edit{{"        AttributeName: ExpiresAt\n", "        AttributeName: TTL\n"}}, tableCheck, "want TTL enabled on ExpiresAt"},
	{"TTL off", []edit{{"        Enabled: true\n", "        Enabled: false\n"}}, tableCheck, "want TTL enabled on ExpiresAt"},
	{"key", []edit{{"- { AttributeName: SK, KeyType: RANGE }", "- { AttributeName: GSI1SK, KeyType: RANGE }"}}, tableCheck, "KeySchema is"},
	// 5. HTTP API
	{"no default authorizer", []edit{{"        DefaultAuthorizer: MemberJWT\n", ""}}, httpAPICheck, "Auth.DefaultAuthorizer is not set"},
	{"token elsewhere", []edit{{"IdentitySource: $request.header.Authorization", "IdentitySource: $request.querystring.token"}}, httpAPICheck, "IdentitySource is $request.querystring.token"},
	{"foreign issuer", []edit{{"issuer: !Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}", "issuer: https://issuer.example"}}, httpAPICheck, "issuer is https://issuer.example"},
	{"no audience", []edit{{"              audience:\n                - !Ref UserPoolClient\n", ""}}, httpAPICheck, "audience is empty"},
	{"route off the API", []edit{{"Properties: { ApiId: !Ref HttpApi, Method: GET, Path: /me }", "Properties: { Method: GET, Path: /me }"}}, httpAPICheck, "MembersFunction route GetMe (GET /me): ApiId is <nil>, want !Ref HttpApi"},
}

// writeTemplate writes text as template.yaml in a new temporary folder,
// next to a copy of the Makefile (the functions' CodeUri is "."), and
// returns its path.
func writeTemplate(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	makefile, err := os.ReadFile(filepath.Join(repoRoot(t), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Makefile"), makefile, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, samtemplate.FileName)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// expectProblem runs check and fails t unless some problem contains want.
func expectProblem(t *testing.T, check checkFunc, path string, code *codeFacts, want string) {
	t.Helper()
	problems := check(path, mustLoad(t, path), code)
	for _, p := range problems {
		if strings.Contains(p, want) {
			t.Logf("reported: %s", p)
			return
		}
	}
	t.Errorf("no problem contains %q; reported %d:\n%s", want, len(problems), strings.Join(problems, "\n"))
}

// TestChecksCatchBrokenTemplates shows that each check fails on a copy of
// template.yaml broken in the way it guards against, and passes on an
// unbroken copy set up the same way.
func TestChecksCatchBrokenTemplates(t *testing.T) {
	original, err := os.ReadFile(repoTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	code := mustFacts(t)
	t.Run("unbroken", func(t *testing.T) {
		path := writeTemplate(t, string(original))
		for name, check := range allChecks {
			for _, p := range check(path, mustLoad(t, path), code) {
				t.Errorf("%s: %s", name, p)
			}
		}
	})
	for _, b := range templateBreakages {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			text := string(original)
			for _, e := range b.edits {
				text = e.apply(t, text)
			}
			expectProblem(t, b.check, writeTemplate(t, text), code, b.want)
		})
	}
}

// codeBreakages change a copy of the store package (the template stays as
// it is): the checks derive what they expect from the code, so a change
// there must fail them too.
var codeBreakages = []struct {
	name  string
	file  string // in pkg/dynamo
	edit  edit
	check checkFunc
	want  string
}{
	{"new fact type", "stream.go", edit{"\tcase typeConnection:\n", "\tcase typeIdempotency:\n\t\treturn nil, nil\n\tcase typeConnection:\n"},
		streamCheck, `FilterCriteria drops item type "Idempotency", which DecodeRecord turns into facts`},
	{"notifier deletes", "fanout_writes.go", edit{"func (s *Store) PutNotifications(ctx context.Context, ns []*warmlead.Notification) error {\n",
		"func (s *Store) PutNotifications(ctx context.Context, ns []*warmlead.Notification) error {\n\ts.prune(ctx)\n"},
		policyCheck, "NotifierFunction: lacks dynamodb:DeleteItem on !GetAtt Table.Arn, which it needs: FanoutStore.PutNotifications"},
	{"paginated scan", "paging.go", edit{"dynamodb.NewQueryPaginator(s.client, q)", "dynamodb.NewScanPaginator(s.client, nil)"},
		policyCheck, "NotifierFunction: lacks dynamodb:Scan"},
	{"client escapes", "members.go", edit{"\tout, err := s.client.UpdateItem(", "\tc := s.client\n\tout, err := c.UpdateItem("},
		policyCheck, "members.go:47:7: a use of the DynamoDB client the analysis cannot follow"},
	{"new index", "keys.go", edit{"\tindexOrg     = \"GSI5\"\n", "\tindexOrg     = \"GSI5\"\n\tindexSkill   = \"GSI6\"\n"},
		tableCheck, `the store queries index "GSI6"`},
}

// TestChecksCatchCodeChanges shows that the checks follow the code: each
// breakage changes a copy of pkg/dynamo and the unchanged template then
// fails.
func TestChecksCatchCodeChanges(t *testing.T) {
	root := repoRoot(t)
	for _, b := range codeBreakages {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			store := t.TempDir()
			src := filepath.Join(root, storeDir)
			entries, err := os.ReadDir(src)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
					continue
				}
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if e.Name() == b.file {
					data = []byte(b.edit.apply(t, string(data)))
				}
				if err := os.WriteFile(filepath.Join(store, e.Name()), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if b.file == "fanout_writes.go" { // the method the edit calls
				extra := "package dynamo\n\nimport \"context\"\n\nfunc (s *Store) prune(ctx context.Context) { _, _ = s.client.DeleteItem(ctx, nil) }\n"
				if err := os.WriteFile(filepath.Join(store, "prune.go"), []byte(extra), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, err := analyze(sources{root: root, store: store})
			if err != nil {
				t.Fatal(err)
			}
			expectProblem(t, b.check, repoTemplate(t), code, b.want)
		})
	}
}

// TestCheckBootstrapCatchesWrongBinary runs the bootstrap check on
// binaries that are wrong in one way each.
func TestCheckBootstrapCatchesWrongBinary(t *testing.T) {
	dir := t.TempDir()
	expect := func(path, want string) {
		t.Helper()
		problems := checkBootstrap(path)
		for _, p := range problems {
			if strings.Contains(p, want) {
				t.Logf("reported: %s", p)
				return
			}
		}
		t.Errorf("checkBootstrap(%s) reported no %q; reported:\n%s", path, want, strings.Join(problems, "\n"))
	}

	expect(filepath.Join(dir, "missing"), "no bootstrap")

	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxBootstrapBytes+1); err != nil {
		t.Fatal(err)
	}
	expect(big, "over the 12000000-byte limit")

	if runtime.GOARCH != "arm64" {
		self, err := os.Executable() // this test binary, built for the host
		if err != nil {
			t.Fatal(err)
		}
		expect(self, "want EM_AARCH64 (arm64)")
	}

	// An arm64 binary built without -ldflags="-s -w".
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build an unstripped binary: %v", err)
	}
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unstripped := filepath.Join(dir, "bootstrap")
	cmd := exec.Command(goTool, "build", "-o", unstripped, src)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	expect(unstripped, "is not stripped: it has a .symtab section")
}
