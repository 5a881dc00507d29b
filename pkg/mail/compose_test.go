package mail

import (
	"strings"
	"testing"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Names and titles are escaped in the HTML part, kept as typed in the text
// part; the unsubscribe link is signed for the member and the type.
func TestInstantEscapesAndLinks(t *testing.T) {
	c := &Composer{BaseURL: "https://warmlead.test/", Secret: []byte("s-0123456789abcdef0123456789abcdef")}
	r := &warmlead.MailRecipient{MemberID: "dana", Name: `Dana <b>"R"</b>`, Settings: warmlead.NotificationSettings{Email: "dana@example.org"}}
	n := &warmlead.Notification{Type: warmlead.NotifyInterest, RecipientID: "dana", ActorID: "sam", PostingID: "p1",
		Summary: `Sam <script>alert(1)</script> is interested in “X & Y”`}
	e := c.Instant(r, n)
	if strings.Contains(e.HTML, "<script>") || !strings.Contains(e.HTML, "&lt;script&gt;") || !strings.Contains(e.HTML, "X &amp; Y") {
		t.Errorf("HTML not escaped:\n%s", e.HTML)
	}
	if !strings.Contains(e.Text, `Sam <script>alert(1)</script> is interested`) || !strings.Contains(e.Text, "https://warmlead.test/postings/p1/interest") {
		t.Errorf("text:\n%s", e.Text)
	}
	tok := strings.TrimPrefix(e.UnsubscribeURL, "https://warmlead.test/unsubscribe/")
	if m, s, ok := warmlead.VerifyUnsubscribe(c.Secret, tok); !ok || m != "dana" || s != "interest" {
		t.Errorf("unsubscribe link %s opens as %q %q %v", e.UnsubscribeURL, m, s, ok)
	}
	raw, err := Raw("Warmlead <n@warmlead.test>", e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"List-Unsubscribe: <https://warmlead.test/unsubscribe/", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "text/plain", "text/html"} {
		// Long header lines are folded (RFC 5322): unfold before reading.
		if !strings.Contains(strings.NewReplacer("\r\n ", " ", "\r\n\t", " ").Replace(string(raw)), want) {
			t.Errorf("MIME lacks %q", want)
		}
	}
}
