package dynamo

import (
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// memberItem is a member's profile as stored.
type memberItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      string   `dynamodbav:"Type"`
	ID        string   `dynamodbav:"ID"`
	Name      string   `dynamodbav:"Name"`
	Headline  string   `dynamodbav:"Headline"`
	Stage     string   `dynamodbav:"Stage"`
	Interests []string `dynamodbav:"Interests"`
	Location  string   `dynamodbav:"Location"`
	Directory string   `dynamodbav:"Directory,omitempty"`
	CreatedAt string   `dynamodbav:"CreatedAt"`
	UpdatedAt string   `dynamodbav:"UpdatedAt"`
}

func (it *memberItem) member() *warmlead.Member {
	return &warmlead.Member{
		ID:        it.ID,
		Name:      it.Name,
		Headline:  it.Headline,
		Stage:     warmlead.Stage(it.Stage),
		Interests: it.Interests,
		Location:  it.Location,
		Directory: warmlead.DirectoryVisibility(it.Directory),
		CreatedAt: parseTime(it.CreatedAt),
		UpdatedAt: parseTime(it.UpdatedAt),
	}
}

// formerTTL keeps a tombstone as long as a notification naming the member
// can still be read: notifications live 90 days (notificationTTL) from
// their fact, which the notifier may deliver up to the stream's 24 h
// after the deletion, and TTL deletes expired items only eventually (an
// expired notification can still be read for a while). 120 days covers
// all of that, as the email-sent markers do (mailSentTTL).
const formerTTL = 120 * 24 * time.Hour

// formerItem is a deleted member's tombstone (formerKey): the id, when it
// was deleted, and when the tombstone expires. Nothing else.
type formerItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"Type"`
	ID        string `dynamodbav:"ID"`
	DeletedAt string `dynamodbav:"DeletedAt"`
	ExpiresAt int64  `dynamodbav:"ExpiresAt"` // TTL
}
