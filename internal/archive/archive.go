// Package archive is the municipality's Noark 5 record: the archive
// (arkiv), its parts (arkivdel), the classification system, case files
// (saksmappe), journal entries (journalpost) with their senders and
// recipients (korrespondansepart), documents (dokumentbeskrivelse) and
// document files (dokumentobjekt), and screening (skjerming). It also
// writes the archival extract, a Noark 5 avleveringspakke (export.go), and
// can fill an archive with generated cases for tests and benchmarks
// (seed.go). It owns the tables archive_*.
//
// The Go names follow the Noark 5 metadata catalogue. Code-list values
// are the short codes of the Noark 5 service interface (journalposttype
// "I", journalstatus "J", saksstatus "B", korrespondanseparttype "EA", ...);
// the extract writes the catalogue's full texts ("Inngående dokument"), as
// the standard requires.
//
// # Numbering
//
// Case numbers (saksaar/sakssekvensnummer) and journal numbers
// (journalaar/journalsekvensnummer) are given out per municipality and
// year, without gaps among committed rows: an upsert of the counter row in
// archive_sekvens holds that row until the transaction ends. The year is
// the calendar year in Norway when the case or entry is registered.
// journalpostnummer counts the entries of a case from 1, held by the case
// row. CreateCase and AddEntry run inside the caller's transaction, so a
// case module can make the case, its first entry, its own rows and an
// outbox event atomically; a rolled-back transaction gives its numbers
// back.
//
// # Screening
//
// A saksmappe, journalpost or dokumentbeskrivelse may carry a Skjerming:
// tilgangsrestriksjon (the access code, e.g. "13") and skjermingshjemmel
// (the legal basis, e.g. "Offl. § 13 jf. fvl. § 13 første ledd nr. 1")
// always together, and which metadata are screened (SkjermingMetadata
// codes). The public journal (offentligJournal.xml, and later the
// municipality's postliste) replaces a screened title by offentligTittel,
// or by "******" when there is none, and a screened sender's or
// recipient's name by "******".
//
// # Reads
//
// Case, Entries and Entry return personal data. The caller (a case or
// innsyn module) audits staff reads with its purpose; this package audits
// its own changes and the export.
package archive

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"io/fs"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Schema is the archive module's migrations.
var Schema = db.EmbeddedSchema("archive", migrationFS, "migrations")

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files (keys "archive.*").
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Service keeps the municipalities' archives. It is safe for concurrent
// use.
type Service struct {
	db  *db.DB
	log *audit.Log
}

// New returns a Service on d, which must be migrated with Schema (and
// audit.Schema).
func New(d *db.DB, log *audit.Log) *Service { return &Service{db: d, log: log} }

// Arkiv is a municipality's archive.
type Arkiv struct {
	SystemID        string
	Tittel          string // "<name> kommunearkiv"
	Arkivstatus     string // O opprettet, A avsluttet
	ArkivskaperID   string // the kommunenummer
	ArkivskaperNavn string
	OpprettetDato   time.Time
	OpprettetAv     string
	AvsluttetDato   time.Time // zero while open
	AvsluttetAv     string
}

// Arkivdel is a part (period) of the archive.
type Arkivdel struct {
	SystemID                string
	ArkivSystemID           string
	KlassifikasjonssystemID string
	Tittel                  string // "Sakarkiv 2026"
	Arkivdelstatus          string // A aktiv periode, O overlapping, P avsluttet periode, U uaktuelle mapper
	ArkivperiodeStartDato   time.Time
	ArkivperiodeSluttDato   time.Time // zero while open
	OpprettetDato           time.Time
	OpprettetAv             string
	AvsluttetDato           time.Time // zero while open
	AvsluttetAv             string
}

// Klasse is a class of the classification system.
type Klasse struct {
	SystemID                string
	KlassifikasjonssystemID string
	KlasseID                string // "000"
	Tittel                  string
}

// Saksmappe is a case file.
type Saksmappe struct {
	SystemID string
	// ArkivdelSystemID is the archive part the case belongs to; CreateCase
	// uses the current one (see EnsureDefaults) when it is empty.
	ArkivdelSystemID string
	// KlasseID is the class (klasseID) in the municipality's classification
	// system, created with KlasseTittel on first use; DefaultKlasseID when
	// empty.
	KlasseID     string
	KlasseTittel string
	// Saksaar and Sakssekvensnummer are given by CreateCase; MappeID is
	// "saksaar/sakssekvensnummer".
	Saksaar            int
	Sakssekvensnummer  int
	MappeID            string
	Saksdato           time.Time // a date; today (Norway) when zero
	Tittel             string
	OffentligTittel    string // the title with screened words replaced, for the public journal
	Beskrivelse        string
	Saksstatus         string // B when empty; see SaksstatusKoder
	Saksansvarlig      string // name of the caseworker in charge
	AdministrativEnhet string
	Journalenhet       string
	OpprettetDato      time.Time // set by CreateCase
	OpprettetAv        string    // set by CreateCase from the actor
	AvsluttetDato      time.Time // set when saksstatus becomes A (or U)
	AvsluttetAv        string
	Skjerming          *Skjerming
	// AntallJournalposter is the number of entries (read only).
	AntallJournalposter int
}

// Journalpost is a journal entry in a case.
type Journalpost struct {
	SystemID          string
	SaksmappeSystemID string // set by AddEntry
	// Journalaar, Journalsekvensnummer and Journalpostnummer are given by
	// AddEntry; RegistreringsID is "saksaar/sakssekvensnummer-journalpostnummer".
	Journalaar           int
	Journalsekvensnummer int
	Journalpostnummer    int
	RegistreringsID      string
	Journalposttype      string // I U N X S
	Journalstatus        string // J F G E A U M S R
	Tittel               string
	OffentligTittel      string
	Dokumentdato         time.Time // dokumentetsDato, a date
	Journaldato          time.Time // a date, set by AddEntry (today, Norway)
	MottattDato          time.Time // required for I
	SendtDato            time.Time
	Forfallsdato         time.Time // a date
	Journalenhet         string
	Saksbehandler        string
	AdministrativEnhet   string
	OpprettetDato        time.Time // set by AddEntry
	OpprettetAv          string
	ArkivertDato         time.Time // set by AddEntry: the entry and its documents are stored
	ArkivertAv           string
	Korrespondanseparter []Korrespondansepart
	Dokumenter           []Dokumentbeskrivelse
	Skjerming            *Skjerming
}

// Korrespondansepart is a sender or recipient of a journal entry.
type Korrespondansepart struct {
	Korrespondanseparttype string // EA EM EK GM IA IM IK IS
	Navn                   string // korrespondansepartNavn
	Postadresse            []string
	Postnummer             string
	Poststed               string
	Land                   string
	Epostadresse           string
	Telefonnummer          string
	Kontaktperson          string
	AdministrativEnhet     string
	Saksbehandler          string
}

// Dokumentbeskrivelse is a document of a journal entry.
type Dokumentbeskrivelse struct {
	SystemID                  string
	Dokumentnummer            int    // 1.. in the order given, set by AddEntry
	Dokumenttype              string // free text, e.g. "Brev", "Søknad", "Vedtak"
	Dokumentstatus            string // F when empty; B under redigering
	Tittel                    string
	TilknyttetRegistreringSom string // H hoveddokument, V vedlegg
	OpprettetDato             time.Time
	OpprettetAv               string
	TilknyttetDato            time.Time
	TilknyttetAv              string
	Skjerming                 *Skjerming
	Dokumentobjekter          []Dokumentobjekt
}

// Dokumentobjekt is one version and variant of a document: a file in the
// blob store.
type Dokumentobjekt struct {
	SystemID       string
	Versjonsnummer int    // 1 when zero
	Variantformat  string // A when empty; P produksjonsformat, O skjermet variant
	Format         string // PRONOM id, e.g. "fmt/95" (PDF/A-1a) or "x-fmt/111" (plain text); the media type when empty
	FormatDetaljer string
	Filnavn        string // the original file name, for people
	Mimetype       string // e.g. "application/pdf"; required when Format is empty
	// BlobID is the SHA-256 (lower-case hex) of the content, its name in
	// the blob store. Sjekksum is the same value (set from BlobID when
	// empty); SjekksumAlgoritme is always "SHA256".
	BlobID               string
	Sjekksum             string
	SjekksumAlgoritme    string
	Filstoerrelse        int64
	ReferanseDokumentfil string // set by AddEntry: the path in an extract, "dokumenter/2026/<first digit of systemID>/<systemID>.pdf"
	OpprettetDato        time.Time
	OpprettetAv          string
}

// Skjerming is the screening of a case, entry or document.
type Skjerming struct {
	Tilgangsrestriksjon    string   // access code, see Tilgangskoder, e.g. "13"
	Skjermingshjemmel      string   // legal basis, e.g. "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
	SkjermingMetadata      []string // screened fields, SkjermingMetadata* codes, at least one
	SkjermingDokument      string   // documents only: H whole document, D parts
	Skjermingsvarighet     int      // years, 0 when not given
	SkjermingOpphoererDato time.Time
}

// Screens reports whether s screens the field code (one of the
// SkjermingMetadata* codes); "midlertidig" screens everything and
// "korrespondansepart" both sender and recipient.
func (s *Skjerming) Screens(code string) bool {
	if s == nil {
		return false
	}
	for _, c := range s.SkjermingMetadata {
		switch {
		case c == code, c == SkjermingMidlertidig:
			return true
		case c == SkjermingKorrespondansepart && (code == SkjermingAvsender || code == SkjermingMottaker):
			return true
		case c == SkjermingTittelOrd && code == SkjermingTittel:
			return true
		}
	}
	return false
}

// newID returns a random (version 4) UUID in canonical form.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// validUUID reports whether s is a UUID in canonical lower-case form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// oslo is Norway's time zone: years and dates of registration are Norwegian.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// dateOf returns the calendar date of t as midnight UTC, the form dates
// are stored in. The date is t's own (in its location).
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// todayIn returns the date of now in Norway as midnight UTC.
func todayIn(now time.Time) time.Time { return dateOf(now.In(oslo)) }

// stamp returns t in UTC truncated to microseconds (what both databases
// keep), or zero.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// actorName is who an audit actor is in the archive's opprettetAv fields.
func actorName(a audit.Entry) string {
	switch {
	case a.ActorName != "":
		return a.ActorName
	case a.ActorID != "":
		return a.ActorID
	}
	return "system"
}
