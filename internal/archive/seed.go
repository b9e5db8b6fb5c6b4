package archive

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// MaxSeedEntries bounds one Seed run.
const MaxSeedEntries = 100_000_000

// SeedOptions say what Seed generates.
type SeedOptions struct {
	Entries   int        // journal entries to make, 1 to MaxSeedEntries
	Years     int        // spread over this many years up to today; 5 when 0
	Blobs     blob.Store // where the generated document files go
	Documents int        // distinct generated document files, shared by the entries; 500 when 0
	Batch     int        // entries per transaction; 5,000 when 0
	Rand      uint64     // seed of the generator (the same seed gives the same titles, names and numbers; systemIDs are random); 1 when 0
	Progress  io.Writer  // a line every Every entries and a summary; nil for none
	Every     int        // 10,000 when 0
}

// SeedResult counts what Seed made.
type SeedResult struct {
	Cases, Entries, Parties, Documents, Screened, Closed int
	Took                                                 time.Duration
}

// Seed fills tenant's archive with generated cases and journal entries for
// tests and benchmarks: Norwegian titles by subject (building permits,
// kindergarten, school, health and care, planning, political cases,
// hiring, purchasing), senders and recipients with names and addresses,
// dates spread evenly over opts.Years years up to now (one closed archive
// part per past year, the current part for this year), about 10 % of the
// entries screened with an access code and legal basis, one or two
// documents per entry as small generated text files, and most older cases
// closed (with their change-log entries). Numbers are given out like
// CreateCase and AddEntry do (gap-free per municipality and year), but
// many rows are inserted per statement and opts.Batch entries per
// transaction, with one audit entry per transaction. Errors: Invalid when
// opts.Entries is out of range.
func (s *Service) Seed(ctx context.Context, tenant, municipalityName string, opts SeedOptions, actor audit.Entry) (SeedResult, error) {
	const op = errs.Op("archive.Seed")
	start := time.Now()
	if opts.Entries < 1 || opts.Entries > MaxSeedEntries {
		return SeedResult{}, errs.E(op, errs.Invalid, keySeedEntries, []any{MaxSeedEntries})
	}
	if opts.Blobs == nil {
		return SeedResult{}, errs.E(op, errs.Internal, errors.New("no blob store"))
	}
	if opts.Years <= 0 {
		opts.Years = 5
	}
	if opts.Documents <= 0 {
		opts.Documents = 500
	}
	if opts.Batch <= 0 {
		opts.Batch = 5000
	}
	if opts.Rand == 0 {
		opts.Rand = 1
	}
	if opts.Every <= 0 {
		opts.Every = 10000
	}
	current, err := s.EnsureDefaults(ctx, tenant, municipalityName, actor)
	if err != nil {
		return SeedResult{}, errs.E(op, err)
	}
	g := &seeder{s: s, ctx: ctx, tenant: tenant, opts: opts, actor: actor, by: actorName(actor), current: current,
		r: rand.New(rand.NewPCG(opts.Rand, 0x746f7267)), parts: map[int]string{}, klasser: map[string]string{}}
	g.end = s.db.Now()
	g.begin = g.end.AddDate(-opts.Years, 0, 0)
	if err := g.prepare(); err != nil {
		return SeedResult{}, errs.E(op, err)
	}
	if s.db.Dialect() == db.SQLite {
		// Big batches touch many pages of the indexes: give the writer a
		// larger page cache and keep statement journals in memory while
		// seeding, so pages are not spilled to disk before the commit.
		if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
			return err
		}); err != nil {
			return SeedResult{}, errs.E(op, err)
		}
		defer s.db.Tx(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -2000`); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`)
			return err
		})
	}
	analyzeAt := 20_000
	for done := 0; done < opts.Entries; {
		n := min(opts.Batch, opts.Entries-done)
		if err := g.batch(done, n); err != nil {
			return g.res, errs.E(op, err)
		}
		// Index the batch for the public journal while its pages are warm.
		if err := s.RefreshPublicJournal(ctx, tenant); err != nil {
			return g.res, errs.E(op, err)
		}
		done += n
		// PostgreSQL plans the seeder's and the indexer's queries from
		// statistics that go stale as the tables grow, and autovacuum may
		// be off or behind: with the statistics of empty tables, loading
		// the rows to index hashes whole tables, and seeding ran at 110
		// entries a second instead of 690 (docs/benchmarks.md). Gather
		// them each time the archive has doubled.
		if s.db.Dialect() == db.Postgres && done >= analyzeAt && done < opts.Entries {
			if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `ANALYZE`)
				return err
			}); err != nil {
				return g.res, errs.E(op, err)
			}
			analyzeAt *= 2
		}
		if opts.Progress != nil && (done/opts.Every != (done-n)/opts.Every || done == opts.Entries) {
			el := time.Since(start)
			fmt.Fprintf(opts.Progress, "archive seed: %d/%d entries, %d cases (%s, %.0f entries/s)\n",
				done, opts.Entries, g.res.Cases, el.Round(time.Second), float64(done)/el.Seconds())
		}
	}
	// After a bulk load PostgreSQL's planner statistics are stale until
	// autovacuum catches up, and with them the public journal picks poor
	// plans (a hash of every screened case instead of 25 index lookups);
	// gather them now. SQLite needs nothing: its plans do not use them here.
	if s.db.Dialect() == db.Postgres {
		if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `ANALYZE`)
			return err
		}); err != nil {
			return g.res, errs.E(op, err)
		}
	}
	g.res.Took = time.Since(start)
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "archive seed done: %d entries in %d cases (%d closed), %d parties, %d documents, %d entries screened, in %s\n",
			g.res.Entries, g.res.Cases, g.res.Closed, g.res.Parties, g.res.Documents, g.res.Screened, g.res.Took.Round(time.Millisecond))
	}
	return g.res, nil
}

type seeder struct {
	s          *Service
	ctx        context.Context
	tenant     string
	opts       SeedOptions
	actor      audit.Entry
	by         string
	current    Arkivdel
	r          *rand.Rand
	begin, end time.Time
	parts      map[int]string    // year → arkivdel systemID
	klasser    map[string]string // klasseID → systemID
	files      []seedFile
	open       []*seedCase // cases taking entries, oldest first
	touched    []*seedCase // cases changed in the current batch
	res        SeedResult
}

type seedFile struct {
	sum  string
	size int64
}

type seedCase struct {
	id        string
	topic     *topic
	year, nr  int
	arkivdel  string
	klasse    string
	tittel    string
	offentlig string
	person    string // the person the case is about, if any
	ansvarlig string
	opened    time.Time
	last      int  // last journalpostnummer
	inserted  bool // the row exists (made in an earlier batch)
	touched   bool
	closedAt  time.Time
	screened  bool
}

// prepare makes the archive parts of past years, the classes and the
// document files.
func (g *seeder) prepare() error {
	for _, t := range topics {
		if _, err := g.klasse(t); err != nil {
			return err
		}
	}
	thisYear := g.end.In(oslo).Year()
	g.parts[thisYear] = g.current.SystemID
	err := g.s.db.Tx(g.ctx, func(tx *sql.Tx) error {
		for y := g.begin.In(oslo).Year(); y < thisYear; y++ {
			title := fmt.Sprintf("Sakarkiv %d", y)
			var id string
			err := tx.QueryRowContext(g.ctx, `SELECT system_id FROM archive_arkivdel WHERE tenant_id = $1 AND tittel = $2`, g.tenant, title).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				a, err := insertArkivdel(g.ctx, tx, g.tenant, g.current.ArkivSystemID, g.current.KlassifikasjonssystemID, title, "P",
					time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), g.end, g.by)
				if err != nil {
					return err
				}
				id = a.SystemID
			} else if err != nil {
				return err
			}
			g.parts[y] = id
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := 0; i < g.opts.Documents; i++ {
		body := g.letter(i)
		sum, size, err := g.opts.Blobs.Put(g.ctx, bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return err
		}
		g.files = append(g.files, seedFile{sum, size})
	}
	return nil
}

func (g *seeder) klasse(t *topic) (string, error) {
	if id, ok := g.klasser[t.klasseID]; ok {
		return id, nil
	}
	var id string
	err := g.s.db.Tx(g.ctx, func(tx *sql.Tx) error {
		var err error
		id, err = ensureKlasse(g.ctx, tx, g.tenant, g.current.KlassifikasjonssystemID, t.klasseID, t.klasseTittel, g.end, g.by)
		return err
	})
	g.klasser[t.klasseID] = id
	return id, err
}

// letter generates document file i: a short letter in Norwegian.
func (g *seeder) letter(i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nDokument %d\n\n", g.current.Tittel, i+1)
	n := 3 + i%5
	for k := 0; k < n; k++ {
		b.WriteString(sentences[(i*7+k*3)%len(sentences)])
		b.WriteString(" ")
		if k%2 == 1 {
			b.WriteString("\n\n")
		}
	}
	b.WriteString("\n\nMed hilsen\n" + staff[i%len(staff)] + "\n")
	return []byte(b.String())
}

func (g *seeder) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *seeder) person() string { return g.pick(firstNames) + " " + g.pick(lastNames) }

// timeOf spreads entry number i of the whole run evenly over the period.
func (g *seeder) timeOf(i int) time.Time {
	span := g.end.Sub(g.begin)
	return g.begin.Add(time.Duration(float64(span) * (float64(i) + 0.5) / float64(g.opts.Entries))).Truncate(time.Microsecond)
}

// seedEntry is an entry generated in the current batch.
type seedEntry struct {
	c *seedCase
	j Journalpost
}

// batch generates and inserts entries from..from+n in one transaction.
func (g *seeder) batch(from, n int) error {
	var entries []seedEntry
	var newCases []*seedCase
	var closed []*seedCase
	g.touched = g.touched[:0]
	for i := from; i < from+n; i++ {
		at := g.timeOf(i)
		c := g.caseFor(at, &newCases, &closed)
		c.last++
		g.touch(c)
		entries = append(entries, seedEntry{c: c, j: g.entry(c, at)})
	}
	// Close cases that have been quiet for long, as a case worker would.
	at := g.timeOf(from + n - 1)
	for len(g.open) > 0 && at.Sub(g.open[0].opened) > 120*24*time.Hour {
		c := g.open[0]
		g.open = g.open[1:]
		g.close(c, at, &closed)
	}
	return g.s.db.Tx(g.ctx, func(tx *sql.Tx) error {
		// Numbers: reserve each year's range, then hand them out in order.
		caseYears, journalYears := map[int]int{}, map[int]int{}
		for _, c := range newCases {
			caseYears[c.year]++
		}
		for _, e := range entries {
			journalYears[e.j.Journalaar]++
		}
		caseNext, err := reserveAll(g.ctx, tx, g.tenant, "sak", caseYears)
		if err != nil {
			return err
		}
		journalNext, err := reserveAll(g.ctx, tx, g.tenant, "journal", journalYears)
		if err != nil {
			return err
		}
		for _, c := range newCases {
			c.nr = caseNext[c.year]
			caseNext[c.year]++
		}
		for i := range entries {
			j := &entries[i].j
			j.Journalsekvensnummer = journalNext[j.Journalaar]
			journalNext[j.Journalaar]++
			c := entries[i].c
			j.RegistreringsID = fmt.Sprintf("%d/%d-%d", c.year, c.nr, j.Journalpostnummer)
		}
		if err := g.insertEntries(tx, entries); err != nil {
			return err
		}
		if err := g.writeCases(tx, newCases, closed); err != nil {
			return err
		}
		a := g.actor
		a.Tenant, a.Action, a.Object = g.tenant, "archive.seed", "arkiv:"+g.current.ArkivSystemID
		a.Detail = fmt.Sprintf("genererte %d journalposter og %d saksmapper", len(entries), len(newCases))
		_, err = g.s.log.Append(g.ctx, tx, a)
		return err
	})
}

// reserveAll reserves numbers for each year and returns the first of each.
func reserveAll(ctx context.Context, tx *sql.Tx, tenant, kind string, counts map[int]int) (map[int]int, error) {
	next := map[int]int{}
	for year, n := range counts {
		last, err := reserveNumbers(ctx, tx, tenant, kind, year, n)
		if err != nil {
			return nil, err
		}
		next[year] = last - n + 1
	}
	return next, nil
}

// caseFor picks the case an entry at time at goes into: a new case about
// one in seven times (and when none is open), else an open one, recent
// ones more often.
func (g *seeder) caseFor(at time.Time, newCases, closed *[]*seedCase) *seedCase {
	if len(g.open) == 0 || g.r.IntN(7) == 0 {
		c := g.newCase(at)
		*newCases = append(*newCases, c)
		g.open = append(g.open, c)
		if len(g.open) > 600 {
			old := g.open[0]
			g.open = g.open[1:]
			g.close(old, at, closed)
		}
		return c
	}
	k := len(g.open) - 1 - int(float64(len(g.open))*g.r.Float64()*g.r.Float64())
	return g.open[max(k, 0)]
}

// close ends a case: nine in ten are closed (Avsluttet), the rest stay
// under treatment and leave the set of cases taking entries.
func (g *seeder) close(c *seedCase, at time.Time, closed *[]*seedCase) {
	if g.r.IntN(10) == 0 {
		return
	}
	c.closedAt = at
	g.touch(c)
	*closed = append(*closed, c)
}

// touch marks a case as changed in the current batch.
func (g *seeder) touch(c *seedCase) {
	if !c.touched {
		c.touched = true
		g.touched = append(g.touched, c)
	}
}

func (g *seeder) newCase(at time.Time) *seedCase {
	t := pickTopic(g.r)
	c := &seedCase{id: newID(), topic: t, year: at.In(oslo).Year(), opened: at, ansvarlig: g.pick(staff)}
	c.arkivdel = g.parts[c.year]
	if c.arkivdel == "" {
		c.arkivdel = g.current.SystemID
	}
	c.klasse = g.klasser[t.klasseID]
	what := g.pick(t.cases)
	switch {
	case strings.Contains(what, "{person}"):
		c.person = g.person()
		c.tittel = strings.ReplaceAll(what, "{person}", c.person)
		c.offentlig = strings.ReplaceAll(what, "{person}", Masked)
		c.screened = true
	default:
		c.tittel = g.fill(what, at)
	}
	return c
}

// fill replaces the placeholders of a title.
func (g *seeder) fill(s string, at time.Time) string {
	r := strings.NewReplacer(
		"{adresse}", fmt.Sprintf("%s %d", g.pick(streets), 1+g.r.IntN(80)),
		"{gnr}", fmt.Sprintf("%d/%d", 1+g.r.IntN(300), 1+g.r.IntN(120)),
		"{sted}", g.pick(places),
		"{aar}", strconv.Itoa(at.In(oslo).Year()+1),
		"{stilling}", g.pick(positions),
		"{vare}", g.pick(goods),
	)
	return r.Replace(s)
}

// entry generates the journal entry at time at in case c (its
// journalpostnummer already counted).
func (g *seeder) entry(c *seedCase, at time.Time) Journalpost {
	t := c.topic
	typ := Inngaaende
	if c.last > 1 {
		typ = pickType(g.r, t)
	}
	j := Journalpost{SystemID: newID(), SaksmappeSystemID: c.id, Journalposttype: typ, Journalpostnummer: c.last,
		Journalaar: at.In(oslo).Year(), Journaldato: todayIn(at), OpprettetDato: at, OpprettetAv: g.by, ArkivertDato: at, ArkivertAv: g.by,
		Saksbehandler: c.ansvarlig, AdministrativEnhet: t.enhet, Journalenhet: "Dokumentsenteret"}
	old := g.end.Sub(at) > 60*24*time.Hour
	subject := c.person
	if subject == "" {
		subject = c.tittel
		if _, after, ok := strings.Cut(c.tittel, " - "); ok {
			subject = after
		}
	}
	var title string
	switch typ {
	case Inngaaende:
		title = g.pick(t.in)
		j.MottattDato = at.Add(-time.Duration(g.r.IntN(48)) * time.Hour)
		j.Dokumentdato = dateOf(j.MottattDato.AddDate(0, 0, -g.r.IntN(5)))
		j.Journalstatus = pickStatus(old, "J", g.r)
		j.Korrespondanseparter = []Korrespondansepart{g.external(Avsender, c)}
	case Utgaaende:
		title = g.pick(t.out)
		j.Dokumentdato = todayIn(at)
		j.Journalstatus = pickStatus(old, "E", g.r)
		if j.Journalstatus == "E" || j.Journalstatus == "A" {
			j.SendtDato = at
		}
		j.Korrespondanseparter = []Korrespondansepart{g.external(Mottaker, c)}
		if g.r.IntN(5) == 0 {
			j.Korrespondanseparter = append(j.Korrespondanseparter, g.org(Kopimottaker))
		}
	case OrganinterntForOppfoelging, OrganinterntUtenOppfoelging:
		title = g.pick(internalTitles)
		j.Dokumentdato = todayIn(at)
		j.Journalstatus = pickStatus(old, "F", g.r)
		j.Korrespondanseparter = []Korrespondansepart{
			{Korrespondanseparttype: InternAvsender, Navn: c.ansvarlig, AdministrativEnhet: t.enhet, Saksbehandler: c.ansvarlig},
			{Korrespondanseparttype: InternMottaker, Navn: g.pick(staff), AdministrativEnhet: g.pick(units)},
		}
	case Saksframlegg:
		title = "Saksframlegg"
		j.Dokumentdato = todayIn(at)
		j.Journalstatus = pickStatus(old, "G", g.r)
		j.Korrespondanseparter = []Korrespondansepart{{Korrespondanseparttype: InternMottaker, Navn: g.pick(bodies), AdministrativEnhet: "Politisk sekretariat"}}
	}
	j.Tittel = title + " - " + subject
	screen := c.screened || g.r.Float64() < t.screen
	if screen && typ != Saksframlegg {
		codes := []string{SkjermingTittelOrd}
		switch typ {
		case Inngaaende:
			codes = append(codes, SkjermingAvsender)
		case Utgaaende:
			codes = append(codes, SkjermingMottaker)
		}
		j.OffentligTittel = title + " - " + Masked
		j.Skjerming = &Skjerming{Tilgangsrestriksjon: t.kode, Skjermingshjemmel: t.hjemmel, SkjermingMetadata: codes}
		g.res.Screened++
	}
	j.Dokumenter = g.documents(typ, title, j.Skjerming)
	normalizeEntry(&j, at, g.by)
	return j
}

func pickStatus(old bool, recent string, r *rand.Rand) string {
	switch {
	case r.IntN(200) == 0:
		return "U"
	case old:
		return "A"
	}
	return recent
}

func (g *seeder) external(typ string, c *seedCase) Korrespondansepart {
	if c.person != "" || g.r.IntN(3) > 0 {
		name := c.person
		if name == "" {
			name = g.person()
		}
		post := g.pick(postal)
		first, last, _ := strings.Cut(strings.ToLower(name), " ")
		return Korrespondansepart{Korrespondanseparttype: typ, Navn: name,
			Postadresse: []string{fmt.Sprintf("%s %d", g.pick(streets), 1+g.r.IntN(120))}, Postnummer: post[:4], Poststed: post[5:],
			Land: "Norge", Epostadresse: asciiMail(first + "." + last + "@example.no")}
	}
	return g.org(typ)
}

func (g *seeder) org(typ string) Korrespondansepart {
	post := g.pick(postal)
	name := g.pick(orgs)
	return Korrespondansepart{Korrespondanseparttype: typ, Navn: name, Postadresse: []string{"Postboks " + strconv.Itoa(100+g.r.IntN(9000))},
		Postnummer: post[:4], Poststed: post[5:], Kontaktperson: g.person(), Epostadresse: "post@" + asciiMail(strings.ToLower(strings.Fields(name)[0])) + ".example.no"}
}

// asciiMail turns Norwegian letters in an address into ASCII.
func asciiMail(s string) string {
	return strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", " ", "").Replace(s)
}

func (g *seeder) documents(typ, title string, sk *Skjerming) []Dokumentbeskrivelse {
	doctype := map[string]string{Inngaaende: "Brev", Utgaaende: "Brev", OrganinterntForOppfoelging: "Notat",
		OrganinterntUtenOppfoelging: "Notat", Saksframlegg: "Saksframlegg"}[typ]
	docs := []Dokumentbeskrivelse{g.document(doctype, title, Hoveddokument)}
	if sk != nil {
		docs[0].Skjerming = &Skjerming{Tilgangsrestriksjon: sk.Tilgangsrestriksjon, Skjermingshjemmel: sk.Skjermingshjemmel,
			SkjermingMetadata: []string{SkjermingTittel}, SkjermingDokument: "H"}
	}
	if g.r.IntN(5) == 0 {
		docs = append(docs, g.document("Vedlegg", g.pick(attachments), Vedlegg))
	}
	return docs
}

func (g *seeder) document(doctype, title, role string) Dokumentbeskrivelse {
	f := g.files[g.r.IntN(len(g.files))]
	g.res.Documents++
	return Dokumentbeskrivelse{Dokumenttype: doctype, Tittel: title, TilknyttetRegistreringSom: role,
		Dokumentobjekter: []Dokumentobjekt{{Format: "x-fmt/111", FormatDetaljer: "Ren tekst, UTF-8", Filnavn: "dokument.txt",
			Mimetype: "text/plain; charset=utf-8", BlobID: f.sum, Filstoerrelse: f.size}}}
}

// bulk inserts rows through a prepared multi-row INSERT statement. A
// statement holds about bulkParams parameters: SQLite looks numbered
// parameters up by name, which costs time in the square of their number.
type bulk struct {
	ctx     context.Context
	tx      *sql.Tx
	head    string
	cols    int
	perStmt int
	full    *sql.Stmt // the statement for perStmt rows, prepared on first use
	args    []any
}

const bulkParams = 160

func newBulk(ctx context.Context, tx *sql.Tx, table, columns string) *bulk {
	cols := len(strings.Split(columns, ","))
	return &bulk{ctx: ctx, tx: tx, head: "INSERT INTO " + table + " (" + columns + ") VALUES ", cols: cols, perStmt: max(1, bulkParams/cols)}
}

func (b *bulk) statement(rows int) string {
	var s strings.Builder
	s.WriteString(b.head)
	for r := 0; r < rows; r++ {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		s.WriteString(placeholders(r*b.cols+1, b.cols))
		s.WriteByte(')')
	}
	return s.String()
}

func (b *bulk) add(vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) < b.perStmt*b.cols {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(b.ctx, b.statement(b.perStmt))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(b.ctx, b.args...)
	b.args = b.args[:0]
	return err
}

// flush inserts the rows left over and closes the statement.
func (b *bulk) flush() error {
	if b.full != nil {
		defer b.full.Close()
	}
	if len(b.args) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(b.ctx, b.statement(len(b.args)/b.cols), b.args...)
	b.args = b.args[:0]
	return err
}

func (g *seeder) insertEntries(tx *sql.Tx, entries []seedEntry) error {
	ctx := g.ctx
	jp := newBulk(ctx, tx, "archive_journalpost", `tenant_id, system_id, saksmappe_id, jnr, journalaar, journalsekvensnummer, journalpostnummer,
		journalposttype, journalstatus, tittel, offentlig_tittel, dokumentdato, journaldato, mottatt_dato, sendt_dato, forfallsdato,
		journalenhet, saksbehandler, administrativ_enhet, opprettet_dato, opprettet_av, arkivert_dato, arkivert_av`)
	kp := newBulk(ctx, tx, "archive_korrespondansepart", `tenant_id, jnr, nr, korrespondanseparttype, navn, postadresse,
		postnummer, poststed, land, epostadresse, telefonnummer, kontaktperson, administrativ_enhet, saksbehandler`)
	db := newBulk(ctx, tx, "archive_dokumentbeskrivelse", `tenant_id, jnr, dokumentnummer, system_id, dokumenttype,
		dokumentstatus, tittel, tilknyttet_registrering_som, opprettet_dato, opprettet_av, tilknyttet_dato, tilknyttet_av`)
	do := newBulk(ctx, tx, "archive_dokumentobjekt", `tenant_id, jnr, dokumentnummer, versjonsnummer, variantformat,
		system_id, format, format_detaljer, filnavn, mimetype, sjekksum, sjekksum_algoritme, filstoerrelse, blob_id, referanse_dokumentfil,
		opprettet_dato, opprettet_av`)
	sk := newBulk(ctx, tx, "archive_skjerming", `tenant_id, jnr, arkivenhet_id, tilgangsrestriksjon, skjermingshjemmel, skjerming_metadata,
		skjerming_dokument, skjermingsvarighet, skjerming_opphoerer_dato`)
	addSkjerming := func(jnr int64, id string, s *Skjerming) error {
		if s == nil {
			return nil
		}
		return sk.add(g.tenant, jnr, id, s.Tilgangsrestriksjon, s.Skjermingshjemmel, strings.Join(s.SkjermingMetadata, " "), s.SkjermingDokument,
			s.Skjermingsvarighet, nil)
	}
	for i := range entries {
		j := &entries[i].j
		if err := jp.add(g.tenant, j.SystemID, j.SaksmappeSystemID, j.jnr(), j.Journalaar, j.Journalsekvensnummer, j.Journalpostnummer,
			j.Journalposttype, j.Journalstatus, j.Tittel, j.OffentligTittel, j.Dokumentdato, j.Journaldato, nullTime(j.MottattDato),
			nullTime(j.SendtDato), nullTime(j.Forfallsdato), j.Journalenhet, j.Saksbehandler, j.AdministrativEnhet, j.OpprettetDato,
			j.OpprettetAv, j.ArkivertDato, j.ArkivertAv); err != nil {
			return err
		}
		for k, p := range j.Korrespondanseparter {
			g.res.Parties++
			if err := kp.add(g.tenant, j.jnr(), k+1, p.Korrespondanseparttype, p.Navn, strings.Join(p.Postadresse, "\n"), p.Postnummer,
				p.Poststed, p.Land, p.Epostadresse, p.Telefonnummer, p.Kontaktperson, p.AdministrativEnhet, p.Saksbehandler); err != nil {
				return err
			}
		}
		for _, d := range j.Dokumenter {
			if err := db.add(g.tenant, j.jnr(), d.Dokumentnummer, d.SystemID, d.Dokumenttype, d.Dokumentstatus, d.Tittel,
				d.TilknyttetRegistreringSom, d.OpprettetDato, d.OpprettetAv, d.TilknyttetDato, d.TilknyttetAv); err != nil {
				return err
			}
			for _, o := range d.Dokumentobjekter {
				if err := do.add(g.tenant, j.jnr(), d.Dokumentnummer, o.Versjonsnummer, o.Variantformat, o.SystemID, o.Format,
					o.FormatDetaljer, o.Filnavn, o.Mimetype, o.Sjekksum, o.SjekksumAlgoritme, o.Filstoerrelse, o.BlobID,
					o.ReferanseDokumentfil, o.OpprettetDato, o.OpprettetAv); err != nil {
					return err
				}
			}
			if err := addSkjerming(j.jnr(), d.SystemID, d.Skjerming); err != nil {
				return err
			}
		}
		if err := addSkjerming(j.jnr(), j.SystemID, j.Skjerming); err != nil {
			return err
		}
		g.res.Entries++
	}
	for _, b := range []*bulk{jp, kp, db, do, sk} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

// writeCases inserts the cases made in this batch and updates the older
// ones it touched (their last journalpostnummer, closing), with a change
// log entry for each closing.
func (g *seeder) writeCases(tx *sql.Tx, newCases, closed []*seedCase) error {
	ctx := g.ctx
	ins := newBulk(ctx, tx, "archive_saksmappe", `tenant_id, system_id, arkivdel_id, klasse_id, saksaar, sakssekvensnummer, saksdato,
		tittel, offentlig_tittel, beskrivelse, saksstatus, saksansvarlig, administrativ_enhet, journalenhet, opprettet_dato, opprettet_av,
		avsluttet_dato, avsluttet_av, siste_journalpostnummer`)
	sk := newBulk(ctx, tx, "archive_skjerming", `tenant_id, jnr, arkivenhet_id, tilgangsrestriksjon, skjermingshjemmel, skjerming_metadata,
		skjerming_dokument, skjermingsvarighet, skjerming_opphoerer_dato`)
	status := func(c *seedCase) (string, any, string) {
		if c.closedAt.IsZero() {
			return SaksstatusUnderBehandling, nil, ""
		}
		return SaksstatusAvsluttet, c.closedAt, c.ansvarlig
	}
	for _, c := range newCases {
		st, at, by := status(c)
		if err := ins.add(g.tenant, c.id, c.arkivdel, c.klasse, c.year, c.nr, todayIn(c.opened), c.tittel, c.offentlig, "", st,
			c.ansvarlig, c.topic.enhet, "Dokumentsenteret", c.opened, g.by, at, by, c.last); err != nil {
			return err
		}
		if c.screened {
			if err := sk.add(g.tenant, 0, c.id, c.topic.kode, c.topic.hjemmel, SkjermingTittelOrd, "", 0, nil); err != nil {
				return err
			}
		}
		g.res.Cases++
		c.inserted, c.touched = true, false
	}
	if err := ins.flush(); err != nil {
		return err
	}
	if err := sk.flush(); err != nil {
		return err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE archive_saksmappe SET siste_journalpostnummer = $1, saksstatus = $2, avsluttet_dato = $3,
		avsluttet_av = $4 WHERE tenant_id = $5 AND system_id = $6`)
	if err != nil {
		return err
	}
	defer update.Close()
	for _, c := range g.touched {
		if !c.touched {
			continue // inserted above with its state
		}
		st, at, by := status(c)
		if _, err := update.ExecContext(ctx, c.last, st, at, by, g.tenant, c.id); err != nil {
			return err
		}
		c.touched = false
	}
	if len(closed) == 0 {
		return nil
	}
	last, err := reserveNumbers(ctx, tx, g.tenant, "endring", 0, len(closed))
	if err != nil {
		return err
	}
	ch := newBulk(ctx, tx, "archive_endring", `tenant_id, nr, arkivdel_id, arkivenhet_id, referanse_metadata, endret_dato, endret_av,
		tidligere_verdi, ny_verdi`)
	for i, c := range closed {
		if err := ch.add(g.tenant, last-len(closed)+1+i, c.arkivdel, c.id, "saksstatus", c.closedAt, c.ansvarlig,
			SaksstatusUnderBehandling, SaksstatusAvsluttet); err != nil {
			return err
		}
		g.res.Closed++
	}
	return ch.flush()
}
