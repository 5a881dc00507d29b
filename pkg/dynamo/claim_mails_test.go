package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// A batch's instant emails are claimed together: one TransactWriteItems per
// 100 claims; a claim already made (a replay) costs one more call and is
// reported unclaimed, as is a claim named twice, and the others are claimed.
func TestClaimMailsAtMostOnceEach(t *testing.T) {
	t.Parallel()
	store, env := newStore(t)
	ctx := context.Background()
	if ok, err := store.ClaimMail(ctx, "dana", "n2"); err != nil || !ok {
		t.Fatalf("claim n2 alone: %v %v", ok, err)
	}
	claims := []warmlead.MailClaim{{MemberID: "dana", Key: "n1"}, {MemberID: "eli", Key: "n1"}, {MemberID: "dana", Key: "n2"}, {MemberID: "dana", Key: "n1"}, {MemberID: "eli", Key: "n3"}}
	env.Calls.Reset()
	claimed, err := store.ClaimMails(ctx, claims)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true, false, false, true}; !slices.Equal(claimed, want) {
		t.Errorf("claimed %v, want %v", claimed, want)
	}
	if n := env.Calls.Count("TransactWriteItems"); n != 2 || env.Calls.Total() != 2 {
		t.Errorf("claims made %s, want TransactWriteItems=2 (one refused for n2, then the rest)", env.Calls)
	}
	// Claimed once for good: a second claim of the same emails claims none.
	again, err := store.ClaimMails(ctx, claims)
	if err != nil || slices.Contains(again, true) {
		t.Errorf("claiming again = %v, %v; want none claimed", again, err)
	}

	many := make([]warmlead.MailClaim, 150)
	for i := range many {
		many[i] = warmlead.MailClaim{MemberID: "fay", Key: fmt.Sprintf("k%03d", i)}
	}
	env.Calls.Reset()
	claimed, err = store.ClaimMails(ctx, many)
	if err != nil || slices.Contains(claimed, false) {
		t.Fatalf("150 claims: %v unclaimed, %v", !slices.Contains(claimed, false), err)
	}
	if n := env.Calls.Count("TransactWriteItems"); n != 2 {
		t.Errorf("150 claims made %d TransactWriteItems, want 2 (100 a call)", n)
	}
}
