package politics

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/notify"
)

// The names of the contact form's fields.
const (
	FieldSenderName  = "navn"
	FieldSenderEmail = "epost"
	FieldMessage     = "melding"
	FieldToken       = "skjema"
)

// ContactForm is a message to an elected official as typed: the sender's
// name and e-mail address (both optional; without an address the official
// cannot answer and no copy is sent), the message, and the form's one-time
// token (NewContactToken).
type ContactForm struct {
	Name, Email, Message, Token string
}

// ContactMeta is what the contact form's page adds to a message: the
// page's language, the municipality's name and the official's public page.
type ContactMeta struct {
	Lang, Municipality, PageURL string
}

// ContactReceipt says what happened to a message.
type ContactReceipt struct {
	Person    Person
	Copy      bool // a copy was queued to the sender
	ReplyDays int
	// Repeated says the form had been sent before with the same token:
	// nothing new was sent.
	Repeated bool
}

// NewContactToken returns a one-time token for a contact form, so that a
// form sent twice (a reload, a double click) sends one message.
func NewContactToken() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenLifetime is how long a used token is remembered.
const tokenLifetime = 24 * time.Hour

// ContactSent reports whether a message was sent with token within the
// last day, so that a form sent again gets its receipt without counting
// against the sender's limit.
func (s *Service) ContactSent(ctx context.Context, tenant, token string) (bool, error) {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_contact_tokens WHERE tenant_id = $1 AND token_hash = $2`, tenant, hex.EncodeToString(sum[:])).Scan(&n)
	if err != nil {
		return false, errs.E(errs.Op("politics.ContactSent"), err)
	}
	return n > 0, nil
}

// CheckContact validates a message without sending it and returns the
// cleaned form. Errors: Invalid (politics.error.invalid) with field errors
// for melding (politics.error.message_missing, message_long), epost
// (politics.error.email), navn (politics.error.name) and skjema
// (politics.error.token).
func CheckContact(f ContactForm) (ContactForm, error) {
	const op = errs.Op("politics.CheckContact")
	out := ContactForm{Name: clean(f.Name), Message: cleanText(f.Message), Token: strings.TrimSpace(f.Token)}
	fields := map[string]string{}
	if out.Message == "" {
		fields[FieldMessage] = "politics.error.message_missing"
	} else if tooLong(out.Message, MaxMessage) {
		fields[FieldMessage] = "politics.error.message_long"
	}
	if tooLong(out.Name, MaxName) {
		fields[FieldSenderName] = "politics.error.name"
	}
	if e := strings.TrimSpace(f.Email); e != "" {
		addr, ok := checkEmail(e)
		if !ok {
			fields[FieldSenderEmail] = "politics.error.email"
		}
		out.Email = addr
	}
	if out.Token == "" || len(out.Token) > 64 {
		fields[FieldToken] = "politics.error.token"
	}
	return out, invalid(op, fields)
}

// Contact sends a message to an elected official: in one transaction it
// queues the message to the official (whose address the sender never
// sees), a copy to the sender when they gave an address, remembers the
// form's token and appends an audit entry that names the official but not
// the sender. A form sent again with the same token sends nothing and
// returns the receipt with Repeated set. Errors: NotFound for an unknown
// official or one without an address; Invalid as CheckContact.
func (s *Service) Contact(ctx context.Context, tenant, personID string, f ContactForm, meta ContactMeta, actor audit.Entry) (ContactReceipt, error) {
	const op = errs.Op("politics.Contact")
	p, err := s.Person(ctx, tenant, personID)
	if err != nil {
		return ContactReceipt{}, errs.E(op, err)
	}
	if !p.Contactable() {
		return ContactReceipt{}, errs.E(op, errs.NotFound, errs.Key("politics.error.not_contactable"))
	}
	f, err = CheckContact(f)
	if err != nil {
		return ContactReceipt{}, errs.E(op, err)
	}
	rec := ContactReceipt{Person: p, Copy: f.Email != "", ReplyDays: s.cfg.ReplyDays}
	sum := sha256.Sum256([]byte(f.Token))
	hash := hex.EncodeToString(sum[:])
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.db.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_contact_tokens WHERE tenant_id = $1 AND created_at < $2`, tenant, now.Add(-tokenLifetime)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO politics_contact_tokens (tenant_id, token_hash, person_id, created_at) VALUES ($1, $2, $3, $4)`,
			tenant, hash, p.ID, now); err != nil {
			if db.IsUniqueViolation(err) {
				return errRepeated
			}
			return err
		}
		// Kept for the official's own page (Service.Official) for
		// MessageDays days; Digest removes older ones.
		if _, err := tx.ExecContext(ctx, `INSERT INTO politics_messages (tenant_id, id, person_id, sender_name, sender_email, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, tenant, newID(), p.ID, f.Name, f.Email, f.Message, now); err != nil {
			return err
		}
		toOfficial, copyMail := s.contactMails(tenant, p, f, meta)
		if _, err := s.mail.Enqueue(ctx, tx, toOfficial); err != nil {
			return err
		}
		if rec.Copy {
			if _, err := s.mail.Enqueue(ctx, tx, copyMail); err != nil {
				return err
			}
		}
		actor.Purpose = ""
		return s.record(ctx, tx, tenant, actor, "politics.contact.send", "person:"+p.ID, "")
	})
	if errors.Is(err, errRepeated) {
		rec.Repeated = true
		return rec, nil
	}
	if err != nil {
		return ContactReceipt{}, errs.E(op, err)
	}
	return rec, nil
}

// errRepeated rolls back a contact transaction whose token was used.
var errRepeated = errs.E(errs.Conflict, errs.Key("politics.error.token"))

// contactMails composes the message to the official and the copy to the
// sender.
func (s *Service) contactMails(tenant string, p Person, f ContactForm, meta ContactMeta) (notify.Mail, notify.Mail) {
	l, ok := i18n.Parse(meta.Lang)
	if !ok {
		l = i18n.NB
	}
	t := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
	sender := f.Name
	if sender == "" {
		sender = t("politics.mail.contact.anonymous")
	}
	var b strings.Builder
	b.WriteString(t("politics.mail.contact.lead", p.Name(), meta.Municipality) + "\n\n")
	b.WriteString(t("politics.mail.contact.from", sender) + "\n")
	if f.Email != "" {
		b.WriteString(t("politics.mail.contact.reply", f.Email) + "\n")
	} else {
		b.WriteString(t("politics.mail.contact.no_reply") + "\n")
	}
	b.WriteString("\n" + f.Message + "\n\n-- \n" + t("politics.mail.contact.footer", meta.Municipality) + "\n")
	toOfficial := notify.Mail{Tenant: tenant, To: p.Email, Subject: t("politics.mail.contact.subject", meta.Municipality), Body: b.String()}

	var c strings.Builder
	c.WriteString(t("politics.mail.copy.lead", p.Name(), s.cfg.ReplyDays) + "\n\n")
	c.WriteString(f.Message + "\n\n-- \n" + t("politics.mail.copy.footer", meta.PageURL) + "\n")
	copyMail := notify.Mail{Tenant: tenant, To: f.Email, Subject: t("politics.mail.copy.subject", p.Name()), Body: c.String()}
	return toOfficial, copyMail
}
