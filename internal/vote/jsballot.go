package vote

// Encryption in the voter's browser.
//
// The voting page loads static/ballot.js, which builds the Belenios ballot
// in the browser (the same ballot belenios.CreateBallot makes in Go) and
// posts only the ballot, field FieldBallot; the server checks it as it
// checks every ballot (Service.CastOwn, then Service.Cast) and answers with
// the same receipt. The chosen answer never leaves the browser. For that
// the page carries the election (its exact stored JSON) and the voter's
// secret credential, on the voting page of the signed-in voter only
// (Cache-Control: no-store). The server made that credential and keeps it,
// so it could in principle still cast a ballot in the voter's name; it no
// longer sees the voter's choice. Without JavaScript, or when the script
// fails, the form posts the choice (field FieldChoice) and the server
// encrypts for the voter (Service.CastFor), as before; the pages say which
// way was used. In an election with a credential authority (credentials.go)
// the page carries no credential: the voter types the one the authority
// sent into a field without a name, ballot.js signs with it, and nothing
// is posted when the script fails.

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"net/http"

	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed static/ballot.js
var ballotJS []byte

// BallotScript is the name of the script that encrypts in the browser,
// as the shell serves it (web.View.Asset, web.Shell.AssetURL).
const BallotScript = "ballot.js"

// FieldBallot is the voting form's field for a ballot encrypted in the
// browser: its canonical Belenios JSON.
const FieldBallot = "ballot"

// MaxBallot is the size limit of a posted ballot. A ballot on one
// question with MaxAnswers answers and blank is about 36 KB.
const MaxBallot = 128 << 10

// voterCredential returns the voter's secret and public credential, or a
// Forbidden error when pid is not on the list of an open election.
func (s *Service) voterCredential(ctx context.Context, op errs.Op, tenant, uuid, pid string) (secret, public string, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT credential, public_cred FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND pid = $3`,
		tenant, uuid, pid).Scan(&secret, &public)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && secret == "") {
		return "", "", errs.E(op, errs.Forbidden, errs.Key("vote.error.not_eligible"))
	}
	if err != nil {
		return "", "", errs.E(op, err)
	}
	return secret, public, nil
}

// BrowserKit is what the voting page gives the voter's browser to make the
// ballot there: the election exactly as stored (whose hash the ballot
// names) and the voter's secret credential.
type BrowserKit struct {
	Election   string
	Credential string
	// Authority: the election's credentials come from a credential
	// authority; Credential is empty and the voter types theirs.
	Authority bool
}

// BrowserKit returns the election and the secret credential of voter pid,
// for the signed-in voter's own voting page only.
func (s *Service) BrowserKit(ctx context.Context, tenant, uuid, pid string) (*BrowserKit, error) {
	const op = errs.Op("vote.BrowserKit")
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	var secret string
	if e.CredMode == CredAuthority {
		_, err = s.boundCredential(ctx, op, tenant, uuid, pid)
	} else {
		secret, _, err = s.voterCredential(ctx, op, tenant, uuid, pid)
	}
	if err != nil {
		return nil, err
	}
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return nil, errs.E(op, err)
	}
	return &BrowserKit{Election: string(sd.elRaw), Credential: secret, Authority: e.CredMode == CredAuthority}, nil
}

// CastOwn casts a ballot that voter pid made in the browser: it must be
// signed with the voter's own credential, and it is then checked and
// recorded as Cast does. A ballot that fails a check is refused with an
// Invalid error that names the check (field FieldChoice, the form's
// question), as is a ballot that was already recorded.
func (s *Service) CastOwn(ctx context.Context, tenant, uuid, pid string, raw []byte) (string, error) {
	const op = errs.Op("vote.CastOwn")
	refuse := func(key string, cause error) error {
		return errs.E(op, errs.Invalid, errs.Key(key), map[string]string{FieldChoice: key}, cause)
	}
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return "", err
	}
	if err := s.checkPeriod(op, e); err != nil {
		return "", err
	}
	var public string
	if e.CredMode == CredAuthority {
		_, err = s.boundCredential(ctx, op, tenant, uuid, pid)
	} else {
		_, public, err = s.voterCredential(ctx, op, tenant, uuid, pid)
	}
	if err != nil {
		return "", err
	}
	if len(raw) > MaxBallot {
		return "", refuse("vote.error.ballot_invalid", errors.New("ballot too large"))
	}
	b, err := belenios.ParseBallot(raw)
	if err != nil {
		return "", refuse("vote.error.ballot_canonical", err)
	}
	var tr string
	if e.CredMode == CredAuthority {
		if b.Credential == nil {
			return "", refuse("vote.error.ballot_canonical", nil)
		}
		tr, err = s.castAuthority(ctx, op, tenant, uuid, pid, b, raw)
		if _, ok := formErr(err); ok {
			return "", err
		}
	} else {
		if b.Credential == nil || b.Credential.String() != public {
			return "", refuse("vote.error.ballot_not_yours", nil)
		}
		tr, err = s.Cast(ctx, tenant, uuid, raw)
	}
	if err != nil && (errs.Is(errs.Invalid, err) || (errs.Is(errs.Conflict, err) && errorKey(err) == "vote.error.ballot_replay")) {
		return "", refuse(errorKey(err), err)
	}
	return tr, err
}

func errorKey(err error) string {
	k, _, _ := errs.Public(err)
	return k
}

// voteView is the voting page: the browser kit (when the voter may vote
// now) beside what every voting page shows.
type voteView struct {
	pageView
	Kit *BrowserKit
}

// votedView is the receipt, with the way the ballot was made.
type votedView struct {
	pageView
	InBrowser bool // encrypted in the voter's browser, not by the server
}

// withKit adds the browser kit to the voting page of a voter who may vote
// now.
func (h *handlers) withKit(r *http.Request, e *Election, v pageView) (voteView, error) {
	vv := voteView{pageView: v}
	if !v.Eligible || !v.E.OpenNow {
		return vv, nil
	}
	kit, err := h.svc.BrowserKit(r.Context(), e.Tenant, e.UUID, web.From(r).User.PID)
	if err != nil {
		return vv, err
	}
	vv.Kit = kit
	return vv, nil
}
