package surveys

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// MaxStratum is the longest background cell (in bytes) SendPanel takes.
const MaxStratum = 400

// Recipient is a member of a panel that a panel survey is sent to: Key is
// the panel's opaque key for the member (stored with the invitation, so
// that RevokePanel can find it), Email where the link goes (used to queue
// the mail, not stored by this module) and Stratum the member's
// background cell, stored with the response.
type Recipient struct {
	Key, Email, Stratum string
}

// SendPanel sends an open panel survey (audience AudiencePanel) to
// recipients: each who has no invitation to it yet gets a personal
// single-use link by e-mail with letter (as Open does for a list). It
// returns how many were sent. Errors: NotFound; Conflict
// (surveys.error.not_panel when the survey's audience is not a panel,
// surveys.error.not_open when it is not open); Invalid
// (surveys.error.recipient) for a recipient without a key or a valid
// address, or with a stratum that is empty or too long.
func (s *Service) SendPanel(ctx context.Context, tenant, survey string, recipients []Recipient, letter Letter, actor Actor) (int, error) {
	const op = errs.Op("surveys.SendPanel")
	for _, r := range recipients {
		addrs, bad := ParseAddresses(r.Email)
		if r.Key == "" || len(r.Key) > 100 || len(bad) > 0 || len(addrs) != 1 || addrs[0] != r.Email ||
			r.Stratum == "" || len(r.Stratum) > MaxStratum || !utf8.ValidString(r.Stratum) {
			return 0, errs.E(op, errs.Invalid, errs.Key("surveys.error.recipient"))
		}
	}
	sent := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		sv, err := load(ctx, tx, tenant, survey)
		if err != nil {
			return err
		}
		if sv.Audience != AudiencePanel {
			return errs.E(errs.Conflict, errs.Key("surveys.error.not_panel"))
		}
		if sv.Status != StatusOpen {
			return errs.E(errs.Conflict, errs.Key("surveys.error.not_open"))
		}
		now := s.db.Now()
		for _, r := range recipients {
			token := newToken()
			res, err := tx.ExecContext(ctx, `INSERT INTO surveys_panel_invites (tenant_id, survey_id, recipient, token_hash, stratum, sent_at, answered)
				VALUES ($1, $2, $3, $4, $5, $6, FALSE) ON CONFLICT (tenant_id, survey_id, recipient) DO NOTHING`,
				tenant, survey, r.Key, tokenHash(token), r.Stratum, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // invited before
			}
			link := letter.Link + "?t=" + token
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: r.Email, Subject: letter.Subject,
				Body: strings.ReplaceAll(letter.Body, "{lenke}", link)}); err != nil {
				return err
			}
			sent++
		}
		return s.log(ctx, tx, tenant, actor, "survey.panel_send", "survey:"+survey, strconv.Itoa(sent)+" members")
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return sent, nil
}

// RevokePanel deletes every panel-survey invitation of recipient in
// tenant, answered or not, so that an unused link stops working and
// nothing here points to the recipient any more. Answers already given
// stay, with their stratum only. It returns how many were deleted. It
// writes no audit entry: the panel, which knows why, does.
func (s *Service) RevokePanel(ctx context.Context, tenant, recipient string) (int, error) {
	const op = errs.Op("surveys.RevokePanel")
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM surveys_panel_invites WHERE tenant_id = $1 AND recipient = $2`, tenant, recipient)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return int(n), nil
}

// PanelSent returns how many invitations to panel survey survey exist and
// how many of them have been used.
func (s *Service) PanelSent(ctx context.Context, tenant, survey string) (sent, answered int, err error) {
	const op = errs.Op("surveys.PanelSent")
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN answered THEN 1 ELSE 0 END), 0) FROM surveys_panel_invites
		WHERE tenant_id = $1 AND survey_id = $2`, tenant, survey).Scan(&sent, &answered)
	if err != nil {
		return 0, 0, errs.E(op, err)
	}
	return sent, answered, nil
}

// StratumCount is one counter of a panel survey's background cell: as
// surveys_counts, item = -1 and choice = -1 count the cell's responses
// that answered the question, and Question "" counts its responses.
type StratumCount struct {
	Stratum  string
	Question string
	Item     int
	Choice   int
	N        int64
}

// StrataCounts returns the counters per background cell of a panel survey
// (none for other surveys). They include cells of one person: the caller
// must not show them, only figures computed from them over groups of at
// least MinGroup. Errors: NotFound.
func (s *Service) StrataCounts(ctx context.Context, tenant, survey string) ([]StratumCount, error) {
	const op = errs.Op("surveys.StrataCounts")
	if _, err := s.Get(ctx, tenant, survey); err != nil {
		return nil, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT stratum, question_id, item, choice, n FROM surveys_strata_counts
		WHERE tenant_id = $1 AND survey_id = $2 ORDER BY stratum, question_id, item, choice`, tenant, survey)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []StratumCount
	for rows.Next() {
		var c StratumCount
		if err := rows.Scan(&c.Stratum, &c.Question, &c.Item, &c.Choice, &c.N); err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}
