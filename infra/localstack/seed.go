package localstack

import (
	"context"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// demoMembers are the people of the demo: an alumni association's admin, a
// career changer, a returner and a student.
var demoMembers = []warmlead.Member{
	{ID: "alice", Name: "Alice Martin", Headline: "Alumni relations, Lyon Business School", Stage: warmlead.StageProfessional, Location: "Lyon"},
	{ID: "bob", Name: "Bob Okafor", Headline: "Accountant learning data analysis", Stage: warmlead.StageCareerChanger, Interests: []string{"data"}, Location: "Leeds"},
	{ID: "carmen", Name: "Carmen Ruiz", Headline: "Back to work after five years of caregiving", Stage: warmlead.StageReturner, Interests: []string{"ux research", "data"}, Location: "Madrid"},
	{ID: "dev", Name: "Dev Patel", Headline: "Final-year computer science student", Stage: warmlead.StageStudent, Location: "Remote"},
}

// Seed writes the demo data. It is idempotent: running the stack again
// leaves one copy of everything and keeps what users changed in between
// only where a seed record is not re-applied.
func Seed(ctx context.Context, members warmlead.MemberService) error {
	for i := range demoMembers {
		m := demoMembers[i]
		if _, err := members.FindMemberByID(ctx, m.ID); err == nil {
			continue
		} else if warmlead.ErrorCode(err) != warmlead.ENOTFOUND {
			return err
		}
		if _, _, err := members.PutMember(ctx, &m); err != nil {
			return err
		}
	}
	return nil
}
