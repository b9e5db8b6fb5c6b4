package archive

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
)

// The official Noark 5 v5.0 extract schemas and ADDML 8.3 (see
// testdata/noark5/SOURCE.txt), written into every package.
//
//go:embed testdata/noark5/*.xsd
var xsdFS embed.FS

// Namespaces of the extract files.
const (
	nsArkivstruktur    = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
	nsEndringslogg     = "http://www.arkivverket.no/standarder/noark5/endringslogg"
	nsLoependeJournal  = "http://www.arkivverket.no/standarder/noark5/loependeJournal"
	nsOffentligJournal = "http://www.arkivverket.no/standarder/noark5/offentligJournal"
	nsADDML            = "http://www.arkivverket.no/standarder/addml"
	nsXSI              = "http://www.w3.org/2001/XMLSchema-instance"
)

// ExportOptions say what Export writes where.
type ExportOptions struct {
	// Dir is the folder the avleveringspakke is written to. It is made
	// when missing and must be empty.
	Dir string
	// Arkivdel is the systemID of the one archive part to export; every
	// part when empty.
	Arkivdel string
	// Blobs holds the document files (the server's blob.Dir at DATA/filer).
	Blobs blob.Store
	// Progress receives a line every Every journal entries and a summary
	// (the CLI passes stderr); nil for none.
	Progress io.Writer
	Every    int // 10,000 when 0
	// Workers copy document files in parallel; 2 when 0.
	Workers int
}

// ExportResult counts what Export wrote.
type ExportResult struct {
	Arkivdeler           int
	Mapper               int // saksmapper in arkivstruktur.xml
	Registreringer       int // journalposter in arkivstruktur.xml
	Dokumentbeskrivelser int
	Dokumentfiler        int // files under dokumenter/
	Endringer            int // entries of endringslogg.xml (the file is left out when 0)
	Journalposter        int // journalregistreringer in each journal (left out when 0)
	Skjermet             int // journal entries with screening
	// OpenCases were not closed at the time of the extract. Noark 5 needs
	// an avsluttetDato on every mappe; theirs is the time of the extract,
	// their saksstatus stays as it is, and a merknad says so.
	OpenCases int
	Files     []ExportFile // the XML files, with their SHA-256
	Took      time.Duration
}

// ExportFile is one file of the package.
type ExportFile struct {
	Name   string
	Size   int64
	SHA256 string
}

// Export writes tenant's archive (or one archive part) as a Noark 5
// avleveringspakke into opts.Dir: arkivstruktur.xml, endringslogg.xml,
// loependeJournal.xml, offentligJournal.xml (screened titles replaced by
// offentligTittel or "******", screened names by "******"),
// arkivuttrekk.xml (ADDML, with the files' SHA-256 and record counts), the
// schemas, and the document files under dokumenter/, copied from
// opts.Blobs and checked against their SHA-256.
//
// It streams: rows are read a few hundred cases at a time and written as
// they come, the document copies run beside it through a short queue, so
// memory stays flat however large the archive is. The extract holds the
// archive as it was when the export started (later cases, entries and
// changes are left out). It appends an audit entry for actor. Errors:
// NotFound when the municipality has no archive or the archive part is
// not its; Invalid when opts.Dir is not empty; Internal when a document
// file is missing or does not match its checksum.
func (s *Service) Export(ctx context.Context, tenant string, opts ExportOptions, actor audit.Entry) (ExportResult, error) {
	const op = errs.Op("archive.Export")
	start := time.Now()
	if opts.Every <= 0 {
		opts.Every = 10000
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.Blobs == nil {
		return ExportResult{}, errs.E(op, errs.Internal, errors.New("no blob store"))
	}
	if err := checkOutDir(opts.Dir); err != nil {
		return ExportResult{}, errs.E(op, err)
	}
	arkiv, err := s.arkiv(ctx, s.db, tenant)
	if err != nil {
		return ExportResult{}, errs.E(op, err)
	}
	all, err := s.Arkivdeler(ctx, tenant)
	if err != nil {
		return ExportResult{}, errs.E(op, err)
	}
	var deler []Arkivdel
	for _, a := range all {
		if opts.Arkivdel == "" || a.SystemID == opts.Arkivdel {
			deler = append(deler, a)
		}
	}
	if len(deler) == 0 {
		return ExportResult{}, errs.E(op, errs.NotFound, keyNoArkivdel)
	}
	root, err := openEmptyDir(opts.Dir)
	if err != nil {
		return ExportResult{}, errs.E(op, err)
	}
	defer root.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e := &exporter{s: s, ctx: ctx, tenant: tenant, opts: opts, root: root, arkiv: arkiv, deler: deler,
		cut: s.db.Now(), by: actorName(actor), start: start, dirs: map[string]*destDir{}}
	defer func() {
		for _, r := range e.dirs {
			r.Close()
		}
	}()
	e.copies = newCopier(ctx, root, opts.Blobs, opts.Workers, cancel)
	if err := e.writeSchemas(); err != nil {
		e.copies.wait()
		return ExportResult{}, errs.E(op, err)
	}
	// The journals are written beside arkivstruktur.xml and its document
	// copies: they read the entries in another order, on connections of
	// their own, and the copies spend their time in the kernel.
	var journalErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		journalErr = e.writeEndringslogg()
		if journalErr == nil {
			journalErr = e.writeJournals()
		}
		if journalErr != nil {
			cancel()
		}
	}()
	err = e.writeArkivstruktur()
	if cerr := e.copies.wait(); cerr != nil {
		err = cerr // the cause; the writer saw only the cancelled context
	}
	if err != nil {
		cancel()
	}
	wg.Wait()
	if err == nil || errors.Is(err, context.Canceled) && journalErr != nil {
		err = journalErr
	}
	if err == nil {
		err = e.writeADDML()
	}
	if err != nil {
		return ExportResult{}, errs.E(op, err)
	}
	e.res.Arkivdeler = len(deler)
	e.res.Took = time.Since(start)
	actor.Tenant, actor.Action, actor.Object = tenant, "archive.export", "arkiv:"+arkiv.SystemID
	scope := "alle arkivdeler"
	if opts.Arkivdel != "" {
		scope = "arkivdel " + opts.Arkivdel
	}
	actor.Detail = fmt.Sprintf("arkivuttrekk, %s: %d saksmapper, %d journalposter, %d dokumentfiler", scope, e.res.Mapper, e.res.Registreringer, e.res.Dokumentfiler)
	if _, err := s.log.Record(context.WithoutCancel(ctx), actor); err != nil {
		return ExportResult{}, errs.E(op, err)
	}
	e.progressf("export done: %d archive parts, %d cases, %d entries, %d document files, %d changes in %s",
		e.res.Arkivdeler, e.res.Mapper, e.res.Registreringer, e.res.Dokumentfiler, e.res.Endringer, e.res.Took.Round(time.Millisecond))
	if e.res.OpenCases > 0 {
		e.progressf("note: %d cases were not closed; their avsluttetDato is the time of the extract (%s)", e.res.OpenCases, e.cut.Format(time.RFC3339))
	}
	return e.res, nil
}

// checkOutDir refuses an output folder that is not a folder or holds
// anything; a missing one is fine.
func checkOutDir(dir string) error {
	if strings.TrimSpace(dir) == "" {
		return errs.E(errs.Invalid, keyExportOut, errors.New("no output folder"))
	}
	f, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return errs.E(errs.Invalid, keyExportOut, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if len(names) > 0 {
		return errs.E(errs.Invalid, keyExportOut, fmt.Errorf("%s is not empty", dir))
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, keyExportOut, err)
	}
	return nil
}

// openEmptyDir makes dir when missing and opens it, refusing a folder
// that holds anything.
func openEmptyDir(dir string) (*os.Root, error) {
	if err := checkOutDir(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, errs.E(errs.Invalid, keyExportOut, err)
	}
	return os.OpenRoot(dir)
}

type exporter struct {
	s      *Service
	ctx    context.Context
	tenant string
	opts   ExportOptions
	root   *os.Root
	arkiv  Arkiv
	deler  []Arkivdel
	cut    time.Time // the extract holds what was registered up to here
	by     string    // who made the extract
	start  time.Time
	copies *copier
	dirs   map[string]*destDir // folders made under dokumenter/, open for the copies
	mu     sync.Mutex          // guards res.Files and the progress writer
	res    ExportResult
	// Entries written by each pass, for progress; the passes run at the
	// same time.
	seenStruktur, seenJournal int
}

func (e *exporter) progressf(format string, args ...any) {
	if e.opts.Progress != nil {
		e.mu.Lock()
		fmt.Fprintf(e.opts.Progress, "archive export: "+format+"\n", args...)
		e.mu.Unlock()
	}
}

// tick counts an entry written by a pass (seen is the pass's counter).
func (e *exporter) tick(pass string, seen *int) {
	*seen++
	if *seen%e.opts.Every == 0 {
		e.progressf("%s: %d entries (%s)", pass, *seen, time.Since(e.start).Round(time.Second))
	}
}

// addFile records a finished file of the package.
func (e *exporter) addFile(f ExportFile) {
	e.mu.Lock()
	e.res.Files = append(e.res.Files, f)
	sort.Slice(e.res.Files, func(i, k int) bool { return e.res.Files[i].Name < e.res.Files[k].Name })
	e.mu.Unlock()
}

// xmlFile is an XML file being written, hashed on the way.
type xmlFile struct {
	name string
	f    *os.File
	h    hash.Hash
	x    *xmlWriter
}

func (e *exporter) create(name string) (*xmlFile, error) {
	f, err := e.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	xf := &xmlFile{name: name, f: f, h: sha256.New()}
	xf.x = newXMLWriter(io.MultiWriter(f, xf.h))
	return xf, nil
}

// close finishes the file and records its checksum.
func (e *exporter) close(xf *xmlFile) error {
	err := xf.x.flush()
	if err == nil {
		err = xf.f.Sync()
	}
	if cerr := xf.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", xf.name, err)
	}
	e.addFile(ExportFile{Name: xf.name, Size: xf.x.n, SHA256: hex.EncodeToString(xf.h.Sum(nil))})
	return nil
}

// writeSchemas copies the official schemas into the package.
func (e *exporter) writeSchemas() error {
	entries, err := fs.ReadDir(xsdFS, "testdata/noark5")
	if err != nil {
		return err
	}
	for _, de := range entries {
		b, err := xsdFS.ReadFile("testdata/noark5/" + de.Name())
		if err != nil {
			return err
		}
		if err := e.root.WriteFile(de.Name(), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// xsdSum returns the SHA-256 of an embedded schema.
func xsdSum(name string) string {
	b, _ := xsdFS.ReadFile("testdata/noark5/" + name)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ---------------------------------------------------------------------------
// arkivstruktur.xml

// casesPerChunk is how many cases are read (with all their entries) at a
// time, journalsPerChunk how many entries the journals read at a time.
// They bound the export's memory (variables for the memory test).
var casesPerChunk, journalsPerChunk = 200, 2000

func (e *exporter) writeArkivstruktur() error {
	xf, err := e.create("arkivstruktur.xml")
	if err != nil {
		return err
	}
	x := xf.x
	a := e.arkiv
	x.start("arkiv", "xmlns", nsArkivstruktur, "xmlns:xsi", nsXSI, "xsi:schemaLocation", nsArkivstruktur+" arkivstruktur.xsd")
	x.elem("systemID", a.SystemID)
	x.elem("tittel", a.Tittel)
	x.elem("arkivstatus", arkivstatuser.text(a.Arkivstatus))
	x.elem("dokumentmedium", "Elektronisk arkiv")
	x.dateTime("opprettetDato", a.OpprettetDato)
	x.elem("opprettetAv", a.OpprettetAv)
	e.closed(x, a.AvsluttetDato, a.AvsluttetAv)
	x.start("arkivskaper")
	x.elem("arkivskaperID", a.ArkivskaperID)
	x.elem("arkivskaperNavn", a.ArkivskaperNavn)
	x.end("arkivskaper")
	for _, del := range e.deler {
		if err := e.writeArkivdel(x, del); err != nil {
			xf.f.Close()
			return err
		}
	}
	x.end("arkiv")
	if err := e.close(xf); err != nil {
		return err
	}
	e.progressf("arkivstruktur.xml: %d cases, %d entries, %d documents (%s)", e.res.Mapper, e.res.Registreringer,
		e.res.Dokumentbeskrivelser, time.Since(e.start).Round(time.Second))
	return nil
}

// closed writes avsluttetDato and avsluttetAv, which Noark 5 requires of
// every arkiv, arkivdel and mappe in an extract: for a unit still open,
// the time of the extract and who made it.
func (e *exporter) closed(x *xmlWriter, at time.Time, by string) {
	if at.IsZero() {
		at, by = e.cut, e.by
	}
	x.dateTime("avsluttetDato", at)
	x.elem("avsluttetAv", nonEmpty(by, e.by))
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func (e *exporter) writeArkivdel(x *xmlWriter, del Arkivdel) error {
	x.start("arkivdel")
	x.elem("systemID", del.SystemID)
	x.elem("tittel", del.Tittel)
	x.elem("arkivdelstatus", arkivdelstatuser.text(del.Arkivdelstatus))
	x.elem("dokumentmedium", "Elektronisk arkiv")
	x.dateTime("opprettetDato", del.OpprettetDato)
	x.elem("opprettetAv", del.OpprettetAv)
	e.closed(x, del.AvsluttetDato, del.AvsluttetAv)
	x.date("arkivperiodeStartDato", del.ArkivperiodeStartDato)
	x.optDate("arkivperiodeSluttDato", del.ArkivperiodeSluttDato)
	klasser, err := e.klasserWithCases(del)
	if err != nil {
		return err
	}
	if len(klasser) > 0 {
		var ks struct {
			typ, tittel, av string
			at              time.Time
		}
		if err := e.s.db.QueryRowContext(e.ctx,
			`SELECT klassifikasjonstype, tittel, opprettet_dato, opprettet_av FROM archive_klassifikasjonssystem
			 WHERE tenant_id = $1 AND system_id = $2`, e.tenant, del.KlassifikasjonssystemID).Scan(&ks.typ, &ks.tittel, &ks.at, &ks.av); err != nil {
			return fmt.Errorf("klassifikasjonssystem of %s: %w", del.SystemID, err)
		}
		x.start("klassifikasjonssystem")
		x.elem("systemID", del.KlassifikasjonssystemID)
		x.opt("klassifikasjonstype", ks.typ)
		x.elem("tittel", ks.tittel)
		x.dateTime("opprettetDato", ks.at)
		x.elem("opprettetAv", ks.av)
		for _, k := range klasser {
			x.start("klasse")
			x.elem("systemID", k.SystemID)
			x.elem("klasseID", k.KlasseID)
			x.elem("tittel", k.Tittel)
			x.dateTime("opprettetDato", k.at)
			x.elem("opprettetAv", k.av)
			if err := e.writeCases(x, del, k.SystemID); err != nil {
				return err
			}
			x.end("klasse")
		}
		x.end("klassifikasjonssystem")
	}
	x.end("arkivdel")
	return x.err
}

type exportKlasse struct {
	Klasse
	at time.Time
	av string
}

// klasserWithCases lists the classes that hold cases of the archive part.
func (e *exporter) klasserWithCases(del Arkivdel) ([]exportKlasse, error) {
	rows, err := e.s.db.QueryContext(e.ctx,
		`SELECT k.system_id, k.klasse_id, k.tittel, k.opprettet_dato, k.opprettet_av FROM archive_klasse k
		 WHERE k.tenant_id = $1 AND k.klassifikasjonssystem_id = $2 AND EXISTS (
		   SELECT 1 FROM archive_saksmappe m WHERE m.tenant_id = k.tenant_id AND m.klasse_id = k.system_id
		     AND m.arkivdel_id = $3 AND m.opprettet_dato <= $4)
		 ORDER BY k.klasse_id`, e.tenant, del.KlassifikasjonssystemID, del.SystemID, e.cut)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exportKlasse
	for rows.Next() {
		var k exportKlasse
		if err := rows.Scan(&k.SystemID, &k.KlasseID, &k.Tittel, &k.at, &k.av); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// writeCases streams the cases of one archive part and class, a chunk at
// a time, with their entries, documents and files.
func (e *exporter) writeCases(x *xmlWriter, del Arkivdel, klasse string) error {
	lastYear, lastNr := 0, 0
	for {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		rows, err := e.s.db.QueryContext(e.ctx, `SELECT `+caseColumns+caseFrom+`
			WHERE m.tenant_id = $1 AND m.arkivdel_id = $2 AND m.klasse_id = $3 AND m.opprettet_dato <= $4
			  AND (m.saksaar, m.sakssekvensnummer) > ($5, $6)
			ORDER BY m.saksaar, m.sakssekvensnummer LIMIT $7`,
			e.tenant, del.SystemID, klasse, e.cut, lastYear, lastNr, casesPerChunk)
		if err != nil {
			return err
		}
		var cases []Saksmappe
		for rows.Next() {
			m, err := scanCase(rows, nil)
			if err != nil {
				rows.Close()
				return err
			}
			cases = append(cases, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(cases) == 0 {
			return nil
		}
		entries, err := e.entriesOf(cases)
		if err != nil {
			return err
		}
		for i := range cases {
			if err := e.writeCase(x, del, &cases[i], entries[cases[i].SystemID]); err != nil {
				return err
			}
		}
		last := cases[len(cases)-1]
		lastYear, lastNr = last.Saksaar, last.Sakssekvensnummer
		if len(cases) < casesPerChunk {
			return nil
		}
	}
}

// entriesOf reads the entries of cases, with parties, documents and files,
// grouped by case in journalpostnummer order.
func (e *exporter) entriesOf(cases []Saksmappe) (map[string][]*Journalpost, error) {
	out := make(map[string][]*Journalpost, len(cases))
	var all []*Journalpost
	for start := 0; start < len(cases); start += inBatch {
		batch := cases[start:min(start+inBatch, len(cases))]
		args := []any{e.tenant, e.cut}
		for _, m := range batch {
			args = append(args, m.SystemID)
		}
		rows, err := e.s.db.QueryContext(e.ctx, `SELECT `+entryColumns+entryFrom+`
			WHERE j.tenant_id = $1 AND j.opprettet_dato <= $2 AND j.saksmappe_id IN (`+placeholders(3, len(batch))+`)
			ORDER BY j.saksmappe_id, j.journalpostnummer`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			j, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[j.SaksmappeSystemID] = append(out[j.SaksmappeSystemID], j)
			all = append(all, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if err := loadChildren(e.ctx, e.s.db, e.tenant, all, true); err != nil {
		return nil, err
	}
	return out, nil
}

func (e *exporter) writeCase(x *xmlWriter, del Arkivdel, m *Saksmappe, entries []*Journalpost) error {
	e.res.Mapper++
	open := m.AvsluttetDato.IsZero()
	x.start("mappe", "xsi:type", "saksmappe")
	x.elem("systemID", m.SystemID)
	x.elem("mappeID", m.MappeID)
	x.elem("tittel", m.Tittel)
	x.opt("offentligTittel", m.OffentligTittel)
	x.opt("beskrivelse", m.Beskrivelse)
	x.dateTime("opprettetDato", m.OpprettetDato)
	x.elem("opprettetAv", m.OpprettetAv)
	e.closed(x, m.AvsluttetDato, m.AvsluttetAv)
	x.elem("referanseArkivdel", del.SystemID)
	if open {
		e.res.OpenCases++
		x.start("merknad")
		x.elem("merknadstekst", "Saken var ikke avsluttet da arkivuttrekket ble laget (saksstatus "+saksstatuser.text(m.Saksstatus)+
			"); avsluttetDato er tidspunktet for uttrekket.")
		x.elem("merknadstype", "Merknad fra arkivuttrekket")
		x.dateTime("merknadsdato", e.cut)
		x.elem("merknadRegistrertAv", e.by)
		x.end("merknad")
	}
	writeSkjerming(x, enhetMappe, m.Skjerming)
	for _, j := range entries {
		if err := e.writeEntry(x, j); err != nil {
			return err
		}
	}
	x.int("saksaar", int64(m.Saksaar))
	x.int("sakssekvensnummer", int64(m.Sakssekvensnummer))
	x.date("saksdato", m.Saksdato)
	x.elem("administrativEnhet", m.AdministrativEnhet)
	x.elem("saksansvarlig", m.Saksansvarlig)
	x.opt("journalenhet", m.Journalenhet)
	x.elem("saksstatus", saksstatuser.text(m.Saksstatus))
	x.end("mappe")
	return x.err
}

func writeSkjerming(x *xmlWriter, enhet string, s *Skjerming) {
	if s == nil {
		return
	}
	x.start("skjerming")
	x.elem("tilgangsrestriksjon", s.Tilgangsrestriksjon)
	x.elem("skjermingshjemmel", s.Skjermingshjemmel)
	for _, t := range skjermingTexts(enhet, s) {
		x.elem("skjermingMetadata", t)
	}
	if s.SkjermingDokument != "" {
		x.elem("skjermingDokument", skjermingDokumenter.text(s.SkjermingDokument))
	}
	if s.Skjermingsvarighet > 0 {
		x.int("skjermingsvarighet", int64(s.Skjermingsvarighet))
	}
	x.optDate("skjermingOpphoererDato", s.SkjermingOpphoererDato)
	x.end("skjerming")
}

func (e *exporter) writeEntry(x *xmlWriter, j *Journalpost) error {
	e.res.Registreringer++
	e.tick("arkivstruktur", &e.seenStruktur)
	x.start("registrering", "xsi:type", "journalpost")
	x.elem("systemID", j.SystemID)
	x.dateTime("opprettetDato", j.OpprettetDato)
	x.elem("opprettetAv", j.OpprettetAv)
	x.dateTime("arkivertDato", j.ArkivertDato)
	x.elem("arkivertAv", j.ArkivertAv)
	writeSkjerming(x, enhetRegistrering, j.Skjerming)
	vedlegg := 0
	for i := range j.Dokumenter {
		d := &j.Dokumenter[i]
		e.res.Dokumentbeskrivelser++
		if d.TilknyttetRegistreringSom == Vedlegg {
			vedlegg++
		}
		x.start("dokumentbeskrivelse")
		x.elem("systemID", d.SystemID)
		x.elem("dokumenttype", d.Dokumenttype)
		x.elem("dokumentstatus", dokumentstatuser.text(d.Dokumentstatus))
		x.elem("tittel", d.Tittel)
		x.dateTime("opprettetDato", d.OpprettetDato)
		x.elem("opprettetAv", d.OpprettetAv)
		x.elem("tilknyttetRegistreringSom", tilknytninger.text(d.TilknyttetRegistreringSom))
		x.int("dokumentnummer", int64(d.Dokumentnummer))
		x.dateTime("tilknyttetDato", d.TilknyttetDato)
		x.elem("tilknyttetAv", d.TilknyttetAv)
		writeSkjerming(x, enhetDokument, d.Skjerming)
		for k := range d.Dokumentobjekter {
			o := &d.Dokumentobjekter[k]
			if err := e.copyFile(o); err != nil {
				return err
			}
			x.start("dokumentobjekt")
			x.elem("systemID", o.SystemID)
			x.int("versjonsnummer", int64(o.Versjonsnummer))
			x.elem("variantformat", variantformater.text(o.Variantformat))
			x.elem("format", o.Format)
			x.opt("formatDetaljer", o.FormatDetaljer)
			x.dateTime("opprettetDato", o.OpprettetDato)
			x.elem("opprettetAv", o.OpprettetAv)
			x.elem("referanseDokumentfil", o.ReferanseDokumentfil)
			x.elem("sjekksum", o.Sjekksum)
			x.elem("sjekksumAlgoritme", "SHA256")
			x.int("filstoerrelse", o.Filstoerrelse)
			x.end("dokumentobjekt")
		}
		x.end("dokumentbeskrivelse")
	}
	x.elem("registreringsID", j.RegistreringsID)
	x.elem("tittel", j.Tittel)
	x.opt("offentligTittel", j.OffentligTittel)
	for _, p := range j.Korrespondanseparter {
		x.start("korrespondansepart")
		x.elem("korrespondanseparttype", korrespondanseparttyper.text(p.Korrespondanseparttype))
		x.elem("korrespondansepartNavn", p.Navn)
		for _, line := range p.Postadresse {
			x.opt("postadresse", line)
		}
		x.opt("postnummer", p.Postnummer)
		x.opt("poststed", p.Poststed)
		x.opt("land", p.Land)
		x.opt("epostadresse", p.Epostadresse)
		x.opt("telefonnummer", p.Telefonnummer)
		x.opt("kontaktperson", p.Kontaktperson)
		x.opt("administrativEnhet", p.AdministrativEnhet)
		x.opt("saksbehandler", p.Saksbehandler)
		x.end("korrespondansepart")
	}
	x.int("journalaar", int64(j.Journalaar))
	x.int("journalsekvensnummer", int64(j.Journalsekvensnummer))
	x.int("journalpostnummer", int64(j.Journalpostnummer))
	x.elem("journalposttype", journalposttyper.text(j.Journalposttype))
	x.elem("journalstatus", journalstatuser.text(j.Journalstatus))
	x.date("journaldato", j.Journaldato)
	x.date("dokumentetsDato", j.Dokumentdato)
	x.optDateTime("mottattDato", j.MottattDato)
	x.optDateTime("sendtDato", j.SendtDato)
	x.optDate("forfallsdato", j.Forfallsdato)
	if len(j.Dokumenter) > 0 {
		x.int("antallVedlegg", int64(vedlegg))
	}
	x.opt("journalenhet", j.Journalenhet)
	x.end("registrering")
	return x.err
}

// copyFile queues the copy of a document file into the package.
func (e *exporter) copyFile(o *Dokumentobjekt) error {
	ref := o.ReferanseDokumentfil
	if !validRef(ref) || !validSum(o.BlobID) {
		return fmt.Errorf("dokumentobjekt %s: bad file reference %q or blob id %q", o.SystemID, ref, o.BlobID)
	}
	dir := path.Dir(ref)
	d := e.dirs[dir]
	if d == nil {
		if err := e.root.MkdirAll(dir, 0o750); err != nil {
			return err
		}
		var err error
		if d, err = openDestDir(e.root, dir); err != nil {
			return err
		}
		e.dirs[dir] = d
	}
	e.res.Dokumentfiler++
	return e.copies.add(copyJob{sum: o.BlobID, size: o.Filstoerrelse, name: ref, dir: d, base: path.Base(ref)})
}

// validRef reports whether a stored file reference is a clean relative
// path under dokumenter/.
func validRef(ref string) bool {
	return strings.HasPrefix(ref, "dokumenter/") && path.Clean(ref) == ref && !strings.Contains(ref, "..") &&
		!strings.ContainsAny(ref, "\\:\x00")
}

// copier copies document files from the blob store into the package in a
// few goroutines, checking each against its SHA-256 and size. Jobs go in
// batches (a hand-over per file would cost more than a small file's
// copy); the queue is short, so the producer waits rather than piling up
// jobs.
type copier struct {
	ctx    context.Context
	root   *os.Root
	blobs  blob.Store
	jobs   chan []copyJob
	batch  []copyJob
	wg     sync.WaitGroup
	once   sync.Once
	mu     sync.Mutex
	err    error
	cancel context.CancelFunc
}

type copyJob struct {
	sum  string
	size int64
	name string   // the path in the package, for messages
	dir  *destDir // its folder, opened once (resolving a path in a Root costs a system call per element)
	base string   // its name in dir
}

func newCopier(ctx context.Context, root *os.Root, blobs blob.Store, workers int, cancel context.CancelFunc) *copier {
	c := &copier{ctx: ctx, root: root, blobs: blobs, jobs: make(chan []copyJob, 4), cancel: cancel}
	for i := 0; i < workers; i++ {
		c.wg.Add(1)
		go c.work(c.jobs)
	}
	return c
}

// copyBatch is how many files go to a worker at a time.
const copyBatch = 128

func (c *copier) add(j copyJob) error {
	c.batch = append(c.batch, j)
	if len(c.batch) < copyBatch {
		return nil
	}
	return c.send()
}

func (c *copier) send() error {
	if len(c.batch) == 0 {
		return nil
	}
	select {
	case c.jobs <- c.batch:
		c.batch = make([]copyJob, 0, copyBatch)
		return nil
	case <-c.ctx.Done():
		if err := c.firstErr(); err != nil {
			return err
		}
		return c.ctx.Err()
	}
}

func (c *copier) firstErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *copier) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.cancel()
}

// wait ends the queue, waits for the copies and returns the first error.
func (c *copier) wait() error {
	c.once.Do(func() {
		c.send()
		close(c.jobs)
	})
	c.wg.Wait()
	return c.firstErr()
}

func (c *copier) work(jobs <-chan []copyJob) {
	defer c.wg.Done()
	buf := make([]byte, 64<<10)
	h := sha256.New()
	for batch := range jobs {
		for _, j := range batch {
			if c.ctx.Err() != nil {
				break
			}
			if err := c.copy(j, buf, h); err != nil {
				c.fail(err)
			}
		}
	}
}

func (c *copier) copy(j copyJob, buf []byte, h hash.Hash) error {
	r, err := c.blobs.Open(c.ctx, j.sum)
	if err != nil {
		return errs.E(errs.Internal, keyExportBlob, fmt.Errorf("document file %s (blob %s): %w", j.name, j.sum, err))
	}
	defer r.Close()
	f, err := j.dir.create(j.base)
	if err != nil {
		return err
	}
	h.Reset()
	// The struct hides the blob's WriteTo, which would allocate a buffer
	// of its own for every file.
	n, err := io.CopyBuffer(io.MultiWriter(f, h), struct{ io.Reader }{r}, buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("document file %s: %w", j.name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != j.sum || n != j.size {
		return errs.E(errs.Internal, keyExportBlob, fmt.Errorf("document file %s: blob %s has SHA-256 %s and %d bytes, the archive says %d bytes", j.name, j.sum, got, n, j.size))
	}
	return nil
}

// ---------------------------------------------------------------------------
// endringslogg.xml

func (e *exporter) writeEndringslogg() error {
	xf, err := e.create("endringslogg.xml")
	if err != nil {
		return err
	}
	x := xf.x
	x.start("endringslogg", "xmlns", nsEndringslogg, "xmlns:xsi", nsXSI, "xsi:schemaLocation", nsEndringslogg+" endringslogg.xsd")
	last := 0
	for {
		rows, err := e.s.db.QueryContext(e.ctx,
			`SELECT nr, arkivenhet_id, referanse_metadata, endret_dato, endret_av, tidligere_verdi, ny_verdi FROM archive_endring
			 WHERE tenant_id = $1 AND ($2 = '' OR arkivdel_id = $2) AND endret_dato <= $3 AND nr > $4 ORDER BY nr LIMIT 5000`,
			e.tenant, e.opts.Arkivdel, e.cut, last)
		if err != nil {
			xf.f.Close()
			return err
		}
		n := 0
		for rows.Next() {
			var enhet, field, by, old, new string
			var at time.Time
			if err := rows.Scan(&last, &enhet, &field, &at, &by, &old, &new); err != nil {
				rows.Close()
				xf.f.Close()
				return err
			}
			n++
			e.res.Endringer++
			x.start("endring")
			x.elem("referanseArkivenhet", enhet)
			x.elem("referanseMetadata", field)
			x.dateTime("endretDato", at)
			x.elem("endretAv", by)
			x.elem("tidligereVerdi", nonEmpty(changeText(field, old), "(tom)"))
			x.elem("nyVerdi", nonEmpty(changeText(field, new), "(tom)"))
			x.end("endring")
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			xf.f.Close()
			return err
		}
		if n < 5000 {
			break
		}
	}
	x.end("endringslogg")
	if e.res.Endringer == 0 {
		// endringslogg.xsd needs at least one endring: no changes, no file.
		xf.f.Close()
		return e.root.Remove(xf.name)
	}
	if err := e.close(xf); err != nil {
		return err
	}
	e.progressf("endringslogg.xml: %d changes", e.res.Endringer)
	return nil
}

// changeText gives the catalogue text of a changed code value.
func changeText(field, v string) string {
	switch field {
	case "saksstatus":
		return saksstatuser.text(v)
	case "journalstatus":
		return journalstatuser.text(v)
	}
	return v
}

// ---------------------------------------------------------------------------
// loependeJournal.xml and offentligJournal.xml

// journalRow is an entry with what the journals show of its case and class.
type journalRow struct {
	j                                       *Journalpost
	arkivdel                                string
	saksaar, saksnr                         int
	sakTittel, sakOffentligTittel, sakEnhet string
	saksansvarlig                           string
	sakSkjerming                            *Skjerming
	klasseID, klasseTittel                  string
}

// patch is a value written into a reserved place after the body.
type patch struct {
	off   int64
	width int
}

// journal is one of the two journal files being written.
type journal struct {
	xf                *xmlFile
	start, end, count patch
}

func (e *exporter) openJournal(name, ns string) (*journal, error) {
	xf, err := e.create(name)
	if err != nil {
		return nil, err
	}
	x := xf.x
	x.start(strings.TrimSuffix(name, ".xml"), "xmlns", ns, "xmlns:xsi", nsXSI, "xsi:schemaLocation", ns+" "+strings.TrimSuffix(name, ".xml")+".xsd")
	x.start("journalhode")
	jr := &journal{xf: xf}
	jr.start = reserve(x, "journalStartDato", 10)
	jr.end = reserve(x, "journalSluttDato", 10)
	jr.count = reserve(x, "antallJournalposter", 20)
	x.start("arkivskaper")
	x.elem("arkivskaperID", e.arkiv.ArkivskaperID)
	x.elem("arkivskaperNavn", e.arkiv.ArkivskaperNavn)
	x.end("arkivskaper")
	x.end("journalhode")
	return jr, nil
}

// reserve writes <name> with width spaces, to be patched.
func reserve(x *xmlWriter, name string, width int) patch {
	x.indent()
	x.raw("<" + name + ">")
	p := patch{off: x.n, width: width}
	x.raw(strings.Repeat(" ", width))
	x.raw("</" + name + ">")
	return p
}

func (e *exporter) writeJournals() error {
	loep, err := e.openJournal("loependeJournal.xml", nsLoependeJournal)
	if err != nil {
		return err
	}
	off, err := e.openJournal("offentligJournal.xml", nsOffentligJournal)
	if err != nil {
		loep.xf.f.Close()
		return err
	}
	var first, last time.Time
	n := 0
	var lastJnr int64
	fail := func(err error) error {
		loep.xf.f.Close()
		off.xf.f.Close()
		return err
	}
	for {
		if err := e.ctx.Err(); err != nil {
			return fail(err)
		}
		rows, err := e.s.db.QueryContext(e.ctx, `SELECT `+entryColumns+`, m.arkivdel_id, m.tittel, m.offentlig_tittel,
			  m.administrativ_enhet, m.saksansvarlig, k.klasse_id, k.tittel,
			  COALESCE(ms.arkivenhet_id, ''), COALESCE(ms.tilgangsrestriksjon, ''), COALESCE(ms.skjermingshjemmel, ''),
			  COALESCE(ms.skjerming_metadata, ''), COALESCE(ms.skjerming_dokument, ''), COALESCE(ms.skjermingsvarighet, 0), ms.skjerming_opphoerer_dato
			`+entryFrom+`
			JOIN archive_klasse k ON k.tenant_id = m.tenant_id AND k.system_id = m.klasse_id
			LEFT JOIN archive_skjerming ms ON ms.tenant_id = m.tenant_id AND ms.jnr = 0 AND ms.arkivenhet_id = m.system_id
			WHERE j.tenant_id = $1 AND ($2 = '' OR m.arkivdel_id = $2) AND j.opprettet_dato <= $3 AND j.jnr > $4
			ORDER BY j.jnr LIMIT $5`,
			e.tenant, e.opts.Arkivdel, e.cut, lastJnr, journalsPerChunk)
		if err != nil {
			return fail(err)
		}
		var chunk []journalRow
		var entries []*Journalpost
		for rows.Next() {
			var r journalRow
			var ms skjermingScan
			j, err := scanEntry(scanPrefix{rows, []any{&r.arkivdel, &r.sakTittel, &r.sakOffentligTittel, &r.sakEnhet, &r.saksansvarlig,
				&r.klasseID, &r.klasseTittel, &ms.id, &ms.kode, &ms.hjemmel, &ms.metadata, &ms.dokument, &ms.varighet, &ms.opphoerer}})
			if err != nil {
				rows.Close()
				return fail(err)
			}
			r.j, r.sakSkjerming = j, ms.result()
			r.saksaar, r.saksnr, _, _ = ParseRegistreringsID(j.RegistreringsID)
			chunk = append(chunk, r)
			entries = append(entries, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fail(err)
		}
		if len(chunk) == 0 {
			break
		}
		if err := loadChildren(e.ctx, e.s.db, e.tenant, entries, false); err != nil {
			return fail(err)
		}
		for i := range chunk {
			r := &chunk[i]
			if n == 0 || r.j.Journaldato.Before(first) {
				first = r.j.Journaldato
			}
			if n == 0 || r.j.Journaldato.After(last) {
				last = r.j.Journaldato
			}
			n++
			e.tick("journals", &e.seenJournal)
			if r.j.Skjerming != nil {
				e.res.Skjermet++
			}
			writeLoependeJournal(loep.xf.x, r)
			writeOffentligJournal(off.xf.x, r)
		}
		if loep.xf.x.err != nil || off.xf.x.err != nil {
			return fail(errors.Join(loep.xf.x.err, off.xf.x.err))
		}
		lastJnr = chunk[len(chunk)-1].j.jnr()
		if len(chunk) < journalsPerChunk {
			break
		}
	}
	e.res.Journalposter = n
	for _, jr := range []*journal{loep, off} {
		x := jr.xf.x
		x.end(strings.TrimSuffix(jr.xf.name, ".xml"))
		if err := x.flush(); err != nil {
			return fail(err)
		}
		if n == 0 {
			// The journals need at least one journalregistrering.
			jr.xf.f.Close()
			if err := e.root.Remove(jr.xf.name); err != nil {
				return err
			}
			continue
		}
		for _, p := range []struct {
			at patch
			v  string
		}{{jr.start, first.Format("2006-01-02")}, {jr.end, last.Format("2006-01-02")}, {jr.count, strconv.Itoa(n)}} {
			v := p.v + strings.Repeat(" ", p.at.width-len(p.v))
			if _, err := jr.xf.f.WriteAt([]byte(v), p.at.off); err != nil {
				return fail(err)
			}
		}
		if err := jr.xf.f.Sync(); err != nil {
			return fail(err)
		}
		// The header changed after the body was hashed: hash the file again.
		if _, err := jr.xf.f.Seek(0, io.SeekStart); err != nil {
			return fail(err)
		}
		h := sha256.New()
		size, err := io.Copy(h, jr.xf.f)
		if err != nil {
			return fail(err)
		}
		if err := jr.xf.f.Close(); err != nil {
			return err
		}
		e.addFile(ExportFile{Name: jr.xf.name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	e.progressf("loependeJournal.xml, offentligJournal.xml: %d entries, %d screened (%s)", n, e.res.Skjermet, time.Since(e.start).Round(time.Second))
	return nil
}

// scanPrefix scans a row whose first columns are an entry's and whose
// remaining columns go to rest.
type scanPrefix struct {
	rows interface{ Scan(...any) error }
	rest []any
}

func (s scanPrefix) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.rest...)...) }

// firstText is the first catalogue text of a screening, for the journals'
// single skjermingMetadata element.
func firstText(enhet string, s *Skjerming) string {
	if s == nil {
		return ""
	}
	if t := skjermingTexts(enhet, s); len(t) > 0 {
		return t[0]
	}
	return ""
}

// publicTitle is what the public may see of a title: offentligTittel,
// or "******" when the title is screened and there is none.
func publicTitle(tittel, offentlig string, s *Skjerming) string {
	if offentlig != "" {
		return offentlig
	}
	if s.Screens(SkjermingTittel) {
		return Masked
	}
	return tittel
}

// partyScreened reports whether the name of party p is screened by s.
func partyScreened(p Korrespondansepart, s *Skjerming) (bool, string) {
	switch {
	case isSender(p.Korrespondanseparttype) && s.Screens(SkjermingAvsender):
		return true, "Skjerming navn avsender"
	case isRecipient(p.Korrespondanseparttype) && s.Screens(SkjermingMottaker):
		return true, "Skjerming navn mottaker"
	}
	return false, ""
}

func writeLoependeJournal(x *xmlWriter, r *journalRow) {
	j := r.j
	x.start("journalregistrering")
	x.start("klasse")
	x.elem("klasseID", r.klasseID)
	x.elem("tittel", r.klasseTittel)
	x.end("klasse")
	x.start("saksmappe")
	x.elem("mappeID", fmt.Sprintf("%d/%d", r.saksaar, r.saksnr))
	x.int("saksaar", int64(r.saksaar))
	x.int("sakssekvensnummer", int64(r.saksnr))
	x.elem("tittel", r.sakTittel)
	x.opt("offentligTittel", r.sakOffentligTittel)
	x.opt("skjermingMetadata", firstText(enhetMappe, r.sakSkjerming))
	x.opt("administrativEnhet", r.sakEnhet)
	x.opt("saksansvarlig", r.saksansvarlig)
	x.elem("referanseArkivdel", r.arkivdel)
	x.end("saksmappe")
	x.start("journalpost")
	x.elem("systemID", j.SystemID)
	x.elem("registreringsID", j.RegistreringsID)
	x.int("journalaar", int64(j.Journalaar))
	x.int("journalsekvensnummer", int64(j.Journalsekvensnummer))
	x.int("journalpostnummer", int64(j.Journalpostnummer))
	x.elem("tittel", j.Tittel)
	x.opt("offentligTittel", j.OffentligTittel)
	x.opt("skjermingMetadata", firstText(enhetRegistrering, j.Skjerming))
	x.date("journaldato", j.Journaldato)
	x.date("dokumentetsDato", j.Dokumentdato)
	x.opt("administrativEnhet", j.AdministrativEnhet)
	x.opt("saksbehandler", j.Saksbehandler)
	x.opt("journalenhet", j.Journalenhet)
	if j.Skjerming != nil {
		x.elem("tilgangsrestriksjon", j.Skjerming.Tilgangsrestriksjon)
		x.elem("skjermingshjemmel", j.Skjerming.Skjermingshjemmel)
	}
	for _, p := range j.Korrespondanseparter {
		x.start("korrespondansepart")
		x.elem("korrespondanseparttype", korrespondanseparttyper.text(p.Korrespondanseparttype))
		x.elem("korrespondansepartNavn", p.Navn)
		if ok, text := partyScreened(p, j.Skjerming); ok {
			x.elem("skjermingMetadata", text)
		}
		x.end("korrespondansepart")
	}
	x.end("journalpost")
	x.end("journalregistrering")
}

func writeOffentligJournal(x *xmlWriter, r *journalRow) {
	j := r.j
	x.start("journalregistrering")
	x.start("klasse")
	x.elem("klasseID", r.klasseID)
	x.elem("tittel", r.klasseTittel)
	x.end("klasse")
	x.start("saksmappe")
	x.elem("mappeID", fmt.Sprintf("%d/%d", r.saksaar, r.saksnr))
	x.int("saksaar", int64(r.saksaar))
	x.int("sakssekvensnummer", int64(r.saksnr))
	x.elem("offentligTittel", publicTitle(r.sakTittel, r.sakOffentligTittel, r.sakSkjerming))
	x.opt("administrativEnhet", r.sakEnhet)
	x.opt("saksansvarlig", r.saksansvarlig)
	if r.sakSkjerming != nil {
		x.elem("tilgangsrestriksjon", r.sakSkjerming.Tilgangsrestriksjon)
		x.elem("skjermingshjemmel", r.sakSkjerming.Skjermingshjemmel)
	}
	x.end("saksmappe")
	x.start("journalpost")
	x.elem("systemID", j.SystemID)
	x.elem("registreringsID", j.RegistreringsID)
	x.int("journalaar", int64(j.Journalaar))
	x.int("journalsekvensnummer", int64(j.Journalsekvensnummer))
	x.int("journalpostnummer", int64(j.Journalpostnummer))
	x.elem("offentligTittel", publicTitle(j.Tittel, j.OffentligTittel, j.Skjerming))
	x.opt("skjermingMetadata", firstText(enhetRegistrering, j.Skjerming))
	x.date("journaldato", j.Journaldato)
	x.date("dokumentetsDato", j.Dokumentdato)
	x.opt("administrativEnhet", j.AdministrativEnhet)
	x.opt("saksbehandler", j.Saksbehandler)
	if j.Skjerming != nil {
		x.elem("tilgangsrestriksjon", j.Skjerming.Tilgangsrestriksjon)
		x.elem("skjermingshjemmel", j.Skjerming.Skjermingshjemmel)
	}
	for _, p := range j.Korrespondanseparter {
		x.start("korrespondansepart")
		x.elem("korrespondanseparttype", korrespondanseparttyper.text(p.Korrespondanseparttype))
		name := p.Navn
		if ok, _ := partyScreened(p, j.Skjerming); ok {
			name = Masked
		}
		x.elem("korrespondansepartNavn", name)
		x.end("korrespondansepart")
	}
	x.end("journalpost")
	x.end("journalregistrering")
}

// ---------------------------------------------------------------------------
// arkivuttrekk.xml (ADDML)

func (e *exporter) fileSum(name string) (ExportFile, bool) {
	for _, f := range e.res.Files {
		if f.Name == name {
			return f, true
		}
	}
	return ExportFile{}, false
}

func (e *exporter) writeADDML() error {
	xf, err := e.create("arkivuttrekk.xml")
	if err != nil {
		return err
	}
	x := xf.x
	prop := func(name, value string) {
		x.start("property", "name", name)
		x.elem("value", value)
		x.end("property")
	}
	typedProp := func(name, typ, value string) {
		x.start("property", "dataType", typ, "name", name)
		x.elem("value", value)
		x.end("property")
	}
	fileProps := func(name, sum string) {
		x.start("property", "name", "file")
		x.start("properties")
		prop("name", name)
		x.start("property", "name", "format")
		x.elem("value", "XML")
		x.start("properties")
		prop("version", "1.0")
		x.end("properties")
		x.end("property")
		x.start("property", "name", "checksum")
		x.start("properties")
		prop("algorithm", "SHA-256")
		prop("value", sum)
		x.end("properties")
		x.end("property")
		x.end("properties")
		x.end("property")
	}
	schema := func(name string, main bool) {
		x.start("property", "name", "schema")
		if main {
			x.elem("value", "main")
		}
		x.start("properties")
		fileProps(name, xsdSum(name))
		x.start("property", "name", "type")
		x.elem("value", "XML Schema")
		x.start("properties")
		prop("version", "1.0")
		x.end("properties")
		x.end("property")
		x.end("properties")
		x.end("property")
	}
	occurrences := func(counts ...any) {
		x.start("property", "name", "info")
		x.start("properties")
		for i := 0; i+1 < len(counts); i += 2 {
			name := counts[i].(string)
			x.start("property", "name", "numberOfOccurrences")
			x.elem("value", name)
			x.start("properties")
			prop("elementPath", "//"+name)
			typedProp("value", "integer", strconv.Itoa(counts[i+1].(int)))
			x.end("properties")
			x.end("property")
		}
		x.end("properties")
		x.end("property")
	}
	dataObject := func(name string, counts ...any) {
		f, ok := e.fileSum(name + ".xml")
		if !ok {
			return
		}
		x.start("dataObject", "name", name)
		x.start("properties")
		fileProps(f.Name, f.SHA256)
		schema(name+".xsd", true)
		schema("metadatakatalog.xsd", false)
		occurrences(counts...)
		x.end("properties")
		x.end("dataObject")
	}

	first, last := e.period()
	x.start("addml", "xmlns", nsADDML, "xmlns:xsi", nsXSI, "xsi:schemaLocation", nsADDML+" addml.xsd", "name", "Noark 5-arkivuttrekk")
	x.start("dataset")
	x.elem("description", "Noark 5-arkivuttrekk")
	x.start("reference")
	x.start("context")
	x.start("additionalElements")
	x.start("additionalElement", "name", "recordCreators")
	x.start("additionalElements")
	x.start("additionalElement", "name", "recordCreator")
	x.elem("value", e.arkiv.ArkivskaperNavn)
	x.end("additionalElement")
	x.end("additionalElements")
	x.end("additionalElement")
	x.start("additionalElement", "name", "systemType")
	x.elem("value", "Sakarkiv (Noark-5)")
	x.end("additionalElement")
	x.start("additionalElement", "name", "systemName")
	x.elem("value", "Torg")
	x.end("additionalElement")
	x.start("additionalElement", "name", "archive")
	x.elem("value", e.arkiv.Tittel)
	x.end("additionalElement")
	x.end("additionalElements")
	x.end("context")
	x.start("content")
	x.start("additionalElements")
	x.start("additionalElement", "name", "archivalPeriod")
	x.start("properties")
	prop("startDate", first.Format("2006-01-02"))
	prop("endDate", last.Format("2006-01-02"))
	x.end("properties")
	x.end("additionalElement")
	x.end("additionalElements")
	x.end("content")
	x.end("reference")

	x.start("dataObjects")
	x.start("dataObject", "name", "Noark 5-arkivuttrekk")
	x.start("properties")
	x.start("property", "name", "info")
	x.start("properties")
	x.start("property", "name", "type")
	x.elem("value", "Noark 5")
	x.start("properties")
	prop("version", "5.0")
	x.end("properties")
	x.end("property")
	x.start("property", "name", "additionalInfo")
	x.start("properties")
	x.start("property", "name", "periode")
	x.start("properties")
	prop("inngaaendeSkille", "skarpt")
	prop("utgaaendeSkille", "skarpt")
	x.end("properties")
	x.end("property")
	typedProp("inneholderSkjermetInformasjon", "boolean", strconv.FormatBool(e.res.Skjermet > 0 || e.hasScreening()))
	typedProp("omfatterDokumenterSomErKassert", "boolean", "false")
	typedProp("inneholderDokumenterSomSkalKasseres", "boolean", "false")
	typedProp("inneholderVirksomhetsspesifikkeMetadata", "boolean", "false")
	typedProp("antallDokumentfiler", "integer", strconv.Itoa(e.res.Dokumentfiler))
	x.end("properties")
	x.end("property")
	x.end("properties")
	x.end("property")
	x.end("properties")
	x.start("dataObjects")
	dataObject("arkivstruktur", "mappe", e.res.Mapper, "registrering", e.res.Registreringer)
	dataObject("endringslogg", "endring", e.res.Endringer)
	dataObject("loependeJournal", "journalregistrering", e.res.Journalposter)
	dataObject("offentligJournal", "journalregistrering", e.res.Journalposter)
	x.end("dataObjects")
	x.end("dataObject")
	x.end("dataObjects")
	x.end("dataset")
	x.end("addml")
	return e.close(xf)
}

// period is the archival period of the exported parts: from the first
// part's start to the last part's end (or the extract's date).
func (e *exporter) period() (time.Time, time.Time) {
	deler := append([]Arkivdel(nil), e.deler...)
	sort.Slice(deler, func(i, k int) bool { return deler[i].ArkivperiodeStartDato.Before(deler[k].ArkivperiodeStartDato) })
	first := deler[0].ArkivperiodeStartDato
	last := todayIn(e.cut)
	for _, d := range deler {
		if d.ArkivperiodeSluttDato.IsZero() {
			return first, todayIn(e.cut)
		}
		last = d.ArkivperiodeSluttDato
	}
	return first, last
}

// hasScreening reports whether any exported case or document is screened
// (entries are counted while the journals are written).
func (e *exporter) hasScreening() bool {
	var one int
	err := e.s.db.QueryRowContext(e.ctx,
		`SELECT 1 FROM archive_skjerming s JOIN archive_saksmappe m ON m.tenant_id = s.tenant_id AND m.system_id = s.arkivenhet_id
		 WHERE s.tenant_id = $1 AND s.jnr = 0 AND ($2 = '' OR m.arkivdel_id = $2) LIMIT 1`, e.tenant, e.opts.Arkivdel).Scan(&one)
	return err == nil
}
