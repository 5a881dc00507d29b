package warmlead

import (
	"strings"
	"testing"
	"time"
)

func TestAdviceStateMachine(t *testing.T) {
	cases := []struct {
		from AdviceStatus
		act  AdviceAction
		role AdviceRole
		to   AdviceStatus
		code string
	}{
		{AdviceRequested, ActAccept, RoleAdvisor, AdviceAccepted, ""},
		{AdviceRequested, ActDecline, RoleAdvisor, AdviceDeclined, ""},
		{AdviceRequested, ActWithdraw, RoleRequester, AdviceWithdrawn, ""},
		{AdviceAccepted, ActHeld, RoleAdvisor, AdviceHeld, ""},
		{AdviceAccepted, ActHeld, RoleRequester, AdviceHeld, ""},
		{AdviceAccepted, ActWithdraw, RoleRequester, AdviceWithdrawn, ""},
		{AdviceHeld, ActThank, RoleRequester, AdviceThanked, ""},
		// the other side's steps
		{AdviceRequested, ActAccept, RoleRequester, "", EFORBIDDEN},
		{AdviceRequested, ActDecline, RoleRequester, "", EFORBIDDEN},
		{AdviceRequested, ActWithdraw, RoleAdvisor, "", EFORBIDDEN},
		{AdviceHeld, ActThank, RoleAdvisor, "", EFORBIDDEN},
		// steps out of order
		{AdviceRequested, ActHeld, RoleAdvisor, "", ECONFLICT},
		{AdviceRequested, ActThank, RoleRequester, "", ECONFLICT},
		{AdviceAccepted, ActAccept, RoleAdvisor, "", ECONFLICT},
		{AdviceAccepted, ActDecline, RoleAdvisor, "", ECONFLICT},
		{AdviceDeclined, ActAccept, RoleAdvisor, "", ECONFLICT},
		{AdviceWithdrawn, ActAccept, RoleAdvisor, "", ECONFLICT},
		{AdviceHeld, ActHeld, RoleRequester, "", ECONFLICT},
		{AdviceHeld, ActWithdraw, RoleRequester, "", ECONFLICT},
		{AdviceThanked, ActThank, RoleRequester, "", ECONFLICT},
		{AdviceAccepted, ActThank, RoleRequester, "", ECONFLICT},
	}
	for _, tc := range cases {
		got, err := NextAdviceStatus(tc.from, tc.act, tc.role)
		if got != tc.to || ErrorCode(err) != tc.code {
			t.Errorf("%s --%s by %s--> %q (%v), want %q (%s)", tc.from, tc.act, tc.role, got, err, tc.to, tc.code)
		}
	}
}

func TestAdviceStatusOpen(t *testing.T) {
	for _, s := range AdviceStatuses {
		want := s == AdviceRequested || s == AdviceAccepted
		if s.Open() != want {
			t.Errorf("%s.Open() = %v", s, s.Open())
		}
	}
}

func TestOfferValidate(t *testing.T) {
	ok := func() *Offer {
		return &Offer{Topics: []string{"UX research"}, Formats: []AdviceFormat{FormatVideo}, MonthlyCapacity: 2, Status: OfferOpen}
	}
	cases := []struct {
		name string
		edit func(*Offer)
		loc  string
	}{
		{"fine", func(*Offer) {}, ""},
		{"no topics", func(o *Offer) { o.Topics = nil }, "topics"},
		{"11 topics", func(o *Offer) { o.Topics = strings.Split("a b c d e f g h i j k", " ") }, "topics"},
		{"duplicate topic folded", func(o *Offer) { o.Topics = []string{"Santé", "SANTE"} }, "topics[1]"},
		{"bidi topic", func(o *Offer) { o.Topics = []string{"a\u202eb"} }, "topics[0]"},
		{"bad format", func(o *Offer) { o.Formats = []AdviceFormat{"fax"} }, "formats[0]"},
		{"capacity 0", func(o *Offer) { o.MonthlyCapacity = 0 }, "monthly_capacity"},
		{"capacity 21", func(o *Offer) { o.MonthlyCapacity = 21 }, "monthly_capacity"},
		{"status", func(o *Offer) { o.Status = "closed" }, "status"},
		{"note control", func(o *Offer) { o.Note = "a\x07" }, "note"},
	}
	for _, tc := range cases {
		o := ok()
		tc.edit(o)
		err := o.Validate()
		if tc.loc == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e, _ := err.(*Error)
		if e == nil || len(e.Fields) == 0 || e.Fields[0].Field != tc.loc {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.loc)
		}
	}
}

func TestAdviceRequestValidate(t *testing.T) {
	base := func() *AdviceRequest {
		return &AdviceRequest{RequesterID: "dana", AdvisorID: "vet", Pitch: "I study biology.\nI want to learn about vet work.", Format: FormatCoffee}
	}
	cases := []struct {
		name string
		edit func(*AdviceRequest)
		loc  string
	}{
		{"fine", func(*AdviceRequest) {}, ""},
		{"2000 chars", func(r *AdviceRequest) { r.Pitch = strings.Repeat("é", 2000) }, ""},
		{"2001 chars", func(r *AdviceRequest) { r.Pitch = strings.Repeat("é", 2001) }, "pitch"},
		{"empty pitch", func(r *AdviceRequest) { r.Pitch = "  " }, "pitch"},
		{"13 questions", func(r *AdviceRequest) { r.Questions = strings.Split(strings.Repeat("q ", 13), " ")[:13] }, "questions"},
		{"empty question", func(r *AdviceRequest) { r.Questions = []string{""} }, "questions[0]"},
		{"self", func(r *AdviceRequest) { r.AdvisorID = "dana" }, "advisor_id"},
		{"bad format", func(r *AdviceRequest) { r.Format = "fax" }, "format"},
	}
	for _, tc := range cases {
		r := base()
		tc.edit(r)
		err := r.Validate()
		if tc.loc == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e, _ := err.(*Error)
		if e == nil || len(e.Fields) == 0 || e.Fields[0].Field != tc.loc {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.loc)
		}
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		st  AdviceStep
		loc string
	}{
		{AdviceStep{Action: ActHeld, HeldOn: "2026-11-30"}, ""},
		{AdviceStep{Action: ActHeld, HeldOn: "2026-12-01"}, "held_on"},
		{AdviceStep{Action: ActHeld, HeldOn: "30/11/2026"}, "held_on"},
		{AdviceStep{Action: ActThank, Message: ""}, "message"},
		{AdviceStep{Action: ActThank, Message: "Thank you!"}, ""},
	} {
		err := tc.st.Validate(now)
		if e, _ := err.(*Error); (tc.loc == "") != (err == nil) || e != nil && e.Fields[0].Field != tc.loc {
			t.Errorf("%+v: %v, want %q", tc.st, err, tc.loc)
		}
	}
}

func TestMatchWords(t *testing.T) {
	texts := []string{"Dana Reyes", "Veterinarian, small animals", "Santé publique"}
	for q, want := range map[string]bool{
		"":                 true,
		"dana":             true,
		"DANA veterinar":   true,
		"sante":            true,
		"vet":              true, // last word as a prefix
		"vet dana":         false,
		"reyes small":      true,
		"publique santé x": false,
	} {
		if got := MatchWords(q, texts); got != want {
			t.Errorf("MatchWords(%q) = %v, want %v", q, got, want)
		}
	}
}
