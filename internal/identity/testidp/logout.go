package testidp

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	jose "github.com/go-jose/go-jose/v4"
)

// hintClaims are the ID token claims the logout endpoint reads.
type hintClaims struct {
	Issuer   string          `json:"iss"`
	Audience json.RawMessage `json:"aud"`
	SID      string          `json:"sid"`
}

// logout handles the end-session endpoint (OpenID Connect RP-Initiated
// Logout 1.0) with GET or POST.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	var raw url.Values
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		if err := r.ParseForm(); err != nil {
			p.errorPage(w, http.StatusBadRequest, "nb", msgBadLogout, "the form could not be read")
			return
		}
		raw = r.PostForm
	} else {
		if len(r.URL.RawQuery) > maxQueryBytes {
			p.errorPage(w, http.StatusRequestURITooLong, "nb", msgBadLogout, "the query string is too long")
			return
		}
		var err error
		if raw, err = url.ParseQuery(r.URL.RawQuery); err != nil {
			p.errorPage(w, http.StatusBadRequest, "nb", msgBadLogout, "the query string is malformed")
			return
		}
	}
	locale := pickLocale(raw.Get("ui_locales"))
	params, err := singleValues(raw)
	if err != nil {
		p.errorPage(w, http.StatusBadRequest, locale, msgBadLogout, "a parameter is repeated")
		return
	}
	clientID, postLogout, state := params["client_id"], params["post_logout_redirect_uri"], params["state"]

	var sid string
	if hint := params["id_token_hint"]; hint != "" {
		claims, err := p.verifyHint(hint)
		if err != nil {
			p.log.Info("logout: bad id_token_hint", "err", err)
			p.errorPage(w, http.StatusBadRequest, locale, msgBadLogout, "id_token_hint was not issued by this provider")
			return
		}
		aud, ok := singleAudience(claims.Audience)
		if !ok || clientID != "" && clientID != aud {
			p.errorPage(w, http.StatusBadRequest, locale, msgBadLogout, "id_token_hint has an unexpected audience")
			return
		}
		clientID, sid = aud, claims.SID
	}
	var cl *client
	if clientID != "" {
		if cl = p.clients[clientID]; cl == nil {
			p.errorPage(w, http.StatusBadRequest, locale, msgBadLogout, "the client is not registered")
			return
		}
	}
	if postLogout != "" {
		if cl == nil {
			p.errorPage(w, http.StatusBadRequest, locale, msgBadLogout, "post_logout_redirect_uri requires id_token_hint or client_id")
			return
		}
		if !cl.postLogoutOK(postLogout) {
			p.log.Info("logout: unregistered post_logout_redirect_uri", "client_id", clientID, "uri", postLogout)
			p.errorPage(w, http.StatusBadRequest, locale, msgBadPostLogout, "post_logout_redirect_uri is not registered for the client")
			return
		}
	}
	if sid != "" {
		p.endSession(sid)
	}
	p.log.Info("logout", "client_id", clientID, "sid", sid)
	if postLogout != "" {
		v := url.Values{}
		if state != "" {
			v.Set("state", state)
		}
		redirectTo(w, postLogout, v)
		return
	}
	p.signedOutPage(w, locale)
}

// verifyHint checks that an ID token was signed with the provider's key
// and names the provider as issuer. Expired tokens are accepted, as RP-
// Initiated Logout allows.
func (p *Provider) verifyHint(raw string) (hintClaims, error) {
	var c hintClaims
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return c, err
	}
	payload, err := jws.Verify(&p.key.PublicKey)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, err
	}
	if c.Issuer != p.issuer {
		return c, errors.New("wrong issuer")
	}
	return c, nil
}

// singleAudience returns the only audience of an aud claim, which may be a
// string or an array with one string.
func singleAudience(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, s != ""
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil && len(list) == 1 {
		return list[0], list[0] != ""
	}
	return "", false
}

// endSession forgets a session and everything issued in it.
func (p *Provider) endSession(sid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.sessions, sid)
	for k, v := range p.tokens {
		if v.sid == sid {
			delete(p.tokens, k)
		}
	}
	for k, v := range p.codes {
		if v.sid == sid {
			delete(p.codes, k)
		}
	}
}
