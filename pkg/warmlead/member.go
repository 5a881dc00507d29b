package warmlead

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Stage is where a member is in their working life; it decides which postings
// suit them (informal and self-created internships exist for career changers
// and returners).
type Stage string

// Stages a member can be in.
const (
	StageStudent       Stage = "student"
	StageRecentGrad    Stage = "recent_grad"
	StageCareerChanger Stage = "career_changer"
	StageReturner      Stage = "returner"
	StageProfessional  Stage = "professional"
)

// Stages lists every valid Stage, in the order shown in the API docs.
var Stages = []Stage{StageStudent, StageRecentGrad, StageCareerChanger, StageReturner, StageProfessional}

// Limits on a member profile, shared by validation and the API docs.
const (
	MaxNameLen      = 100
	MaxHeadlineLen  = 200
	MaxLocationLen  = 100
	MaxInterests    = 20
	MaxInterestLen  = 50
	MaxMemberIDLen  = 128
	memberIDPattern = `^[A-Za-z0-9_.@:+-]+$`
)

var memberIDRE = regexp.MustCompile(memberIDPattern)

// Member is a person on Warmlead. The id is the identity provider's subject
// (the JWT's sub), so a member exists once they save a profile.
type Member struct {
	ID        string
	Name      string
	Headline  string
	Stage     Stage
	Interests []string // fields of work; a member with interests only gets matching postings
	Location  string
	// Directory is who sees the member in organisation directories
	// (directory.go); "" on PutMember keeps the stored setting (DirectoryOrgs
	// for a new profile).
	Directory DirectoryVisibility
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MemberService stores member profiles.
type MemberService interface {
	// PutMember creates the member's profile or replaces its editable fields,
	// keeping CreatedAt, and returns the stored profile and whether it was
	// created. Returns EINVALID.
	PutMember(ctx context.Context, m *Member) (stored *Member, created bool, err error)

	// FindMemberByID returns a member's profile. Returns ENOTFOUND.
	FindMemberByID(ctx context.Context, id string) (*Member, error)
}

// Validate checks a profile's editable fields and its id, naming each field
// at fault with its location in a request body.
func (m *Member) Validate() error {
	var fields []FieldError
	add := func(loc, msg string) { fields = append(fields, FieldError{Field: loc, Message: msg}) }

	if err := ValidateMemberID(m.ID); err != nil {
		add("id", err.Error())
	}
	name := strings.TrimSpace(m.Name)
	switch {
	case name == "":
		add("name", "must not be empty")
	case utf8.RuneCountInString(name) > MaxNameLen:
		add("name", "must be at most "+strconv.Itoa(MaxNameLen)+" characters")
	}
	if utf8.RuneCountInString(m.Headline) > MaxHeadlineLen {
		add("headline", "must be at most "+strconv.Itoa(MaxHeadlineLen)+" characters")
	}
	if !m.Stage.Valid() {
		add("stage", "must be one of student, recent_grad, career_changer, returner, professional")
	}
	if utf8.RuneCountInString(m.Location) > MaxLocationLen {
		add("location", "must be at most "+strconv.Itoa(MaxLocationLen)+" characters")
	}
	if m.Directory != "" && !m.Directory.Valid() {
		add("directory", "must be one of orgs, connections, hidden")
	}
	if len(m.Interests) > MaxInterests {
		add("interests", "must have at most "+strconv.Itoa(MaxInterests)+" items")
	}
	seen := make(map[string]bool, len(m.Interests))
	for i, in := range m.Interests {
		loc := "interests[" + strconv.Itoa(i) + "]"
		switch n := utf8.RuneCountInString(strings.TrimSpace(in)); {
		case n == 0:
			add(loc, "must not be empty")
		case n > MaxInterestLen:
			add(loc, "must be at most "+strconv.Itoa(MaxInterestLen)+" characters")
		case seen[NormalizeField(in)]:
			add(loc, "is a duplicate")
		}
		seen[NormalizeField(in)] = true
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// Valid reports whether s is one of Stages.
func (s Stage) Valid() bool {
	for _, v := range Stages {
		if s == v {
			return true
		}
	}
	return false
}

// ValidateMemberID checks an id that arrives from a token or a path. Ids
// become part of storage keys, so the separator characters are refused.
func ValidateMemberID(id string) error {
	if id == "" || len(id) > MaxMemberIDLen || !memberIDRE.MatchString(id) {
		return Errorf(EINVALID, "a member id is 1 to 128 letters, digits or _.@:+-")
	}
	return nil
}

// NormalizeField gives the form of a field of work ("Data Science ") used to
// match postings to interests ("data science").
func NormalizeField(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
