package politics

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// handlers serve the module's pages.
type handlers struct {
	svc      *Service
	shell    *web.Shell
	pages    *web.Pages
	id       *identity.Service
	byClient *web.Limiter // contact messages per client address
	bySender *web.Limiter // contact messages per sender address
	// followByClient and followByAddress limit follow requests per
	// client address and per e-mail address.
	followByClient  *web.Limiter
	followByAddress *web.Limiter
}

// Routes registers the module's pages on a municipality's mux. The public
// pages work without JavaScript and without sign-in:
//
//	GET  /politikk                          overview: bodies and coming meetings
//	GET  /politikk/folkevalgte              who represents whom, by party and body
//	GET  /politikk/organ/{id}               a body: its members and meetings
//	GET  /politikk/organ/{id}.atom          its Atom feed
//	GET  /politikk/moter                    the meeting calendar
//	GET  /politikk/moter.ics                the same as an iCalendar feed (RFC 5545)
//	GET  /politikk/mote/{id}                a meeting: agenda, documents, decisions, votes, video
//	GET  /politikk/person/{id}              an elected official
//	GET  /politikk/person/{id}/kontakt      write to the official
//	POST /politikk/person/{id}/kontakt      send it (fields navn, epost, melding, skjema)
//	GET  /politikk/person/{id}/kontakt/sendt  the receipt
//	GET  /politikk/dokument/{id}            a case document (PDF), shown in the browser
//	GET  /politikk/dokument/{id}/last-ned   the same as a download
//
// The pages of political cases, follows, feeds and search are listed at
// caseRoutes. The secretariat's pages (role identity.RoleSecretariat) are
// under /tilsett/politikk (see staffRoutes and staffCaseRoutes), and so is
// the official's own page /tilsett/politikk/meg.
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/partials.html"},
		"templates/overview.html", "templates/people.html", "templates/body.html", "templates/calendar.html", "templates/meeting.html",
		"templates/person.html", "templates/contact.html", "templates/contact_sent.html",
		"templates/staff_home.html", "templates/staff_meeting_new.html", "templates/staff_meeting.html", "templates/staff_item.html",
		"templates/cases.html", "templates/case.html", "templates/follow.html", "templates/follow_done.html", "templates/search.html",
		"templates/staff_cases.html", "templates/staff_case_new.html", "templates/staff_case.html", "templates/official.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, id: id,
		byClient: web.NewLimiter(svc.cfg.ContactRate, time.Hour), bySender: web.NewLimiter(svc.cfg.ContactRate, time.Hour),
		followByClient: web.NewLimiter(svc.cfg.FollowRate, time.Hour), followByAddress: web.NewLimiter(svc.cfg.FollowRate, time.Hour)}
	mux.Handle("GET /politikk", shell.Handle(h.overview))
	mux.Handle("GET /politikk/folkevalgte", shell.Handle(h.people))
	mux.Handle("GET /politikk/organ/{id}", shell.Handle(h.bodyOrFeed))
	mux.Handle("GET /politikk/moter", shell.Handle(h.calendar))
	mux.Handle("GET /politikk/moter.ics", shell.Handle(h.ics))
	mux.Handle("GET /politikk/mote/{id}", shell.Handle(h.meeting))
	mux.Handle("GET /politikk/person/{id}", shell.Handle(h.person))
	mux.Handle("GET /politikk/person/{id}/kontakt", shell.Handle(h.contactForm))
	mux.Handle("POST /politikk/person/{id}/kontakt", shell.Handle(h.contactSend))
	mux.Handle("GET /politikk/person/{id}/kontakt/sendt", shell.Handle(h.contactSent))
	mux.Handle("GET /politikk/dokument/{id}", shell.Handle(h.document(false)))
	mux.Handle("GET /politikk/dokument/{id}/last-ned", shell.Handle(h.document(true)))
	h.caseRoutes(mux)
	h.staffRoutes(mux)
	h.staffCaseRoutes(mux)
	return nil
}

// --- shared view helpers ---

// names looks up the names of a municipality's bodies, parties and people.
type names struct {
	bodies  map[string]Body
	parties map[string]Party
	people  map[string]Person
}

func (h *handlers) names(r *http.Request) (names, error) {
	ctx, tenant := r.Context(), web.From(r).Tenant.ID
	n := names{bodies: map[string]Body{}, parties: map[string]Party{}, people: map[string]Person{}}
	bodies, err := h.svc.Bodies(ctx, tenant)
	if err != nil {
		return n, err
	}
	for _, b := range bodies {
		n.bodies[b.ID] = b
	}
	parties, err := h.svc.Parties(ctx, tenant)
	if err != nil {
		return n, err
	}
	for _, p := range parties {
		n.parties[p.ID] = p
	}
	people, err := h.svc.People(ctx, tenant)
	if err != nil {
		return n, err
	}
	for _, p := range people {
		n.people[p.ID] = p
	}
	return n, nil
}

func (n names) party(id string) string {
	if p, ok := n.parties[id]; ok {
		return p.ShortName
	}
	return ""
}

func (n names) partyName(id string) string {
	if p, ok := n.parties[id]; ok {
		return p.Name
	}
	return ""
}

// meetingLine is a meeting in a list.
type meetingLine struct {
	ID, Body, BodyID, When, Place string
	Published, Closed             bool
}

// when writes a meeting's time: "12.03.2026 18:00–21:00".
func when(m Meeting) string {
	s, e := m.Start.In(oslo), m.End.In(oslo)
	out := s.Format("02.01.2006 15:04") + "–"
	if e.Format("2006-01-02") != s.Format("2006-01-02") {
		out += e.Format("02.01.2006 ")
	}
	return out + e.Format("15:04")
}

// split divides meetings (oldest first) into the coming ones, oldest
// first, and the past ones, newest first.
func (n names) split(list []Meeting, now time.Time) (upcoming, past []meetingLine) {
	for _, m := range list {
		if m.End.Before(now) {
			past = append(past, n.lines([]Meeting{m})...)
		} else {
			upcoming = append(upcoming, n.lines([]Meeting{m})...)
		}
	}
	slices.Reverse(past)
	return upcoming, past
}

func (n names) lines(list []Meeting) []meetingLine {
	out := make([]meetingLine, 0, len(list))
	for _, m := range list {
		out = append(out, meetingLine{ID: m.ID, Body: n.bodies[m.BodyID].Name, BodyID: m.BodyID, When: when(m), Place: m.Place, Published: m.Published(), Closed: m.Closed})
	}
	return out
}

// today returns the day of now in Oslo, "2026-03-12".
func today(now time.Time) string { return now.In(oslo).Format("2006-01-02") }

// formatDate writes "2026-03-12" as "12.03.2026".
func formatDate(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.Format("02.01.2006")
}

// formatSize writes a file size for people: "12 kB", "1,4 MB".
func formatSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " kB"
	}
	tenths := (n + 50000) / 100000
	return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " MB"
}

// paragraphs splits a text into paragraphs at blank lines, and each
// paragraph into its lines, for pages that may not style white space.
func paragraphs(s string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

// --- the overview ---

type overviewView struct {
	Bodies   []Body
	Upcoming []meetingLine
	Staff    bool
	Official bool
}

func (h *handlers) overview(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	n, err := h.names(r)
	if err != nil {
		return err
	}
	bodies, err := h.svc.Bodies(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	upcoming, err := h.svc.Meetings(r.Context(), c.Tenant.ID, "", now.Add(-12*time.Hour), time.Time{})
	if err != nil {
		return err
	}
	upcoming = slices.DeleteFunc(upcoming, func(m Meeting) bool { return m.End.Before(now) })
	if len(upcoming) > 6 {
		upcoming = upcoming[:6]
	}
	v := overviewView{Bodies: bodies, Upcoming: n.lines(upcoming), Staff: c.User.Has(identity.RoleSecretariat), Official: ViewerOf(c.User).Official != ""}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "overview", v)
}

// --- who represents whom ---

// seatLine is a seat in a list: the person or the body, the role, the
// party.
type seatLine struct {
	PersonID, Person, BodyID, Body, Role, Party, PartyName string
	Period                                                 string
}

type partyGroup struct {
	ID, Name, ShortName string
	People              []personSeats
}

type personSeats struct {
	ID, Name, Title string
	Seats           []seatLine
}

// seatCount is one cell of the table of seats by party and body.
type seatRow struct {
	Party  string
	Counts []int
	Total  int
}

type peopleView struct {
	Bodies  []Body
	Rows    []seatRow
	Totals  []int
	Parties []partyGroup
}

func (h *handlers) people(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	n, err := h.names(r)
	if err != nil {
		return err
	}
	bodies, err := h.svc.Bodies(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	all, err := h.svc.Memberships(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	day := today(h.svc.db.Now())
	v := peopleView{Bodies: bodies, Totals: make([]int, len(bodies))}
	// The table counts the seats that carry a vote, by the party they
	// are held for.
	counts := map[string][]int{}
	byPerson := map[string][]seatLine{}
	for _, m := range all {
		if !m.ActiveOn(day) {
			continue
		}
		byPerson[m.PersonID] = append(byPerson[m.PersonID], seatLine{BodyID: m.BodyID, Body: n.bodies[m.BodyID].Name, Role: m.Role, Party: n.party(m.PartyID)})
		if m.Role == RoleDeputy {
			continue
		}
		i := slices.IndexFunc(bodies, func(b Body) bool { return b.ID == m.BodyID })
		if i < 0 {
			continue
		}
		if counts[m.PartyID] == nil {
			counts[m.PartyID] = make([]int, len(bodies))
		}
		counts[m.PartyID][i]++
		v.Totals[i]++
	}
	parties := make([]Party, 0, len(n.parties))
	for _, p := range n.parties {
		parties = append(parties, p)
	}
	slices.SortFunc(parties, func(a, b Party) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range parties {
		if cs := counts[p.ID]; cs != nil {
			row := seatRow{Party: p.Name + " (" + p.ShortName + ")", Counts: cs}
			for _, x := range cs {
				row.Total += x
			}
			v.Rows = append(v.Rows, row)
		}
		g := partyGroup{ID: p.ID, Name: p.Name, ShortName: p.ShortName}
		for _, person := range sortedPeople(n.people) {
			if seats := byPerson[person.ID]; len(seats) > 0 && person.PartyID == p.ID {
				g.People = append(g.People, personSeats{ID: person.ID, Name: person.Name(), Title: person.Title, Seats: seats})
			}
		}
		if len(g.People) > 0 {
			v.Parties = append(v.Parties, g)
		}
	}
	// Officials without a party.
	g := partyGroup{ID: "uten-parti"}
	for _, person := range sortedPeople(n.people) {
		if seats := byPerson[person.ID]; len(seats) > 0 && (person.PartyID == "" || n.parties[person.PartyID].ID == "") {
			g.People = append(g.People, personSeats{ID: person.ID, Name: person.Name(), Title: person.Title, Seats: seats})
		}
	}
	if len(g.People) > 0 {
		v.Parties = append(v.Parties, g)
	}
	if cs := counts[""]; cs != nil {
		row := seatRow{Counts: cs}
		for _, x := range cs {
			row.Total += x
		}
		v.Rows = append(v.Rows, row)
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "people", v)
}

func sortedPeople(m map[string]Person) []Person {
	out := make([]Person, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Person) int {
		if c := strings.Compare(a.FamilyName, b.FamilyName); c != 0 {
			return c
		}
		if c := strings.Compare(a.GivenName, b.GivenName); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// --- a body ---

type bodyView struct {
	Body        Body
	Description [][]string
	Term        string
	Seats       []seatLine
	Upcoming    []meetingLine
	Past        []meetingLine
	Follow      followFormView
}

func (h *handlers) bodyOrFeed(w http.ResponseWriter, r *http.Request) error {
	if id, ok := strings.CutSuffix(r.PathValue("id"), ".atom"); ok {
		return h.feed(w, r, FollowBody, id)
	}
	return h.body(w, r)
}

func (h *handlers) body(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	b, err := h.svc.Body(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	v := bodyView{Body: b, Description: paragraphs(b.Description), Follow: h.followFields(r, FollowBody, b.ID, "", nil)}
	if terms, err := h.svc.Terms(r.Context(), c.Tenant.ID); err == nil {
		for _, t := range terms {
			if t.ID == b.TermID {
				v.Term = t.Name
			}
		}
	} else {
		return err
	}
	all, err := h.svc.Memberships(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	day := today(now)
	for _, m := range all {
		if m.BodyID == b.ID && m.ActiveOn(day) {
			p := n.people[m.PersonID]
			v.Seats = append(v.Seats, seatLine{PersonID: p.ID, Person: p.Name(), Role: m.Role, Party: n.party(m.PartyID), PartyName: n.partyName(m.PartyID)})
		}
	}
	meetings, err := h.svc.Meetings(r.Context(), c.Tenant.ID, b.ID, now.AddDate(-2, 0, 0), time.Time{})
	if err != nil {
		return err
	}
	v.Upcoming, v.Past = n.split(meetings, now)
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "body", v)
}

// --- the calendar ---

type calendarView struct {
	Upcoming []meetingLine
	Past     []meetingLine
}

func (h *handlers) calendar(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	n, err := h.names(r)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	list, err := h.svc.Meetings(r.Context(), c.Tenant.ID, "", now.AddDate(-1, 0, 0), time.Time{})
	if err != nil {
		return err
	}
	var v calendarView
	v.Upcoming, v.Past = n.split(list, now)
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "calendar", v)
}

// siteURL returns the absolute URL of the municipality's site, ending in
// "/", for links in e-mail and feeds: on the deployment's public URL when
// one is configured (where /k/{nr}/ reaches every municipality), else on
// the scheme and host the request came to.
func (h *handlers) siteURL(r *http.Request) string {
	c := web.From(r)
	if h.svc.cfg.PublicURL != "" {
		return h.svc.cfg.PublicURL + "/k/" + c.Tenant.ID + "/"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + c.Tenant.Base
}

func (h *handlers) ics(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	n, err := h.names(r)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	list, err := h.svc.Meetings(r.Context(), c.Tenant.ID, "", now.AddDate(-1, 0, 0), time.Time{})
	if err != nil {
		return err
	}
	t := translator(h.shell, c.Lang)
	base := h.siteURL(r)
	events := make([]Event, 0, len(list))
	for _, m := range list {
		loc := m.Place
		if m.Address != "" {
			loc += ", " + m.Address
		}
		e := Event{UID: m.ID + "@" + c.Tenant.ID + ".politikk.torg", Start: m.Start, End: m.End, Summary: t("politics.ics.summary", n.bodies[m.BodyID].Name),
			Location: loc, URL: base + "politikk/mote/" + m.ID, Modified: m.Modified}
		if m.Closed {
			e.Description = t("politics.meeting.closed_short")
		}
		events = append(events, e)
	}
	body := Calendar(t("politics.ics.name", c.Tenant.Name(c.Lang)), now, events)
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `inline; filename="moter.ics"`)
	hd.Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return nil
}

// --- a meeting ---

type docLine struct {
	ID, Title, Kind, Size, FileName string
	Restricted                      bool
	LegalBasis                      string
}

type voteLine struct {
	Label                 string
	For, Against, Abstain int
}

type memberVoteLine struct {
	Name, Party, Vote string
}

type itemLine struct {
	ID, Number, Title, CaseRef string
	Hidden, Restricted         bool
	LegalBasis                 string
	Documents                  []docLine
	Decision                   string
	DecisionParas              [][]string
	Decided                    bool
	Vote                       *Vote
	Unanimous                  bool
	ByParty                    []voteLine
	ByMember                   []memberVoteLine
	Video                      string
	VideoAt                    string
}

type meetingView struct {
	ID, Body, BodyID, When, Place, Address string
	Closed                                 bool
	ClosedBasis                            string
	Published                              bool
	PublishedAt                            time.Time
	Held, Live                             bool
	StreamURL, VideoURL                    string
	Items                                  []itemLine
	Restricted, Secretariat                bool
}

func (h *handlers) meeting(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	viewer := ViewerOf(c.User)
	mv, err := h.svc.MeetingDetail(r.Context(), c.Tenant.ID, r.PathValue("id"), viewer)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	v := meetingView{ID: mv.ID, Body: mv.Body.Name, BodyID: mv.BodyID, When: when(mv.Meeting), Place: mv.Place, Address: mv.Address,
		Closed: mv.Closed, ClosedBasis: mv.ClosedBasis, Published: mv.Published(), PublishedAt: mv.PublishedAt, Held: mv.Held(now),
		Live: !mv.Held(now) && !mv.Start.After(now.Add(30*time.Minute)), StreamURL: mv.StreamURL, VideoURL: mv.VideoURL,
		Restricted: mv.Restricted, Secretariat: viewer.Secretariat}
	if !mv.Published() {
		// Only the secretariat gets items before the notice; it works on
		// them on its own pages.
		mv.Items = nil
	}
	for _, it := range mv.Items {
		il := itemLine{ID: it.ID, Number: it.Number, Title: it.Title, CaseRef: it.CaseRef, Hidden: it.Hidden, Restricted: it.Restricted,
			LegalBasis: it.LegalBasis, Decision: it.Decision, DecisionParas: paragraphs(it.Decision), Decided: it.Decided(), Vote: it.Vote}
		for _, d := range it.Documents {
			il.Documents = append(il.Documents, docLine{ID: d.ID, Title: d.Title, Kind: d.Kind, Size: formatSize(d.Size), FileName: d.FileName,
				Restricted: d.Restricted, LegalBasis: d.LegalBasis})
		}
		if it.Vote != nil {
			il.Unanimous = it.Vote.Unanimous()
			for _, pv := range it.Vote.ByParty {
				il.ByParty = append(il.ByParty, voteLine{Label: n.partyName(pv.PartyID), For: pv.For, Against: pv.Against, Abstain: pv.Abstain})
			}
			for _, mv := range it.Vote.ByMember {
				p := n.people[mv.PersonID]
				il.ByMember = append(il.ByMember, memberVoteLine{Name: p.Name(), Party: n.party(p.PartyID), Vote: mv.Vote})
			}
		}
		slices.SortFunc(il.ByMember, func(a, b memberVoteLine) int {
			if c := strings.Compare(a.Party, b.Party); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
		if it.VideoOffset >= 0 && mv.VideoURL != "" {
			il.Video, il.VideoAt = VideoAt(mv.VideoURL, it.VideoOffset), FormatOffset(it.VideoOffset)
		}
		v.Items = append(v.Items, il)
	}
	w.Header().Set("Cache-Control", "no-cache")
	if !viewer.Public() {
		w.Header().Set("Cache-Control", "no-store")
	}
	return h.pages.Render(w, r, http.StatusOK, "meeting", v)
}

// --- a person ---

type personView struct {
	Person      Person
	About       [][]string
	Party       string
	Current     []seatLine
	Past        []seatLine
	Contactable bool
}

func (h *handlers) person(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.svc.Person(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	all, err := h.svc.Memberships(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	day := today(h.svc.db.Now())
	v := personView{Person: p, About: paragraphs(p.About), Party: n.partyName(p.PartyID), Contactable: p.Contactable()}
	v.Person.Email = ""
	for _, m := range all {
		if m.PersonID != p.ID {
			continue
		}
		s := seatLine{BodyID: m.BodyID, Body: n.bodies[m.BodyID].Name, Role: m.Role, Party: n.party(m.PartyID), Period: formatDate(m.Start) + "–"}
		if m.End != "" {
			s.Period += formatDate(m.End)
		}
		if m.ActiveOn(day) {
			v.Current = append(v.Current, s)
		} else {
			v.Past = append(v.Past, s)
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "person", v)
}

// --- the contact form ---

type contactView struct {
	PersonID, Name, Party string
	Errors                *errorSummary
	FName, FEmail, FMsg   field
	Token                 string
	ReplyDays, Max        int
}

func (h *handlers) renderContact(w http.ResponseWriter, r *http.Request, status int, p Person, f ContactForm, fields map[string]string) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	n, err := h.names(r)
	if err != nil {
		return err
	}
	b := newForm(t, "", fields)
	v := contactView{PersonID: p.ID, Name: p.Name(), Party: n.partyName(p.PartyID), Token: f.Token, ReplyDays: h.svc.cfg.ReplyDays, Max: MaxMessage}
	v.FMsg = b.textarea(FieldMessage, "politics.contact.message", "", f.Message, 10)
	v.FMsg.Hint = t("politics.contact.message_hint", MaxMessage)
	v.FName = b.text(FieldSenderName, "politics.contact.name", "politics.contact.optional", f.Name)
	v.FName.Autocomplete = "name"
	v.FEmail = b.text(FieldSenderEmail, "politics.contact.email", "politics.contact.email_hint", f.Email)
	v.FEmail.Type, v.FEmail.Autocomplete = "email", "email"
	v.Errors = b.summary()
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "contact", v)
}

func (h *handlers) contactForm(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.svc.Person(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !p.Contactable() {
		return errs.E(errs.NotFound, errs.Key("politics.error.not_contactable"))
	}
	return h.renderContact(w, r, http.StatusOK, p, ContactForm{Token: NewContactToken()}, nil)
}

func (h *handlers) contactSend(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	p, err := h.svc.Person(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !p.Contactable() {
		return errs.E(errs.NotFound, errs.Key("politics.error.not_contactable"))
	}
	f := ContactForm{Name: r.PostForm.Get(FieldSenderName), Email: r.PostForm.Get(FieldSenderEmail), Message: r.PostForm.Get(FieldMessage), Token: r.PostForm.Get(FieldToken)}
	if f.Token == "" {
		// A form without its token (an old page, a script) gets a new one.
		f.Token = NewContactToken()
	}
	cleaned, err := CheckContact(f)
	if err != nil {
		if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
			return h.renderContact(w, r, http.StatusUnprocessableEntity, p, f, fields)
		}
		return err
	}
	target := c.Tenant.Base + "politikk/person/" + p.ID + "/kontakt/sendt"
	if cleaned.Email != "" {
		target += "?kopi=1"
	}
	// A form sent again (a reload) gets its receipt, and costs nothing.
	if sent, err := h.svc.ContactSent(r.Context(), c.Tenant.ID, cleaned.Token); err != nil {
		return err
	} else if sent {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	// Only a valid message takes a token of the limits, so correcting a
	// mistake costs nothing.
	if !h.byClient.Allow(c.Tenant.ID+" "+web.LimitKey(r)) || (cleaned.Email != "" && !h.bySender.Allow(c.Tenant.ID+" "+cleaned.Email)) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("politics.error.too_many"))
	}
	actor := audit.Entry{ActorID: "anonymous", ActorName: "", Role: "public", RequestID: c.RequestID}
	if c.User != nil {
		actor.ActorID, actor.ActorName, actor.Role = c.User.Principal, c.User.Name, "citizen"
		if c.User.Staff {
			actor.Role = "staff"
		}
	}
	meta := ContactMeta{Lang: c.Lang, Municipality: c.Tenant.Name(c.Lang), PageURL: h.siteURL(r) + "politikk/person/" + p.ID}
	rec, err := h.svc.Contact(r.Context(), c.Tenant.ID, p.ID, cleaned, meta, actor)
	if err != nil {
		if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
			return h.renderContact(w, r, http.StatusUnprocessableEntity, p, f, fields)
		}
		return err
	}
	if !rec.Copy {
		target = strings.TrimSuffix(target, "?kopi=1")
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

type contactSentView struct {
	PersonID, Name string
	Copy           bool
	ReplyDays      int
}

func (h *handlers) contactSent(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.svc.Person(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := contactSentView{PersonID: p.ID, Name: p.Name(), Copy: r.URL.Query().Get("kopi") == "1", ReplyDays: h.svc.cfg.ReplyDays}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "contact_sent", v)
}

// --- documents ---

// document serves a case document: inline (OParl's accessUrl) or as a
// download (downloadUrl).
func (h *handlers) document(download bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c := web.From(r)
		viewer := ViewerOf(c.User)
		actor := audit.Entry{RequestID: c.RequestID, Purpose: "møtebehandling"}
		if c.User != nil {
			actor.ActorID, actor.ActorName = c.User.Principal, c.User.Name
			actor.Role = identity.RoleOfficial
			if viewer.Secretariat {
				actor.Role = identity.RoleSecretariat
			}
		}
		f, rc, err := h.svc.Document(r.Context(), c.Tenant.ID, r.PathValue("id"), viewer, actor)
		if err != nil {
			return err
		}
		defer rc.Close()
		hd := w.Header()
		hd.Set("Content-Type", "application/pdf")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		disposition := "inline"
		if download {
			disposition = "attachment"
		}
		hd.Set("Content-Disposition", disposition+`; filename="`+asciiName(f.FileName)+`"; filename*=UTF-8''`+url.PathEscape(f.FileName))
		if f.Public {
			hd.Set("Cache-Control", "public, max-age=3600")
			hd.Set("ETag", `"`+f.BlobSum+`"`)
		} else {
			hd.Set("Cache-Control", "private, no-store")
		}
		if rs, ok := rc.(io.ReadSeeker); ok {
			// Conditional and range requests, as OParl recommends.
			http.ServeContent(w, r, "", f.Modified, rs)
			return nil
		}
		hd.Set("Content-Length", strconv.FormatInt(f.Size, 10))
		hd.Set("Last-Modified", f.Modified.UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		io.Copy(w, rc) // an error here means the client went away
		return nil
	}
}

// asciiName is a file name for the plain filename parameter: characters
// outside printable ASCII, quotes and backslashes become "_".
func asciiName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}
