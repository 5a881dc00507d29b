package httpapi

import (
	"context"
	"net/http"
	"reflect"
	"slices"

	"github.com/danielgtaylor/huma/v2"
)

// bearerScheme names the security scheme of every private operation.
const bearerScheme = "bearer"

var (
	private = []map[string][]string{{bearerScheme: {}}}
	// optional: anonymous callers see public postings, members see more.
	optional = []map[string][]string{{}, {bearerScheme: {}}}
)

// addRoutes is the whole API surface. Operations with Security need a member
// identity (requireIdentity); the others are public.
func addRoutes(api huma.API, cfg *Config, svc Services) {
	if serving(api, "Operations") {
		register(api, huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz",
			Summary: "Liveness check", Tags: []string{"Operations"}}, handleHealthz())
	}

	if serving(api, "Members") {
		register(api, huma.Operation{OperationID: "put-me", Method: http.MethodPut, Path: "/me", Security: private,
			Summary: "Create or update your profile", Tags: []string{"Members"},
			Description: "Creates your profile on first call (201) and replaces its editable fields afterwards (200)."},
			handlePutMe(svc.Members, svc.Settings))
		register(api, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/me", Security: private,
			Summary: "Your profile", Tags: []string{"Members"}}, handleGetMe(svc.Members))
		register(api, huma.Operation{OperationID: "get-member", Method: http.MethodGet, Path: "/members/{id}", Security: private,
			Summary: "A member's public profile", Tags: []string{"Members"}}, handleGetMember(svc.Members))
	}

	// --- Organisations ---
	if serving(api, "Organisations") {
		register(api, huma.Operation{OperationID: "create-org", Method: http.MethodPost, Path: "/orgs", Security: private,
			DefaultStatus: http.StatusCreated, Summary: "Create an organisation", Tags: []string{"Organisations"},
			Description: "You become its first admin and member."}, handleCreateOrg(svc.Orgs))
		register(api, huma.Operation{OperationID: "get-org", Method: http.MethodGet, Path: "/orgs/{id}", Security: private,
			Summary: "An organisation", Tags: []string{"Organisations"}}, handleGetOrg(svc.Orgs))
		register(api, huma.Operation{OperationID: "add-org-member", Method: http.MethodPost, Path: "/orgs/{id}/members", Security: private,
			DefaultStatus: http.StatusCreated, Summary: "Invite a member, or invite a member to become admin", Tags: []string{"Organisations"},
			Description: "Admins only. Creates an invitation (201) the invitee accepts or declines; nobody joins or becomes admin without accepting. " +
				"Inviting again returns the pending invitation (200). 409 when they already hold the role, are invited to another role, or the organisation is archived."},
			handleInviteOrgMember(svc.Orgs))
		register(api, huma.Operation{OperationID: "remove-org-member", Method: http.MethodDelete, Path: "/orgs/{id}/members/{member_id}", Security: private,
			Summary: "Remove a member, or leave", Tags: []string{"Organisations"},
			Description: "Admins remove anyone; a member removes themself. The last admin of an active organisation cannot leave (409): " +
				"invite another admin and wait for them to accept, or archive the organisation."},
			handleRemoveOrgMember(svc.Orgs))
		register(api, huma.Operation{OperationID: "list-org-members", Method: http.MethodGet, Path: "/orgs/{id}/members", Security: private,
			Summary: "An organisation's directory", Tags: []string{"Organisations"},
			Description: "Members only, in order of member id, with each member's name, headline, stage, interests and whether they offer advice. " +
				"Searchable (q) and filterable (stage, offers_advice). Each member's directory setting is honoured: orgs (every fellow member), " +
				"connections (only your accepted connections), hidden (only the organisation's admins); admins see everyone, you always see yourself."},
			handleListOrgDirectory(svc.Directory))
		// Organisations and consent: invitations, step-down, archive, /me lists.
		addConsentRoutes(api, svc)
	}

	// --- Connections ---
	if serving(api, "Connections") {
		register(api, huma.Operation{OperationID: "request-connection", Method: http.MethodPost, Path: "/connections", Security: private,
			DefaultStatus: http.StatusCreated, Summary: "Ask a member to connect", Tags: []string{"Connections"},
			Description: "Creates a pending request (201). If the two of you already have a connection or a request, " +
				"whoever asked, it is returned unchanged (200)."}, handleRequestConnection(svc.Connections))
		register(api, huma.Operation{OperationID: "accept-connection", Method: http.MethodPost, Path: "/connections/{id}/accept", Security: private,
			Summary: "Accept a connection request", Tags: []string{"Connections"},
			Description: "The member asked only; accepting an accepted connection returns it."},
			handleAcceptConnection(svc.Connections))
		register(api, huma.Operation{OperationID: "delete-connection", Method: http.MethodDelete, Path: "/connections/{id}", Security: private,
			Summary: "Remove a connection, or withdraw or decline a request", Tags: []string{"Connections"},
			Description: "Either member may."}, handleDeleteConnection(svc.Connections))
		register(api, huma.Operation{OperationID: "list-connections", Method: http.MethodGet, Path: "/connections", Security: private,
			Summary: "Your connections", Tags: []string{"Connections"},
			Description: "Your own only, in order of the other member's id: with status, those of that status; without it, accepted connections then pending requests, each marked with its status."},
			handleListConnections(svc.Connections))
	}

	// --- Postings ---
	if serving(api, "Postings") {
		register(api, huma.Operation{OperationID: "create-posting", Method: http.MethodPost, Path: "/postings", Security: private,
			DefaultStatus: http.StatusCreated, Summary: "Post a lead", Tags: []string{"Postings"},
			Description: "Creates an open lead. With org_id, posts on behalf of an organisation you administer. " +
				"Send an Idempotency-Key to make retries safe."}, handleCreatePosting(svc.Postings))
		register(api, huma.Operation{OperationID: "get-posting", Method: http.MethodGet, Path: "/postings/{id}", Security: optional,
			Summary: "A lead", Tags: []string{"Postings"},
			Description: "Network and org leads are visible to the poster's connections and the organisation's members only; to others they do not exist (404)."},
			handleGetPosting(svc.Postings))
		register(api, huma.Operation{OperationID: "patch-posting", Method: http.MethodPatch, Path: "/postings/{id}", Security: private,
			Summary: "Edit a lead", Tags: []string{"Postings"},
			Description: "A JSON merge patch (RFC 7396) of the editable fields, with If-Match carrying the ETag you read. Poster or org admins only."},
			handlePatchPosting(svc.Postings), func(api huma.API) { documentMergePatch(api, "/postings/{id}", reflect.TypeOf(postingBody{})) })
		register(api, huma.Operation{OperationID: "close-posting", Method: http.MethodPost, Path: "/postings/{id}/close", Security: private,
			Summary: "Close a lead", Tags: []string{"Postings"}}, handleClosePosting(svc.Postings))
		register(api, huma.Operation{OperationID: "list-my-postings", Method: http.MethodGet, Path: "/me/postings", Security: private,
			Summary: "Your leads, newest first", Tags: []string{"Postings"}}, handleListMyPostings(svc.Postings))
		register(api, huma.Operation{OperationID: "browse-postings", Method: http.MethodGet, Path: "/postings", Security: optional,
			Summary: "Browse open leads, newest first", Tags: []string{"Postings"},
			Description: "Only open, unexpired leads you may see. Filters combine; audience matches leads for that audience or for anyone."},
			handleBrowsePostings(svc.Postings))
	}
	// --- Referral links and interest ---
	if serving(api, "Referrals", "Interest") {
		register(api, huma.Operation{OperationID: "create-referral", Method: http.MethodPost, Path: "/postings/{id}/referrals", Security: private,
			Summary: "Get your shareable link to a lead", Tags: []string{"Referrals"},
			Description: "Returns your link to this lead (201 when new, 200 when you already had one). Pass via, the token you arrived through, so the chain credits who passed it to you."},
			handleCreateReferral(cfg, svc.Referrals))
		register(api, huma.Operation{OperationID: "open-referral", Method: http.MethodGet, Path: "/r/{token}",
			Summary: "The page a shared link opens", Tags: []string{"Referrals"},
			Description: "Accept: text/html gets a small page (who shared it, the lead, how to express interest); application/json the same as JSON. clicks counts distinct visitors, once a day per link; HEAD requests and link-preview fetchers never count. A revoked link answers 410.",
			Responses: map[string]*huma.Response{"200": {Description: "The lead and who shared it.", Content: map[string]*huma.MediaType{
				"text/html": {Schema: &huma.Schema{Type: "string"}}, "application/json": {Schema: landingSchema(api, "Referrals")}}}}},
			handleLanding(cfg, svc.Referrals))
		register(api, huma.Operation{OperationID: "get-referral", Method: http.MethodGet, Path: "/referrals/{token}", Security: private,
			Summary: "A link with its clicks and interests", Tags: []string{"Referrals"},
			Description: "For the link's referrer and the lead's poster only."}, handleGetReferral(cfg, svc.Referrals))
		register(api, huma.Operation{OperationID: "list-my-referrals", Method: http.MethodGet, Path: "/me/referrals", Security: private,
			Summary: "Links you shared, with their stats", Tags: []string{"Referrals"}}, handleListMyReferrals(cfg, svc.Referrals))
		register(api, huma.Operation{OperationID: "express-interest", Method: http.MethodPost, Path: "/postings/{id}/interest", Security: private,
			Summary: "Express interest in a lead", Tags: []string{"Interest"},
			Description: "Once per member and lead (a repeat returns the first, 200, with its message and share_with_chain updated). With referral_token, everyone on the link's chain but you is credited. The poster cannot express interest in their own lead (409)."},
			handleExpressInterest(svc.Interests))
		register(api, huma.Operation{OperationID: "list-interests", Method: http.MethodGet, Path: "/postings/{id}/interest", Security: private,
			Summary: "Who is interested, with the chain each came through", Tags: []string{"Interest"},
			Description: "For the poster and the organisation's admins."}, handleListInterests(svc.Interests))
		// Withdrawing interest, revoking links, one's own interests (issue 9).
		register(api, huma.Operation{OperationID: "withdraw-interest", Method: http.MethodDelete, Path: "/postings/{id}/interest", Security: private,
			DefaultStatus: http.StatusNoContent, Summary: "Withdraw your interest in a lead", Tags: []string{"Interest"},
			Description: "The credits it gave every link on its chain are taken back with it. Idempotent: 204 whether or not there was one."},
			handleWithdrawInterest(svc.Interests))
		register(api, huma.Operation{OperationID: "list-my-interests", Method: http.MethodGet, Path: "/me/interests", Security: private,
			Summary: "Your own interests, newest first", Tags: []string{"Interest"},
			Description: "Each with the lead's title and its status now (expired once its valid_through has passed)."},
			handleListMyInterests(svc.Interests))
		register(api, huma.Operation{OperationID: "revoke-referral", Method: http.MethodDelete, Path: "/referrals/{token}", Security: private,
			DefaultStatus: http.StatusNoContent, Summary: "Stop sharing a link", Tags: []string{"Referrals"},
			Description: "Its referrer only. The link then opens as no longer shared (410) and credits nobody; links shared onward from it keep working and keep crediting the rest of the chain. Idempotent."},
			handleRevokeReferral(svc.Referrals))
	}

	// --- Notifications ---
	if serving(api, "Notifications") {
		register(api, huma.Operation{OperationID: "list-notifications", Method: http.MethodGet, Path: "/me/notifications", Security: private,
			Summary: "Your notifications, newest first, with the unread count", Tags: []string{"Notifications"}},
			handleListNotifications(svc.Notifications))
		register(api, huma.Operation{OperationID: "mark-notifications-read", Method: http.MethodPost, Path: "/me/notifications/read", Security: private,
			DefaultStatus: http.StatusNoContent, Summary: "Mark notifications read", Tags: []string{"Notifications"}},
			handleMarkRead(svc.Notifications))
	}

	// Pages (API reference, sign-in return) and their assets: signin.go.
	if serving(api, "Operations", "Pages") {
		addPageRoutes(api, cfg)
	}

	// --- Follow-ups and email (followups.go) ---
	if serving(api, "Connections", "Interest", "Notifications") {
		addFollowUpRoutes(api, cfg, svc)
	}

	// --- Saved searches (searches.go) ---
	if serving(api, "Saved searches") {
		addSearchRoutes(api, svc)
	}

	// --- People: advice offers, informational interviews, introductions (people.go) ---
	if serving(api, "Advice", "Introductions") {
		addPeopleRoutes(api, svc)
	}
	// --- Org insights and your data (insights.go, account.go) ---
	if serving(api, "Organisations") {
		addInsightRoutes(api, svc)
	}
	if serving(api, "Members") {
		addAccountRoutes(api, svc)
	}

	// In AWS a route has the JWT authorizer or none, so anonymous readers
	// use these twins (no authorizer); they only ever see public postings.
	if serving(api, "Postings") {
		register(api, huma.Operation{OperationID: "browse-public-postings", Method: http.MethodGet, Path: "/public/postings",
			Summary: "Browse public leads (no token)", Tags: []string{"Postings"}}, anonymously(handleBrowsePostings(svc.Postings)))
		register(api, huma.Operation{OperationID: "get-public-posting", Method: http.MethodGet, Path: "/public/postings/{id}",
			Summary: "A public lead (no token)", Tags: []string{"Postings"}}, anonymously(handleGetPosting(svc.Postings)))
	}
}

// serving reports whether api serves operations tagged with any of tags.
// addRoutes runs a section of registrations only then: register would skip
// another group's operations anyway (servesOp), but running their code (the
// operation's literal, its handler's constructor, register's instance) cost
// a group's function about 0.7 ms of its cold start (docs/platform.md, "One
// API, several functions"). A section that leaves out one of its own tags
// leaves its operations out of their group: TestGroupsCoverTheAPI.
func serving(api huma.API, tags ...string) bool {
	return slices.ContainsFunc(tags, func(tag string) bool { return serves(api, tag) })
}

// register adds an operation with the settings every operation shares. It
// is also the one place errors are translated: a handler returns the domain
// error as it is, and register turns it into the problem a client sees
// (errors.go), so no handler has to remember to. then runs after the
// operation is registered, on what huma registered (documentMergePatch).
// A group's function registers the operation on its first request
// (lazy.go); the whole API, at once. (What does not depend on I and O is
// in schedule and prepare, not repeated in each of register's
// instantiations: the functions' binaries have a size limit.)
func register[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error), then ...func(huma.API)) {
	if !servesOp(api, &op) {
		return // another function's operation (groups.go)
	}
	schedule(api, &op, func() { registerNow(api, op, h) }, then)
}

// schedule runs reg, then then, now, or, in a group's function, on the
// operation's first request (lazy.go).
func schedule(api huma.API, op *huma.Operation, reg func(), then []func(huma.API)) {
	add := func() {
		reg()
		for _, f := range then {
			f(api)
		}
	}
	if g, ok := api.(*groupAPI); ok {
		g.lazy.add(g.mux, op.Method, op.Path, add)
		return
	}
	registering.Lock() // lazy.go
	defer registering.Unlock()
	add()
}

// registerNow registers op with huma (register).
func registerNow[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	defer prepare(api, &op, reflect.TypeFor[I](), reflect.TypeFor[O]())()
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, translate(ctx, err)
		}
		return out, nil
	})
	optionalBodyWhenNoFieldIsRequired(api, op.Method, op.Path)
}

// prepare sets what every operation shares on op, whose input and output
// types are in and out, and returns what undoes its effect on the schema
// registry once op is registered.
func prepare(api huma.API, op *huma.Operation, in, out reflect.Type) (done func()) {
	// cleanInput (input.go) enforces MaxBodyBytes itself; huma refuses a
	// body that reaches its own limit, so give it one more byte.
	op.MaxBodyBytes = MaxBodyBytes + 1
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[textSpecKey] = bodyTextSpec(in)
	r := documentOnly(api)
	if r == nil {
		return func() {}
	}
	// A group builds no response body's schema (groups.go), unless the
	// request body has the same type: that one validates. Only an
	// object: a parameter of the request may share a simpler type, and
	// its schema validates.
	if t := bodyType(out); t != nil && t.Kind() == reflect.Struct && t != bodyType(in) {
		r.response = t
	}
	return func() { r.response = nil }
}

// anonymously runs h as if the caller carried no token.
func anonymously[I, O any](h func(context.Context, *I) (*O, error)) func(context.Context, *I) (*O, error) {
	return func(ctx context.Context, in *I) (*O, error) {
		return h(context.WithValue(ctx, callerKey{}, ""), in)
	}
}

// bodyType is the type of a huma input or output struct's Body field, nil
// when it has none.
func bodyType(t reflect.Type) reflect.Type {
	if f, ok := t.FieldByName("Body"); ok {
		return f.Type
	}
	return nil
}
