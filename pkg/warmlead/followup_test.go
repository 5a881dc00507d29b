package warmlead

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestKeepWarmDue(t *testing.T) {
	for _, c := range []struct {
		touched string
		days    int
		want    string // "" = off
	}{
		{"2026-12-07T10:00:00Z", 90, "2027-03-08T09:00:00Z"}, // 90 days later is Mon 2027-03-07T10:00 -> next Monday 09:00
		{"2026-12-07T08:00:00Z", 7, "2026-12-14T09:00:00Z"},  // due Monday 08:00: that Monday's sweep
		{"2026-12-07T09:00:00Z", 7, "2026-12-21T09:00:00Z"},  // exactly at a sweep is not "longer than": the next one
		{"2026-12-07T10:00:00Z", 0, ""},
	} {
		got, on := KeepWarmDue(at(c.touched), c.days)
		if c.want == "" {
			if on {
				t.Errorf("%s/%d: on, want off", c.touched, c.days)
			}
			continue
		}
		if !on || !got.Equal(at(c.want)) {
			t.Errorf("KeepWarmDue(%s, %d) = %s, want %s", c.touched, c.days, got, c.want)
		}
	}
}

func TestDigestPeriod(t *testing.T) {
	for _, c := range []struct {
		f                  Frequency
		t                  string
		period, start, end string
	}{
		{FrequencyDaily, "2026-12-09T23:59:59Z", "D2026-12-09", "2026-12-09T00:00:00Z", "2026-12-10T00:00:00Z"},
		{FrequencyWeekly, "2026-12-09T12:00:00Z", "W2026-50", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"},
		{FrequencyWeekly, "2026-12-13T23:00:00Z", "W2026-50", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"}, // Sunday
	} {
		p, s, e := DigestPeriod(c.f, at(c.t))
		if p != c.period || !s.Equal(at(c.start)) || !e.Equal(at(c.end)) {
			t.Errorf("DigestPeriod(%s, %s) = %s %s %s", c.f, c.t, p, s, e)
		}
	}
}

func TestDefaultFrequency(t *testing.T) {
	for typ, want := range map[NotificationType]Frequency{NotifyNewPosting: FrequencyDaily, "search_match": FrequencyDaily,
		NotifyInterest: FrequencyInstant, NotifyConnectionRequest: FrequencyInstant, NotifyKeepWarm: FrequencyInstant} {
		if got := DefaultFrequency(typ); got != want {
			t.Errorf("DefaultFrequency(%s) = %s, want %s", typ, got, want)
		}
	}
	s := NotificationSettings{Frequencies: map[NotificationType]Frequency{NotifyNewPosting: FrequencyOff}}
	if s.FrequencyOf(NotifyNewPosting) != FrequencyOff || s.FrequencyOf(NotifyInterest) != FrequencyInstant {
		t.Error("FrequencyOf ignores the member's setting or the default")
	}
}

func TestUnsubscribeToken(t *testing.T) {
	key := []byte("k-0123456789abcdef0123456789abcdef")
	tok := SignUnsubscribe(key, "dana", "new_lead")
	if m, s, ok := VerifyUnsubscribe(key, tok); !ok || m != "dana" || s != "new_lead" {
		t.Fatalf("verify = %q %q %v", m, s, ok)
	}
	payload, sig, _ := strings.Cut(tok, ".")
	other := SignUnsubscribe(key, "sam", "all")
	otherPayload, _, _ := strings.Cut(other, ".")
	for name, bad := range map[string]string{
		"another key":         SignUnsubscribe([]byte("another-key-0123456789abcdef012345"), "dana", "new_lead"),
		"payload swapped":     otherPayload + "." + sig,
		"signature truncated": payload + "." + sig[:10],
		"no signature":        payload,
		"empty":               "",
	} {
		if _, _, ok := VerifyUnsubscribe(key, bad); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, ok := VerifyUnsubscribe(nil, tok); ok {
		t.Error("accepted with no secret configured")
	}
}

func TestSummarize(t *testing.T) {
	names := Names{Members: map[string]string{"dana": "Dana Reyes", "sam": "Sam Lee", "kim": "Kim"}, Postings: map[string]string{"p1": "UX research intern"}}
	for _, c := range []struct {
		n    Notification
		want string
	}{
		{Notification{Type: NotifyInterest, ActorID: "dana", PostingID: "p1"}, "Dana Reyes is interested in “UX research intern”"},
		{Notification{Type: NotifyNewPosting, ActorID: "sam", PostingID: "p1"}, "Sam Lee posted a new lead: “UX research intern”"},
		{Notification{Type: NotifyConnectionRequest, ActorID: "ghost"}, "A member asked to connect with you"},
		{Notification{Type: NotifyKeepWarm, Others: []string{"dana", "sam", "kim"}}, "Keep your network warm: you have not been in touch with Dana Reyes, Sam Lee and Kim for a while"},
		{Notification{Type: NotifyPayItForward, ActorID: "dana", RecipientID: "sam", PostingID: "p1"}, "Dana Reyes was hired for “UX research intern”, thanks to you"},
	} {
		if got := Summarize(&c.n, names); got != c.want {
			t.Errorf("Summarize(%s) = %q, want %q", c.n.Type, got, c.want)
		}
	}
	for _, typ := range NotificationTypes {
		if s := Summarize(&Notification{Type: typ, ActorID: "dana", PostingID: "p1"}, names); s == "" || strings.Contains(s, "_") {
			t.Errorf("%s has no readable summary: %q", typ, s)
		}
	}
}

// A saved search's cadence decides when its alerts are emailed, unless the
// member turned the type off (docs/email.md).
func TestEmailFrequencyOfASearchAlert(t *testing.T) {
	daily := &Notification{Type: NotifySearchMatch, Frequency: FrequencyDaily}
	plain := &Notification{Type: NotifySearchMatch}
	defaults := &NotificationSettings{}
	off := &NotificationSettings{Frequencies: map[NotificationType]Frequency{NotifySearchMatch: FrequencyOff}}
	weekly := &NotificationSettings{Frequencies: map[NotificationType]Frequency{NotifySearchMatch: FrequencyWeekly}}
	instantAlert := &Notification{Type: NotifySearchMatch, Frequency: FrequencyInstant}
	for _, c := range []struct {
		s    *NotificationSettings
		n    *Notification
		want Frequency
	}{{defaults, daily, FrequencyDaily}, {defaults, plain, DefaultFrequency(NotifySearchMatch)}, {off, daily, FrequencyOff},
		{weekly, instantAlert, FrequencyInstant}, {weekly, plain, FrequencyWeekly}} {
		if got := c.s.EmailFrequency(c.n); got != c.want {
			t.Errorf("EmailFrequency(%+v, %+v) = %s, want %s", c.s.Frequencies, c.n.Frequency, got, c.want)
		}
	}
}
