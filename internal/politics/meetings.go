package politics

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/notify"
)

// MeetingForm is a meeting as typed: the body, the day (dd.mm.yyyy), the
// times of day it starts and ends ("18:00"), the place and its address,
// whether it is closed ("1") and on which legal basis, and the links to
// the live stream and the recording.
type MeetingForm struct {
	BodyID, Date, From, To, Place, Address, Closed, ClosedBasis, StreamURL, VideoURL string
}

// The names of the meeting form's fields, which are also the keys of its
// field errors.
const (
	FieldBody        = "organ"
	FieldDate        = "dato"
	FieldFrom        = "fra"
	FieldTo          = "til"
	FieldPlace       = "sted"
	FieldAddress     = "adresse"
	FieldClosed      = "lukket"
	FieldClosedBasis = "lukket_hjemmel"
	FieldStream      = "direkte"
	FieldVideo       = "opptak"
)

// checked is whether a checkbox or yes/no field says yes.
func checked(s string) bool {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "1", "true", "ja", "on", "yes":
		return true
	}
	return false
}

// parseMeeting validates f into m (all but the ids and times of record)
// and returns the field errors.
func parseMeeting(f MeetingForm, m *Meeting) map[string]string {
	fields := map[string]string{}
	m.BodyID = strings.TrimSpace(f.BodyID)
	if !validID(m.BodyID) {
		fields[FieldBody] = "politics.error.body"
	}
	day, okDay := parseDate(f.Date)
	if !okDay {
		fields[FieldDate] = "politics.error.date"
	}
	h1, m1, ok1 := parseClock(f.From)
	if !ok1 {
		fields[FieldFrom] = "politics.error.clock"
	}
	h2, m2, ok2 := parseClock(f.To)
	if !ok2 {
		fields[FieldTo] = "politics.error.clock"
	}
	if okDay {
		d, _ := time.ParseInLocation("2006-01-02", day, oslo)
		if ok1 {
			m.Start = time.Date(d.Year(), d.Month(), d.Day(), h1, m1, 0, 0, oslo).UTC()
		}
		if ok2 {
			m.End = time.Date(d.Year(), d.Month(), d.Day(), h2, m2, 0, 0, oslo).UTC()
		}
		if ok1 && ok2 && !m.End.After(m.Start) {
			fields[FieldTo] = "politics.error.end_before_start"
		}
	}
	m.Place, m.Address = clean(f.Place), clean(f.Address)
	if m.Place == "" || tooLong(m.Place, MaxName) {
		fields[FieldPlace] = "politics.error.place"
	}
	if tooLong(m.Address, MaxName) {
		fields[FieldAddress] = "politics.error.name"
	}
	m.Closed, m.ClosedBasis = checked(f.Closed), clean(f.ClosedBasis)
	if tooLong(m.ClosedBasis, MaxBasis) {
		fields[FieldClosedBasis] = "politics.error.basis_long"
	}
	if !m.Closed {
		m.ClosedBasis = ""
	}
	m.StreamURL, m.VideoURL = strings.TrimSpace(f.StreamURL), strings.TrimSpace(f.VideoURL)
	if m.StreamURL != "" && !checkURL(m.StreamURL) {
		fields[FieldStream] = "politics.error.url"
	}
	if m.VideoURL != "" && !checkURL(m.VideoURL) {
		fields[FieldVideo] = "politics.error.url"
	}
	if m.Closed && (m.StreamURL != "" || m.VideoURL != "") {
		fields[FieldClosed] = "politics.error.closed_video"
	}
	return fields
}

// CreateMeeting plans a meeting. It is not public with its agenda until
// the notice is sent (Publish); until then the calendar shows its time and
// place. Errors: Invalid with field errors for the MeetingForm's fields.
func (s *Service) CreateMeeting(ctx context.Context, tenant string, f MeetingForm, actor audit.Entry) (Meeting, error) {
	const op = errs.Op("politics.CreateMeeting")
	m := Meeting{ID: newID()}
	fields := parseMeeting(f, &m)
	now := s.db.Now()
	m.Created, m.Modified = now, now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, ok := fields[FieldBody]; !ok {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_bodies WHERE tenant_id = $1 AND id = $2`, tenant, m.BodyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fields[FieldBody] = "politics.error.body"
			}
		}
		if err := invalid(op, fields); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO politics_meetings (tenant_id, id, body_id, start_at, end_at, place, address, closed, closed_basis,
				stream_url, video_url, published_at, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $12)`,
			tenant, m.ID, m.BodyID, m.Start, m.End, m.Place, m.Address, m.Closed, m.ClosedBasis, m.StreamURL, m.VideoURL, now)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.meeting.create", "meeting:"+m.ID, m.BodyID+" "+m.Start.In(oslo).Format("2006-01-02 15:04"))
	})
	if err != nil {
		return Meeting{}, errs.E(op, err)
	}
	return m, nil
}

// UpdateMeeting changes a meeting that has not been published. The body
// cannot change. Errors: NotFound; Conflict once the notice is sent;
// Invalid with field errors as CreateMeeting.
func (s *Service) UpdateMeeting(ctx context.Context, tenant, id string, f MeetingForm, actor audit.Entry) (Meeting, error) {
	const op = errs.Op("politics.UpdateMeeting")
	var m Meeting
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.meetingTx(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		if cur.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.published"))
		}
		f.BodyID = cur.BodyID
		m = cur
		if err := invalid(op, parseMeeting(f, &m)); err != nil {
			return err
		}
		m.Modified = s.db.Now()
		_, err = tx.ExecContext(ctx, `UPDATE politics_meetings SET start_at = $1, end_at = $2, place = $3, address = $4, closed = $5, closed_basis = $6,
				stream_url = $7, video_url = $8, modified_at = $9
			WHERE tenant_id = $10 AND id = $11`, m.Start, m.End, m.Place, m.Address, m.Closed, m.ClosedBasis, m.StreamURL, m.VideoURL, m.Modified, tenant, id)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.meeting.update", "meeting:"+id, m.Start.In(oslo).Format("2006-01-02 15:04"))
	})
	if err != nil {
		return Meeting{}, errs.E(op, err)
	}
	return m, nil
}

// SetMedia sets the links to a meeting's live stream and recording, also
// after the notice is sent. A closed meeting has neither. Errors: NotFound;
// Invalid with field errors for direkte, opptak (and lukket).
func (s *Service) SetMedia(ctx context.Context, tenant, id, stream, video string, actor audit.Entry) (Meeting, error) {
	const op = errs.Op("politics.SetMedia")
	var m Meeting
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.meetingTx(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		m = cur
		m.StreamURL, m.VideoURL = strings.TrimSpace(stream), strings.TrimSpace(video)
		fields := map[string]string{}
		if m.StreamURL != "" && !checkURL(m.StreamURL) {
			fields[FieldStream] = "politics.error.url"
		}
		if m.VideoURL != "" && !checkURL(m.VideoURL) {
			fields[FieldVideo] = "politics.error.url"
		}
		if m.Closed && (m.StreamURL != "" || m.VideoURL != "") {
			fields[FieldStream] = "politics.error.closed_video"
		}
		if err := invalid(op, fields); err != nil {
			return err
		}
		m.Modified = s.db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE politics_meetings SET stream_url = $1, video_url = $2, modified_at = $3 WHERE tenant_id = $4 AND id = $5`,
			m.StreamURL, m.VideoURL, m.Modified, tenant, id); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.meeting.media", "meeting:"+id, "")
	})
	if err != nil {
		return Meeting{}, errs.E(op, err)
	}
	return m, nil
}

const meetingColumns = `id, body_id, start_at, end_at, place, address, closed, closed_basis, stream_url, video_url, published_at, created_at, modified_at`

func scanMeeting(sc interface{ Scan(...any) error }) (Meeting, error) {
	var m Meeting
	var pub sql.NullTime
	err := sc.Scan(&m.ID, &m.BodyID, &m.Start, &m.End, &m.Place, &m.Address, &m.Closed, &m.ClosedBasis, &m.StreamURL, &m.VideoURL, &pub, &m.Created, &m.Modified)
	m.Start, m.End, m.PublishedAt = m.Start.UTC(), m.End.UTC(), nullTime(pub)
	return m, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Service) meetingTx(ctx context.Context, q querier, tenant, id string) (Meeting, error) {
	if !validID(id) {
		return Meeting{}, errs.E(errs.NotFound, errs.Key("politics.error.meeting_not_found"))
	}
	m, err := scanMeeting(q.QueryRowContext(ctx, `SELECT `+meetingColumns+` FROM politics_meetings WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if isNoRows(err) {
		return Meeting{}, errs.E(errs.NotFound, errs.Key("politics.error.meeting_not_found"), err)
	}
	return m, err
}

// Meeting returns one meeting as stored, for the secretariat's pages; the
// public pages use MeetingDetail. Errors: NotFound.
func (s *Service) Meeting(ctx context.Context, tenant, id string) (Meeting, error) {
	m, err := s.meetingTx(ctx, s.db, tenant, id)
	if err != nil {
		return Meeting{}, errs.E(errs.Op("politics.Meeting"), err)
	}
	return m, nil
}

// Meetings returns the meetings that start in [from, to), by start time;
// a zero from or to leaves that end open. bodyID, when not empty, keeps
// that body's meetings only. Meetings are public (time, place, body) from
// when they are planned; their agenda is not until Publish.
func (s *Service) Meetings(ctx context.Context, tenant, bodyID string, from, to time.Time) ([]Meeting, error) {
	q := `SELECT ` + meetingColumns + ` FROM politics_meetings WHERE tenant_id = $1 AND ($2 = '' OR body_id = $2)`
	args := []any{tenant, bodyID}
	if !from.IsZero() {
		args = append(args, from.UTC())
		q += ` AND start_at >= $` + strconv.Itoa(len(args))
	}
	if !to.IsZero() {
		args = append(args, to.UTC())
		q += ` AND start_at < $` + strconv.Itoa(len(args))
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY start_at, id`, args...)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Meetings"), err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, errs.E(errs.Op("politics.Meetings"), err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ItemForm is an agenda item as typed: its number ("PS 12/26"; empty: the
// next one of the body this year), title, the archive's case number,
// whether it is exempt ("1"), the legal basis and the title the public
// sees instead.
type ItemForm struct {
	Number, Title, CaseRef, Exempt, LegalBasis, PublicTitle string
	// CaseID is the political case the item handles; empty: none.
	CaseID string
}

// The names of the item form's fields.
const (
	FieldNumber      = "nummer"
	FieldTitle       = "tittel"
	FieldCaseRef     = "saksnr"
	FieldExempt      = "unntatt"
	FieldLegalBasis  = "hjemmel"
	FieldPublicTitle = "offentlig_tittel"
	FieldCase        = "politisk_sak"
)

// AddItem adds an item at the end of an unpublished meeting's agenda. An
// exempt item without a legal basis is accepted (it can be added later)
// but stops Publish. Errors: NotFound; Conflict once published; Invalid
// with field errors for the ItemForm's fields.
func (s *Service) AddItem(ctx context.Context, tenant, meetingID string, f ItemForm, actor audit.Entry) (Item, error) {
	const op = errs.Op("politics.AddItem")
	it := Item{ID: newID(), MeetingID: meetingID, Number: clean(f.Number), Title: clean(f.Title), CaseRef: clean(f.CaseRef),
		Exempt: checked(f.Exempt), LegalBasis: clean(f.LegalBasis), PublicTitle: clean(f.PublicTitle), VideoOffset: -1, CaseID: strings.TrimSpace(f.CaseID)}
	fields := map[string]string{}
	if it.CaseID != "" && !validID(it.CaseID) {
		fields[FieldCase] = "politics.error.case"
	}
	if tooLong(it.Number, 40) {
		fields[FieldNumber] = "politics.error.number"
	}
	if it.Title == "" || tooLong(it.Title, MaxName*2) {
		fields[FieldTitle] = "politics.error.title"
	}
	if tooLong(it.CaseRef, 40) {
		fields[FieldCaseRef] = "politics.error.case_ref"
	}
	if tooLong(it.LegalBasis, MaxBasis) {
		fields[FieldLegalBasis] = "politics.error.basis_long"
	}
	if tooLong(it.PublicTitle, MaxName*2) {
		fields[FieldPublicTitle] = "politics.error.title"
	}
	if !it.Exempt {
		it.LegalBasis, it.PublicTitle = "", ""
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.meetingTx(ctx, tx, tenant, meetingID)
		if err != nil {
			return err
		}
		if m.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.published"))
		}
		if it.CaseID != "" && fields[FieldCase] == "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_cases WHERE tenant_id = $1 AND id = $2`, tenant, it.CaseID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fields[FieldCase] = "politics.error.case"
			}
		}
		if err := invalid(op, fields); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM politics_items WHERE tenant_id = $1 AND meeting_id = $2`,
			tenant, meetingID).Scan(&it.Position); err != nil {
			return err
		}
		if it.Number == "" {
			if it.Number, err = s.nextNumber(ctx, tx, tenant, m); err != nil {
				return err
			}
		}
		now := s.db.Now()
		it.Created, it.Modified = now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO politics_items (tenant_id, id, meeting_id, position, number, title, case_ref, exempt, legal_basis, public_title,
				decision, decided_at, votes_for, votes_against, votes_abstain, video_offset, created_at, modified_at, case_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', NULL, NULL, NULL, NULL, NULL, $11, $11, $12)`,
			tenant, it.ID, meetingID, it.Position, it.Number, it.Title, it.CaseRef, it.Exempt, it.LegalBasis, it.PublicTitle, now, nullString(it.CaseID)); err != nil {
			return err
		}
		if err := s.touchMeeting(ctx, tx, tenant, meetingID, now); err != nil {
			return err
		}
		if it.CaseID != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE politics_cases SET modified_at = $1 WHERE tenant_id = $2 AND id = $3`, now, tenant, it.CaseID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, tenant, actor, "politics.item.add", "item:"+it.ID, it.Number)
	})
	if err != nil {
		return Item{}, errs.E(op, err)
	}
	return it, nil
}

// nextNumber returns the next item number of m's body in m's year: "PS
// n/yy", one more than the highest such number of the body that year.
func (s *Service) nextNumber(ctx context.Context, tx *sql.Tx, tenant string, m Meeting) (string, error) {
	local := m.Start.In(oslo)
	yearStart := time.Date(local.Year(), 1, 1, 0, 0, 0, 0, oslo).UTC()
	yearEnd := time.Date(local.Year()+1, 1, 1, 0, 0, 0, 0, oslo).UTC()
	rows, err := tx.QueryContext(ctx, `SELECT i.number FROM politics_items i
		JOIN politics_meetings m ON m.tenant_id = i.tenant_id AND m.id = i.meeting_id
		WHERE i.tenant_id = $1 AND m.body_id = $2 AND m.start_at >= $3 AND m.start_at < $4`, tenant, m.BodyID, yearStart, yearEnd)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	yy := local.Format("06")
	highest := 0
	for rows.Next() {
		var number string
		if err := rows.Scan(&number); err != nil {
			return "", err
		}
		if n, y, ok := parseNumber(number); ok && y == yy && n > highest {
			highest = n
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return "PS " + strconv.Itoa(highest+1) + "/" + yy, nil
}

// parseNumber reads an item number such as "PS 12/26" and returns 12 and
// "26".
func parseNumber(s string) (int, string, bool) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '/' })
	nums := s[i+1:]
	a, b, ok := strings.Cut(nums, "/")
	if !ok || a == "" || len(b) != 2 || len(a) > 6 {
		return 0, "", false
	}
	n, err := strconv.Atoi(a)
	if err != nil {
		return 0, "", false
	}
	if _, err := strconv.Atoi(b); err != nil {
		return 0, "", false
	}
	return n, b, true
}

// touchMeeting sets a meeting's modified time, as OParl asks when an
// object embedded in it changes.
func (s *Service) touchMeeting(ctx context.Context, tx *sql.Tx, tenant, id string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE politics_meetings SET modified_at = $1 WHERE tenant_id = $2 AND id = $3`, now, tenant, id)
	return err
}

// itemTx returns an item and its meeting. Errors: NotFound.
func (s *Service) itemTx(ctx context.Context, q querier, tenant, id string) (Item, Meeting, error) {
	if !validID(id) {
		return Item{}, Meeting{}, errs.E(errs.NotFound, errs.Key("politics.error.item_not_found"))
	}
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM politics_items WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if isNoRows(err) {
		return Item{}, Meeting{}, errs.E(errs.NotFound, errs.Key("politics.error.item_not_found"), err)
	}
	if err != nil {
		return Item{}, Meeting{}, err
	}
	m, err := s.meetingTx(ctx, q, tenant, it.MeetingID)
	return it, m, err
}

// DeleteItem removes an item and its documents from an unpublished
// meeting's agenda. Errors: NotFound; Conflict once published.
func (s *Service) DeleteItem(ctx context.Context, tenant, id string, actor audit.Entry) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		it, m, err := s.itemTx(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		if m.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.published"))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_documents WHERE tenant_id = $1 AND item_id = $2`, tenant, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_items WHERE tenant_id = $1 AND id = $2`, tenant, id); err != nil {
			return err
		}
		if err := s.touchMeeting(ctx, tx, tenant, m.ID, s.db.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.item.delete", "item:"+id, it.Number)
	})
	if err != nil {
		return errs.E(errs.Op("politics.DeleteItem"), err)
	}
	return nil
}

const itemColumns = `id, meeting_id, position, number, title, case_ref, exempt, legal_basis, public_title, decision, decided_at,
	votes_for, votes_against, votes_abstain, video_offset, created_at, modified_at, COALESCE(case_id, '')`

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var decided sql.NullTime
	var vf, va, vab, off sql.NullInt64
	err := sc.Scan(&it.ID, &it.MeetingID, &it.Position, &it.Number, &it.Title, &it.CaseRef, &it.Exempt, &it.LegalBasis, &it.PublicTitle,
		&it.Decision, &decided, &vf, &va, &vab, &off, &it.Created, &it.Modified, &it.CaseID)
	it.DecidedAt = nullTime(decided)
	if vf.Valid {
		it.Vote = &Vote{For: int(vf.Int64), Against: int(va.Int64), Abstain: int(vab.Int64)}
	}
	it.VideoOffset = -1
	if off.Valid {
		it.VideoOffset = int(off.Int64)
	}
	return it, err
}

// DocumentForm is a case document as typed (the file comes beside it):
// its kind (DocMain or DocAttachment), title, whether it is exempt ("1")
// and the legal basis.
type DocumentForm struct {
	Kind, Title, Exempt, LegalBasis string
}

// The names of the document form's fields.
const (
	FieldDocKind   = "type"
	FieldDocTitle  = "dokumenttittel"
	FieldFile      = "fil"
	FieldDocExempt = "dokument_unntatt"
	FieldDocBasis  = "dokument_hjemmel"
)

// AddDocument stores a case document of an item of an unpublished
// meeting: the file's content (at most Config.MaxDocument bytes) must be a
// PDF, judged by its content and not by its name. An item has one
// saksframlegg; a second replaces nothing and is refused. Errors:
// NotFound; Conflict once published; Invalid with field errors for type,
// dokumenttittel, fil (politics.error.file_type, file_empty, file_large,
// main_exists), dokument_unntatt and dokument_hjemmel.
func (s *Service) AddDocument(ctx context.Context, tenant, itemID string, f DocumentForm, fileName string, file io.Reader, actor audit.Entry) (Document, error) {
	const op = errs.Op("politics.AddDocument")
	d := Document{ID: newID(), ItemID: itemID, Kind: strings.TrimSpace(f.Kind), Title: clean(f.Title), FileName: blob.CleanName(fileName, "dokument.pdf"),
		Exempt: checked(f.Exempt), LegalBasis: clean(f.LegalBasis)}
	fields := map[string]string{}
	if d.Kind != DocMain && d.Kind != DocAttachment {
		fields[FieldDocKind] = "politics.error.doc_kind"
	}
	if d.Title == "" {
		d.Title = strings.TrimSuffix(d.FileName, path.Ext(d.FileName))
	}
	if d.Title == "" || tooLong(d.Title, MaxName*2) {
		fields[FieldDocTitle] = "politics.error.title"
	}
	if tooLong(d.LegalBasis, MaxBasis) {
		fields[FieldDocBasis] = "politics.error.basis_long"
	}
	if !d.Exempt {
		d.LegalBasis = ""
	}
	// Check the state before reading the file, so a refused upload costs
	// nothing.
	_, m, err := s.itemTx(ctx, s.db, tenant, itemID)
	if err != nil {
		return Document{}, errs.E(op, err)
	}
	if m.Published() {
		return Document{}, errs.E(op, errs.Conflict, errs.Key("politics.error.published"))
	}
	if file == nil {
		fields[FieldFile] = "politics.error.file_missing"
	}
	if len(fields) == 0 {
		sum, sha, size, key, err := s.storePDF(ctx, file)
		if err != nil {
			return Document{}, errs.E(op, err)
		}
		if key != "" {
			fields[FieldFile] = key
		}
		d.BlobSum, d.SHA1, d.Size = sum, sha, size
	}
	if err := invalid(op, fields); err != nil {
		return Document{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, m, err := s.itemTx(ctx, tx, tenant, itemID)
		if err != nil {
			return err
		}
		if m.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.published"))
		}
		if d.Kind == DocMain {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_documents WHERE tenant_id = $1 AND item_id = $2 AND kind = $3`,
				tenant, itemID, DocMain).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return invalid(op, map[string]string{FieldDocKind: "politics.error.main_exists"})
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM politics_documents WHERE tenant_id = $1 AND item_id = $2`,
			tenant, itemID).Scan(&d.Position); err != nil {
			return err
		}
		now := s.db.Now()
		d.Created, d.Modified = now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO politics_documents (tenant_id, id, item_id, kind, title, file_name, blob_sum, sha1, size, exempt, legal_basis,
				position, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			tenant, d.ID, itemID, d.Kind, d.Title, d.FileName, d.BlobSum, d.SHA1, d.Size, d.Exempt, d.LegalBasis, d.Position, now); err != nil {
			return err
		}
		if err := s.touchMeeting(ctx, tx, tenant, m.ID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.document.add", "document:"+d.ID, d.Kind+" "+d.FileName)
	})
	if err != nil {
		return Document{}, errs.E(op, err)
	}
	return d, nil
}

// storePDF checks that file is a PDF within the size limit and stores it.
// A file that is refused gives a message key and stores nothing.
func (s *Service) storePDF(ctx context.Context, file io.Reader) (sum, sha string, size int64, key string, err error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(file, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", 0, "", errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	if n == 0 {
		return "", "", 0, "politics.error.file_empty", nil
	}
	if blob.SniffType(head[:n]) != "application/pdf" {
		return "", "", 0, "politics.error.file_type", nil
	}
	h := sha1.New()
	r := io.TeeReader(io.MultiReader(strings.NewReader(string(head[:n])), file), h)
	sum, size, err = s.blobs.Put(ctx, r, s.cfg.MaxDocument)
	if errs.KindOf(err) == errs.TooLarge {
		return "", "", 0, "politics.error.file_large", nil
	}
	if err != nil {
		return "", "", 0, "", err
	}
	return sum, hex.EncodeToString(h.Sum(nil)), size, "", nil
}

// DeleteDocument removes a document from an item of an unpublished
// meeting. The file stays in the blob store, which is shared and
// addressed by content. Errors: NotFound; Conflict once published.
func (s *Service) DeleteDocument(ctx context.Context, tenant, id string, actor audit.Entry) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		d, err := s.documentTx(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		_, m, err := s.itemTx(ctx, tx, tenant, d.ItemID)
		if err != nil {
			return err
		}
		if m.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.published"))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_documents WHERE tenant_id = $1 AND id = $2`, tenant, id); err != nil {
			return err
		}
		if err := s.touchMeeting(ctx, tx, tenant, m.ID, s.db.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.document.delete", "document:"+id, d.FileName)
	})
	if err != nil {
		return errs.E(errs.Op("politics.DeleteDocument"), err)
	}
	return nil
}

const documentColumns = `id, item_id, kind, title, file_name, blob_sum, sha1, size, exempt, legal_basis, position, created_at, modified_at`

func scanDocument(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := sc.Scan(&d.ID, &d.ItemID, &d.Kind, &d.Title, &d.FileName, &d.BlobSum, &d.SHA1, &d.Size, &d.Exempt, &d.LegalBasis, &d.Position, &d.Created, &d.Modified)
	return d, err
}

func (s *Service) documentTx(ctx context.Context, q querier, tenant, id string) (Document, error) {
	if !validID(id) {
		return Document{}, errs.E(errs.NotFound, errs.Key("politics.error.document_not_found"))
	}
	d, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM politics_documents WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if isNoRows(err) {
		return Document{}, errs.E(errs.NotFound, errs.Key("politics.error.document_not_found"), err)
	}
	return d, err
}

// agenda reads a meeting's items with their votes and documents, as
// stored: nothing is hidden here. Callers show it through redact.
func (s *Service) agenda(ctx context.Context, q querier, tenant, meetingID string) ([]Item, map[string][]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+itemColumns+` FROM politics_items WHERE tenant_id = $1 AND meeting_id = $2 ORDER BY position, id`, tenant, meetingID)
	if err != nil {
		return nil, nil, err
	}
	var items []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	docs := map[string][]Document{}
	rows, err = q.QueryContext(ctx, `SELECT d.id, d.item_id, d.kind, d.title, d.file_name, d.blob_sum, d.sha1, d.size, d.exempt, d.legal_basis, d.position,
			d.created_at, d.modified_at
		FROM politics_documents d JOIN politics_items i ON i.tenant_id = d.tenant_id AND i.id = d.item_id
		WHERE d.tenant_id = $1 AND i.meeting_id = $2 ORDER BY d.position, d.id`, tenant, meetingID)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		docs[d.ItemID] = append(docs[d.ItemID], d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for i := range items {
		if items[i].Vote != nil {
			if err := s.loadVotes(ctx, q, tenant, items[i].ID, items[i].Vote); err != nil {
				return nil, nil, err
			}
		}
	}
	return items, docs, nil
}

func (s *Service) loadVotes(ctx context.Context, q querier, tenant, itemID string, v *Vote) error {
	rows, err := q.QueryContext(ctx, `SELECT party_id, n_for, n_against, n_abstain FROM politics_party_votes WHERE tenant_id = $1 AND item_id = $2 ORDER BY party_id`,
		tenant, itemID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var pv PartyVote
		if err := rows.Scan(&pv.PartyID, &pv.For, &pv.Against, &pv.Abstain); err != nil {
			rows.Close()
			return err
		}
		v.ByParty = append(v.ByParty, pv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT person_id, vote FROM politics_member_votes WHERE tenant_id = $1 AND item_id = $2 ORDER BY person_id`, tenant, itemID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mv MemberVote
		if err := rows.Scan(&mv.PersonID, &mv.Vote); err != nil {
			return err
		}
		v.ByMember = append(v.ByMember, mv)
	}
	return rows.Err()
}

// Agenda returns a meeting's items and their documents as stored, for the
// secretariat's pages. Errors: NotFound.
func (s *Service) Agenda(ctx context.Context, tenant, meetingID string) (Meeting, []Item, map[string][]Document, error) {
	const op = errs.Op("politics.Agenda")
	m, err := s.meetingTx(ctx, s.db, tenant, meetingID)
	if err != nil {
		return Meeting{}, nil, nil, errs.E(op, err)
	}
	items, docs, err := s.agenda(ctx, s.db, tenant, meetingID)
	if err != nil {
		return Meeting{}, nil, nil, errs.E(op, err)
	}
	return m, items, docs, nil
}

// Problem is something that stops a meeting from being published: an
// item (ItemID, Number) or one of its documents (DocumentID) and the
// message key.
type Problem struct {
	ItemID, Number, DocumentID, Title string
	Key                               string
}

// problems lists what stops m with items and docs from being published.
func problems(m Meeting, items []Item, docs map[string][]Document) []Problem {
	var out []Problem
	if m.Closed && m.ClosedBasis == "" {
		out = append(out, Problem{Key: "politics.problem.closed_basis"})
	}
	if len(items) == 0 {
		out = append(out, Problem{Key: "politics.problem.no_items"})
	}
	for _, it := range items {
		if it.Exempt && it.LegalBasis == "" {
			out = append(out, Problem{ItemID: it.ID, Number: it.Number, Key: "politics.problem.item_basis"})
		}
		hasMain := false
		for _, d := range docs[it.ID] {
			hasMain = hasMain || d.Kind == DocMain
			if d.Exempt && d.LegalBasis == "" {
				out = append(out, Problem{ItemID: it.ID, Number: it.Number, DocumentID: d.ID, Title: d.Title, Key: "politics.problem.document_basis"})
			}
		}
		if !hasMain {
			out = append(out, Problem{ItemID: it.ID, Number: it.Number, Key: "politics.problem.no_main"})
		}
	}
	return out
}

// Problems returns what stops a meeting from being published; none when
// it can be. Errors: NotFound.
func (s *Service) Problems(ctx context.Context, tenant, meetingID string) ([]Problem, error) {
	m, items, docs, err := s.Agenda(ctx, tenant, meetingID)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Problems"), err)
	}
	return problems(m, items, docs), nil
}

// Recipient is a member who is sent a meeting's notice.
type Recipient struct {
	PersonID, Name, Email string
}

// recipients returns the people with a seat in body on day (members,
// chairs and deputies) who have an e-mail address, once each.
func (s *Service) recipients(ctx context.Context, q querier, tenant, body, day string) ([]Recipient, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.given_name, p.family_name, p.email, ms.start_date, ms.end_date
		FROM politics_memberships ms JOIN politics_people p ON p.tenant_id = ms.tenant_id AND p.id = ms.person_id
		WHERE ms.tenant_id = $1 AND ms.body_id = $2 ORDER BY p.family_name, p.given_name, p.id`, tenant, body)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	seen := map[string]bool{}
	for rows.Next() {
		var r Recipient
		var given, family, start, end string
		if err := rows.Scan(&r.PersonID, &given, &family, &r.Email, &start, &end); err != nil {
			return nil, err
		}
		r.Name = strings.TrimSpace(given + " " + family)
		if r.Email == "" || seen[r.PersonID] || !(Membership{Start: start, End: end}).ActiveOn(day) {
			continue
		}
		seen[r.PersonID] = true
		out = append(out, r)
	}
	return out, rows.Err()
}

// Publish sends a meeting's notice and publishes its agenda, as one act:
// in one transaction it queues the notice e-mail to every member of the
// body with an address (lang is their language, link the meeting's page),
// sets published_at, from which moment the items and their documents that
// are not exempt are public, and appends the audit entry. It returns the
// number of notices queued. Errors: NotFound; Conflict when the notice was
// sent before; Invalid (politics.error.publish_refused) with the first
// problem's key as field error "mote" while Problems finds any.
func (s *Service) Publish(ctx context.Context, tenant, meetingID, lang, link string, actor audit.Entry) (int, error) {
	return s.publish(ctx, tenant, meetingID, lang, link, actor, time.Time{}, true)
}

// publish is Publish; a non-zero at backdates the publication (for the
// demo's past meetings) and send false queues no mail.
func (s *Service) publish(ctx context.Context, tenant, meetingID, lang, link string, actor audit.Entry, at time.Time, send bool) (int, error) {
	const op = errs.Op("politics.Publish")
	var sent int
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.meetingTx(ctx, tx, tenant, meetingID)
		if err != nil {
			return err
		}
		if m.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.already_published"))
		}
		items, docs, err := s.agenda(ctx, tx, tenant, meetingID)
		if err != nil {
			return err
		}
		if p := problems(m, items, docs); len(p) > 0 {
			return errs.E(errs.Invalid, errs.Key("politics.error.publish_refused"), map[string]string{"mote": p[0].Key}, []any{len(p)})
		}
		now := s.db.Now()
		if at.IsZero() {
			at = now
		}
		// The guard on published_at makes two concurrent sends on
		// PostgreSQL one: the second updates nothing and rolls back.
		res, err := tx.ExecContext(ctx, `UPDATE politics_meetings SET published_at = $1, modified_at = $2 WHERE tenant_id = $3 AND id = $4 AND published_at IS NULL`,
			at, now, tenant, meetingID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.E(errs.Conflict, errs.Key("politics.error.already_published"), err)
		}
		// What becomes public now is modified now, so that OParl clients
		// that sync with modified_since see it.
		if _, err := tx.ExecContext(ctx, `UPDATE politics_items SET modified_at = $1 WHERE tenant_id = $2 AND meeting_id = $3`, now, tenant, meetingID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE politics_documents SET modified_at = $1 WHERE tenant_id = $2
			AND item_id IN (SELECT id FROM politics_items WHERE tenant_id = $2 AND meeting_id = $3)`, now, tenant, meetingID); err != nil {
			return err
		}
		if send {
			var body Body
			if body, err = scanBody(tx.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM politics_bodies WHERE tenant_id = $1 AND id = $2`, tenant, m.BodyID)); err != nil {
				return err
			}
			rcpts, err := s.recipients(ctx, tx, tenant, m.BodyID, m.Day())
			if err != nil {
				return err
			}
			for _, r := range rcpts {
				if _, err := s.mail.Enqueue(ctx, tx, s.notice(tenant, lang, link, body, m, items, r)); err != nil {
					return err
				}
				sent++
			}
		}
		return s.record(ctx, tx, tenant, actor, "politics.meeting.publish", "meeting:"+meetingID, strconv.Itoa(sent)+" notices")
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return sent, nil
}

// notice composes the notice e-mail to one member. An exempt item is
// listed by its public title: e-mail is not the place for exempt content.
func (s *Service) notice(tenant, lang, link string, body Body, m Meeting, items []Item, r Recipient) notify.Mail {
	l, ok := i18n.Parse(lang)
	if !ok {
		l = i18n.NB
	}
	t := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
	start := m.Start.In(oslo)
	var b strings.Builder
	b.WriteString(t("politics.mail.notice.greeting", r.Name) + "\n\n")
	b.WriteString(t("politics.mail.notice.lead", body.Name, start.Format("02.01.2006"), start.Format("15:04"), m.Place) + "\n\n")
	b.WriteString(t("politics.mail.notice.agenda") + "\n")
	for _, it := range items {
		title := it.Title
		if it.Exempt {
			title = it.PublicTitle
			if title == "" {
				title = t("politics.exempt_title")
			}
			title += " (" + t("politics.exempt_short") + ")"
		}
		b.WriteString("  " + it.Number + "  " + title + "\n")
	}
	b.WriteString("\n" + t("politics.mail.notice.documents", link) + "\n")
	if m.Closed {
		b.WriteString("\n" + t("politics.mail.notice.closed", m.ClosedBasis) + "\n")
	}
	return notify.Mail{Tenant: tenant, To: r.Email, Subject: t("politics.mail.notice.subject", body.Name, start.Format("02.01.2006")), Body: b.String()}
}

// MinutesForm is an item's entry in the minutes as typed: the decision,
// the totals of the vote (all empty: no vote recorded), the vote by party
// (party id → for/against/abstain as typed; parties left empty are not
// recorded), the vote by member (person id → VoteFor, VoteAgainst,
// VoteAbstain or empty) and the position in the recording ("1:02:03").
type MinutesForm struct {
	Decision              string
	For, Against, Abstain string
	ByParty               map[string][3]string
	ByMember              map[string]string
	VideoOffset           string
}

// The names of the minutes form's fields. A party's counts are
// "parti-<id>-for", "parti-<id>-mot" and "parti-<id>-avstar"; a member's
// vote is "medlem-<id>".
const (
	FieldDecision = "vedtak"
	FieldFor      = "for"
	FieldAgainst  = "mot"
	FieldAbstain  = "avstar"
	FieldOffset   = "tidspunkt"
	FieldParties  = "partier"
	FieldMembers  = "medlemmer"
)

// maxVotes is the largest count of a vote.
const maxVotes = 1000

func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxVotes || strings.HasPrefix(s, "+") {
		return 0, false
	}
	return n, true
}

// RecordMinutes records the decision on an item of a published meeting,
// the vote and the position in the recording, replacing what was recorded
// before. The decision is public at once unless the item is exempt or the
// meeting closed. The counts by party and the votes by member, where
// given, must add up to the totals. Errors: NotFound; Conflict before the
// notice is sent; Invalid with field errors for vedtak, for, mot, avstar,
// partier, medlemmer and tidspunkt.
func (s *Service) RecordMinutes(ctx context.Context, tenant, itemID string, f MinutesForm, actor audit.Entry) (Item, error) {
	const op = errs.Op("politics.RecordMinutes")
	decision := cleanText(f.Decision)
	fields := map[string]string{}
	if decision == "" {
		fields[FieldDecision] = "politics.error.decision"
	} else if tooLong(decision, MaxDecision) {
		fields[FieldDecision] = "politics.error.decision_long"
	}
	var vote *Vote
	if strings.TrimSpace(f.For+f.Against+f.Abstain) != "" {
		v := &Vote{}
		var ok bool
		if v.For, ok = parseCount(f.For); !ok {
			fields[FieldFor] = "politics.error.count"
		}
		if v.Against, ok = parseCount(f.Against); !ok {
			fields[FieldAgainst] = "politics.error.count"
		}
		if v.Abstain, ok = parseCount(f.Abstain); !ok {
			fields[FieldAbstain] = "politics.error.count"
		}
		vote = v
	}
	ids := make([]string, 0, len(f.ByParty))
	for id := range f.ByParty {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var byParty []PartyVote
	for _, id := range ids {
		c := f.ByParty[id]
		if strings.TrimSpace(c[0]+c[1]+c[2]) == "" {
			continue
		}
		pv := PartyVote{PartyID: id}
		a, ok1 := parseCount(orZero(c[0]))
		b, ok2 := parseCount(orZero(c[1]))
		d, ok3 := parseCount(orZero(c[2]))
		if !ok1 || !ok2 || !ok3 || !validID(id) {
			fields[FieldParties] = "politics.error.count"
			continue
		}
		pv.For, pv.Against, pv.Abstain = a, b, d
		byParty = append(byParty, pv)
	}
	ids = ids[:0]
	for id := range f.ByMember {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var byMember []MemberVote
	for _, id := range ids {
		v := strings.TrimSpace(f.ByMember[id])
		if v == "" {
			continue
		}
		if !validID(id) || (v != VoteFor && v != VoteAgainst && v != VoteAbstain) {
			fields[FieldMembers] = "politics.error.member_vote"
			continue
		}
		byMember = append(byMember, MemberVote{PersonID: id, Vote: v})
	}
	if (len(byParty) > 0 || len(byMember) > 0) && vote == nil {
		fields[FieldFor] = "politics.error.totals_missing"
	}
	if vote != nil && len(fields) == 0 {
		if len(byParty) > 0 {
			var sf, sa, sb int
			for _, pv := range byParty {
				sf, sa, sb = sf+pv.For, sa+pv.Against, sb+pv.Abstain
			}
			if sf != vote.For || sa != vote.Against || sb != vote.Abstain {
				fields[FieldParties] = "politics.error.party_sum"
			}
		}
		if len(byMember) > 0 {
			n := map[string]int{}
			for _, mv := range byMember {
				n[mv.Vote]++
			}
			if n[VoteFor] != vote.For || n[VoteAgainst] != vote.Against || n[VoteAbstain] != vote.Abstain {
				fields[FieldMembers] = "politics.error.member_sum"
			}
		}
		vote.ByParty, vote.ByMember = byParty, byMember
	}
	offset := -1
	if strings.TrimSpace(f.VideoOffset) != "" {
		n, ok := ParseOffset(f.VideoOffset)
		if !ok {
			fields[FieldOffset] = "politics.error.offset"
		}
		offset = n
	}
	var out Item
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		it, m, err := s.itemTx(ctx, tx, tenant, itemID)
		if err != nil {
			return err
		}
		if !m.Published() {
			return errs.E(errs.Conflict, errs.Key("politics.error.not_published"))
		}
		if offset >= 0 && m.VideoURL == "" && fields[FieldOffset] == "" {
			fields[FieldOffset] = "politics.error.no_recording"
		}
		if len(byParty) > 0 && fields[FieldParties] == "" {
			for _, pv := range byParty {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_parties WHERE tenant_id = $1 AND id = $2`, tenant, pv.PartyID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					fields[FieldParties] = "politics.error.party"
				}
			}
		}
		if len(byMember) > 0 && fields[FieldMembers] == "" {
			for _, mv := range byMember {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_memberships WHERE tenant_id = $1 AND body_id = $2 AND person_id = $3`,
					tenant, m.BodyID, mv.PersonID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					fields[FieldMembers] = "politics.error.member_vote"
				}
			}
		}
		if err := invalid(op, fields); err != nil {
			return err
		}
		now := s.db.Now()
		var vf, va, vb, off any
		if vote != nil {
			vf, va, vb = vote.For, vote.Against, vote.Abstain
		}
		if offset >= 0 {
			off = offset
		}
		if _, err := tx.ExecContext(ctx, `UPDATE politics_items SET decision = $1, decided_at = $2, votes_for = $3, votes_against = $4, votes_abstain = $5,
				video_offset = $6, modified_at = $2 WHERE tenant_id = $7 AND id = $8`, decision, now, vf, va, vb, off, tenant, itemID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_party_votes WHERE tenant_id = $1 AND item_id = $2`, tenant, itemID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_member_votes WHERE tenant_id = $1 AND item_id = $2`, tenant, itemID); err != nil {
			return err
		}
		for _, pv := range byParty {
			if _, err := tx.ExecContext(ctx, `INSERT INTO politics_party_votes (tenant_id, item_id, party_id, n_for, n_against, n_abstain) VALUES ($1, $2, $3, $4, $5, $6)`,
				tenant, itemID, pv.PartyID, pv.For, pv.Against, pv.Abstain); err != nil {
				return err
			}
		}
		for _, mv := range byMember {
			if _, err := tx.ExecContext(ctx, `INSERT INTO politics_member_votes (tenant_id, item_id, person_id, vote) VALUES ($1, $2, $3, $4)`,
				tenant, itemID, mv.PersonID, mv.Vote); err != nil {
				return err
			}
		}
		if err := s.touchMeeting(ctx, tx, tenant, m.ID, now); err != nil {
			return err
		}
		it.Decision, it.DecidedAt, it.Vote, it.VideoOffset, it.Modified = decision, now, vote, offset, now
		out = it
		return s.record(ctx, tx, tenant, actor, "politics.item.minutes", "item:"+itemID, it.Number)
	})
	if err != nil {
		return Item{}, errs.E(op, err)
	}
	return out, nil
}

// orZero reads an empty count of a party row that has other counts as 0.
func orZero(s string) string {
	if strings.TrimSpace(s) == "" {
		return "0"
	}
	return s
}
