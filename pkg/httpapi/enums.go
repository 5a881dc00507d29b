package httpapi

import (
	"github.com/danielgtaylor/huma/v2"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// Wire types for the domain's enums. Each documents (and so validates) its
// values from the domain's list, so the API and the rules cannot disagree.

func enumSchema[T ~string](values []T, doc string) *huma.Schema {
	enum := make([]any, len(values))
	for i, v := range values {
		enum[i] = string(v)
	}
	return &huma.Schema{Type: "string", Enum: enum, Description: doc}
}

type (
	postingKind   string
	compensation  string
	audience      string
	workplace     string
	visibility    string
	postingStatus string
	closeReason   string
	payUnit       string
)

func (postingKind) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.PostingKinds, "What sort of opportunity: informal internships are arranged person to person; self-created ones are proposed by the learner.")
}

func (compensation) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Compensations, "Whether and how the lead pays.")
}

func (audience) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Audiences, "Who the lead is for.")
}

func (workplace) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Workplaces, "Where the work happens.")
}

func (visibility) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.Visibilities, "public: anyone; network: the poster's accepted connections; org: the organisation's members.")
}

func (postingStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.PostingStatuses, "The lead's life cycle.")
}

func (closeReason) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.CloseReasons, "filled closes the lead as filled; withdrawn as closed.")
}

func (payUnit) Schema(huma.Registry) *huma.Schema {
	return enumSchema(warmlead.PayUnits, "The period the pay range is for.")
}
