package dynamo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// connect makes from ask to, and to accept when accept is set.
func connect(t *testing.T, store *dynamo.Store, from, to string, accept bool) *warmlead.Connection {
	t.Helper()
	ctx := context.Background()
	c, created, err := store.RequestConnection(ctx, from, &warmlead.Connection{RecipientID: to})
	if err != nil || !created {
		t.Fatalf("%s asks %s: created=%v err=%v", from, to, created, err)
	}
	if accept {
		if c, err = store.AcceptConnection(ctx, to, c.ID); err != nil {
			t.Fatalf("%s accepts %s: %v", to, from, err)
		}
	}
	return c
}

func TestRequestConnectionIsOneCallAndARepeatReturnsIt(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob")

	c, created, err := store.RequestConnection(ctx, "alice", &warmlead.Connection{RecipientID: "bob",
		Note: "We met at the alumni evening", MetVia: "Lyon alumni"})
	if err != nil || !created {
		t.Fatalf("request: created=%v err=%v", created, err)
	}
	wantCalls(t, env, "request", "TransactWriteItems=1")
	if c.ID != warmlead.ConnectionID("alice", "bob") || c.RequesterID != "alice" || c.RecipientID != "bob" ||
		c.Status != warmlead.ConnectionPending || c.Note != "We met at the alumni evening" || c.MetVia != "Lyon alumni" ||
		c.CreatedAt.IsZero() || !c.AcceptedAt.IsZero() {
		t.Errorf("request = %+v", c)
	}

	again, created, err := store.RequestConnection(ctx, "alice", &warmlead.Connection{RecipientID: "bob", Note: "again?"})
	if err != nil || created || *again != *c {
		t.Errorf("repeat = %+v created=%v err=%v, want %+v", again, created, err, c)
	}
	wantCalls(t, env, "repeat", "TransactWriteItems=1")

	reverse, created, err := store.RequestConnection(ctx, "bob", &warmlead.Connection{RecipientID: "alice"})
	if err != nil || created || *reverse != *c {
		t.Errorf("the other side asking = %+v created=%v err=%v, want %+v", reverse, created, err, c)
	}
	wantCalls(t, env, "reverse", "TransactWriteItems=1")

	_, _, err = store.RequestConnection(ctx, "alice", &warmlead.Connection{RecipientID: "ghost"})
	wantCode(t, "no such member", err, warmlead.ENOTFOUND)
	wantCalls(t, env, "no such member", "TransactWriteItems=1")

	for name, req := range map[string]*warmlead.Connection{
		"self":      {RecipientID: "alice"},
		"bad id":    {RecipientID: "b~ob"},
		"long note": {RecipientID: "bob", Note: strings.Repeat("n", 501)},
	} {
		_, _, err := store.RequestConnection(ctx, "alice", req)
		wantCode(t, name, err, warmlead.EINVALID)
	}
	wantCalls(t, env, "invalid requests", "")
}

func TestOnlyTheRecipientAccepts(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob", "carmen")
	c := connect(t, store, "alice", "bob", false)
	env.Calls.Reset()

	_, err := store.AcceptConnection(ctx, "alice", c.ID)
	wantCode(t, "the requester accepts", err, warmlead.EFORBIDDEN)
	wantCalls(t, env, "the requester accepts", "GetItem=1")
	_, err = store.AcceptConnection(ctx, "carmen", c.ID)
	wantCode(t, "a third party accepts", err, warmlead.ENOTFOUND)
	for _, id := range []string{"", "alice", "bob~alice", "alice~bob~carmen", warmlead.ConnectionID("bob", "carmen")} {
		_, err = store.AcceptConnection(ctx, "bob", id)
		wantCode(t, "accept "+id, err, warmlead.ENOTFOUND)
	}
	env.Calls.Reset()

	accepted, err := store.AcceptConnection(ctx, "bob", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, env, "accept", "GetItem=1 TransactWriteItems=1")
	if accepted.Status != warmlead.ConnectionAccepted || accepted.AcceptedAt.IsZero() ||
		accepted.RequesterID != "alice" || !accepted.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("accepted = %+v", accepted)
	}
	again, err := store.AcceptConnection(ctx, "bob", c.ID)
	if err != nil || *again != *accepted {
		t.Errorf("accept again = %+v %v, want %+v", again, err, accepted)
	}
	wantCalls(t, env, "accept again", "GetItem=1")
	if _, err := store.AcceptConnection(ctx, "alice", c.ID); err != nil {
		t.Errorf("the requester accepting an accepted connection: %v", err)
	}

	for _, side := range []string{"alice", "bob"} {
		page, err := store.ListConnections(ctx, side, warmlead.ConnectionAccepted, warmlead.PageRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || *page.Items[0] != *accepted || page.Next != "" {
			t.Errorf("%s's accepted connections = %+v, want [%+v]", side, page.Items, accepted)
		}
		page, err = store.ListConnections(ctx, side, warmlead.ConnectionPending, warmlead.PageRequest{})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("%s's pending connections = %+v %v, want none", side, page, err)
		}
	}
	env.Calls.Reset()
	if _, err := store.ListConnections(ctx, "carmen", warmlead.ConnectionAccepted, warmlead.PageRequest{}); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, env, "list", "Query=1")
}

func TestEitherSideDeletes(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	putProfiles(t, store, env, "alice", "bob", "carmen")
	pending := connect(t, store, "alice", "bob", false)
	env.Calls.Reset()

	wantCode(t, "a third party deletes", store.DeleteConnection(ctx, "carmen", pending.ID), warmlead.ENOTFOUND)
	wantCalls(t, env, "a third party deletes", "")
	// The recipient declines.
	if err := store.DeleteConnection(ctx, "bob", pending.ID); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, env, "delete", "TransactWriteItems=1")
	wantCode(t, "delete twice", store.DeleteConnection(ctx, "alice", pending.ID), warmlead.ENOTFOUND)
	_, err := store.AcceptConnection(ctx, "bob", pending.ID)
	wantCode(t, "accept a deleted request", err, warmlead.ENOTFOUND)

	// Asking again starts afresh; the requester removes an accepted one.
	c := connect(t, store, "bob", "alice", true)
	if c.RequesterID != "bob" {
		t.Errorf("new request = %+v", c)
	}
	if err := store.DeleteConnection(ctx, "bob", c.ID); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{"alice", "bob"} {
		for _, status := range warmlead.ConnectionStatuses {
			page, err := store.ListConnections(ctx, side, status, warmlead.PageRequest{})
			if err != nil || len(page.Items) != 0 {
				t.Errorf("%s's %s connections after delete = %+v %v", side, status, page, err)
			}
		}
	}
}

func TestListConnectionsPagesInOrderAndBindsTheCursor(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	others := []string{"bea", "cal", "dan", "eli", "fay"}
	putProfiles(t, store, env, append([]string{"alice", "zoe"}, others...)...)
	for i, o := range slices.Backward(others) {
		connect(t, store, o, "alice", i%2 == 0) // bea, dan, fay accepted; cal, eli pending
	}
	connect(t, store, "zoe", "bea", true)
	env.Calls.Reset()

	walk := func(caller string, status warmlead.ConnectionStatus, limit int) []string {
		var ids []string
		cursor := ""
		for {
			page, err := store.ListConnections(ctx, caller, status, warmlead.PageRequest{Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			wantCalls(t, env, "a page", "Query=1")
			for _, c := range page.Items {
				ids = append(ids, c.Other(caller))
			}
			if cursor = page.Next; cursor == "" {
				return ids
			}
		}
	}
	for _, limit := range []int{1, 2, 3, 0} {
		if got := strings.Join(walk("alice", warmlead.ConnectionAccepted, limit), ","); got != "bea,dan,fay" {
			t.Errorf("limit %d: accepted = %s", limit, got)
		}
		if got := strings.Join(walk("alice", warmlead.ConnectionPending, limit), ","); got != "cal,eli" {
			t.Errorf("limit %d: pending = %s", limit, got)
		}
	}
	if got := strings.Join(walk("bea", warmlead.ConnectionAccepted, 1), ","); got != "alice,zoe" {
		t.Errorf("bea's accepted = %s", got)
	}

	first, err := store.ListConnections(ctx, "alice", warmlead.ConnectionAccepted, warmlead.PageRequest{Limit: 1})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %+v %v", first, err)
	}
	env.Calls.Reset()
	for name, try := range map[string]func() error{
		"another status": func() error {
			_, err := store.ListConnections(ctx, "alice", warmlead.ConnectionPending, warmlead.PageRequest{Cursor: first.Next})
			return err
		},
		"another caller": func() error {
			_, err := store.ListConnections(ctx, "bea", warmlead.ConnectionAccepted, warmlead.PageRequest{Cursor: first.Next})
			return err
		},
		"garbage": func() error {
			_, err := store.ListConnections(ctx, "alice", warmlead.ConnectionAccepted, warmlead.PageRequest{Cursor: "eyJQSyI6Ik1FTUJFUiN6b2UifQ"})
			return err
		},
	} {
		wantCode(t, name, try(), warmlead.EBADREQUEST)
	}
	_, err = store.ListConnections(ctx, "alice", "blocked", warmlead.PageRequest{})
	var e *warmlead.Error
	if !errors.As(err, &e) || e.Code != warmlead.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "status" {
		t.Errorf("bad status: %v", err)
	}
	wantCalls(t, env, "refused lists", "")
}

func TestConnectedMembersReadsTheNetworkPageByPage(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	var want []string
	for i := range 7 {
		want = append(want, "m"+string(rune('a'+i)))
	}
	putProfiles(t, store, env, append([]string{"hub", "stranger"}, want...)...)
	for _, id := range want {
		connect(t, store, id, "hub", true)
	}
	connect(t, store, "stranger", "hub", false)
	env.Calls.Reset()

	var pages [][]string
	err := store.ConnectedMembers(ctx, "hub", warmlead.ConnectionAccepted, 3, func(ids []string) error {
		pages = append(pages, ids)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 || strings.Join(slices.Concat(pages...), ",") != strings.Join(want, ",") {
		t.Errorf("pages = %v, want %v in pages of 3", pages, want)
	}
	if n := env.Calls.Count("Query"); n < 3 || n > 4 {
		t.Errorf("pages of 3 made %s", env.Calls)
	}
	env.Calls.Reset()

	var all []string
	err = store.ConnectedMembers(ctx, "hub", warmlead.ConnectionAccepted, 0, func(ids []string) error {
		all = append(all, ids...)
		return nil
	})
	if err != nil || strings.Join(all, ",") != strings.Join(want, ",") {
		t.Errorf("one page = %v %v", all, err)
	}
	wantCalls(t, env, "unbounded page", "Query=1")

	stop := errors.New("stop")
	calls := 0
	err = store.ConnectedMembers(ctx, "hub", warmlead.ConnectionAccepted, 2, func([]string) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("stopping: err=%v after %d pages", err, calls)
	}
}
