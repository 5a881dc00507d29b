package dynamo

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

var _ warmlead.AccountService = (*Store)(nil)

// A member's data is found by key and index only (docs/people.md, "Your
// data"): their partitions (MEMBER#<m>, INBOX#<m>) and the GSI partitions
// that list what they did or were sent. Each source is read with a Query
// per page of up to 1 MB, and written back in batches of at most 25.

type itemSource struct {
	index      string // "" = the table
	pkAttr, pk string
}

// memberSources are where a member's items are listed.
func memberSources(m string) []itemSource {
	mp, _ := memberKey(m)
	ip, _ := inboxKey(m, "")
	orgs, _ := memberOrgsGSI1(m, "")
	invites, _ := memberInvitesGSI1(m, "", "")
	mail, _ := mailSentKey(m, "") // the email-sent markers (docs/email.md)
	return []itemSource{
		{"", "PK", mp}, {"", "PK", ip}, {"", "PK", mail},
		{indexByOwner, "GSI1PK", orgs}, {indexByOwner, "GSI1PK", invites},
		{indexByOwner, "GSI1PK", posterGSI1(m)}, {indexByOwner, "GSI1PK", memberInterestsGSI1(m)},
		{indexByOwner, "GSI1PK", referrerGSI1(m)}, {indexByOwner, "GSI1PK", idempotencyGSI1(m)},
		{indexByOwner, "GSI1PK", adviceRequesterGSI1(m)}, {indexFeed, "GSI2PK", adviceAdvisorGSI2(m)},
		{indexByOwner, "GSI1PK", introRequesterGSI1(m)}, {indexFeed, "GSI2PK", introIntroducerGSI2(m)}, {indexField, "GSI3PK", introTargetGSI3(m)},
	}
}

// eachItem calls fn with every item of a source, a Query page at a time.
func (s *Store) eachItem(ctx context.Context, src itemSource, fn func([]map[string]types.AttributeValue) error) error {
	q := s.mustQuery(src.index, expression.NewBuilder().WithKeyCondition(keyIs(src.pkAttr, src.pk)))
	pages := dynamodb.NewQueryPaginator(s.client, q)
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return storageError("read member data", err)
		}
		if err := fn(out.Items); err != nil {
			return err
		}
	}
	return nil
}

// exportHidden are attributes that are storage, not data.
var exportHidden = map[string]bool{"PK": true, "SK": true, "GSI1PK": true, "GSI1SK": true, "GSI2PK": true, "GSI2SK": true,
	"GSI3PK": true, "GSI3SK": true, "GSI4PK": true, "GSI4SK": true, "GSI5PK": true, "GSI5SK": true, "Type": true}

// ExportMember reads every source (one Query per source and page).
func (s *Store) ExportMember(ctx context.Context, m string) ([]warmlead.ExportItem, error) {
	if warmlead.ValidateMemberID(m) != nil {
		return nil, warmlead.Errorf(warmlead.ENOTFOUND, "No such member.")
	}
	seen := map[string]bool{}
	var out []warmlead.ExportItem
	for _, src := range memberSources(m) {
		err := s.eachItem(ctx, src, func(items []map[string]types.AttributeValue) error {
			for _, av := range items {
				k := keyString(av)
				if seen[k] {
					continue
				}
				seen[k] = true
				var fields map[string]any
				if err := attributevalue.UnmarshalMap(av, &fields); err != nil {
					return err
				}
				hideStorage(fields)
				out = append(out, warmlead.ExportItem{Kind: typeOf(av), Fields: fields})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out, nil
}

// hideStorage removes storage attributes, at any depth: an idempotency
// record holds a copy of the posting it made, keys and all.
func hideStorage(fields map[string]any) {
	for a, v := range fields {
		if exportHidden[a] {
			delete(fields, a)
		} else if m, ok := v.(map[string]any); ok {
			hideStorage(m)
		}
	}
}

// namesMember reports whether a key names the member as one of its
// #-separated parts.
func namesMember(v types.AttributeValue, m string) bool {
	s, ok := v.(*types.AttributeValueMemberS)
	if !ok {
		return false
	}
	for _, part := range strings.Split(s.Value, "#") {
		if part == m {
			return true
		}
	}
	return false
}

// anonymise rewrites an item others still need: every attribute holding
// the member's id is emptied and its name twin (XName for XID, ChainNames
// for Chain) becomes FormerMemberName; index attributes that list it under
// the member are removed; a message the member wrote is removed.
func anonymise(av map[string]types.AttributeValue, m string) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(av))
	for k, v := range av {
		out[k] = v
	}
	former := attrS(warmlead.FormerMemberName)
	for k, v := range av {
		if s, ok := v.(*types.AttributeValueMemberS); ok && s.Value == m && strings.HasSuffix(k, "ID") {
			out[k] = attrS("")
			if _, has := av[strings.TrimSuffix(k, "ID")+"Name"]; has {
				out[strings.TrimSuffix(k, "ID")+"Name"] = former
			}
			if k == "MemberID" {
				out["Message"] = attrS("")
			}
		}
		if strings.HasPrefix(k, "GSI") && strings.HasSuffix(k, "PK") && namesMember(v, m) {
			delete(out, k)
			delete(out, strings.TrimSuffix(k, "PK")+"SK")
		}
	}
	// Lists of ids (an interest's CreditedIDs): the member's place is kept,
	// their id emptied, so the credits taken back on withdrawal still line up.
	if ids, ok := av["CreditedIDs"].(*types.AttributeValueMemberL); ok {
		nl := make([]types.AttributeValue, len(ids.Value))
		for i, c := range ids.Value {
			nl[i] = c
			if s, ok := c.(*types.AttributeValueMemberS); ok && s.Value == m {
				nl[i] = attrS("")
			}
		}
		out["CreditedIDs"] = &types.AttributeValueMemberL{Value: nl}
	}
	if ids, ok := av["CreditedIDs"].(*types.AttributeValueMemberSS); ok {
		var nl []string
		for _, c := range ids.Value {
			if c != m {
				nl = append(nl, c)
			}
		}
		if len(nl) > 0 {
			out["CreditedIDs"] = &types.AttributeValueMemberSS{Value: nl}
		} else {
			delete(out, "CreditedIDs")
		}
	}
	if chain, ok := av["Chain"].(*types.AttributeValueMemberL); ok {
		names, _ := av["ChainNames"].(*types.AttributeValueMemberL)
		nc := make([]types.AttributeValue, len(chain.Value))
		var nn []types.AttributeValue
		if names != nil {
			nn = append([]types.AttributeValue(nil), names.Value...)
		}
		for i, c := range chain.Value {
			nc[i] = c
			if s, ok := c.(*types.AttributeValueMemberS); ok && s.Value == m {
				nc[i] = attrS("")
				if i < len(nn) {
					nn[i] = former
				}
			}
		}
		out["Chain"] = &types.AttributeValueMemberL{Value: nc}
		if names != nil {
			out["ChainNames"] = &types.AttributeValueMemberL{Value: nn}
		}
	}
	return out
}

// DeleteMember deletes and anonymises, source by source (docs/people.md,
// "Your data"). It leaves the member's organisations first (the last
// admin of an active organisation is refused, ECONFLICT, before anything
// else changes), and deletes the profile last, so a run that fails half
// way can simply be run again.
func (s *Store) DeleteMember(ctx context.Context, m string) error {
	if warmlead.ValidateMemberID(m) != nil {
		return warmlead.Errorf(warmlead.ENOTFOUND, "No such member.")
	}
	orgs, _ := memberOrgsGSI1(m, "")
	var memberships []orgMemberItem
	if err := s.eachItem(ctx, itemSource{indexByOwner, "GSI1PK", orgs}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			var it orgMemberItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			memberships = append(memberships, it)
		}
		return nil
	}); err != nil {
		return err
	}
	// Admin memberships first: a refusal then changes nothing else.
	sort.SliceStable(memberships, func(i, j int) bool {
		return memberships[i].Role == string(warmlead.RoleAdmin) && memberships[j].Role != string(warmlead.RoleAdmin)
	})
	for _, ms := range memberships {
		if err := s.RemoveOrgMember(ctx, m, ms.OrgID, m); err != nil && warmlead.ErrorCode(err) != warmlead.ENOTFOUND {
			return err
		}
		// An organisation they created no longer names them (one
		// UpdateItem per organisation they belonged to, conditioned on
		// CreatedBy: it changes nothing else of the organisation).
		cb := expression.Name("CreatedBy")
		e, err := expression.NewBuilder().WithUpdate(expression.Set(cb, expression.Value(""))).
			WithCondition(cb.Equal(expression.Value(m))).Build()
		if err != nil {
			return err
		}
		if _, err := s.client.UpdateItem(ctx, s.updateInput(key(orgKey(ms.OrgID)), e)); err != nil {
			if _, failed := conditionFailed(err); !failed {
				return storageError("anonymise org creator", err)
			}
		}
	}

	now := s.now()
	alerting := false // an alert entry is deleted: the alert generation moves on
	var deletes []map[string]types.AttributeValue
	var puts []map[string]types.AttributeValue
	postings := map[string]bool{} // partitions holding others' items that may name the member
	mp, profileSKv := memberKey(m)
	for _, src := range memberSources(m) {
		err := s.eachItem(ctx, src, func(items []map[string]types.AttributeValue) error {
			for _, av := range items {
				k := map[string]types.AttributeValue{"PK": av["PK"], "SK": av["SK"]}
				pk, sk, typ := str(av, "PK"), str(av, "SK"), typeOf(av)
				switch {
				case pk == mp && sk == profileSKv:
					continue // last
				case typ == typeConnection:
					var c connectionItem
					if err := attributevalue.UnmarshalMap(av, &c); err != nil {
						return err
					}
					deletes = append(deletes, k, key(connectionEdgeKey(c.Other, m)))
				case typ == typeSavedSearch: // and its entry in the alert index (search.go)
					var ss savedSearchItem
					if err := attributevalue.UnmarshalMap(av, &ss); err != nil {
						return err
					}
					if ss.AlertKey != "" {
						deletes = append(deletes, key(alertEntryKey(ss.AlertKey, m, ss.ID)))
						alerting = true
					}
					deletes = append(deletes, k)
				case typ == typeOffer:
					var o offerItem
					if err := attributevalue.UnmarshalMap(av, &o); err != nil {
						return err
					}
					for _, org := range o.OrgIDs {
						deletes = append(deletes, key(orgOfferKey(org, m)))
					}
					deletes = append(deletes, k)
				case typ == typePosting: // closed, no longer the member's
					postings[pk] = true
					a := anonymise(av, m)
					if str(a, "Status") == string(warmlead.StatusOpen) {
						a["Status"], a["CloseReason"] = attrS(string(warmlead.StatusClosed)), attrS("poster left Warmlead")
						for _, g := range []string{"GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK", "GSI5PK", "GSI5SK"} {
							delete(a, g)
						}
						// It leaves the keyword index too (search.go), as any closed posting does.
						var pit postingItem
						if err := attributevalue.UnmarshalMap(av, &pit); err != nil {
							return err
						}
						p := pit.posting()
						for _, r := range s.termRemovals(warmlead.PostingTerms(p).Keys(), formatTime(p.CreatedAt), p.ID) {
							deletes = append(deletes, r.Delete.Key)
						}
					}
					puts = append(puts, a)
				case typ == typeInterest: // kept, under a key that does not name the member
					a := anonymise(av, m)
					var it interestItem
					if err := attributevalue.UnmarshalMap(av, &it); err != nil {
						return err
					}
					postings[pk] = true
					a["PK"], a["SK"] = keyAttrs(anonymousInterestKey(it.PostingID, newID()))
					puts = append(puts, a)
					deletes = append(deletes, k)
				case typ == typeReferral:
					var r referralItem
					if err := attributevalue.UnmarshalMap(av, &r); err != nil {
						return err
					}
					ppk, _ := postingKey(r.PostingID)
					postings[ppk] = true
					puts = append(puts, anonymise(av, m))
					deletes = append(deletes, key(referralByMemberKey(r.PostingID, m)))
				case typ == typeAdviceRequest:
					var r adviceRequestItem
					if err := attributevalue.UnmarshalMap(av, &r); err != nil {
						return err
					}
					// An open request is closed too, so no one can step it
					// with an empty side (docs/people.md, "Your data").
					a := anonymise(av, m)
					if to, ok := warmlead.AdviceStatusOnLeaving(warmlead.AdviceStatus(r.Status), r.request().Role(m)); ok {
						a["Status"], a["UpdatedAt"] = attrS(string(to)), attrS(formatTime(now))
					}
					puts = append(puts, a)
					deletes = append(deletes, key(advicePairKey(r.RequesterID, r.AdvisorID)))
				case typ == typeIntroduction:
					var it introductionItem
					if err := attributevalue.UnmarshalMap(av, &it); err != nil {
						return err
					}
					a := anonymise(av, m)
					if to, by, ok := warmlead.IntroStatusOnLeaving(warmlead.IntroStatus(it.Status), it.introduction().Role(m)); ok {
						a["Status"], a["DeclinedBy"], a["UpdatedAt"] = attrS(string(to)), attrS(string(by)), attrS(formatTime(now))
					}
					puts = append(puts, a)
				default: // the member's own: memberships left above, invitations, notifications, counters, settings
					deletes = append(deletes, k)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Others' interests and links on those postings name the member as
	// poster or on a chain: anonymised (one Query per posting, one
	// BatchGetItem per 100 links).
	var tokens []map[string]types.AttributeValue
	planned := map[string]bool{}
	for _, d := range deletes {
		planned[keyString(d)] = true
	}
	for _, pp := range sortedKeys(postings) {
		err := s.eachItem(ctx, itemSource{"", "PK", pp}, func(items []map[string]types.AttributeValue) error {
			for _, av := range items {
				switch typeOf(av) {
				case typeInterest, typeReferralRef:
					if planned[keyString(av)] || !mentions(av, m) {
						continue
					}
					puts = append(puts, anonymise(av, m))
					if tok, ok := av["Token"].(*types.AttributeValueMemberS); ok && typeOf(av) == typeReferralRef {
						tokens = append(tokens, key(referralKey(tok.Value)))
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	links, err := s.batchGet(ctx, tokens)
	if err != nil {
		return storageError("read links naming the member", err)
	}
	done := map[string]bool{}
	for _, p := range puts {
		done[keyString(p)] = true
	}
	for _, av := range links {
		if !done[keyString(av)] && mentions(av, m) {
			puts = append(puts, anonymise(av, m))
		}
	}
	if alerting {
		// Whether or not every write below goes through: a retry finds the
		// entries already deleted and would not move it.
		defer s.bumpAlertGeneration(ctx) // saved_searches.go
	}
	if err := s.writeAll(ctx, puts, deletes); err != nil {
		return err
	}
	// The profile goes with the tombstone in one batch: from now on what
	// others' inboxes still hold about the member reads "a former member".
	fpk, fsk := formerKey(m)
	tomb, err := attributevalue.MarshalMap(formerItem{PK: fpk, SK: fsk, Type: typeFormer, ID: m,
		DeletedAt: formatTime(now), ExpiresAt: now.Add(formerTTL).Unix()})
	if err != nil {
		return err
	}
	return s.writeAll(ctx, []map[string]types.AttributeValue{tomb}, []map[string]types.AttributeValue{key(memberKey(m))})
}

func keyAttrs(pk, sk string) (types.AttributeValue, types.AttributeValue) {
	return attrS(pk), attrS(sk)
}

// writeAll puts and deletes with BatchWriteItem, batchWriteSize a call (batchWrite
// retries what is left unprocessed); deletes of one key are collapsed.
func (s *Store) writeAll(ctx context.Context, puts, deletes []map[string]types.AttributeValue) error {
	var reqs []types.WriteRequest
	for _, p := range puts {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: p}})
	}
	seen := map[string]bool{}
	for _, d := range deletes {
		if k := keyString(d); !seen[k] {
			seen[k] = true
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: d}})
		}
	}
	for start := 0; start < len(reqs); start += batchWriteSize {
		if err := s.batchWrite(ctx, reqs[start:min(start+batchWriteSize, len(reqs))]); err != nil {
			return err
		}
	}
	return nil
}

// mentions reports whether any string of an item, at any depth, is the
// member's id or a key naming it.
func mentions(av map[string]types.AttributeValue, m string) bool {
	for _, v := range av {
		if mentionsValue(v, m) {
			return true
		}
	}
	return false
}

func mentionsValue(v types.AttributeValue, m string) bool {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return namesMember(x, m)
	case *types.AttributeValueMemberL:
		for _, e := range x.Value {
			if mentionsValue(e, m) {
				return true
			}
		}
	case *types.AttributeValueMemberM:
		return mentions(x.Value, m)
	case *types.AttributeValueMemberSS:
		for _, e := range x.Value {
			if e == m {
				return true
			}
		}
	}
	return false
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
