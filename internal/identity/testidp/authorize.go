package testidp

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/nin"
)

// authorize handles GET /authorize: it validates the authentication request
// and shows the page where the user picks a test person.
//
// Problems with client_id or redirect_uri are shown as an error page and
// never redirected; all later problems are redirected back to the client
// as RFC 6749 §4.1.2.1 error responses.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.RawQuery) > maxQueryBytes {
		p.errorPage(w, http.StatusRequestURITooLong, "nb", msgBadRequest, "the query string is too long")
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		p.errorPage(w, http.StatusBadRequest, "nb", msgBadRequest, "the query string is malformed")
		return
	}
	locale := pickLocale(q.Get("ui_locales"))

	clientID, ok := single(q, "client_id")
	cl := p.clients[clientID]
	if !ok || cl == nil {
		p.log.Info("authorize: unknown client", "client_id", clientID)
		p.errorPage(w, http.StatusBadRequest, locale, msgUnknownClient, "client_id is missing, repeated or not registered")
		return
	}
	redirectURI, ok := single(q, "redirect_uri")
	if !ok || !cl.redirectOK(redirectURI) {
		p.log.Info("authorize: unregistered redirect_uri", "client_id", clientID, "redirect_uri", redirectURI)
		p.errorPage(w, http.StatusBadRequest, locale, msgBadRedirect, "redirect_uri is missing, repeated or not registered for the client")
		return
	}

	// From here on, errors go back to the validated redirect_uri.
	params, err := singleValues(q)
	if err != nil {
		p.redirectError(w, redirectURI, "", "invalid_request", err.Error())
		return
	}
	state := params["state"]
	fail := func(code, desc string) {
		p.log.Info("authorize: rejected", "client_id", clientID, "error", code, "description", desc)
		p.redirectError(w, redirectURI, state, code, desc)
	}
	if state == "" {
		fail("invalid_request", "state is required")
		return
	}
	if _, ok := params["request"]; ok {
		fail("request_not_supported", "the request parameter is not supported")
		return
	}
	if _, ok := params["request_uri"]; ok {
		fail("request_uri_not_supported", "the request_uri parameter is not supported")
		return
	}
	switch rt := params["response_type"]; rt {
	case "code":
	case "":
		fail("invalid_request", "response_type is required")
		return
	default:
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	}
	if rm := params["response_mode"]; rm != "" && rm != "query" {
		fail("invalid_request", "only response_mode=query is supported")
		return
	}
	scopes := grantedScopes(params["scope"])
	if scopes == nil {
		fail("invalid_request", "scope must contain openid")
		return
	}
	challenge := params["code_challenge"]
	switch {
	case challenge == "":
		fail("invalid_request", "code_challenge is required (PKCE)")
		return
	case params["code_challenge_method"] != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
		return
	case len(challenge) != 43 || !isBase64URL(challenge):
		fail("invalid_request", "code_challenge must be a base64url-encoded SHA-256 hash")
		return
	}
	nonce := params["nonce"]
	if nonce == "" {
		fail("invalid_request", "nonce is required")
		return
	}
	acr, ok := pickACR(params["acr_values"])
	if !ok {
		fail("invalid_request", "acr_values must be idporten-loa-substantial or idporten-loa-high")
		return
	}
	if slices.Contains(strings.Fields(params["prompt"]), "none") {
		fail("login_required", "the test provider always asks the user to choose a person")
		return
	}

	now := p.now()
	req := &authRequest{
		clientID:    clientID,
		redirectURI: redirectURI,
		state:       state,
		nonce:       nonce,
		challenge:   challenge,
		acr:         acr,
		scopes:      scopes,
		locale:      locale,
		expires:     now.Add(pendingTTL),
	}
	id := randomToken()
	p.mu.Lock()
	p.sweepLocked(now, len(p.pending) >= maxEntries)
	full := len(p.pending) >= maxEntries
	if !full {
		p.pending[id] = req
	}
	p.mu.Unlock()
	if full {
		p.errorPage(w, http.StatusTooManyRequests, locale, msgBusy, "too many pending sign-in requests")
		return
	}
	p.renderPicker(w, r, q, id, req)
}

// choose handles POST /authorize from the person picker: it issues an
// authorization code and redirects back to the client.
func (p *Provider) choose(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, http.StatusBadRequest, "nb", msgBadRequest, "the form could not be read")
		return
	}
	form, err := singleValues(r.PostForm)
	if err != nil {
		p.errorPage(w, http.StatusBadRequest, "nb", msgBadRequest, "a form field is repeated")
		return
	}
	locale := pickLocale(form["locale"])
	id := form["request_id"]
	now := p.now()

	p.mu.Lock()
	req := p.pending[id]
	if req == nil || expired(now, req.expires) {
		delete(p.pending, id)
		p.mu.Unlock()
		p.errorPage(w, http.StatusBadRequest, locale, msgExpired, "the sign-in request is unknown, already used or expired")
		return
	}
	if form["cancel"] != "" {
		delete(p.pending, id)
		p.mu.Unlock()
		p.log.Info("authorize: cancelled by user", "client_id", req.clientID)
		p.redirectError(w, req.redirectURI, req.state, "access_denied", "the user cancelled the sign-in")
		return
	}
	var person Person
	if typed := strings.TrimSpace(form["pid"]); form["person"] == "" && typed != "" {
		// As at ID-porten's TestID: any synthetic test person from
		// Tenor, but never a number that could be a real person's.
		n, err := nin.Parse(typed)
		if err != nil || !n.Kind().IsSynthetic() {
			p.mu.Unlock()
			p.errorPage(w, http.StatusBadRequest, req.locale, msgBadPID, "not a synthetic fødselsnummer: "+strconv.Quote(typed))
			return
		}
		person = Person{PID: n.String(), Name: "Testperson " + n.String(), GivenName: "Testperson", FamilyName: n.String()}
	} else {
		i, err := strconv.Atoi(form["person"])
		if err != nil || i < 0 || i >= len(p.persons) {
			p.mu.Unlock()
			p.errorPage(w, http.StatusBadRequest, req.locale, msgBadRequest, "no valid person was chosen")
			return
		}
		person = p.persons[i]
	}
	p.sweepLocked(now, len(p.sessions) >= maxEntries || len(p.codes) >= maxEntries)
	if len(p.sessions) >= maxEntries || len(p.codes) >= maxEntries {
		p.mu.Unlock()
		p.errorPage(w, http.StatusTooManyRequests, req.locale, msgBusy, "too many active sessions")
		return
	}
	delete(p.pending, id)
	sid := randomToken()
	code := randomToken()
	p.sessions[sid] = &session{clientID: req.clientID, expires: now.Add(sessionTTL)}
	p.codes[code] = &authCode{
		req:      *req,
		person:   person,
		sid:      sid,
		authTime: now,
		expires:  now.Add(codeTTL),
	}
	p.mu.Unlock()

	p.log.Info("authorize: signed in", "client_id", req.clientID, "person", person.Name, "acr", req.acr)
	redirectTo(w, req.redirectURI, url.Values{
		"code":  {code},
		"state": {req.state},
		"iss":   {p.issuer},
	})
}

// redirectError redirects to the client with an RFC 6749 §4.1.2.1 error
// response, including the iss parameter of RFC 9207.
func (p *Provider) redirectError(w http.ResponseWriter, redirectURI, state, code, desc string) {
	v := url.Values{
		"error":             {code},
		"error_description": {sanitizeDescription(desc)},
		"iss":               {p.issuer},
	}
	if state != "" {
		v.Set("state", state)
	}
	redirectTo(w, redirectURI, v)
}

// redirectTo answers 303 See Other to base with params added to its query.
// base must be a validated, registered URI.
func redirectTo(w http.ResponseWriter, base string, params url.Values) {
	u, err := url.Parse(base)
	if err != nil {
		// Registered URIs are validated in New; this cannot happen.
		http.Error(w, "bad redirect URI", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusSeeOther)
}

// single returns the only value of key in v; ok is false when the key is
// missing, empty or repeated.
func single(v url.Values, key string) (value string, ok bool) {
	vs := v[key]
	if len(vs) != 1 || vs[0] == "" {
		return "", false
	}
	return vs[0], true
}

// grantedScopes returns the supported scopes in the space-separated list,
// in canonical order, or nil when openid is missing. Unknown scopes are
// ignored.
func grantedScopes(scope string) []string {
	requested := strings.Fields(scope)
	if !slices.Contains(requested, "openid") {
		return nil
	}
	granted := []string{"openid"}
	for _, s := range []string{"profile", "email"} {
		if slices.Contains(requested, s) {
			granted = append(granted, s)
		}
	}
	return granted
}

// pickACR returns the first of the space-separated acr values, or the
// default level when none are given. ok is false for unknown values.
func pickACR(values string) (acr string, ok bool) {
	fields := strings.Fields(values)
	if len(fields) == 0 {
		return acrSubstantial, true
	}
	for _, f := range fields {
		if f != acrSubstantial && f != acrHigh {
			return "", false
		}
	}
	return fields[0], true
}

// pickLocale returns the first supported language in a space-separated
// ui_locales list (nb, nn or en), defaulting to nb.
func pickLocale(uiLocales string) string {
	for _, tag := range strings.Fields(uiLocales) {
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		primary, _, _ = strings.Cut(primary, "_")
		switch primary {
		case "nb", "no":
			return "nb"
		case "nn":
			return "nn"
		case "en":
			return "en"
		}
	}
	return "nb"
}

// isBase64URL reports whether s uses only the base64url alphabet.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sanitizeDescription keeps only the characters RFC 6749 allows in
// error_description and limits its length.
func sanitizeDescription(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' {
			b.WriteByte(c)
		}
		if b.Len() >= 200 {
			break
		}
	}
	return b.String()
}

// expired reports whether an entry with the given expiry is no longer valid.
func expired(now, expires time.Time) bool {
	return !now.Before(expires)
}
