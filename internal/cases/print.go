package cases

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// PrintItem is a letter in the print queue: the SvarUt channel could not
// deliver it digitally (see SvarUt), so staff print and post it.
type PrintItem struct {
	Tenant     string
	ID         string // the shipment's id
	MessageID  string
	CaseID     string
	CaseNumber string
	Kind       string // KindLetter or KindDecision
	Title      string
	Recipient  string // the citizen's name
	Reason     string // why it is not delivered digitally
	QueuedAt   time.Time
	PrintedAt  time.Time // zero until printed
	PrintedBy  string
}

const printCols = `s.id, s.message_id, s.case_id, c.case_number, m.kind, m.title, s.recipient_name, m.delivery_detail, s.done_at, s.printed_at, s.printed_by`

const printFrom = ` FROM cases_shipments s
	JOIN cases_messages m ON m.tenant_id = s.tenant_id AND m.id = s.message_id
	JOIN cases_cases c ON c.tenant_id = s.tenant_id AND c.id = s.case_id`

func scanPrintItem(row scanner, tenant string) (PrintItem, error) {
	p := PrintItem{Tenant: tenant}
	var queued, printed sql.NullTime
	err := row.Scan(&p.ID, &p.MessageID, &p.CaseID, &p.CaseNumber, &p.Kind, &p.Title, &p.Recipient, &p.Reason, &queued, &printed, &p.PrintedBy)
	p.QueuedAt, p.PrintedAt = queued.Time, printed.Time
	return p, err
}

// PrintQueue lists the municipality's letters waiting to be printed, the
// oldest first, and (printed) the 50 printed last, newest first. Letters
// of cases a routing rule keeps from viewer are left out.
func (s *Service) PrintQueue(ctx context.Context, tenant, viewer string) (waiting, printed []PrintItem, err error) {
	const op = errs.Op("cases.PrintQueue")
	list := func(status, order string, limit int) ([]PrintItem, error) {
		rows, err := s.db.QueryContext(ctx, `SELECT `+printCols+printFrom+`
			WHERE s.tenant_id = $1 AND s.status = $2 AND (c.restricted_to = '' OR c.restricted_to LIKE $3 ESCAPE '\')
			ORDER BY `+order+` LIMIT $4`, tenant, status, likeMember(viewer), limit)
		if err != nil {
			return nil, errs.E(op, err)
		}
		defer rows.Close()
		var out []PrintItem
		for rows.Next() {
			p, err := scanPrintItem(rows, tenant)
			if err != nil {
				return nil, errs.E(op, err)
			}
			out = append(out, p)
		}
		return out, rows.Err()
	}
	if waiting, err = list(DeliveryPrint, "s.done_at, s.id", 500); err != nil {
		return nil, nil, err
	}
	if printed, err = list(DeliveryPrinted, "s.printed_at DESC, s.id", 50); err != nil {
		return nil, nil, err
	}
	return waiting, printed, nil
}

// printItem returns shipment id of tenant if it is or was in the print
// queue, and the case, checking that actor may handle it. Errors:
// NotFound, Forbidden.
func (s *Service) printItem(ctx context.Context, op errs.Op, tenant, id string, actor audit.Entry) (PrintItem, Case, error) {
	p, err := scanPrintItem(s.db.QueryRowContext(ctx, `SELECT `+printCols+printFrom+`
		WHERE s.tenant_id = $1 AND s.id = $2 AND s.status IN ('print', 'printed')`, tenant, id), tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return PrintItem{}, Case{}, errs.E(op, errs.NotFound, errs.Key("cases.error.no_print"))
	}
	if err != nil {
		return PrintItem{}, Case{}, errs.E(op, err)
	}
	c, err := s.handle(ctx, op, tenant, p.CaseID, actor)
	if err != nil {
		return PrintItem{}, Case{}, err
	}
	return p, c, nil
}

// PrintPDF returns the printable PDF of a letter in the print queue (also
// after it is printed) and records the read in the audit log. Errors:
// NotFound, Forbidden (a routing rule keeps the case from actor).
func (s *Service) PrintPDF(ctx context.Context, tenant, id string, actor audit.Entry) (PrintItem, []byte, error) {
	const op = errs.Op("cases.PrintPDF")
	p, c, err := s.printItem(ctx, op, tenant, id, actor)
	if err != nil {
		return PrintItem{}, nil, err
	}
	var pdf []byte
	if err := s.db.QueryRowContext(ctx, `SELECT pdf FROM cases_shipments WHERE tenant_id = $1 AND id = $2`, tenant, id).Scan(&pdf); err != nil {
		return PrintItem{}, nil, errs.E(op, err)
	}
	if len(pdf) == 0 {
		return PrintItem{}, nil, errs.E(op, errs.NotFound, errs.Key("cases.error.no_print"))
	}
	actor.Tenant, actor.Action, actor.Object, actor.Subject = tenant, "case.letter.print_read", "case:"+c.Number, c.CitizenPID
	if actor.Purpose == "" {
		actor.Purpose = "utskrift"
	}
	if _, err := s.audit.Record(ctx, actor); err != nil {
		return PrintItem{}, nil, errs.E(op, err)
	}
	return p, pdf, nil
}

// MarkPrinted records that a letter in the print queue is printed and
// posted: it leaves the queue and the letter's delivery status becomes
// "printed". Errors: NotFound, Forbidden, Conflict (already printed).
func (s *Service) MarkPrinted(ctx context.Context, tenant, id string, actor audit.Entry) error {
	const op = errs.Op("cases.MarkPrinted")
	p, c, err := s.printItem(ctx, op, tenant, id, actor)
	if err != nil {
		return err
	}
	if !p.PrintedAt.IsZero() {
		return errs.E(op, errs.Conflict, errs.Key("cases.error.already_printed"))
	}
	now := s.db.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases_shipments SET status = 'printed', printed_at = $1, printed_by = $2
			WHERE tenant_id = $3 AND id = $4 AND status = 'print'`, now, actor.ActorName, tenant, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err == nil {
				err = errs.E(errs.Conflict, errs.Key("cases.error.already_printed"))
			}
			return err
		}
		detail := "printed and posted by " + actor.ActorName + ", " + now.In(oslo).Format("02.01.2006")
		if _, err := tx.ExecContext(ctx, `UPDATE cases_messages SET delivery = $1, delivery_detail = $2 WHERE tenant_id = $3 AND id = $4`,
			DeliveryPrinted, detail, tenant, p.MessageID); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object, actor.Subject, actor.Detail = tenant, "case.letter.printed", "case:"+c.Number, c.CitizenPID, p.Title
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}
