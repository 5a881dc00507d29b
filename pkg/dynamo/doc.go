// Package dynamo stores Warmlead's domain in one DynamoDB table
// (single-table design, docs/table.md). Key layout and item shapes are
// known only here.
//
// The store:
//
//	store.go        Store, New and its options (cursor key, clock,
//	                transacted batches for DynamoDB Local)
//	client.go       the SDK client for AWS or DynamoDB Local
//	keys.go         every key and index key of the table, with the layout
//	*_items.go      item shapes and their conversion to and from the domain
//	                (member, org, org_invitation, connection, posting,
//	                referral, notification, advice, introduction, search,
//	                followup)
//	item_io.go      shared item I/O: attribute values (key, attrS, str,
//	                typeOf, keyString), GetItem, BatchGetItem and
//	                BatchWriteItem (writePuts: or transactions) with
//	                DynamoDB's limits (batchGetSize,
//	                batchWriteSize, transactMaxItems) and backoff
//	expr.go         the expression helpers every expression is built with
//	                (keyIs, keyPrefix, keyBetween, condition, update,
//	                projection, newQuery, mustQuery, txUpdate, txCheck,
//	                updateInput)
//	transact.go     the one transaction idiom: txn.add returns a handle,
//	                a refusal is read through it (failed, old, throttled);
//	                conditionFailed for single-item writes
//	errors.go       SDK errors to domain errors (unavailable, conflicts)
//	paging.go       Query pages, sealed cursors (cursor.go), decodePage
//	ids.go          ids and tokens; visitors.go hashes anonymous visitors
//
// By feature (docs/rules.md, docs/people.md, docs/followups.md):
//
//	members.go, account.go        profiles; a member's export and deletion
//	orgs.go, org_consent.go,      organisations, memberships, invitations,
//	org_archive.go                roles, archiving
//	directory.go                  an organisation's member directory
//	connections.go                connection requests, acceptance, removal,
//	                              cooldowns, the lists the notifier walks
//	postings.go                   postings: create, read, edit, close
//	posting_read.go               the read sharing and interest start from
//	browse.go, search.go          browse and keyword search
//	saved_searches.go             saved searches and their alert index
//	referrals.go, interests.go    referral links and chains; interests
//	offers.go, advice.go          advice offers and requests
//	introductions.go              warm introductions
//	insights.go                   organisation insight counters
//	inbox.go                      the inbox: list, unread count, mark read
//	fanout_reads.go,              what the notifier reads, and its batched
//	fanout_writes.go              notification writes
//	followups.go,                 due follow-ups, sweeps, keep-warm,
//	followups_advice.go           touches, outcomes
//	mail.go                       email: recipients, sent markers,
//	                              summaries, settings, unsubscribe
//	stream*.go, *_stream.go       stream records to domain facts
package dynamo
