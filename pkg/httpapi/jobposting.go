package httpapi

import (
	"strings"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// jobPostingLD is a public posting as schema.org JobPosting JSON-LD
// (https://schema.org/JobPosting), which search engines and job
// aggregators read from the landing page. Only public postings carry it.
type jobPostingLD struct {
	Context            string          `json:"@context"`
	Type               string          `json:"@type"`
	Title              string          `json:"title"`
	Description        string          `json:"description"`
	DatePosted         string          `json:"datePosted"`
	ValidThrough       string          `json:"validThrough"`
	EmploymentType     string          `json:"employmentType"`
	HiringOrganization ldOrganization  `json:"hiringOrganization"`
	JobLocation        *ldPlace        `json:"jobLocation,omitempty"`
	JobLocationType    string          `json:"jobLocationType,omitempty"`
	ApplicantLocation  *ldCountry      `json:"applicantLocationRequirements,omitempty"`
	BaseSalary         *ldMonetaryAmnt `json:"baseSalary,omitempty"`
	URL                string          `json:"url"`
}

type ldOrganization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldPlace struct {
	Type    string        `json:"@type"`
	Address ldPostalAddrs `json:"address"`
}

type ldPostalAddrs struct {
	Type     string `json:"@type"`
	Locality string `json:"addressLocality,omitempty"`
	Region   string `json:"addressRegion,omitempty"`
	Country  string `json:"addressCountry,omitempty"`
}

type ldCountry struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldMonetaryAmnt struct {
	Type     string          `json:"@type"`
	Currency string          `json:"currency"`
	Value    ldQuantitativeV `json:"value"`
}

type ldQuantitativeV struct {
	Type     string   `json:"@type"`
	Value    *float64 `json:"value,omitempty"`
	MinValue *float64 `json:"minValue,omitempty"`
	MaxValue *float64 `json:"maxValue,omitempty"`
	UnitText string   `json:"unitText"`
}

func jobPosting(cfg *Config, r *warmlead.Referral, p *warmlead.Posting) jobPostingLD {
	org := p.Organization
	if org == "" {
		org = displayName(chainMember(r, 0))
	}
	ld := jobPostingLD{Context: "https://schema.org", Type: "JobPosting", Title: p.Title, Description: p.Description,
		DatePosted: p.CreatedAt.UTC().Format(time.DateOnly), ValidThrough: p.ValidThrough.UTC().Format(time.RFC3339),
		EmploymentType: employmentType(p), HiringOrganization: ldOrganization{Type: "Organization", Name: org},
		URL: cfg.linkURL(r.Token)}
	if p.Workplace == warmlead.WorkplaceRemote {
		ld.JobLocationType = "TELECOMMUTE"
		if p.Location != nil && p.Location.Country != "" {
			ld.ApplicantLocation = &ldCountry{Type: "Country", Name: p.Location.Country}
		}
	} else if p.Location != nil {
		ld.JobLocation = &ldPlace{Type: "Place", Address: ldPostalAddrs{Type: "PostalAddress",
			Locality: p.Location.City, Region: p.Location.Region, Country: p.Location.Country}}
	}
	if p.Pay != nil {
		v := ldQuantitativeV{Type: "QuantitativeValue", UnitText: strings.ToUpper(string(p.Pay.Unit))}
		if p.Pay.Unit == warmlead.PayTotal {
			v.UnitText = "TOTAL"
		}
		lo, hi := p.Pay.Min, p.Pay.Max
		if hi > lo {
			v.MinValue, v.MaxValue = &lo, &hi
		} else {
			v.Value = &lo
		}
		ld.BaseSalary = &ldMonetaryAmnt{Type: "MonetaryAmount", Currency: p.Pay.Currency, Value: v}
	}
	return ld
}

// employmentType maps a posting's kind (and pay, hours) to the values
// schema.org's employmentType uses (Google's list: FULL_TIME, PART_TIME,
// CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, PER_DIEM, OTHER).
func employmentType(p *warmlead.Posting) string {
	switch {
	case p.Compensation == warmlead.CompVolunteer:
		return "VOLUNTEER"
	case p.Kind == warmlead.KindInternship, p.Kind == warmlead.KindInformalInternship, p.Kind == warmlead.KindSelfCreatedInternship:
		return "INTERN"
	case p.HoursPerWeek != nil && *p.HoursPerWeek < 35:
		return "PART_TIME"
	}
	return "FULL_TIME"
}
