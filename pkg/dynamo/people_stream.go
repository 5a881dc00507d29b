package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// decodePeopleFact reads an advice request or an introduction record: each
// write of one is a step of its state machine, and the fact carries it in
// its new status (the notifier decides who hears of which status).
func decodePeopleFact(typ string, image map[string]types.AttributeValue) (*warmlead.Fact, error) {
	switch typ {
	case typeAdviceRequest:
		var it adviceRequestItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.ID != "" && it.Status != "" && (it.RequesterID == "" || it.AdvisorID == "") {
			return nil, nil // anonymised when a member deleted their data (docs/people.md): nothing to tell
		}
		if it.ID == "" || it.RequesterID == "" || it.AdvisorID == "" || it.Status == "" {
			return nil, fmt.Errorf("advice request record without id, members or status")
		}
		return &warmlead.Fact{Kind: warmlead.FactAdvice, Advice: it.request()}, nil
	case typeIntroduction:
		var it introductionItem
		if err := unmarshalFact(image, &it); err != nil {
			return nil, err
		}
		if it.ID != "" && it.Status != "" && (it.RequesterID == "" || it.IntroducerID == "") {
			return nil, nil // anonymised when a member deleted their data (docs/people.md): nothing to tell
		}
		if it.TargetID == "" && (it.Status == string(warmlead.IntroForwarded) || it.Status == string(warmlead.IntroIntroduced) ||
			it.DeclinedBy == string(warmlead.IntroAsTarget)) {
			return nil, nil // its target deleted their data: nothing to tell
		}
		if it.ID == "" || it.RequesterID == "" || it.IntroducerID == "" || it.Status == "" {
			return nil, fmt.Errorf("introduction record without id, members or status")
		}
		return &warmlead.Fact{Kind: warmlead.FactIntroduction, Introduction: it.introduction()}, nil
	}
	return nil, nil
}
