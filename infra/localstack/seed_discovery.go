package localstack

import (
	"context"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Discovery demo data (README.md, "Finding postings"): enough varied postings
// that keyword search, place filters and saved searches are worth trying.

// discoveryMarker is the title seedDiscovery looks for to stay idempotent.
const discoveryMarker = "UX research intern (user interviews)"

type demoPosting struct {
	poster string
	p      warmlead.Posting
}

// discoveryPostings are public postings across fields, kinds and places.
func discoveryPostings() []demoPosting {
	loc := func(city, region, country string) *warmlead.Location {
		return &warmlead.Location{City: city, Region: region, Country: country}
	}
	posting := func(poster, title, field, org string, kind warmlead.PostingKind, comp warmlead.Compensation, wp warmlead.Workplace,
		l *warmlead.Location, skills ...string) demoPosting {
		return demoPosting{poster, warmlead.Posting{Title: title, Field: field, Organization: org, Kind: kind, Compensation: comp,
			Workplace: wp, Location: l, Skills: skills, Visibility: warmlead.VisibilityPublic,
			Description: "A lead shared through the demo network: " + title + ". Express interest and the poster will introduce you.",
			Audience:    []warmlead.Audience{warmlead.AudienceAnyone}}}
	}
	const (
		job, intern, informal, self      = warmlead.KindJob, warmlead.KindInternship, warmlead.KindInformalInternship, warmlead.KindSelfCreatedInternship
		paid, stipend, unpaid, volunteer = warmlead.CompPaid, warmlead.CompStipend, warmlead.CompUnpaid, warmlead.CompVolunteer
		onsite, hybrid, remote           = warmlead.WorkplaceOnsite, warmlead.WorkplaceHybrid, warmlead.WorkplaceRemote
	)
	return []demoPosting{
		posting("sam", discoveryMarker, "UX Research", "Atelier Nord", intern, stipend, hybrid, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "user interviews", "usability testing"),
		posting("sam", "UX designer for a health app", "UX design", "Santé Connect", job, paid, remote, loc("", "", "FR"), "figma", "prototyping"),
		posting("alice", "Junior UX researcher", "UX Research", "Hôpital Saint-Éloi", job, paid, onsite, loc("Montréal", "Québec", "CA"), "surveys", "interviews"),
		posting("alice", "Product design internship", "Design", "Studio Lumière", intern, stipend, onsite, loc("Paris", "Île-de-France", "FR"), "figma", "sketching"),
		posting("sam", "Data analyst, public health", "Data", "Santé publique France", job, paid, hybrid, loc("Saint-Maurice", "Île-de-France", "FR"), "sql", "r", "statistics"),
		posting("sam", "Analytics engineer (dbt)", "Data", "Northwind Retail", job, paid, remote, loc("", "", "GB"), "sql", "dbt", "python"),
		posting("bob", "Shadow a data engineering team", "Data engineering", "Leeds Fintech Hub", informal, unpaid, hybrid, loc("Leeds", "West Yorkshire", "GB"), "python", "airflow"),
		posting("carmen", "I will build dashboards for a nonprofit", "Data", "", self, volunteer, remote, nil, "tableau", "excel"),
		posting("alice", "Marketing assistant for alumni events", "Marketing", "Lyon Business School Alumni", job, paid, onsite, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "social media", "copywriting"),
		posting("sam", "Content writer returnship", "Content", "Bright Words", job, paid, remote, loc("", "", "IE"), "writing", "editing"),
		posting("sam", "Backend developer apprenticeship", "Software", "Kafe Systems", intern, paid, hybrid, loc("Berlin", "Berlin", "DE"), "go", "postgresql"),
		posting("dev", "Frontend intern (React)", "Software", "Pixel Garden", intern, stipend, remote, loc("", "", "DE"), "react", "typescript"),
		posting("sam", "Site reliability shadowing", "Software", "Sam's team at a Paris scale-up", informal, unpaid, onsite, loc("Paris", "Île-de-France", "FR"), "kubernetes", "linux"),
		posting("alice", "Financial analyst (career changers welcome)", "Finance", "Crédit Rhône", job, paid, hybrid, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "excel", "modelling"),
		posting("bob", "Bookkeeping help for a bakery chain", "Accounting", "A friend's bakery chain", informal, stipend, onsite, loc("Leeds", "West Yorkshire", "GB"), "bookkeeping", "excel"),
		posting("carmen", "Care coordinator (returners)", "Healthcare", "Cuidar Madrid", job, paid, onsite, loc("Madrid", "Comunidad de Madrid", "ES"), "scheduling", "empathy"),
		posting("carmen", "Research operations volunteer", "UX Research", "Open Research Collective", self, volunteer, remote, nil, "research ops", "notion"),
		posting("sam", "Teaching assistant, coding bootcamp", "Education", "Code Bridge", job, paid, hybrid, loc("Madrid", "Comunidad de Madrid", "ES"), "javascript", "mentoring"),
		posting("alice", "Sustainability analyst internship", "Sustainability", "Green Alps Energy", intern, stipend, onsite, loc("Grenoble", "Auvergne-Rhône-Alpes", "FR"), "carbon accounting", "excel"),
		posting("dev", "Machine learning research intern", "Machine learning", "Université de Montréal lab", intern, stipend, onsite, loc("Montréal", "Québec", "CA"), "python", "pytorch"),
		posting("sam", "Customer success associate", "Customer success", "Helpdesk Co", job, paid, remote, loc("", "", "US"), "support", "communication"),
		posting("bob", "Junior accountant to data analyst mentoring", "Data", "Leeds Fintech Hub", informal, unpaid, remote, loc("", "", "GB"), "sql", "power bi"),
		posting("alice", "Event designer for the alumni gala", "Design", "Lyon Business School Alumni", informal, stipend, onsite, loc("Lyon", "Auvergne-Rhône-Alpes", "FR"), "event planning", "canva"),
		posting("carmen", "Spanish-English translator (part time)", "Translation", "Puentes", job, paid, remote, loc("", "", "ES"), "translation", "spanish"),
	}
}

// seedDiscovery writes the discovery postings once.
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
	for _, l := range discoveryPostings() {
		p := l.p
		p.ValidThrough = until
		if _, _, err := s.CreatePosting(ctx, l.poster, &p, nil); err != nil {
			return err
		}
	}
	return nil
}
