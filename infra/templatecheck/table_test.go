package templatecheck

import (
	"fmt"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// What the table must be (README.md, "Deploy", pkg/dynamo/keys.go).
const (
	wantTTLAttribute  = "ExpiresAt"
	wantStreamView    = "NEW_IMAGE"
	wantPartitionAttr = "PK"
	wantSortAttr      = "SK"
)

// checkTable checks the template's table: key PK (HASH, string) and SK
// (RANGE, string), on-demand billing, TTL enabled on ExpiresAt (an
// attribute the store's items carry), a NEW_IMAGE stream (the decoder
// reads new images), and a GSI for every index the store names.
func checkTable(tpl *samtemplate.Template, code *codeFacts) []string {
	id, def, err := tpl.Table()
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, id+": "+fmt.Sprintf(format, args...))
	}
	want := []samtemplate.KeySchemaElement{{AttributeName: wantPartitionAttr, KeyType: "HASH"}, {AttributeName: wantSortAttr, KeyType: "RANGE"}}
	if len(def.KeySchema) != 2 || def.KeySchema[0] != want[0] || def.KeySchema[1] != want[1] {
		bad("KeySchema is %v, want %v", def.KeySchema, want)
	}
	types := map[string]string{}
	for _, a := range def.AttributeDefinitions {
		types[a.AttributeName] = a.AttributeType
	}
	for _, k := range []string{wantPartitionAttr, wantSortAttr} {
		if types[k] != "S" {
			bad("attribute %s has type %q, want S", k, types[k])
		}
	}
	if def.Provisioned() {
		bad("BillingMode is %q, want %s", def.BillingMode, samtemplate.BillingModePayPerRequest)
	}
	if ttl := def.TimeToLiveSpecification; ttl.AttributeName != wantTTLAttribute || !ttl.Enabled {
		bad("TimeToLiveSpecification is %+v, want TTL enabled on %s", ttl, wantTTLAttribute)
	}
	if !code.attributes[wantTTLAttribute] {
		bad("no item of the store has an attribute %s (dynamodbav tag), so TTL expires nothing", wantTTLAttribute)
	}
	if v := def.StreamSpecification.StreamViewType; v != wantStreamView {
		bad("StreamSpecification.StreamViewType is %q, want %s (the stream decoder reads new images)", v, wantStreamView)
	}
	gsis := map[string]bool{}
	for _, g := range def.GlobalSecondaryIndexes {
		gsis[g.IndexName] = true
	}
	if len(code.indexNames) == 0 {
		bad("found no index* constants in the store; the check reads index names from them")
	}
	for _, name := range code.indexNames {
		if !gsis[name] {
			bad("the store queries index %q, which is not among GlobalSecondaryIndexes", name)
		}
	}
	return problems
}

// TestTable checks the table definition.
func TestTable(t *testing.T) {
	report(t, checkTable(mustLoad(t, repoTemplate(t)), mustFacts(t)))
}
