package archive_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

const tenant = "4601"

var actor = audit.Entry{ActorID: "email:arkivar@bergen.kommune.no", ActorName: "Anne Arkivar", Role: "archivist"}

// env is a migrated database with a clock and the archive service.
type env struct {
	d     *db.DB
	s     *archive.Service
	clock *dbtest.Clock
	log   *audit.Log
}

// each runs fn on SQLite and, with TORG_TEST_POSTGRES, on PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			c := dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
			var d *db.DB
			if pg {
				d = dbtest.Postgres(t, dbtest.Options{Now: c.Now}, audit.Schema, archive.Schema)
			} else {
				d = dbtest.SQLite(t, dbtest.Options{Now: c.Now}, audit.Schema, archive.Schema)
			}
			log := audit.New(d)
			fn(t, &env{d: d, s: archive.New(d, log), clock: c, log: log})
		})
	}
}

func (e *env) defaults(t *testing.T, tenantID string) archive.Arkivdel {
	t.Helper()
	a, err := e.s.EnsureDefaults(context.Background(), tenantID, "Bergen", actor)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) createCase(t *testing.T, tenantID string, m archive.Saksmappe) archive.Saksmappe {
	t.Helper()
	var out archive.Saksmappe
	err := e.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		out, err = e.s.CreateCase(context.Background(), tx, tenantID, m, actor)
		return err
	})
	if err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	return out
}

func (e *env) addEntry(tenantID, caseID string, j archive.Journalpost) (archive.Journalpost, error) {
	var out archive.Journalpost
	err := e.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		out, err = e.s.AddEntry(context.Background(), tx, tenantID, caseID, j, actor)
		return err
	})
	return out, err
}

func sak(title string) archive.Saksmappe {
	return archive.Saksmappe{Tittel: title, Saksansvarlig: "Per Hansen", AdministrativEnhet: "Byggesaksavdelingen"}
}

const sum1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")

func doc(title, role string) archive.Dokumentbeskrivelse {
	return archive.Dokumentbeskrivelse{Dokumenttype: "Brev", Tittel: title, TilknyttetRegistreringSom: role,
		Dokumentobjekter: []archive.Dokumentobjekt{{Format: "x-fmt/111", Filnavn: "brev.txt", BlobID: sum1, Filstoerrelse: 4}}}
}

// entry returns a valid entry of type typ.
func entry(typ, title string) archive.Journalpost {
	j := archive.Journalpost{Journalposttype: typ, Journalstatus: "J", Tittel: title,
		Dokumentdato: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Saksbehandler: "Per Hansen", AdministrativEnhet: "Byggesaksavdelingen",
		Dokumenter: []archive.Dokumentbeskrivelse{doc(title, archive.Hoveddokument)}}
	switch typ {
	case archive.Inngaaende:
		j.MottattDato = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: archive.Avsender, Navn: "Kari Nordmann",
			Postadresse: []string{"Storgata 1"}, Postnummer: "5003", Poststed: "Bergen", Epostadresse: "kari@example.no"}}
	case archive.Utgaaende:
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: archive.Mottaker, Navn: "Ola Nordmann"}}
	default:
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: archive.InternMottaker, Navn: "Juridisk avdeling"}}
	}
	return j
}

func TestEnsureDefaults(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.s.Arkiv(ctx, tenant); !errs.Is(errs.NotFound, err) {
			t.Errorf("archive before defaults: %v", err)
		}
		a := e.defaults(t, tenant)
		if a.Tittel != "Sakarkiv 2026" || a.Arkivdelstatus != "A" {
			t.Errorf("arkivdel %+v", a)
		}
		again := e.defaults(t, tenant)
		if again.SystemID != a.SystemID {
			t.Errorf("second call made a new part: %s vs %s", again.SystemID, a.SystemID)
		}
		ark, err := e.s.Arkiv(ctx, tenant)
		if err != nil || ark.Tittel != "Bergen kommunearkiv" || ark.ArkivskaperNavn != "Bergen kommune" || ark.ArkivskaperID != tenant {
			t.Errorf("arkiv %+v, %v", ark, err)
		}
		if list, err := e.s.Arkivdeler(ctx, tenant); err != nil || len(list) != 1 {
			t.Errorf("arkivdeler %v %v", list, err)
		}
		if _, err := e.s.Arkivdel(ctx, "0301", a.SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another municipality's part: %v", err)
		}
		if _, err := e.s.EnsureDefaults(ctx, "", "Bergen", actor); !errs.Is(errs.Invalid, err) {
			t.Errorf("no tenant: %v", err)
		}
		if _, err := e.s.EnsureDefaults(ctx, tenant, " ", actor); !errs.Is(errs.Invalid, err) {
			t.Errorf("no name: %v", err)
		}
		// Concurrent first calls make one archive.
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errsList := make([]error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := e.s.EnsureDefaults(ctx, "0301", "Oslo", actor)
				ids[i], errsList[i] = a.SystemID, err
			}()
		}
		wg.Wait()
		for i := range ids {
			if errsList[i] != nil || ids[i] != ids[0] {
				t.Errorf("concurrent EnsureDefaults %d: %s %v (first %s)", i, ids[i], errsList[i], ids[0])
			}
		}
	})
}

func TestCaseAndEntries(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		del := e.defaults(t, tenant)
		m := sak("Søknad om rammetillatelse - Storgata 1")
		m.KlasseID, m.KlasseTittel = "100", "Byggesaker"
		c := e.createCase(t, tenant, m)
		if c.Saksaar != 2026 || c.Sakssekvensnummer != 1 || c.MappeID != "2026/1" || c.Saksstatus != "B" || c.ArkivdelSystemID != del.SystemID {
			t.Errorf("case %+v", c)
		}
		if !strings.HasPrefix(c.OpprettetAv, "Anne") || !c.Saksdato.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("case stamps %q %v", c.OpprettetAv, c.Saksdato)
		}
		screened := entry(archive.Inngaaende, "Søknad om barnehageplass - Lise Olsen")
		screened.OffentligTittel = "Søknad om barnehageplass - ******"
		screened.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
			SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingAvsender}}
		screened.Dokumenter = append(screened.Dokumenter, doc("Vedlegg", archive.Vedlegg))
		screened.Dokumenter[0].Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13",
			SkjermingMetadata: []string{archive.SkjermingTittel}, SkjermingDokument: "H"}
		var added []archive.Journalpost
		for i, j := range []archive.Journalpost{screened, entry(archive.Utgaaende, "Vedtak"), entry(archive.OrganinterntForOppfoelging, "Notat"),
			entry(archive.OrganinterntUtenOppfoelging, "Notat til saken"), entry(archive.Saksframlegg, "Saksframlegg")} {
			got, err := e.addEntry(tenant, c.SystemID, j)
			if err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			if got.Journalpostnummer != i+1 || got.Journalsekvensnummer != i+1 || got.Journalaar != 2026 ||
				got.RegistreringsID != fmt.Sprintf("2026/1-%d", i+1) {
				t.Errorf("entry %d numbers: %+v", i, got)
			}
			added = append(added, got)
		}
		first := added[0]
		if len(first.Dokumenter) != 2 || first.Dokumenter[1].Dokumentnummer != 2 || first.Dokumenter[0].Dokumentstatus != "F" {
			t.Errorf("documents %+v", first.Dokumenter)
		}
		o := first.Dokumenter[0].Dokumentobjekter[0]
		if o.Sjekksum != sum1 || o.SjekksumAlgoritme != "SHA256" || o.Versjonsnummer != 1 || o.Variantformat != "A" ||
			o.ReferanseDokumentfil != "dokumenter/2026/"+o.SystemID[:1]+"/"+o.SystemID+".txt" {
			t.Errorf("dokumentobjekt %+v", o)
		}

		got, err := e.s.Case(ctx, tenant, c.SystemID)
		if err != nil || got.AntallJournalposter != 5 || got.KlasseID != "100" || got.KlasseTittel != "Byggesaker" {
			t.Errorf("Case: %+v %v", got, err)
		}
		if byNr, err := e.s.CaseByNumber(ctx, tenant, 2026, 1); err != nil || byNr.SystemID != c.SystemID {
			t.Errorf("CaseByNumber: %v", err)
		}
		list, err := e.s.Entries(ctx, tenant, c.SystemID)
		if err != nil || len(list) != 5 {
			t.Fatalf("Entries: %d %v", len(list), err)
		}
		j := list[0]
		if j.SystemID != first.SystemID || j.Tittel != screened.Tittel || j.OffentligTittel != screened.OffentligTittel ||
			!j.MottattDato.Equal(screened.MottattDato) || !j.Dokumentdato.Equal(screened.Dokumentdato) ||
			!j.Journaldato.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) || !j.OpprettetDato.Equal(first.OpprettetDato) {
			t.Errorf("entry read back:\n%+v\nwant\n%+v", j, first)
		}
		if len(j.Korrespondanseparter) != 1 || j.Korrespondanseparter[0].Navn != "Kari Nordmann" || j.Korrespondanseparter[0].Postadresse[0] != "Storgata 1" {
			t.Errorf("parties %+v", j.Korrespondanseparter)
		}
		if j.Skjerming == nil || j.Skjerming.Tilgangsrestriksjon != "13" || strings.Join(j.Skjerming.SkjermingMetadata, " ") != "tittel_ord avsender" ||
			!j.Skjerming.Screens(archive.SkjermingTittel) || !j.Skjerming.Screens(archive.SkjermingAvsender) || j.Skjerming.Screens(archive.SkjermingMottaker) {
			t.Errorf("skjerming %+v", j.Skjerming)
		}
		if len(j.Dokumenter) != 2 || j.Dokumenter[0].Skjerming == nil || j.Dokumenter[0].Skjerming.SkjermingDokument != "H" ||
			len(j.Dokumenter[1].Dokumentobjekter) != 1 || j.Dokumenter[1].Dokumentobjekter[0].BlobID != sum1 {
			t.Errorf("documents read back %+v", j.Dokumenter)
		}
		if one, err := e.s.Entry(ctx, tenant, first.SystemID); err != nil || one.RegistreringsID != "2026/1-1" || len(one.Dokumenter) != 2 {
			t.Errorf("Entry: %+v %v", one, err)
		}
		if one, err := e.s.EntryByNumber(ctx, tenant, 2026, 2); err != nil || one.SystemID != added[1].SystemID {
			t.Errorf("EntryByNumber: %v", err)
		}

		// Another municipality sees nothing of it.
		other := "0301"
		e.defaults(t, other)
		if _, err := e.s.Case(ctx, other, c.SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Case from another municipality: %v", err)
		}
		if _, err := e.s.Entries(ctx, other, c.SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Entries from another municipality: %v", err)
		}
		if _, err := e.s.Entry(ctx, other, first.SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Entry from another municipality: %v", err)
		}
		if _, err := e.addEntry(other, c.SystemID, entry(archive.Utgaaende, "x")); !errs.Is(errs.NotFound, err) {
			t.Errorf("AddEntry into another municipality's case: %v", err)
		}
		err = e.d.Tx(ctx, func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, other, c.SystemID, "A", actor) })
		if !errs.Is(errs.NotFound, err) {
			t.Errorf("SetCaseStatus on another municipality's case: %v", err)
		}
		err = e.d.Tx(ctx, func(tx *sql.Tx) error { return e.s.SetEntryStatus(ctx, tx, other, first.SystemID, "A", actor) })
		if !errs.Is(errs.NotFound, err) {
			t.Errorf("SetEntryStatus on another municipality's entry: %v", err)
		}
		// The other municipality numbers from 1.
		oc := e.createCase(t, other, sak("Oslo-sak"))
		if oc.Sakssekvensnummer != 1 {
			t.Errorf("other municipality's first case is %d", oc.Sakssekvensnummer)
		}
		if oj, err := e.addEntry(other, oc.SystemID, entry(archive.Utgaaende, "Brev")); err != nil || oj.Journalsekvensnummer != 1 {
			t.Errorf("other municipality's first entry: %+v %v", oj, err)
		}

		// Every change is audited.
		entries, err := e.log.List(ctx, tenant, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, a := range entries {
			count[a.Action]++
		}
		if count["archive.defaults"] != 1 || count["archive.case.create"] != 1 || count["archive.entry.add"] != 5 {
			t.Errorf("audit actions %v", count)
		}
	})
}

func TestStatusChanges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.defaults(t, tenant)
		c := e.createCase(t, tenant, sak("Klage"))
		j, err := e.addEntry(tenant, c.SystemID, entry(archive.Inngaaende, "Klage"))
		if err != nil {
			t.Fatal(err)
		}
		tx := func(fn func(tx *sql.Tx) error) error { return e.d.Tx(ctx, fn) }
		if err := tx(func(tx *sql.Tx) error { return e.s.SetEntryStatus(ctx, tx, tenant, j.SystemID, "A", actor) }); err != nil {
			t.Fatal(err)
		}
		if err := tx(func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, tenant, c.SystemID, "A", actor) }); err != nil {
			t.Fatal(err)
		}
		// The same status again changes nothing.
		if err := tx(func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, tenant, c.SystemID, "A", actor) }); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Case(ctx, tenant, c.SystemID)
		if got.Saksstatus != "A" || !got.AvsluttetDato.Equal(e.d.Now()) || got.AvsluttetAv != "Anne Arkivar" {
			t.Errorf("closed case %+v", got)
		}
		if one, _ := e.s.Entry(ctx, tenant, j.SystemID); one.Journalstatus != "A" {
			t.Errorf("entry status %s", one.Journalstatus)
		}
		// A closed case takes no entries; the refusal uses no number.
		if _, err := e.addEntry(tenant, c.SystemID, entry(archive.Utgaaende, "Svar")); !errs.Is(errs.Conflict, err) {
			t.Errorf("entry in a closed case: %v", err)
		}
		if err := tx(func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, tenant, c.SystemID, "B", actor) }); err != nil {
			t.Fatal(err)
		}
		got, _ = e.s.Case(ctx, tenant, c.SystemID)
		if got.Saksstatus != "B" || !got.AvsluttetDato.IsZero() || got.AvsluttetAv != "" {
			t.Errorf("reopened case %+v", got)
		}
		j2, err := e.addEntry(tenant, c.SystemID, entry(archive.Utgaaende, "Svar"))
		if err != nil || j2.Journalpostnummer != 2 || j2.Journalsekvensnummer != 2 {
			t.Errorf("entry after reopening: %+v %v", j2, err)
		}
		for _, bad := range []string{"", "X", "avsluttet"} {
			err := tx(func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, tenant, c.SystemID, bad, actor) })
			if !errs.Is(errs.Invalid, err) {
				t.Errorf("saksstatus %q: %v", bad, err)
			}
			err = tx(func(tx *sql.Tx) error { return e.s.SetEntryStatus(ctx, tx, tenant, j.SystemID, bad, actor) })
			if !errs.Is(errs.Invalid, err) {
				t.Errorf("journalstatus %q: %v", bad, err)
			}
		}
		if err := tx(func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, tenant, "nope", "A", actor) }); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown case: %v", err)
		}
		if err := tx(func(tx *sql.Tx) error { return e.s.SetEntryStatus(ctx, tx, tenant, "nope", "A", actor) }); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown entry: %v", err)
		}
		var changes int
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM archive_endring WHERE tenant_id = $1`, tenant).Scan(&changes)
		if changes != 3 {
			t.Errorf("%d change-log entries, want 3 (entry J→A, case B→A, case A→B)", changes)
		}
	})
}

// TestNumberingConcurrent registers cases and entries from many goroutines
// at once, with some transactions rolled back, and checks that the
// numbers are unique and without gaps.
func TestNumberingConcurrent(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.defaults(t, tenant)
		shared := e.createCase(t, tenant, sak("Felles sak"))
		const workers, perWorker = 8, 6
		boom := errors.New("rolled back")
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []error
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					err := e.d.Tx(ctx, func(tx *sql.Tx) error {
						c, err := e.s.CreateCase(ctx, tx, tenant, sak(fmt.Sprintf("Sak %d-%d", w, i)), actor)
						if err != nil {
							return err
						}
						for k := 0; k < 2; k++ {
							if _, err := e.s.AddEntry(ctx, tx, tenant, c.SystemID, entry(archive.Utgaaende, "Brev"), actor); err != nil {
								return err
							}
						}
						if _, err := e.s.AddEntry(ctx, tx, tenant, shared.SystemID, entry(archive.Utgaaende, "Brev"), actor); err != nil {
							return err
						}
						if i == 2 {
							return boom // gives its numbers back
						}
						return nil
					})
					if err != nil && !errors.Is(err, boom) {
						mu.Lock()
						failures = append(failures, err)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range failures {
			t.Error(err)
		}
		committed := workers * (perWorker - 1)
		check := func(query string, want int) {
			t.Helper()
			rows, err := e.d.QueryContext(ctx, query, tenant)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []int
			for rows.Next() {
				var n int
				rows.Scan(&n)
				got = append(got, n)
			}
			sort.Ints(got)
			if len(got) != want {
				t.Errorf("%s: %d numbers, want %d", query, len(got), want)
			}
			for i, n := range got {
				if n != i+1 {
					t.Errorf("%s: numbers %v are not 1..%d without gaps", query, got, want)
					break
				}
			}
		}
		check(`SELECT sakssekvensnummer FROM archive_saksmappe WHERE tenant_id = $1 AND saksaar = 2026`, committed+1)
		check(`SELECT journalsekvensnummer FROM archive_journalpost WHERE tenant_id = $1 AND journalaar = 2026`, committed*3)
		check(`SELECT journalpostnummer FROM archive_journalpost j WHERE tenant_id = $1 AND saksmappe_id = '`+shared.SystemID+`'`, committed)
		rows, err := e.d.QueryContext(ctx, `SELECT saksmappe_id, COUNT(*), MAX(journalpostnummer) FROM archive_journalpost
			WHERE tenant_id = $1 GROUP BY saksmappe_id`, tenant)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var n, maxNr int
			rows.Scan(&id, &n, &maxNr)
			if n != maxNr {
				t.Errorf("case %s: %d entries numbered up to %d", id, n, maxNr)
			}
		}
		// A new year starts again at 1 (the year is Norway's: 23:30 UTC on
		// 31 December is already the new year there).
		e.clock.Set(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
		c := e.createCase(t, tenant, sak("Nyttårssak"))
		j, err := e.addEntry(tenant, c.SystemID, entry(archive.Utgaaende, "Brev"))
		if err != nil || c.Saksaar != 2027 || c.Sakssekvensnummer != 1 || j.Journalaar != 2027 || j.Journalsekvensnummer != 1 ||
			!j.Journaldato.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("new year: case %d/%d, entry %d/%d %v, %v", c.Saksaar, c.Sakssekvensnummer, j.Journalaar, j.Journalsekvensnummer, j.Journaldato, err)
		}
	})
}

// fieldErr returns the field errors of an Invalid error.
func fieldErr(t *testing.T, err error) map[string]string {
	t.Helper()
	if !errs.Is(errs.Invalid, err) {
		t.Fatalf("error %v is not Invalid", err)
	}
	_, _, fields := errs.Public(err)
	return fields
}

func TestEntryRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.defaults(t, tenant)
		c := e.createCase(t, tenant, sak("Sak"))
		skj := func() *archive.Skjerming {
			return &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13", SkjermingMetadata: []string{"tittel"}}
		}
		tests := []struct {
			name   string
			typ    string
			change func(j *archive.Journalpost)
			field  string
			key    string
		}{
			{"no title", "U", func(j *archive.Journalpost) { j.Tittel = " " }, "tittel", "archive.error.required"},
			{"title too long", "U", func(j *archive.Journalpost) { j.Tittel = strings.Repeat("x", 2001) }, "tittel", "archive.error.too_long"},
			{"control character", "U", func(j *archive.Journalpost) { j.Tittel = "Brev\x00" }, "tittel", "archive.error.text"},
			{"invalid UTF-8", "U", func(j *archive.Journalpost) { j.Tittel = "Brev \xff" }, "tittel", "archive.error.text"},
			{"no journalposttype", "U", func(j *archive.Journalpost) { j.Journalposttype = "" }, "journalposttype", "archive.error.required"},
			{"unknown journalposttype", "U", func(j *archive.Journalpost) { j.Journalposttype = "Q" }, "journalposttype", "archive.error.code"},
			{"no journalstatus", "U", func(j *archive.Journalpost) { j.Journalstatus = "" }, "journalstatus", "archive.error.required"},
			{"unknown journalstatus", "U", func(j *archive.Journalpost) { j.Journalstatus = "Journalført" }, "journalstatus", "archive.error.code"},
			{"no dokumentdato", "U", func(j *archive.Journalpost) { j.Dokumentdato = time.Time{} }, "dokumentdato", "archive.error.required"},
			{"incoming without mottattDato", "I", func(j *archive.Journalpost) { j.MottattDato = time.Time{} }, "mottattDato", "archive.error.required"},
			{"incoming without sender", "I", func(j *archive.Journalpost) { j.Korrespondanseparter[0].Korrespondanseparttype = "EM" },
				"korrespondanseparter", "archive.error.sender_required"},
			{"outgoing without recipient", "U", func(j *archive.Journalpost) { j.Korrespondanseparter[0].Korrespondanseparttype = "EK" },
				"korrespondanseparter", "archive.error.recipient_required"},
			{"outgoing without parties", "U", func(j *archive.Journalpost) { j.Korrespondanseparter = nil }, "korrespondanseparter", "archive.error.recipient_required"},
			{"note without parties", "N", func(j *archive.Journalpost) { j.Korrespondanseparter = nil }, "korrespondanseparter", "archive.error.party_required"},
			{"unknown party type", "U", func(j *archive.Journalpost) {
				j.Korrespondanseparter = append(j.Korrespondanseparter, archive.Korrespondansepart{Korrespondanseparttype: "XX", Navn: "A"})
			}, "korrespondanseparter.1.korrespondanseparttype", "archive.error.code"},
			{"party without name", "U", func(j *archive.Journalpost) { j.Korrespondanseparter[0].Navn = "" }, "korrespondanseparter.0.navn", "archive.error.required"},
			{"bad e-mail", "U", func(j *archive.Journalpost) { j.Korrespondanseparter[0].Epostadresse = "ola" }, "korrespondanseparter.0.epostadresse", "archive.error.text"},
			{"document without title", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Tittel = "" }, "dokumenter.0.tittel", "archive.error.required"},
			{"document without type", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumenttype = "" }, "dokumenter.0.dokumenttype", "archive.error.required"},
			{"unknown dokumentstatus", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentstatus = "X" }, "dokumenter.0.dokumentstatus", "archive.error.code"},
			{"unknown tilknytning", "U", func(j *archive.Journalpost) { j.Dokumenter[0].TilknyttetRegistreringSom = "hoveddokument" },
				"dokumenter.0.tilknyttetRegistreringSom", "archive.error.code"},
			{"two main documents", "U", func(j *archive.Journalpost) { j.Dokumenter = append(j.Dokumenter, doc("To", archive.Hoveddokument)) },
				"dokumenter", "archive.error.hoveddokument"},
			{"only an attachment", "U", func(j *archive.Journalpost) { j.Dokumenter[0].TilknyttetRegistreringSom = archive.Vedlegg },
				"dokumenter", "archive.error.hoveddokument"},
			{"unknown variantformat", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].Variantformat = "Arkivformat" },
				"dokumenter.0.dokumentobjekter.0.variantformat", "archive.error.code"},
			{"no format", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].Format = "" },
				"dokumenter.0.dokumentobjekter.0.format", "archive.error.required"},
			{"no blob", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].BlobID = "" },
				"dokumenter.0.dokumentobjekter.0.blobID", "archive.error.required"},
			{"blob id not a SHA-256", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].BlobID = "../../etc/passwd" },
				"dokumenter.0.dokumentobjekter.0.blobID", "archive.error.checksum"},
			{"checksum differs from blob", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].Sjekksum = strings.Repeat("0", 64) },
				"dokumenter.0.dokumentobjekter.0.sjekksum", "archive.error.checksum"},
			{"unknown checksum algorithm", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].SjekksumAlgoritme = "MD5" },
				"dokumenter.0.dokumentobjekter.0.sjekksumAlgoritme", "archive.error.code"},
			{"negative size", "U", func(j *archive.Journalpost) { j.Dokumenter[0].Dokumentobjekter[0].Filstoerrelse = -1 },
				"dokumenter.0.dokumentobjekter.0.filstoerrelse", "archive.error.negative"},
			{"same variant twice", "U", func(j *archive.Journalpost) {
				j.Dokumenter[0].Dokumentobjekter = append(j.Dokumenter[0].Dokumentobjekter, j.Dokumenter[0].Dokumentobjekter[0])
			}, "dokumenter.0.dokumentobjekter.1.variantformat", "archive.error.variant_duplicate"},
			{"legal basis without access code", "U", func(j *archive.Journalpost) {
				j.Skjerming = skj()
				j.Skjerming.Tilgangsrestriksjon = ""
			}, "skjerming.tilgangsrestriksjon", "archive.error.skjerming_pair"},
			{"access code without legal basis", "U", func(j *archive.Journalpost) {
				j.Skjerming = skj()
				j.Skjerming.Skjermingshjemmel = ""
			}, "skjerming.skjermingshjemmel", "archive.error.skjerming_pair"},
			{"empty screening", "U", func(j *archive.Journalpost) { j.Skjerming = &archive.Skjerming{SkjermingMetadata: []string{"tittel"}} },
				"skjerming.tilgangsrestriksjon", "archive.error.required"},
			{"unknown access code", "U", func(j *archive.Journalpost) { j.Skjerming = skj(); j.Skjerming.Tilgangsrestriksjon = "99" },
				"skjerming.tilgangsrestriksjon", "archive.error.code"},
			{"screening without fields", "U", func(j *archive.Journalpost) { j.Skjerming = skj(); j.Skjerming.SkjermingMetadata = nil },
				"skjerming.skjermingMetadata", "archive.error.skjerming_fields"},
			{"unknown screened field", "U", func(j *archive.Journalpost) { j.Skjerming = skj(); j.Skjerming.SkjermingMetadata = []string{"navn"} },
				"skjerming.skjermingMetadata.0", "archive.error.code"},
			{"case field on an entry", "U", func(j *archive.Journalpost) { j.Skjerming = skj(); j.Skjerming.SkjermingMetadata = []string{"part"} },
				"skjerming.skjermingMetadata.0", "archive.error.code"},
			{"screened words without public title", "U", func(j *archive.Journalpost) {
				j.Skjerming = skj()
				j.Skjerming.SkjermingMetadata = []string{"tittel_ord"}
			}, "offentligTittel", "archive.error.offentlig_tittel_required"},
			{"document screening on an entry", "U", func(j *archive.Journalpost) { j.Skjerming = skj(); j.Skjerming.SkjermingDokument = "H" },
				"skjerming.skjermingDokument", "archive.error.documents_only"},
			{"unknown document screening", "U", func(j *archive.Journalpost) {
				j.Dokumenter[0].Skjerming = skj()
				j.Dokumenter[0].Skjerming.SkjermingDokument = "hele"
			}, "dokumenter.0.skjerming.skjermingDokument", "archive.error.code"},
			{"document screening without legal basis", "U", func(j *archive.Journalpost) {
				j.Dokumenter[0].Skjerming = skj()
				j.Dokumenter[0].Skjerming.Skjermingshjemmel = ""
			}, "dokumenter.0.skjerming.skjermingshjemmel", "archive.error.skjerming_pair"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				j := entry(tt.typ, "Brev")
				tt.change(&j)
				_, err := e.addEntry(tenant, c.SystemID, j)
				fields := fieldErr(t, err)
				if fields[tt.field] != tt.key {
					t.Errorf("field errors %v, want %s: %s", fields, tt.field, tt.key)
				}
				if key, _, _ := errs.Public(err); key != "archive.error.invalid_entry" {
					t.Errorf("message key %q", key)
				}
			})
		}
		// Nothing was numbered by the refusals.
		j, err := e.addEntry(tenant, c.SystemID, entry("U", "Brev"))
		if err != nil || j.Journalsekvensnummer != 1 || j.Journalpostnummer != 1 {
			t.Errorf("first accepted entry: %+v %v", j, err)
		}
		if _, err := e.addEntry(tenant, "no-such-case", entry("U", "Brev")); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown case: %v", err)
		}
	})
}

func TestCaseRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		create := func(m archive.Saksmappe) error {
			return e.d.Tx(ctx, func(tx *sql.Tx) error { _, err := e.s.CreateCase(ctx, tx, tenant, m, actor); return err })
		}
		if err := create(sak("Før arkivet finnes")); !errs.Is(errs.Conflict, err) {
			t.Errorf("case without an archive: %v", err)
		}
		e.defaults(t, tenant)
		tests := []struct {
			name   string
			change func(m *archive.Saksmappe)
			field  string
			key    string
		}{
			{"no title", func(m *archive.Saksmappe) { m.Tittel = "" }, "tittel", "archive.error.required"},
			{"no saksansvarlig", func(m *archive.Saksmappe) { m.Saksansvarlig = "" }, "saksansvarlig", "archive.error.required"},
			{"no administrativEnhet", func(m *archive.Saksmappe) { m.AdministrativEnhet = "" }, "administrativEnhet", "archive.error.required"},
			{"unknown saksstatus", func(m *archive.Saksmappe) { m.Saksstatus = "Z" }, "saksstatus", "archive.error.code"},
			{"created closed", func(m *archive.Saksmappe) { m.Saksstatus = "A" }, "saksstatus", "archive.error.code"},
			{"name with newline", func(m *archive.Saksmappe) { m.Saksansvarlig = "Per\nHansen" }, "saksansvarlig", "archive.error.text"},
			{"unknown arkivdel", func(m *archive.Saksmappe) { m.ArkivdelSystemID = "4f1c0d7e-0000-4000-8000-000000000000" },
				"arkivdelSystemID", "archive.error.unknown_arkivdel"},
			{"legal basis without access code", func(m *archive.Saksmappe) {
				m.Skjerming = &archive.Skjerming{Skjermingshjemmel: "Offl. § 13", SkjermingMetadata: []string{"tittel"}}
			}, "skjerming.tilgangsrestriksjon", "archive.error.skjerming_pair"},
			{"access code without legal basis", func(m *archive.Saksmappe) {
				m.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", SkjermingMetadata: []string{"tittel"}}
			}, "skjerming.skjermingshjemmel", "archive.error.skjerming_pair"},
			{"entry field on a case", func(m *archive.Saksmappe) {
				m.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13", SkjermingMetadata: []string{"avsender"}}
			}, "skjerming.skjermingMetadata.0", "archive.error.code"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := sak("Sak")
				tt.change(&m)
				fields := fieldErr(t, create(m))
				if fields[tt.field] != tt.key {
					t.Errorf("field errors %v, want %s: %s", fields, tt.field, tt.key)
				}
			})
		}
		if c := e.createCase(t, tenant, sak("Første godkjente")); c.Sakssekvensnummer != 1 {
			t.Errorf("refusals used numbers: first case is %d", c.Sakssekvensnummer)
		}
	})
}

func TestParseNumbers(t *testing.T) {
	for _, tt := range []struct {
		in       string
		y, n, jp int
		ok, okJP bool
	}{
		{"2026/123", 2026, 123, 0, true, false},
		{" 2026/000123 ", 2026, 123, 0, true, false},
		{"26/5", 2026, 5, 0, true, false},
		{"2026/123-4", 2026, 123, 4, false, true},
		{"2026/0", 0, 0, 0, false, false},
		{"2026/", 0, 0, 0, false, false},
		{"/12", 0, 0, 0, false, false},
		{"202/12", 0, 0, 0, false, false},
		{"2026/12-", 0, 0, 0, false, false},
		{"2026/12-0", 0, 0, 0, false, false},
		{"2026/-12", 0, 0, 0, false, false},
		{"2026/1234567890", 0, 0, 0, false, false},
		{"x026/12", 0, 0, 0, false, false},
	} {
		y, n, err := archive.ParseCaseNumber(tt.in)
		if (err == nil) != tt.ok || tt.ok && (y != tt.y || n != tt.n) {
			t.Errorf("ParseCaseNumber(%q) = %d, %d, %v", tt.in, y, n, err)
		}
		if err != nil && !errs.Is(errs.Invalid, err) {
			t.Errorf("ParseCaseNumber(%q): %v is not Invalid", tt.in, err)
		}
		y, n, jp, err := archive.ParseRegistreringsID(tt.in)
		if (err == nil) != tt.okJP || tt.okJP && (y != tt.y || n != tt.n || jp != tt.jp) {
			t.Errorf("ParseRegistreringsID(%q) = %d, %d, %d, %v", tt.in, y, n, jp, err)
		}
	}
	if y, n, err := archive.ParseJournalNumber("2025/004711"); err != nil || y != 2025 || n != 4711 {
		t.Errorf("ParseJournalNumber: %d %d %v", y, n, err)
	}
}

// TestMessages checks that every message key the module uses is in all
// three languages (server.Catalog adds these files; see the package
// documentation of server).
func TestMessages(t *testing.T) {
	cat := i18n.NewCatalog()
	if err := cat.AddFS(archive.Messages()); err != nil {
		t.Fatal(err)
	}
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing translations: %v", missing)
	}
	for _, k := range archive.MessageKeys() {
		if !cat.Has(k) {
			t.Errorf("key %s is used but not in the catalogue", k)
		}
	}
	if len(archive.MessageKeys()) < 25 {
		t.Errorf("only %d keys", len(archive.MessageKeys()))
	}
}

// TestMediaTypeAsFormat registers a file known only by its media type (as
// form attachments are): the media type stands in for the PRONOM format,
// and the file in an extract gets the type's extension.
func TestMediaTypeAsFormat(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.defaults(t, tenant)
		c := e.createCase(t, tenant, sak("Søknad"))
		j := entry(archive.Inngaaende, "Søknad")
		o := &j.Dokumenter[0].Dokumentobjekter[0]
		o.Format, o.Filnavn, o.Mimetype = "", "Søknad om plass", "application/pdf"
		got, err := e.addEntry(tenant, c.SystemID, j)
		if err != nil {
			t.Fatal(err)
		}
		g := got.Dokumenter[0].Dokumentobjekter[0]
		if g.Format != "application/pdf" || !strings.HasSuffix(g.ReferanseDokumentfil, ".pdf") {
			t.Errorf("format %q, file %q", g.Format, g.ReferanseDokumentfil)
		}
		o.Mimetype = ""
		if _, err := e.addEntry(tenant, c.SystemID, j); fieldErr(t, err)["dokumenter.0.dokumentobjekter.0.format"] != "archive.error.required" {
			t.Errorf("neither format nor media type: %v", err)
		}
	})
}

// TestSetResponsible: naming the case worker in charge changes
// saksansvarlig and logs the change; a bad name, an unknown case and
// another municipality's case are refused.
func TestSetResponsible(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.defaults(t, tenant)
		c := e.createCase(t, tenant, sak("Byggesøknad"))
		set := func(tn, id, name string) error {
			return e.d.Tx(ctx, func(tx *sql.Tx) error { return e.s.SetResponsible(ctx, tx, tn, id, name, actor) })
		}
		if err := set(tenant, c.SystemID, "Nora Solberg"); err != nil {
			t.Fatal(err)
		}
		if err := set(tenant, c.SystemID, "Nora Solberg"); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.Case(ctx, tenant, c.SystemID); got.Saksansvarlig != "Nora Solberg" {
			t.Errorf("saksansvarlig %q", got.Saksansvarlig)
		}
		var changes int
		if err := e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM archive_endring WHERE tenant_id = $1 AND arkivenhet_id = $2 AND referanse_metadata = 'saksansvarlig'`,
			tenant, c.SystemID).Scan(&changes); err != nil || changes != 1 {
			t.Errorf("change log: %d entries, %v", changes, err)
		}
		for _, bad := range []string{"", " ", "Nora\x00", strings.Repeat("n", 1000)} {
			if err := set(tenant, c.SystemID, bad); !errs.Is(errs.Invalid, err) {
				t.Errorf("name %q: %v", bad, err)
			}
		}
		if err := set(tenant, "nope", "Nora Solberg"); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown case: %v", err)
		}
		if err := set("0301", c.SystemID, "Nora Solberg"); !errs.Is(errs.NotFound, err) {
			t.Errorf("another municipality's case: %v", err)
		}
	})
}
