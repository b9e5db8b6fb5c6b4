package vote

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/nin"
)

const tn = "9999"

var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// each runs fn on SQLite and, with TORG_TEST_POSTGRES, on PostgreSQL,
// each with a clock of its own starting at start.
func each(t *testing.T, fn func(t *testing.T, svc *Service, clock *dbtest.Clock)) {
	schemas := []db.Schema{audit.Schema, Schema}
	t.Run("sqlite", func(t *testing.T) {
		clock := dbtest.NewClock(start)
		d := dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, schemas...)
		fn(t, New(d, audit.New(d)), clock)
	})
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			clock := dbtest.NewClock(start)
			d := dbtest.Postgres(t, dbtest.Options{Now: clock.Now}, schemas...)
			fn(t, New(d, audit.New(d)), clock)
		})
	}
}

var officer = audit.Entry{ActorID: "email:valg@demo.kommune.no", ActorName: "Vera Valg", Role: identity.RoleAdmin}

// TestPIDs returns n valid synthetic fødselsnummer.
func testPIDs(t testing.TB, n int) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		num, err := nin.Generate(time.Date(1980, 1, 1+i%28, 0, 0, 0, 0, time.UTC), 100+i, nin.Synthetic)
		if err != nil {
			continue
		}
		out = append(out, num.String())
	}
	return out
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want key %s", err, key)
	}
	if got, _, _ := errs.Public(err); got != key {
		t.Fatalf("key %q (%v), want %q", got, err, key)
	}
}

// trustee is a trustee's own side: the key pair kept on their computer.
type trustee struct {
	priv []byte // private key file
	pub  []byte // public key file
	tok  string
}

func newTrustee(t *testing.T) *trustee {
	k, err := belenios.NewTrusteeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &trustee{priv: []byte(k.PrivateKeyJSON()), pub: belenios.MarshalTrusteePublicKey(k.Public)}
}

// decrypt does what `torg election trustee decrypt` does with the record.
func (tr *trustee) decrypt(t *testing.T, record []byte) []byte {
	t.Helper()
	out, err := DecryptRecord(tr.priv, record, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type setup struct {
	uuid     string
	trustees []*trustee
	pids     []string
}

// setUp creates a yes/no referendum with blank, two trustees and voters,
// and opens it.
func setUp(t *testing.T, svc *Service, voters int) *setup {
	t.Helper()
	return setUpWith(t, svc, voters, ElectionForm{Name: "Folkeavstemming om <b>skulestruktur</b>", Question: "Skal Øvre Å skule leggjast ned?",
		Blank: true, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"})
}

// setUpWith is setUp for the election f.
func setUpWith(t *testing.T, svc *Service, voters int, f ElectionForm) *setup {
	t.Helper()
	ctx := context.Background()
	uuid, err := svc.Create(ctx, tn, f, officer)
	if err != nil {
		t.Fatal(err)
	}
	st := &setup{uuid: uuid, pids: testPIDs(t, voters)}
	for i, name := range []string{"Tora Tillit", "Per Pålitelig"} {
		tt, err := svc.AddTrustee(ctx, tn, uuid, name, "t"+string(rune('a'+i))+"@example.no", officer)
		if err != nil {
			t.Fatal(err)
		}
		tr := newTrustee(t)
		tr.tok = tt.Token
		if err := svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, append(tr.pub, '\n')); err != nil {
			t.Fatal(err)
		}
		st.trustees = append(st.trustees, tr)
	}
	if n, err := svc.SetVoters(ctx, tn, uuid, []byte("fødselsnummer\n"+strings.Join(st.pids, "\n")+"\n"), officer); err != nil || n != voters {
		t.Fatalf("SetVoters: %d, %v", n, err)
	}
	if err := svc.Open(ctx, tn, uuid, officer); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestElectionEndToEnd runs a referendum through the service: ten voters,
// one votes again, one votes blank; two trustees decrypt; the published
// record passes Verify and belenios-tool.
func TestElectionEndToEnd(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		st := setUp(t, svc, 10)
		if _, err := svc.CastFor(ctx, tn, st.uuid, st.pids[0], "0"); err == nil {
			t.Fatal("ballot accepted before the opening time")
		} else {
			wantKey(t, err, "vote.error.not_open")
		}
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		// 0..5 yes, 6..8 no, 9 blank; then voter 0 changes to no.
		choices := []string{"0", "0", "0", "0", "0", "0", "1", "1", "1", Blank}
		trackers := map[string]bool{}
		for i, c := range choices {
			tr, err := svc.CastFor(ctx, tn, st.uuid, st.pids[i], c)
			if err != nil {
				t.Fatalf("voter %d: %v", i, err)
			}
			trackers[tr] = true
		}
		first, n, err := svc.MyBallot(ctx, tn, st.uuid, st.pids[0])
		if err != nil || n != 1 || !trackers[first] {
			t.Fatalf("MyBallot: %q %d %v", first, n, err)
		}
		again, err := svc.CastFor(ctx, tn, st.uuid, st.pids[0], "1")
		if err != nil {
			t.Fatal(err)
		}
		if last, n, _ := svc.MyBallot(ctx, tn, st.uuid, st.pids[0]); last != again || n != 2 {
			t.Fatalf("after revote MyBallot %q %d, want %q 2", last, n, again)
		}
		bd, err := svc.Board(ctx, tn, st.uuid)
		if err != nil {
			t.Fatal(err)
		}
		if len(bd.Ballots) != 11 || bd.Counted != 10 || bd.Events != 12 || len(bd.Head) != 64 {
			t.Fatalf("board: %d ballots, %d counted, %d events, head %q", len(bd.Ballots), bd.Counted, bd.Events, bd.Head)
		}
		if !bd.Ballots[0].Replaced || bd.Ballots[0].Tracker != first || bd.Ballots[10].Replaced {
			t.Fatalf("board replaced flags wrong: %+v", bd.Ballots)
		}
		// Not a voter.
		if _, err := svc.CastFor(ctx, tn, st.uuid, testPIDs(t, 11)[10], "0"); err == nil {
			t.Fatal("ineligible person voted")
		} else {
			wantKey(t, err, "vote.error.not_eligible")
		}
		// Closing before the closing time is refused.
		wantKey(t, svc.Close(ctx, tn, st.uuid, officer), "vote.error.close_early")
		clock.Set(time.Date(2026, 11, 30, 19, 0, 1, 0, time.UTC)) // 20:00:01 in Oslo
		if _, err := svc.CastFor(ctx, tn, st.uuid, st.pids[1], "1"); err == nil {
			t.Fatal("ballot accepted after the closing time")
		} else {
			wantKey(t, err, "vote.error.closed")
		}
		if err := svc.Close(ctx, tn, st.uuid, officer); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CastFor(ctx, tn, st.uuid, st.pids[1], "1"); err == nil {
			t.Fatal("ballot accepted after close")
		} else {
			wantKey(t, err, "vote.error.closed")
		}
		for i, tr := range st.trustees {
			rec, err := svc.Record(ctx, tn, st.uuid)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.SubmitPartial(ctx, tn, st.uuid, tr.tok, tr.decrypt(t, rec)); err != nil {
				t.Fatalf("trustee %d: %v", i+1, err)
			}
		}
		e, err := svc.Get(ctx, tn, st.uuid)
		if err != nil || e.State != StateTallied {
			t.Fatalf("state %v %v", e, err)
		}
		// blank, yes, no: voter 0 now says no.
		if got := string(belenios.MarshalResult(e.Result)); got != `{"result":[[1,5,4]]}` {
			t.Fatalf("result %s", got)
		}
		rec, _ := svc.Record(ctx, tn, st.uuid)
		if a, _ := belenios.ParseArchive(rec); a.Events[len(a.Events)-1].Type == belenios.EvResult {
			t.Fatal("result in the public record before it is published")
		}
		if err := svc.Publish(ctx, tn, st.uuid, officer); err != nil {
			t.Fatal(err)
		}
		rec, err = svc.Record(ctx, tn, st.uuid)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, st.uuid+".bel"), rec, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := belenios.Verify(dir)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if rep.Ballots != 11 || rep.Tallied != 10 || string(belenios.MarshalResult(rep.Result)) != `{"result":[[1,5,4]]}` {
			t.Fatalf("report %+v", rep)
		}
		a, err := belenios.ParseArchive(rec)
		if err != nil || string(a.Bytes()) != string(rec) {
			t.Fatalf("record is not byte-for-byte canonical: %v", err)
		}
		toolVerify(t, dir)

		// Every administrative act is in the audit log, whose chain holds.
		entries, err := svc.audit.List(ctx, tn, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range entries {
			acts = append(acts, e.Action)
		}
		if got := strings.Join(acts, " "); got != "vote.create vote.trustee_add vote.trustee_key vote.trustee_add vote.trustee_key vote.voters vote.open vote.close vote.partial vote.partial vote.tallied vote.publish" {
			t.Fatalf("audit: %s", got)
		}
		if _, brk, err := svc.audit.Verify(ctx, tn); err != nil || brk != nil {
			t.Fatalf("audit chain: %v %v", brk, err)
		}
	})
}

// toolVerify runs belenios-tool election verify on dir (skipped when the
// tool is missing, unless TORG_REQUIRE_BELENIOS=1).
func toolVerify(t *testing.T, dir string) {
	t.Helper()
	tool, err := exec.LookPath("belenios-tool")
	if err != nil {
		if os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
			t.Fatal("belenios-tool is required but not found")
		}
		t.Log("belenios-tool not installed: not run")
		return
	}
	cmd := exec.Command(tool, "election", "verify", "--dir", dir)
	cmd.Env = append(os.Environ(), "TERM=dumb")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "all checks passed") {
		t.Fatalf("belenios-tool election verify: %v\n%s", err, out)
	}
}

func errsFields(err error) (string, []any, map[string]string) { return errs.Public(err) }

// BenchmarkCastFor measures one ballot through the path without
// JavaScript on SQLite: encryption with proofs, the full check of the
// ballot, and the append to the record.
func BenchmarkCastFor(b *testing.B) {
	clock := dbtest.NewClock(start)
	d := dbtest.SQLite(b, dbtest.Options{Now: clock.Now}, audit.Schema, Schema)
	svc := New(d, audit.New(d))
	ctx := context.Background()
	uuid, err := svc.Create(ctx, tn, ElectionForm{Name: "B", Question: "Q?", Blank: true, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"}, officer)
	if err != nil {
		b.Fatal(err)
	}
	tt, _ := svc.AddTrustee(ctx, tn, uuid, "T", "t@example.no", officer)
	k, _ := belenios.NewTrusteeKey(nil)
	if err := svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, belenios.MarshalTrusteePublicKey(k.Public)); err != nil {
		b.Fatal(err)
	}
	pids := testPIDs(b, 1)
	svc.SetVoters(ctx, tn, uuid, []byte(pids[0]), officer)
	if err := svc.Open(ctx, tn, uuid, officer); err != nil {
		b.Fatal(err)
	}
	clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := svc.CastFor(ctx, tn, uuid, pids[0], "0"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrentCasts: ballots cast at the same time all land in the
// record, one event each, and the record still verifies.
func TestConcurrentCasts(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		st := setUp(t, svc, 6)
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		errc := make(chan error, len(st.pids))
		for _, p := range st.pids {
			go func() {
				_, err := svc.CastFor(ctx, tn, st.uuid, p, "0")
				errc <- err
			}()
		}
		for range st.pids {
			if err := <-errc; err != nil {
				t.Error(err)
			}
		}
		bd, err := svc.Board(ctx, tn, st.uuid)
		if err != nil || len(bd.Ballots) != 6 || bd.Events != 7 {
			t.Fatalf("board %+v %v", bd, err)
		}
		rec, err := svc.Record(ctx, tn, st.uuid)
		if err != nil {
			t.Fatal(err)
		}
		a, err := belenios.ParseArchive(rec)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := belenios.VerifyArchive(a); err != nil || r.Ballots != 6 {
			t.Fatalf("verify: %v %+v", err, r)
		}
	})
}

// TestElectionWithAnswers: a question with three answers of the officer's
// own (and blank lines in the form skipped) is voted on and counted, and
// belenios-tool verifies the record.
func TestElectionWithAnswers(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		st := setUpWith(t, svc, 5, ElectionForm{Name: "Namn på den nye skulen", Question: "Kva skal skulen heite?",
			Answers: []string{"Åsen skule", "", "  Nordbyen   skule ", "Sentrum skule"}, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"})
		e, err := svc.Get(ctx, tn, st.uuid)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(e.Questions[0].Answers, "|"); got != "Åsen skule|Nordbyen skule|Sentrum skule" || e.Questions[0].Blank {
			t.Fatalf("answers %q, blank %v", got, e.Questions[0].Blank)
		}
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		for i, c := range []string{"2", "0", "2", "1", "2"} {
			if _, err := svc.CastFor(ctx, tn, st.uuid, st.pids[i], c); err != nil {
				t.Fatalf("voter %d: %v", i, err)
			}
		}
		for _, bad := range []string{"3", Blank, "-1", "01"} {
			if _, err := svc.CastFor(ctx, tn, st.uuid, st.pids[0], bad); err == nil {
				t.Errorf("choice %q accepted", bad)
			}
		}
		clock.Set(time.Date(2026, 11, 30, 19, 0, 1, 0, time.UTC))
		if err := svc.Close(ctx, tn, st.uuid, officer); err != nil {
			t.Fatal(err)
		}
		for i, tr := range st.trustees {
			rec, err := svc.Record(ctx, tn, st.uuid)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.SubmitPartial(ctx, tn, st.uuid, tr.tok, tr.decrypt(t, rec)); err != nil {
				t.Fatalf("trustee %d: %v", i+1, err)
			}
		}
		if err := svc.Publish(ctx, tn, st.uuid, officer); err != nil {
			t.Fatal(err)
		}
		e, _ = svc.Get(ctx, tn, st.uuid)
		if got := string(belenios.MarshalResult(e.Result)); got != `{"result":[[1,1,3]]}` {
			t.Fatalf("result %s", got)
		}
		rec, err := svc.Record(ctx, tn, st.uuid)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, st.uuid+".bel"), rec, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := belenios.Verify(dir); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		toolVerify(t, dir)
	})
}
