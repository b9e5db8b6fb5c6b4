package testidp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// tokenErrorBody is an RFC 6749 §5.2 error response.
type tokenErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// tokenResponse is a successful token response.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	IDToken     string `json:"id_token"`
	Scope       string `json:"scope"`
}

// tokenError answers with an RFC 6749 §5.2 error. 401 responses carry a
// WWW-Authenticate challenge for HTTP Basic.
func (p *Provider) tokenError(w http.ResponseWriter, status int, code, desc string) {
	p.log.Info("token: rejected", "error", code, "description", desc)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="testidp", charset="UTF-8"`)
	}
	p.writeJSON(w, status, tokenErrorBody{Error: code, Description: sanitizeDescription(desc)})
}

// token handles POST /token for the authorization_code grant.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		p.tokenError(w, http.StatusBadRequest, "invalid_request", "the request body could not be read as a form")
		return
	}
	form, err := singleValues(r.PostForm)
	if err != nil {
		p.tokenError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	cl, status, code, desc := p.authenticateClient(r, form)
	if cl == nil {
		p.tokenError(w, status, code, desc)
		return
	}
	switch form["grant_type"] {
	case "authorization_code":
	case "":
		p.tokenError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	default:
		p.tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	}
	codeValue, redirectURI, verifier := form["code"], form["redirect_uri"], form["code_verifier"]
	switch {
	case codeValue == "":
		p.tokenError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	case redirectURI == "":
		p.tokenError(w, http.StatusBadRequest, "invalid_request", "redirect_uri is required")
		return
	case verifier == "":
		p.tokenError(w, http.StatusBadRequest, "invalid_request", "code_verifier is required (PKCE)")
		return
	case !validVerifier(verifier):
		p.tokenError(w, http.StatusBadRequest, "invalid_request", "code_verifier must be 43 to 128 unreserved characters")
		return
	}

	now := p.now()
	p.mu.Lock()
	ac := p.codes[codeValue]
	if ac == nil || expired(now, ac.expires) {
		delete(p.codes, codeValue)
		p.mu.Unlock()
		p.tokenError(w, http.StatusBadRequest, "invalid_grant", "the code is unknown or expired")
		return
	}
	if ac.used {
		p.mu.Unlock()
		p.log.Warn("token: authorization code replayed", "client_id", cl.id)
		p.tokenError(w, http.StatusBadRequest, "invalid_grant", "the code has already been used")
		return
	}
	ac.used = true // one attempt per code, successful or not
	grant := *ac
	sess := p.sessions[grant.sid]
	sessionOK := sess != nil && !expired(now, sess.expires)
	p.mu.Unlock()

	switch {
	case grant.req.clientID != cl.id:
		p.tokenError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
		return
	case grant.req.redirectURI != redirectURI:
		p.tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
		return
	case !pkceMatches(verifier, grant.req.challenge):
		p.tokenError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match code_challenge")
		return
	case !sessionOK:
		p.tokenError(w, http.StatusBadRequest, "invalid_grant", "the session has ended")
		return
	}

	at := randomToken()
	idToken, err := p.idToken(grant, at, now)
	if err != nil {
		p.log.Error("token: sign ID token", "err", err)
		p.tokenError(w, http.StatusInternalServerError, "server_error", "the ID token could not be signed")
		return
	}
	p.mu.Lock()
	p.sweepLocked(now, false)
	p.tokens[at] = &accessToken{
		clientID: cl.id,
		person:   grant.person,
		scopes:   grant.req.scopes,
		locale:   grant.req.locale,
		sid:      grant.sid,
		expires:  now.Add(accessTokenTTL),
	}
	p.mu.Unlock()

	p.log.Info("token: issued", "client_id", cl.id, "sid", grant.sid)
	p.writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: at,
		TokenType:   "Bearer",
		ExpiresIn:   int(accessTokenTTL / time.Second),
		IDToken:     idToken,
		Scope:       strings.Join(grant.req.scopes, " "),
	})
}

// authenticateClient checks client_secret_basic or client_secret_post
// credentials. On failure it returns a nil client and the error response.
func (p *Provider) authenticateClient(r *http.Request, form map[string]string) (cl *client, status int, code, desc string) {
	user, pass, hasBasic := r.BasicAuth()
	postSecret, hasPost := form["client_secret"]
	var id, secret string
	switch {
	case hasBasic && hasPost:
		return nil, http.StatusBadRequest, "invalid_request", "use only one client authentication method"
	case hasBasic:
		var err1, err2 error
		id, err1 = url.QueryUnescape(user) // RFC 6749 §2.3.1
		secret, err2 = url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return nil, http.StatusUnauthorized, "invalid_client", "malformed client credentials"
		}
		if formID, ok := form["client_id"]; ok && formID != id {
			return nil, http.StatusUnauthorized, "invalid_client", "client_id does not match the credentials"
		}
	case hasPost:
		id, secret = form["client_id"], postSecret
	default:
		return nil, http.StatusUnauthorized, "invalid_client", "client authentication is required"
	}
	cl = p.clients[id]
	want := "\x00no client\x00"
	if cl != nil {
		want = cl.secret
	}
	// Compare hashes so that neither content nor length leaks through timing.
	got, exp := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(want))
	if subtle.ConstantTimeCompare(got[:], exp[:]) != 1 || cl == nil {
		return nil, http.StatusUnauthorized, "invalid_client", "client authentication failed"
	}
	return cl, 0, "", ""
}

// validVerifier checks the RFC 7636 §4.1 code_verifier syntax.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// pkceMatches reports whether BASE64URL(SHA256(verifier)) equals challenge.
func pkceMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// subject returns the pairwise subject identifier of a person for a client.
func (p *Provider) subject(clientID string, person Person) string {
	ident := person.PID
	if ident == "" {
		ident = "email:" + person.Email
	}
	mac := hmac.New(sha256.New, p.pairwiseSecret)
	mac.Write([]byte(clientID))
	mac.Write([]byte{0})
	mac.Write([]byte(ident))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// addPersonClaims adds the claims that depend on the person and the
// granted scopes; they are shared by the ID token and userinfo.
func (p *Provider) addPersonClaims(claims map[string]any, clientID string, person Person, scopes []string, locale string) {
	claims["sub"] = p.subject(clientID, person)
	claims["locale"] = locale
	if person.PID != "" {
		claims["pid"] = person.PID
	}
	if slices.Contains(scopes, "profile") {
		claims["name"] = person.Name
		if person.GivenName != "" {
			claims["given_name"] = person.GivenName
		}
		if person.FamilyName != "" {
			claims["family_name"] = person.FamilyName
		}
	}
	if slices.Contains(scopes, "email") && person.Email != "" {
		claims["email"] = person.Email
		claims["email_verified"] = true
	}
}

// idToken builds, optionally mutates, and signs the ID token for a grant.
func (p *Provider) idToken(grant authCode, accessToken string, now time.Time) (string, error) {
	atSum := sha256.Sum256([]byte(accessToken))
	claims := map[string]any{
		"iss":       p.issuer,
		"aud":       grant.req.clientID,
		"acr":       grant.req.acr,
		"amr":       []string{"TestID"},
		"auth_time": grant.authTime.Unix(),
		"iat":       now.Unix(),
		"exp":       now.Add(idTokenTTL).Unix(),
		"nonce":     grant.req.nonce,
		"sid":       grant.sid,
		"jti":       randomToken(),
		"at_hash":   base64.RawURLEncoding.EncodeToString(atSum[:len(atSum)/2]),
	}
	p.addPersonClaims(claims, grant.req.clientID, grant.person, grant.req.scopes, grant.req.locale)
	if p.mutate != nil {
		p.mutate(claims)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("marshal claims: %w", err)
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.signKey, KeyID: p.kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return "", fmt.Errorf("create signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return jws.CompactSerialize()
}

// userinfo handles GET and POST /userinfo with a Bearer access token.
func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="testidp"`)
		p.writeJSON(w, http.StatusUnauthorized, tokenErrorBody{Error: "invalid_request", Description: "a Bearer access token is required"})
		return
	}
	now := p.now()
	p.mu.Lock()
	at := p.tokens[strings.TrimSpace(token)]
	var grant accessToken
	if at != nil {
		grant = *at
	}
	p.mu.Unlock()
	if at == nil || expired(now, grant.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="testidp", error="invalid_token"`)
		p.writeJSON(w, http.StatusUnauthorized, tokenErrorBody{Error: "invalid_token", Description: "the access token is unknown or expired"})
		return
	}
	claims := map[string]any{}
	p.addPersonClaims(claims, grant.clientID, grant.person, grant.scopes, grant.locale)
	p.writeJSON(w, http.StatusOK, claims)
}
