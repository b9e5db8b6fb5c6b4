package vote

// A credential authority apart from the server, as in Belenios.
//
// An election created with CredMode CredAuthority gets its voting
// credentials from a credential authority: a person who is neither the
// officer nor the server's operator. Knowing the election's id and the
// size of the voter list (the officer's page shows both), they run
// `torg election credentials` (MakeCredentials) on their own computer. It
// writes the private credentials, one per voter, in belenios-tool's
// T.privcreds form ("<id> <credential>" a line, mode 0600), and the public
// credentials in belenios-tool's T.pubcreds form, and prints the
// fingerprint of the public credentials as belenios-tool does. The
// authority gives the private credentials to the voters themselves (by
// letter or e-mail, outside the server) and hands the public file to the
// officer, who uploads it (Service.SetPublicCredentials: as many as there
// are voters, each a group element, no two the same). At Open the server
// publishes exactly those public credentials in the record; it never sees
// a private one. The authority checks that the fingerprint the election's
// page shows is the one the tool printed, as Belenios' credential
// authority does.
//
// Voting: a voter still signs in through ID-porten and must be on the
// voter list (one voter, one ballot), and types the credential received
// from the authority. The browser derives the signing key from it
// (static/ballot.js) and signs; the credential itself is never posted
// (its field has no name). The server accepts a ballot signed with any of
// the listed public credentials and binds that credential to the
// signed-in voter at the first accepted ballot: later ballots of that
// voter must use the same credential, which no other voter may use. A new
// ballot replaces the earlier one of the same credential, as in Belenios.
// The trade-off: the server can no longer cast a ballot for a voter (it
// holds no credential), but a voter must both sign in and have the
// credential; a lost credential cannot be replaced once the election is
// open. Without JavaScript the credential could only reach the signature
// through the server, so in this mode voting needs JavaScript and the
// page says so (Service.CastFor refuses with vote.error.js_required).

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Who makes the voting credentials (ElectionForm.Credentials).
const (
	// CredServer: the server makes and keeps each voter's credential.
	CredServer = "server"
	// CredAuthority: a credential authority makes them apart from the
	// server, which gets only the public credentials.
	CredAuthority = "authority"
)

// Form fields of the credential authority mode.
const (
	FieldCredMode    = "valkodar"            // the election form: CredServer or CredAuthority
	FieldPublicCreds = "offentlege_valkodar" // the officer's upload of the public credentials
	FieldCredential  = "valkode"             // the voter's credential on the voting page (never posted)
)

// CredentialFiles is what the credential authority's tool writes.
type CredentialFiles struct {
	// Private is belenios-tool's T.privcreds: "<id> <credential>" a line.
	Private []byte
	// Public is belenios-tool's T.pubcreds: a JSON list of
	// "dec(g^s),,<id>", sorted by the number.
	Public []byte
	// Fingerprint is base64 (no padding) of the SHA-256 of the public
	// credentials as the record publishes them, as belenios-tool prints it.
	Fingerprint string
}

// MakeCredentials makes a credential for each of ids (voter labels
// without spaces, known only to the authority) for the election uuid.
// rnd is crypto/rand when nil.
func MakeCredentials(uuid string, ids []string, rnd io.Reader) (*CredentialFiles, error) {
	if len(uuid) < 14 || len(uuid) > 255 || strings.Trim(uuid, belenios.Base58) != "" {
		return nil, errors.New("not a Belenios election id (at least 14 Base58 characters)")
	}
	type pc struct {
		n  *big.Int
		id string
	}
	var priv bytes.Buffer
	pubs := make([]pc, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || strings.ContainsAny(id, " \t\r\n,\"\\") || seen[id] {
			return nil, errors.New("voter id " + strconv.Quote(id) + " is empty, has a space, comma or quote, or is given twice")
		}
		seen[id] = true
		c, err := belenios.NewCredential(uuid, rnd)
		if err != nil {
			return nil, err
		}
		priv.WriteString(id + " " + c.Secret + "\n")
		pubs = append(pubs, pc{c.Public, id})
	}
	sort.Slice(pubs, func(i, j int) bool { return pubs[i].n.Cmp(pubs[j].n) < 0 })
	list, published := make([]string, len(pubs)), make([]string, len(pubs))
	for i, p := range pubs {
		list[i], published[i] = p.n.String()+",,"+p.id, p.n.String()
	}
	return &CredentialFiles{Private: priv.Bytes(), Public: belenios.MarshalCredentials(list),
		Fingerprint: belenios.Fingerprint(belenios.MarshalCredentials(published))}, nil
}

// credError is a refusal of a public credentials file: the message key
// and its arguments.
type credError struct {
	key  string
	args []any
}

func (e *credError) Error() string { return e.key }

// ParsePublicCredentials reads a public credentials file, belenios-tool's
// T.pubcreds ("dec(g^s),<weight>,<id>") or the published form
// ("dec(g^s)"), and returns the numbers in the published form, sorted.
// Weights other than 1 are refused (Torg counts one vote per voter).
func ParsePublicCredentials(raw []byte) ([]string, error) {
	var list []string
	if err := json.Unmarshal(bytes.TrimSpace(raw), &list); err != nil {
		return nil, &credError{key: "vote.error.creds_format"}
	}
	nums := make([]*big.Int, 0, len(list))
	seen := make(map[string]bool, len(list))
	for k, c := range list {
		parts := strings.Split(c, ",")
		if len(parts) > 3 || parts[0] == "" || len(parts[0]) > 700 || strings.TrimLeft(parts[0], "0123456789") != "" || (len(parts[0]) > 1 && parts[0][0] == '0') {
			return nil, &credError{key: "vote.error.creds_number", args: []any{k + 1}}
		}
		if len(parts) > 1 && parts[1] != "" && parts[1] != "1" {
			return nil, &credError{key: "vote.error.creds_weight", args: []any{k + 1}}
		}
		if seen[parts[0]] {
			return nil, &credError{key: "vote.error.creds_duplicate", args: []any{k + 1}}
		}
		seen[parts[0]] = true
		x, _ := new(big.Int).SetString(parts[0], 10)
		if !belenios.IsElement(x) {
			return nil, &credError{key: "vote.error.creds_element", args: []any{k + 1}}
		}
		nums = append(nums, x)
	}
	if len(nums) == 0 {
		return nil, &credError{key: "vote.error.creds_empty"}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i].Cmp(nums[j]) < 0 })
	out := make([]string, len(nums))
	for i, x := range nums {
		out[i] = x.String()
	}
	return out, nil
}

// SetPublicCredentials stores the public credentials the credential
// authority made (setup only, an election with CredAuthority): as many as
// there are voters on the list, each a group element, no two the same. It
// returns how many there are.
func (s *Service) SetPublicCredentials(ctx context.Context, tenant, uuid string, raw []byte, actor audit.Entry) (int, error) {
	const op = errs.Op("vote.SetPublicCredentials")
	bad := func(key string, args []any) error {
		field := key // the field's message takes no arguments; the summary has them
		if len(args) > 0 {
			field = "vote.error.creds_bad"
		}
		return errs.E(op, errs.Invalid, errs.Key(key), args, map[string]string{FieldPublicCreds: field})
	}
	if len(raw) > MaxVoters*700 {
		return 0, bad("vote.error.too_large", nil)
	}
	creds, err := ParsePublicCredentials(raw)
	var ce *credError
	if errors.As(err, &ce) {
		return 0, bad(ce.key, ce.args)
	}
	if err != nil {
		return 0, errs.E(op, err)
	}
	published := belenios.MarshalCredentials(creds)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockState(ctx, tx, op, tenant, uuid, StateSetup)
		if err != nil {
			return err
		}
		if e.CredMode != CredAuthority {
			return errs.E(op, errs.Conflict, errs.Key("vote.error.creds_not_authority"))
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_voters WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid).Scan(&n); err != nil {
			return err
		}
		if n != len(creds) {
			return bad("vote.error.creds_count", []any{len(creds), n})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote_elections SET public_creds = $3 WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid, string(published)); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "vote.public_creds", uuid, strconv.Itoa(len(creds))+" public credentials, fingerprint "+belenios.Fingerprint(published))
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return len(creds), nil
}

// PublicCredentials returns how many public credentials the authority
// uploaded and their fingerprint (as belenios-tool prints it), 0 and ""
// before the upload.
func (s *Service) PublicCredentials(ctx context.Context, tenant, uuid string) (int, string, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT public_creds FROM vote_elections WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid).Scan(&raw)
	if err != nil || raw == "" {
		return 0, "", err
	}
	cs, err := belenios.ParseCredentials([]byte(raw))
	if err != nil {
		return 0, "", err
	}
	return len(cs), belenios.Fingerprint([]byte(raw)), nil
}

// authorityCredentials returns the uploaded public credentials of an
// election at Open, checked against the number of voters.
func authorityCredentials(ctx context.Context, tx *sql.Tx, op errs.Op, tenant, uuid string, voters int) ([]string, error) {
	var raw string
	if err := tx.QueryRowContext(ctx, `SELECT public_creds FROM vote_elections WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid).Scan(&raw); err != nil {
		return nil, err
	}
	if raw == "" {
		return nil, errs.E(op, errs.Invalid, errs.Key("vote.error.creds_missing"))
	}
	cs, err := belenios.ParseCredentials([]byte(raw))
	if err != nil {
		return nil, err
	}
	if len(cs) != voters {
		return nil, errs.E(op, errs.Invalid, errs.Key("vote.error.creds_count"), []any{len(cs), voters})
	}
	return cs, nil
}

// castAuthority casts a ballot voter pid made in the browser with a
// credential from the authority: it must be signed with one of the
// listed credentials, the voter's own once the voter has voted, and not
// one another voter has used.
func (s *Service) castAuthority(ctx context.Context, op errs.Op, tenant, uuid, pid string, b *belenios.Ballot, raw []byte) (string, error) {
	refuse := func(key string, cause error) error {
		return errs.E(op, errs.Invalid, errs.Key(key), map[string]string{FieldCredential: key}, cause)
	}
	bound, err := s.boundCredential(ctx, op, tenant, uuid, pid)
	if err != nil {
		return "", err
	}
	cred := b.Credential.String()
	if bound != "" && bound != cred {
		return "", refuse("vote.error.cred_other", nil)
	}
	if err := s.CheckBallot(ctx, tenant, uuid, raw); err != nil {
		if errorKey(err) == "vote.error.ballot_credential" {
			return "", refuse("vote.error.cred_unknown", err)
		}
		return "", err
	}
	if bound == "" {
		// The signature shows the voter holds the credential: bind it.
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND public_cred = $3 AND pid <> $4`,
				tenant, uuid, cred, pid).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return refuse("vote.error.cred_taken", nil)
			}
			res, err := tx.ExecContext(ctx, `UPDATE vote_voters SET public_cred = $4 WHERE tenant_id = $1 AND uuid = $2 AND pid = $3 AND public_cred = ''`,
				tenant, uuid, pid, cred)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return refuse("vote.error.cred_other", nil) // bound meanwhile by another ballot of this voter
			}
			return nil
		})
		if err != nil && db.IsUniqueViolation(err) {
			return "", refuse("vote.error.cred_taken", err)
		}
		if err != nil {
			return "", errs.E(op, err)
		}
	}
	return s.Cast(ctx, tenant, uuid, raw)
}

// boundCredential returns the public credential bound to voter pid (""
// before the voter's first ballot), or Forbidden when pid is not on the
// voter list.
func (s *Service) boundCredential(ctx context.Context, op errs.Op, tenant, uuid, pid string) (string, error) {
	var public string
	err := s.db.QueryRowContext(ctx, `SELECT public_cred FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND pid = $3`, tenant, uuid, pid).Scan(&public)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E(op, errs.Forbidden, errs.Key("vote.error.not_eligible"))
	}
	if err != nil {
		return "", errs.E(op, err)
	}
	return public, nil
}
