package dynamo

import (
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// memberItem is a member's profile as stored.
type memberItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      string   `dynamodbav:"Type"`
	ID        string   `dynamodbav:"ID"`
	Name      string   `dynamodbav:"Name"`
	Headline  string   `dynamodbav:"Headline"`
	Stage     string   `dynamodbav:"Stage"`
	Interests []string `dynamodbav:"Interests"`
	Location  string   `dynamodbav:"Location"`
	Directory string   `dynamodbav:"Directory,omitempty"`
	CreatedAt string   `dynamodbav:"CreatedAt"`
	UpdatedAt string   `dynamodbav:"UpdatedAt"`
}

func (it *memberItem) member() *warmlead.Member {
	return &warmlead.Member{
		ID:        it.ID,
		Name:      it.Name,
		Headline:  it.Headline,
		Stage:     warmlead.Stage(it.Stage),
		Interests: it.Interests,
		Location:  it.Location,
		Directory: warmlead.DirectoryVisibility(it.Directory),
		CreatedAt: parseTime(it.CreatedAt),
		UpdatedAt: parseTime(it.UpdatedAt),
	}
}
