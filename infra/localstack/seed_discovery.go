package localstack

import (
	"context"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Discovery demo data (README.md, "Finding leads"): enough varied leads
// that keyword search, place filters and saved searches are worth trying.

// discoveryMarker is the title seedDiscovery looks for to stay idempotent.
const discoveryMarker = "UX research intern (user interviews)"

type demoLead struct {
	poster string
	p      warmlead.Posting
}

// discoveryLeads are public leads across fields, kinds and places.
func discoveryLeads() []demoLead {
	loc := func(city, region, country string) *warmlead.Location {
		return &warmlead.Location{City: city, Region: region, Country: country}
	}
	lead := func(poster, title, field, org string, kind warmlead.PostingKind, comp warmlead.Compensation, wp warmlead.Workplace,
		l *warmlead.Location, skills ...string) demoLead {
		return demoLead{poster, warmlead.Posting{Title: title, Field: field, Organization: org, Kind: kind, Compensation: comp,
			Workplace: wp, Location: l, Skills: skills, Visibility: warmlead.VisibilityPublic,
			Description: "A lead shared through the demo network: " + title + ". Express interest and the poster will introduce you.",
			Audience:    []warmlead.Audience{warmlead.AudienceAnyone}}}
	}
	const (
		job, intern, informal, self      = warmlead.KindJob, warmlead.KindInternship, warmlead.KindInformalInternship, warmlead.KindSelfCreatedInternship
		paid, stipend, unpaid, volunteer = warmlead.CompPaid, warmlead.CompStipend, warmlead.CompUnpaid, warmlead.CompVolunteer
		onsite, hybrid, remote           = warmlead.WorkplaceOnsite, warmlead.WorkplaceHybrid, warmlead.WorkplaceRemote
	)
	return []demoLead{
		lead("sam", discoveryMarker, "UX Research", "Atelier Nord", intern, stipend, hybrid, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "user interviews", "usability testing"),
		lead("sam", "UX designer for a health app", "UX design", "Santé Connect", job, paid, remote, loc("", "", "FR"), "figma", "prototyping"),
		lead("alice", "Junior UX researcher", "UX Research", "Hôpital Saint-Éloi", job, paid, onsite, loc("Montréal", "Québec", "CA"), "surveys", "interviews"),
		lead("alice", "Product design internship", "Design", "Studio Lumière", intern, stipend, onsite, loc("Paris", "Île-de-France", "FR"), "figma", "sketching"),
		lead("sam", "Data analyst, public health", "Data", "Santé publique France", job, paid, hybrid, loc("Saint-Maurice", "Île-de-France", "FR"), "sql", "r", "statistics"),
		lead("sam", "Analytics engineer (dbt)", "Data", "Northwind Retail", job, paid, remote, loc("", "", "GB"), "sql", "dbt", "python"),
		lead("bob", "Shadow a data engineering team", "Data engineering", "Leeds Fintech Hub", informal, unpaid, hybrid, loc("Leeds", "West Yorkshire", "GB"), "python", "airflow"),
		lead("carmen", "I will build dashboards for a nonprofit", "Data", "", self, volunteer, remote, nil, "tableau", "excel"),
		lead("alice", "Marketing assistant for alumni events", "Marketing", "Lyon Business School Alumni", job, paid, onsite, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "social media", "copywriting"),
		lead("sam", "Content writer returnship", "Content", "Bright Words", job, paid, remote, loc("", "", "IE"), "writing", "editing"),
		lead("sam", "Backend developer apprenticeship", "Software", "Kafe Systems", intern, paid, hybrid, loc("Berlin", "Berlin", "DE"), "go", "postgresql"),
		lead("dev", "Frontend intern (React)", "Software", "Pixel Garden", intern, stipend, remote, loc("", "", "DE"), "react", "typescript"),
		lead("sam", "Site reliability shadowing", "Software", "Sam's team at a Paris scale-up", informal, unpaid, onsite, loc("Paris", "Île-de-France", "FR"), "kubernetes", "linux"),
		lead("alice", "Financial analyst (career changers welcome)", "Finance", "Crédit Rhône", job, paid, hybrid, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "excel", "modelling"),
		lead("bob", "Bookkeeping help for a bakery chain", "Accounting", "A friend's bakery chain", informal, stipend, onsite, loc("Leeds", "West Yorkshire", "GB"), "bookkeeping", "excel"),
		lead("carmen", "Care coordinator (returners)", "Healthcare", "Cuidar Madrid", job, paid, onsite, loc("Madrid", "Comunidad de Madrid", "ES"), "scheduling", "empathy"),
		lead("carmen", "Research operations volunteer", "UX Research", "Open Research Collective", self, volunteer, remote, nil, "research ops", "notion"),
		lead("sam", "Teaching assistant, coding bootcamp", "Education", "Code Bridge", job, paid, hybrid, loc("Madrid", "Comunidad de Madrid", "ES"), "javascript", "mentoring"),
		lead("alice", "Sustainability analyst internship", "Sustainability", "Green Alps Energy", intern, stipend, onsite, loc("Grenoble", "Auvergne-Rhône-Alpes", "FR"), "carbon accounting", "excel"),
		lead("dev", "Machine learning research intern", "Machine learning", "Université de Montréal lab", intern, stipend, onsite, loc("Montréal", "Québec", "CA"), "python", "pytorch"),
		lead("sam", "Customer success associate", "Customer success", "Helpdesk Co", job, paid, remote, loc("", "", "US"), "support", "communication"),
		lead("bob", "Junior accountant to data analyst mentoring", "Data", "Leeds Fintech Hub", informal, unpaid, remote, loc("", "", "GB"), "sql", "power bi"),
		lead("alice", "Event designer for the alumni gala", "Design", "Lyon Business School Alumni", informal, stipend, onsite, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "event planning", "canva"),
		lead("carmen", "Spanish-English translator (part time)", "Translation", "Puentes", job, paid, remote, loc("", "", "ES"), "translation", "spanish"),
	}
}

// seedDiscovery writes the discovery leads once.
func seedDiscovery(ctx context.Context, s Services) error {
	mine, err := s.ListPostingsByPoster(ctx, "sam", warmlead.PageRequest{Limit: 100})
	if err != nil {
		return err
	}
	for _, p := range mine.Items {
		if p.Title == discoveryMarker {
			return nil
		}
	}
	until := time.Now().UTC().Add(45 * 24 * time.Hour)
	for _, l := range discoveryLeads() {
		p := l.p
		p.ValidThrough = until
		if _, _, err := s.CreatePosting(ctx, l.poster, &p, nil); err != nil {
			return err
		}
	}
	return nil
}
