package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/testenv"
	"github.com/warmlead/warmlead/pkg/dynamo"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

func newStore(t *testing.T, opts ...dynamo.Option) (*dynamo.Store, *testenv.Env) {
	t.Helper()
	env := testenv.New(t)
	return env.Store(t, opts...), env
}

func TestPutMemberCreatesThenUpdatesKeepingCreatedAt(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()

	first, created, err := store.PutMember(ctx, &warmlead.Member{ID: "dana", Name: "Dana", Stage: warmlead.StageReturner,
		Interests: []string{"ux research"}})
	if err != nil || !created {
		t.Fatalf("first put: created=%v err=%v", created, err)
	}
	if n := env.Calls.Total(); n != 1 {
		t.Errorf("put member made %d calls (%s), want 1", n, env.Calls)
	}
	time.Sleep(2 * time.Millisecond)
	second, created, err := store.PutMember(ctx, &warmlead.Member{ID: "dana", Name: "Dana O.", Stage: warmlead.StageProfessional})
	if err != nil || created {
		t.Fatalf("second put: created=%v err=%v", created, err)
	}
	if !second.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("CreatedAt moved from %v to %v", first.CreatedAt, second.CreatedAt)
	}
	if !second.UpdatedAt.After(first.UpdatedAt) {
		t.Errorf("UpdatedAt %v not after %v", second.UpdatedAt, first.UpdatedAt)
	}

	env.Calls.Reset()
	got, err := store.FindMemberByID(ctx, "dana")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Dana O." || got.Stage != warmlead.StageProfessional || len(got.Interests) != 0 {
		t.Errorf("read back %+v", got)
	}
	if n := env.Calls.Count("GetItem"); n != 1 || env.Calls.Total() != 1 {
		t.Errorf("find member made %s, want GetItem=1", env.Calls)
	}
}

func TestFindMemberByIDNotFound(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	for _, id := range []string{"nobody", "bad#id", ""} {
		_, err := store.FindMemberByID(context.Background(), id)
		if code := warmlead.ErrorCode(err); code != warmlead.ENOTFOUND {
			t.Errorf("FindMemberByID(%q) code = %q (%v), want not_found", id, code, err)
		}
	}
}

func TestPutMemberRejectsInvalidProfileWithoutWriting(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	_, _, err := store.PutMember(context.Background(), &warmlead.Member{ID: "x", Name: " ", Stage: "wizard"})
	if warmlead.ErrorCode(err) != warmlead.EINVALID {
		t.Fatalf("err = %v, want invalid", err)
	}
	if env.Calls.Total() != 0 {
		t.Errorf("invalid profile reached the table: %s", env.Calls)
	}
}

func TestStoreReportsOutageAsUnavailable(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	// A client pointed at a closed port: what the API sees when the table is
	// unreachable.
	store := testenv.MustStore(t, testenv.ClientFor(t, "http://127.0.0.1:1"), env.Table)
	_, err := store.FindMemberByID(context.Background(), "dana")
	if code := warmlead.ErrorCode(err); code != warmlead.EUNAVAILABLE {
		t.Fatalf("code = %q (%v), want unavailable", code, err)
	}
}
