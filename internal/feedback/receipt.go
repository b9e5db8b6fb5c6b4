package feedback

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// ReceiptSpec is the receipt survey as it is made the first time: the
// satisfaction question on a scale from MinScore to MaxScore, and an
// optional comment. The survey builder keeps one language per survey, so
// the texts are in bokmål; the pages of this module show the question in
// the reader's language from its messages.
var ReceiptSpec = surveys.ReceiptSpec{
	Title: "Brukertilfredshet – spørsmålet på kvitteringssiden",
	Intro: "Stilles etter hver innsending, anonymt og frivillig. Svaret lagres med tjenesten og måneden, uten person og uten kobling til innsendingen.",
	Questions: []surveys.QuestionForm{
		{Kind: surveys.KindScale, Text: "Hvor fornøyd er du med tjenesten?", Required: true,
			ScaleMin: strconv.Itoa(MinScore), ScaleMax: strconv.Itoa(MaxScore), LowLabel: "Svært misfornøyd", HighLabel: "Svært fornøyd"},
		{Kind: surveys.KindText, Text: "Kommentar", Help: "Hva var bra, og hva kan bli bedre?"},
	},
}

// receiptActor makes the receipt survey, on the first receipt page shown
// in a municipality (not on the first answer: the audit entry's time must
// not be an answer's).
var receiptActor = audit.Entry{ActorID: "system:feedback", ActorName: "Tilbakemelding", Role: "system"}

// receipt is a municipality's receipt survey: its id and the ids of its
// score and comment questions.
type receipt struct {
	survey, score, comment string
}

// fromSurvey picks the questions of a receipt survey: the first scale
// question is the score, the first free-text question the comment.
func fromSurvey(sv surveys.Survey, qs []surveys.Question) (receipt, error) {
	r := receipt{survey: sv.ID}
	for _, q := range qs {
		switch {
		case q.Kind == surveys.KindScale && r.score == "":
			r.score = q.ID
		case q.Kind == surveys.KindText && r.comment == "":
			r.comment = q.ID
		}
	}
	if r.score == "" || r.comment == "" {
		return receipt{}, errors.New("feedback: receipt survey " + sv.ID + " lacks a scale or a text question")
	}
	return r, nil
}

// receipt returns tenant's receipt survey, making it the first time.
func (s *Service) receipt(ctx context.Context, tenant string) (receipt, error) {
	if v, ok := s.receipts.Load(tenant); ok {
		return v.(receipt), nil
	}
	sv, qs, err := s.surveys.Receipt(ctx, tenant, ReceiptSpec, receiptActor)
	if err != nil {
		return receipt{}, err
	}
	r, err := fromSurvey(sv, qs)
	if err != nil {
		return receipt{}, err
	}
	s.receipts.Store(tenant, r)
	return r, nil
}

// findReceipt returns tenant's receipt survey without making it; ok is
// false when there is none yet.
func (s *Service) findReceipt(ctx context.Context, tenant string) (receipt, bool, error) {
	if v, ok := s.receipts.Load(tenant); ok {
		return v.(receipt), true, nil
	}
	sv, qs, err := s.surveys.FindReceipt(ctx, tenant)
	if errs.Is(errs.NotFound, err) {
		return receipt{}, false, nil
	}
	if err != nil {
		return receipt{}, false, err
	}
	r, err := fromSurvey(sv, qs)
	if err != nil {
		return receipt{}, false, err
	}
	s.receipts.Store(tenant, r)
	return r, true, nil
}

// ReceiptSurvey returns the id of tenant's receipt survey, the survey the
// answers are kept in, making it the first time; for links from the
// managers' pages to its results.
func (s *Service) ReceiptSurvey(ctx context.Context, tenant string) (string, error) {
	r, err := s.receipt(ctx, tenant)
	if err != nil {
		return "", errs.E(errs.Op("feedback.ReceiptSurvey"), err)
	}
	return r.survey, nil
}

// moveBatch is how many old answers MoveOldAnswers moves in one
// transaction.
const moveBatch = 500

// errMoved says another node moved a batch of old answers meanwhile.
var errMoved = errors.New("feedback: old answers moved meanwhile")

// MoveOldAnswers moves the answers given before the receipt survey took
// over (feedback_answers) into each municipality's receipt survey, with
// the same service, month, score and comment, and returns how many. Each
// batch is one transaction: the answers are added to the survey and
// deleted here together, so the managers' report, which reads both, stays
// exact while it runs, and two nodes running it at once move each answer
// once. The answers of a municipality whose receipt survey is closed stay
// where they are (the report still counts them). The server's
// housekeeping loop calls it; when nothing is left it costs one query.
func (s *Service) MoveOldAnswers(ctx context.Context) (int, error) {
	const op = errs.Op("feedback.MoveOldAnswers")
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT tenant_id FROM feedback_answers ORDER BY tenant_id`)
	if err != nil {
		return 0, errs.E(op, err)
	}
	var tenants []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, errs.E(op, err)
		}
		tenants = append(tenants, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.E(op, err)
	}
	moved := 0
	for _, tenant := range tenants {
		r, err := s.receipt(ctx, tenant)
		if err != nil {
			return moved, errs.E(op, err)
		}
		for {
			n, err := s.moveBatch(ctx, tenant, r)
			if errors.Is(err, errMoved) {
				continue
			}
			if k, _, _ := errs.Public(err); errs.Is(errs.Conflict, err) && k == "surveys.error.closed" {
				break
			}
			if err != nil {
				return moved, errs.E(op, err)
			}
			moved += n
			if n < moveBatch {
				break
			}
		}
	}
	return moved, nil
}

// moveBatch moves up to moveBatch old answers of tenant into r.
func (s *Service) moveBatch(ctx context.Context, tenant string, r receipt) (int, error) {
	type old struct {
		id, service, month, comment string
		score                       int
	}
	n := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, service_id, month, score, comment FROM feedback_answers WHERE tenant_id = $1
			ORDER BY month, id LIMIT `+strconv.Itoa(moveBatch), tenant)
		if err != nil {
			return err
		}
		var list []old
		for rows.Next() {
			var o old
			if err := rows.Scan(&o.id, &o.service, &o.month, &o.score, &o.comment); err != nil {
				rows.Close()
				return err
			}
			list = append(list, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, o := range list {
			res, err := tx.ExecContext(ctx, `DELETE FROM feedback_answers WHERE tenant_id = $1 AND id = $2`, tenant, o.id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return errMoved
			}
			form := map[string][]string{surveys.FieldName(surveys.Question{ID: r.score}, 0): {strconv.Itoa(o.score)}}
			if o.comment != "" {
				form[surveys.FieldName(surveys.Question{ID: r.comment}, 0)] = []string{o.comment}
			}
			if _, err := s.surveys.AnswerReceipt(ctx, tx, tenant, r.survey, surveys.ReceiptAnswer{Month: o.month, Service: o.service}, form); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}
