package dialogue

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// The names of the debate forms' fields.
const (
	FieldThreadTitle = "emne"
	FieldPost        = "innlegg"
	FieldHearing     = "horing"
)

// Kinds of thread subjects.
const (
	SubjectHearing = "horing" // a hearing: SubjectID is its id
	SubjectTopic   = "tema"   // a free topic
	// SubjectCase ("sak", cases.go) is a political case.
)

// Limits of debates.
const (
	MaxPost  = 5000
	MaxLinks = 3 // links in one post; more is refused as spam
	// DigestEvery is how often a subscriber gets a digest at most.
	DigestEvery = 24 * time.Hour
	// duplicateWindow is how long the same text from the same person in a
	// thread is refused as a repeat.
	duplicateWindow = 24 * time.Hour
)

// Thread is a debate thread.
type Thread struct {
	ID          string
	SubjectKind string
	SubjectID   string
	Title       string
	Author      string
	AuthorName  string
	Posts       int
	LastPostAt  time.Time
	Created     time.Time
}

// Post is a post in a thread.
type Post struct {
	ID           string
	ThreadID     string
	Position     int
	Author       string
	AuthorName   string
	Body         string
	Reports      int
	HiddenReason string
	HiddenBy     string
	HiddenAt     time.Time
	Created      time.Time
}

// Hidden reports whether a moderator has hidden the post.
func (p Post) Hidden() bool { return !p.HiddenAt.IsZero() }

// checkPost validates the text of a post. It returns the cleaned text
// and a message key, "" when valid.
func checkPost(body string) (string, string) {
	body = cleanText(body)
	switch {
	case body == "":
		return body, "dialogue.error.post_missing"
	case tooLong(body, MaxPost):
		return body, "dialogue.error.post_long"
	case countLinks(body) > MaxLinks:
		return body, "dialogue.error.links"
	}
	return body, ""
}

// countLinks counts the web addresses in s.
func countLinks(s string) int {
	s = strings.ToLower(s)
	return strings.Count(s, "http://") + strings.Count(s, "https://") + strings.Count(s, "www.")
}

// StartThread starts a thread about a hearing (subjectKind SubjectHearing,
// subjectID its id; it must be published), a political case (SubjectCase,
// subjectID its id in the Cases source) or a topic (SubjectTopic) with
// its first post. Errors: Invalid with field errors for emne and
// innlegg; NotFound for an unknown hearing or case, or one of another
// municipality.
func (s *Service) StartThread(ctx context.Context, tenant, subjectKind, subjectID, title, body string, who Author, actor audit.Entry) (Thread, error) {
	const op = errs.Op("dialogue.StartThread")
	switch subjectKind {
	case SubjectHearing:
		if _, err := s.PublicHearing(ctx, tenant, subjectID); err != nil {
			return Thread{}, errs.E(op, err)
		}
	case SubjectCase:
		if _, err := s.Case(ctx, tenant, subjectID); err != nil {
			return Thread{}, errs.E(op, err)
		}
	case SubjectTopic:
		subjectID = ""
	default:
		return Thread{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_thread"))
	}
	fields := map[string]string{}
	title = clean(title)
	switch {
	case title == "":
		fields[FieldThreadTitle] = "dialogue.error.title_missing"
	case tooLong(title, MaxTitle):
		fields[FieldThreadTitle] = "dialogue.error.title_long"
	case countLinks(title) > 0:
		fields[FieldThreadTitle] = "dialogue.error.links"
	}
	body, key := checkPost(body)
	if key != "" {
		fields[FieldPost] = key
	}
	if err := invalid(op, fields); err != nil {
		return Thread{}, err
	}
	now := s.db.Now()
	th := Thread{ID: newID(), SubjectKind: subjectKind, SubjectID: subjectID, Title: title, Author: who.Principal, AuthorName: clean(who.Name), Posts: 1,
		LastPostAt: now, Created: now}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_threads (tenant_id, id, subject_kind, subject_id, title, author, author_name, posts, last_post_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)`, tenant, th.ID, th.SubjectKind, th.SubjectID, th.Title, th.Author, th.AuthorName, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_posts (tenant_id, id, thread_id, position, author, author_name, body, reports, hidden_reason, hidden_by,
			hidden_at, created_at) VALUES ($1, $2, $3, 1, $4, $5, $6, 0, '', '', NULL, $7)`, tenant, newID(), th.ID, th.Author, th.AuthorName, body, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.thread.start", "thread:"+th.ID, th.SubjectKind+" "+th.SubjectID)
	})
	if err != nil {
		return Thread{}, errs.E(op, err)
	}
	return th, nil
}

// Reply adds a post to a thread. Errors: NotFound; Invalid with a field
// error for innlegg (dialogue.error.post_missing, post_long, links);
// Conflict (dialogue.error.duplicate) for the same text from the same
// person in the thread within a day.
func (s *Service) Reply(ctx context.Context, tenant, threadID, body string, who Author, actor audit.Entry) (Post, error) {
	const op = errs.Op("dialogue.Reply")
	th, err := s.Thread(ctx, tenant, threadID)
	if err != nil {
		return Post{}, errs.E(op, err)
	}
	body, key := checkPost(body)
	if key != "" {
		return Post{}, errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldPost: key})
	}
	now := s.db.Now()
	p := Post{ID: newID(), ThreadID: th.ID, Author: who.Principal, AuthorName: clean(who.Name), Body: body, Created: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dialogue_posts WHERE tenant_id = $1 AND thread_id = $2 AND author = $3 AND body = $4 AND created_at > $5`,
			tenant, th.ID, p.Author, p.Body, now.Add(-duplicateWindow)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, errs.Key("dialogue.error.duplicate"))
		}
		if err := tx.QueryRowContext(ctx, `UPDATE dialogue_threads SET posts = posts + 1, last_post_at = $3 WHERE tenant_id = $1 AND id = $2 RETURNING posts`,
			tenant, th.ID, now).Scan(&p.Position); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_posts (tenant_id, id, thread_id, position, author, author_name, body, reports, hidden_reason, hidden_by,
			hidden_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, '', '', NULL, $8)`, tenant, p.ID, th.ID, p.Position, p.Author, p.AuthorName, p.Body, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.post.add", "thread:"+th.ID, "post:"+p.ID)
	})
	if err != nil {
		return Post{}, errs.E(op, err)
	}
	return p, nil
}

const threadCols = `id, subject_kind, subject_id, title, author, author_name, posts, last_post_at, created_at`

func scanThread(sc interface{ Scan(...any) error }) (Thread, error) {
	var th Thread
	err := sc.Scan(&th.ID, &th.SubjectKind, &th.SubjectID, &th.Title, &th.Author, &th.AuthorName, &th.Posts, &th.LastPostAt, &th.Created)
	th.LastPostAt, th.Created = th.LastPostAt.UTC(), th.Created.UTC()
	return th, err
}

// Thread returns a thread. Errors: NotFound.
func (s *Service) Thread(ctx context.Context, tenant, id string) (Thread, error) {
	const op = errs.Op("dialogue.Thread")
	th, err := scanThread(s.db.QueryRowContext(ctx, `SELECT `+threadCols+` FROM dialogue_threads WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Thread{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_thread"))
	}
	if err != nil {
		return Thread{}, errs.E(op, err)
	}
	return th, nil
}

// Threads lists threads, latest post first: all of them when subjectKind
// is empty, else those about one subject.
func (s *Service) Threads(ctx context.Context, tenant, subjectKind, subjectID string) ([]Thread, error) {
	const op = errs.Op("dialogue.Threads")
	q, args := `SELECT `+threadCols+` FROM dialogue_threads WHERE tenant_id = $1`, []any{tenant}
	if subjectKind != "" {
		q += ` AND subject_kind = $2 AND subject_id = $3`
		args = append(args, subjectKind, subjectID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY last_post_at DESC, id LIMIT 200`, args...)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Thread
	for rows.Next() {
		th, err := scanThread(rows)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, th)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

const postCols = `id, thread_id, position, author, author_name, body, reports, hidden_reason, hidden_by, hidden_at, created_at`

func scanPost(sc interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var hidden sql.NullTime
	err := sc.Scan(&p.ID, &p.ThreadID, &p.Position, &p.Author, &p.AuthorName, &p.Body, &p.Reports, &p.HiddenReason, &p.HiddenBy, &hidden, &p.Created)
	p.HiddenAt, p.Created = nullTime(hidden), p.Created.UTC()
	return p, err
}

func (s *Service) posts(ctx context.Context, op errs.Op, q string, args ...any) ([]Post, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// Posts lists a thread's posts in order, hidden ones included (pages
// show the reason in their place).
func (s *Service) Posts(ctx context.Context, tenant, threadID string) ([]Post, error) {
	return s.posts(ctx, "dialogue.Posts", `SELECT `+postCols+` FROM dialogue_posts WHERE tenant_id = $1 AND thread_id = $2 ORDER BY position`, tenant, threadID)
}

// Post returns one post. Errors: NotFound.
func (s *Service) Post(ctx context.Context, tenant, id string) (Post, error) {
	const op = errs.Op("dialogue.Post")
	p, err := scanPost(s.db.QueryRowContext(ctx, `SELECT `+postCols+` FROM dialogue_posts WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Post{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_post"))
	}
	if err != nil {
		return Post{}, errs.E(op, err)
	}
	return p, nil
}

// ReportedPosts lists the posts people have reported that are not hidden,
// most reported first.
func (s *Service) ReportedPosts(ctx context.Context, tenant string) ([]Post, error) {
	return s.posts(ctx, "dialogue.ReportedPosts", `SELECT `+postCols+` FROM dialogue_posts WHERE tenant_id = $1 AND reports > 0 AND hidden_at IS NULL
		ORDER BY reports DESC, created_at LIMIT 200`, tenant)
}

// Report records that a person finds a post breaks the rules. A person
// reports a post once; reporting it again changes nothing. Errors:
// NotFound; Invalid for grunn (too long).
func (s *Service) Report(ctx context.Context, tenant, postID, reason string, who Author, actor audit.Entry) error {
	const op = errs.Op("dialogue.Report")
	p, err := s.Post(ctx, tenant, postID)
	if err != nil {
		return errs.E(op, err)
	}
	reason = clean(reason)
	if tooLong(reason, MaxReason) {
		return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldReason: "dialogue.error.reason_long"})
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dialogue_reports WHERE tenant_id = $1 AND post_id = $2 AND reporter = $3`, tenant, p.ID, who.Principal).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_reports (tenant_id, post_id, reporter, reason, created_at) VALUES ($1, $2, $3, $4, $5)`,
			tenant, p.ID, who.Principal, reason, s.db.Now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dialogue_posts SET reports = reports + 1 WHERE tenant_id = $1 AND id = $2`, tenant, p.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.post.report", "post:"+p.ID, reason)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// HidePost hides a post with a reason that is shown in its place.
// Errors: NotFound; Invalid for grunn.
func (s *Service) HidePost(ctx context.Context, tenant, postID, reason string, actor audit.Entry) (Post, error) {
	const op = errs.Op("dialogue.HidePost")
	p, err := s.Post(ctx, tenant, postID)
	if err != nil {
		return Post{}, errs.E(op, err)
	}
	reason = clean(reason)
	switch {
	case reason == "":
		return Post{}, errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldReason: "dialogue.error.reason_missing"})
	case tooLong(reason, MaxReason):
		return Post{}, errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldReason: "dialogue.error.reason_long"})
	}
	now := s.db.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dialogue_posts SET hidden_reason = $3, hidden_by = $4, hidden_at = $5 WHERE tenant_id = $1 AND id = $2`,
			tenant, p.ID, reason, actor.ActorName, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.post.hide", "post:"+p.ID, reason)
	})
	if err != nil {
		return Post{}, errs.E(op, err)
	}
	p.HiddenReason, p.HiddenBy, p.HiddenAt = reason, actor.ActorName, now
	return p, nil
}

// Subscribe asks for a daily digest of new posts in a thread to email (in
// lang); subscribing again changes the address. Errors: NotFound;
// Invalid for epost.
func (s *Service) Subscribe(ctx context.Context, tenant, threadID, email, lang string, who Author, actor audit.Entry) error {
	const op = errs.Op("dialogue.Subscribe")
	th, err := s.Thread(ctx, tenant, threadID)
	if err != nil {
		return errs.E(op, err)
	}
	addr, ok := checkEmail(email)
	if !ok {
		return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldEmail: "dialogue.error.email"})
	}
	now := s.db.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM dialogue_subscriptions WHERE tenant_id = $1 AND thread_id = $2 AND principal = $3`, tenant, th.ID, who.Principal); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_subscriptions (tenant_id, thread_id, principal, email, lang, sent_until, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, tenant, th.ID, who.Principal, addr, lang, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.thread.subscribe", "thread:"+th.ID, "")
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Unsubscribe ends a person's notices of a thread.
func (s *Service) Unsubscribe(ctx context.Context, tenant, threadID string, who Author, actor audit.Entry) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dialogue_subscriptions WHERE tenant_id = $1 AND thread_id = $2 AND principal = $3`, tenant, threadID, who.Principal)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.thread.unsubscribe", "thread:"+threadID, "")
	})
	if err != nil {
		return errs.E(errs.Op("dialogue.Unsubscribe"), err)
	}
	return nil
}

// Subscribed returns the address a person gets a thread's digest at, or
// "".
func (s *Service) Subscribed(ctx context.Context, tenant, threadID, principal string) (string, error) {
	var email string
	err := s.db.QueryRowContext(ctx, `SELECT email FROM dialogue_subscriptions WHERE tenant_id = $1 AND thread_id = $2 AND principal = $3`,
		tenant, threadID, principal).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", errs.E(errs.Op("dialogue.Subscribed"), err)
	}
	return email, nil
}

// digestLine is one thread in a digest.
type digestLine struct {
	tenant, threadID, title string
	posts                   int
}

// Digest sends the daily digests that are due at now, in every
// municipality: each subscription whose last digest covered up to at
// least DigestEvery ago gets the posts since then, by others and not
// hidden, and one e-mail goes to each address with all its threads that
// have news. Subscriptions without news wait another day. It runs in one
// transaction, so a digest is queued once; run it hourly. It returns the
// number of e-mails queued.
func (s *Service) Digest(ctx context.Context, now time.Time) (int, error) {
	const op = errs.Op("dialogue.Digest")
	now = now.UTC().Truncate(time.Microsecond)
	type sub struct {
		tenant, threadID, principal, email, lang string
		since                                    time.Time
	}
	sent := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT tenant_id, thread_id, principal, email, lang, sent_until FROM dialogue_subscriptions WHERE sent_until <= $1
			ORDER BY tenant_id, email`, now.Add(-DigestEvery))
		if err != nil {
			return err
		}
		var subs []sub
		for rows.Next() {
			var x sub
			if err := rows.Scan(&x.tenant, &x.threadID, &x.principal, &x.email, &x.lang, &x.since); err != nil {
				rows.Close()
				return err
			}
			subs = append(subs, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		type key struct{ tenant, email, lang string }
		news := map[key][]digestLine{}
		for _, x := range subs {
			// Claim the subscription: another node running Digest at the
			// same time finds sent_until moved and leaves it.
			res, err := tx.ExecContext(ctx, `UPDATE dialogue_subscriptions SET sent_until = $4 WHERE tenant_id = $1 AND thread_id = $2 AND principal = $3
				AND sent_until = $5`, x.tenant, x.threadID, x.principal, now, x.since)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				continue
			}
			var n int
			var title string
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MAX(t.title) FROM dialogue_posts p JOIN dialogue_threads t ON t.tenant_id = p.tenant_id AND t.id = p.thread_id
				WHERE p.tenant_id = $1 AND p.thread_id = $2 AND p.created_at > $3 AND p.created_at <= $4 AND p.author <> $5 AND p.hidden_at IS NULL`,
				x.tenant, x.threadID, x.since, now, x.principal).Scan(&n, &sqlString{&title}); err != nil {
				return err
			}
			if n > 0 {
				k := key{x.tenant, x.email, x.lang}
				news[k] = append(news[k], digestLine{tenant: x.tenant, threadID: x.threadID, title: title, posts: n})
			}
		}
		keys := make([]key, 0, len(news))
		for k := range news {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].tenant+keys[i].email < keys[j].tenant+keys[j].email })
		for _, k := range keys {
			t := s.translator(k.lang)
			var b strings.Builder
			b.WriteString(t("dialogue.mail.digest.lead") + "\n\n")
			for _, l := range news[k] {
				b.WriteString(t("dialogue.mail.digest.line", l.title, l.posts) + "\n" + s.cfg.PublicURL + "/k/" + l.tenant + "/debatt/" + l.threadID + "\n\n")
			}
			b.WriteString("-- \n" + t("dialogue.mail.digest.footer") + "\n")
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: k.tenant, To: k.email, Subject: t("dialogue.mail.digest.subject"), Body: b.String()}); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return sent, nil
}

// sqlString scans a nullable text into a string ("" for NULL).
type sqlString struct{ s *string }

// Scan implements sql.Scanner.
func (n *sqlString) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*n.s = ns.String
	return nil
}
