// Package mail sends Warmlead's email: it composes messages (plain text
// and escaped HTML, a signed RFC 8058 one-click unsubscribe) and delivers
// them through an adapter of warmlead.Mailer: SES v2 in AWS, SMTP to
// Mailpit locally (docs/email.md). MIME is built by go-mail.
package mail

import (
	"bytes"
	"fmt"

	"github.com/warmlead/warmlead/pkg/warmlead"
	gomail "github.com/wneessen/go-mail"
)

// message builds the MIME message of e from from.
func message(from string, e *warmlead.Email) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.To(e.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	m.Subject(e.Subject)
	m.SetMessageID()
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	if e.UnsubscribeURL != "" {
		// RFC 8058: a one-click POST to the URL unsubscribes.
		m.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+e.UnsubscribeURL+">")
		m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	return m, nil
}

// Raw renders e as the bytes of a MIME message (what SES sends as Raw).
func Raw(from string, e *warmlead.Email) ([]byte, error) {
	m, err := message(from, e)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
