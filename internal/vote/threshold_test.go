package vote

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// thTrustee is a threshold trustee's own side: the seed and the .dkey
// kept on their computer, as `torg election trustee` writes them.
type thTrustee struct {
	tok, seed string
	cert      []byte
	dkey      []byte
	voutput   []byte
}

func thresholdForm(t string) ElectionForm {
	return ElectionForm{Name: "Folkeavstemming med terskel", Question: "Skal kommunen slå seg saman med nabokommunen?", Blank: true,
		OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00", Mode: ModeThreshold, Threshold: t}
}

// TestThresholdElection runs a 2-of-3 threshold election through the
// service, the trustees' side with the functions `torg election trustee`
// runs: the key ceremony with every refusal on the way, ballots, the
// close, only two partial decryptions (trustees 1 and 3, so the Lagrange
// coefficients are not trivial), a third refused, and the published
// record verified by belenios-tool.
func TestThresholdElection(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		uuid, err := svc.Create(ctx, tn, thresholdForm("2"), officer)
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := svc.Get(ctx, tn, uuid); e.Threshold != 2 {
			t.Fatalf("threshold %d", e.Threshold)
		}
		var trs []*thTrustee
		for i, name := range []string{"Tora Tillit", "Per Pålitelig", "Siri Sikker"} {
			tt, err := svc.AddTrustee(ctx, tn, uuid, name, "t"+string(rune('a'+i))+"@example.no", officer)
			if err != nil {
				t.Fatal(err)
			}
			trs = append(trs, &thTrustee{tok: tt.Token})
		}
		step := func(tr *thTrustee, st string, raw []byte) error {
			return svc.SubmitStep(ctx, tn, uuid, tr.tok, st, raw)
		}
		// A Single key is refused in a threshold election.
		k, _ := belenios.NewTrusteeKey(nil)
		wantKey(t, svc.SetTrusteeKey(ctx, tn, uuid, trs[0].tok, belenios.MarshalTrusteePublicKey(k.Public)), "vote.error.not_single")

		// Step 1: certificates.
		for i, tr := range trs {
			if tr.seed, tr.cert, err = ThresholdKeygen(nil); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				// A certificate whose signature does not verify.
				bad := strings.Replace(string(tr.cert), `"response":"1`, `"response":"2`, 1)
				if bad == string(tr.cert) {
					bad = strings.Replace(string(tr.cert), `"response":"`, `"response":"1`, 1)
				}
				wantKey(t, step(tr, StepCert, []byte(bad)), "vote.error.cert_proof")
				wantKey(t, step(tr, StepCert, []byte(`{"message":"x"}`)), "vote.error.cert_format")
			}
			if err := step(tr, StepCert, append(tr.cert, '\n')); err != nil {
				t.Fatalf("cert %d: %v", i+1, err)
			}
			if i == 0 {
				// Step 3 is not due before every certificate is in.
				wantKey(t, step(tr, StepPolynomial, []byte("{}")), "vote.error.step_wait")
				if _, err := svc.CertsFile(ctx, tn, uuid); err == nil {
					t.Fatal("certificates handed out before all are in")
				}
			}
		}
		wantKey(t, step(trs[1], StepCert, trs[1].cert), "vote.error.step_done")
		wantKey(t, step(trs[1], StepVoutput, []byte("{}")), "vote.error.step_early")
		wantKey(t, svc.Open(ctx, tn, uuid, officer), "vote.error.ceremony_missing")

		// Step 3: polynomials, from the certificates file.
		certsRaw, err := svc.CertsFile(ctx, tn, uuid)
		if err != nil {
			t.Fatal(err)
		}
		certs, err := ParseCerts(certsRaw)
		if err != nil || len(certs) != 3 {
			t.Fatalf("certs: %d %v", len(certs), err)
		}
		var polys [][]byte
		for _, tr := range trs {
			p, err := ThresholdPolynomial(tr.seed, certs, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			polys = append(polys, p)
		}
		// Trustee 1 uploading trustee 2's polynomial: not signed by trustee 1.
		wantKey(t, step(trs[0], StepPolynomial, polys[1]), "vote.error.polynomial_proof")
		// A polynomial for another threshold.
		p3, _ := ThresholdPolynomial(trs[0].seed, certs, 3, nil)
		wantKey(t, step(trs[0], StepPolynomial, p3), "vote.error.polynomial_format")
		for i, tr := range trs {
			if err := step(tr, StepPolynomial, polys[i]); err != nil {
				t.Fatalf("polynomial %d: %v", i+1, err)
			}
		}
		// No more trustees once the polynomials are made.
		if _, err := svc.AddTrustee(ctx, tn, uuid, "Sein Komar", "s@example.no", officer); err == nil {
			t.Fatal("trustee added after the polynomials")
		} else {
			wantKey(t, err, "vote.error.ceremony_started")
		}

		// Steps 4 and 5: each trustee's vinput, checked on their side.
		for i, tr := range trs {
			vin, err := svc.Vinput(ctx, tn, uuid, tr.tok)
			if err != nil {
				t.Fatal(err)
			}
			if tr.voutput, tr.dkey, err = ThresholdVoutput(tr.seed, certs, vin, nil); err != nil {
				t.Fatalf("voutput %d: %v", i+1, err)
			}
		}
		// Another trustee's vinput does not open with this seed.
		vin2, _ := svc.Vinput(ctx, tn, uuid, trs[1].tok)
		if _, _, err := ThresholdVoutput(trs[0].seed, certs, vin2, nil); err == nil {
			t.Fatal("trustee 1 opened trustee 2's vinput")
		}
		// Trustee 1 uploading trustee 2's voutput: the share is not trustee 1's.
		wantKey(t, step(trs[0], StepVoutput, trs[1].voutput), "vote.error.voutput_proof")
		for i, tr := range trs {
			if err := step(tr, StepVoutput, tr.voutput); err != nil {
				t.Fatalf("voutput %d: %v", i+1, err)
			}
		}
		ts, _ := svc.Trustees(ctx, tn, uuid)
		if !CeremonyDone(2, ts) {
			t.Fatal("ceremony not done")
		}

		pids := testPIDs(t, 5)
		if _, err := svc.SetVoters(ctx, tn, uuid, []byte(strings.Join(pids, "\n")), officer); err != nil {
			t.Fatal(err)
		}
		if err := svc.Open(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		for i, c := range []string{"0", "0", "1", Blank, "0"} {
			if _, err := svc.CastFor(ctx, tn, uuid, pids[i], c); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(time.Date(2026, 11, 30, 19, 0, 1, 0, time.UTC))
		if err := svc.Close(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		rec, err := svc.Record(ctx, tn, uuid)
		if err != nil {
			t.Fatal(err)
		}
		pd := func(tr *thTrustee) []byte {
			out, err := DecryptRecordThreshold([]byte(tr.seed+"\n"), tr.dkey, rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		pd1, pd3 := pd(trs[0]), pd(trs[2])
		// Trustee 2 uploading trustee 1's decryption: the proofs are not for trustee 2's share.
		wantKey(t, svc.SubmitPartial(ctx, tn, uuid, trs[1].tok, pd1), "vote.error.partial_proof")
		if err := svc.SubmitPartial(ctx, tn, uuid, trs[0].tok, pd1); err != nil {
			t.Fatal(err)
		}
		if e, _ := svc.Get(ctx, tn, uuid); e.State != StateClosed {
			t.Fatalf("state %s after one of two", e.State)
		}
		if err := svc.SubmitPartial(ctx, tn, uuid, trs[2].tok, pd3); err != nil {
			t.Fatal(err)
		}
		e, err := svc.Get(ctx, tn, uuid)
		if err != nil || e.State != StateTallied {
			t.Fatalf("state %v %v", e, err)
		}
		if got := string(belenios.MarshalResult(e.Result)); got != `{"result":[[1,3,1]]}` {
			t.Fatalf("result %s", got)
		}
		// A third decryption after the result is refused.
		wantKey(t, svc.SubmitPartial(ctx, tn, uuid, trs[1].tok, pd(trs[1])), "vote.error.state_tallied")
		if err := svc.Publish(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		rec, err = svc.Record(ctx, tn, uuid)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, uuid+".bel"), rec, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := belenios.Verify(dir)
		if err != nil || string(belenios.MarshalResult(rep.Result)) != `{"result":[[1,3,1]]}` {
			t.Fatalf("Verify: %v %+v", err, rep)
		}
		toolVerify(t, dir)
	})
}

// TestThresholdRefusals: the bad threshold input is refused with a clear
// message: a threshold outside 1..MaxTrustees or not a number, a mode
// that does not exist, and a threshold above the number of trustees
// (at step 3 and at the opening).
func TestThresholdRefusals(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		for _, c := range []struct{ mode, t, field, key string }{
			{ModeThreshold, "6", FieldThreshold, "vote.error.threshold_range"},
			{ModeThreshold, "0", FieldThreshold, "vote.error.threshold_range"},
			{ModeThreshold, "to", FieldThreshold, "vote.error.threshold_number"},
			{"alle", "", FieldMode, "vote.error.mode"},
		} {
			f := thresholdForm(c.t)
			f.Mode = c.mode
			_, err := svc.Create(ctx, tn, f, officer)
			wantKey(t, err, "vote.error.form")
			if _, _, fields := errsFields(err); fields[c.field] != c.key {
				t.Errorf("%s %q: fields %v, want %s=%s", c.mode, c.t, fields, c.field, c.key)
			}
		}
		uuid, err := svc.Create(ctx, tn, thresholdForm("3"), officer)
		if err != nil {
			t.Fatal(err)
		}
		var trs []*thTrustee
		for i := 0; i < 2; i++ {
			tt, err := svc.AddTrustee(ctx, tn, uuid, "T"+string(rune('1'+i)), "t"+string(rune('a'+i))+"@example.no", officer)
			if err != nil {
				t.Fatal(err)
			}
			tr := &thTrustee{tok: tt.Token}
			if tr.seed, tr.cert, err = ThresholdKeygen(nil); err != nil {
				t.Fatal(err)
			}
			if err := svc.SubmitStep(ctx, tn, uuid, tr.tok, StepCert, tr.cert); err != nil {
				t.Fatal(err)
			}
			trs = append(trs, tr)
		}
		// The same certificate twice.
		tt, _ := svc.AddTrustee(ctx, tn, uuid, "T3", "tc@example.no", officer)
		wantKey(t, svc.SubmitStep(ctx, tn, uuid, tt.Token, StepCert, trs[0].cert), "vote.error.cert_duplicate")
		// Back to two trustees is not possible, so use a fresh election
		// with threshold 3 and two trustees for the t > n case.
		uuid2, _ := svc.Create(ctx, tn, thresholdForm("3"), officer)
		var toks []string
		for i := 0; i < 2; i++ {
			tt, _ := svc.AddTrustee(ctx, tn, uuid2, "U"+string(rune('1'+i)), "u"+string(rune('a'+i))+"@example.no", officer)
			_, cert, _ := ThresholdKeygen(nil)
			if err := svc.SubmitStep(ctx, tn, uuid2, tt.Token, StepCert, cert); err != nil {
				t.Fatal(err)
			}
			toks = append(toks, tt.Token)
		}
		wantKey(t, svc.SubmitStep(ctx, tn, uuid2, toks[0], StepPolynomial, []byte("{}")), "vote.error.threshold_over")
		wantKey(t, svc.SubmitStep(ctx, tn, uuid2, toks[0], "sertifikat", []byte("{}")), "vote.error.step_unknown")
		svc.SetVoters(ctx, tn, uuid2, []byte(testPIDs(t, 1)[0]), officer)
		wantKey(t, svc.Open(ctx, tn, uuid2, officer), "vote.error.threshold_over")
		// A ceremony upload in a Single election.
		uuid3, _ := svc.Create(ctx, tn, ElectionForm{Name: "E", Question: "Q?", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"}, officer)
		t3, _ := svc.AddTrustee(ctx, tn, uuid3, "V", "v@example.no", officer)
		wantKey(t, svc.SubmitStep(ctx, tn, uuid3, t3.Token, StepCert, trs[0].cert), "vote.error.not_threshold")
	})
}
