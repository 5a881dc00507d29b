package warmlead

import (
	"golang.org/x/text/currency"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on a posting's fields.
const (
	MaxTitleLen       = 200
	MaxDescriptionLen = 10000
	MaxOrganization   = 200
	MaxFieldLen       = 100
	MaxSkills         = 30
	MaxSkillLen       = 50
	MaxHowToApplyLen  = 2000
	MaxHoursPerWeek   = 80
	MaxDurationWeeks  = 104
	MaxPlaceLen       = 100
)

// Bounds on a non-zero pay amount. Besides being sane for any currency,
// they keep amounts within what a DynamoDB number can hold (magnitudes
// 1e-130 to 9.99e125), which would otherwise refuse the write (a 500).
const (
	MinPayAmount = 0.01
	MaxPayAmount = 1e12
)

var (
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Normalize trims text fields, folds the field of work to its matching form
// and fills defaults (audience anyone, visibility public), so stored postings
// compare and filter consistently.
func (p *Posting) Normalize() {
	p.Title = strings.TrimSpace(p.Title)
	p.Description = strings.TrimSpace(p.Description)
	p.Organization = strings.TrimSpace(p.Organization)
	p.Field = strings.Join(strings.Fields(p.Field), " ") // as written; compared folded (docs/rules.md)
	p.HowToApply = strings.TrimSpace(p.HowToApply)
	if len(p.Audience) == 0 {
		p.Audience = []Audience{AudienceAnyone}
	}
	if p.Visibility == "" {
		p.Visibility = VisibilityPublic
	}
	for i, s := range p.Skills {
		p.Skills[i] = strings.TrimSpace(s)
	}
	p.ValidThrough = p.ValidThrough.UTC()
}

// Validate checks a posting's fields at now, naming each field at fault.
func (p *Posting) Validate(now time.Time) error {
	v := &fieldErrors{}
	v.text("title", p.Title, true, MaxTitleLen)
	v.text("description", p.Description, true, MaxDescriptionLen)
	v.text("organization", p.Organization, false, MaxOrganization)
	v.text("field", p.Field, false, MaxFieldLen)
	v.text("how_to_apply", p.HowToApply, false, MaxHowToApplyLen)
	v.enum("kind", oneOf(p.Kind, PostingKinds), joinEnum(PostingKinds))
	v.enum("compensation", oneOf(p.Compensation, Compensations), joinEnum(Compensations))
	v.enum("workplace", oneOf(p.Workplace, Workplaces), joinEnum(Workplaces))
	v.enum("visibility", oneOf(p.Visibility, Visibilities), joinEnum(Visibilities))
	if p.Visibility == VisibilityOrg && p.OrgID == "" {
		v.add("visibility", "org visibility needs an org_id")
	}
	if p.Visibility == VisibilityNetwork && p.OrgID != "" {
		// An organisation's posting reaches its members, not one admin's
		// connections: the notifier tells the members, who must see it.
		v.add("visibility", "an organisation's lead is public or org")
	}
	seenAud := map[Audience]bool{}
	for i, a := range p.Audience {
		loc := "audience[" + strconv.Itoa(i) + "]"
		v.enum(loc, oneOf(a, Audiences), joinEnum(Audiences))
		if seenAud[a] {
			v.add(loc, "is a duplicate")
		}
		seenAud[a] = true
	}
	if len(p.Skills) > MaxSkills {
		v.add("skills", "must have at most "+strconv.Itoa(MaxSkills)+" items")
	}
	for i, s := range p.Skills {
		v.text("skills["+strconv.Itoa(i)+"]", s, true, MaxSkillLen)
	}
	if p.HoursPerWeek != nil && (*p.HoursPerWeek < 1 || *p.HoursPerWeek > MaxHoursPerWeek) {
		v.add("hours_per_week", "must be between 1 and "+strconv.Itoa(MaxHoursPerWeek))
	}
	if p.DurationWeeks != nil && (*p.DurationWeeks < 1 || *p.DurationWeeks > MaxDurationWeeks) {
		v.add("duration_weeks", "must be between 1 and "+strconv.Itoa(MaxDurationWeeks))
	}
	if p.StartDate != "" {
		if _, err := time.Parse(time.DateOnly, p.StartDate); err != nil {
			v.add("start_date", "must be a date as YYYY-MM-DD")
		}
	}
	if p.Pay != nil {
		if p.Pay.Min < 0 || p.Pay.Max < 0 {
			v.add("pay", "amounts must not be negative")
		}
		for _, a := range []struct {
			loc    string
			amount float64
		}{{"pay.min", p.Pay.Min}, {"pay.max", p.Pay.Max}} {
			if (a.amount > 0 && a.amount < MinPayAmount) || a.amount > MaxPayAmount {
				v.add(a.loc, "must be 0 or between 0.01 and 1000000000000")
			}
		}
		if p.Pay.Max != 0 && p.Pay.Max < p.Pay.Min {
			v.add("pay.max", "must not be below min")
		}
		if _, err := currency.ParseISO(p.Pay.Currency); err != nil || !currencyRE.MatchString(p.Pay.Currency) {
			v.add("pay.currency", "must be an ISO 4217 code such as EUR")
		}
		v.enum("pay.unit", oneOf(p.Pay.Unit, PayUnits), joinEnum(PayUnits))
		if p.Compensation == CompUnpaid || p.Compensation == CompVolunteer {
			v.add("pay", "an unpaid or volunteer lead has no pay")
		}
	}
	if p.Location != nil {
		v.text("location.city", p.Location.City, false, MaxPlaceLen)
		v.text("location.region", p.Location.Region, false, MaxPlaceLen)
		if p.Location.Country != "" && !ValidCountry(p.Location.Country) {
			v.add("location.country", "must be an ISO 3166-1 alpha-2 country code such as FR")
		}
	}
	switch {
	case p.ValidThrough.IsZero():
		v.add("valid_through", "is required")
	case !p.ValidThrough.After(now):
		v.add("valid_through", "must be in the future")
	case p.ValidThrough.After(now.Add(MaxValidity)):
		v.add("valid_through", "must be at most 365 days ahead")
	}
	if keys := len(PostingTerms(p).Keys()); keys > MaxIndexKeys {
		v.add("skills", "the title, field, skills, organisation and city have too many different words to index (at most 48 different three-letter starts)")
	}
	return v.err()
}

// fieldErrors collects field errors during validation.
type fieldErrors struct{ list []FieldError }

func (v *fieldErrors) add(loc, msg string) { v.list = append(v.list, FieldError{loc, msg}) }

func (v *fieldErrors) text(loc, s string, required bool, max int) {
	switch n := utf8.RuneCountInString(s); {
	case required && strings.TrimSpace(s) == "":
		v.add(loc, "must not be empty")
	case n > max:
		v.add(loc, "must be at most "+strconv.Itoa(max)+" characters")
	}
}

func (v *fieldErrors) enum(loc string, ok bool, allowed string) {
	if !ok {
		v.add(loc, "must be one of "+allowed)
	}
}

func (v *fieldErrors) err() error {
	if len(v.list) == 0 {
		return nil
	}
	return Invalid(v.list...)
}
