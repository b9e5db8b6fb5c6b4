package vote

import (
	"bytes"
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// resign signs a (tampered) ballot again with the secret credential, as
// a voter who built a ballot by hand would.
func resign(t *testing.T, uuid, cred string, b *belenios.Ballot) []byte {
	t.Helper()
	full := b.Marshal()
	i := bytes.LastIndex(full, []byte(`,"signature":`))
	unsigned := append(append([]byte(nil), full[:i]...), '}')
	key, err := pbkdf2.Key(sha256.New, cred, []byte(uuid), 1000, 32)
	if err != nil {
		t.Fatal(err)
	}
	s := new(big.Int).Mod(new(big.Int).SetBytes(key), belenios.Q)
	w, _ := rand.Int(rand.Reader, belenios.Q)
	A := new(big.Int).Exp(belenios.G, w, belenios.P)
	hash := belenios.Fingerprint(unsigned)
	c := hashToScalar("sig|"+hash+"|", A)
	r := new(big.Int).Sub(w, new(big.Int).Mul(s, c))
	r.Mod(r, belenios.Q)
	b.Signature = belenios.Signature{Hash: hash, Proof: belenios.Proof{Challenge: c, Response: r}}
	return b.Marshal()
}

// TestBallotRejected feeds bad ballots to Cast: each is refused with the
// reason, and nothing is added to the record.
func TestBallotRejected(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		st := setUp(t, svc, 2)
		other := setUp(t, svc, 1)
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		var secret string
		if err := svc.db.QueryRowContext(ctx, `SELECT credential FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND pid = $3`, tn, st.uuid, st.pids[0]).Scan(&secret); err != nil {
			t.Fatal(err)
		}
		sd, err := svc.loadSetup(ctx, tn, st.uuid)
		if err != nil {
			t.Fatal(err)
		}
		cred, err := belenios.DeriveCredential(st.uuid, secret)
		if err != nil {
			t.Fatal(err)
		}
		yes := [][]int{{0, 1, 0}}
		good, err := belenios.CreateBallot(sd.elRaw, sd.el, cred, yes, nil)
		if err != nil {
			t.Fatal(err)
		}
		goodRaw := good.Marshal()

		stranger, _ := belenios.NewCredential(st.uuid, nil)
		foreign, _ := belenios.CreateBallot(sd.elRaw, sd.el, stranger, yes, nil)

		osd, err := svc.loadSetup(ctx, tn, other.uuid)
		if err != nil {
			t.Fatal(err)
		}
		otherBallot, _ := belenios.CreateBallot(osd.elRaw, osd.el, cred, yes, nil)

		// A proof that does not verify, under a valid signature.
		badProof, _ := belenios.ParseBallot(goodRaw)
		p := &badProof.Answers[0].IndividualProofs[1][0]
		p.Response = new(big.Int).Mod(new(big.Int).Add(p.Response, big.NewInt(1)), belenios.Q)
		badProofRaw := resign(t, st.uuid, secret, badProof)

		// A signature that does not match.
		badSig, _ := belenios.ParseBallot(goodRaw)
		badSig.Signature.Proof.Response = new(big.Int).Mod(new(big.Int).Add(badSig.Signature.Proof.Response, big.NewInt(1)), belenios.Q)

		for _, c := range []struct {
			name string
			raw  []byte
			key  string
		}{
			{"not canonical", bytes.Replace(goodRaw, []byte(`{"election_uuid":`), []byte(`{ "election_uuid":`), 1), "vote.error.ballot_canonical"},
			{"not json", []byte("<script>alert(1)</script>"), "vote.error.ballot_canonical"},
			{"other election", otherBallot.Marshal(), "vote.error.ballot_election"},
			{"ineligible credential", foreign.Marshal(), "vote.error.ballot_credential"},
			{"bad signature", badSig.Marshal(), "vote.error.ballot_signature"},
			{"bad proof", badProofRaw, "vote.error.ballot_proof"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := svc.Cast(ctx, tn, st.uuid, c.raw)
				wantKey(t, err, c.key)
			})
		}
		if bd, _ := svc.Board(ctx, tn, st.uuid); len(bd.Ballots) != 0 {
			t.Fatalf("%d ballots recorded after refusals", len(bd.Ballots))
		}
		if _, err := svc.Cast(ctx, tn, st.uuid, goodRaw); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Cast(ctx, tn, st.uuid, goodRaw)
		wantKey(t, err, "vote.error.ballot_replay")
		_, err = svc.CastFor(ctx, tn, st.uuid, st.pids[1], "7")
		wantKey(t, err, "vote.error.choice")
		if bd, _ := svc.Board(ctx, tn, st.uuid); len(bd.Ballots) != 1 {
			t.Fatalf("%d ballots recorded, want 1", len(bd.Ballots))
		}
	})
}

// TestTrusteeInputRejected: a key or a partial decryption with a bad
// proof, or not in Belenios form, is refused with the reason.
func TestTrusteeInputRejected(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		uuid, err := svc.Create(ctx, tn, ElectionForm{Name: "Test", Question: "Ja eller nei?", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, officer)
		if err != nil {
			t.Fatal(err)
		}
		tt, err := svc.AddTrustee(ctx, tn, uuid, "Tora", "tora@example.no", officer)
		if err != nil {
			t.Fatal(err)
		}
		tr := newTrustee(t)
		k, _ := ParseTrusteeKey(tr.pub)
		k.PoK.Response = new(big.Int).Mod(new(big.Int).Add(k.PoK.Response, big.NewInt(1)), belenios.Q)
		wantKey(t, svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, belenios.MarshalTrusteePublicKey(k)), "vote.error.key_proof")
		wantKey(t, svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, []byte(`{"pok":1}`)), "vote.error.key_format")
		wantKey(t, svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, tr.priv), "vote.error.key_format")
		wantKey(t, svc.SetTrusteeKey(ctx, tn, uuid, "wrong", tr.pub), "vote.error.not_found")
		wantKey(t, svc.Open(ctx, tn, uuid, officer), "vote.error.key_missing")
		if err := svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, tr.pub); err != nil {
			t.Fatal(err)
		}
		wantKey(t, svc.Open(ctx, tn, uuid, officer), "vote.error.voters_empty")
		_, err = svc.SetVoters(ctx, tn, uuid, []byte("12345678901\n"), officer)
		wantKey(t, err, "vote.error.voters_lines")
		pids := testPIDs(t, 1)
		if _, err := svc.SetVoters(ctx, tn, uuid, []byte(pids[0]), officer); err != nil {
			t.Fatal(err)
		}
		if err := svc.Open(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		wantKey(t, svc.Open(ctx, tn, uuid, officer), "vote.error.state_open")
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		if _, err := svc.CastFor(ctx, tn, uuid, pids[0], "0"); err != nil {
			t.Fatal(err)
		}
		rec, _ := svc.Record(ctx, tn, uuid)
		_, err = DecryptRecord(tr.priv, rec, nil)
		if err == nil {
			t.Fatal("decrypted a record without a tally")
		}
		wantKey(t, svc.SubmitPartial(ctx, tn, uuid, tt.Token, []byte(`{"decryption_factors":[],"decryption_proofs":[]}`)), "vote.error.state_open")
		clock.Set(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
		if err := svc.Close(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		rec, _ = svc.Record(ctx, tn, uuid)
		good := tr.decrypt(t, rec)
		pd, err := belenios.ParsePartialDecryption(good)
		if err != nil {
			t.Fatal(err)
		}
		f := pd.Factors[0][1]
		pd.Factors[0][1] = new(big.Int).Mod(new(big.Int).Mul(f, f), belenios.P) // still in the group, wrong
		wantKey(t, svc.SubmitPartial(ctx, tn, uuid, tt.Token, pd.Marshal()), "vote.error.partial_proof")
		wantKey(t, svc.SubmitPartial(ctx, tn, uuid, tt.Token, []byte("not json")), "vote.error.partial_format")
		other := newTrustee(t)
		if _, err := DecryptRecord(other.priv, rec, nil); err == nil {
			t.Fatal("a key that is not the election's decrypted")
		}
		if err := svc.SubmitPartial(ctx, tn, uuid, tt.Token, good); err != nil {
			t.Fatal(err)
		}
		wantKey(t, svc.SubmitPartial(ctx, tn, uuid, tt.Token, good), "vote.error.state_tallied")
		e, _ := svc.Get(ctx, tn, uuid)
		if got := string(belenios.MarshalResult(e.Result)); got != `{"result":[[1,0]]}` {
			t.Fatalf("result %s", got)
		}
	})
}

// TestCreateRejected: the officer's form errors name their fields.
func TestCreateRejected(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		for _, c := range []struct {
			name  string
			f     ElectionForm
			field string
			key   string
		}{
			{"no name", ElectionForm{Question: "Q", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldName, "vote.error.name_required"},
			{"no question", ElectionForm{Name: "N", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldQuestion, "vote.error.question_required"},
			{"bad time", ElectionForm{Name: "N", Question: "Q", OpensAt: "i morgon", ClosesAt: "2026-11-24T20:00"}, FieldOpens, "vote.error.time_format"},
			{"closes before", ElectionForm{Name: "N", Question: "Q", OpensAt: "2026-11-25T14:00", ClosesAt: "2026-11-24T20:00"}, FieldCloses, "vote.error.closes_before"},
			{"closes in the past", ElectionForm{Name: "N", Question: "Q", OpensAt: "2026-11-20T14:00", ClosesAt: "2026-11-21T20:00"}, FieldCloses, "vote.error.closes_past"},
			{"level", ElectionForm{Name: "N", Question: "Q", Level: "x", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldLevel, "vote.error.level"},
			{"one answer", ElectionForm{Name: "N", Question: "Q", Answers: []string{"", "Berre eitt", " "}, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldAnswers, "vote.error.answers_few"},
			{"the same answer twice", ElectionForm{Name: "N", Question: "Q", Answers: []string{"Nordbyen", "nordbyen"}, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldAnswers, "vote.error.answer_twice"},
			{"too many answers", ElectionForm{Name: "N", Question: "Q", Answers: strings.Split("a b c d e f g h i j k l m n o p q r s t u", " "), OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldAnswers, "vote.error.answers_many"},
			{"an answer with a control character", ElectionForm{Name: "N", Question: "Q", Answers: []string{"A\x00", "B"}, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-24T20:00"}, FieldAnswers, "vote.error.answer_long"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := svc.Create(ctx, tn, c.f, officer)
				wantKey(t, err, "vote.error.form")
				if _, _, fields := errsFields(err); fields[c.field] != c.key {
					t.Fatalf("fields %v, want %s=%s", fields, c.field, c.key)
				}
			})
		}
	})
}
