package archive_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
)

// xsdDir is where the official schemas are: TORG_NOARK5_XSD, or the copy
// in testdata/noark5 (see its SOURCE.txt).
func xsdDir() string {
	if d := os.Getenv("TORG_NOARK5_XSD"); d != "" {
		return d
	}
	return filepath.Join("testdata", "noark5")
}

// requireXmllint returns the path of xmllint, or skips the test when it is
// missing (fails instead when TORG_REQUIRE_XMLLINT=1, as in CI).
func requireXmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("TORG_REQUIRE_XMLLINT") == "1" {
			t.Fatal("xmllint is not installed (apt-get install libxml2-utils), and TORG_REQUIRE_XMLLINT=1")
		}
		t.Skip("xmllint is not installed (apt-get install libxml2-utils); set TORG_REQUIRE_XMLLINT=1 to fail instead")
	}
	return p
}

// validate checks file against the official schema xsd with xmllint,
// offline (--nonet): the schemas find metadatakatalog.xsd next to them.
func validate(t *testing.T, xmllint, xsd, file string) {
	t.Helper()
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(xsdDir(), xsd), file).CombinedOutput()
	if err != nil {
		msg := string(out)
		if len(msg) > 3000 {
			msg = msg[:3000] + "…"
		}
		t.Errorf("%s does not validate against %s: %v\n%s", filepath.Base(file), xsd, err, msg)
	}
}

// validatePackage validates every XML file of an extract against its
// schema and checks the checksums arkivuttrekk.xml gives.
func validatePackage(t *testing.T, dir string, res archive.ExportResult) {
	t.Helper()
	xmllint := requireXmllint(t)
	schemas := map[string]string{"arkivstruktur.xml": "arkivstruktur.xsd", "endringslogg.xml": "endringslogg.xsd",
		"loependeJournal.xml": "loependeJournal.xsd", "offentligJournal.xml": "offentligJournal.xsd", "arkivuttrekk.xml": "addml.xsd"}
	names, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(names) == 0 {
		t.Fatal("no XML files")
	}
	for _, f := range names {
		xsd, ok := schemas[filepath.Base(f)]
		if !ok {
			t.Errorf("unexpected file %s", f)
			continue
		}
		validate(t, xmllint, xsd, f)
	}
	// The schemas in the package are the official ones.
	for _, xsd := range []string{"arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "loependeJournal.xsd", "offentligJournal.xsd", "addml.xsd"} {
		got, err1 := os.ReadFile(filepath.Join(dir, xsd))
		want, err2 := os.ReadFile(filepath.Join("testdata", "noark5", xsd))
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			t.Errorf("%s in the package differs from testdata: %v %v", xsd, err1, err2)
		}
	}
	// Every file's checksum in arkivuttrekk.xml is right.
	addml, err := os.ReadFile(filepath.Join(dir, "arkivuttrekk.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if f.Name == "arkivuttrekk.xml" {
			continue
		}
		if got := fileSum(t, filepath.Join(dir, f.Name)); got != f.SHA256 {
			t.Errorf("%s: SHA-256 %s, result says %s", f.Name, got, f.SHA256)
		}
		if !bytes.Contains(addml, []byte("<value>"+f.SHA256+"</value>")) {
			t.Errorf("arkivuttrekk.xml lacks the checksum of %s", f.Name)
		}
	}
}

func fileSum(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

// documentFiles checks every dokumentobjekt of arkivstruktur.xml: its file
// exists under the package with the size and SHA-256 given.
func documentFiles(t *testing.T, dir string) int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "arkivstruktur.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(bufio.NewReader(f))
	type obj struct {
		Ref  string `xml:"referanseDokumentfil"`
		Sum  string `xml:"sjekksum"`
		Alg  string `xml:"sjekksumAlgoritme"`
		Size int64  `xml:"filstoerrelse"`
	}
	n := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "dokumentobjekt" {
			var o obj
			if err := dec.DecodeElement(&o, &se); err != nil {
				t.Fatal(err)
			}
			n++
			p := filepath.Join(dir, filepath.FromSlash(o.Ref))
			st, err := os.Stat(p)
			if err != nil || st.Size() != o.Size || fileSum(t, p) != o.Sum || o.Alg != "SHA256" {
				t.Errorf("document file %s: %v (size %d, want %d)", o.Ref, err, st.Size(), o.Size)
			}
		}
	}
	return n
}

// buildArchive registers a small archive with every kind of entry,
// parties, screened cases, entries and documents, document files in
// blobs and status changes.
func buildArchive(t *testing.T, e *env, blobs blob.Store) (names struct{ screenedSender, screenedTitle, publicTitle string }) {
	t.Helper()
	ctx := context.Background()
	e.defaults(t, tenant)
	put := func(content string) (string, int64) {
		sum, size, err := blobs.Put(ctx, strings.NewReader(content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return sum, size
	}
	withFile := func(j archive.Journalpost, content string) archive.Journalpost {
		for i := range j.Dokumenter {
			sum, size := put(content + j.Dokumenter[i].Tittel)
			j.Dokumenter[i].Dokumentobjekter[0].BlobID, j.Dokumenter[i].Dokumentobjekter[0].Filstoerrelse = sum, size
		}
		return j
	}
	names.screenedSender = "Lise Hemmelig-Olsen"
	names.screenedTitle = "Søknad om spesialundervisning - Per Skjult"
	names.publicTitle = "Søknad om spesialundervisning - ******"

	// A building case: public, every kind of entry, an attachment, special
	// characters, closed at the end.
	m := sak(`Søknad om rammetillatelse - "Storgata 1" & <bakgård>`)
	m.KlasseID, m.KlasseTittel, m.Journalenhet = "100", "Byggesaker", "Dokumentsenteret"
	bygg := e.createCase(t, tenant, m)
	in := entry(archive.Inngaaende, "Søknad om rammetillatelse\nmed vedlegg")
	in.Korrespondanseparter = append(in.Korrespondanseparter, archive.Korrespondansepart{Korrespondanseparttype: archive.Medavsender,
		Navn: "Arkitektkontoret Fjord AS", Kontaktperson: "Åse Berg", Telefonnummer: "55 55 55 55"})
	in.Dokumenter = append(in.Dokumenter, doc("Situasjonskart", archive.Vedlegg))
	out := entry(archive.Utgaaende, "Vedtak - rammetillatelse")
	out.Journalstatus, out.SendtDato = "E", time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	out.Korrespondanseparter = append(out.Korrespondanseparter, archive.Korrespondansepart{Korrespondanseparttype: archive.Kopimottaker, Navn: "Statsforvalteren"})
	var byggEntries []archive.Journalpost
	for i, j := range []archive.Journalpost{in, out, entry(archive.OrganinterntForOppfoelging, "Intern uttalelse fra VA"),
		entry(archive.OrganinterntUtenOppfoelging, "Notat til saken"), entry(archive.Saksframlegg, "Saksframlegg til planutvalget")} {
		got, err := e.addEntry(tenant, bygg.SystemID, withFile(j, "bygg"+string(rune('a'+i))))
		if err != nil {
			t.Fatal(err)
		}
		byggEntries = append(byggEntries, got)
	}
	tx := func(fn func(tx *sql.Tx) error) {
		t.Helper()
		if err := e.d.Tx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	for _, j := range byggEntries {
		tx(func(tx *sql.Tx) error { return e.s.SetEntryStatus(ctx, tx, tenant, j.SystemID, "A", actor) })
	}
	tx(func(tx *sql.Tx) error { return e.s.SetCaseStatus(ctx, tx, tenant, bygg.SystemID, "A", actor) })

	// A school case about a child: the case title is screened (public
	// version given), the entries screen title and sender, recipient, or
	// everything (midlertidig), and a document is screened.
	m = sak("Spesialundervisning - Per Skjult")
	m.OffentligTittel, m.KlasseID, m.KlasseTittel = "Spesialundervisning - ******", "300", "Skole"
	m.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
		SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingPart}, Skjermingsvarighet: 60}
	skole := e.createCase(t, tenant, m)
	s1 := entry(archive.Inngaaende, names.screenedTitle)
	s1.OffentligTittel = names.publicTitle
	s1.Korrespondanseparter[0].Navn = names.screenedSender
	s1.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
		SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingAvsender}, SkjermingOpphoererDato: time.Date(2086, 1, 1, 0, 0, 0, 0, time.UTC)}
	s1.Dokumenter[0].Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13",
		SkjermingMetadata: []string{archive.SkjermingTittel}, SkjermingDokument: "H"}
	s2 := entry(archive.Utgaaende, "Vedtak om spesialundervisning - Per Skjult")
	s2.Korrespondanseparter[0].Navn = "Foresatte til Per Skjult"
	s2.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13",
		SkjermingMetadata: []string{archive.SkjermingTittel, archive.SkjermingKorrespondansepart}}
	s3 := entry(archive.OrganinterntForOppfoelging, "Sakkyndig vurdering - Per Skjult")
	s3.Korrespondanseparter[0].Navn = "PPT ved Per Skjults skole"
	s3.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "XX", Skjermingshjemmel: "Offl. § 13",
		SkjermingMetadata: []string{archive.SkjermingMidlertidig}}
	for i, j := range []archive.Journalpost{s1, s2, s3} {
		if _, err := e.addEntry(tenant, skole.SystemID, withFile(j, "skole"+string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	// A case without class, still open, with an entry without documents.
	open := e.createCase(t, tenant, sak("Henvendelse om brøyting"))
	plain := entry(archive.Inngaaende, "Spørsmål om brøyting av Bakkeveien")
	plain.Dokumenter = nil
	if _, err := e.addEntry(tenant, open.SystemID, plain); err != nil {
		t.Fatal(err)
	}
	return names
}

func TestExport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer blobs.Close()
		names := buildArchive(t, e, blobs)
		// Later registrations are not in an extract made before them.
		dir := filepath.Join(t.TempDir(), "uttrekk")
		var progress bytes.Buffer
		res, err := e.s.Export(ctx, tenant, archive.ExportOptions{Dir: dir, Blobs: blobs, Progress: &progress, Every: 2}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if res.Mapper != 3 || res.Registreringer != 9 || res.Journalposter != 9 || res.Dokumentbeskrivelser != 9 || res.Dokumentfiler != 9 ||
			res.Endringer != 6 || res.OpenCases != 2 || res.Skjermet != 3 || res.Arkivdeler != 1 {
			t.Errorf("result %+v", res)
		}
		if !strings.Contains(progress.String(), "arkivstruktur: 8 entries") || !strings.Contains(progress.String(), "export done") {
			t.Errorf("progress:\n%s", progress.String())
		}
		validatePackage(t, dir, res)
		if n := documentFiles(t, dir); n != 9 {
			t.Errorf("%d document files", n)
		}
		read := func(name string) string {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		struktur, loep, off, addml := read("arkivstruktur.xml"), read("loependeJournal.xml"), read("offentligJournal.xml"), read("arkivuttrekk.xml")
		for _, want := range []string{"<journalposttype>Inngående dokument</journalposttype>", "<journalposttype>Saksframlegg</journalposttype>",
			"<journalposttype>Organinternt dokument uten oppfølging</journalposttype>", "<korrespondanseparttype>Medavsender</korrespondanseparttype>",
			"<saksstatus>Avsluttet</saksstatus>", "<saksstatus>Under behandling</saksstatus>", "<tilknyttetRegistreringSom>Vedlegg</tilknyttetRegistreringSom>",
			"<skjermingMetadata>Skjerming tittel registrering - utvalgte ord</skjermingMetadata>", "<skjermingDokument>Skjerming av hele dokumentet</skjermingDokument>",
			"<skjermingMetadata>Skjerming navn part i sak</skjermingMetadata>", `"Storgata 1" &amp; &lt;bakgård&gt;`, names.screenedSender,
			"<variantformat>Arkivformat</variantformat>", "<sjekksumAlgoritme>SHA256</sjekksumAlgoritme>", "Saken var ikke avsluttet"} {
			if !strings.Contains(struktur, want) {
				t.Errorf("arkivstruktur.xml lacks %q", want)
			}
		}
		// The running journal keeps everything; the public one replaces
		// what is screened.
		for _, secret := range []string{names.screenedSender, names.screenedTitle, "Foresatte til Per Skjult", "PPT ved Per Skjults skole",
			"Vedtak om spesialundervisning - Per Skjult", "Sakkyndig vurdering - Per Skjult", "Spesialundervisning - Per Skjult"} {
			if !strings.Contains(loep, secret) {
				t.Errorf("loependeJournal.xml lacks %q", secret)
			}
			if strings.Contains(off, secret) {
				t.Errorf("offentligJournal.xml shows the screened %q", secret)
			}
		}
		for _, want := range []string{"<offentligTittel>" + names.publicTitle + "</offentligTittel>", "<offentligTittel>******</offentligTittel>",
			"<korrespondansepartNavn>******</korrespondansepartNavn>", "<offentligTittel>Spesialundervisning - ******</offentligTittel>",
			"<korrespondansepartNavn>Arkitektkontoret Fjord AS</korrespondansepartNavn>", "<tilgangsrestriksjon>13</tilgangsrestriksjon>",
			"<skjermingshjemmel>Offl. § 13 jf. fvl. § 13 første ledd nr. 1</skjermingshjemmel>", "<antallJournalposter>9 ",
			"<journalStartDato>2026-11-23</journalStartDato>", "<offentligTittel>Vedtak - rammetillatelse</offentligTittel>"} {
			if !strings.Contains(off, want) {
				t.Errorf("offentligJournal.xml lacks %q", want)
			}
		}
		if !strings.Contains(loep, "<skjermingMetadata>Skjerming navn avsender</skjermingMetadata>") {
			t.Error("loependeJournal.xml does not mark the screened sender")
		}
		for _, want := range []string{`<value>Bergen kommune</value>`, `<value>journalregistrering</value>`, `<value>9</value>`,
			`<property name="antallDokumentfiler" dataType="integer">`, "<value>true</value>"} {
			want = strings.ReplaceAll(want, `name="antallDokumentfiler" dataType="integer"`, `dataType="integer" name="antallDokumentfiler"`)
			if !strings.Contains(addml, want) {
				t.Errorf("arkivuttrekk.xml lacks %q", want)
			}
		}
		// The export is audited.
		list, _ := e.log.List(ctx, tenant, 0, 1000)
		if last := list[len(list)-1]; last.Action != "archive.export" || !strings.Contains(last.Detail, "9 journalposter") {
			t.Errorf("last audit entry %+v", last)
		}

		// A second export into the same folder is refused.
		if _, err := e.s.Export(ctx, tenant, archive.ExportOptions{Dir: dir, Blobs: blobs}, actor); !errs.Is(errs.Invalid, err) {
			t.Errorf("export into a full folder: %v", err)
		}
		// An unknown archive part, or another municipality's.
		if _, err := e.s.Export(ctx, tenant, archive.ExportOptions{Dir: t.TempDir(), Blobs: blobs, Arkivdel: "nope"}, actor); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown arkivdel: %v", err)
		}
		if _, err := e.s.Export(ctx, "5001", archive.ExportOptions{Dir: t.TempDir(), Blobs: blobs}, actor); !errs.Is(errs.NotFound, err) {
			t.Errorf("municipality without archive: %v", err)
		}
		// A missing document file fails the export.
		empty, _ := blob.OpenDir(t.TempDir())
		defer empty.Close()
		if _, err := e.s.Export(ctx, tenant, archive.ExportOptions{Dir: t.TempDir(), Blobs: empty}, actor); err == nil || !strings.Contains(err.Error(), "document file") {
			t.Errorf("missing blob: %v", err)
		}
	})
}

// TestExportSeeded exports a generated archive of several years (one
// archive part per year) whole and one part alone, and validates both.
func TestExportSeeded(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer blobs.Close()
		seeded, err := e.s.Seed(ctx, tenant, "Bergen", archive.SeedOptions{Entries: 700, Years: 3, Blobs: blobs, Documents: 20, Batch: 150}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if seeded.Entries != 700 || seeded.Cases < 50 || seeded.Screened < 20 || seeded.Screened > 200 || seeded.Closed == 0 {
			t.Errorf("seed result %+v", seeded)
		}
		deler, err := e.s.Arkivdeler(ctx, tenant)
		if err != nil || len(deler) != 4 {
			t.Fatalf("%d archive parts, %v", len(deler), err)
		}
		dir := filepath.Join(t.TempDir(), "alt")
		res, err := e.s.Export(ctx, tenant, archive.ExportOptions{Dir: dir, Blobs: blobs}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if res.Registreringer != 700 || res.Journalposter != 700 || res.Mapper != seeded.Cases || res.Arkivdeler != 4 || res.Endringer != seeded.Closed {
			t.Errorf("export %+v of seed %+v", res, seeded)
		}
		validatePackage(t, dir, res)
		if n := documentFiles(t, dir); n != seeded.Documents {
			t.Errorf("%d document files, seed made %d", n, seeded.Documents)
		}
		// Numbers are gap-free per year after seeding, and AddEntry goes on
		// from them.
		var years, total, maxSum int
		e.d.QueryRowContext(ctx, `SELECT COUNT(DISTINCT journalaar), COUNT(*) FROM archive_journalpost WHERE tenant_id = $1`, tenant).Scan(&years, &total)
		e.d.QueryRowContext(ctx, `SELECT SUM(m) FROM (SELECT MAX(journalsekvensnummer) AS m FROM archive_journalpost WHERE tenant_id = $1 GROUP BY journalaar) x`, tenant).Scan(&maxSum)
		if years < 3 || total != 700 || maxSum != 700 {
			t.Errorf("journal numbers: %d years, %d entries, max numbers sum to %d", years, total, maxSum)
		}
		c := e.createCase(t, tenant, sak("Ny sak etter generering"))
		if _, err := e.addEntry(tenant, c.SystemID, entry(archive.Utgaaende, "Brev")); err != nil {
			t.Fatal(err)
		}

		one := deler[1]
		dir = filepath.Join(t.TempDir(), "en")
		part, err := e.s.Export(ctx, tenant, archive.ExportOptions{Dir: dir, Blobs: blobs, Arkivdel: one.SystemID}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if part.Arkivdeler != 1 || part.Registreringer == 0 || part.Registreringer >= 700 || part.Journalposter != part.Registreringer {
			t.Errorf("one part: %+v", part)
		}
		validatePackage(t, dir, part)
		b, _ := os.ReadFile(filepath.Join(dir, "arkivstruktur.xml"))
		if bytes.Count(b, []byte("<arkivdel>")) != 1 || !bytes.Contains(b, []byte(one.SystemID)) {
			t.Error("the one-part extract does not hold exactly that part")
		}
	})
}

// TestExportMemoryFlat exports 2,000 and 10,000 generated entries and
// compares the peak Go heap: it must not grow with the archive. The chunks
// are made small so that both archives fill many of them, as a large one
// does with the real sizes, and the collector runs often so the peak is
// close to what is live. (docs/benchmarks.md has the resident memory of an
// export of 1,000,000 entries.)
func TestExportMemoryFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow, and the race detector's memory hides the export's")
	}
	defer archive.SetChunks(10, 100)()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	peak := func(entries int) (uint64, time.Duration) {
		e := newSQLiteEnv(t)
		ctx := context.Background()
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer blobs.Close()
		if _, err := e.s.Seed(ctx, tenant, "Bergen", archive.SeedOptions{Entries: entries, Blobs: blobs, Documents: 20}, actor); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		var max atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
				runtime.ReadMemStats(&m)
				if m.HeapInuse > max.Load() {
					max.Store(m.HeapInuse)
				}
			}
		}()
		start := time.Now()
		_, err = e.s.Export(ctx, tenant, archive.ExportOptions{Dir: filepath.Join(t.TempDir(), "x"), Blobs: blobs}, actor)
		took := time.Since(start)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		return max.Load() - min(max.Load(), base.HeapInuse), took
	}
	small, t1 := peak(2000)
	large, t10 := peak(10000)
	t.Logf("peak heap growth during export: 2,000 entries %.1f MiB (%s), 10,000 entries %.1f MiB (%s)",
		float64(small)/(1<<20), t1.Round(time.Millisecond), float64(large)/(1<<20), t10.Round(time.Millisecond))
	if large > small+small/2+8<<20 {
		t.Errorf("the export's heap grows with the archive: %d bytes for 2,000 entries, %d for 10,000", small, large)
	}
}

func newSQLiteEnv(t *testing.T) *env {
	t.Helper()
	d := dbtest.SQLite(t, dbtest.Options{}, audit.Schema, archive.Schema)
	log := audit.New(d)
	return &env{d: d, s: archive.New(d, log), log: log}
}

// TestXSDCopies checks the schemas in testdata/noark5 against the
// checksums their SOURCE.txt gives and, when the shared research folder
// is next to the repository (../shared/noark5 from its root), against the
// files there.
func TestXSDCopies(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "noark5", "SOURCE.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, line := range strings.Split(string(src), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && len(f[0]) == 64 && strings.HasSuffix(f[1], ".xsd") {
			sums[f[1]] = f[0]
		}
	}
	if len(sums) != 6 {
		t.Fatalf("SOURCE.txt lists %d schema checksums, want 6", len(sums))
	}
	shared := filepath.Join("..", "..", "..", "shared", "noark5")
	for name, want := range sums {
		if got := fileSum(t, filepath.Join("testdata", "noark5", name)); got != want {
			t.Errorf("testdata/noark5/%s: SHA-256 %s, SOURCE.txt says %s", name, got, want)
		}
		if _, err := os.Stat(shared); err == nil {
			if got := fileSum(t, filepath.Join(shared, name)); got != want {
				t.Errorf("%s differs from the copy in ../shared/noark5", name)
			}
		}
	}
}
