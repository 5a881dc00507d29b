package warmlead

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in pkg/httpapi
// (errors.go); callers branch on codes, never on messages.
const (
	EINVALID      = "invalid"             // the input breaks a rule; Fields says which
	EBADREQUEST   = "bad_request"         // the request cannot be read (a forged cursor)
	EUNAUTHORIZED = "unauthorized"        // no identity, or a bad one
	EFORBIDDEN    = "forbidden"           // identity known, action not allowed
	ENOTFOUND     = "not_found"           // absent, or invisible to the caller
	ECONFLICT     = "conflict"            // the state forbids the action
	EPRECONDITION = "precondition_failed" // a stale version (the version an edit was made against)
	EGONE         = "gone"                // existed, but expired or closed for good
	EUNAVAILABLE  = "unavailable"         // a dependency is down; retry later
	EINTERNAL     = "internal"            // a bug or an unexpected failure
)

// FieldError names one input field at fault by its domain name: "stage",
// "pay.min", "skills[2]", "cursor", "version" (the version an edit was
// made against), "idempotency_key". pkg/httpapi maps names to request
// locations ("body.stage", "query.cursor", "header.If-Match").
type FieldError struct {
	Field   string
	Message string
}

// Error is the application error: a code for programs, a message for people
// (safe to show), and the fields at fault for invalid input.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	return fmt.Sprintf("warmlead error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the fields at fault.
func Invalid(fields ...FieldError) *Error {
	msg := "the request is invalid"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// ErrorCode returns the code of an *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of an *Error in err's chain, or a
// generic text for anything else so internal details never reach a client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error has occurred."
}
