package httpapi

import "testing"

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{"PostingID": "posting_id", "CreatedAt": "created_at", "AdviceRequest": "advice_request",
		"ID": "id", "GSI1PK": "gsi1_pk", "URLPath": "url_path", "Member": "member", "ChainNames": "chain_names"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}
