package warmlead

import (
	"testing"
	"time"
)

// A member who deleted their account reads as "a former member": lowercase
// inside a sentence, capitalised when it starts one; a member with no
// profile reads "a member" as before; a name is written as it was given.
// Summaries stored with names (before people notifications were worded
// when read) lose the former actor's name, and are otherwise kept as is.
func TestSummariesNameAFormerMember(t *testing.T) {
	deleted := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	before, after := deleted.Add(-time.Hour), deleted.Add(time.Hour)
	names := Names{Members: map[string]string{"ines": "Ines Duarte", "tom": "Tom Ng", "rob": "Rob Marsh"},
		Former: map[string]time.Time{"bob": deleted, "rob": deleted}}
	for _, c := range []struct {
		n    Notification
		want string
	}{
		{Notification{Type: NotifyAdviceRequest, ActorID: "bob", Step: "coffee", Note: "Hi", CreatedAt: before}, "A former member asks you for an informational interview (coffee): Hi"},
		{Notification{Type: NotifyConnectionAccepted, ActorID: "bob", CreatedAt: before}, "You and a former member are now connected"},
		{Notification{Type: NotifyConnectionRequest, ActorID: "ghost", CreatedAt: before}, "A member asked to connect with you"},
		{Notification{Type: NotifyIntroduction, ActorID: "tom", OtherID: "bob", Step: string(IntroStepAccepted), CreatedAt: before}, "Tom Ng accepted your introduction of a former member"},
		{Notification{Type: NotifyIntroduction, ActorID: "tom", OtherID: "bob", Step: string(IntroStepIntroduced), CreatedAt: before}, "A former member introduced you to Tom Ng; you are now connected"},
		{Notification{Type: NotifyIntroduction, ActorID: "ines", OtherID: "bob", Step: string(IntroStepForwarded), Note: "Meet a vet", CreatedAt: before}, "Ines Duarte would like to introduce you to a former member: Meet a vet"},
		{Notification{Type: NotifyIntroduction, ActorID: "bob", Step: string(IntroStepDeclined), CreatedAt: before}, "Your introduction request to a former member did not work out this time"},
		{Notification{Type: NotifyKeepWarm, Others: []string{"ines", "bob"}, CreatedAt: before}, "Keep your network warm: you have not been in touch with Ines Duarte and a former member for a while"},
		// The id made a new profile: what came before stays anonymous.
		{Notification{Type: NotifyConnectionRequest, ActorID: "rob", CreatedAt: before}, "A former member asked to connect with you"},
		{Notification{Type: NotifyConnectionRequest, ActorID: "rob", CreatedAt: after}, "Rob Marsh asked to connect with you"},
	} {
		if got := Summarize(&c.n, names); got != c.want {
			t.Errorf("Summarize(%s %s) = %q, want %q", c.n.Type, c.n.Step, got, c.want)
		}
	}
	for _, c := range []struct {
		n    Notification
		want string
	}{
		{Notification{Type: NotifyAdviceRequest, ActorID: "bob", Summary: "Bob Marsh asks you for an informational interview (coffee): Hi"}, "A former member asks you for an informational interview (coffee): Hi"},
		{Notification{Type: NotifyIntroduction, ActorID: "bob", Summary: "Ines Duarte introduced you to Bob Marsh; you are now connected"}, "Ines Duarte introduced you to a former member; you are now connected"},
		{Notification{Type: NotifyIntroduction, ActorID: "bob", Summary: "Your introduction request to Bob Marsh did not work out this time"}, "Your introduction request to a former member did not work out this time"},
		{Notification{Type: NotifyOrgInvitation, ActorID: "bob", Summary: "Bob Marsh invited you to join Lyon Alumni as member"}, "A former member invited you to join Lyon Alumni as member"},
		{Notification{Type: NotifyAdviceRequest, ActorID: "ines", Summary: "Ines Duarte asks you for an informational interview (video): Hi"}, "Ines Duarte asks you for an informational interview (video): Hi"},
	} {
		if got := StoredSummary(&c.n, names); got != c.want {
			t.Errorf("StoredSummary(%q) = %q, want %q", c.n.Summary, got, c.want)
		}
	}
	n := &Notification{Type: NotifyIntroduction, ActorID: "bob", OtherID: "bob", Others: []string{"ines", "bob"}}
	HideFormer(n, names)
	if n.ActorID != "" || n.OtherID != "" || len(n.Others) != 1 || n.Others[0] != "ines" {
		t.Errorf("HideFormer left %+v", n)
	}
}
