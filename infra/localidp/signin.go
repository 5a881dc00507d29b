package localidp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// SignIn signs member in at the provider at issuer without a browser, the
// way a person does it in one: discovery, the Authorization Code flow with
// PKCE (S256), the sign-in page's form, then the code exchanged at the token
// endpoint. It returns the ID token, which the API takes as the bearer token
// (as the HTTP API's JWT authorizer takes a Cognito ID token). `make token`
// and the tests get their tokens this way: nothing mints tokens outside the
// provider.
func SignIn(ctx context.Context, issuer, redirectURI, member string) (string, error) {
	provider, err := gooidc.NewProvider(ctx, issuer)
	if err != nil {
		return "", fmt.Errorf("discovery at %s: %w", issuer, err)
	}
	conf := oauth2.Config{ClientID: ClientID, Endpoint: provider.Endpoint(), RedirectURL: redirectURI,
		Scopes: []string{gooidc.ScopeOpenID, "email", "profile"}}
	verifier, state := oauth2.GenerateVerifier(), newID()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// /authorize answers with a redirect to the sign-in page.
	loc, err := redirect(ctx, hc, http.MethodGet, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil)
	if err != nil {
		return "", err
	}
	id := loc.Query().Get("authRequestID")
	if id == "" {
		return "", fmt.Errorf("the provider did not send us to its sign-in page (%s)", loc)
	}
	form := url.Values{"authRequestID": {id}, "member": {member}}
	if loc, err = redirect(ctx, hc, http.MethodPost, loc.ResolveReference(&url.URL{Path: "/login"}).String(), form); err != nil {
		return "", err
	}
	// The provider's callback finishes the request and sends us back with a code.
	if loc, err = redirect(ctx, hc, http.MethodGet, loc.String(), nil); err != nil {
		return "", err
	}
	q := loc.Query()
	if q.Get("state") != state || q.Get("code") == "" {
		return "", fmt.Errorf("sign-in failed: %s %s", q.Get("error"), q.Get("error_description"))
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return "", fmt.Errorf("token exchange: %w", err)
	}
	idToken, _ := tok.Extra("id_token").(string)
	if idToken == "" {
		return "", errors.New("the token endpoint returned no id_token")
	}
	return idToken, nil
}

// redirect makes one request and returns where its redirect points.
func redirect(ctx context.Context, hc *http.Client, method, target string, form url.Values) (*url.URL, error) {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %s, no redirect", method, req.URL.Path, res.Status)
	}
	return loc, nil
}
