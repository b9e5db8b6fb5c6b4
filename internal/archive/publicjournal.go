package archive

// The public journal (offentlig journal, the municipality's postliste):
// the entries the public may see, searched without sign-in, with every
// screened value replaced before it leaves this file.
//
// # Screening in one place
//
// screenEntry is the only function that turns a stored entry into
// something public (PublicEntry). The pages, the JSON, the Atom feed, the
// CSV export and the search index are all made from its result, so they
// cannot differ in what they show: a screened title becomes offentligTittel
// or Masked, a screened sender's or recipient's name becomes Masked, and
// the legal basis (skjermingshjemmel) is given instead. The search index
// (tables archive_oj_*) holds only the words of screenEntry's result, so a
// search for a screened name finds nothing.
//
// # What is public
//
// Incoming and outgoing documents (I, U) and case presentations to a
// political body (S) that are registered in the journal (journalstatus J,
// F, G, E, A). Internal documents (N, X) are not in the public journal,
// nor are reserved, temporary or cancelled registrations (R, M, S, U). A
// document file is public only when neither it, its entry nor its case is
// screened.
//
// # Index
//
// Triggers (migration 002) queue an entry whenever it, its parties, its
// screening or its case's title change, in the writer's transaction.
// PublicJournal drains the queue before it searches (a bounded amount per
// search, see refreshBatchesPerQuery; RefreshPublicJournal drains it all),
// so the journal follows every committed change. Entries are
// ordered by sok_id: the municipality's number × 10^14 + journaldato in
// days × 10^9 + journalsekvensnummer, newest first; a date range is a
// range of sok_id and the cursor of a page is the last sok_id.
//
// Words are searched with FTS5 on SQLite and with a GIN index on
// PostgreSQL, whose tsvector also holds the entry's type, unit, case
// number and day as tokens (migration 003), so that searchWordsPostgres
// can look through windows of days, newest first, and stop at the page.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Limits of the public journal.
const (
	DefaultJournalLimit = 25   // entries per page when not given
	MaxJournalLimit     = 100  // entries per page at most
	MaxJournalCount     = 1000 // results are counted up to this many
	maxJournalText      = 200  // characters of a search
	ojBatch             = 2000 // entries indexed per transaction
)

// Sort key factors (see the package notes above).
const (
	sokTenant = 100_000_000_000_000
	sokDay    = 1_000_000_000
)

// PublicJournalTypes are the journalposttyper of the public journal.
var PublicJournalTypes = []string{Inngaaende, Utgaaende, Saksframlegg}

// Message keys of the public journal's errors.
const (
	keyJournalQuery       errs.Key = "archive.journal.error.query"
	keyJournalNotFound    errs.Key = "archive.journal.error.not_found"
	keyJournalNoDocument  errs.Key = "archive.journal.error.no_document"
	keyJournalDate        errs.Key = "archive.journal.error.date"
	keyJournalDateOrder   errs.Key = "archive.journal.error.date_order"
	keyJournalCaseNumber  errs.Key = "archive.journal.error.case_number"
	keyJournalType        errs.Key = "archive.journal.error.type"
	keyJournalText        errs.Key = "archive.journal.error.text"
	keyJournalCursor      errs.Key = "archive.journal.error.cursor"
	keyJournalLimit       errs.Key = "archive.journal.error.limit"
	keyJournalUnit        errs.Key = "archive.journal.error.unit"
	keyJournalDateInRange errs.Key = "archive.journal.error.date_range"
)

// JournalQuery is a search of the public journal. The zero value lists
// the newest entries.
type JournalQuery struct {
	Text              string    // words to find (all of them, in any word form)
	From, To          time.Time // journaldato range, dates (inclusive); zero when open
	Saksaar           int       // with Sakssekvensnummer: one case, "2026/123"
	Sakssekvensnummer int
	Type              string // one of PublicJournalTypes, or "" for all
	Unit              string // administrativEnhet, exactly
	After             int64  // the cursor: entries after this one (JournalPage.Next)
	Limit             int    // 1 to MaxJournalLimit; DefaultJournalLimit when 0
}

// ParseJournalQuery reads a search from URL parameters: q (text), fra and
// til (dates, 2026-03-12 or 12.03.2026), saksnr (2026/123), type (I, U or
// S), enhet (unit), etter (cursor) and antall (page size). Errors: Invalid
// with field errors keyed by parameter name; the query returned holds what
// could be read, to show the form again.
func ParseJournalQuery(v url.Values) (JournalQuery, error) {
	var q JournalQuery
	f := fieldErrors{}
	q.Text = strings.TrimSpace(v.Get("q"))
	if !utf8.ValidString(q.Text) || strings.ContainsFunc(q.Text, unicode.IsControl) {
		f.add("q", string(keyJournalText))
		q.Text = strings.ToValidUTF8(q.Text, "")
	} else if utf8.RuneCountInString(q.Text) > maxJournalText {
		f.add("q", string(keyJournalText))
	}
	date := func(name string) time.Time {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return time.Time{}
		}
		for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
			if t, err := time.Parse(layout, s); err == nil {
				if t.Year() < 1900 || t.Year() > 2999 {
					f.add(name, string(keyJournalDateInRange))
					return time.Time{}
				}
				return t
			}
		}
		f.add(name, string(keyJournalDate))
		return time.Time{}
	}
	q.From, q.To = date("fra"), date("til")
	if !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To) {
		f.add("til", string(keyJournalDateOrder))
	}
	if s := strings.TrimSpace(v.Get("saksnr")); s != "" {
		y, n, err := ParseCaseNumber(s)
		if err != nil {
			f.add("saksnr", string(keyJournalCaseNumber))
		} else {
			q.Saksaar, q.Sakssekvensnummer = y, n
		}
	}
	if s := strings.TrimSpace(v.Get("type")); s != "" {
		if !slices.Contains(PublicJournalTypes, s) {
			f.add("type", string(keyJournalType))
		} else {
			q.Type = s
		}
	}
	q.Unit = strings.TrimSpace(v.Get("enhet"))
	if !utf8.ValidString(q.Unit) || utf8.RuneCountInString(q.Unit) > maxName || strings.ContainsFunc(q.Unit, unicode.IsControl) {
		f.add("enhet", string(keyJournalUnit))
		q.Unit = ""
	}
	if s := v.Get("etter"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			f.add("etter", string(keyJournalCursor))
		} else {
			q.After = n
		}
	}
	if s := v.Get("antall"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxJournalLimit {
			f.add("antall", string(keyJournalLimit))
		} else {
			q.Limit = n
		}
	}
	if len(f) > 0 {
		return q, errs.E(errs.Op("archive.ParseJournalQuery"), errs.Invalid, keyJournalQuery, map[string]string(f))
	}
	return q, nil
}

// Values writes q as URL parameters (without the cursor), the inverse of
// ParseJournalQuery.
func (q JournalQuery) Values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if !q.From.IsZero() {
		v.Set("fra", q.From.Format("2006-01-02"))
	}
	if !q.To.IsZero() {
		v.Set("til", q.To.Format("2006-01-02"))
	}
	if q.Saksaar > 0 {
		v.Set("saksnr", fmt.Sprintf("%d/%d", q.Saksaar, q.Sakssekvensnummer))
	}
	if q.Type != "" {
		v.Set("type", q.Type)
	}
	if q.Unit != "" {
		v.Set("enhet", q.Unit)
	}
	if q.Limit != 0 && q.Limit != DefaultJournalLimit {
		v.Set("antall", strconv.Itoa(q.Limit))
	}
	return v
}

// JournalPage is one page of the public journal, newest first.
type JournalPage struct {
	Entries []PublicEntry
	// Next is the cursor of the next page (JournalQuery.After), 0 on the
	// last page.
	Next int64
	// Count is the number of entries the search finds, counted up to
	// MaxJournalCount; More is set when there are more than that.
	Count int
	More  bool
}

// PublicEntry is what the public may see of a journal entry. Screened
// values are already replaced.
type PublicEntry struct {
	SystemID             string
	Journalaar           int
	Journalsekvensnummer int
	Journalpostnummer    int
	Saksaar              int
	Sakssekvensnummer    int
	Journalposttype      string
	Journaldato          time.Time
	Dokumentdato         time.Time
	CaseTitle            string // the case's public title
	Title                string // the entry's public title
	AdministrativEnhet   string
	Parties              []PublicParty
	Documents            []PublicDocument
	// Screened is set when anything of the entry or its case is withheld;
	// Hjemmel then holds the legal bases (skjermingshjemmel), the entry's
	// first, and Tilgangskoder their access codes.
	Screened      bool
	Hjemmel       []string
	Tilgangskoder []string
	sokID         int64
}

// Journalnummer is "journalaar/journalsekvensnummer".
func (e PublicEntry) Journalnummer() string {
	return fmt.Sprintf("%d/%d", e.Journalaar, e.Journalsekvensnummer)
}

// Saksnummer is "saksaar/sakssekvensnummer".
func (e PublicEntry) Saksnummer() string { return fmt.Sprintf("%d/%d", e.Saksaar, e.Sakssekvensnummer) }

// RegistreringsID is "saksaar/sakssekvensnummer-journalpostnummer".
func (e PublicEntry) RegistreringsID() string {
	return fmt.Sprintf("%d/%d-%d", e.Saksaar, e.Sakssekvensnummer, e.Journalpostnummer)
}

// PublicParty is a sender or recipient as the public sees it.
type PublicParty struct {
	Type     string // korrespondanseparttype code
	Name     string // Masked when Screened
	Screened bool
}

// PublicDocument is a document of a public entry. Only a Public document
// has a file to fetch (PublicDocumentFile).
type PublicDocument struct {
	SystemID  string // the dokumentbeskrivelse
	Number    int
	Role      string // H hoveddokument, V vedlegg
	Title     string // Masked when the document or entry is screened
	Public    bool
	Filename  string
	Mimetype  string
	Size      int64
	blobID    string
	variantOK bool
}

// publishable reports whether an entry of type typ and status is in the
// public journal.
func publishable(typ, status string) bool {
	if !slices.Contains(PublicJournalTypes, typ) {
		return false
	}
	switch status {
	case "J", "F", "G", "E", "A":
		return true
	}
	return false
}

// screenEntry is the one place a stored entry becomes public: every public
// output (pages, JSON, feed, export, search index) is made from its result.
// The entry must be publishable.
func screenEntry(r *journalRow) PublicEntry {
	j := r.j
	e := PublicEntry{SystemID: j.SystemID, Journalaar: j.Journalaar, Journalsekvensnummer: j.Journalsekvensnummer,
		Journalpostnummer: j.Journalpostnummer, Saksaar: r.saksaar, Sakssekvensnummer: r.saksnr, Journalposttype: j.Journalposttype,
		Journaldato: j.Journaldato, Dokumentdato: j.Dokumentdato, AdministrativEnhet: j.AdministrativEnhet, sokID: 0}
	caseSk, entrySk := r.sakSkjerming, j.Skjerming
	for _, sk := range []*Skjerming{entrySk, caseSk} {
		if sk == nil {
			continue
		}
		e.Screened = true
		if h := strings.TrimSpace(sk.Skjermingshjemmel); h != "" && !slices.Contains(e.Hjemmel, h) {
			e.Hjemmel = append(e.Hjemmel, h)
		}
		if k := sk.Tilgangsrestriksjon; k != "" && !slices.Contains(e.Tilgangskoder, k) {
			e.Tilgangskoder = append(e.Tilgangskoder, k)
		}
	}
	e.CaseTitle = publicTitle(r.sakTittel, r.sakOffentligTittel, caseSk)
	e.Title = publicTitle(j.Tittel, j.OffentligTittel, entrySk)
	// A case screened as a whole (midlertidig) or for its parties hides the
	// entries' names too.
	caseHidesNames := caseSk.Screens(SkjermingPart)
	for _, p := range j.Korrespondanseparter {
		pp := PublicParty{Type: p.Korrespondanseparttype, Name: p.Navn}
		if ok, _ := partyScreened(p, entrySk); ok || caseHidesNames {
			pp.Name, pp.Screened = Masked, true
		}
		e.Parties = append(e.Parties, pp)
	}
	for _, d := range j.Dokumenter {
		pd := PublicDocument{SystemID: d.SystemID, Number: d.Dokumentnummer, Role: d.TilknyttetRegistreringSom, Title: d.Tittel}
		pd.Public = d.Skjerming == nil && entrySk == nil && caseSk == nil && d.Dokumentstatus != "B"
		if !pd.Public && (d.Skjerming != nil || entrySk != nil || caseSk != nil) {
			pd.Title = Masked
		}
		// The file: the newest archive version (A), else production (P);
		// never the screened variant (O), which belongs to innsyn.
		best := -1
		for i, o := range d.Dokumentobjekter {
			if o.Variantformat == "O" {
				continue
			}
			if best < 0 || o.Variantformat == "A" && d.Dokumentobjekter[best].Variantformat != "A" ||
				o.Variantformat == d.Dokumentobjekter[best].Variantformat && o.Versjonsnummer > d.Dokumentobjekter[best].Versjonsnummer {
				best = i
			}
		}
		if best >= 0 {
			o := d.Dokumentobjekter[best]
			pd.Filename, pd.Mimetype, pd.Size, pd.blobID, pd.variantOK = o.Filnavn, o.Mimetype, o.Filstoerrelse, o.BlobID, true
		}
		if !pd.variantOK {
			pd.Public = false
		}
		if !pd.Public {
			pd.Filename, pd.Mimetype, pd.Size, pd.blobID = "", "", 0, ""
		}
		e.Documents = append(e.Documents, pd)
	}
	return e
}

// publicWords is the text the search index holds for e: only what
// screenEntry left public.
func publicWords(e PublicEntry) string {
	parts := []string{e.CaseTitle, e.Title}
	for _, p := range e.Parties {
		if !p.Screened {
			parts = append(parts, p.Name)
		}
	}
	return strings.Join(parts, " ")
}

// sokID is an entry's sort key for tenant number nr.
func sokID(nr int64, journaldato time.Time, seq int) int64 {
	return nr*sokTenant + journaldato.Unix()/86400*sokDay + int64(seq)
}

// publicRowSQL selects entries with their case's public fields and
// screening, scanned by scanPublicRow.
const publicRowSQL = `SELECT ` + entryColumns + `, m.tittel, m.offentlig_tittel,
	  COALESCE(ms.arkivenhet_id, ''), COALESCE(ms.tilgangsrestriksjon, ''), COALESCE(ms.skjermingshjemmel, ''),
	  COALESCE(ms.skjerming_metadata, ''), COALESCE(ms.skjerming_dokument, ''), COALESCE(ms.skjermingsvarighet, 0), ms.skjerming_opphoerer_dato
	` + entryFrom + `
	LEFT JOIN archive_skjerming ms ON ms.tenant_id = m.tenant_id AND ms.jnr = 0 AND ms.arkivenhet_id = m.system_id
	WHERE j.tenant_id = $1 AND `

// loadPublicRows reads the entries whose jnr is in jnrs (at most inBatch),
// with their parties and, when docs is set, documents. Entries that are
// not publishable are left out.
func loadPublicRows(ctx context.Context, q queryer, tenant string, jnrs []int64, docs bool) (map[int64]*journalRow, error) {
	out := map[int64]*journalRow{}
	if len(jnrs) == 0 {
		return out, nil
	}
	args := []any{tenant}
	for _, n := range jnrs {
		args = append(args, n)
	}
	rows, err := q.QueryContext(ctx, publicRowSQL+`j.jnr IN (`+placeholders(2, len(jnrs))+`)`, args...)
	if err != nil {
		return nil, err
	}
	var entries []*Journalpost
	for rows.Next() {
		r := &journalRow{}
		var ms skjermingScan
		j, err := scanEntry(scanPrefix{rows, []any{&r.sakTittel, &r.sakOffentligTittel,
			&ms.id, &ms.kode, &ms.hjemmel, &ms.metadata, &ms.dokument, &ms.varighet, &ms.opphoerer}})
		if err != nil {
			rows.Close()
			return nil, err
		}
		if !publishable(j.Journalposttype, j.Journalstatus) {
			continue
		}
		r.j, r.sakSkjerming = j, ms.result()
		r.saksaar, r.saksnr, _, _ = ParseRegistreringsID(j.RegistreringsID)
		out[j.jnr()] = r
		entries = append(entries, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadChildren(ctx, q, tenant, entries, docs); err != nil {
		return nil, err
	}
	return out, nil
}

// tenantNr returns the municipality's number in the index, 0 when it has
// none yet.
func (s *Service) tenantNr(ctx context.Context, q queryer, tenant string) (int64, error) {
	var nr int64
	err := q.QueryRowContext(ctx, `SELECT nr FROM archive_oj_tenant WHERE tenant_id = $1`, tenant).Scan(&nr)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return nr, err
}

// RefreshPublicJournal brings the public journal's search index of tenant
// up to date with every committed change: it indexes the entries the
// triggers have queued, ojBatch per transaction. PublicJournal calls it
// before each search; Seed calls it after each batch.
func (s *Service) RefreshPublicJournal(ctx context.Context, tenant string) error {
	return s.refreshPublicJournal(ctx, tenant, -1)
}

// refreshBatchesPerQuery bounds the indexing one search does, so that a
// long queue (after the migration on a full archive) cannot hold up a
// page: the newest entries are indexed first, and the rest on the next
// searches (or by RefreshPublicJournal). Pages show entries through
// screenEntry from the archive's own tables, never from the index, so a
// late index can only find too much or too little, never show a screened
// value.
const refreshBatchesPerQuery = 3

// refreshPublicJournal drains the queue like RefreshPublicJournal, at most
// maxBatches transactions (no limit when negative).
func (s *Service) refreshPublicJournal(ctx context.Context, tenant string, maxBatches int) error {
	const op = errs.Op("archive.RefreshPublicJournal")
	for batches := 0; maxBatches < 0 || batches < maxBatches; batches++ {
		var one int
		err := s.db.QueryRowContext(ctx, `SELECT 1 FROM archive_oj_queue WHERE tenant_id = $1 LIMIT 1`, tenant).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return errs.E(op, err)
		}
		var n int
		for attempt := 0; ; attempt++ {
			err = s.db.Tx(ctx, func(tx *sql.Tx) error {
				var e error
				n, e = s.indexBatch(ctx, tx, tenant)
				return e
			})
			if err == nil || !db.IsUniqueViolation(err) || attempt == 2 {
				break
			}
		}
		if err != nil {
			return errs.E(op, err)
		}
		if n < ojBatch {
			return nil
		}
	}
	return nil
}

// indexBatch indexes up to ojBatch queued entries of tenant in tx and
// returns how many it took from the queue.
func (s *Service) indexBatch(ctx context.Context, tx *sql.Tx, tenant string) (int, error) {
	// The municipality's number, and its row held until tx ends, so
	// indexers of one municipality take turns.
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO archive_oj_tenant (tenant_id, nr, drains) SELECT $1, COALESCE(MAX(nr), 0) + 1, 0 FROM archive_oj_tenant WHERE true
		 ON CONFLICT (tenant_id) DO NOTHING`, tenant); err != nil {
		return 0, err
	}
	var nr int64
	if err := tx.QueryRowContext(ctx, `UPDATE archive_oj_tenant SET drains = drains + 1 WHERE tenant_id = $1 RETURNING nr`, tenant).Scan(&nr); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT jnr, versjon FROM archive_oj_queue WHERE tenant_id = $1 ORDER BY jnr DESC LIMIT $2`, tenant, ojBatch)
	if err != nil {
		return 0, err
	}
	type queued struct{ jnr, versjon int64 }
	var queue []queued
	for rows.Next() {
		var q queued
		if err := rows.Scan(&q.jnr, &q.versjon); err != nil {
			rows.Close()
			return 0, err
		}
		queue = append(queue, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sqlite := s.db.Dialect() == db.SQLite
	for start := 0; start < len(queue); start += inBatch {
		part := queue[start:min(start+inBatch, len(queue))]
		jnrs := make([]int64, len(part))
		args := []any{tenant}
		for i, q := range part {
			jnrs[i] = q.jnr
			args = append(args, q.jnr)
		}
		in := placeholders(2, len(part))
		if sqlite {
			if _, err := tx.ExecContext(ctx, `DELETE FROM archive_oj_fts WHERE rowid IN (SELECT sok_id FROM archive_oj_entry
				WHERE tenant_id = $1 AND jnr IN (`+in+`))`, args...); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM archive_oj_entry WHERE tenant_id = $1 AND jnr IN (`+in+`)`, args...); err != nil {
			return 0, err
		}
		found, err := loadPublicRows(ctx, tx, tenant, jnrs, false)
		if err != nil {
			return 0, err
		}
		ins := newBulk(ctx, tx, "archive_oj_entry", `tenant_id, sok_id, jnr, journalposttype, administrativ_enhet, saksaar, sakssekvensnummer, tekst`)
		fts := newBulk(ctx, tx, "archive_oj_fts", `rowid, tekst`)
		units := map[string]bool{}
		for _, n := range jnrs {
			r := found[n]
			if r == nil {
				continue
			}
			e := screenEntry(r)
			id := sokID(nr, e.Journaldato, e.Journalsekvensnummer)
			text := publicWords(e)
			if sqlite {
				text = strings.Join(journalWords(text), " ")
				if err := fts.add(id, text); err != nil {
					return 0, err
				}
			}
			if err := ins.add(tenant, id, n, e.Journalposttype, e.AdministrativEnhet, e.Saksaar, e.Sakssekvensnummer, text); err != nil {
				return 0, err
			}
			if e.AdministrativEnhet != "" {
				units[e.AdministrativEnhet] = true
			}
		}
		if err := ins.flush(); err != nil {
			return 0, err
		}
		if sqlite {
			if err := fts.flush(); err != nil {
				return 0, err
			}
		}
		for u := range units {
			if _, err := tx.ExecContext(ctx, `INSERT INTO archive_oj_unit (tenant_id, administrativ_enhet) VALUES ($1, $2)
				ON CONFLICT (tenant_id, administrativ_enhet) DO NOTHING`, tenant, u); err != nil {
				return 0, err
			}
		}
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM archive_oj_queue WHERE tenant_id = $1 AND jnr = $2 AND versjon = $3`)
	if err != nil {
		return 0, err
	}
	defer del.Close()
	for _, q := range queue {
		if _, err := del.ExecContext(ctx, tenant, q.jnr, q.versjon); err != nil {
			return 0, err
		}
	}
	return len(queue), nil
}

// PublicJournal searches tenant's public journal (see JournalQuery) and
// returns one page, newest first, screened by screenEntry. It first
// indexes the changes committed since the last search (up to
// refreshBatchesPerQuery × ojBatch entries, newest first). Errors: Invalid
// with field errors for a query ParseJournalQuery would refuse.
func (s *Service) PublicJournal(ctx context.Context, tenant string, q JournalQuery) (JournalPage, error) {
	const op = errs.Op("archive.PublicJournal")
	if err := q.check(); err != nil {
		return JournalPage{}, errs.E(op, err)
	}
	if q.Limit == 0 {
		q.Limit = DefaultJournalLimit
	}
	if err := s.refreshPublicJournal(ctx, tenant, refreshBatchesPerQuery); err != nil {
		return JournalPage{}, errs.E(op, err)
	}
	nr, err := s.tenantNr(ctx, s.db, tenant)
	if err != nil {
		return JournalPage{}, errs.E(op, err)
	}
	if nr == 0 {
		return JournalPage{}, nil
	}
	var page JournalPage
	var jnrs, ids []int64
	if q.Text != "" && s.db.Dialect() == db.Postgres {
		// One search gives the page and the count: the first page asks for
		// MaxJournalCount + 1 entries and counts them, a later page only
		// for its own and one more.
		n := q.Limit + 1
		if q.After == 0 {
			n = MaxJournalCount + 1
		}
		jnrs, ids, err = s.searchWordsPostgres(ctx, nr, tenant, q, n)
		if err != nil {
			return JournalPage{}, errs.E(op, err)
		}
		if q.After == 0 {
			page.Count = min(len(jnrs), MaxJournalCount)
			page.More = len(jnrs) > MaxJournalCount
		}
	} else {
		from, where, args, ok := s.journalWhere(nr, tenant, q)
		if !ok {
			return JournalPage{}, nil
		}
		key := "o.sok_id"
		if strings.Contains(from, "archive_oj_fts") {
			key = "f.rowid"
		}
		// The page, and one more to know whether there is a next page.
		jnrs, ids, err = s.journalIDs(ctx, `SELECT o.jnr, o.sok_id FROM `+from+` WHERE `+where+` ORDER BY `+key+` DESC LIMIT `+strconv.Itoa(q.Limit+1), args...)
		if err != nil {
			return JournalPage{}, errs.E(op, err)
		}
		if q.After == 0 {
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+from+` WHERE `+where+` LIMIT `+
				strconv.Itoa(MaxJournalCount+1)+`) c`, args...).Scan(&page.Count); err != nil {
				return JournalPage{}, errs.E(op, err)
			}
			if page.Count > MaxJournalCount {
				page.Count, page.More = MaxJournalCount, true
			}
		}
	}
	if len(jnrs) > q.Limit {
		jnrs, ids = jnrs[:q.Limit], ids[:q.Limit]
		page.Next = ids[len(ids)-1]
	}
	found, err := loadPublicRows(ctx, s.db, tenant, jnrs, true)
	if err != nil {
		return JournalPage{}, errs.E(op, err)
	}
	for i, n := range jnrs {
		if r := found[n]; r != nil {
			e := screenEntry(r)
			e.sokID = ids[i]
			page.Entries = append(page.Entries, e)
		}
	}
	return page, nil
}

// check validates a query built in code the way ParseJournalQuery does.
func (q JournalQuery) check() error {
	v := q.Values()
	if q.After != 0 {
		v.Set("etter", strconv.FormatInt(q.After, 10))
	}
	if q.Limit != 0 {
		v.Set("antall", strconv.Itoa(q.Limit))
	}
	if (q.Saksaar > 0) != (q.Sakssekvensnummer > 0) || q.Saksaar < 0 || q.Sakssekvensnummer < 0 {
		return errs.E(errs.Invalid, keyJournalQuery, map[string]string{"saksnr": string(keyJournalCaseNumber)})
	}
	_, err := ParseJournalQuery(v)
	return err
}

// journalIDs runs query (which selects jnr and sok_id) and returns its
// rows.
func (s *Service) journalIDs(ctx context.Context, query string, args ...any) (jnrs, ids []int64, err error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var jnr, id int64
		if err := rows.Scan(&jnr, &id); err != nil {
			return nil, nil, err
		}
		jnrs, ids = append(jnrs, jnr), append(ids, id)
	}
	return jnrs, ids, rows.Err()
}

// maxDayLevel is the largest block of days among the PostgreSQL search
// tokens: blocks of 2^0 to 2^maxDayLevel days (migration 003).
const maxDayLevel = 11

// searchWordsPostgres finds the entries that q's words (and filters)
// match on PostgreSQL, at most n, newest first. The GIN index cannot give
// its matches in order, so the search looks at windows of days, newest
// first, each a block of 2^k days aligned to its size and at most twice
// as long as the one before, and archive_oj_search (migration 003) stops
// at the first window that brings the total to n: a frequent word is
// found in the last few days and reads no rows of matches it does not
// return. The newest firstPassDays days come first; a word rare in them
// is searched in the older days at once, without day tokens. Each window
// is one token of the index ("d4 5179": days 20716-20719), and q's type,
// unit and case are tokens too, so the index intersects them with the
// words instead of the planner filtering one index by the other.
func (s *Service) searchWordsPostgres(ctx context.Context, nr int64, tenant string, q JournalQuery, n int) (jnrs, ids []int64, err error) {
	lo, hi, ok := journalRange(nr, q)
	if !ok {
		return nil, nil, nil
	}
	var oldest, newest sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(sok_id), MAX(sok_id) FROM archive_oj_entry WHERE tenant_id = $1 AND sok_id >= $2 AND sok_id < $3`,
		tenant, lo, hi).Scan(&oldest, &newest); err != nil {
		return nil, nil, err
	}
	if !oldest.Valid {
		return nil, nil, nil
	}
	filters := journalFilterTokens(q)
	windows, los, his := journalWindows(nr, lo, hi, oldest.Int64, newest.Int64, filters)
	const search = `SELECT found_jnr, found_sok_id FROM archive_oj_search($1, $2, $3, $4, $5, $6) ORDER BY found_sok_id DESC`
	// First the windows of the newest firstPassDays days.
	newestDay := (newest.Int64 - nr*sokTenant) / sokDay
	split := 1
	for split < len(windows) && (los[split]-nr*sokTenant)/sokDay > newestDay-firstPassDays {
		split++
	}
	jnrs, ids, err = s.journalIDs(ctx, search, tenant, q.Text, windows[:split], los[:split], his[:split], n)
	if err != nil || len(jnrs) >= n || split == len(windows) {
		return jnrs, ids, err
	}
	// Then the older days. Intersecting the words with a day token costs
	// about as much as the token's entries, which is worth it while a
	// window holds many matches, but for a word that is rare in the newest
	// days (a name, a place), a big window costs more than reading the few
	// matching rows: then the rest is one window without a day token.
	covered := newestDay + 1 - (los[split-1]-nr*sokTenant)/sokDay
	rest := (los[split-1]-nr*sokTenant)/sokDay - (oldest.Int64-nr*sokTenant)/sokDay
	if int64(len(jnrs))*rest/covered <= maxRowsWithoutDays {
		windows, los, his = []string{strings.Join(filters, " & ")}, []int64{lo}, []int64{los[split-1]}
	} else {
		windows, los, his = windows[split:], los[split:], his[split:]
	}
	more, moreIDs, err := s.journalIDs(ctx, search, tenant, q.Text, windows, los, his, n-len(jnrs))
	return append(jnrs, more...), append(ids, moreIDs...), err
}

// The two passes of searchWordsPostgres: the days of the first, and the
// matches the second expects to read at most without day tokens.
// Variables only so that the tests can make either pass do everything.
var (
	firstPassDays      int64 = 64
	maxRowsWithoutDays int64 = 2000
)

// journalFilterTokens are the index tokens of q's type, unit and case
// (see archive_oj_sok in migration 003), as tsquery operands.
func journalFilterTokens(q JournalQuery) []string {
	var out []string
	if q.Type != "" {
		out = append(out, tsLexeme("t "+q.Type))
	}
	if q.Unit != "" {
		out = append(out, tsLexeme("u "+q.Unit))
	}
	if q.Saksaar > 0 {
		out = append(out, tsLexeme(fmt.Sprintf("s %d/%d", q.Saksaar, q.Sakssekvensnummer)))
	}
	return out
}

// tsLexeme quotes s as one lexeme of a tsquery.
func tsLexeme(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

// journalWindows splits the days from the entry oldest to the entry newest
// (sok_ids of municipality nr, in [lo, hi)) into windows, newest first:
// for each, the tsquery of its day token and filters, and its range of
// sok_id within [lo, hi).
func journalWindows(nr, lo, hi, oldest, newest int64, filters []string) (queries []string, los, his []int64) {
	base := nr * sokTenant
	first, end := (oldest-base)/sokDay, (newest-base)/sokDay+1
	// Each block is at most twice the last and never shorter: after two
	// blocks of 2^k days, end is aligned to 2^(k+1).
	for k := int64(0); end > first; {
		for k > 0 && end%(1<<k) != 0 {
			k--
		}
		start := end - 1<<k
		terms := append(slices.Clone(filters), tsLexeme(fmt.Sprintf("d%d %d", 1<<k, start>>k)))
		queries = append(queries, strings.Join(terms, " & "))
		los = append(los, max(lo, base+start*sokDay))
		his = append(his, min(hi, base+end*sokDay))
		end = start
		k = min(k+1, maxDayLevel)
	}
	return queries, los, his
}

// journalRange is the range of sok_id [lo, hi) that q's dates and cursor
// leave in municipality number nr; ok is false when it is empty.
func journalRange(nr int64, q JournalQuery) (lo, hi int64, ok bool) {
	lo, hi = nr*sokTenant, (nr+1)*sokTenant
	if !q.From.IsZero() {
		lo = max(lo, sokID(nr, dateOf(q.From), 0))
	}
	if !q.To.IsZero() {
		hi = min(hi, sokID(nr, dateOf(q.To).AddDate(0, 0, 1), 0))
	}
	if q.After != 0 {
		hi = min(hi, q.After)
	}
	return lo, hi, lo < hi
}

// journalWhere builds the search's FROM and WHERE for municipality number
// nr (every search on SQLite; on PostgreSQL those without words, see
// searchWordsPostgres); ok is false when nothing can match.
func (s *Service) journalWhere(nr int64, tenant string, q JournalQuery) (from, where string, args []any, ok bool) {
	lo, hi, ok := journalRange(nr, q)
	if !ok {
		return "", "", nil, false
	}
	args = []any{tenant, lo, hi}
	from = "archive_oj_entry o"
	conds := []string{"o.tenant_id = $1", "o.sok_id >= $2", "o.sok_id < $3"}
	if q.Text != "" { // SQLite: PostgreSQL searches words in searchWordsPostgres
		words := journalWords(q.Text)
		if len(words) == 0 {
			return "", "", nil, false
		}
		if len(words) > maxQueryWords {
			words = words[:maxQueryWords]
		}
		var m strings.Builder
		for i, w := range words {
			if i > 0 {
				m.WriteByte(' ')
			}
			m.WriteString(`"` + strings.ReplaceAll(w, `"`, `""`) + `"`)
		}
		// CROSS JOIN keeps the full-text table the outer loop, so FTS5
		// walks its matches newest first and stops at the page; "+ 0"
		// keeps the planner from turning the rowid range into a range
		// scan of the entries for each match.
		from = "archive_oj_fts f CROSS JOIN archive_oj_entry o ON o.tenant_id = $1 AND o.sok_id = f.rowid + 0"
		conds = []string{"archive_oj_fts MATCH $4", "f.rowid >= $2", "f.rowid < $3"}
		args = append(args, m.String())
	}
	if q.Type != "" {
		args = append(args, q.Type)
		conds = append(conds, "o.journalposttype = $"+strconv.Itoa(len(args)))
	}
	if q.Unit != "" {
		args = append(args, q.Unit)
		conds = append(conds, "o.administrativ_enhet = $"+strconv.Itoa(len(args)))
	}
	if q.Saksaar > 0 {
		args = append(args, q.Saksaar, q.Sakssekvensnummer)
		conds = append(conds, "o.saksaar = $"+strconv.Itoa(len(args)-1)+" AND o.sakssekvensnummer = $"+strconv.Itoa(len(args)))
	}
	return from, strings.Join(conds, " AND "), args, true
}

// PublicJournalUnits lists the units (administrativEnhet) that have public
// entries, for the search form, in alphabetical order.
func (s *Service) PublicJournalUnits(ctx context.Context, tenant string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT administrativ_enhet FROM archive_oj_unit WHERE tenant_id = $1 ORDER BY administrativ_enhet`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("archive.PublicJournalUnits"), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, errs.E(errs.Op("archive.PublicJournalUnits"), err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// PublicEntry returns one entry of the public journal by its systemID,
// screened. Errors: NotFound when it does not exist in the municipality
// or is not public (an internal document, a reserved registration).
func (s *Service) PublicEntry(ctx context.Context, tenant, systemID string) (PublicEntry, error) {
	const op = errs.Op("archive.PublicEntry")
	if !validUUID(systemID) {
		return PublicEntry{}, errs.E(op, errs.NotFound, keyJournalNotFound)
	}
	var jnr int64
	err := s.db.QueryRowContext(ctx, `SELECT jnr FROM archive_journalpost WHERE tenant_id = $1 AND system_id = $2`, tenant, systemID).Scan(&jnr)
	if errors.Is(err, sql.ErrNoRows) {
		return PublicEntry{}, errs.E(op, errs.NotFound, keyJournalNotFound)
	}
	if err != nil {
		return PublicEntry{}, errs.E(op, err)
	}
	found, err := loadPublicRows(ctx, s.db, tenant, []int64{jnr}, true)
	if err != nil {
		return PublicEntry{}, errs.E(op, err)
	}
	r := found[jnr]
	if r == nil {
		return PublicEntry{}, errs.E(op, errs.NotFound, keyJournalNotFound)
	}
	return screenEntry(r), nil
}

// PublicFile is a public document's file: its name, type and size, and
// its name in the blob store.
type PublicFile struct {
	Filename string
	Mimetype string
	Size     int64
	BlobID   string
}

// PublicDocumentFile returns the file of document docSystemID (a
// dokumentbeskrivelse) when the document is public: it checks the entry,
// its case and the document again, through screenEntry. Errors: NotFound
// for a document that does not exist or is not public.
func (s *Service) PublicDocumentFile(ctx context.Context, tenant, docSystemID string) (PublicFile, error) {
	const op = errs.Op("archive.PublicDocumentFile")
	if !validUUID(docSystemID) {
		return PublicFile{}, errs.E(op, errs.NotFound, keyJournalNoDocument)
	}
	var jnr int64
	err := s.db.QueryRowContext(ctx, `SELECT jnr FROM archive_dokumentbeskrivelse WHERE tenant_id = $1 AND system_id = $2`,
		tenant, docSystemID).Scan(&jnr)
	if errors.Is(err, sql.ErrNoRows) {
		return PublicFile{}, errs.E(op, errs.NotFound, keyJournalNoDocument)
	}
	if err != nil {
		return PublicFile{}, errs.E(op, err)
	}
	found, err := loadPublicRows(ctx, s.db, tenant, []int64{jnr}, true)
	if err != nil {
		return PublicFile{}, errs.E(op, err)
	}
	if r := found[jnr]; r != nil {
		for _, d := range screenEntry(r).Documents {
			if d.SystemID == docSystemID && d.Public && d.blobID != "" {
				return PublicFile{Filename: d.Filename, Mimetype: d.Mimetype, Size: d.Size, BlobID: d.blobID}, nil
			}
		}
	}
	return PublicFile{}, errs.E(op, errs.NotFound, keyJournalNoDocument)
}
