package mail

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// SES sends through Amazon SES (v2 API) as the verified identity From.
// The MIME message (with its List-Unsubscribe headers) is built here and
// sent raw, so SES and SMTP send the very same bytes.
type SES struct {
	// Client returns the SES client; it is made on first use, so a cold
	// start that sends nothing does not pay for it.
	Client           func() *sesv2.Client
	From             string
	ConfigurationSet string // optional: where bounce and complaint events are published
}

var _ warmlead.Mailer = (*SES)(nil)

// Send delivers one message.
func (s *SES) Send(ctx context.Context, e *warmlead.Email) error {
	raw, err := Raw(s.From, e)
	if err != nil {
		return err
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From),
		Destination:      &types.Destination{ToAddresses: []string{e.To}},
		Content:          &types.EmailContent{Raw: &types.RawMessage{Data: raw}},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	_, err = s.Client().SendEmail(ctx, in)
	return err
}
