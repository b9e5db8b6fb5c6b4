package archive_test

import (
	"context"
	"database/sql"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// The screened people of the journal tests: their names must appear in no
// public output.
var hiddenNames = []string{"Ingrid Kvalheim", "Kvalheim", "Sindre Aasmundsen", "Aasmundsen", "Halvard Trøen", "Trøen"}

const (
	hjemmel13 = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
	hjemmel25 = "Offl. § 25 andre ledd"
)

// journalFixture is a small journal: public entries, entries screened for
// their title words and parties, a case screened as a whole, and internal
// and reserved entries that are never public.
type journalFixture struct {
	public, screened, internal, reserved, partyOnly archive.Journalpost
	byggCase, barnehageCase, hrCase                 archive.Saksmappe
}

func seedJournal(t *testing.T, e *env, tenantID string) journalFixture {
	t.Helper()
	var f journalFixture
	e.defaults(t, tenantID)
	must := func(j archive.Journalpost, err error) archive.Journalpost {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	f.byggCase = e.createCase(t, tenantID, sak("Søknad om rammetillatelse - Storgata 5"))
	in := entry(archive.Inngaaende, "Søknad om rammetillatelse")
	in.Korrespondanseparter[0].Navn = "Byggmester Hansen AS"
	f.public = must(e.addEntry(tenantID, f.byggCase.SystemID, in))
	e.clock.Add(24 * time.Hour)
	out := entry(archive.Utgaaende, "Vedtak om rammetillatelse")
	out.Korrespondanseparter[0].Navn = "Byggmester Hansen AS"
	must(e.addEntry(tenantID, f.byggCase.SystemID, out))
	f.internal = must(e.addEntry(tenantID, f.byggCase.SystemID, entry(archive.OrganinterntForOppfoelging, "Notat om nabomerknader fra Sindre Aasmundsen")))
	res := entry(archive.Inngaaende, "Reservert brev fra Sindre Aasmundsen")
	res.Journalstatus = "R"
	f.reserved = must(e.addEntry(tenantID, f.byggCase.SystemID, res))

	e.clock.Add(24 * time.Hour)
	bh := sak("Søknad om barnehageplass - Ingrid Kvalheim")
	bh.OffentligTittel = "Søknad om barnehageplass - " + archive.Masked
	bh.AdministrativEnhet = "Oppvekstetaten"
	bh.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: hjemmel13, SkjermingMetadata: []string{archive.SkjermingTittelOrd}}
	f.barnehageCase = e.createCase(t, tenantID, bh)
	s := entry(archive.Inngaaende, "Søknad om barnehageplass - Ingrid Kvalheim")
	s.AdministrativEnhet = "Oppvekstetaten"
	s.OffentligTittel = "Søknad om barnehageplass - " + archive.Masked
	s.Korrespondanseparter[0].Navn = "Ingrid Kvalheim"
	s.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: hjemmel13,
		SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingAvsender}}
	f.screened = must(e.addEntry(tenantID, f.barnehageCase.SystemID, s))
	u := entry(archive.Utgaaende, "Tilbud om barnehageplass - Ingrid Kvalheim")
	u.AdministrativEnhet = "Oppvekstetaten"
	u.OffentligTittel = "Tilbud om barnehageplass - " + archive.Masked
	u.Korrespondanseparter[0].Navn = "Ingrid Kvalheim"
	u.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: hjemmel13,
		SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingMottaker}}
	must(e.addEntry(tenantID, f.barnehageCase.SystemID, u))

	// A hiring case: the title is public, the applicant's name is not.
	e.clock.Add(24 * time.Hour)
	hr := sak("Tilsetting - rådgiver plan")
	hr.AdministrativEnhet = "HR-avdelingen"
	f.hrCase = e.createCase(t, tenantID, hr)
	a := entry(archive.Inngaaende, "Søknad på stilling")
	a.AdministrativEnhet = "HR-avdelingen"
	a.Korrespondanseparter[0].Navn = "Halvard Trøen"
	a.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "25", Skjermingshjemmel: hjemmel25, SkjermingMetadata: []string{archive.SkjermingAvsender}}
	f.partyOnly = must(e.addEntry(tenantID, f.hrCase.SystemID, a))
	// Crafted markup in a public title.
	x := entry(archive.Inngaaende, `<script>alert("x")</script> & "sitat"`)
	x.AdministrativEnhet = "HR-avdelingen"
	must(e.addEntry(tenantID, f.hrCase.SystemID, x))
	return f
}

func titles(p archive.JournalPage) []string {
	var out []string
	for _, e := range p.Entries {
		out = append(out, e.Title)
	}
	return out
}

func TestPublicJournalSearch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := seedJournal(t, e, tenant)
		all, err := e.s.PublicJournal(ctx, tenant, archive.JournalQuery{})
		if err != nil {
			t.Fatal(err)
		}
		// 6 entries are public: not the internal note nor the reserved one.
		if len(all.Entries) != 6 || all.Count != 6 || all.More || all.Next != 0 {
			t.Fatalf("all: %d entries, count %d, more %v, next %d: %q", len(all.Entries), all.Count, all.More, all.Next, titles(all))
		}
		for i := 1; i < len(all.Entries); i++ {
			if all.Entries[i].Journaldato.After(all.Entries[i-1].Journaldato) ||
				all.Entries[i].Journaldato.Equal(all.Entries[i-1].Journaldato) && all.Entries[i].Journalsekvensnummer > all.Entries[i-1].Journalsekvensnummer {
				t.Errorf("not newest first at %d", i)
			}
		}
		for _, en := range all.Entries {
			if en.SystemID == f.internal.SystemID || en.SystemID == f.reserved.SystemID {
				t.Errorf("non-public entry %s listed", en.Title)
			}
		}
		cases := []struct {
			name string
			q    archive.JournalQuery
			want []string
		}{
			{"word form", archive.JournalQuery{Text: "søknaden"}, []string{"Søknad på stilling", "Tilbud om barnehageplass - ******",
				"Søknad om barnehageplass - ******", "Vedtak om rammetillatelse", "Søknad om rammetillatelse"}},
			{"word form 2", archive.JournalQuery{Text: "Vedtaket"}, []string{"Vedtak om rammetillatelse"}},
			{"two words", archive.JournalQuery{Text: "Tilbud barnehageplassen"}, []string{"Tilbud om barnehageplass - ******"}},
			{"party", archive.JournalQuery{Text: "byggmester"}, []string{"Vedtak om rammetillatelse", "Søknad om rammetillatelse"}},
			{"case title", archive.JournalQuery{Text: "Storgata"}, []string{"Vedtak om rammetillatelse", "Søknad om rammetillatelse"}},
			{"screened name", archive.JournalQuery{Text: "Kvalheim"}, nil},
			{"screened name full", archive.JournalQuery{Text: "Ingrid Kvalheim"}, nil},
			{"screened party", archive.JournalQuery{Text: "Trøen"}, nil},
			{"internal note", archive.JournalQuery{Text: "Aasmundsen"}, nil},
			{"type", archive.JournalQuery{Type: "U"}, []string{"Tilbud om barnehageplass - ******", "Vedtak om rammetillatelse"}},
			{"unit", archive.JournalQuery{Unit: "Oppvekstetaten"}, []string{"Tilbud om barnehageplass - ******", "Søknad om barnehageplass - ******"}},
			{"unit and text", archive.JournalQuery{Unit: "Oppvekstetaten", Text: "tilbud"}, []string{"Tilbud om barnehageplass - ******"}},
			{"case", archive.JournalQuery{Saksaar: f.byggCase.Saksaar, Sakssekvensnummer: f.byggCase.Sakssekvensnummer},
				[]string{"Vedtak om rammetillatelse", "Søknad om rammetillatelse"}},
			{"date", archive.JournalQuery{From: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
				[]string{"Tilbud om barnehageplass - ******", "Søknad om barnehageplass - ******", "Vedtak om rammetillatelse"}},
			{"date and text", archive.JournalQuery{Text: "søknad", To: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}, []string{"Søknad om rammetillatelse"}},
			{"nothing", archive.JournalQuery{Text: "kommuneplan"}, nil},
		}
		for _, c := range cases {
			p, err := e.s.PublicJournal(ctx, tenant, c.q)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if got := titles(p); !slices.Equal(got, c.want) || p.Count != len(c.want) {
				t.Errorf("%s: got %q (count %d), want %q", c.name, got, p.Count, c.want)
			}
		}
		// Pages of two follow each other without gaps or repeats.
		var seen []string
		q := archive.JournalQuery{Limit: 2}
		for pages := 0; ; pages++ {
			p, err := e.s.PublicJournal(ctx, tenant, q)
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, titles(p)...)
			if p.Next == 0 {
				break
			}
			if pages > 5 {
				t.Fatal("too many pages")
			}
			q.After = p.Next
		}
		if !slices.Equal(seen, titles(all)) {
			t.Errorf("pages: %q, want %q", seen, titles(all))
		}
		// The other municipality sees nothing of this one.
		if p, err := e.s.PublicJournal(ctx, "0301", archive.JournalQuery{}); err != nil || len(p.Entries) != 0 {
			t.Errorf("other municipality: %v, %d entries", err, len(p.Entries))
		}
		// A query built in code is checked too.
		if _, err := e.s.PublicJournal(ctx, tenant, archive.JournalQuery{Type: "N"}); !errs.Is(errs.Invalid, err) {
			t.Errorf("type N: %v", err)
		}
		// The index holds no screened word.
		rows, err := e.d.QueryContext(ctx, `SELECT tekst FROM archive_oj_entry WHERE tenant_id = $1`, tenant)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var s string
			rows.Scan(&s)
			n++
			for _, name := range hiddenNames {
				if strings.Contains(strings.ToLower(s), strings.ToLower(name)) || strings.Contains(s, "kvalheim") {
					t.Errorf("index text %q holds %q", s, name)
				}
			}
		}
		rows.Close()
		if n != 6 {
			t.Errorf("index rows: %d, want 6", n)
		}
	})
}

func TestPublicJournalScreening(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := seedJournal(t, e, tenant)
		pe, err := e.s.PublicEntry(ctx, tenant, f.screened.SystemID)
		if err != nil {
			t.Fatal(err)
		}
		if pe.Title != "Søknad om barnehageplass - ******" || pe.CaseTitle != "Søknad om barnehageplass - ******" {
			t.Errorf("titles: %q / %q", pe.Title, pe.CaseTitle)
		}
		if len(pe.Parties) != 1 || !pe.Parties[0].Screened || pe.Parties[0].Name != archive.Masked {
			t.Errorf("parties: %+v", pe.Parties)
		}
		if !pe.Screened || !slices.Equal(pe.Hjemmel, []string{hjemmel13}) {
			t.Errorf("screening: %v %q", pe.Screened, pe.Hjemmel)
		}
		if len(pe.Documents) != 1 || pe.Documents[0].Public || pe.Documents[0].Title != archive.Masked {
			t.Errorf("documents: %+v", pe.Documents)
		}
		if _, err := e.s.PublicDocumentFile(ctx, tenant, pe.Documents[0].SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("screened document: %v", err)
		}
		// The party-only screening keeps the title.
		po, err := e.s.PublicEntry(ctx, tenant, f.partyOnly.SystemID)
		if err != nil {
			t.Fatal(err)
		}
		if po.Title != "Søknad på stilling" || po.Parties[0].Name != archive.Masked || po.Hjemmel[0] != hjemmel25 {
			t.Errorf("party only: %+v", po)
		}
		// A public entry's document can be fetched.
		pub, err := e.s.PublicEntry(ctx, tenant, f.public.SystemID)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Screened || len(pub.Documents) != 1 || !pub.Documents[0].Public || pub.Parties[0].Name != "Byggmester Hansen AS" {
			t.Fatalf("public entry: %+v", pub)
		}
		file, err := e.s.PublicDocumentFile(ctx, tenant, pub.Documents[0].SystemID)
		if err != nil || file.BlobID == "" || file.Filename != "brev.txt" {
			t.Errorf("public document: %+v %v", file, err)
		}
		if _, err := e.s.PublicDocumentFile(ctx, "0301", pub.Documents[0].SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("document of another municipality: %v", err)
		}
		for _, id := range []string{f.internal.SystemID, f.reserved.SystemID, "not-a-uuid", "00000000-0000-4000-8000-000000000000"} {
			if _, err := e.s.PublicEntry(ctx, tenant, id); !errs.Is(errs.NotFound, err) {
				t.Errorf("entry %s: %v", id, err)
			}
		}
		if _, err := e.s.PublicEntry(ctx, "0301", f.public.SystemID); !errs.Is(errs.NotFound, err) {
			t.Errorf("entry of another municipality: %v", err)
		}
	})
}

func TestParseJournalQuery(t *testing.T) {
	ok := []struct {
		in   string
		want archive.JournalQuery
	}{
		{"", archive.JournalQuery{}},
		{"q=+s%C3%B8knad+&type=U&enhet=HR&antall=10&etter=42", archive.JournalQuery{Text: "søknad", Type: "U", Unit: "HR", Limit: 10, After: 42}},
		{"fra=2026-01-02&til=03.02.2026&saksnr=2026/123", archive.JournalQuery{From: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			To: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC), Saksaar: 2026, Sakssekvensnummer: 123}},
	}
	for _, c := range ok {
		v, _ := url.ParseQuery(c.in)
		got, err := archive.ParseJournalQuery(v)
		if err != nil || got != c.want {
			t.Errorf("%q: %+v, %v; want %+v", c.in, got, err, c.want)
		}
		back, err := archive.ParseJournalQuery(got.Values())
		if c.want.After == 0 && (err != nil || back != got) {
			t.Errorf("%q: round trip %+v, %v", c.in, back, err)
		}
	}
	bad := []struct{ in, field string }{
		{"fra=2026-13-01", "fra"},
		{"til=i+går", "til"},
		{"fra=2026-03-02&til=2026-03-01", "til"},
		{"fra=0001-01-01", "fra"},
		{"saksnr=123", "saksnr"},
		{"saksnr=2026/abc", "saksnr"},
		{"type=N", "type"},
		{"type=X", "type"},
		{"etter=-1", "etter"},
		{"etter=abc", "etter"},
		{"antall=0", "antall"},
		{"antall=101", "antall"},
		{"q=" + strings.Repeat("a", 201), "q"},
		{"q=%00", "q"},
		{"q=%FF", "q"},
	}
	for _, c := range bad {
		v, _ := url.ParseQuery(c.in)
		_, err := archive.ParseJournalQuery(v)
		_, _, fields := errs.Public(err)
		if !errs.Is(errs.Invalid, err) || fields[c.field] == "" {
			t.Errorf("%q: %v (fields %v), want an error on %s", c.in, err, fields, c.field)
		}
	}
}

// TestPublicJournalUpdates checks that the journal follows every committed
// change: a new entry, an entry that is cancelled, and a screening added
// later (written straight to the table, as a future screening change
// would) that hides a name already in the index.
func TestPublicJournalUpdates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := seedJournal(t, e, tenant)
		find := func(text string) []string {
			t.Helper()
			p, err := e.s.PublicJournal(ctx, tenant, archive.JournalQuery{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			return titles(p)
		}
		if got := find("Byggmester"); len(got) != 2 {
			t.Fatalf("before: %q", got)
		}
		n := entry(archive.Utgaaende, "Ferdigattest")
		n.Korrespondanseparter[0].Navn = "Byggmester Hansen AS"
		if _, err := e.addEntry(tenant, f.byggCase.SystemID, n); err != nil {
			t.Fatal(err)
		}
		if got := find("ferdigattesten"); !slices.Equal(got, []string{"Ferdigattest"}) {
			t.Errorf("new entry: %q", got)
		}
		if err := e.d.Tx(ctx, func(tx *sql.Tx) error {
			return e.s.SetEntryStatus(ctx, tx, tenant, f.public.SystemID, "U", actor)
		}); err != nil {
			t.Fatal(err)
		}
		if got := find("Byggmester"); !slices.Equal(got, []string{"Ferdigattest", "Vedtak om rammetillatelse"}) {
			t.Errorf("after cancelling: %q", got)
		}
		var jnr int64
		if err := e.d.QueryRowContext(ctx, `SELECT jnr FROM archive_journalpost WHERE tenant_id = $1 AND tittel = 'Ferdigattest'`, tenant).Scan(&jnr); err != nil {
			t.Fatal(err)
		}
		if err := e.d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO archive_skjerming (tenant_id, jnr, arkivenhet_id, tilgangsrestriksjon, skjermingshjemmel,
				skjerming_metadata, skjerming_dokument, skjermingsvarighet, skjerming_opphoerer_dato)
				SELECT tenant_id, jnr, system_id, '13', $3, 'mottaker', '', 0, NULL FROM archive_journalpost WHERE tenant_id = $1 AND jnr = $2`,
				tenant, jnr, hjemmel13)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := find("Byggmester"); !slices.Equal(got, []string{"Vedtak om rammetillatelse"}) {
			t.Errorf("after screening the recipient: %q", got)
		}
		if got := find("ferdigattest"); !slices.Equal(got, []string{"Ferdigattest"}) {
			t.Errorf("the screened entry itself: %q", got)
		}
	})
}

// A word search over a few years of generated entries gives, page by
// page, exactly the entries that match, newest first, and counts them up
// to MaxJournalCount. On PostgreSQL the search walks windows of days
// through the GIN index (searchWordsPostgres); it is checked against the
// plain query that tests every entry's words.
func TestPublicJournalWordSearchPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer blobs.Close()
		if _, err := e.s.Seed(ctx, tenant, "Bergen", archive.SeedOptions{Entries: 4000, Years: 3, Blobs: blobs, Documents: 10, Batch: 1000}, actor); err != nil {
			t.Fatal(err)
		}
		// A unit written with the characters of tsquery's syntax.
		odd := `Plan & bygg: "O'Brien" \ | !`
		c := sak("Reguleringsplan for Kvernhusmyra")
		c.AdministrativEnhet = odd
		oddCase := e.createCase(t, tenant, c)
		for _, title := range []string{"Merknad til reguleringsplan", "Vedtak om reguleringsplan"} {
			j := entry(archive.Inngaaende, title)
			j.AdministrativEnhet = odd
			if _, err := e.addEntry(tenant, oddCase.SystemID, j); err != nil {
				t.Fatal(err)
			}
		}
		first, err := e.s.PublicJournal(ctx, tenant, archive.JournalQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		some := first.Entries[60]
		var name string
		for _, en := range first.Entries[40:] {
			for _, p := range en.Parties {
				if !p.Screened && name == "" {
					name = p.Name
				}
			}
		}
		caseWord := strings.Fields(some.CaseTitle)[0]
		year := e.clock.Now().Year() - 1
		queries := []archive.JournalQuery{
			{Text: "søknad"},
			{Text: "vedtaket"},
			{Text: "klage", From: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)},
			{Text: "faktura", Unit: "Økonomiavdelingen"},
			{Text: "søknad", Type: archive.Utgaaende},
			{Text: "reguleringsplan", Unit: odd},
			{Text: name},
			{Text: caseWord, Saksaar: some.Saksaar, Sakssekvensnummer: some.Sakssekvensnummer},
			{Text: "Kvernhusmyra"},
			{Text: "kvalheimsvingen"},
		}
		over := false
		// The default passes; a short first pass and day windows in the
		// second; everything in the first pass.
		t.Cleanup(archive.SetWordSearchPasses(64, 2000))
		for _, passes := range [][2]int64{{64, 2000}, {4, -1}, {1 << 20, 0}} {
			archive.SetWordSearchPasses(passes[0], passes[1])
			for _, q := range queries {
				q.Limit = 100
				var got []string
				var count int
				var more bool
				var last archive.PublicEntry
				for pages := 0; ; pages++ {
					p, err := e.s.PublicJournal(ctx, tenant, q)
					if err != nil {
						t.Fatalf("%+v: %v", q, err)
					}
					if pages == 0 {
						count, more = p.Count, p.More
					} else if p.Count != 0 || p.More {
						t.Errorf("%+v: page %d counts %d", q, pages, p.Count)
					}
					for _, en := range p.Entries {
						if len(got) > 0 && (en.Journaldato.After(last.Journaldato) ||
							en.Journaldato.Equal(last.Journaldato) && en.Journalsekvensnummer >= last.Journalsekvensnummer) {
							t.Errorf("%+v: %s after %s", q, en.Journalnummer(), last.Journalnummer())
						}
						got, last = append(got, en.SystemID), en
					}
					if p.Next == 0 {
						break
					}
					if pages > 40 {
						t.Fatalf("%+v: too many pages", q)
					}
					q.After = p.Next
				}
				if want := min(len(got), archive.MaxJournalCount); count != want || more != (len(got) > archive.MaxJournalCount) {
					t.Errorf("%+v: count %d (more %v) for %d entries", q, count, more, len(got))
				}
				over = over || more
				if q.Text == "reguleringsplan" || q.Text == "Kvernhusmyra" {
					if len(got) != 2 {
						t.Errorf("%+v: %d entries, want the 2 of the odd unit", q, len(got))
					}
				}
				if e.d.Dialect() != db.Postgres {
					continue
				}
				from, to := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
				if !q.From.IsZero() {
					from, to = q.From, q.To.AddDate(0, 0, 1)
				}
				rows, err := e.d.QueryContext(ctx, `SELECT j.system_id FROM archive_oj_entry o
				JOIN archive_journalpost j ON j.tenant_id = o.tenant_id AND j.jnr = o.jnr
				WHERE o.tenant_id = $1 AND to_tsvector('norwegian', o.tekst) @@ plainto_tsquery('norwegian', $2)
				  AND ($3 = '' OR o.journalposttype = $3) AND ($4 = '' OR o.administrativ_enhet = $4)
				  AND ($5 = 0 OR o.saksaar = $5 AND o.sakssekvensnummer = $6)
				  AND j.journaldato >= $7 AND j.journaldato < $8
				ORDER BY o.sok_id DESC`, tenant, q.Text, q.Type, q.Unit, q.Saksaar, q.Sakssekvensnummer, from, to)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for rows.Next() {
					var id string
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					want = append(want, id)
				}
				rows.Close()
				if !slices.Equal(got, want) {
					t.Errorf("passes %v: %+v: %d entries, want %d", passes, q, len(got), len(want))
				}
			}
		}
		if !over {
			t.Error("no search found more than MaxJournalCount entries")
		}
	})
}
