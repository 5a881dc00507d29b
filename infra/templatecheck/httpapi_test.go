package templatecheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/infra/samtemplate"
)

// wantIdentitySource is where the JWT authorizer finds the token
// (README.md, "Sign-in": Authorization: Bearer <JWT>).
const wantIdentitySource = "$request.header.Authorization"

// checkHTTPAPI checks that the template has one HTTP API whose default
// authorizer is a JWT authorizer reading the Authorization header, with
// the issuer of a Cognito user pool of the template and, as audience,
// clients of that pool; and that every HttpApi route of every function is
// attached to that API (a route without ApiId lands on an implicit API
// that has no authorizer). Which routes opt out (Authorizer: NONE) is
// pkg/httpapi's TestTemplateRoutesMatchTheAPI's business.
func checkHTTPAPI(tpl *samtemplate.Template) []string {
	apis := resourcesOfType(tpl, httpAPIType)
	if len(apis) != 1 {
		return []string{fmt.Sprintf("want exactly one %s, found %v", httpAPIType, apis)}
	}
	api := apis[0]
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, api+": "+fmt.Sprintf(format, args...))
	}
	props := tpl.Resources[api].Properties
	name, _ := lookup(props, "Auth", "DefaultAuthorizer")
	authorizer, found := lookup(props, "Auth", "Authorizers", fmt.Sprint(name))
	switch {
	case name == nil:
		bad("Auth.DefaultAuthorizer is not set: every route without its own authorizer is open")
	case !found:
		bad("Auth.DefaultAuthorizer %s is not among Auth.Authorizers", render(name))
	default:
		if src, _ := lookup(authorizer, "IdentitySource"); src != wantIdentitySource {
			bad("authorizer %s: IdentitySource is %s, want %s", name, render(src), wantIdentitySource)
		}
		jwt, ok := lookup(authorizer, "JwtConfiguration")
		if !ok {
			bad("authorizer %s has no JwtConfiguration: it is not a JWT authorizer", name)
			break
		}
		for _, p := range checkJWTConfig(tpl, jwt) {
			bad("authorizer %s: %s", name, p)
		}
	}
	for _, id := range resourcesOfType(tpl, functionType) {
		for _, ev := range functionEvents(tpl, id, "HttpApi") {
			if ref, ok := refOf(ev.props["ApiId"]); !ok || ref != api {
				problems = append(problems, fmt.Sprintf("%s route %s (%v %v): ApiId is %s, want !Ref %s (without it the route lands on an implicit API with no authorizer)",
					id, ev.name, ev.props["Method"], ev.props["Path"], render(ev.props["ApiId"]), api))
			}
		}
	}
	return problems
}

// checkJWTConfig checks a JwtConfiguration: its issuer is a user pool of
// the template, its audience clients of that pool.
func checkJWTConfig(tpl *samtemplate.Template, jwt any) []string {
	var problems []string
	issuer, _ := lookup(jwt, "issuer")
	pool, ok := issuerPool(issuer)
	if !ok || !isResource(tpl, pool, userPoolType) {
		problems = append(problems, fmt.Sprintf("issuer is %s, want !Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${<UserPool>} or !GetAtt <UserPool>.ProviderURL of an %s in the template", render(issuer), userPoolType))
	}
	audience, _ := lookup(jwt, "audience")
	if len(asList(audience)) == 0 {
		problems = append(problems, "audience is empty: tokens minted for any client would pass")
	}
	for _, a := range asList(audience) {
		client, ok := refOf(a)
		if !ok || !isResource(tpl, client, poolClientTyp) {
			problems = append(problems, fmt.Sprintf("audience %s is not a !Ref to an %s in the template", render(a), poolClientTyp))
			continue
		}
		if p, _ := refOf(tpl.Resources[client].Properties["UserPoolId"]); pool != "" && p != pool {
			problems = append(problems, fmt.Sprintf("audience %s is a client of %s, not of the issuer's pool %s", client, p, pool))
		}
	}
	return problems
}

// issuerPool returns the user pool a JWT issuer names.
func issuerPool(issuer any) (string, bool) {
	if r, attr, ok := getAtt(issuer); ok && attr == "ProviderURL" {
		return r, true
	}
	s, ok := strings.CutPrefix(render(issuer), "!Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${")
	if !ok || !strings.HasSuffix(s, "}") || strings.ContainsAny(s[:len(s)-1], "${}/") {
		return "", false
	}
	return s[:len(s)-1], true
}

// TestHTTPAPI checks the HTTP API's authorizer and routes.
func TestHTTPAPI(t *testing.T) {
	report(t, checkHTTPAPI(mustLoad(t, repoTemplate(t))))
}
