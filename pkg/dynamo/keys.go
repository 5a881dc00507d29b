package dynamo

import (
	"strings"
	"time"
)

// Every key of the table is built here, so the layout reads in one place.
//
//	item                  PK                     SK                    GSI1PK / GSI1SK
//	member profile        MEMBER#<m>             PROFILE
//	organisation          ORG#<o>                PROFILE
//	org membership        ORG#<o>                MEMBER#<m>            MEMBERORGS#<m> / ORG#<o>
//	org invitation        ORG#<o>                INVITE#<m>            INVITES#<m> / <created>#<o>
//	connection edge (x2)  MEMBER#<m>             CONN#<other>          CONNS#<m>#<status> / <other>
//	posting               POSTING#<p>            POSTING               POSTER#<m> / <created>#<p>
//	idempotency record    IDEM#<m>#<key>         IDEM                  IDEMS#<m> / <created>
//	former member         FORMER#<m>             FORMER                (tombstone; TTL)
//
// Open postings also sit in the sparse browse indexes, newest first
// (GSInSK = <created>#<p>); they leave them when closed:
//
//	GSI2PK = FEED           every open posting
//	GSI3PK = FIELD#<field>  by field of work
//	GSI4PK = KIND#<kind>    by kind
//	GSI5PK = ORG#<o>        by organisation
//
// Every item has a Type attribute; the notifier's stream filter
// (template.yaml) selects on it.

// Item types.
const (
	typeMember      = "Member"
	typeOrg         = "Org"
	typeOrgMember   = "OrgMember"
	typeConnection  = "Connection"
	typePosting     = "Posting"
	typeIdempotency = "Idempotency"
	typeFormer      = "FormerMember"
)

// Index names (template.yaml).
const (
	indexByOwner = "GSI1"
	indexFeed    = "GSI2"
	indexField   = "GSI3"
	indexKind    = "GSI4"
	indexOrg     = "GSI5"
)

const (
	profileSK = "PROFILE"
	postingSK = "POSTING"
	idemSK    = "IDEM"
	formerSK  = "FORMER"
)

// memberKey addresses a member's profile.
func memberKey(id string) (pk, sk string) { return "MEMBER#" + id, profileSK }

// orgKey addresses an organisation.
func orgKey(id string) (pk, sk string) { return "ORG#" + id, profileSK }

// orgMemberKey addresses a membership; all of an org's members share its PK.
func orgMemberKey(orgID, memberID string) (pk, sk string) {
	return "ORG#" + orgID, "MEMBER#" + memberID
}

// orgMembersPrefix is the SK prefix of an organisation's memberships.
const orgMembersPrefix = "MEMBER#"

// memberOrgsGSI1 lists a member's organisations.
func memberOrgsGSI1(memberID, orgID string) (pk, sk string) {
	return "MEMBERORGS#" + memberID, "ORG#" + orgID
}

// connectionEdgeKey addresses owner's side of a connection with other.
func connectionEdgeKey(owner, other string) (pk, sk string) {
	return "MEMBER#" + owner, "CONN#" + other
}

// connectionsGSI1 lists owner's connections with a status.
func connectionsGSI1(owner, status, other string) (pk, sk string) {
	return "CONNS#" + owner + "#" + status, other
}

// postingKey addresses a posting.
func postingKey(id string) (pk, sk string) { return "POSTING#" + id, postingSK }

// postingSortKey orders postings newest first when read backwards.
func postingSortKey(created, id string) string { return created + "#" + id }

// posterGSI1 lists a member's postings.
func posterGSI1(posterID string) string { return "POSTER#" + posterID }

// Browse partitions of the sparse indexes.
func feedGSI2() string                { return "FEED" }
func fieldGSI3(field string) string   { return "FIELD#" + field }
func kindGSI4(kind string) string     { return "KIND#" + kind }
func orgFeedGSI5(orgID string) string { return "ORG#" + orgID }

// idempotencyKey addresses the record of a member's Idempotency-Key.
func idempotencyKey(memberID, key string) (pk, sk string) {
	return "IDEM#" + memberID + "#" + key, idemSK
}

// idempotencyGSI1 lists a member's idempotency records, so deleting the
// member finds them without a Scan (docs/people.md, "Your data").
func idempotencyGSI1(memberID string) string { return "IDEMS#" + memberID }

// formerKey addresses the tombstone DELETE /me leaves for a member id: it
// holds no personal data, only that the id was deleted and when, so what
// others still read names them "a former member" (docs/table.md, "Your
// data"). Its own partition, not MEMBER#<m>: nothing that reads a
// member's partition (export, deletion, profile reads) ever meets it.
func formerKey(memberID string) (pk, sk string) { return "FORMER#" + memberID, formerSK }

// Referral links and interest (issue: referral chains).
//
//	item                  PK                     SK                    GSI1PK / GSI1SK
//	referral link         REF#<token>            REF                   REFERRER#<m> / <created>#<token>
//	a member's link to p  POSTING#<p>            REFBY#<m>             (copy of the link, minus counters)
//	interest              POSTING#<p>            INTEREST#<m>
const (
	typeReferral    = "Referral"
	typeReferralRef = "ReferralByMember"
	typeInterest    = "Interest"
	referralSK      = "REF"
	interestPrefix  = "INTEREST#"
)

// referralKey addresses a link by its token.
func referralKey(token string) (pk, sk string) { return "REF#" + token, referralSK }

// referralByMemberKey addresses a member's link to a posting.
func referralByMemberKey(postingID, memberID string) (pk, sk string) {
	return "POSTING#" + postingID, "REFBY#" + memberID
}

// referrerGSI1 lists the links a member shared.
func referrerGSI1(memberID string) string { return "REFERRER#" + memberID }

// interestKey addresses a member's interest in a posting.
func interestKey(postingID, memberID string) (pk, sk string) {
	return "POSTING#" + postingID, interestPrefix + memberID
}

// Notifications (the notifier writes them; members read their inbox).
//
//	item                  PK                     SK
//	notification          INBOX#<m>              NOTIF#<id>       (id sorts by time)
//	read watermark        INBOX#<m>              STATE
const (
	typeNotification = "Notification"
	typeInboxState   = "InboxState"
	notifPrefix      = "NOTIF#"
	inboxStateSK     = "STATE"
)

// inboxKey addresses a member's notification.
func inboxKey(memberID, notificationID string) (pk, sk string) {
	return "INBOX#" + memberID, notifPrefix + notificationID
}

// inboxStateKey addresses a member's read watermark.
func inboxStateKey(memberID string) (pk, sk string) { return "INBOX#" + memberID, inboxStateSK }

// People: advice offers, informational-interview requests, introductions
// (docs/table.md, "People").
//
//	item                  PK                      SK                     GSI1PK / GSI1SK                GSI2PK / GSI2SK
//	advice offer          MEMBER#<m>              OFFER
//	offer in an org       ORGOFFERS#<o>           <m>
//	accepted this month   MEMBER#<m>              ADVICEMONTH#<yyyy-mm>
//	advice request        ADVICE#<id>             REQUEST                ADVREQ#<requester> / <created>#<id>   ADVFOR#<advisor> / <created>#<id>
//	open pair lock        ADVICEPAIR#<req>#<adv>  PAIR
//	introduction          INTRO#<id>              INTRO                  INTROS#<requester> / <created>#<id>   INTROBY#<introducer> / <created>#<id>
//
// A held, unthanked request also sits in GSI3 under HELD#<yyyy-mm-dd> (the
// day it was marked held, UTC), sorted by <held_at>#<id>; thanking removes it.
const (
	typeOffer         = "Offer"
	typeOrgOffer      = "OrgOffer"
	typeAdviceMonth   = "AdviceMonth"
	typeAdviceRequest = "AdviceRequest"
	typeAdvicePair    = "AdvicePair"
	typeIntroduction  = "Introduction"
	offerSK           = "OFFER"
)

// offerKey addresses a member's advice offer.
func offerKey(memberID string) (pk, sk string) { return "MEMBER#" + memberID, offerSK }

// orgOfferKey addresses an organisation's index entry for a member's offer.
func orgOfferKey(orgID, memberID string) (pk, sk string) { return "ORGOFFERS#" + orgID, memberID }

// adviceMonthKey addresses how many requests an advisor accepted in a month.
func adviceMonthKey(memberID, month string) (pk, sk string) {
	return "MEMBER#" + memberID, "ADVICEMONTH#" + month
}

// adviceRequestKey addresses an informational-interview request.
func adviceRequestKey(id string) (pk, sk string) { return "ADVICE#" + id, "REQUEST" }

// adviceRequesterGSI1 lists the requests a member sent.
func adviceRequesterGSI1(memberID string) string { return "ADVREQ#" + memberID }

// adviceAdvisorGSI2 lists the requests a member received.
func adviceAdvisorGSI2(memberID string) string { return "ADVFOR#" + memberID }

// adviceHeldGSI3 lists requests marked held on a day and not yet thanked.
func adviceHeldGSI3(day string) string { return "HELD#" + day }

// advicePairKey addresses the lock that allows one open request per pair.
func advicePairKey(requester, advisor string) (pk, sk string) {
	return "ADVICEPAIR#" + requester + "#" + advisor, "PAIR"
}

// introductionKey addresses a warm introduction.
func introductionKey(id string) (pk, sk string) { return "INTRO#" + id, "INTRO" }

// introRequesterGSI1 lists the introductions a member asked for.
func introRequesterGSI1(memberID string) string { return "INTROS#" + memberID }

// introIntroducerGSI2 lists the introductions a member was asked to make.
func introIntroducerGSI2(memberID string) string { return "INTROBY#" + memberID }

// introTargetGSI3 lists the introductions forwarded to a member.
func introTargetGSI3(memberID string) string { return "INTROTO#" + memberID }

// introCreditKey counts the introductions a member made that were accepted.
func introCreditKey(memberID string) (pk, sk string) { return "MEMBER#" + memberID, "INTROCREDIT" }

// Organisations and consent (docs/rules.md, "Organisations and consent").
// A pending invitation sits in its organisation's partition, next to the
// memberships (archiving reads an organisation's invitations there), and
// GSI1 lists a member's pending invitations newest first:
//
//	item                  PK                     SK                    GSI1PK / GSI1SK
//	org invitation        ORG#<o>                INVITE#<m>            INVITES#<m> / <created>#<o>
//
// An archived organisation's item carries ArchivedAt; its open postings are
// found on GSI5 (ORG#<o>) to be closed.
const (
	typeOrgInvitation = "OrgInvitation"
	orgInvitesPrefix  = "INVITE#"
)

// orgInvitationKey addresses memberID's pending invitation to orgID.
func orgInvitationKey(orgID, memberID string) (pk, sk string) {
	return "ORG#" + orgID, orgInvitesPrefix + memberID
}

// memberInvitesGSI1 lists a member's pending invitations, newest first.
func memberInvitesGSI1(memberID, created, orgID string) (pk, sk string) {
	return "INVITES#" + memberID, created + "#" + orgID
}

// Withdrawal, revocation, abuse limits (issue 9).
//
//	item                  PK                       SK          GSI1PK / GSI1SK
//	interest (as above)   POSTING#<p>              INTEREST#<m> INTERESTS#<m> / <created>#<p>
//	connection cooldown   COOLDOWN#<from>#<to>     COOLDOWN    (TTL: ExpiresAt)
//
// A link's distinct visitors of a day are a string set on the link itself,
// attribute V<yyyymmdd> (clickDayAttr), so counting a click and reading the
// link stay one UpdateItem; earlier days' sets are removed as it is written.
const (
	typeCooldown = "ConnectionCooldown"
	cooldownSK   = "COOLDOWN"
)

// memberInterestsGSI1 lists a member's interests, newest first.
func memberInterestsGSI1(memberID string) string { return "INTERESTS#" + memberID }

// cooldownKey addresses the cooldown on from asking to again.
func cooldownKey(from, to string) (pk, sk string) { return "COOLDOWN#" + from + "#" + to, cooldownSK }

// clickDayAttr names the attribute holding a link's visitors of day
// (warmlead.ClickDay).
func clickDayAttr(day string) string { return "V" + day }

// Follow-ups and email (docs/followups.md, docs/email.md).
//
//	item                  PK                        SK
//	due entry             DUE#<yyyy-mm-ddThh>       <due time>#<kind>#<ref>   (hour partition of the due time)
//	sweep cursor          SCHEDULE                  CURSOR
//	email sent marker     MAIL#<m>                  SENT#<notification id> | DIGEST#<frequency>#<period>
//	suppressed address    SUPPRESS#<address>        SUPPRESS
//
// Settings (Email, EmailFreq, KeepWarmDays) live on the member's profile;
// a connection edge carries TouchedAt; an interest carries Outcome.
const (
	typeDue        = "Due"
	typeSweep      = "SweepCursor"
	typeMailSent   = "MailSent"
	typeSuppressed = "Suppressed"
	duePrefix      = "DUE#"
	dueHourFormat  = "2006-01-02T15"
)

// dueBucket is the partition of entries due in t's UTC hour.
func dueBucket(t time.Time) string { return duePrefix + t.UTC().Format(dueHourFormat) }

// dueKey addresses a due entry; ref makes it unique among those due at t.
func dueKey(t time.Time, kind, ref string) (pk, sk string) {
	return dueBucket(t), formatTime(t) + "#" + kind + "#" + ref
}

// sweepCursorKey addresses the scheduler's progress.
func sweepCursorKey() (pk, sk string) { return "SCHEDULE", "CURSOR" }

// mailSentKey addresses the marker of one email sent to a member.
func mailSentKey(memberID, key string) (pk, sk string) { return "MAIL#" + memberID, "SENT#" + key }

// suppressedKey addresses a suppressed address (compared lower-cased).
func suppressedKey(address string) (pk, sk string) {
	return "SUPPRESS#" + strings.ToLower(strings.TrimSpace(address)), "SUPPRESS"
}

// Discovery: keyword search and saved searches (docs/table.md, "Search").
//
//	item                    PK                          SK                       GSI1PK / GSI1SK
//	search term entry       TERM#<key>                  <created>#<p>
//	term posting count      TERMCOUNT#<key>             COUNT
//	saved search            MEMBER#<m>                  SEARCH#<id>
//	saved-search count      MEMBER#<m>                  SEARCHES
//	alert index entry       ALERT#<alert key>           <m>#<id>
//	alert generation        ALERTS                      GENERATION
const (
	typeSearchTerm   = "SearchTerm"
	typeTermCount    = "TermCount"
	typeSavedSearch  = "SavedSearch"
	typeSearchCount  = "SavedSearchCount"
	typeAlertEntry   = "SearchAlert"
	typeAlertGen     = "AlertGeneration"
	termCountSK      = "COUNT"
	savedSearchPfx   = "SEARCH#"
	searchCountSK    = "SEARCHES"
	termPartitionPfx = "TERM#"
)

// termKey addresses a posting's entry in the partition of one index key.
func termKey(key, created, postingID string) (pk, sk string) {
	return termPartitionPfx + key, postingSortKey(created, postingID)
}

// termCountKey addresses the posting count of an index key.
func termCountKey(key string) (pk, sk string) { return "TERMCOUNT#" + key, termCountSK }

// savedSearchKey addresses a member's saved search.
func savedSearchKey(memberID, id string) (pk, sk string) {
	return "MEMBER#" + memberID, savedSearchPfx + id
}

// searchCountKey addresses how many searches a member saved.
func searchCountKey(memberID string) (pk, sk string) { return "MEMBER#" + memberID, searchCountSK }

// alertGenerationKey addresses the counter every write of alert entries
// moves on (AlertGeneration).
func alertGenerationKey() (pk, sk string) { return "ALERTS", "GENERATION" }

// alertEntryKey files a saved search under one alert key.
func alertEntryKey(alertKey, memberID, id string) (pk, sk string) {
	return "ALERT#" + alertKey, memberID + "#" + id
}

// Org insights (docs/people.md, "Org insights"): counters per organisation
// per day and running totals, written by the notifier; markers make each
// counted fact count once.
//
//	item                  PK                          SK
//	day counters          INSIGHTS#<o>                DAY#<yyyy-mm-dd>
//	running totals        INSIGHTS#<o>                NOW
//	counted-fact marker   INSIGHTMARK#<o>#<fact>      MARK        (expires after 7 days)
//	link's counted clicks INSIGHTCLICKS#<o>#<token>   CLICKS
const (
	typeInsightDay    = "InsightDay"
	typeInsightNow    = "InsightNow"
	typeInsightMarker = "InsightMarker"
	typeInsightClicks = "InsightClicks"
)

// insightDayKey addresses an organisation's counters for a day.
func insightDayKey(orgID, day string) (pk, sk string) { return "INSIGHTS#" + orgID, "DAY#" + day }

// insightNowKey addresses an organisation's running totals; "NOW" sorts
// after every "DAY#…", so one Query reads a day range and the totals.
func insightNowKey(orgID string) (pk, sk string) { return "INSIGHTS#" + orgID, "NOW" }

// insightMarkerKey addresses the marker of a counted fact.
func insightMarkerKey(orgID, fact string) (pk, sk string) {
	return "INSIGHTMARK#" + orgID + "#" + fact, "MARK"
}

// insightClicksKey addresses how many of a link's clicks were counted.
func insightClicksKey(orgID, token string) (pk, sk string) {
	return "INSIGHTCLICKS#" + orgID + "#" + token, "CLICKS"
}

// Your data (docs/people.md, "Your data"): an interest is also listed under
// its member, so deleting a member finds their interests in others'
// postings.
//
//	item                  PK                     SK                    GSI1PK / GSI1SK
//	interest              POSTING#<p>            INTEREST#<m>          INTERESTS#<m> / <created>#<p> (memberInterestsGSI1, above)
//	anonymised interest   POSTING#<p>            INTEREST#~<random>    (none)

// anonymousInterestKey addresses a deleted member's interest, kept so the
// posting's counts stay right.
func anonymousInterestKey(postingID, random string) (pk, sk string) {
	return "POSTING#" + postingID, interestPrefix + "~" + random
}
