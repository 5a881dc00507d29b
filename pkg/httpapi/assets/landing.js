// The landing page's actions and the sign-in return (README.md, "Sign-in").
// A visitor who is not signed in is sent to the OpenID Connect provider
// (Cognito's managed login in AWS, infra/localidp locally) with the
// Authorization Code flow and PKCE; the action they chose and the link's
// token wait in sessionStorage, and the action completes when they are back.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main) return;
  var base = main.getAttribute("data-base-url") || location.origin;
  var redirectURI = location.origin + "/signin/callback";
  var KEY_TOKEN = "warmlead.id_token", KEY_PENDING = "warmlead.pending", KEY_FLOW = "warmlead.signin";
  var store = window.sessionStorage;
  var result = document.getElementById("result");

  function say(text, isError) {
    if (!result) return;
    result.className = isError ? "error" : "";
    result.textContent = text;
    result.focus();
  }

  function b64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function random() { var b = new Uint8Array(32); crypto.getRandomValues(b); return b64url(b); }

  // A signed-in visitor's ID token, while it has more than a minute left.
  function currentToken() {
    var t = store.getItem(KEY_TOKEN);
    if (!t) return "";
    try {
      var claims = JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      if (claims.exp * 1000 > Date.now() + 60000) return t;
    } catch (e) { /* fall through */ }
    store.removeItem(KEY_TOKEN);
    return "";
  }

  function signIn(pending) {
    var verifier = random(), state = random();
    store.setItem(KEY_PENDING, JSON.stringify(pending));
    store.setItem(KEY_FLOW, JSON.stringify({ verifier: verifier, state: state, back: location.pathname }));
    say("Taking you to sign in…");
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)).then(function (hash) {
      var q = new URLSearchParams({ response_type: "code", client_id: main.getAttribute("data-client-id"),
        redirect_uri: redirectURI, scope: "openid email profile", state: state,
        code_challenge: b64url(new Uint8Array(hash)), code_challenge_method: "S256" });
      location.assign(main.getAttribute("data-authorize-url") + "?" + q.toString());
    });
  }

  function problemText(res, body) {
    if (body && body.detail) return body.detail;
    if (res.status === 401) return "Your sign-in has expired. Please try again.";
    return "Something went wrong (" + res.status + "). Please try again.";
  }

  function call(method, path, body) {
    return fetch(base + path, { method: method, headers: { "Authorization": "Bearer " + currentToken(),
      "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().catch(function () { return null; }).then(function (b) { return { res: res, body: b }; }); });
  }

  function act(p) {
    if (!currentToken()) { signIn(p); return; }
    if (p.action === "interest") {
      var body = { referral_token: p.token };
      if (p.message) body.message = p.message;
      if (p.share) body.share_with_chain = true;
      say("Sending…");
      call("POST", "/postings/" + encodeURIComponent(p.posting) + "/interest", body).then(function (r) {
        if (r.res.status === 401) { store.removeItem(KEY_TOKEN); signIn(p); return; }
        if (!r.res.ok) { say(problemText(r.res, r.body), true); return; }
        say(r.res.status === 201 ? "Done: the poster knows you are interested, and the people who passed this on are thanked."
          : "You had already said you are interested; your message is updated.");
      }, function () { say("We could not reach Warmlead. Check your connection and try again.", true); });
    } else if (p.action === "share") {
      say("Making your link…");
      call("POST", "/postings/" + encodeURIComponent(p.posting) + "/referrals", { via: p.token }).then(function (r) {
        if (r.res.status === 401) { store.removeItem(KEY_TOKEN); signIn(p); return; }
        if (!r.res.ok) { say(problemText(r.res, r.body), true); return; }
        showLink(r.body.url);
      }, function () { say("We could not reach Warmlead. Check your connection and try again.", true); });
    }
  }

  function showLink(url) {
    result.className = "";
    result.textContent = "";
    var p = document.createElement("p"); p.textContent = "Your link is ready: whoever opens it comes to this lead through you.";
    var label = document.createElement("label"); label.htmlFor = "my-link"; label.textContent = "Your link";
    var input = document.createElement("input"); input.type = "url"; input.id = "my-link"; input.readOnly = true; input.value = url;
    var copy = document.createElement("button"); copy.type = "button"; copy.className = "cta"; copy.textContent = "Copy link";
    var note = document.createElement("p"); note.setAttribute("aria-live", "polite");
    copy.addEventListener("click", function () {
      input.select();
      (navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject()).then(
        function () { note.textContent = "Copied."; }, function () { note.textContent = "Select the link and copy it."; });
    });
    result.append(p, label, input, copy);
    if (navigator.share) {
      var share = document.createElement("button"); share.type = "button"; share.className = "cta secondary"; share.textContent = "Share…";
      share.addEventListener("click", function () { navigator.share({ url: url }).catch(function () {}); });
      result.append(" ", share);
    }
    result.append(note);
    result.focus();
  }

  // The provider sent the visitor back: exchange the code, then return to the lead.
  if (location.pathname === "/signin/callback") {
    var q = new URLSearchParams(location.search), flow = JSON.parse(store.getItem(KEY_FLOW) || "null");
    store.removeItem(KEY_FLOW);
    if (!flow || q.get("state") !== flow.state || !q.get("code")) {
      say("Sign-in did not complete" + (q.get("error") ? " (" + q.get("error") + ")" : "") + ". Go back to the link and try again.", true);
      return;
    }
    fetch(main.getAttribute("data-token-url"), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: main.getAttribute("data-client-id"),
        code: q.get("code"), redirect_uri: redirectURI, code_verifier: flow.verifier }) })
      .then(function (res) { if (!res.ok) throw new Error(String(res.status)); return res.json(); })
      .then(function (tok) { store.setItem(KEY_TOKEN, tok.id_token); location.replace(flow.back); })
      .catch(function () { say("Sign-in did not complete. Go back to the link and try again.", true); });
    return;
  }

  var posting = main.getAttribute("data-posting"), token = main.getAttribute("data-token");
  var interest = document.getElementById("interest-form"), share = document.getElementById("share-form");
  if (interest) interest.addEventListener("submit", function (e) {
    e.preventDefault();
    act({ action: "interest", posting: posting, token: token, message: interest.message.value.trim(),
      share: interest.share_with_chain.checked });
  });
  if (share) share.addEventListener("submit", function (e) {
    e.preventDefault();
    act({ action: "share", posting: posting, token: token });
  });
  // Back from sign-in: finish what the visitor chose, through the same link.
  var pending = JSON.parse(store.getItem(KEY_PENDING) || "null");
  if (pending && pending.token === token && currentToken()) {
    store.removeItem(KEY_PENDING);
    if (interest && pending.message) interest.message.value = pending.message;
    act(pending);
  }
})();
