package politics

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/notify"
)

// Kinds of things to follow.
const (
	FollowBody = "organ" // a body: its meetings, documents and decisions
	FollowCase = "sak"   // a political case: its handling and decisions
)

// Lifetimes of follows and messages.
const (
	// PendingDays is how long an unconfirmed follow waits for its
	// confirmation before it is removed.
	PendingDays = 7
	// MessageDays is how long the messages citizens send to officials
	// are kept for the official's page.
	MessageDays = 90
	// DigestInterval is how often a follower gets at most one e-mail.
	DigestInterval = 24 * time.Hour
)

// FollowInfo is a confirmed follow.
type FollowInfo struct {
	ID, Kind, TargetID, Lang string
	// Unsubscribe is the token of the follow's unsubscribe link.
	Unsubscribe string
}

// newToken returns a random token for a link, 32 characters.
func newToken() string {
	var b [24]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte("politics.follow.token|" + token))
	return hex.EncodeToString(sum[:])
}

// boxKey is the key that seals a pending follow's address: made from the
// confirmation token, which only the e-mail holds.
func boxKey(token string) []byte {
	sum := sha256.Sum256([]byte("politics.follow.address|" + token))
	return sum[:]
}

// seal encrypts address with a key made from token (AES-256-GCM).
func seal(token, address string) string {
	block, _ := aes.NewCipher(boxKey(token))
	gcm, _ := cipher.NewGCM(block)
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(address), nil))
}

// open decrypts what seal made; false when token does not fit.
func open(token, box string) (string, bool) {
	raw, err := base64.RawStdEncoding.DecodeString(box)
	if err != nil {
		return "", false
	}
	block, _ := aes.NewCipher(boxKey(token))
	gcm, _ := cipher.NewGCM(block)
	if len(raw) < gcm.NonceSize() {
		return "", false
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", false
	}
	return string(plain), true
}

// FollowName returns the name of what a follow follows: the body's name
// or the case's title. Errors: NotFound (politics.error.body_not_found,
// case_not_found, or follow_kind for an unknown kind).
func (s *Service) FollowName(ctx context.Context, tenant, kind, target string) (string, error) {
	switch kind {
	case FollowBody:
		b, err := s.Body(ctx, tenant, target)
		return b.Name, err
	case FollowCase:
		c, err := s.Case(ctx, tenant, target)
		return c.Title, err
	}
	return "", errs.E(errs.Op("politics.FollowName"), errs.NotFound, errs.Key("politics.error.follow_kind"))
}

// RequestFollow asks to follow a body or a case by e-mail (double
// opt-in): it queues an e-mail to address with the confirmation link
// (confirmURL followed by the token) and stores the request without the
// address in the clear (see the table politics_follows). Nothing is sent
// until the link is followed (ConfirmFollow). lang is the language of the
// e-mails. Errors: NotFound for an unknown body or case; Invalid with the
// field error epost (politics.error.email).
func (s *Service) RequestFollow(ctx context.Context, tenant, kind, target, address, lang, confirmURL string, actor audit.Entry) error {
	const op = errs.Op("politics.RequestFollow")
	name, err := s.FollowName(ctx, tenant, kind, target)
	if err != nil {
		return errs.E(op, err)
	}
	email, ok := checkEmail(address)
	if !ok {
		return invalid(op, map[string]string{FieldSenderEmail: "politics.error.email"})
	}
	l, ok := i18n.Parse(lang)
	if !ok {
		l = i18n.NB
	}
	token := newToken()
	now := s.db.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		id := newID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO politics_follows (tenant_id, id, kind, target_id, lang, token_hash, address_box, email, unsubscribe,
				confirmed_at, checked_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, '', '', NULL, NULL, $8)`, tenant, id, kind, target, string(l), tokenHash(token), seal(token, email), now); err != nil {
			return err
		}
		t := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
		body := t("politics.mail.follow.lead", name) + "\n\n" + confirmURL + token + "\n\n" + t("politics.mail.follow.ignore", PendingDays) + "\n"
		if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: email, Subject: t("politics.mail.follow.subject", name), Body: body}); err != nil {
			return err
		}
		actor.Purpose = ""
		return s.record(ctx, tx, tenant, actor, "politics.follow.request", "follow:"+id, kind+":"+target)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// ConfirmFollow confirms the follow whose confirmation token is token:
// from now on its address gets the digest. Following the link again, or
// confirming a second request for what the address already follows, is
// no error. Errors: NotFound (politics.error.follow_not_found) for an
// unknown or expired token.
func (s *Service) ConfirmFollow(ctx context.Context, tenant, token string, actor audit.Entry) (FollowInfo, error) {
	const op = errs.Op("politics.ConfirmFollow")
	token = strings.TrimSpace(token)
	notFound := errs.E(op, errs.NotFound, errs.Key("politics.error.follow_not_found"))
	if token == "" || len(token) > 64 {
		return FollowInfo{}, notFound
	}
	var out FollowInfo
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var box, email, unsub string
		var confirmed sql.NullTime
		var created time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, kind, target_id, lang, address_box, email, unsubscribe, confirmed_at, created_at FROM politics_follows
			WHERE tenant_id = $1 AND token_hash = $2`, tenant, tokenHash(token)).Scan(&out.ID, &out.Kind, &out.TargetID, &out.Lang, &box, &email, &unsub, &confirmed, &created)
		if isNoRows(err) {
			return notFound
		}
		if err != nil {
			return err
		}
		if confirmed.Valid {
			out.Unsubscribe = unsub
			return nil
		}
		now := s.db.Now()
		if created.Before(now.AddDate(0, 0, -PendingDays)) {
			return notFound
		}
		addr, ok := open(token, box)
		if !ok {
			return notFound
		}
		// The address may already follow this: keep that follow.
		var existing FollowInfo
		err = tx.QueryRowContext(ctx, `SELECT id, kind, target_id, lang, unsubscribe FROM politics_follows
			WHERE tenant_id = $1 AND kind = $2 AND target_id = $3 AND email = $4 AND confirmed_at IS NOT NULL`, tenant, out.Kind, out.TargetID, addr).
			Scan(&existing.ID, &existing.Kind, &existing.TargetID, &existing.Lang, &existing.Unsubscribe)
		if err == nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM politics_follows WHERE tenant_id = $1 AND id = $2`, tenant, out.ID); err != nil {
				return err
			}
			out = existing
			return nil
		}
		if !isNoRows(err) {
			return err
		}
		out.Unsubscribe = newToken()
		if _, err := tx.ExecContext(ctx, `UPDATE politics_follows SET email = $1, address_box = '', unsubscribe = $2, confirmed_at = $3, checked_at = $3
			WHERE tenant_id = $4 AND id = $5`, addr, out.Unsubscribe, now, tenant, out.ID); err != nil {
			return err
		}
		actor.Purpose = ""
		return s.record(ctx, tx, tenant, actor, "politics.follow.confirm", "follow:"+out.ID, out.Kind+":"+out.TargetID)
	})
	if err != nil {
		return FollowInfo{}, errs.E(op, err)
	}
	return out, nil
}

// FollowByUnsubscribe returns the confirmed follow of an unsubscribe
// token. Errors: NotFound.
func (s *Service) FollowByUnsubscribe(ctx context.Context, tenant, token string) (FollowInfo, error) {
	var f FollowInfo
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return f, errs.E(errs.Op("politics.FollowByUnsubscribe"), errs.NotFound, errs.Key("politics.error.follow_not_found"))
	}
	err := s.db.QueryRowContext(ctx, `SELECT id, kind, target_id, lang, unsubscribe FROM politics_follows WHERE tenant_id = $1 AND unsubscribe = $2`, tenant, token).
		Scan(&f.ID, &f.Kind, &f.TargetID, &f.Lang, &f.Unsubscribe)
	if isNoRows(err) {
		return f, errs.E(errs.Op("politics.FollowByUnsubscribe"), errs.NotFound, errs.Key("politics.error.follow_not_found"), err)
	}
	if err != nil {
		return f, errs.E(errs.Op("politics.FollowByUnsubscribe"), err)
	}
	return f, nil
}

// Unfollow ends the follow whose unsubscribe token is token and forgets
// its address. It reports whether there was one: a second click is no
// error.
func (s *Service) Unfollow(ctx context.Context, tenant, token string, actor audit.Entry) (bool, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return false, nil
	}
	found := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id, kind, target string
		err := tx.QueryRowContext(ctx, `SELECT id, kind, target_id FROM politics_follows WHERE tenant_id = $1 AND unsubscribe = $2`, tenant, token).Scan(&id, &kind, &target)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_follows WHERE tenant_id = $1 AND id = $2`, tenant, id); err != nil {
			return err
		}
		actor.Purpose = ""
		return s.record(ctx, tx, tenant, actor, "politics.follow.end", "follow:"+id, kind+":"+target)
	})
	if err != nil {
		return false, errs.E(errs.Op("politics.Unfollow"), err)
	}
	return found, nil
}

// Kinds of events in feeds and digests.
const (
	EventMeeting  = "meeting"  // a meeting's notice was sent and its agenda published
	EventDocument = "document" // a case document became public
	EventDecision = "decision" // a decision was recorded
)

// Change is something public that happened: the entries of the Atom feeds
// and the lines of the digests. It is made only from PublicData, so it
// holds nothing that is not public.
type Change struct {
	Kind    string
	At      time.Time
	BodyID  string
	CaseIDs []string // the cases concerned
	Meeting Meeting
	Item    ItemView     // for documents and decisions
	Doc     DocumentView // for documents
}

// ID returns a stable id of the event.
func (e Change) ID() string {
	switch e.Kind {
	case EventDocument:
		return "document:" + e.Doc.ID
	case EventDecision:
		return "decision:" + e.Item.ID + ":" + strconv.FormatInt(e.At.Unix(), 10)
	}
	return "meeting:" + e.Meeting.ID
}

// Matches reports whether the event concerns what a follow of kind and
// target follows.
func (e Change) Matches(kind, target string) bool {
	if kind == FollowBody {
		return e.BodyID == target
	}
	return kind == FollowCase && slices.Contains(e.CaseIDs, target)
}

// events lists what happened in d, newest first.
func events(d Data) []Change {
	var out []Change
	for _, m := range d.Meetings {
		if !m.Published() {
			continue
		}
		me := Change{Kind: EventMeeting, At: m.PublishedAt, BodyID: m.BodyID, Meeting: m}
		for _, it := range d.Items[m.ID] {
			if it.Hidden {
				continue
			}
			var cases []string
			if it.CaseID != "" {
				cases = []string{it.CaseID}
				if !slices.Contains(me.CaseIDs, it.CaseID) {
					me.CaseIDs = append(me.CaseIDs, it.CaseID)
				}
			}
			for _, dv := range it.Documents {
				if dv.Restricted {
					continue
				}
				out = append(out, Change{Kind: EventDocument, At: m.PublishedAt, BodyID: m.BodyID, CaseIDs: cases, Meeting: m, Item: it, Doc: dv})
			}
			if it.Decided() {
				out = append(out, Change{Kind: EventDecision, At: it.DecidedAt, BodyID: m.BodyID, CaseIDs: cases, Meeting: m, Item: it})
			}
		}
		out = append(out, me)
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID(), b.ID())
	})
	return out
}

// Events returns the public events that concern a body (kind FollowBody)
// or a case (FollowCase), newest first, at most limit. Errors: NotFound
// for an unknown body or case.
func (s *Service) Events(ctx context.Context, tenant, kind, target string, limit int) ([]Change, error) {
	const op = errs.Op("politics.Events")
	if _, err := s.FollowName(ctx, tenant, kind, target); err != nil {
		return nil, errs.E(op, err)
	}
	d, err := s.PublicData(ctx, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []Change
	for _, e := range events(d) {
		if e.Matches(kind, target) {
			out = append(out, e)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// siteBase is the absolute URL of a municipality's site for e-mails sent
// without a request: Config.PublicURL + "/k/{nr}/" (a path only, when no
// PublicURL is set).
func (s *Service) siteBase(tenant string) string {
	return s.cfg.PublicURL + "/k/" + tenant + "/"
}

// EventLink returns the path of an event's page below the site's base:
// the meeting, or the item on the meeting's page, or the document.
func EventLink(e Change) string {
	switch e.Kind {
	case EventDocument:
		return "politikk/dokument/" + e.Doc.ID
	case EventDecision:
		return "politikk/mote/" + e.Meeting.ID + "#sak-" + e.Item.ID
	}
	return "politikk/mote/" + e.Meeting.ID
}

// eventText describes an event in one line in language l.
func (s *Service) eventText(l i18n.Lang, e Change, bodies map[string]Body) string {
	t := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
	day := e.Meeting.Start.In(oslo).Format("02.01.2006")
	switch e.Kind {
	case EventDocument:
		return t("politics.event.document", e.Item.Number, e.Item.Title, e.Doc.Title)
	case EventDecision:
		return t("politics.event.decision", e.Item.Number, e.Item.Title, bodies[e.BodyID].Name)
	}
	return t("politics.event.meeting", bodies[e.BodyID].Name, day)
}

type digestFollow struct {
	tenant, id, kind, target, lang, email, unsub string
	checked                                      time.Time
}

// Digest is the daily e-mail job: the server calls it from its background
// loop (every hour is plenty). For every confirmed follow that was not
// checked within DigestInterval before now, it collects the public events
// since the last check, and queues one e-mail per address and
// municipality that lists them by what is followed, each with its
// unsubscribe link; an address with nothing new gets nothing. It also
// removes unconfirmed follows older than PendingDays and contact messages
// older than MessageDays. It returns the number of e-mails queued.
func (s *Service) Digest(ctx context.Context, now time.Time) (int, error) {
	const op = errs.Op("politics.Digest")
	now = now.UTC()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_follows WHERE confirmed_at IS NULL AND created_at < $1`, now.AddDate(0, 0, -PendingDays)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM politics_messages WHERE created_at < $1`, now.AddDate(0, 0, -MessageDays))
		return err
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, id, kind, target_id, lang, email, unsubscribe, checked_at FROM politics_follows
		WHERE confirmed_at IS NOT NULL AND checked_at <= $1 ORDER BY tenant_id, email, created_at, id`, now.Add(-DigestInterval))
	if err != nil {
		return 0, errs.E(op, err)
	}
	var due []digestFollow
	for rows.Next() {
		var f digestFollow
		if err := rows.Scan(&f.tenant, &f.id, &f.kind, &f.target, &f.lang, &f.email, &f.unsub, &f.checked); err != nil {
			rows.Close()
			return 0, errs.E(op, err)
		}
		f.checked = f.checked.UTC()
		due = append(due, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.E(op, err)
	}
	sent := 0
	for len(due) > 0 {
		tenant := due[0].tenant
		n := 1
		for n < len(due) && due[n].tenant == tenant {
			n++
		}
		k, err := s.digestTenant(ctx, tenant, due[:n], now)
		sent += k
		if err != nil {
			return sent, errs.E(op, err)
		}
		due = due[n:]
	}
	return sent, nil
}

// digestTenant sends the digests of one municipality's due follows,
// which are sorted by address.
func (s *Service) digestTenant(ctx context.Context, tenant string, due []digestFollow, now time.Time) (int, error) {
	d, err := s.PublicData(ctx, tenant)
	if err != nil {
		return 0, err
	}
	all := events(d)
	bodies := map[string]Body{}
	for _, b := range d.Bodies {
		bodies[b.ID] = b
	}
	cases := map[string]Case{}
	for _, c := range d.Cases {
		cases[c.ID] = c
	}
	base := s.siteBase(tenant)
	sent := 0
	for len(due) > 0 {
		email := due[0].email
		n := 1
		for n < len(due) && due[n].email == email {
			n++
		}
		group := due[:n]
		due = due[n:]
		l, ok := i18n.Parse(group[0].lang)
		if !ok {
			l = i18n.NB
		}
		t := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
		var b strings.Builder
		b.WriteString(t("politics.mail.digest.lead") + "\n")
		count := 0
		for _, f := range group {
			name, link := "", ""
			switch f.kind {
			case FollowBody:
				name, link = bodies[f.target].Name, "politikk/organ/"+f.target
			case FollowCase:
				name, link = cases[f.target].Title, "politikk/sak/"+f.target
			}
			var lines []string
			for i := len(all) - 1; i >= 0; i-- { // oldest first
				e := all[i]
				if e.At.After(f.checked) && !e.At.After(now) && e.Matches(f.kind, f.target) {
					lines = append(lines, "- "+e.At.In(oslo).Format("02.01.2006")+" "+s.eventText(l, e, bodies)+"\n  "+base+EventLink(e))
				}
			}
			if name == "" {
				continue // the body or case is gone
			}
			if len(lines) > 0 {
				count += len(lines)
				b.WriteString("\n" + name + "\n" + base + link + "\n\n" + strings.Join(lines, "\n") + "\n")
			}
			b.WriteString("\n" + t("politics.mail.digest.unsubscribe", name) + "\n" + base + "politikk/folg/avslutt?t=" + f.unsub + "\n")
		}
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, f := range group {
				if _, err := tx.ExecContext(ctx, `UPDATE politics_follows SET checked_at = $1 WHERE tenant_id = $2 AND id = $3`, now, tenant, f.id); err != nil {
					return err
				}
			}
			if count == 0 {
				return nil
			}
			_, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: email, Subject: t("politics.mail.digest.subject", count), Body: b.String()})
			return err
		})
		if err != nil {
			return sent, err
		}
		if count > 0 {
			sent++
		}
	}
	return sent, nil
}
