// Package followup delivers what falls due (docs/followups.md): a stream
// step records due entries as things happen and emails notifications as
// they arrive; a scheduled sweep delivers the entries that fell due
// (lead_expiring, outcome_prompt, keep_warm) and sends digests.
package followup

import (
	"context"
	"time"

	"github.com/warmlead/warmlead/pkg/mail"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Stores are the domain interfaces the follow-up functions use the store
// as (infra/templatecheck derives their IAM actions from these).
type Stores struct {
	FollowUps warmlead.FollowUpStore
	Mail      warmlead.MailStore
}

// Deps is everything a follow-up function is built from.
type Deps struct {
	Stores   Stores
	Mailer   warmlead.Mailer
	Composer *mail.Composer
	// Advisors tells who a hired member held informational interviews
	// with, to thank them too (nil: nobody).
	Advisors warmlead.HeldConversations
	Now      func() time.Time // the clock; tests control it
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// instantMaxAge: a notification older than this is not emailed at once
// (a replay of an old stream, a new function reading from the horizon).
const instantMaxAge = 48 * time.Hour

// notifyOne sends the instant email of n to r, at most once.
func (d *Deps) mailInstant(ctx context.Context, r *warmlead.MailRecipient, n *warmlead.Notification) error {
	ok, err := d.Stores.Mail.ClaimMail(ctx, r.MemberID, n.ID)
	if err != nil || !ok {
		return err
	}
	if err := d.Mailer.Send(ctx, d.Composer.Instant(r, n)); err != nil {
		if rerr := d.Stores.Mail.ReleaseMail(ctx, r.MemberID, n.ID); rerr != nil {
			return rerr
		}
		return err
	}
	return nil
}

// mailable reports whether r can be emailed at all.
func mailable(r *warmlead.MailRecipient) bool {
	return r != nil && r.Settings.Email != "" && !r.Suppressed
}

// newNotification is notify.New: ids derive from the fact and recipient.
var newNotification = notify.New
