package initiatives_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/initiatives"
	it "github.com/torg-ekommune/torg/internal/initiatives/initiativestest"
)

const demo = it.Demo

func newService(t *testing.T, d *db.DB, council initiatives.Council) (*initiatives.Service, *audit.Log) {
	t.Helper()
	log := audit.New(d)
	return initiatives.New(d, log, initiatives.Config{Council: council}), log
}

func importResidents(t *testing.T, svc *initiatives.Service, tenant string, pids ...string) {
	t.Helper()
	if _, err := svc.ImportResidents(context.Background(), tenant, it.Extract(pids...), it.Actor()); err != nil {
		t.Fatalf("import: %v", err)
	}
}

func kari() initiatives.Person { return initiatives.Person{PID: it.KariPID, Name: "Kari Nordmann"} }

func who(pid string) initiatives.Person {
	return initiatives.Person{PID: pid, Name: "Person " + pid[:6]}
}

var goodDraft = initiatives.Draft{Title: "Lys i lysløypa", Text: "Vi foreslår at lysløypa på Åsen får lys hele vinteren."}

// wantKind fails unless err has kind k and message key key.
func wantKind(t *testing.T, what string, err error, k errs.Kind, key string) {
	t.Helper()
	if !errs.Is(k, err) {
		t.Fatalf("%s: got %v, want kind %v", what, err, k)
	}
	if got, _, _ := errs.Public(err); got != key {
		t.Fatalf("%s: key %q, want %q", what, got, key)
	}
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct {
		pop    int
		county bool
		want   int
	}{
		{0, false, 300}, {0, true, 500},
		{100, false, 2}, {101, false, 3}, {1000, false, 20},
		{14_999, false, 300}, {15_000, false, 300}, {14_950, false, 299},
		{100_000, false, 300}, {100_000, true, 500}, {24_950, true, 499}, {25_000, true, 500},
		{1, false, 1},
	} {
		if got := initiatives.Threshold(c.pop, c.county); got != c.want {
			t.Errorf("Threshold(%d, %v) = %d, want %d", c.pop, c.county, got, c.want)
		}
	}
	if !initiatives.IsCounty("46") || initiatives.IsCounty("4601") {
		t.Error("IsCounty: a county has two digits, a municipality four")
	}
}

func TestParseResidents(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string
		bad      []int
	}{
		{"header and duplicates", "fodselsnummer\n" + it.KariPID + "\n" + it.OlaPID + "\n\n" + it.KariPID + "\n", []string{it.KariPID, it.OlaPID}, nil},
		{"columns and BOM", "\ufefffnr;navn\n" + it.KariPID + ";Kari\n\"" + it.OlaPID + "\",Ola\r\n", []string{it.KariPID, it.OlaPID}, nil},
		{"no header", it.PerPID + "\n", []string{it.PerPID}, nil},
		{"bad lines", "fnr\n" + it.KariPID + "\n" + it.BadPID + "\nabc\n", nil, []int{3, 4}},
		{"empty", "", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := initiatives.ParseResidents(strings.NewReader(c.in))
			var ie *initiatives.ImportError
			if c.bad != nil {
				if !errors.As(err, &ie) || len(ie.Lines) != len(c.bad) || ie.Lines[0] != c.bad[0] || ie.Lines[1] != c.bad[1] {
					t.Fatalf("got %v, %v; want bad lines %v", got, err, c.bad)
				}
				return
			}
			if err != nil || strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestImportResidents(t *testing.T) {
	dbtest.Each(t, it.Schemas(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, _ := newService(t, d, nil)
		reg := svc.Register()
		if ok, err := reg.Resident(ctx, demo, it.KariPID); ok || err != nil {
			t.Fatalf("before any import Kari is a resident: %v, %v", ok, err)
		}
		_, err := svc.ImportResidents(ctx, demo, strings.NewReader("fnr\n"+it.KariPID+"\n"+it.BadPID+"\n"), it.Actor())
		wantKind(t, "bad line", err, errs.Invalid, "initiatives.error.import_lines")
		_, err = svc.ImportResidents(ctx, demo, strings.NewReader("fnr\n"), it.Actor())
		wantKind(t, "empty", err, errs.Invalid, "initiatives.error.import_empty")
		importResidents(t, svc, demo, it.KariPID, it.OlaPID)
		importResidents(t, svc, demo, it.KariPID, it.PerPID, it.AnnePID) // replaces the list
		for pid, want := range map[string]bool{it.KariPID: true, it.PerPID: true, it.AnnePID: true, it.OlaPID: false, it.NilsPID: false, it.BadPID: false} {
			if ok, err := reg.Resident(ctx, demo, pid); ok != want || err != nil {
				t.Errorf("Resident(%s) = %v, %v; want %v", pid, ok, err, want)
			}
		}
		if ok, _ := reg.Resident(ctx, it.Other, it.KariPID); ok {
			t.Error("a resident of Demo is a resident of Bergen")
		}
		if n, err := reg.Population(ctx, demo); n != 3 || err != nil {
			t.Errorf("Population = %d, %v; want 3", n, err)
		}
		// The table holds no fødselsnummer.
		var raw int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM initiatives_residents WHERE person_key = $1`, it.KariPID).Scan(&raw)
		if raw != 0 {
			t.Error("the register stores a raw fødselsnummer")
		}
	})
}

func TestCreateAndSign(t *testing.T) {
	dbtest.Each(t, it.Schemas(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, log := newService(t, d, it.NewCouncil())
		importResidents(t, svc, demo, it.KariPID, it.OlaPID, it.PerPID)

		_, err := svc.Create(ctx, demo, initiatives.Draft{Title: "Ab", Text: ""}, kari())
		wantKind(t, "short title, no text", err, errs.Invalid, "initiatives.error.invalid")
		if _, _, f := errs.Public(err); f[initiatives.FieldTitle] != "initiatives.error.title_short" || f[initiatives.FieldText] != "initiatives.error.text_missing" {
			t.Errorf("field errors %v", f)
		}
		_, err = svc.Create(ctx, demo, initiatives.Draft{Title: strings.Repeat("x", 151), Text: strings.Repeat("y", 10001)}, kari())
		if _, _, f := errs.Public(err); f[initiatives.FieldTitle] != "initiatives.error.title_long" || f[initiatives.FieldText] != "initiatives.error.text_long" {
			t.Errorf("field errors %v", f)
		}
		_, err = svc.Create(ctx, demo, goodDraft, who(it.NilsPID))
		wantKind(t, "non-resident starts", err, errs.Forbidden, "initiatives.error.not_resident_start")
		_, err = svc.Create(ctx, demo, goodDraft, initiatives.Person{PID: it.BadPID, Name: "X"})
		wantKind(t, "bad pid", err, errs.Invalid, "initiatives.error.pid")

		in, err := svc.Create(ctx, demo, initiatives.Draft{Title: "  Lys i\tlysløypa\x00 ", Text: goodDraft.Text}, kari())
		if err != nil {
			t.Fatal(err)
		}
		if in.Title != "Lys i lysløypa" || in.State != initiatives.StateOpen || in.Threshold != 1 || in.Population != 3 {
			t.Errorf("created %+v", in)
		}
		if _, err := svc.Get(ctx, it.Other, in.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Bergen sees Demo's initiative: %v", err)
		}

		_, err = svc.Sign(ctx, demo, in.ID, who(it.NilsPID))
		wantKind(t, "non-resident signs", err, errs.Forbidden, "initiatives.error.not_resident")
		_, err = svc.Sign(ctx, demo, "0123456789abcdef", who(it.OlaPID))
		wantKind(t, "no such initiative", err, errs.NotFound, "initiatives.error.not_found")

		rc, err := svc.Sign(ctx, demo, in.ID, who(it.OlaPID))
		if err != nil {
			t.Fatal(err)
		}
		if rc.Initiative.Signatures != 1 || !rc.Crossed {
			t.Errorf("after one signature (threshold 1): %+v", rc)
		}
		_, err = svc.Sign(ctx, demo, in.ID, who(it.OlaPID))
		wantKind(t, "signs twice", err, errs.Conflict, "initiatives.error.signed_twice")
		rc2, err := svc.Sign(ctx, demo, in.ID, who(it.PerPID))
		if err != nil || rc2.Crossed {
			t.Fatalf("second signature: %+v, %v", rc2, err)
		}
		if ok, _ := svc.HasSigned(ctx, demo, in.ID, it.OlaPID); !ok {
			t.Error("HasSigned(Ola) = false")
		}
		if ok, _ := svc.HasSigned(ctx, demo, in.ID, it.KariPID); ok {
			t.Error("HasSigned(Kari) = true")
		}
		if ok, _ := svc.IsInitiator(ctx, demo, rc2.Initiative, it.KariPID); !ok {
			t.Error("Kari is not the initiator")
		}
		if ok, _ := svc.IsInitiator(ctx, demo, rc2.Initiative, it.OlaPID); ok {
			t.Error("Ola is the initiator")
		}

		// The signer finds their own commitment, recomputed from the
		// receipt, and the list's length is the count.
		list, err := svc.Commitments(ctx, demo, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Get(ctx, demo, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != got.Signatures || got.Signatures != 2 {
			t.Errorf("%d commitments, count %d, want 2", len(list), got.Signatures)
		}
		for _, r := range []initiatives.Receipt{rc, rc2} {
			c, ok := initiatives.Commitment(r.Salt, in.ID, r.PersonKey)
			if !ok || c != r.Commitment {
				t.Errorf("recomputed %s, receipt says %s", c, r.Commitment)
			}
			found := 0
			for _, l := range list {
				if l == c {
					found++
				}
			}
			if found != 1 {
				t.Errorf("commitment %s found %d times", c, found)
			}
			// The same person with another salt gives another commitment.
			if other, _ := initiatives.Commitment(strings.Repeat("00", 16), in.ID, r.PersonKey); other == c {
				t.Error("the commitment does not depend on the salt")
			}
		}
		if rc.PersonKey == rc2.PersonKey {
			t.Error("two persons have the same key")
		}
		// Neither table of signatures holds a commitment anyone could
		// compute from a fødselsnummer, nor does the audit log hold one.
		entries, err := log.List(ctx, demo, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		signs := 0
		for _, e := range entries {
			if strings.Contains(e.Detail+e.Object, rc.Commitment) {
				t.Error("the audit log ties a commitment to a signer")
			}
			if e.Action == "initiatives.sign" {
				signs++
			}
		}
		if signs != 2 {
			t.Errorf("%d sign entries in the audit log, want 2", signs)
		}
	})
}

// TestConcurrentDoubleSign signs as one person from many goroutines at
// once: exactly one signature counts.
func TestConcurrentDoubleSign(t *testing.T) {
	dbtest.Each(t, it.Schemas(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, _ := newService(t, d, it.NewCouncil())
		importResidents(t, svc, demo, it.Persons(1000)...)
		importResidents(t, svc, demo, append(it.Persons(1000), it.KariPID, it.OlaPID)...)
		in, err := svc.Create(ctx, demo, goodDraft, kari())
		if err != nil {
			t.Fatal(err)
		}
		const n = 24
		var wg sync.WaitGroup
		results := make([]error, n)
		for i := range n {
			wg.Go(func() { _, results[i] = svc.Sign(ctx, demo, in.ID, who(it.OlaPID)) })
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case errs.Is(errs.Conflict, err):
				conflict++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		got, _ := svc.Get(ctx, demo, in.ID)
		list, _ := svc.Commitments(ctx, demo, in.ID)
		if ok != 1 || conflict != n-1 || got.Signatures != 1 || len(list) != 1 {
			t.Errorf("%d accepted, %d refused; count %d, %d commitments; want 1, %d, 1, 1", ok, conflict, got.Signatures, len(list), n-1)
		}
	})
}

// TestThresholdCrossedOnce lets many residents sign at once across the
// threshold: the council gets exactly one case.
func TestThresholdCrossedOnce(t *testing.T) {
	dbtest.Each(t, it.Schemas(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		council := it.NewCouncil()
		council.Delay = 20e6 // 20 ms: hand-overs overlap if they can
		svc, _ := newService(t, d, council)
		people := it.Persons(1000) // threshold 20
		importResidents(t, svc, demo, append(people[:999], it.KariPID)...)
		in, err := svc.Create(ctx, demo, goodDraft, kari())
		if err != nil {
			t.Fatal(err)
		}
		if in.Threshold != 20 {
			t.Fatalf("threshold %d, want 20", in.Threshold)
		}
		const n = 60
		var wg sync.WaitGroup
		crossed := make([]bool, n)
		for i := range n {
			wg.Go(func() {
				rc, err := svc.Sign(ctx, demo, in.ID, who(people[i]))
				if err != nil {
					t.Errorf("sign %d: %v", i, err)
				}
				crossed[i] = rc.Crossed
			})
		}
		wg.Wait()
		nCrossed := 0
		for _, c := range crossed {
			if c {
				nCrossed++
			}
		}
		if nCrossed != 1 {
			t.Errorf("%d signatures say they crossed the threshold, want 1", nCrossed)
		}
		if n, err := svc.SubmitPending(ctx); n != 0 || err != nil {
			t.Errorf("SubmitPending after the hand-over = %d, %v", n, err)
		}
		got, err := svc.Get(ctx, demo, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if council.Calls() != 1 {
			t.Errorf("the council was asked %d times, want once", council.Calls())
		}
		if got.State != initiatives.StateSubmitted || got.CaseRef != "PS 1/26" || got.Signatures != n || got.ReachedSignatures != 20 || got.Threshold != 20 {
			t.Errorf("after the crossing: %+v", got)
		}
		for _, req := range council.Cases() {
			if req.InitiativeID != in.ID || req.Signatures != 20 || req.Title != goodDraft.Title || req.Path != "initiativ/"+in.ID {
				t.Errorf("case request %+v", req)
			}
		}
		if st, ok := svc.Case(ctx, demo, got); !ok || st.State != initiatives.CaseScheduled {
			t.Errorf("Case = %+v, %v", st, ok)
		}
	})
}

// TestCouncilDown keeps an initiative whose hand-over failed in
// StateReached until SubmitPending succeeds.
func TestCouncilDown(t *testing.T) {
	dbtest.Each(t, it.Schemas(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		council := it.NewCouncil()
		council.Fail = errors.New("politics is down")
		svc, _ := newService(t, d, council)
		importResidents(t, svc, demo, it.KariPID, it.OlaPID)
		in, _ := svc.Create(ctx, demo, goodDraft, kari())
		rc, err := svc.Sign(ctx, demo, in.ID, who(it.OlaPID))
		if err != nil {
			t.Fatalf("a failed hand-over undid the signature: %v", err)
		}
		if !rc.Crossed || rc.Initiative.State != initiatives.StateReached || rc.Initiative.CaseRef != "" {
			t.Fatalf("after a failed hand-over: %+v", rc.Initiative)
		}
		if _, err := svc.SubmitPending(ctx); err == nil {
			t.Error("SubmitPending with the council down: no error")
		}
		council.Fail = nil
		if n, err := svc.SubmitPending(ctx); n != 1 || err != nil {
			t.Fatalf("SubmitPending = %d, %v", n, err)
		}
		got, _ := svc.Get(ctx, demo, in.ID)
		if got.State != initiatives.StateSubmitted || got.CaseRef == "" {
			t.Errorf("after SubmitPending: %+v", got)
		}
		// Two failed calls and one that worked.
		if council.Calls() != 3 || len(council.Cases()) != 1 {
			t.Errorf("council calls %d, cases %d", council.Calls(), len(council.Cases()))
		}
	})
}

func TestExportSigners(t *testing.T) {
	dbtest.Each(t, it.Schemas(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, log := newService(t, d, it.NewCouncil())
		importResidents(t, svc, demo, it.KariPID, it.OlaPID, it.PerPID)
		in, _ := svc.Create(ctx, demo, goodDraft, kari())
		for _, p := range []string{it.OlaPID, it.PerPID} {
			if _, err := svc.Sign(ctx, demo, in.ID, who(p)); err != nil {
				t.Fatal(err)
			}
		}
		importResidents(t, svc, demo, it.KariPID, it.OlaPID) // Per moves away
		_, err := svc.ExportSigners(ctx, demo, in.ID, "  ", it.Actor())
		wantKind(t, "no purpose", err, errs.Invalid, "initiatives.error.invalid")
		_, err = svc.ExportSigners(ctx, demo, "0123456789abcdef", "kontroll", it.Actor())
		wantKind(t, "no such initiative", err, errs.NotFound, "initiatives.error.not_found")
		list, err := svc.ExportSigners(ctx, demo, in.ID, "kontroll før kommunestyret", it.Actor())
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("%d signers, want 2", len(list))
		}
		res := map[string]bool{}
		for _, s := range list {
			res[s.PID] = s.Resident
		}
		if !res[it.OlaPID] || res[it.PerPID] {
			t.Errorf("residency at export: %v", res)
		}
		entries, _ := log.List(ctx, demo, 0, 100)
		last := entries[len(entries)-1]
		if last.Action != "initiatives.signers.export" || last.Purpose != "kontroll før kommunestyret" || last.ActorID != it.Actor().ActorID {
			t.Errorf("audit entry %+v", last)
		}
	})
}
