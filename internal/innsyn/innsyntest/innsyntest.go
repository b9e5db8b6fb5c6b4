// Package innsyntest starts the innsyn module's pages on a test server of
// their own, as the deployment lays them out: the shell's middleware
// outside, the municipality router with /k/{nr}/, and static assets. The
// archive holds a few entries made through archive.Service (Seed), mail
// goes over real SMTP to a smtptest server, and users sign in by a test
// cookie instead of an identity provider.
package innsyntest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/innsyn"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/notify/smtptest"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// The municipalities of the test site.
const (
	Demo  = "9999" // Demo kommune, with the entries of Seed
	Other = "4601" // Bergen, with one entry of its own: for isolation tests
)

// Units of the seeded cases.
const (
	UnitBuilding = "Byggesak"
	UnitSchool   = "Oppvekst"
)

// Archivist is the e-mail address of the test archivist, who has the
// role identity.RoleArchivist in Demo (granted by Start).
const Archivist = "arkivar@demo.kommune.no"

// UserCookie is the cookie that names the signed-in test user (a key of
// Users).
const UserCookie = "innsyntest_user"

// Users are the test users by key.
var Users = map[string]*web.User{
	"arkivar": {Principal: "email:" + Archivist, Name: "Anne Arkivar", Email: Archivist, Staff: true,
		Roles: []string{identity.RoleArchivist}},
	"saksbehandler": {Principal: "email:nora.solberg@demo.kommune.no", Name: "Nora Solberg", Email: "nora.solberg@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleCaseworker}},
	"innbygger": {Principal: "pid:15838810028", Name: "Kari Nordmann", PID: "15838810028", ACR: "idporten-loa-substantial", Roles: []string{identity.RoleCitizen}},
}

// Options change the site.
type Options struct {
	// Postgres runs the site on PostgreSQL (TORG_TEST_POSTGRES); the test
	// is skipped when that is not set.
	Postgres bool
	// Now is the clock's start; 2026-11-23 12:00 UTC (a Monday) when zero.
	Now time.Time
	// Config is the module's configuration.
	Config innsyn.Config
	// MaxBody is the largest request body; 10 MB when zero.
	MaxBody int64
}

// Entries are the seeded entries' systemIDs.
type Entries struct {
	Open     string // Demo, UnitBuilding, type I, one PDF document: grantable
	Open2    string // Demo, UnitSchool, type U
	Screened string // Demo, UnitSchool, screened (offl. § 13), public title given
	Note     string // Demo, type N: never in the public journal
	Reserved string // Demo, type U with journalstatus R (reserved): not in the public journal
	Other    string // Other's entry
}

// Site is a running test site.
type Site struct {
	URL      string
	Server   *httptest.Server
	DB       *db.DB
	Clock    *dbtest.Clock
	Service  *innsyn.Service
	Archive  *archive.Service
	Audit    *audit.Log
	Mail     *notify.Queue
	SMTP     *smtptest.Server
	Sender   *notify.Sender
	Blobs    *blob.Dir
	Identity *identity.Service
	Entries  Entries
	// DocContent is the content of Entries.Open's document.
	DocContent []byte
}

// Catalog returns the messages the site's pages use.
func Catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat := i18n.NewCatalog()
	for _, f := range []fs.FS{web.Messages(), tenant.Messages(), identity.Messages(), notify.Messages(), audit.Messages(), archive.Messages(), innsyn.Messages()} {
		if err := cat.AddFS(f); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// Schemas are the migrations the site needs.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, notify.Schema, archive.Schema, innsyn.Schema}
}

// Start starts a site for the test and stops it when the test ends.
func Start(t testing.TB, o Options) *Site {
	t.Helper()
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	}
	clock := dbtest.NewClock(o.Now)
	var d *db.DB
	if o.Postgres {
		d = dbtest.Postgres(t, dbtest.Options{Now: clock.Now}, Schemas()...)
	} else {
		d = dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, Schemas()...)
	}
	ctx := context.Background()
	var w io.Writer = io.Discard
	if os.Getenv("TORG_TEST_LOG") == "1" {
		w = os.Stderr
	}
	logger := slog.New(slog.NewTextHandler(w, nil))
	log := audit.New(d)
	tenants := tenant.New(d, log)
	system := audit.Entry{ActorID: "test", Role: "system"}
	for _, tn := range []tenant.Tenant{{ID: Demo, NameNB: "Demo kommune", NameNN: "Demo kommune"}, {ID: Other, NameNB: "Bergen", NameNN: "Bergen"}} {
		if _, err := tenants.Add(ctx, tn, system); err != nil {
			t.Fatalf("add tenant %s: %v", tn.ID, err)
		}
	}
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	smtp, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Close() })
	mail := notify.NewQueue(d)
	sender := notify.NewSender(d, notify.SMTPConfig{Addr: smtp.Addr, From: "Torg <noreply@torg.example.no>"}, logger)
	id := identity.New(d, log, logger, identity.Config{})
	if err := id.Grant(ctx, Demo, "email:"+Archivist, identity.RoleArchivist, system); err != nil {
		t.Fatal(err)
	}
	arch := archive.New(d, log)
	svc := innsyn.New(d, log, innsyn.Deps{Archive: arch, Mail: mail, Blobs: blobs, Staff: id}, o.Config)
	site := &Site{DB: d, Clock: clock, Service: svc, Archive: arch, Audit: log, Mail: mail, SMTP: smtp, Sender: sender, Blobs: blobs, Identity: id}
	site.seed(t)

	shell, err := web.NewShell(Catalog(t), logger)
	if err != nil {
		t.Fatal(err)
	}
	router, err := tenant.NewRouter(tenants, shell)
	if err != nil {
		t.Fatal(err)
	}
	if err := innsyn.Routes(router.Mux, shell, svc, id); err != nil {
		t.Fatal(err)
	}
	router.Mux.Handle("GET /sprak", shell.Handle(shell.SetLang(false)))
	router.Use(signIn)
	root := http.NewServeMux()
	root.HandleFunc("GET /static/{file}", shell.ServeStatic)
	root.HandleFunc("GET /test/logg-inn", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: UserCookie, Value: r.URL.Query().Get("som"), Path: "/"})
		next := r.URL.Query().Get("neste")
		if p, ok := web.LocalPath(next); ok {
			next = p
		} else {
			next = "/"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
	root.Handle("/", router)
	maxBody := o.MaxBody
	if maxBody == 0 {
		maxBody = 10 << 20
	}
	srv := httptest.NewServer(shell.Wrap(root, web.Options{MaxBody: maxBody}))
	t.Cleanup(srv.Close)
	site.URL, site.Server = srv.URL, srv
	return site
}

// PDF is a small PDF file's content.
var PDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// seed fills the archives with the entries of Entries.
func (s *Site) seed(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	actor := audit.Entry{ActorID: "email:" + Archivist, ActorName: "Anne Arkivar", Role: identity.RoleArchivist}
	s.DocContent = append([]byte(nil), PDF...)
	sum, size, err := s.Blobs.Put(ctx, bytes.NewReader(s.DocContent), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	check := sha256.Sum256(s.DocContent)
	if hex.EncodeToString(check[:]) != sum {
		t.Fatal("blob sum")
	}
	doc := func(title string) []archive.Dokumentbeskrivelse {
		return []archive.Dokumentbeskrivelse{{Dokumenttype: "Brev", Tittel: title, TilknyttetRegistreringSom: archive.Hoveddokument,
			Dokumentobjekter: []archive.Dokumentobjekt{{Format: "fmt/95", Mimetype: "application/pdf", Filnavn: "brev.pdf", BlobID: sum, Filstoerrelse: size}}}}
	}
	entry := func(typ, title string) archive.Journalpost {
		j := archive.Journalpost{Journalposttype: typ, Journalstatus: "J", Tittel: title, Dokumentdato: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
			Saksbehandler: "Per Hansen", Dokumenter: doc(title)}
		switch typ {
		case archive.Inngaaende:
			j.MottattDato = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: archive.Avsender, Navn: "Ola Nordmann"}}
		case archive.Utgaaende:
			j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: archive.Mottaker, Navn: "Ola Nordmann"}}
		default:
			j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: archive.InternMottaker, Navn: "Juridisk"}}
		}
		return j
	}
	for _, tn := range []string{Demo, Other} {
		if _, err := s.Archive.EnsureDefaults(ctx, tn, map[string]string{Demo: "Demo", Other: "Bergen"}[tn], actor); err != nil {
			t.Fatal(err)
		}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		bygg, err := s.Archive.CreateCase(ctx, tx, Demo, archive.Saksmappe{Tittel: "Byggesak Storgata 1", Saksansvarlig: "Per Hansen", AdministrativEnhet: UnitBuilding}, actor)
		if err != nil {
			return err
		}
		skole, err := s.Archive.CreateCase(ctx, tx, Demo, archive.Saksmappe{Tittel: "Skoleskyss", Saksansvarlig: "Per Hansen", AdministrativEnhet: UnitSchool}, actor)
		if err != nil {
			return err
		}
		j, err := s.Archive.AddEntry(ctx, tx, Demo, bygg.SystemID, entry(archive.Inngaaende, "Søknad om rammetillatelse <b>Storgata</b>"), actor)
		if err != nil {
			return err
		}
		s.Entries.Open = j.SystemID
		if j, err = s.Archive.AddEntry(ctx, tx, Demo, skole.SystemID, entry(archive.Utgaaende, "Svar om skoleskyss"), actor); err != nil {
			return err
		}
		s.Entries.Open2 = j.SystemID
		sc := entry(archive.Inngaaende, "Helseopplysninger om Kari Nordmann")
		sc.OffentligTittel = "Søknad om skoleskyss"
		sc.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
			SkjermingMetadata: []string{archive.SkjermingTittel, archive.SkjermingAvsender}}
		if j, err = s.Archive.AddEntry(ctx, tx, Demo, skole.SystemID, sc, actor); err != nil {
			return err
		}
		s.Entries.Screened = j.SystemID
		if j, err = s.Archive.AddEntry(ctx, tx, Demo, bygg.SystemID, entry(archive.OrganinterntForOppfoelging, "Internt notat"), actor); err != nil {
			return err
		}
		s.Entries.Note = j.SystemID
		res := entry(archive.Utgaaende, "Reservert")
		res.Journalstatus = "R"
		if j, err = s.Archive.AddEntry(ctx, tx, Demo, bygg.SystemID, res, actor); err != nil {
			return err
		}
		s.Entries.Reserved = j.SystemID
		other, err := s.Archive.CreateCase(ctx, tx, Other, archive.Saksmappe{Tittel: "Bergen sak", Saksansvarlig: "Per", AdministrativEnhet: "Plan"}, actor)
		if err != nil {
			return err
		}
		if j, err = s.Archive.AddEntry(ctx, tx, Other, other.SystemID, entry(archive.Inngaaende, "Bergen brev"), actor); err != nil {
			return err
		}
		s.Entries.Other = j.SystemID
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// signIn puts the user named by the test cookie in the request's Ctx.
func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(UserCookie); err == nil {
			if u, ok := Users[ck.Value]; ok {
				c := web.From(r)
				cp := *u
				if c.Tenant != nil && c.Tenant.ID != Demo {
					cp.Roles = nil // the users have roles in Demo only
				}
				c.User = &cp
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Client returns an HTTP client that signs in as user (a key of Users;
// empty: signed out) and does not follow redirects.
func (s *Site) Client(user string) *http.Client {
	return &http.Client{
		Transport: userTransport{user: user},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 30 * time.Second,
	}
}

type userTransport struct{ user string }

func (u userTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if u.user != "" {
		r = r.Clone(r.Context())
		r.AddCookie(&http.Cookie{Name: UserCookie, Value: u.user})
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Actor is the audit actor of the test archivist.
func Actor() audit.Entry {
	u := Users["arkivar"]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: identity.RoleArchivist, RequestID: "test"}
}

// Mail is a message as received over SMTP, decoded.
type Mail struct {
	To, Subject, Body string
}

// Deliver sends the queued mail over SMTP and returns every message the
// SMTP server has received so far, decoded, oldest first.
func (s *Site) Deliver(t testing.TB) []Mail {
	t.Helper()
	if _, err := s.Sender.SendDue(context.Background()); err != nil {
		t.Fatalf("send mail: %v", err)
	}
	var out []Mail
	dec := new(mime.WordDecoder)
	for _, m := range s.SMTP.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("unparsable mail: %q", m.Data)
		}
		subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Mail{To: strings.Join(m.To, ","), Subject: subj, Body: string(b)})
	}
	return out
}
