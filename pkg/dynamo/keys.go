package dynamo

// Every key of the table is built here, so the layout can be read in one
// place. Items carry PK/SK; the GSIs (all projected ALL) are:
//
//	GSI1  lists by owner      GSI1PK = POSTER#<member> | CONNS#<member>#<status> | MEMBERORGS#<member> | REFERRER#<member>
//	GSI2  open postings feed  GSI2PK = FEED           GSI2SK = <created>#<id>
//	GSI3  open, by field      GSI3PK = FIELD#<field>  GSI3SK = <created>#<id>
//	GSI4  open, by kind       GSI4PK = KIND#<kind>    GSI4SK = <created>#<id>
//	GSI5  open, by org        GSI5PK = ORG#<org>      GSI5SK = <created>#<id>
//
// GSI2-5 are sparse: a posting leaves them when it closes.

// Item types, stored in every item's Type attribute. The notifier's stream
// filter (template.yaml) selects on them.
const (
	typeMember = "Member"
)

const (
	memberPrefix = "MEMBER#"
	profileSK    = "PROFILE"
)

// memberKey addresses a member's profile.
func memberKey(id string) (pk, sk string) { return memberPrefix + id, profileSK }
