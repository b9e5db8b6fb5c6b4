package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// DefaultKlasseID is the class of cases created without one.
const (
	DefaultKlasseID     = "000"
	defaultKlasseTittel = "Ikke klassifisert"
)

// queryer is what the read helpers need: the database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// nullTime passes a zero time to the database as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// nextNumber gives out the next number of kind for tenant and year inside
// tx, holding the counter row until tx ends.
func nextNumber(ctx context.Context, tx *sql.Tx, tenant, kind string, year int) (int, error) {
	n, err := reserveNumbers(ctx, tx, tenant, kind, year, 1)
	return n, err
}

// reserveNumbers reserves count numbers of kind for tenant and year inside
// tx and returns the last of them (the first is last-count+1).
func reserveNumbers(ctx context.Context, tx *sql.Tx, tenant, kind string, year, count int) (int, error) {
	var last int
	err := tx.QueryRowContext(ctx,
		`INSERT INTO archive_sekvens (tenant_id, kind, aar, last) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (tenant_id, kind, aar) DO UPDATE SET last = archive_sekvens.last + $4 RETURNING last`,
		tenant, kind, year, count).Scan(&last)
	return last, err
}

// ---------------------------------------------------------------------------
// Archive and archive parts

// EnsureDefaults makes the municipality's arkiv ("<name> kommunearkiv"),
// its classification system with the class DefaultKlasseID, and an active
// arkivdel "Sakarkiv <year>", once; it returns the current (active) archive
// part, making a new one when every part is closed. Errors: Invalid when
// tenant or municipalityName is empty.
func (s *Service) EnsureDefaults(ctx context.Context, tenant, municipalityName string, actor audit.Entry) (Arkivdel, error) {
	const op = errs.Op("archive.EnsureDefaults")
	if strings.TrimSpace(tenant) == "" || strings.TrimSpace(municipalityName) == "" {
		return Arkivdel{}, errs.E(op, errs.Invalid, keyTenant, errors.New("tenant and municipality name are required"))
	}
	if a, err := s.currentArkivdel(ctx, s.db, tenant); err == nil {
		return a, nil
	} else if !errs.Is(errs.NotFound, err) {
		return Arkivdel{}, errs.E(op, err)
	}
	var out Arkivdel
	var err error
	// A concurrent first call on PostgreSQL loses the unique index on
	// archive_arkiv; the second attempt finds its archive.
	for attempt := 0; attempt < 3; attempt++ {
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			var e error
			out, e = s.ensureDefaultsTx(ctx, tx, tenant, municipalityName, actor)
			return e
		})
		if err == nil || !db.IsUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return Arkivdel{}, errs.E(op, err)
	}
	return out, nil
}

func (s *Service) ensureDefaultsTx(ctx context.Context, tx *sql.Tx, tenant, name string, actor audit.Entry) (Arkivdel, error) {
	if a, err := s.currentArkivdel(ctx, tx, tenant); err == nil {
		return a, nil
	} else if !errs.Is(errs.NotFound, err) {
		return Arkivdel{}, err
	}
	now := s.db.Now()
	by := actorName(actor)
	arkiv, err := s.arkiv(ctx, tx, tenant)
	var klassSys string
	switch {
	case errs.Is(errs.NotFound, err):
		creator := strings.TrimSpace(name)
		if !strings.Contains(strings.ToLower(creator), "kommune") {
			creator += " kommune"
		}
		arkiv = Arkiv{SystemID: newID(), Tittel: strings.TrimSpace(name) + " kommunearkiv", Arkivstatus: "O",
			ArkivskaperID: tenant, ArkivskaperNavn: creator, OpprettetDato: now, OpprettetAv: by}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO archive_arkiv (tenant_id, system_id, tittel, arkivstatus, arkivskaper_id, arkivskaper_navn, opprettet_dato, opprettet_av, avsluttet_dato, avsluttet_av)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, '')`,
			tenant, arkiv.SystemID, arkiv.Tittel, arkiv.Arkivstatus, arkiv.ArkivskaperID, arkiv.ArkivskaperNavn, now, by); err != nil {
			return Arkivdel{}, err
		}
		klassSys = newID()
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO archive_klassifikasjonssystem (tenant_id, system_id, klassifikasjonstype, tittel, opprettet_dato, opprettet_av)
			 VALUES ($1, $2, $3, $4, $5, $6)`,
			tenant, klassSys, "Emnebasert, ett nivå", "Klassifikasjon for "+arkiv.Tittel, now, by); err != nil {
			return Arkivdel{}, err
		}
		if _, err := ensureKlasse(ctx, tx, tenant, klassSys, DefaultKlasseID, defaultKlasseTittel, now, by); err != nil {
			return Arkivdel{}, err
		}
	case err != nil:
		return Arkivdel{}, err
	default:
		if err := tx.QueryRowContext(ctx,
			`SELECT system_id FROM archive_klassifikasjonssystem WHERE tenant_id = $1 ORDER BY opprettet_dato LIMIT 1`, tenant).Scan(&klassSys); err != nil {
			return Arkivdel{}, err
		}
	}
	year := now.In(oslo).Year()
	a, err := insertArkivdel(ctx, tx, tenant, arkiv.SystemID, klassSys, fmt.Sprintf("Sakarkiv %d", year), "A", todayIn(now), time.Time{}, now, by)
	if err != nil {
		return Arkivdel{}, err
	}
	actor.Tenant, actor.Action, actor.Object = tenant, "archive.defaults", "arkivdel:"+a.SystemID
	actor.Detail = arkiv.Tittel + " / " + a.Tittel
	if _, err := s.log.Append(ctx, tx, actor); err != nil {
		return Arkivdel{}, err
	}
	return a, nil
}

func insertArkivdel(ctx context.Context, tx *sql.Tx, tenant, arkivID, klassSys, tittel, status string, start, slutt, now time.Time, by string) (Arkivdel, error) {
	a := Arkivdel{SystemID: newID(), ArkivSystemID: arkivID, KlassifikasjonssystemID: klassSys, Tittel: tittel,
		Arkivdelstatus: status, ArkivperiodeStartDato: start, ArkivperiodeSluttDato: slutt, OpprettetDato: now, OpprettetAv: by}
	if status == "P" {
		a.AvsluttetDato, a.AvsluttetAv = now, by
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO archive_arkivdel (tenant_id, system_id, arkiv_id, klassifikasjonssystem_id, tittel, arkivdelstatus,
		   arkivperiode_start, arkivperiode_slutt, opprettet_dato, opprettet_av, avsluttet_dato, avsluttet_av)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		tenant, a.SystemID, arkivID, klassSys, tittel, status, start, nullTime(slutt), now, by, nullTime(a.AvsluttetDato), a.AvsluttetAv)
	return a, err
}

// ensureKlasse returns the systemID of class klasseID in klassSys, making
// it with tittel when missing (also when another transaction makes it at
// the same time).
func ensureKlasse(ctx context.Context, tx *sql.Tx, tenant, klassSys, klasseID, tittel string, now time.Time, by string) (string, error) {
	if tittel == "" {
		tittel = klasseID
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO archive_klasse (tenant_id, system_id, klassifikasjonssystem_id, klasse_id, tittel, opprettet_dato, opprettet_av)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, klassifikasjonssystem_id, klasse_id) DO NOTHING`,
		tenant, newID(), klassSys, klasseID, tittel, now, by); err != nil {
		return "", err
	}
	var id string
	err := tx.QueryRowContext(ctx,
		`SELECT system_id FROM archive_klasse WHERE tenant_id = $1 AND klassifikasjonssystem_id = $2 AND klasse_id = $3`,
		tenant, klassSys, klasseID).Scan(&id)
	return id, err
}

// Arkiv returns the municipality's archive. Errors: NotFound when it has
// none yet.
func (s *Service) Arkiv(ctx context.Context, tenant string) (Arkiv, error) {
	a, err := s.arkiv(ctx, s.db, tenant)
	if err != nil {
		return Arkiv{}, errs.E(errs.Op("archive.Arkiv"), err)
	}
	return a, nil
}

func (s *Service) arkiv(ctx context.Context, q queryer, tenant string) (Arkiv, error) {
	a := Arkiv{}
	var avsluttet sql.NullTime
	err := q.QueryRowContext(ctx,
		`SELECT system_id, tittel, arkivstatus, arkivskaper_id, arkivskaper_navn, opprettet_dato, opprettet_av, avsluttet_dato, avsluttet_av
		 FROM archive_arkiv WHERE tenant_id = $1`, tenant).
		Scan(&a.SystemID, &a.Tittel, &a.Arkivstatus, &a.ArkivskaperID, &a.ArkivskaperNavn, &a.OpprettetDato, &a.OpprettetAv, &avsluttet, &a.AvsluttetAv)
	if errors.Is(err, sql.ErrNoRows) {
		return Arkiv{}, errs.E(errs.NotFound, keyNoArchive)
	}
	if err != nil {
		return Arkiv{}, err
	}
	a.OpprettetDato, a.AvsluttetDato = a.OpprettetDato.UTC(), fromNull(avsluttet)
	return a, nil
}

const arkivdelColumns = `system_id, arkiv_id, klassifikasjonssystem_id, tittel, arkivdelstatus, arkivperiode_start, arkivperiode_slutt,
	opprettet_dato, opprettet_av, avsluttet_dato, avsluttet_av`

func scanArkivdel(sc interface{ Scan(...any) error }) (Arkivdel, error) {
	var a Arkivdel
	var slutt, avsluttet sql.NullTime
	err := sc.Scan(&a.SystemID, &a.ArkivSystemID, &a.KlassifikasjonssystemID, &a.Tittel, &a.Arkivdelstatus, &a.ArkivperiodeStartDato, &slutt,
		&a.OpprettetDato, &a.OpprettetAv, &avsluttet, &a.AvsluttetAv)
	a.ArkivperiodeStartDato, a.OpprettetDato = a.ArkivperiodeStartDato.UTC(), a.OpprettetDato.UTC()
	a.ArkivperiodeSluttDato, a.AvsluttetDato = fromNull(slutt), fromNull(avsluttet)
	return a, err
}

// currentArkivdel returns the newest active archive part. Errors: NotFound.
func (s *Service) currentArkivdel(ctx context.Context, q queryer, tenant string) (Arkivdel, error) {
	a, err := scanArkivdel(q.QueryRowContext(ctx,
		`SELECT `+arkivdelColumns+` FROM archive_arkivdel WHERE tenant_id = $1 AND arkivdelstatus = 'A'
		 ORDER BY opprettet_dato DESC, system_id LIMIT 1`, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return Arkivdel{}, errs.E(errs.NotFound, keyNoArkivdel)
	}
	return a, err
}

// Arkivdel returns one archive part. Errors: NotFound (also for another
// municipality's part).
func (s *Service) Arkivdel(ctx context.Context, tenant, systemID string) (Arkivdel, error) {
	a, err := scanArkivdel(s.db.QueryRowContext(ctx,
		`SELECT `+arkivdelColumns+` FROM archive_arkivdel WHERE tenant_id = $1 AND system_id = $2`, tenant, systemID))
	if errors.Is(err, sql.ErrNoRows) {
		return Arkivdel{}, errs.E(errs.Op("archive.Arkivdel"), errs.NotFound, keyNoArkivdel)
	}
	if err != nil {
		return Arkivdel{}, errs.E(errs.Op("archive.Arkivdel"), err)
	}
	return a, nil
}

// Arkivdeler lists the municipality's archive parts, oldest first.
func (s *Service) Arkivdeler(ctx context.Context, tenant string) ([]Arkivdel, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+arkivdelColumns+` FROM archive_arkivdel WHERE tenant_id = $1 ORDER BY arkivperiode_start, opprettet_dato, system_id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("archive.Arkivdeler"), err)
	}
	defer rows.Close()
	var out []Arkivdel
	for rows.Next() {
		a, err := scanArkivdel(rows)
		if err != nil {
			return nil, errs.E(errs.Op("archive.Arkivdeler"), err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------------
// Cases

// CreateCase registers case file m in tx, the caller's transaction: it
// checks the case, gives it the next case number of the municipality and
// year, files it in its archive part (the current one when
// m.ArkivdelSystemID is empty) and class, and appends the audit entry.
// It returns the case as stored. Errors: Invalid with field errors;
// Conflict when the municipality has no active archive part (call
// EnsureDefaults) or the given part is closed.
func (s *Service) CreateCase(ctx context.Context, tx *sql.Tx, tenant string, m Saksmappe, actor audit.Entry) (Saksmappe, error) {
	const op = errs.Op("archive.CreateCase")
	if tx == nil || tenant == "" {
		return Saksmappe{}, errs.E(op, errs.Internal, errors.New("no transaction or tenant"))
	}
	if m.Saksstatus == "" {
		m.Saksstatus = SaksstatusUnderBehandling
	}
	if err := validateCase(&m); err != nil {
		return Saksmappe{}, err
	}
	var del Arkivdel
	var err error
	if m.ArkivdelSystemID == "" {
		if del, err = s.currentArkivdel(ctx, tx, tenant); errs.Is(errs.NotFound, err) {
			return Saksmappe{}, errs.E(op, errs.Conflict, keyNoArkivdel, err)
		}
	} else {
		del, err = scanArkivdel(tx.QueryRowContext(ctx,
			`SELECT `+arkivdelColumns+` FROM archive_arkivdel WHERE tenant_id = $1 AND system_id = $2`, tenant, m.ArkivdelSystemID))
		if errors.Is(err, sql.ErrNoRows) {
			return Saksmappe{}, errs.E(op, errs.Invalid, keyInvalidCase, map[string]string{"arkivdelSystemID": keyFieldUnknownArkivdel})
		}
		if err == nil && del.Arkivdelstatus != "A" {
			return Saksmappe{}, errs.E(op, errs.Conflict, keyArkivdelClosed)
		}
	}
	if err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	now := s.db.Now()
	by := actorName(actor)
	if m.KlasseID == "" {
		m.KlasseID, m.KlasseTittel = DefaultKlasseID, defaultKlasseTittel
	}
	klasse, err := ensureKlasse(ctx, tx, tenant, del.KlassifikasjonssystemID, m.KlasseID, m.KlasseTittel, now, by)
	if err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT tittel FROM archive_klasse WHERE tenant_id = $1 AND system_id = $2`, tenant, klasse).Scan(&m.KlasseTittel); err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	m.Saksaar = now.In(oslo).Year()
	if m.Sakssekvensnummer, err = nextNumber(ctx, tx, tenant, "sak", m.Saksaar); err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	m.SystemID, m.ArkivdelSystemID = newID(), del.SystemID
	m.MappeID = fmt.Sprintf("%d/%d", m.Saksaar, m.Sakssekvensnummer)
	m.OpprettetDato, m.OpprettetAv = now, by
	m.AvsluttetDato, m.AvsluttetAv, m.AntallJournalposter = time.Time{}, "", 0
	if m.Saksdato.IsZero() {
		m.Saksdato = todayIn(now)
	} else {
		m.Saksdato = dateOf(m.Saksdato)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO archive_saksmappe (tenant_id, system_id, arkivdel_id, klasse_id, saksaar, sakssekvensnummer, saksdato, tittel,
		   offentlig_tittel, beskrivelse, saksstatus, saksansvarlig, administrativ_enhet, journalenhet, opprettet_dato, opprettet_av,
		   avsluttet_dato, avsluttet_av, siste_journalpostnummer)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, NULL, '', 0)`,
		tenant, m.SystemID, m.ArkivdelSystemID, klasse, m.Saksaar, m.Sakssekvensnummer, m.Saksdato, m.Tittel,
		m.OffentligTittel, m.Beskrivelse, m.Saksstatus, m.Saksansvarlig, m.AdministrativEnhet, m.Journalenhet, now, by); err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	if err := insertSkjerming(ctx, tx, tenant, 0, m.SystemID, m.Skjerming); err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	actor.Tenant, actor.Action, actor.Object = tenant, "archive.case.create", "saksmappe:"+m.SystemID
	actor.Detail = "sak " + m.MappeID
	if _, err := s.log.Append(ctx, tx, actor); err != nil {
		return Saksmappe{}, errs.E(op, err)
	}
	return m, nil
}

// insertSkjerming stores the screening of unit enhet (jnr is its entry's
// journal number, 0 for a case).
func insertSkjerming(ctx context.Context, tx *sql.Tx, tenant string, jnr int64, enhet string, sk *Skjerming) error {
	if sk == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO archive_skjerming (tenant_id, jnr, arkivenhet_id, tilgangsrestriksjon, skjermingshjemmel, skjerming_metadata,
		   skjerming_dokument, skjermingsvarighet, skjerming_opphoerer_dato)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tenant, jnr, enhet, sk.Tilgangsrestriksjon, sk.Skjermingshjemmel, strings.Join(sk.SkjermingMetadata, " "),
		sk.SkjermingDokument, sk.Skjermingsvarighet, nullTime(dateOf(sk.SkjermingOpphoererDato)))
	return err
}

// SetCaseStatus changes the saksstatus of a case in tx, records the change
// in the change log (endringslogg) and appends the audit entry. Closing
// (A avsluttet, U utgår) sets avsluttetDato and avsluttetAv; reopening
// clears them. Setting the status a case already has changes nothing.
// Errors: Invalid for a status outside the code list, NotFound.
func (s *Service) SetCaseStatus(ctx context.Context, tx *sql.Tx, tenant, caseSystemID, saksstatus string, actor audit.Entry) error {
	const op = errs.Op("archive.SetCaseStatus")
	if !saksstatuser.has(saksstatus) {
		return errs.E(op, errs.Invalid, keyStatus, map[string]string{"saksstatus": keyFieldCode})
	}
	now := s.db.Now()
	by := actorName(actor)
	// Compare and set: a concurrent change makes the update miss, and the
	// loop reads the new status.
	for {
		var old, arkivdel string
		err := tx.QueryRowContext(ctx, `SELECT saksstatus, arkivdel_id FROM archive_saksmappe WHERE tenant_id = $1 AND system_id = $2`,
			tenant, caseSystemID).Scan(&old, &arkivdel)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(op, errs.NotFound, keyNoCase)
		}
		if err != nil {
			return errs.E(op, err)
		}
		if old == saksstatus {
			return nil
		}
		var avsluttet time.Time
		var avsluttetAv string
		if closedCase(saksstatus) {
			avsluttet, avsluttetAv = now, by
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE archive_saksmappe SET saksstatus = $1, avsluttet_dato = $2, avsluttet_av = $3
			 WHERE tenant_id = $4 AND system_id = $5 AND saksstatus = $6`,
			saksstatus, nullTime(avsluttet), avsluttetAv, tenant, caseSystemID, old)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := s.logChange(ctx, tx, tenant, arkivdel, caseSystemID, "saksstatus", old, saksstatus, now, by); err != nil {
			return errs.E(op, err)
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "archive.case.status", "saksmappe:"+caseSystemID
		actor.Detail = old + " → " + saksstatus
		if _, err := s.log.Append(ctx, tx, actor); err != nil {
			return errs.E(op, err)
		}
		return nil
	}
}

// SetResponsible makes name the saksansvarlig of a case in tx (when a case
// worker takes it or is given it), records the change in the change log
// and appends the audit entry. Naming the one already responsible changes
// nothing. Errors: Invalid for an empty, over-long or control-character
// name, NotFound.
func (s *Service) SetResponsible(ctx context.Context, tx *sql.Tx, tenant, caseSystemID, name string, actor audit.Entry) error {
	const op = errs.Op("archive.SetResponsible")
	f := fieldErrors{}
	f.text("saksansvarlig", name, true, maxName)
	if err := f.err(op, keyInvalidCase); err != nil {
		return err
	}
	now := s.db.Now()
	by := actorName(actor)
	for {
		var old, arkivdel string
		err := tx.QueryRowContext(ctx, `SELECT saksansvarlig, arkivdel_id FROM archive_saksmappe WHERE tenant_id = $1 AND system_id = $2`,
			tenant, caseSystemID).Scan(&old, &arkivdel)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(op, errs.NotFound, keyNoCase)
		}
		if err != nil {
			return errs.E(op, err)
		}
		if old == name {
			return nil
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE archive_saksmappe SET saksansvarlig = $1 WHERE tenant_id = $2 AND system_id = $3 AND saksansvarlig = $4`,
			name, tenant, caseSystemID, old)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := s.logChange(ctx, tx, tenant, arkivdel, caseSystemID, "saksansvarlig", old, name, now, by); err != nil {
			return errs.E(op, err)
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "archive.case.responsible", "saksmappe:"+caseSystemID
		actor.Detail = old + " → " + name
		if _, err := s.log.Append(ctx, tx, actor); err != nil {
			return errs.E(op, err)
		}
		return nil
	}
}

// SetEntryStatus changes the journalstatus of an entry in tx, records the
// change in the change log and appends the audit entry. Setting the status
// an entry already has changes nothing. Errors: Invalid for a status
// outside the code list, NotFound.
func (s *Service) SetEntryStatus(ctx context.Context, tx *sql.Tx, tenant, entrySystemID, journalstatus string, actor audit.Entry) error {
	const op = errs.Op("archive.SetEntryStatus")
	if !journalstatuser.has(journalstatus) {
		return errs.E(op, errs.Invalid, keyStatus, map[string]string{"journalstatus": keyFieldCode})
	}
	now := s.db.Now()
	by := actorName(actor)
	for {
		var old, arkivdel string
		err := tx.QueryRowContext(ctx,
			`SELECT j.journalstatus, m.arkivdel_id FROM archive_journalpost j
			 JOIN archive_saksmappe m ON m.tenant_id = j.tenant_id AND m.system_id = j.saksmappe_id
			 WHERE j.tenant_id = $1 AND j.system_id = $2`, tenant, entrySystemID).Scan(&old, &arkivdel)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(op, errs.NotFound, keyNoEntry)
		}
		if err != nil {
			return errs.E(op, err)
		}
		if old == journalstatus {
			return nil
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE archive_journalpost SET journalstatus = $1 WHERE tenant_id = $2 AND system_id = $3 AND journalstatus = $4`,
			journalstatus, tenant, entrySystemID, old)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := s.logChange(ctx, tx, tenant, arkivdel, entrySystemID, "journalstatus", old, journalstatus, now, by); err != nil {
			return errs.E(op, err)
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "archive.entry.status", "journalpost:"+entrySystemID
		actor.Detail = old + " → " + journalstatus
		if _, err := s.log.Append(ctx, tx, actor); err != nil {
			return errs.E(op, err)
		}
		return nil
	}
}

// logChange appends one change to the change log, numbered without gaps.
func (s *Service) logChange(ctx context.Context, tx *sql.Tx, tenant, arkivdel, enhet, field, old, new string, now time.Time, by string) error {
	nr, err := nextNumber(ctx, tx, tenant, "endring", 0)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO archive_endring (tenant_id, nr, arkivdel_id, arkivenhet_id, referanse_metadata, endret_dato, endret_av, tidligere_verdi, ny_verdi)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tenant, nr, arkivdel, enhet, field, now, by, old, new)
	return err
}

const caseColumns = `m.system_id, m.arkivdel_id, k.klasse_id, k.tittel, m.saksaar, m.sakssekvensnummer, m.saksdato, m.tittel,
	m.offentlig_tittel, m.beskrivelse, m.saksstatus, m.saksansvarlig, m.administrativ_enhet, m.journalenhet, m.opprettet_dato,
	m.opprettet_av, m.avsluttet_dato, m.avsluttet_av, m.siste_journalpostnummer, ` + skjermingColumns

const caseFrom = ` FROM archive_saksmappe m
	JOIN archive_klasse k ON k.tenant_id = m.tenant_id AND k.system_id = m.klasse_id
	LEFT JOIN archive_skjerming s ON s.tenant_id = m.tenant_id AND s.jnr = 0 AND s.arkivenhet_id = m.system_id`

func scanCase(sc interface{ Scan(...any) error }, klasseSystemID *string) (Saksmappe, error) {
	var m Saksmappe
	var avsluttet sql.NullTime
	var sk skjermingScan
	dest := []any{&m.SystemID, &m.ArkivdelSystemID, &m.KlasseID, &m.KlasseTittel, &m.Saksaar, &m.Sakssekvensnummer, &m.Saksdato, &m.Tittel,
		&m.OffentligTittel, &m.Beskrivelse, &m.Saksstatus, &m.Saksansvarlig, &m.AdministrativEnhet, &m.Journalenhet, &m.OpprettetDato,
		&m.OpprettetAv, &avsluttet, &m.AvsluttetAv, &m.AntallJournalposter}
	dest = append(dest, sk.dest()...)
	if klasseSystemID != nil {
		dest = append(dest, klasseSystemID)
	}
	if err := sc.Scan(dest...); err != nil {
		return Saksmappe{}, err
	}
	m.MappeID = fmt.Sprintf("%d/%d", m.Saksaar, m.Sakssekvensnummer)
	m.Saksdato, m.OpprettetDato, m.AvsluttetDato = m.Saksdato.UTC(), m.OpprettetDato.UTC(), fromNull(avsluttet)
	m.Skjerming = sk.result()
	return m, nil
}

// Case returns a case file. Errors: NotFound, also for another
// municipality's case.
func (s *Service) Case(ctx context.Context, tenant, caseSystemID string) (Saksmappe, error) {
	m, err := scanCase(s.db.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE m.tenant_id = $1 AND m.system_id = $2`,
		tenant, caseSystemID), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return Saksmappe{}, errs.E(errs.Op("archive.Case"), errs.NotFound, keyNoCase)
	}
	if err != nil {
		return Saksmappe{}, errs.E(errs.Op("archive.Case"), err)
	}
	return m, nil
}

// CaseByNumber returns the case saksaar/sakssekvensnummer. Errors:
// NotFound.
func (s *Service) CaseByNumber(ctx context.Context, tenant string, saksaar, sakssekvensnummer int) (Saksmappe, error) {
	m, err := scanCase(s.db.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE m.tenant_id = $1 AND m.saksaar = $2 AND m.sakssekvensnummer = $3`,
		tenant, saksaar, sakssekvensnummer), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return Saksmappe{}, errs.E(errs.Op("archive.CaseByNumber"), errs.NotFound, keyNoCase)
	}
	if err != nil {
		return Saksmappe{}, errs.E(errs.Op("archive.CaseByNumber"), err)
	}
	return m, nil
}

// ---------------------------------------------------------------------------
// Entries

// AddEntry registers journal entry j, with its korrespondanseparter,
// documents and screening, in case caseSystemID inside tx, the caller's
// transaction. It gives the entry the next journal number of the
// municipality and year and the next journalpostnummer of the case, sets
// journaldato to today, numbers the documents 1.. in the order given, and
// appends the audit entry. It returns the entry as stored. Errors:
// Invalid with field errors (missing mandatory fields, codes outside the
// code lists, the parties the type of entry needs, one main document,
// screening without both access code and legal basis); NotFound when the
// case does not exist in the municipality; Conflict when it is closed.
func (s *Service) AddEntry(ctx context.Context, tx *sql.Tx, tenant, caseSystemID string, j Journalpost, actor audit.Entry) (Journalpost, error) {
	const op = errs.Op("archive.AddEntry")
	if tx == nil || tenant == "" {
		return Journalpost{}, errs.E(op, errs.Internal, errors.New("no transaction or tenant"))
	}
	j = cloneEntry(j)
	if err := validateEntry(&j); err != nil {
		return Journalpost{}, err
	}
	var saksaar, saksnr int
	err := tx.QueryRowContext(ctx,
		`UPDATE archive_saksmappe SET siste_journalpostnummer = siste_journalpostnummer + 1
		 WHERE tenant_id = $1 AND system_id = $2 AND saksstatus NOT IN ('A', 'U')
		 RETURNING siste_journalpostnummer, saksaar, sakssekvensnummer`, tenant, caseSystemID).Scan(&j.Journalpostnummer, &saksaar, &saksnr)
	if errors.Is(err, sql.ErrNoRows) {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT saksstatus FROM archive_saksmappe WHERE tenant_id = $1 AND system_id = $2`,
			tenant, caseSystemID).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return Journalpost{}, errs.E(op, errs.NotFound, keyNoCase)
		} else if err != nil {
			return Journalpost{}, errs.E(op, err)
		}
		return Journalpost{}, errs.E(op, errs.Conflict, keyCaseClosed)
	}
	if err != nil {
		return Journalpost{}, errs.E(op, err)
	}
	now := s.db.Now()
	by := actorName(actor)
	j.Journalaar = now.In(oslo).Year()
	if j.Journalsekvensnummer, err = nextNumber(ctx, tx, tenant, "journal", j.Journalaar); err != nil {
		return Journalpost{}, errs.E(op, err)
	}
	j.SystemID, j.SaksmappeSystemID = newID(), caseSystemID
	j.RegistreringsID = fmt.Sprintf("%d/%d-%d", saksaar, saksnr, j.Journalpostnummer)
	j.Journaldato = todayIn(now)
	j.OpprettetDato, j.OpprettetAv, j.ArkivertDato, j.ArkivertAv = now, by, now, by
	normalizeEntry(&j, now, by)
	if err := insertEntry(ctx, tx, tenant, &j); err != nil {
		return Journalpost{}, errs.E(op, err)
	}
	actor.Tenant, actor.Action, actor.Object = tenant, "archive.entry.add", "journalpost:"+j.SystemID
	actor.Detail = fmt.Sprintf("journalpost %d/%d (%s) i sak %d/%d", j.Journalaar, j.Journalsekvensnummer, j.Journalposttype, saksaar, saksnr)
	if _, err := s.log.Append(ctx, tx, actor); err != nil {
		return Journalpost{}, errs.E(op, err)
	}
	return j, nil
}

// cloneEntry copies the lists of j, so that filling in the documents
// does not change the caller's.
func cloneEntry(j Journalpost) Journalpost {
	j.Korrespondanseparter = slices.Clone(j.Korrespondanseparter)
	j.Dokumenter = slices.Clone(j.Dokumenter)
	for i := range j.Dokumenter {
		j.Dokumenter[i].Dokumentobjekter = slices.Clone(j.Dokumenter[i].Dokumentobjekter)
	}
	return j
}

// normalizeEntry fills the defaults and system fields of a checked entry
// whose numbers and dates of registration are set.
func normalizeEntry(j *Journalpost, now time.Time, by string) {
	j.Dokumentdato, j.Forfallsdato = dateOf(j.Dokumentdato), dateOf(j.Forfallsdato)
	j.MottattDato, j.SendtDato = stamp(j.MottattDato), stamp(j.SendtDato)
	for i := range j.Dokumenter {
		d := &j.Dokumenter[i]
		d.SystemID, d.Dokumentnummer = newID(), i+1
		if d.Dokumentstatus == "" {
			d.Dokumentstatus = "F"
		}
		d.OpprettetDato, d.OpprettetAv, d.TilknyttetDato, d.TilknyttetAv = now, by, now, by
		for k := range d.Dokumentobjekter {
			o := &d.Dokumentobjekter[k]
			o.SystemID = newID()
			if o.Versjonsnummer == 0 {
				o.Versjonsnummer = 1
			}
			if o.Variantformat == "" {
				o.Variantformat = "A"
			}
			if o.Format == "" {
				o.Format = o.Mimetype
			}
			o.Sjekksum, o.SjekksumAlgoritme = o.BlobID, "SHA256"
			o.OpprettetDato, o.OpprettetAv = now, by
			// A folder per year, and 16 below it by the first digit of the
			// systemID, so the files of an extract are spread out.
			o.ReferanseDokumentfil = fmt.Sprintf("dokumenter/%d/%c/%s.%s", j.Journalaar, o.SystemID[0], o.SystemID, fileExt(o.Filnavn, o.Format, o.Mimetype))
		}
	}
}

// fileExt chooses the extension of a document file in the extract: the
// original name's (letters and digits, at most 8), else one known for the
// format or media type, else "bin".
func fileExt(name, format, mimetype string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i < len(name)-1 {
		ext := strings.ToLower(name[i+1:])
		ok := len(ext) <= 8
		for _, c := range ext {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				ok = false
			}
		}
		if ok {
			return ext
		}
	}
	switch {
	case strings.HasPrefix(format, "fmt/95"), format == "fmt/354", format == "fmt/476", format == "fmt/477", format == "fmt/478",
		format == "fmt/18", format == "fmt/19", format == "fmt/20", format == "fmt/276", mimetype == "application/pdf":
		return "pdf"
	case format == "x-fmt/111", strings.HasPrefix(mimetype, "text/plain"):
		return "txt"
	case format == "fmt/101", mimetype == "application/xml", mimetype == "text/xml":
		return "xml"
	case format == "fmt/43", format == "fmt/44", mimetype == "image/jpeg":
		return "jpg"
	case format == "fmt/11", format == "fmt/12", format == "fmt/13", mimetype == "image/png":
		return "png"
	case format == "fmt/353", mimetype == "image/tiff":
		return "tif"
	}
	return "bin"
}

// insertEntry writes a numbered, normalized entry with its parties,
// documents and screening.
func insertEntry(ctx context.Context, tx *sql.Tx, tenant string, j *Journalpost) error {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO archive_journalpost (tenant_id, system_id, saksmappe_id, jnr, journalaar, journalsekvensnummer, journalpostnummer,
		   journalposttype, journalstatus, tittel, offentlig_tittel, dokumentdato, journaldato, mottatt_dato, sendt_dato, forfallsdato,
		   journalenhet, saksbehandler, administrativ_enhet, opprettet_dato, opprettet_av, arkivert_dato, arkivert_av)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		tenant, j.SystemID, j.SaksmappeSystemID, j.jnr(), j.Journalaar, j.Journalsekvensnummer, j.Journalpostnummer,
		j.Journalposttype, j.Journalstatus, j.Tittel, j.OffentligTittel, j.Dokumentdato, j.Journaldato, nullTime(j.MottattDato),
		nullTime(j.SendtDato), nullTime(j.Forfallsdato), j.Journalenhet, j.Saksbehandler, j.AdministrativEnhet,
		j.OpprettetDato, j.OpprettetAv, j.ArkivertDato, j.ArkivertAv); err != nil {
		return err
	}
	for i, p := range j.Korrespondanseparter {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO archive_korrespondansepart (tenant_id, jnr, nr, korrespondanseparttype, navn, postadresse, postnummer,
			   poststed, land, epostadresse, telefonnummer, kontaktperson, administrativ_enhet, saksbehandler)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			tenant, j.jnr(), i+1, p.Korrespondanseparttype, p.Navn, strings.Join(p.Postadresse, "\n"), p.Postnummer,
			p.Poststed, p.Land, p.Epostadresse, p.Telefonnummer, p.Kontaktperson, p.AdministrativEnhet, p.Saksbehandler); err != nil {
			return err
		}
	}
	for _, d := range j.Dokumenter {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO archive_dokumentbeskrivelse (tenant_id, jnr, dokumentnummer, system_id, dokumenttype, dokumentstatus,
			   tittel, tilknyttet_registrering_som, opprettet_dato, opprettet_av, tilknyttet_dato, tilknyttet_av)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			tenant, j.jnr(), d.Dokumentnummer, d.SystemID, d.Dokumenttype, d.Dokumentstatus, d.Tittel, d.TilknyttetRegistreringSom,
			d.OpprettetDato, d.OpprettetAv, d.TilknyttetDato, d.TilknyttetAv); err != nil {
			return err
		}
		for _, o := range d.Dokumentobjekter {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO archive_dokumentobjekt (tenant_id, jnr, dokumentnummer, versjonsnummer, variantformat, system_id,
				   format, format_detaljer, filnavn, mimetype, sjekksum, sjekksum_algoritme, filstoerrelse, blob_id, referanse_dokumentfil,
				   opprettet_dato, opprettet_av)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
				tenant, j.jnr(), d.Dokumentnummer, o.Versjonsnummer, o.Variantformat, o.SystemID, o.Format, o.FormatDetaljer,
				o.Filnavn, o.Mimetype, o.Sjekksum, o.SjekksumAlgoritme, o.Filstoerrelse, o.BlobID, o.ReferanseDokumentfil,
				o.OpprettetDato, o.OpprettetAv); err != nil {
				return err
			}
		}
		if err := insertSkjerming(ctx, tx, tenant, j.jnr(), d.SystemID, d.Skjerming); err != nil {
			return err
		}
	}
	return insertSkjerming(ctx, tx, tenant, j.jnr(), j.SystemID, j.Skjerming)
}

const entryColumns = `j.system_id, j.saksmappe_id, m.saksaar, m.sakssekvensnummer, j.journalaar, j.journalsekvensnummer, j.journalpostnummer,
	j.journalposttype, j.journalstatus, j.tittel, j.offentlig_tittel, j.dokumentdato, j.journaldato, j.mottatt_dato, j.sendt_dato,
	j.forfallsdato, j.journalenhet, j.saksbehandler, j.administrativ_enhet, j.opprettet_dato, j.opprettet_av, j.arkivert_dato,
	j.arkivert_av, ` + skjermingColumns

const entryFrom = ` FROM archive_journalpost j
	JOIN archive_saksmappe m ON m.tenant_id = j.tenant_id AND m.system_id = j.saksmappe_id
	LEFT JOIN archive_skjerming s ON s.tenant_id = j.tenant_id AND s.jnr = j.jnr AND s.arkivenhet_id = j.system_id`

func scanEntry(sc interface{ Scan(...any) error }) (*Journalpost, error) {
	j := &Journalpost{}
	var saksaar, saksnr int
	var mottatt, sendt, forfall sql.NullTime
	var sk skjermingScan
	dest := []any{&j.SystemID, &j.SaksmappeSystemID, &saksaar, &saksnr, &j.Journalaar, &j.Journalsekvensnummer, &j.Journalpostnummer,
		&j.Journalposttype, &j.Journalstatus, &j.Tittel, &j.OffentligTittel, &j.Dokumentdato, &j.Journaldato, &mottatt, &sendt,
		&forfall, &j.Journalenhet, &j.Saksbehandler, &j.AdministrativEnhet, &j.OpprettetDato, &j.OpprettetAv, &j.ArkivertDato,
		&j.ArkivertAv}
	if err := sc.Scan(append(dest, sk.dest()...)...); err != nil {
		return nil, err
	}
	j.RegistreringsID = fmt.Sprintf("%d/%d-%d", saksaar, saksnr, j.Journalpostnummer)
	j.Dokumentdato, j.Journaldato = j.Dokumentdato.UTC(), j.Journaldato.UTC()
	j.OpprettetDato, j.ArkivertDato = j.OpprettetDato.UTC(), j.ArkivertDato.UTC()
	j.MottattDato, j.SendtDato, j.Forfallsdato = fromNull(mottatt), fromNull(sendt), fromNull(forfall)
	j.Skjerming = sk.result()
	return j, nil
}

// Entries returns the entries of a case in journalpostnummer order, each
// with its korrespondanseparter, documents (with their files) and
// screening. Errors: NotFound when the case does not exist in the
// municipality.
func (s *Service) Entries(ctx context.Context, tenant, caseSystemID string) ([]Journalpost, error) {
	const op = errs.Op("archive.Entries")
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1 FROM archive_saksmappe WHERE tenant_id = $1 AND system_id = $2`,
		tenant, caseSystemID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(op, errs.NotFound, keyNoCase)
	} else if err != nil {
		return nil, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+entryColumns+entryFrom+` WHERE j.tenant_id = $1 AND j.saksmappe_id = $2
		ORDER BY j.journalpostnummer`, tenant, caseSystemID)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var list []*Journalpost
	for rows.Next() {
		j, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		list = append(list, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	if err := loadChildren(ctx, s.db, tenant, list, true); err != nil {
		return nil, errs.E(op, err)
	}
	out := make([]Journalpost, len(list))
	for i, j := range list {
		out[i] = *j
	}
	return out, nil
}

// Entry returns one entry with its korrespondanseparter, documents and
// screening. Errors: NotFound, also for another municipality's entry.
func (s *Service) Entry(ctx context.Context, tenant, entrySystemID string) (Journalpost, error) {
	return s.entryWhere(ctx, errs.Op("archive.Entry"), `j.tenant_id = $1 AND j.system_id = $2`, tenant, entrySystemID)
}

// EntryByNumber returns the entry journalaar/journalsekvensnummer. Errors:
// NotFound.
func (s *Service) EntryByNumber(ctx context.Context, tenant string, journalaar, journalsekvensnummer int) (Journalpost, error) {
	if journalsekvensnummer <= 0 || journalsekvensnummer >= jnrYear {
		return Journalpost{}, errs.E(errs.Op("archive.EntryByNumber"), errs.NotFound, keyNoEntry)
	}
	return s.entryWhere(ctx, errs.Op("archive.EntryByNumber"), `j.tenant_id = $1 AND j.jnr = $2`,
		tenant, int64(journalaar)*jnrYear+int64(journalsekvensnummer))
}

func (s *Service) entryWhere(ctx context.Context, op errs.Op, where string, args ...any) (Journalpost, error) {
	j, err := scanEntry(s.db.QueryRowContext(ctx, `SELECT `+entryColumns+entryFrom+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Journalpost{}, errs.E(op, errs.NotFound, keyNoEntry)
	}
	if err != nil {
		return Journalpost{}, errs.E(op, err)
	}
	if err := loadChildren(ctx, s.db, args[0].(string), []*Journalpost{j}, true); err != nil {
		return Journalpost{}, errs.E(op, err)
	}
	return *j, nil
}

// jnrYear is the factor of journalaar in an entry's jnr.
const jnrYear = 1_000_000_000

// jnr is the entry's journal number as one integer, the key of its parts.
func (j *Journalpost) jnr() int64 { return int64(j.Journalaar)*jnrYear + int64(j.Journalsekvensnummer) }

// inBatch is how many ids an IN list holds.
const inBatch = 500

// placeholders returns "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// loadChildren fills the korrespondanseparter and, when docs is set, the
// documents with their files and screening of entries, a few queries per
// 500 entries. The rows are found by the entries' journal numbers, which
// lie together in the indexes.
func loadChildren(ctx context.Context, q queryer, tenant string, entries []*Journalpost, docs bool) error {
	for start := 0; start < len(entries); start += inBatch {
		batch := entries[start:min(start+inBatch, len(entries))]
		byNr := make(map[int64]*Journalpost, len(batch))
		args := make([]any, 0, len(batch)+1)
		args = append(args, tenant)
		for _, j := range batch {
			byNr[j.jnr()] = j
			j.Korrespondanseparter, j.Dokumenter = nil, nil
			args = append(args, j.jnr())
		}
		in := placeholders(2, len(batch))
		if err := loadParties(ctx, q, in, args, byNr); err != nil {
			return err
		}
		if docs {
			if err := loadDocuments(ctx, q, in, args, byNr); err != nil {
				return err
			}
		}
	}
	return nil
}

func loadParties(ctx context.Context, q queryer, in string, args []any, byNr map[int64]*Journalpost) error {
	rows, err := q.QueryContext(ctx,
		`SELECT jnr, korrespondanseparttype, navn, postadresse, postnummer, poststed, land, epostadresse, telefonnummer,
		   kontaktperson, administrativ_enhet, saksbehandler
		 FROM archive_korrespondansepart WHERE tenant_id = $1 AND jnr IN (`+in+`) ORDER BY jnr, nr`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var nr int64
		var adresse string
		var p Korrespondansepart
		if err := rows.Scan(&nr, &p.Korrespondanseparttype, &p.Navn, &adresse, &p.Postnummer, &p.Poststed, &p.Land, &p.Epostadresse,
			&p.Telefonnummer, &p.Kontaktperson, &p.AdministrativEnhet, &p.Saksbehandler); err != nil {
			return err
		}
		if adresse != "" {
			p.Postadresse = strings.Split(adresse, "\n")
		}
		if j := byNr[nr]; j != nil {
			j.Korrespondanseparter = append(j.Korrespondanseparter, p)
		}
	}
	return rows.Err()
}

func loadDocuments(ctx context.Context, q queryer, in string, args []any, byNr map[int64]*Journalpost) error {
	rows, err := q.QueryContext(ctx,
		`SELECT d.jnr, d.dokumentnummer, d.system_id, d.dokumenttype, d.dokumentstatus, d.tittel, d.tilknyttet_registrering_som,
		   d.opprettet_dato, d.opprettet_av, d.tilknyttet_dato, d.tilknyttet_av, `+skjermingColumns+`
		 FROM archive_dokumentbeskrivelse d
		 LEFT JOIN archive_skjerming s ON s.tenant_id = d.tenant_id AND s.jnr = d.jnr AND s.arkivenhet_id = d.system_id
		 WHERE d.tenant_id = $1 AND d.jnr IN (`+in+`) ORDER BY d.jnr, d.dokumentnummer`, args...)
	if err != nil {
		return err
	}
	type key struct {
		jnr int64
		nr  int
	}
	docIndex := map[key]int{}
	for rows.Next() {
		var jnr int64
		var d Dokumentbeskrivelse
		var sk skjermingScan
		if err := rows.Scan(append([]any{&jnr, &d.Dokumentnummer, &d.SystemID, &d.Dokumenttype, &d.Dokumentstatus, &d.Tittel,
			&d.TilknyttetRegistreringSom, &d.OpprettetDato, &d.OpprettetAv, &d.TilknyttetDato, &d.TilknyttetAv}, sk.dest()...)...); err != nil {
			rows.Close()
			return err
		}
		d.OpprettetDato, d.TilknyttetDato = d.OpprettetDato.UTC(), d.TilknyttetDato.UTC()
		d.Skjerming = sk.result()
		if j := byNr[jnr]; j != nil {
			docIndex[key{jnr, d.Dokumentnummer}] = len(j.Dokumenter)
			j.Dokumenter = append(j.Dokumenter, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(docIndex) == 0 {
		return nil
	}
	rows, err = q.QueryContext(ctx,
		`SELECT jnr, dokumentnummer, system_id, versjonsnummer, variantformat, format, format_detaljer, filnavn, mimetype,
		   sjekksum, sjekksum_algoritme, filstoerrelse, blob_id, referanse_dokumentfil, opprettet_dato, opprettet_av
		 FROM archive_dokumentobjekt WHERE tenant_id = $1 AND jnr IN (`+in+`)
		 ORDER BY jnr, dokumentnummer, versjonsnummer, variantformat`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var jnr int64
		var nr int
		var o Dokumentobjekt
		if err := rows.Scan(&jnr, &nr, &o.SystemID, &o.Versjonsnummer, &o.Variantformat, &o.Format, &o.FormatDetaljer, &o.Filnavn,
			&o.Mimetype, &o.Sjekksum, &o.SjekksumAlgoritme, &o.Filstoerrelse, &o.BlobID, &o.ReferanseDokumentfil, &o.OpprettetDato,
			&o.OpprettetAv); err != nil {
			return err
		}
		o.OpprettetDato = o.OpprettetDato.UTC()
		i, ok := docIndex[key{jnr, nr}]
		if j := byNr[jnr]; ok && j != nil {
			j.Dokumenter[i].Dokumentobjekter = append(j.Dokumenter[i].Dokumentobjekter, o)
		}
	}
	return rows.Err()
}

// skjermingColumns are the screening columns of a LEFT JOIN on
// archive_skjerming s, scanned by skjermingScan.
const skjermingColumns = `COALESCE(s.arkivenhet_id, ''), COALESCE(s.tilgangsrestriksjon, ''), COALESCE(s.skjermingshjemmel, ''),
	COALESCE(s.skjerming_metadata, ''), COALESCE(s.skjerming_dokument, ''), COALESCE(s.skjermingsvarighet, 0), s.skjerming_opphoerer_dato`

type skjermingScan struct {
	id, kode, hjemmel, metadata, dokument string
	varighet                              int
	opphoerer                             sql.NullTime
}

func (s *skjermingScan) dest() []any {
	return []any{&s.id, &s.kode, &s.hjemmel, &s.metadata, &s.dokument, &s.varighet, &s.opphoerer}
}

func (s *skjermingScan) result() *Skjerming {
	if s.id == "" {
		return nil
	}
	return &Skjerming{Tilgangsrestriksjon: s.kode, Skjermingshjemmel: s.hjemmel, SkjermingMetadata: ParseSkjermingMetadata(s.metadata),
		SkjermingDokument: s.dokument, Skjermingsvarighet: s.varighet, SkjermingOpphoererDato: fromNull(s.opphoerer)}
}

// ParseSkjermingMetadata splits stored screening codes ("tittel avsender")
// into a list, dropping empty items.
func ParseSkjermingMetadata(s string) []string {
	return strings.Fields(s)
}
