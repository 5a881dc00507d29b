package localstack

import (
	"context"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// The people side of the demo (docs/people.md): an MBA alumni association
// with a directory, two advisors with offers, a conversation held (and not
// yet thanked), and an introduction waiting for its target.
var peopleMembers = []warmlead.Member{
	{ID: "grace", Name: "Grace Kim", Headline: "Product manager, ex-consultant; MBA 2015", Stage: warmlead.StageProfessional, Location: "Lyon",
		Interests: []string{"product management"}},
	{ID: "hugo", Name: "Hugo Laurent", Headline: "Head of operations at a food start-up; MBA 2012", Stage: warmlead.StageProfessional, Location: "Paris"},
	{ID: "nadia", Name: "Nadia Haddad", Headline: "MBA 2026, changing careers from banking to food operations", Stage: warmlead.StageCareerChanger,
		Location: "Lyon", Interests: []string{"operations", "food"}},
	{ID: "ines", Name: "Inès Moreau", Headline: "Founder of a bakery co-operative", Stage: warmlead.StageProfessional, Location: "Lyon"},
}

// seedPeople writes the people demo once (it stops if grace exists).
func seedPeople(ctx context.Context, s Services) error {
	if _, err := s.FindMemberByID(ctx, "grace"); err == nil {
		return nil
	} else if warmlead.ErrorCode(err) != warmlead.ENOTFOUND {
		return err
	}
	for i := range peopleMembers {
		if _, _, err := s.PutMember(ctx, &peopleMembers[i]); err != nil {
			return err
		}
	}
	org, err := s.CreateOrg(ctx, "grace", &warmlead.Org{Name: "Lyon MBA Alumni", Kind: warmlead.OrgAlumniAssociation})
	if err != nil {
		return err
	}
	for _, m := range []string{"hugo", "nadia", "carmen"} {
		if _, _, err := s.InviteOrgMember(ctx, "grace", org.ID, m, warmlead.RoleMember); err != nil {
			return err
		}
		if _, err := s.AcceptOrgInvitation(ctx, m, org.ID); err != nil {
			return err
		}
	}
	c, _, err := s.RequestConnection(ctx, "hugo", &warmlead.Connection{RecipientID: "ines", MetVia: "Paris food week"})
	if err != nil {
		return err
	}
	if _, err := s.AcceptConnection(ctx, "ines", c.ID); err != nil {
		return err
	}
	for _, o := range []struct {
		who   string
		offer warmlead.Offer
	}{
		{"grace", warmlead.Offer{Topics: []string{"product management", "leaving consulting", "MBA recruiting"},
			Formats: []warmlead.AdviceFormat{warmlead.FormatVideo, warmlead.FormatCoffee}, MonthlyCapacity: 3, Status: warmlead.OfferOpen,
			Note: "Thirty minutes, ideally with your questions sent ahead."}},
		{"hugo", warmlead.Offer{Topics: []string{"operations", "food industry", "start-ups"},
			Formats: []warmlead.AdviceFormat{warmlead.FormatPhone, warmlead.FormatCoffee}, MonthlyCapacity: 2, Status: warmlead.OfferOpen,
			Note: "Happy to talk supply chains and kitchens."}},
	} {
		if _, _, err := s.PutOffer(ctx, o.who, &o.offer); err != nil {
			return err
		}
	}
	r, err := s.RequestAdvice(ctx, "nadia", &warmlead.AdviceRequest{AdvisorID: "hugo", Format: warmlead.FormatCoffee,
		Pitch:     "I spent eight years in banking and finished my MBA this year. I want to move into food operations and would love to hear how you made the jump.",
		Questions: []string{"What does a first year in food operations look like?", "Which skills from finance carried over?", "Who else should I talk to?"}})
	if err != nil {
		return err
	}
	if _, err := s.StepAdvice(ctx, "hugo", r.ID, &warmlead.AdviceStep{Action: warmlead.ActAccept, Message: "Gladly, coffee next week?"}); err != nil {
		return err
	}
	yesterday := time.Now().UTC().Add(-24 * time.Hour).Format(time.DateOnly)
	if _, err := s.StepAdvice(ctx, "nadia", r.ID, &warmlead.AdviceStep{Action: warmlead.ActHeld, HeldOn: yesterday}); err != nil {
		return err
	}
	in, err := s.RequestIntroduction(ctx, "nadia", &warmlead.Introduction{IntroducerID: "hugo", Field: "food operations",
		Goal: "I'm looking for an informal internship in a food business's operations team."})
	if err != nil {
		return err
	}
	_, err = s.StepIntroduction(ctx, "hugo", in.ID, warmlead.IntroForward, "ines", "Nadia is sharp and ready to get her hands dirty.")
	return err
}
