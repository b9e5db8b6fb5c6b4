package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// Channel delivers letters and decisions to the citizen. Deliver runs in
// the transaction that records the letter, so what it writes (a queued
// e-mail, a shipment to a digital mailbox) happens if and only if the
// letter exists; it returns the delivery status ("queued", "delivered" or
// "failed") and a short detail for the case view. A channel that ships
// later (SvarUt, the digital mailbox with print fallback) returns "queued"
// and updates the letter's status from its worker.
type Channel interface {
	Name() string
	Deliver(ctx context.Context, tx *sql.Tx, c Case, m Message) (status, detail string, err error)
}

// MinSide delivers letters to the citizen's Min side, and sends an e-mail
// notice (without the letter's content) when the case has an address.
type MinSide struct {
	Mail *notify.Queue
	// Link gives the address of the case on Min side, for the notice.
	Link func(c Case) string
}

// Name implements Channel.
func (MinSide) Name() string { return "minside" }

// Deliver implements Channel.
func (ch MinSide) Deliver(ctx context.Context, tx *sql.Tx, c Case, m Message) (string, string, error) {
	if c.Citizen == "" || strings.HasPrefix(c.Citizen, "anon:") {
		// Without a sign-in there is no Min side: only e-mail reaches them.
		if c.Email == "" || ch.Mail == nil {
			return "failed", "no Min side and no e-mail address", nil
		}
	}
	if c.Email == "" || ch.Mail == nil {
		return "delivered", "Min side", nil
	}
	link := ""
	if ch.Link != nil {
		link = ch.Link(c)
	}
	body := fmt.Sprintf("Hei!\n\nDu har fått et nytt brev fra kommunen i saken «%s» (saksnummer %s).\n\nLes det på Min side: %s\n\nDenne e-posten kan ikke besvares.\n",
		c.Title, c.Number, link)
	if strings.HasPrefix(c.Citizen, "anon:") {
		body = fmt.Sprintf("Hei!\n\nSvar fra kommunen i saken «%s» (saksnummer %s):\n\n%s\n\n%s\n", c.Title, c.Number, m.Title, m.Body)
	}
	if _, err := ch.Mail.Enqueue(ctx, tx, notify.Mail{Tenant: c.Tenant, To: c.Email, Subject: "Nytt brev i sak " + c.Number, Body: body}); err != nil {
		if errs.KindOf(err) == errs.Invalid {
			return "delivered", "Min side (the e-mail address was not usable)", nil
		}
		return "", "", err
	}
	return "delivered", "Min side + e-mail notice", nil
}
