package dynamo

import (
	"bytes"
	"encoding/base64"
	"errors"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// fuzzCursorKey is a fixed key, so cursors sealed as seeds by the fuzzing
// coordinator still open in its worker processes.
var fuzzCursorKey = bytes.Repeat([]byte{0x5a}, 32)

// fuzzCursorBindings are real bindings (see queryPage's callers and
// browseBinding), each sealed over its own last-evaluated key. A cursor the
// fuzzer hands in may only open under one of these, to exactly its key.
var fuzzCursorBindings = map[string]map[string]string{
	"inbox|alice": {"PK": "INBOX#alice", "SK": "N#0001795305600000000000-0123456789abcdef"},
	"connections|alice|accepted": {"PK": "MEMBER#alice", "SK": "CONN#bob",
		"GSI1PK": "CONNS#alice", "GSI1SK": "accepted#bob"},
	"referrals|bob":                               {"PK": "REF#AAAAAAAAAAAAAAAAAAAAAAAA", "SK": "REF", "GSI1PK": "REFERRER#bob", "GSI1SK": "2026-11-21T10:00:00.000000000Z"},
	`"job"|"data"|""|""|""|""|""`:                 {"PK": "POSTING#aaaaaaaaaaaaaaaaaaaaaaaaaa", "SK": "POSTING", "GSI3PK": "FIELD#data", "GSI3SK": "2026-11-21T10:00:00.000000000Z#aaaaaaaaaaaaaaaaaaaaaaaaaa"},
	"orgmembers|k3q5w7e2r4t6y8u2i4o6p8a2s4|alice": {"PK": "ORG#k3q5w7e2r4t6y8u2i4o6p8a2s4", "SK": "MEMBER#carmen ünïcødé <&>"},
}

func attrs(m map[string]string) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		out[k] = &types.AttributeValueMemberS{Value: v}
	}
	return out
}

func plainKey(t *testing.T, lek map[string]types.AttributeValue) map[string]string {
	t.Helper()
	out := make(map[string]string, len(lek))
	for k, v := range lek {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			t.Fatalf("opened key has non-string attribute %s: %T", k, v)
		}
		out[k] = s.Value
	}
	return out
}

// FuzzOpenCursor checks what the contract promises of cursors: a forged,
// altered or transplanted cursor is a 400 naming query.cursor, never a read
// from somewhere else; and a cursor we issue continues exactly where its
// page ended.
func FuzzOpenCursor(f *testing.F) {
	s, err := newSealer(fuzzCursorKey)
	if err != nil {
		f.Fatal(err)
	}
	other, err := newSealer(bytes.Repeat([]byte{0xa5}, 32))
	if err != nil {
		f.Fatal(err)
	}
	for binding, key := range fuzzCursorBindings {
		c, err := s.seal(binding, attrs(key))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(binding, c, key["PK"], key["SK"])
		// The same cursor presented to another list, and an altered one.
		f.Add(binding+"x", c, "", "")
		f.Add("inbox|mallory", c, "", "")
		f.Add(binding, c[:len(c)-1], "", "")
		f.Add(binding, c+"A", "", "")
		f.Add(binding, "A"+c[1:], "", "")
		f.Add(binding, c+"=", "", "")
		// Decoders skip CR and LF, and ignore the spare low bits of the last
		// character: both alter the string without altering the bytes.
		f.Add(binding, c[:10]+"\r\n"+c[10:], "", "")
		if len(c)%4 != 0 {
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			last := strings.IndexByte(alphabet, c[len(c)-1])
			f.Add(binding, c[:len(c)-1]+string(alphabet[last^1]), "", "")
		}
	}
	f.Add("inbox|alice", "", "INBOX#alice", "N#1")
	f.Add("inbox|alice", "not a cursor", "", "")
	f.Add("inbox|alice", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", "")
	f.Add("inbox|alice", "eyJQSyI6IklOQk9YI2FsaWNlIn0", "", "") // base64 of plain JSON
	f.Add("", "%2F%2F", "POSTING#x", "\x00")
	f.Add("inbox|alice", "////", "MEMBER#<script>", "\u2028")

	f.Fuzz(func(t *testing.T, binding, cursor, pk, sk string) {
		// Any string: it opens only if we sealed it for this very binding.
		lek, err := s.open(binding, cursor)
		switch {
		case cursor == "":
			if err != nil || lek != nil {
				t.Fatalf("empty cursor (first page) = %v, %v; want nil, nil", lek, err)
			}
		case err != nil:
			wantBadCursor(t, err)
			if lek != nil {
				t.Errorf("failed open still returned a key: %v", lek)
			}
		default:
			want, ok := fuzzCursorBindings[binding]
			if !ok {
				t.Fatalf("cursor %q opened under binding %q, for which nothing was sealed: %v", cursor, binding, plainKey(t, lek))
			}
			if got := plainKey(t, lek); !maps.Equal(got, want) {
				t.Fatalf("cursor %q opened under %q to %v, but what was sealed for it is %v", cursor, binding, got, want)
			}
			// seal emits canonical unpadded base64url; anything else is an
			// altered cursor that happens to decode to the same bytes.
			raw, derr := base64.RawURLEncoding.DecodeString(cursor)
			if derr != nil || base64.RawURLEncoding.EncodeToString(raw) != cursor {
				t.Fatalf("altered cursor %q (not what seal issued) opened under %q", cursor, binding)
			}
		}
		if _, err := other.open(binding, cursor); err == nil && cursor != "" {
			t.Fatalf("cursor %q opened under another deployment's key", cursor)
		}

		// Round trip: a key sealed for binding opens to itself under binding
		// and nowhere else. DynamoDB strings are UTF-8, so keys are too.
		if !utf8.ValidString(pk) || !utf8.ValidString(sk) {
			return
		}
		key := map[string]string{"PK": pk, "SK": sk}
		c, err := s.seal(binding, attrs(key))
		if err != nil {
			t.Fatalf("seal(%q, %v): %v", binding, key, err)
		}
		if c == "" {
			t.Fatal("seal of a non-empty key gave the last-page cursor")
		}
		if raw, err := base64.RawURLEncoding.DecodeString(c); err != nil || base64.RawURLEncoding.EncodeToString(raw) != c {
			t.Fatalf("sealed cursor %q is not canonical base64url, so not safe in a query string as is", c)
		}
		back, err := s.open(binding, c)
		if err != nil {
			t.Fatalf("open(seal(%q, %v)): %v", binding, key, err)
		}
		if got := plainKey(t, back); !maps.Equal(got, key) {
			t.Fatalf("round trip of %v under %q gave %v", key, binding, got)
		}
		for _, b := range []string{binding + "|", binding + "\x00", "x" + binding, ""} {
			if b == binding {
				continue
			}
			if _, err := s.open(b, c); err == nil {
				t.Fatalf("cursor sealed for %q opened under %q", binding, b)
			} else {
				wantBadCursor(t, err)
			}
		}
		// Any edit of an issued cursor is refused: the fuzzer's cursor
		// string spliced in somewhere, or put in place of the last character.
		if cursor != "" {
			i := len(pk) % (len(c) + 1)
			if _, err := s.open(binding, c[:i]+cursor+c[i:]); err == nil {
				t.Fatalf("cursor %q with %q inserted at %d still opened", c, cursor, i)
			}
			if last := c[:len(c)-1] + cursor[:1]; last != c {
				if _, err := s.open(binding, last); err == nil {
					t.Fatalf("cursor %q with its last character changed to %q still opened", c, cursor[:1])
				}
			}
		}
		if c2, _ := s.seal(binding, attrs(key)); c2 == c {
			t.Fatalf("two seals of the same key gave the same cursor %q (nonce reuse)", c)
		}
	})
}

func wantBadCursor(t *testing.T, err error) {
	t.Helper()
	var e *warmlead.Error
	if !errors.As(err, &e) || e.Code != warmlead.EBADREQUEST {
		t.Fatalf("bad cursor error = %v, want code %s", err, warmlead.EBADREQUEST)
	}
	if len(e.Fields) == 0 || e.Fields[0].Field != "cursor" {
		t.Fatalf("bad cursor error names %v, want cursor", e.Fields)
	}
}
