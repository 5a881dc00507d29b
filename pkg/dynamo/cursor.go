package dynamo

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Cursors are a Query's LastEvaluatedKey, sealed with AES-GCM: encrypted so
// clients see no key layout, and authenticated with the query they belong
// to as additional data, so a forged, altered or transplanted cursor cannot
// open, let alone steer a read into another partition.

// sealer seals and opens cursors with one key.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns the cursor for lek within query, or "" when lek is empty
// (the last page).
func (s *sealer) seal(query string, lek map[string]types.AttributeValue) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	plain := make(map[string]string, len(lek))
	for k, v := range lek {
		sv, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return "", errUnsealable
		}
		plain[k] = sv.Value
	}
	payload, err := json.Marshal(plain)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, payload, []byte(query))), nil
}

// open returns the ExclusiveStartKey in cursor, nil for "", and EBADREQUEST
// naming query.cursor for anything that was not sealed by us for query.
func (s *sealer) open(query, cursor string) (map[string]types.AttributeValue, error) {
	if cursor == "" {
		return nil, nil
	}
	// The decoder skips CR and LF and ignores the last character's spare
	// bits, so only the canonical encoding (what seal issued) is accepted.
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) < s.aead.NonceSize() || base64.RawURLEncoding.EncodeToString(raw) != cursor {
		return nil, badCursor()
	}
	nonce, box := raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():]
	payload, err := s.aead.Open(nil, nonce, box, []byte(query))
	if err != nil {
		return nil, badCursor()
	}
	var plain map[string]string
	if err := json.Unmarshal(payload, &plain); err != nil || len(plain) == 0 {
		return nil, badCursor()
	}
	lek := make(map[string]types.AttributeValue, len(plain))
	for k, v := range plain {
		lek[k] = &types.AttributeValueMemberS{Value: v}
	}
	return lek, nil
}

func badCursor() error {
	return &warmlead.Error{Code: warmlead.EBADREQUEST, Message: "The cursor is not valid for this query; start again without it.",
		Fields: []warmlead.FieldError{{Field: "cursor", Message: "not a cursor issued for this query"}}}
}

var errUnsealable = &warmlead.Error{Code: warmlead.EINTERNAL, Message: "cursor key has a non-string attribute"}
