package followup

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// sesEvent is the part of an SES notification (SNS notifications use
// notificationType; event publishing, also through EventBridge, eventType)
// that says which addresses bounced or complained.
type sesEvent struct {
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"bouncedRecipients"`
		Timestamp time.Time `json:"timestamp"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		Timestamp time.Time `json:"timestamp"`
	} `json:"complaint"`
}

// envelope is what the scheduler function receives: an EventBridge event
// (the schedule, or SES events routed by a rule) or an SNS delivery.
type envelope struct {
	Source     string          `json:"source"`
	DetailType string          `json:"detail-type"`
	Detail     json.RawMessage `json:"detail"`
	Records    []struct {
		SNS struct {
			Message string `json:"Message"`
		} `json:"Sns"`
	} `json:"Records"`
}

// IsSESEvent reports whether raw carries SES events rather than the schedule.
func IsSESEvent(raw json.RawMessage) bool {
	var e envelope
	if json.Unmarshal(raw, &e) != nil {
		return false
	}
	return e.Source == "aws.ses" || len(e.Records) > 0
}

// Suppress records every permanently bounced or complaining address in
// raw (an EventBridge SES event or an SNS delivery of SES notifications):
// those addresses get no more mail. Transient bounces suppress nothing.
func Suppress(ctx context.Context, store warmlead.MailStore, raw json.RawMessage, now time.Time) (int, error) {
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		return 0, err
	}
	var docs []string
	if e.Source == "aws.ses" {
		docs = append(docs, string(e.Detail))
	}
	for _, r := range e.Records {
		docs = append(docs, r.SNS.Message)
	}
	n := 0
	for _, doc := range docs {
		var ev sesEvent
		if err := json.Unmarshal([]byte(doc), &ev); err != nil {
			return n, err
		}
		kind := strings.ToLower(ev.NotificationType + ev.EventType)
		var addrs []string
		switch {
		case kind == "bounce" && ev.Bounce != nil && ev.Bounce.BounceType == "Permanent":
			for _, r := range ev.Bounce.BouncedRecipients {
				addrs = append(addrs, r.EmailAddress)
			}
		case kind == "complaint" && ev.Complaint != nil:
			for _, r := range ev.Complaint.ComplainedRecipients {
				addrs = append(addrs, r.EmailAddress)
			}
		}
		for _, a := range addrs {
			if err := store.SuppressAddress(ctx, a, kind, now); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// HandleEvent is the scheduled function's one entry point: an SES bounce
// or complaint event (routed by EventBridge) suppresses its addresses;
// anything else (the schedule's own event) runs a sweep.
func (s *Sweeper) HandleEvent(ctx context.Context, raw json.RawMessage) error {
	if IsSESEvent(raw) {
		_, err := Suppress(ctx, s.deps.Stores.Mail, raw, s.deps.now())
		return err
	}
	_, err := s.Run(ctx)
	return err
}
