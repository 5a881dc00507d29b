package dynamo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// putProfiles gives each id a profile, then forgets the calls it made.
func putProfiles(t *testing.T, store *dynamo.Store, env *testenv.Env, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, _, err := store.PutMember(context.Background(), &warmlead.Member{ID: id, Name: id, Stage: warmlead.StageProfessional}); err != nil {
			t.Fatal(err)
		}
	}
	env.Calls.Reset()
}

// newOrg creates an organisation administered by admin.
func newOrg(t *testing.T, store *dynamo.Store, admin string) *warmlead.Org {
	t.Helper()
	o, err := store.CreateOrg(context.Background(), admin, &warmlead.Org{Name: "Lyon Alumni", Kind: warmlead.OrgAlumniAssociation})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := warmlead.ErrorCode(err); got != code {
		t.Errorf("%s: code = %q (%v), want %q", what, got, err, code)
	}
}

// wantCalls fails t unless exactly the counted calls were made, then resets.
func wantCalls(t *testing.T, env *testenv.Env, what, want string) {
	t.Helper()
	if got := env.Calls.String(); got != want {
		t.Errorf("%s made %q, want %q", what, got, want)
	}
	env.Calls.Reset()
}

func TestCreateOrgIsOneTransactionAndMakesTheCreatorAdmin(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()

	o, err := store.CreateOrg(ctx, "alice", &warmlead.Org{Name: "  Lyon Business School Alumni ", Kind: warmlead.OrgAlumniAssociation})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, env, "create org", "TransactWriteItems=1")
	if len(o.ID) != 26 || strings.Trim(o.ID, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Errorf("org id %q is not 26 lowercase base32 characters", o.ID)
	}
	if o.Name != "Lyon Business School Alumni" || o.CreatedBy != "alice" || o.CreatedAt.IsZero() {
		t.Errorf("created %+v", o)
	}

	got, err := store.FindOrgByID(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, env, "find org", "GetItem=1")
	if *got != *o {
		t.Errorf("read back %+v, want %+v", got, o)
	}

	page, err := store.ListOrgMembers(ctx, "alice", o.ID, warmlead.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, env, "list members", "GetItem=1 Query=1")
	if len(page.Items) != 1 || page.Next != "" {
		t.Fatalf("members = %+v, next %q", page.Items, page.Next)
	}
	if m := page.Items[0]; m.MemberID != "alice" || m.OrgID != o.ID || m.Role != warmlead.RoleAdmin || !m.JoinedAt.Equal(o.CreatedAt) {
		t.Errorf("creator's membership = %+v", m)
	}

	other := newOrg(t, store, "alice")
	if other.ID == o.ID {
		t.Error("two organisations share an id")
	}
}

func TestCreateOrgRejectsInvalidInputWithoutWriting(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	_, err := store.CreateOrg(context.Background(), "alice", &warmlead.Org{Name: " ", Kind: "guild"})
	var e *warmlead.Error
	if !errors.As(err, &e) || e.Code != warmlead.EINVALID || len(e.Fields) != 2 ||
		e.Fields[0].Field != "name" || e.Fields[1].Field != "kind" {
		t.Fatalf("err = %#v, want invalid body.name and body.kind", err)
	}
	wantCalls(t, env, "invalid org", "")
}

func TestFindOrgByIDNotFound(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	for _, id := range []string{"", "nope", "ORG#x", strings.Repeat("a", 27)} {
		_, err := store.FindOrgByID(ctx, id)
		wantCode(t, "find "+id, err, warmlead.ENOTFOUND)
	}
	wantCalls(t, env, "malformed ids", "")
	_, err := store.FindOrgByID(ctx, strings.Repeat("a", 26))
	wantCode(t, "absent org", err, warmlead.ENOTFOUND)
	wantCalls(t, env, "absent org", "GetItem=1")
}

func TestListOrgMembersPagesOnceEachAndBindsTheCursor(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	ids := []string{"alice", "bob", "carmen", "dev", "eve"}
	putProfiles(t, store, env, append(ids, "zed")...)
	o := newOrg(t, store, "alice")
	other := newOrg(t, store, "alice")
	for _, id := range ids[1:] {
		join(t, store, "alice", o.ID, id, warmlead.RoleMember)
	}
	env.Calls.Reset()

	for _, limit := range []int{1, 2, 5, 100} {
		var seen []string
		cursor, pages := "", 0
		for {
			page, err := store.ListOrgMembers(ctx, "bob", o.ID, warmlead.PageRequest{Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			wantCalls(t, env, "a page", "GetItem=1 Query=1")
			if len(page.Items) == 0 || len(page.Items) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(page.Items))
			}
			for _, m := range page.Items {
				seen = append(seen, m.MemberID)
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if strings.Join(seen, ",") != strings.Join(ids, ",") {
			t.Errorf("limit %d: walked %v, want %v", limit, seen, ids)
		}
		if want := (len(ids) + limit - 1) / limit; pages != want {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
		}
	}

	first, err := store.ListOrgMembers(ctx, "bob", o.ID, warmlead.PageRequest{Limit: 2})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v", err)
	}
	altered := []byte(first.Next)
	altered[len(altered)/2] ^= 1
	for name, try := range map[string]func() error{
		"altered cursor": func() error {
			_, err := store.ListOrgMembers(ctx, "bob", o.ID, warmlead.PageRequest{Limit: 2, Cursor: string(altered)})
			return err
		},
		"another org's list": func() error {
			_, err := store.ListOrgMembers(ctx, "alice", other.ID, warmlead.PageRequest{Limit: 2, Cursor: first.Next})
			return err
		},
		"another caller's list": func() error {
			_, err := store.ListOrgMembers(ctx, "carmen", o.ID, warmlead.PageRequest{Limit: 2, Cursor: first.Next})
			return err
		},
	} {
		err := try()
		wantCode(t, name, err, warmlead.EBADREQUEST)
		var e *warmlead.Error
		if errors.As(err, &e) && (len(e.Fields) != 1 || e.Fields[0].Field != "cursor") {
			t.Errorf("%s: fields %v, want cursor", name, e.Fields)
		}
	}

	_, err = store.ListOrgMembers(ctx, "zed", o.ID, warmlead.PageRequest{})
	wantCode(t, "an outsider lists", err, warmlead.EFORBIDDEN)
	_, err = store.ListOrgMembers(ctx, "zed", strings.Repeat("d", 26), warmlead.PageRequest{})
	wantCode(t, "no such org", err, warmlead.ENOTFOUND)
}

func TestOrgMemberIDsReadsTheMembershipPageByPage(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	ids := []string{"ann", "ben", "cat", "don", "eva"}
	putProfiles(t, store, env, ids...)
	o := newOrg(t, store, "ann")
	for _, id := range ids[1:] {
		join(t, store, "ann", o.ID, id, warmlead.RoleMember)
	}
	newOrg(t, store, "ben") // another organisation's members stay out
	env.Calls.Reset()

	var pages [][]string
	err := store.OrgMemberIDs(ctx, o.ID, 2, func(page []string) error {
		pages = append(pages, page)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range pages {
		all = append(all, p...)
	}
	if len(pages) != 3 || strings.Join(all, ",") != strings.Join(ids, ",") {
		t.Errorf("pages = %v, want %v in pages of 2", pages, ids)
	}
	if n := env.Calls.Count("Query"); n != 3 || env.Calls.Total() != 3 {
		t.Errorf("pages of 2 made %s, want Query=3", env.Calls)
	}
	env.Calls.Reset()

	all = nil
	if err := store.OrgMemberIDs(ctx, o.ID, 0, func(page []string) error { all = append(all, page...); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(all, ",") != strings.Join(ids, ",") {
		t.Errorf("one page = %v", all)
	}
	wantCalls(t, env, "unbounded page", "Query=1")
	err = store.OrgMemberIDs(ctx, "nope", 0, func([]string) error { return nil })
	wantCode(t, "malformed org", err, warmlead.ENOTFOUND)
}
