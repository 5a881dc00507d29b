package mail

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// FromEnv builds the mailer and composer a function uses (docs/email.md):
// SMTP_ADDR (host:port) selects SMTP (Mailpit locally), otherwise SES v2
// in AWS_REGION; MAIL_FROM is the sender (the SES identity);
// UNSUBSCRIBE_SECRET signs one-click unsubscribe links; PUBLIC_BASE_URL is
// where links point; SES_CONFIGURATION_SET, if set, publishes bounces.
func FromEnv(_ context.Context, getenv func(string) string) (warmlead.Mailer, *Composer, error) {
	from, secret := getenv("MAIL_FROM"), getenv("UNSUBSCRIBE_SECRET")
	if from == "" {
		from = "Warmlead <notifications@warmlead.example>"
	}
	if len(secret) < 32 {
		return nil, nil, errors.New("UNSUBSCRIBE_SECRET must be at least 32 characters")
	}
	composer := &Composer{BaseURL: getenv("PUBLIC_BASE_URL"), Secret: []byte(secret)}
	if addr := getenv("SMTP_ADDR"); addr != "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, nil, err
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, nil, err
		}
		return &SMTP{Host: host, Port: p, From: from}, composer, nil
	}
	region := getenv("AWS_REGION")
	if region == "" {
		return nil, nil, errors.New("AWS_REGION is not set")
	}
	id, key, token := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN")
	client := sync.OnceValue(func() *sesv2.Client {
		return sesv2.New(sesv2.Options{Region: region,
			Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, key, token))})
	})
	return &SES{Client: client, From: from, ConfigurationSet: getenv("SES_CONFIGURATION_SET")}, composer, nil
}
