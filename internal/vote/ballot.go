package vote

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"strconv"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/errs"
)

// setupData is an open election's Setup members, which never change.
type setupData struct {
	el      *belenios.Election
	elRaw   []byte
	phi     string
	members map[string][]byte // hash → body: election, trustees, credentials, setup
	setup   string            // hash of the setup payload
	ts      int64             // archive time
	ntrust  int
	// threshold is the Pedersen block's threshold, 0 for Single trustees.
	threshold int
}

func (s *Service) loadSetup(ctx context.Context, tenant, uuid string) (*setupData, error) {
	key := tenant + "/" + uuid
	if v, ok := s.setups.Load(key); ok {
		return v.(*setupData), nil
	}
	var payload string
	var ts int64
	err := s.db.QueryRowContext(ctx, `SELECT ev.payload, el.archive_time FROM vote_events ev JOIN vote_elections el ON el.tenant_id = ev.tenant_id AND el.uuid = ev.uuid
		WHERE ev.tenant_id = $1 AND ev.uuid = $2 AND ev.height = 0`, tenant, uuid).Scan(&payload, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, errs.Key("vote.error.not_open"))
	}
	if err != nil {
		return nil, err
	}
	sd := &setupData{members: map[string][]byte{}, setup: payload, ts: ts}
	body, err := s.data(ctx, tenant, uuid, payload)
	if err != nil {
		return nil, err
	}
	sd.members[payload] = body
	p, err := belenios.ParseSetupData(body)
	if err != nil {
		return nil, err
	}
	for _, h := range []string{p.Election, p.Trustees, p.Credentials} {
		b, err := s.data(ctx, tenant, uuid, h)
		if err != nil {
			return nil, err
		}
		sd.members[h] = b
	}
	sd.elRaw = sd.members[p.Election]
	if sd.el, err = belenios.ParseElection(sd.elRaw); err != nil {
		return nil, err
	}
	ts2, err := belenios.ParseTrustees(sd.members[p.Trustees])
	if err != nil {
		return nil, err
	}
	sd.ntrust = len(ts2)
	for _, t := range ts2 {
		if t.Pedersen != nil {
			sd.threshold = t.Pedersen.Threshold
		}
	}
	sd.phi = belenios.Fingerprint(sd.elRaw)
	s.setups.Store(key, sd)
	return sd, nil
}

func (s *Service) data(ctx context.Context, tenant, uuid, hash string) ([]byte, error) {
	var body string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM vote_data WHERE tenant_id = $1 AND uuid = $2 AND hash = $3`, tenant, uuid, hash).Scan(&body)
	return []byte(body), err
}

// checkKeys maps a failed check of belenios.VerifyArchive on a ballot to
// the message that says why it is refused.
var checkKeys = map[string]string{
	belenios.CheckBallotCanonical:  "vote.error.ballot_canonical",
	belenios.CheckBallotElection:   "vote.error.ballot_election",
	belenios.CheckBallotCredential: "vote.error.ballot_credential",
	belenios.CheckBallotReplay:     "vote.error.ballot_replay",
	belenios.CheckBallotSignature:  "vote.error.ballot_signature",
	belenios.CheckBallotProof:      "vote.error.ballot_proof",
}

// CheckBallot checks a ballot as belenios-tool does (canonical bytes,
// this election, an eligible credential, the signature, every proof)
// without storing it.
func (s *Service) CheckBallot(ctx context.Context, tenant, uuid string, raw []byte) error {
	const op = errs.Op("vote.CheckBallot")
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return errs.E(op, err)
	}
	return s.checkBallot(op, sd, raw)
}

func (s *Service) checkBallot(op errs.Op, sd *setupData, raw []byte) error {
	a := belenios.NewArchive(sd.ts)
	for h, b := range sd.members {
		a.Data[h] = b
	}
	a.AddEvent(belenios.EvSetup, sd.setup)
	a.AddEvent(belenios.EvBallot, a.AddData(raw))
	_, err := belenios.VerifyArchive(a)
	var ce *belenios.CheckError
	if errors.As(err, &ce) {
		key, ok := checkKeys[ce.Check]
		if !ok {
			key = "vote.error.ballot_invalid"
		}
		return errs.E(op, errs.Invalid, errs.Key(key), err)
	}
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Cast checks a ballot (see CheckBallot), refuses it outside the voting
// period or when the same ballot was already recorded, and appends it to
// the record. It returns the ballot's smart ballot tracker.
func (s *Service) Cast(ctx context.Context, tenant, uuid string, raw []byte) (string, error) {
	const op = errs.Op("vote.Cast")
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return "", err
	}
	if err := s.checkPeriod(op, e); err != nil {
		return "", err
	}
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return "", errs.E(op, err)
	}
	if err := s.checkBallot(op, sd, raw); err != nil {
		return "", err
	}
	b, err := belenios.ParseBallot(raw)
	if err != nil { // checked above
		return "", errs.E(op, errs.Invalid, errs.Key("vote.error.ballot_canonical"), err)
	}
	tracker := belenios.Fingerprint(raw)
	for attempt := 0; ; attempt++ {
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			e, err := s.lockState(ctx, tx, op, tenant, uuid, StateOpen)
			if err != nil {
				return err
			}
			if err := s.checkPeriod(op, e); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_ballots WHERE tenant_id = $1 AND uuid = $2 AND tracker = $3`,
				tenant, uuid, tracker).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.E(op, errs.Conflict, errs.Key("vote.error.ballot_replay"))
			}
			h, err := appendEvent(ctx, tx, tenant, uuid, belenios.EvBallot, raw)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO vote_ballots (tenant_id, uuid, height, tracker, public_cred, cast_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				tenant, uuid, h, tracker, b.Credential.String(), s.db.Now())
			return err
		})
		if err != nil && db.IsUniqueViolation(err) && attempt < 3 {
			continue // another ballot took the height: try again
		}
		break
	}
	if err != nil {
		return "", errs.E(op, err)
	}
	return tracker, nil
}

// checkPeriod refuses voting outside the election's period by the
// server's clock.
func (s *Service) checkPeriod(op errs.Op, e *Election) error {
	now := s.db.Now()
	switch {
	case e.State == StateSetup || now.Before(e.OpensAt):
		return errs.E(op, errs.Conflict, errs.Key("vote.error.not_open"))
	case e.State != StateOpen || !now.Before(e.ClosesAt):
		return errs.E(op, errs.Conflict, errs.Key("vote.error.closed"))
	}
	return nil
}

// Blank is the choice value of a blank vote in CastFor.
const Blank = "blank"

// CastFor makes and casts the ballot of voter pid on the voter's behalf
// (the path without JavaScript): choice is the index of the chosen answer
// ("0", "1", ...) or Blank. The server sees the choice while it encrypts.
func (s *Service) CastFor(ctx context.Context, tenant, uuid, pid, choice string) (string, error) {
	const op = errs.Op("vote.CastFor")
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return "", err
	}
	if err := s.checkPeriod(op, e); err != nil {
		return "", err
	}
	if e.CredMode == CredAuthority {
		// The server holds no credential to sign with.
		return "", errs.E(op, errs.Invalid, errs.Key("vote.error.js_required"), map[string]string{FieldChoice: "vote.error.js_required"})
	}
	var secret string
	err = s.db.QueryRowContext(ctx, `SELECT credential FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND pid = $3`, tenant, uuid, pid).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && secret == "") {
		return "", errs.E(op, errs.Forbidden, errs.Key("vote.error.not_eligible"))
	}
	if err != nil {
		return "", errs.E(op, err)
	}
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return "", errs.E(op, err)
	}
	votes, err := plaintext(sd.el, choice)
	if err != nil {
		return "", errs.E(op, errs.Invalid, errs.Key("vote.error.choice"), map[string]string{FieldChoice: "vote.error.choice"})
	}
	cred, err := belenios.DeriveCredential(uuid, secret)
	if err != nil {
		return "", errs.E(op, err)
	}
	b, err := belenios.CreateBallot(sd.elRaw, sd.el, cred, votes, s.rnd())
	if err != nil {
		return "", errs.E(op, err)
	}
	return s.Cast(ctx, tenant, uuid, b.Marshal())
}

// FieldChoice is the voting form's field.
const FieldChoice = "val"

// plaintext turns a choice on the election's single question into the
// Belenios plaintext.
func plaintext(el *belenios.Election, choice string) ([][]int, error) {
	if len(el.Questions) != 1 {
		return nil, errors.New("only single-question elections are voted on this way")
	}
	q := el.Questions[0]
	off := 0
	if q.Blank {
		off = 1
	}
	v := make([]int, len(q.Answers)+off)
	if choice == Blank {
		if !q.Blank {
			return nil, errors.New("blank not allowed")
		}
		v[0] = 1
		return [][]int{v}, nil
	}
	i, err := strconv.Atoi(choice)
	if err != nil || i < 0 || i >= len(q.Answers) || strconv.Itoa(i) != choice {
		return nil, errors.New("no such answer")
	}
	v[off+i] = 1
	return [][]int{v}, belenios.CheckPlaintext(el, [][]int{v})
}

// MyBallot returns the tracker of the voter's counted ballot ("" when the
// voter has not voted) and how many ballots the voter has cast.
func (s *Service) MyBallot(ctx context.Context, tenant, uuid, pid string) (string, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.tracker FROM vote_ballots b JOIN vote_voters v ON v.tenant_id = b.tenant_id AND v.uuid = b.uuid AND v.public_cred = b.public_cred
		WHERE v.tenant_id = $1 AND v.uuid = $2 AND v.pid = $3 ORDER BY b.height`, tenant, uuid, pid)
	if err != nil {
		return "", 0, errs.E(errs.Op("vote.MyBallot"), err)
	}
	defer rows.Close()
	var last string
	n := 0
	for rows.Next() {
		if err := rows.Scan(&last); err != nil {
			return "", 0, err
		}
		n++
	}
	return last, n, rows.Err()
}

// BoardEntry is one ballot on the public bulletin board.
type BoardEntry struct {
	Height   int
	Tracker  string
	Replaced bool // a later ballot with the same credential replaces it
}

// Board is the public bulletin board: every ballot's tracker, and the
// head of the record's hash chain.
type Board struct {
	Ballots []BoardEntry
	Counted int
	Events  int
	Head    string // hash of the last event
}

// Board returns the bulletin board.
func (s *Service) Board(ctx context.Context, tenant, uuid string) (*Board, error) {
	const op = errs.Op("vote.Board")
	rows, err := s.db.QueryContext(ctx, `SELECT height, tracker, public_cred FROM vote_ballots WHERE tenant_id = $1 AND uuid = $2 ORDER BY height`, tenant, uuid)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	bd := &Board{}
	var creds []string
	last := map[string]int{}
	for rows.Next() {
		var be BoardEntry
		var c string
		if err := rows.Scan(&be.Height, &be.Tracker, &c); err != nil {
			return nil, errs.E(op, err)
		}
		last[c] = len(bd.Ballots)
		creds = append(creds, c)
		bd.Ballots = append(bd.Ballots, be)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	for i, c := range creds {
		bd.Ballots[i].Replaced = last[c] != i
	}
	bd.Counted = len(last)
	var head sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MAX(height) FROM vote_events WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid).Scan(&bd.Events, new(sql.NullInt64)); err != nil {
		return nil, errs.E(op, err)
	}
	if bd.Events > 0 {
		if err := s.db.QueryRowContext(ctx, `SELECT hash FROM vote_events WHERE tenant_id = $1 AND uuid = $2 AND height = $3`, tenant, uuid, bd.Events-1).Scan(&head); err != nil {
			return nil, errs.E(op, err)
		}
	}
	bd.Head = head.String
	return bd, nil
}

// --- close, tally, decryption, result ---

// Close ends the voting (only once the closing time has passed by the
// server's clock) and computes the encrypted tally.
func (s *Service) Close(ctx context.Context, tenant, uuid string, actor audit.Entry) error {
	const op = errs.Op("vote.Close")
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return errs.E(op, err)
	}
	return wrap(op, s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockState(ctx, tx, op, tenant, uuid, StateOpen)
		if err != nil {
			return err
		}
		if s.db.Now().Before(e.ClosesAt) {
			return errs.E(op, errs.Conflict, errs.Key("vote.error.close_early"), []any{e.ClosesAt.In(oslo).Format("02.01.2006 15:04")})
		}
		ballots, err := lastBallots(ctx, tx, tenant, uuid)
		if err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, tenant, uuid, belenios.EvEndBallots, nil); err != nil {
			return err
		}
		weights := make([]int64, len(ballots))
		for i := range weights {
			weights[i] = 1
		}
		tally := belenios.ComputeTally(sd.el, ballots, weights)
		th, err := putData(ctx, tx, tenant, uuid, belenios.MarshalTally(tally))
		if err != nil {
			return err
		}
		st := belenios.SizedTally{NumTallied: len(ballots), TotalWeight: int64(len(ballots)), Tally: th}
		if _, err := appendEvent(ctx, tx, tenant, uuid, belenios.EvEncryptedTally, st.Marshal()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote_elections SET state = $3 WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid, StateClosed); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "vote.close", uuid, strconv.Itoa(len(ballots))+" ballots counted")
	}))
}

// lastBallots returns the last ballot of each credential, in order of
// the credential's first ballot (the order belenios-tool tallies in).
func lastBallots(ctx context.Context, tx *sql.Tx, tenant, uuid string) ([]*belenios.Ballot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT d.body, b.public_cred FROM vote_ballots b
		JOIN vote_events ev ON ev.tenant_id = b.tenant_id AND ev.uuid = b.uuid AND ev.height = b.height
		JOIN vote_data d ON d.tenant_id = ev.tenant_id AND d.uuid = ev.uuid AND d.hash = ev.payload
		WHERE b.tenant_id = $1 AND b.uuid = $2 ORDER BY b.height`, tenant, uuid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var order []string
	last := map[string]*belenios.Ballot{}
	for rows.Next() {
		var body, cred string
		if err := rows.Scan(&body, &cred); err != nil {
			return nil, err
		}
		b, err := belenios.ParseBallot([]byte(body))
		if err != nil {
			return nil, err
		}
		if _, ok := last[cred]; !ok {
			order = append(order, cred)
		}
		last[cred] = b
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*belenios.Ballot, len(order))
	for i, c := range order {
		out[i] = last[c]
	}
	return out, nil
}

// Record returns the election's record as a canonical Belenios archive
// (UUID.bel). Before the result is published the Result event is left
// out, so the record a trustee downloads to decrypt ends with the tally
// and the partial decryptions so far.
func (s *Service) Record(ctx context.Context, tenant, uuid string) ([]byte, error) {
	a, err := s.archive(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	return a.Bytes(), nil
}

func (s *Service) archive(ctx context.Context, tenant, uuid string) (*belenios.Archive, error) {
	const op = errs.Op("vote.Record")
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	if e.State == StateSetup {
		return nil, errs.E(op, errs.NotFound, errs.Key("vote.error.not_open"))
	}
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return nil, errs.E(op, err)
	}
	a := belenios.NewArchive(sd.ts)
	rows, err := s.db.QueryContext(ctx, `SELECT hash, body FROM vote_data WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid)
	if err != nil {
		return nil, errs.E(op, err)
	}
	for rows.Next() {
		var h, b string
		if err := rows.Scan(&h, &b); err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		a.Data[h] = []byte(b)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT type, payload, hash FROM vote_events WHERE tenant_id = $1 AND uuid = $2 ORDER BY height`, tenant, uuid)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, payload, hash string
		if err := rows.Scan(&typ, &payload, &hash); err != nil {
			return nil, errs.E(op, err)
		}
		if typ == belenios.EvResult && e.State != StatePublished {
			break
		}
		a.AddEvent(typ, payload)
		if got := a.Events[len(a.Events)-1].Hash; got != hash {
			return nil, errs.E(op, errors.New("stored event "+hash+" does not rebuild ("+got+")"))
		}
	}
	return a, rows.Err()
}

// SubmitPartial checks a trustee's partial decryption of the encrypted
// tally (its form and every proof) and records it. With the last trustee's
// the result is computed and recorded, and the election is tallied.
func (s *Service) SubmitPartial(ctx context.Context, tenant, uuid, token string, raw []byte) error {
	const op = errs.Op("vote.SubmitPartial")
	t, err := s.TrusteeByToken(ctx, tenant, uuid, token)
	if err != nil {
		return err
	}
	bad := func(key string, cause error) error {
		return errs.E(op, errs.Invalid, errs.Key(key), map[string]string{FieldPartial: key}, cause)
	}
	raw = trimNewline(raw)
	if _, err := belenios.ParsePartialDecryption(raw); err != nil {
		return bad("vote.error.partial_format", err)
	}
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return err
	}
	if e.State != StateClosed {
		return errs.E(op, errs.Conflict, errs.Key("vote.error.state_"+e.State))
	}
	if t.HasPartial {
		return errs.E(op, errs.Conflict, errs.Key("vote.error.partial_done"))
	}
	a, err := s.archive(ctx, tenant, uuid)
	if err != nil {
		return err
	}
	ow := belenios.Owned{Owner: t.Index, Payload: a.AddData(raw)}
	a.AddEvent(belenios.EvPartialDecryption, a.AddData(ow.Marshal()))
	if _, err := belenios.VerifyArchive(a); err != nil {
		var ce *belenios.CheckError
		if errors.As(err, &ce) && ce.Check == belenios.CheckDecryption {
			return bad("vote.error.partial_proof", err)
		}
		return errs.E(op, err)
	}
	sd, err := s.loadSetup(ctx, tenant, uuid)
	if err != nil {
		return errs.E(op, err)
	}
	return wrap(op, s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockState(ctx, tx, op, tenant, uuid, StateClosed); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE vote_trustees SET partial = $4 WHERE tenant_id = $1 AND uuid = $2 AND idx = $3 AND partial = ''`,
			tenant, uuid, t.Index, string(raw))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(op, errs.Conflict, errs.Key("vote.error.partial_done"))
		}
		ph, err := putData(ctx, tx, tenant, uuid, raw)
		if err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, tenant, uuid, belenios.EvPartialDecryption, belenios.Owned{Owner: t.Index, Payload: ph}.Marshal()); err != nil {
			return err
		}
		if err := s.log(ctx, tx, tenant, audit.Entry{ActorID: "trustee:" + strconv.Itoa(t.Index), ActorName: t.Name, Role: "trustee"},
			"vote.partial", uuid, "trustee "+strconv.Itoa(t.Index)+" decrypted the tally"); err != nil {
			return err
		}
		return s.finish(ctx, tx, op, tenant, uuid, sd)
	}))
}

// finish adds the result once every trustee has decrypted, or with a
// threshold once t have: their factors are then combined with the
// Lagrange coefficients of their indices, as Belenios does.
func (s *Service) finish(ctx context.Context, tx *sql.Tx, op errs.Op, tenant, uuid string, sd *setupData) error {
	rows, err := tx.QueryContext(ctx, `SELECT idx, partial FROM vote_trustees WHERE tenant_id = $1 AND uuid = $2 ORDER BY idx`, tenant, uuid)
	if err != nil {
		return err
	}
	var pds []*belenios.PartialDecryption
	var idx []int
	missing := false
	for rows.Next() {
		var p string
		var i int
		if err := rows.Scan(&i, &p); err != nil {
			rows.Close()
			return err
		}
		if p == "" {
			missing = true
			continue
		}
		pd, err := belenios.ParsePartialDecryption([]byte(p))
		if err != nil {
			rows.Close()
			return err
		}
		pds = append(pds, pd)
		idx = append(idx, i)
	}
	rows.Close()
	var lambdas []*big.Int
	if sd.threshold > 0 {
		if len(pds) < sd.threshold {
			return nil
		}
		// The first t in index order (trustee ids are the positions in
		// the Pedersen block, which is the whole trustees list).
		pds, idx = pds[:sd.threshold], idx[:sd.threshold]
		for _, d := range idx {
			lambdas = append(lambdas, lagrangeAt(idx, d))
		}
	} else if missing || len(pds) != sd.ntrust {
		return nil
	}
	var stRaw string
	err = tx.QueryRowContext(ctx, `SELECT d.body FROM vote_events ev JOIN vote_data d ON d.tenant_id = ev.tenant_id AND d.uuid = ev.uuid AND d.hash = ev.payload
		WHERE ev.tenant_id = $1 AND ev.uuid = $2 AND ev.type = $3`, tenant, uuid, belenios.EvEncryptedTally).Scan(&stRaw)
	if err != nil {
		return err
	}
	st, err := belenios.ParseSizedTally([]byte(stRaw))
	if err != nil {
		return err
	}
	var tRaw string
	if err := tx.QueryRowContext(ctx, `SELECT body FROM vote_data WHERE tenant_id = $1 AND uuid = $2 AND hash = $3`, tenant, uuid, st.Tally).Scan(&tRaw); err != nil {
		return err
	}
	tally, err := belenios.ParseTally([]byte(tRaw))
	if err != nil {
		return err
	}
	result, err := combine(tally, pds, lambdas, st.TotalWeight)
	if err != nil {
		return err
	}
	rr := belenios.MarshalResult(result)
	if _, err := appendEvent(ctx, tx, tenant, uuid, belenios.EvResult, rr); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE vote_elections SET state = $3, result = $4 WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid, StateTallied, string(rr)); err != nil {
		return err
	}
	return s.log(ctx, tx, tenant, audit.Entry{ActorID: "system", Role: "system"}, "vote.tallied", uuid, "result "+string(rr))
}

// Publish makes the result and the whole record public (tallied only).
func (s *Service) Publish(ctx context.Context, tenant, uuid string, actor audit.Entry) error {
	const op = errs.Op("vote.Publish")
	return wrap(op, s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockState(ctx, tx, op, tenant, uuid, StateTallied); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote_elections SET state = $3 WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid, StatePublished); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "vote.publish", uuid, "")
	}))
}

// Now is the service's clock (the database's), for pages.
func (s *Service) Now() time.Time { return s.db.Now() }
