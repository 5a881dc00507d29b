package localstack

import (
	"context"
	"errors"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Services are what the seed writes through: the same domain services the
// API uses, so demo data obeys every rule real data does.
type Services interface {
	warmlead.MemberService
	warmlead.OrgService
	warmlead.ConnectionService
	warmlead.PostingService
	warmlead.ReferralService
	// People (seed_people.go).
	warmlead.AdviceService
	warmlead.IntroductionService
}

// demoMembers are the people of the demo: an alumni association's admin, a
// career changer, a returner, a student and a manager who vouches.
var demoMembers = []warmlead.Member{
	{ID: "alice", Name: "Alice Martin", Headline: "Alumni relations, Lyon Business School", Stage: warmlead.StageProfessional, Location: "Lyon"},
	{ID: "bob", Name: "Bob Okafor", Headline: "Accountant learning data analysis", Stage: warmlead.StageCareerChanger, Interests: []string{"data"}, Location: "Leeds"},
	{ID: "carmen", Name: "Carmen Ruiz", Headline: "Back to work after five years of caregiving", Stage: warmlead.StageReturner, Interests: []string{"ux research", "data"}, Location: "Madrid"},
	{ID: "dev", Name: "Dev Patel", Headline: "Final-year computer science student", Stage: warmlead.StageStudent, Location: "Remote"},
	{ID: "sam", Name: "Sam Lee", Headline: "Engineering manager, former alumni mentor", Stage: warmlead.StageProfessional, Location: "Paris"},
}

// Demo is what the seed made that `make run` shows off.
type Demo struct {
	ReferralToken string // dev's link to the alumni association's data job, via Sam's
}

// Seed writes the demo data through the domain services. It is idempotent:
// the first run writes everything; later runs find alice's postings and only
// look the demo link up again.
func Seed(ctx context.Context, s Services) (*Demo, error) {
	for i := range demoMembers {
		m := demoMembers[i]
		if _, err := s.FindMemberByID(ctx, m.ID); err == nil {
			continue
		} else if warmlead.ErrorCode(err) != warmlead.ENOTFOUND {
			return nil, err
		}
		if _, _, err := s.PutMember(ctx, &m); err != nil {
			return nil, err
		}
	}
	mine, err := s.ListPostingsByPoster(ctx, "alice", warmlead.PageRequest{Limit: 100})
	if err != nil {
		return nil, err
	}
	var dataJob *warmlead.Posting
	for _, p := range mine.Items {
		if p.Title == dataJobTitle {
			dataJob = p
		}
	}
	if dataJob == nil {
		if dataJob, err = seedNetwork(ctx, s); err != nil {
			return nil, err
		}
	}
	if err := seedDiscovery(ctx, s); err != nil { // seed_discovery.go
		return nil, err
	}
	if err := seedPeople(ctx, s); err != nil { // seed_people.go
		return nil, err
	}
	samLink, _, err := s.CreateReferral(ctx, "sam", dataJob.ID, "")
	if err != nil {
		return nil, err
	}
	devLink, _, err := s.CreateReferral(ctx, "dev", dataJob.ID, samLink.Token)
	if err != nil {
		return nil, err
	}
	return &Demo{ReferralToken: devLink.Token}, nil
}

const dataJobTitle = "Junior data analyst (6-month contract)"

// seedNetwork writes the organisation, the connections and one posting of
// every kind, some visible to a network or an organisation only.
func seedNetwork(ctx context.Context, s Services) (*warmlead.Posting, error) {
	org, err := s.CreateOrg(ctx, "alice", &warmlead.Org{Name: "Lyon Business School Alumni", Kind: warmlead.OrgAlumniAssociation})
	if err != nil {
		return nil, err
	}
	// Members join by consent, as real ones do: alice invites, each
	// accepts (docs/rules.md, "Organisations and consent"). Sam is invited
	// as admin and has not answered yet: his invitation shows in
	// GET /me/invitations and his inbox.
	for _, m := range []string{"bob", "carmen", "dev"} {
		if _, _, err := s.InviteOrgMember(ctx, "alice", org.ID, m, warmlead.RoleMember); err != nil {
			return nil, err
		}
		if _, err := s.AcceptOrgInvitation(ctx, m, org.ID); err != nil {
			return nil, err
		}
	}
	if _, _, err := s.InviteOrgMember(ctx, "alice", org.ID, "sam", warmlead.RoleAdmin); err != nil {
		return nil, err
	}
	for _, pair := range [][2]string{{"alice", "bob"}, {"alice", "carmen"}, {"sam", "alice"}, {"sam", "dev"}} {
		c, _, err := s.RequestConnection(ctx, pair[0], &warmlead.Connection{RecipientID: pair[1], MetVia: "Lyon Business School"})
		if err != nil {
			return nil, err
		}
		if _, err := s.AcceptConnection(ctx, pair[1], c.ID); err != nil {
			return nil, err
		}
	}
	if _, _, err := s.RequestConnection(ctx, "bob", &warmlead.Connection{RecipientID: "dev", Note: "We met at the alumni meetup."}); err != nil {
		return nil, err
	}

	month := time.Now().UTC().Add(30 * 24 * time.Hour)
	hours := func(h int) *int { return &h }
	postings := []struct {
		poster string
		p      warmlead.Posting
	}{
		{"alice", warmlead.Posting{Title: dataJobTitle, Kind: warmlead.KindJob, OrgID: org.ID, Organization: org.Name,
			Description:  "An alumna's analytics firm needs a junior analyst for survey data. SQL and patience required.",
			Compensation: warmlead.CompPaid, Pay: &warmlead.Pay{Min: 2100, Max: 2400, Currency: "EUR", Unit: warmlead.PayMonth},
			Audience: []warmlead.Audience{warmlead.AudienceRecentGrads, warmlead.AudienceCareerChangers}, Field: "data",
			Skills: []string{"sql", "excel"}, Workplace: warmlead.WorkplaceHybrid, Location: &warmlead.Location{City: "Lyon", Country: "FR"},
			HowToApply: "Express interest; Alice introduces you to the founder.", Visibility: warmlead.VisibilityPublic}},
		{"alice", warmlead.Posting{Title: "Summer internship in alumni relations", Kind: warmlead.KindInternship, OrgID: org.ID,
			Organization: org.Name, Description: "Ten weeks with the alumni office: events, mentoring programme, newsletter.",
			Compensation: warmlead.CompStipend, Pay: &warmlead.Pay{Min: 600, Currency: "EUR", Unit: warmlead.PayMonth},
			Audience: []warmlead.Audience{warmlead.AudienceStudents}, Field: "communications", DurationWeeks: hours(10),
			StartDate: "2027-06-07", Workplace: warmlead.WorkplaceOnsite, Location: &warmlead.Location{City: "Lyon", Country: "FR"},
			Visibility: warmlead.VisibilityOrg}},
		{"sam", warmlead.Posting{Title: "Shadow our platform team for a month", Kind: warmlead.KindInformalInternship,
			Organization: "Sam's team at a Paris scale-up", Description: "Sit in on stand-ups, pair with engineers, ship one small fix.",
			Compensation: warmlead.CompUnpaid, Audience: []warmlead.Audience{warmlead.AudienceCareerChangers, warmlead.AudienceReturners},
			Field: "software", HoursPerWeek: hours(15), DurationWeeks: hours(4), Workplace: warmlead.WorkplaceHybrid,
			Location: &warmlead.Location{City: "Paris", Country: "FR"}, Visibility: warmlead.VisibilityNetwork}},
		{"carmen", warmlead.Posting{Title: "I will volunteer 10 h a week to learn UX research", Kind: warmlead.KindSelfCreatedInternship,
			Description:  "Returning after five years of caregiving. I can run interviews and synthesise notes; I want to learn research ops.",
			Compensation: warmlead.CompVolunteer, Audience: []warmlead.Audience{warmlead.AudienceAnyone}, Field: "ux research",
			HoursPerWeek: hours(10), DurationWeeks: hours(12), Workplace: warmlead.WorkplaceRemote, Visibility: warmlead.VisibilityPublic}},
		{"bob", warmlead.Posting{Title: "Informal internship: help a bakery chain read its numbers", Kind: warmlead.KindInformalInternship,
			Organization: "A friend's bakery chain", Description: "Two afternoons a week building a sales dashboard.",
			Compensation: warmlead.CompStipend, Pay: &warmlead.Pay{Min: 300, Currency: "GBP", Unit: warmlead.PayMonth},
			Audience: []warmlead.Audience{warmlead.AudienceStudents, warmlead.AudienceRecentGrads}, Field: "data",
			HoursPerWeek: hours(8), Workplace: warmlead.WorkplaceOnsite, Location: &warmlead.Location{City: "Leeds", Country: "GB"},
			Visibility: warmlead.VisibilityNetwork}},
	}
	var dataJob *warmlead.Posting
	for i := range postings {
		p := postings[i].p
		p.ValidThrough = month
		created, _, err := s.CreatePosting(ctx, postings[i].poster, &p, nil)
		if err != nil {
			return nil, err
		}
		if created.Title == dataJobTitle {
			dataJob = created
		}
	}
	if dataJob == nil {
		return nil, errors.New("seed: the data job was not created")
	}
	return dataJob, nil
}
