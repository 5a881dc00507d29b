package mail

import (
	"context"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
	gomail "github.com/wneessen/go-mail"
)

// SMTP sends through a plain SMTP server: Mailpit in `make run` and tests.
type SMTP struct {
	Host string
	Port int
	From string
}

var _ warmlead.Mailer = (*SMTP)(nil)

// Send delivers one message.
func (s *SMTP) Send(ctx context.Context, e *warmlead.Email) error {
	m, err := message(s.From, e)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.Host, gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithPort(s.Port),
		gomail.WithTimeout(10*time.Second), gomail.WithHELO("localhost"))
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}
