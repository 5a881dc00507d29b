package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// New makes the notification of one fact for one recipient. Its id is the
// fact's time (so ids sort by time) and a hash of the type, the fact and the
// recipient (so the same fact always yields the same id): processing a
// record twice writes the same item twice, and nothing shows twice.
func New(typ warmlead.NotificationType, recipient, actor, postingID, fact string, at time.Time) *warmlead.Notification {
	sum := sha256.Sum256([]byte(string(typ) + "\x00" + fact + "\x00" + recipient))
	return &warmlead.Notification{
		ID:          fmt.Sprintf("%019d-%s", at.UTC().UnixNano(), hex.EncodeToString(sum[:8])),
		RecipientID: recipient, Type: typ, PostingID: postingID, ActorID: actor, CreatedAt: at.UTC(),
	}
}
