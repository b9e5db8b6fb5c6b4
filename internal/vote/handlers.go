package vote

import (
	"embed"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// OfficerRole is the role that runs elections. The municipality's
// administrator may too (as in the other modules' staff pages).
const OfficerRole = identity.RoleElectionOfficer

// Config tunes the pages.
type Config struct {
	// VoteRate is how many ballots a voter may cast per hour (default 10).
	VoteRate int
}

type handlers struct {
	svc     *Service
	shell   *web.Shell
	pages   *web.Pages
	id      *identity.Service
	byVoter *web.Limiter
	byAddr  *web.Limiter
}

// Routes registers the module's pages on a municipality's mux. All work
// without JavaScript.
//
//	GET  /val                                  elections of the municipality (public)
//	GET  /val/{uuid}                           an election: question, period, how it works, result once published
//	GET  /val/{uuid}/stem                      the voting page (citizen, at the election's level)
//	POST /val/{uuid}/stem                      cast a ballot: ballot (made in the browser by static/ballot.js) or val (the server encrypts)
//	GET  /val/{uuid}/tavle                     the bulletin board: trackers and the hash chain head
//	GET  /val/{uuid}/{uuid}.bel                the record (Belenios 2.0 archive)
//	GET  /val/{uuid}/tillitsvald/{token}       a trustee's page
//	POST /val/{uuid}/tillitsvald/{token}       upload a public key (nokkel), a file of the threshold key ceremony
//	                                           (innhald, with steg), or a partial decryption (dekryptering)
//	GET  /val/{uuid}/tillitsvald/{token}/{f}   threshold: certs.jsons (steps 3 and 5), the trustee's vinput (step 5)
//	GET  /tilsett/val                          the officer's list and the form for a new referendum
//	POST /tilsett/val                          create a referendum
//	GET  /tilsett/val/{uuid}                   manage one: trustees, voters, open, close, publish
//	POST /tilsett/val/{uuid}/tillitsvalde      add a trustee (namn, epost)
//	POST /tilsett/val/{uuid}/veljarar          upload the voter list (file or text: veljarar)
//	POST /tilsett/val/{uuid}/valkodar          upload the credential authority's public credentials (file or text: offentlege_valkodar)
//	POST /tilsett/val/{uuid}/{act}             opne, lukk, publiser
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, cfg Config) error {
	if err := shell.AddAsset(BallotScript, ballotJS); err != nil {
		return err
	}
	pages, err := shell.Pages(templateFS, "templates/list.html", "templates/election.html", "templates/vote.html", "templates/voted.html",
		"templates/board.html", "templates/trustee.html", "templates/staff_list.html", "templates/staff_election.html")
	if err != nil {
		return err
	}
	if cfg.VoteRate <= 0 {
		cfg.VoteRate = 10
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, id: id,
		byVoter: web.NewLimiter(cfg.VoteRate, time.Hour), byAddr: web.NewLimiter(cfg.VoteRate*30, time.Hour)}
	mux.Handle("GET /val", shell.Handle(h.list))
	mux.Handle("GET /val/{uuid}", shell.Handle(h.election))
	mux.Handle("GET /val/{uuid}/stem", shell.Handle(h.citizen(h.voteForm)))
	mux.Handle("POST /val/{uuid}/stem", shell.Handle(h.citizen(h.vote)))
	mux.Handle("GET /val/{uuid}/tavle", shell.Handle(h.board))
	mux.Handle("GET /val/{uuid}/{file}", shell.Handle(h.record))
	mux.Handle("GET /val/{uuid}/tillitsvald/{token}", shell.Handle(h.trustee))
	mux.Handle("POST /val/{uuid}/tillitsvald/{token}", shell.Handle(h.trusteePost))
	mux.Handle("GET /val/{uuid}/tillitsvald/{token}/{file}", shell.Handle(h.trusteeFile))
	staff := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, OfficerRole, identity.RoleAdmin))
	}
	mux.Handle("GET /tilsett/val", staff(h.staffList))
	mux.Handle("POST /tilsett/val", staff(h.create))
	mux.Handle("GET /tilsett/val/{uuid}", staff(h.staffElection))
	mux.Handle("POST /tilsett/val/{uuid}/tillitsvalde", staff(h.addTrustee))
	mux.Handle("POST /tilsett/val/{uuid}/veljarar", staff(h.voters))
	mux.Handle("POST /tilsett/val/{uuid}/valkodar", staff(h.publicCreds))
	mux.Handle("POST /tilsett/val/{uuid}/{act}", staff(h.act))
	return nil
}

// citizen wraps a voting page: sign-in at the election's level.
func (h *handlers) citizen(next web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := h.svc.Get(r.Context(), web.From(r).Tenant.ID, r.PathValue("uuid"))
		if err != nil {
			return err
		}
		return h.id.RequireCitizen(e.Level, next)(w, r)
	}
}

func actor(r *http.Request) audit.Entry {
	c := web.From(r)
	role := OfficerRole
	if !c.User.Has(OfficerRole) {
		role = identity.RoleAdmin
	}
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: role, RequestID: c.RequestID}
}

// fieldError is one entry of an error summary.
type fieldError struct{ Href, Key string }

func summary(fields map[string]string, order ...string) []fieldError {
	var out []fieldError
	for _, f := range order {
		if k, ok := fields[f]; ok {
			out = append(out, fieldError{Href: "#" + f, Key: k})
		}
	}
	return out
}

// formErr returns the field errors of an Invalid error with fields.
func formErr(err error) (map[string]string, bool) {
	_, _, fields := errs.Public(err)
	return fields, errs.Is(errs.Invalid, err) && len(fields) > 0
}

// electionView is an election with what its pages show.
type electionView struct {
	*Election
	Opens, Closes string
	Answers       []answerView
	Question      Question
	OpenNow       bool // voting is possible now
	High          bool
}

type answerView struct {
	Value, Label string
	Count        int64
	Checked      bool
}

func (h *handlers) view(e *Election) electionView {
	v := electionView{Election: e, Opens: e.OpensAt.In(oslo).Format("02.01.2006 15:04"), Closes: e.ClosesAt.In(oslo).Format("02.01.2006 15:04"),
		High: e.Level == identity.LevelHigh}
	now := h.svc.Now()
	v.OpenNow = e.State == StateOpen && !now.Before(e.OpensAt) && now.Before(e.ClosesAt)
	if len(e.Questions) > 0 {
		q := e.Questions[0]
		v.Question = q
		off := 0
		if q.Blank {
			off = 1
		}
		for i, a := range q.Answers {
			av := answerView{Value: strconv.Itoa(i), Label: a}
			if len(e.Result) > 0 && len(e.Result[0]) > off+i {
				av.Count = e.Result[0][off+i]
			}
			v.Answers = append(v.Answers, av)
		}
		if q.Blank {
			av := answerView{Value: Blank}
			if len(e.Result) > 0 && len(e.Result[0]) > 0 {
				av.Count = e.Result[0][0]
			}
			v.Answers = append(v.Answers, av)
		}
	}
	return v
}

// --- public pages ---

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	all, err := h.svc.List(r.Context(), web.From(r).Tenant.ID)
	if err != nil {
		return err
	}
	var vs []electionView
	for _, e := range all {
		if e.State != StateSetup {
			vs = append(vs, h.view(e))
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "list", vs)
}

func (h *handlers) get(r *http.Request) (*Election, error) {
	return h.svc.Get(r.Context(), web.From(r).Tenant.ID, r.PathValue("uuid"))
}

// public returns an election that has been opened (setup is not public).
func (h *handlers) public(r *http.Request) (*Election, error) {
	e, err := h.get(r)
	if err == nil && e.State == StateSetup {
		err = web.NotFound()
	}
	return e, err
}

type pageView struct {
	E        electionView
	Board    *Board
	Tracker  string
	Ballots  int
	Choice   string
	Errors   []fieldError
	Field    map[string]string
	Eligible bool
	Voted    bool
	// CredFP is the fingerprint of the public credentials when a
	// credential authority made them.
	CredFP string
}

func (h *handlers) election(w http.ResponseWriter, r *http.Request) error {
	e, err := h.public(r)
	if err != nil {
		return err
	}
	bd, err := h.svc.Board(r.Context(), e.Tenant, e.UUID)
	if err != nil {
		return err
	}
	v := pageView{E: h.view(e), Board: bd}
	if e.CredMode == CredAuthority {
		if _, v.CredFP, err = h.svc.PublicCredentials(r.Context(), e.Tenant, e.UUID); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "election", v)
}

func (h *handlers) board(w http.ResponseWriter, r *http.Request) error {
	e, err := h.public(r)
	if err != nil {
		return err
	}
	bd, err := h.svc.Board(r.Context(), e.Tenant, e.UUID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "board", pageView{E: h.view(e), Board: bd, Tracker: trackerParam(r)})
}

func (h *handlers) record(w http.ResponseWriter, r *http.Request) error {
	uuid := r.PathValue("uuid")
	if r.PathValue("file") != uuid+".bel" {
		return web.NotFound()
	}
	if _, err := h.public(r); err != nil {
		return err
	}
	b, err := h.svc.Record(r.Context(), web.From(r).Tenant.ID, uuid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.Header().Set("Content-Disposition", `attachment; filename="`+uuid+`.bel"`)
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(b)
	return nil
}

// --- voting ---

func (h *handlers) renderVote(w http.ResponseWriter, r *http.Request, status int, e *Election, choice string, fields map[string]string) error {
	c := web.From(r)
	ok, err := h.svc.Eligible(r.Context(), e.Tenant, e.UUID, c.User.PID)
	if err != nil {
		return err
	}
	tr, n, err := h.svc.MyBallot(r.Context(), e.Tenant, e.UUID, c.User.PID)
	if err != nil {
		return err
	}
	v := pageView{E: h.view(e), Tracker: tr, Ballots: n, Voted: n > 0, Eligible: ok, Choice: choice, Field: fields,
		Errors: summary(fields, FieldCredential, FieldChoice)}
	for i := range v.E.Answers {
		v.E.Answers[i].Checked = v.E.Answers[i].Value == choice
	}
	vv, err := h.withKit(r, e, v)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "vote", vv)
}

func (h *handlers) voteForm(w http.ResponseWriter, r *http.Request) error {
	e, err := h.public(r)
	if err != nil {
		return err
	}
	return h.renderVote(w, r, http.StatusOK, e, "", nil)
}

func (h *handlers) vote(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	e, err := h.public(r)
	if err != nil {
		return err
	}
	if !h.byVoter.Allow(c.Tenant.ID+" "+e.UUID+" "+c.User.Principal) || !h.byAddr.Allow(c.Tenant.ID+" "+web.LimitKey(r)) {
		return errs.E(errs.TooMany, errs.Key("vote.error.too_many"))
	}
	// A ballot made in the browser (static/ballot.js), or else the choice
	// for the server to encrypt (the path without JavaScript).
	ballot, choice := r.PostForm.Get(FieldBallot), r.PostForm.Get(FieldChoice)
	var tr string
	switch {
	case ballot != "":
		choice = ""
		tr, err = h.svc.CastOwn(r.Context(), c.Tenant.ID, e.UUID, c.User.PID, []byte(ballot))
	case choice == "":
		return h.renderVote(w, r, http.StatusUnprocessableEntity, e, "", map[string]string{FieldChoice: "vote.error.choice_required"})
	default:
		tr, err = h.svc.CastFor(r.Context(), c.Tenant.ID, e.UUID, c.User.PID, choice)
	}
	if err != nil {
		if fields, ok := formErr(err); ok {
			return h.renderVote(w, r, http.StatusUnprocessableEntity, e, choice, fields)
		}
		return err
	}
	_, n, err := h.svc.MyBallot(r.Context(), c.Tenant.ID, e.UUID, c.User.PID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "voted", votedView{pageView: pageView{E: h.view(e), Tracker: tr, Ballots: n}, InBrowser: ballot != ""})
}

// --- trustees ---

type trusteeView struct {
	E       electionView
	T       *Trustee
	Errors  []fieldError
	Field   map[string]string
	Input   string
	Saved   string
	Record  string // file name of the record
	Command string
	// A threshold election: the step due for this trustee, how many
	// trustees there are, and the file name of the trustee's vinput.
	Step   string
	N      int
	Vinput string
	// Message is a refusal that belongs to no field, in the page's language.
	Message string
}

func (h *handlers) renderTrustee(w http.ResponseWriter, r *http.Request, status int, e *Election, t *Trustee, input string, fields map[string]string) error {
	return h.renderTrusteeMsg(w, r, status, e, t, input, fields, "")
}

func (h *handlers) renderTrusteeMsg(w http.ResponseWriter, r *http.Request, status int, e *Election, t *Trustee, input string, fields map[string]string, msg string) error {
	v := trusteeView{E: h.view(e), T: t, Field: fields, Input: input, Errors: summary(fields, FieldKey, FieldPartial, FieldCeremony), Message: msg,
		Saved: r.URL.Query().Get("lagra"), Record: e.UUID + ".bel", Vinput: "vinput-" + strconv.Itoa(t.Index) + ".json"}
	if e.Threshold > 0 {
		ts, err := h.svc.Trustees(r.Context(), e.Tenant, e.UUID)
		if err != nil {
			return err
		}
		for _, x := range ts {
			if x.Index == t.Index {
				t = x
			}
		}
		v.T, v.N, v.Step = t, len(ts), CeremonyStep(e.Threshold, ts, t)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, status, "trustee", v)
}

func (h *handlers) trustee(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	t, err := h.svc.TrusteeByToken(r.Context(), e.Tenant, e.UUID, r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.renderTrustee(w, r, http.StatusOK, e, t, "", nil)
}

// upload reads a posted file field, or the pasted text field of the same
// name when no file was chosen.
func upload(r *http.Request, field string) ([]byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errs.E(errs.TooLarge, errs.Key("vote.error.too_large"))
			}
			return nil, errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
		}
		if fhs := r.MultipartForm.File[field+"_fil"]; len(fhs) > 0 && fhs[0].Size > 0 {
			if fhs[0].Size > MaxUpload {
				return nil, errs.E(errs.Invalid, errs.Key("vote.error.too_large"), map[string]string{field: "vote.error.too_large"})
			}
			f, err := fhs[0].Open()
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return io.ReadAll(io.LimitReader(f, MaxUpload))
		}
	} else if err := web.ParseForm(r); err != nil {
		return nil, err
	}
	return []byte(r.PostFormValue(field)), nil
}

func (h *handlers) trusteePost(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	tok := r.PathValue("token")
	t, err := h.svc.TrusteeByToken(r.Context(), e.Tenant, e.UUID, tok)
	if err != nil {
		return err
	}
	field := FieldKey
	switch {
	case e.State != StateSetup:
		field = FieldPartial
	case e.Threshold > 0:
		field = FieldCeremony
	}
	raw, err := upload(r, field)
	if err != nil {
		if fields, ok := formErr(err); ok {
			return h.renderTrustee(w, r, http.StatusUnprocessableEntity, e, t, "", fields)
		}
		return err
	}
	if strings.TrimSpace(string(raw)) == "" {
		return h.renderTrustee(w, r, http.StatusUnprocessableEntity, e, t, "", map[string]string{field: "vote.error.file_required"})
	}
	saved := field
	switch field {
	case FieldKey:
		err = h.svc.SetTrusteeKey(r.Context(), e.Tenant, e.UUID, tok, raw)
	case FieldCeremony:
		saved = r.PostFormValue(FieldStep)
		err = h.svc.SubmitStep(r.Context(), e.Tenant, e.UUID, tok, saved, raw)
	default:
		err = h.svc.SubmitPartial(r.Context(), e.Tenant, e.UUID, tok, raw)
	}
	if err != nil {
		in := string(raw)
		if len(in) > 20000 {
			in = ""
		}
		if fields, ok := formErr(err); ok {
			return h.renderTrustee(w, r, http.StatusUnprocessableEntity, e, t, in, fields)
		}
		if field == FieldCeremony && (errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err)) {
			key, args, _ := errs.Public(err)
			return h.renderTrusteeMessage(w, r, http.StatusConflict, e, t, in, key, args)
		}
		return err
	}
	http.Redirect(w, r, web.From(r).Tenant.Base+"val/"+e.UUID+"/tillitsvald/"+tok+"?lagra="+saved, http.StatusSeeOther)
	return nil
}

// renderTrusteeMessage renders the trustee page with a refusal that
// belongs to no field (a file for a step that is not due).
func (h *handlers) renderTrusteeMessage(w http.ResponseWriter, r *http.Request, status int, e *Election, t *Trustee, input, key string, args []any) error {
	return h.renderTrusteeMsg(w, r, status, e, t, input, nil, h.shell.Catalog().T(i18n.Lang(web.From(r).Lang), key, args...))
}

// trusteeFile serves a threshold trustee's downloads: the certificates
// (certs.jsons) and the trustee's own vinput.
func (h *handlers) trusteeFile(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	tok := r.PathValue("token")
	t, err := h.svc.TrusteeByToken(r.Context(), e.Tenant, e.UUID, tok)
	if err != nil {
		return err
	}
	var b []byte
	switch name := r.PathValue("file"); name {
	case "certs.jsons":
		b, err = h.svc.CertsFile(r.Context(), e.Tenant, e.UUID)
	case "vinput-" + strconv.Itoa(t.Index) + ".json":
		b, err = h.svc.Vinput(r.Context(), e.Tenant, e.UUID, tok)
	default:
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("file")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, err = w.Write(b)
	return err
}

// --- the officer ---

type staffListView struct {
	Elections []electionView
	Form      ElectionForm
	Errors    []fieldError
	Field     map[string]string
	High      bool
	// MaxAnswers is the most answers a question may have.
	MaxAnswers int
}

func (h *handlers) renderStaffList(w http.ResponseWriter, r *http.Request, status int, f ElectionForm, fields map[string]string) error {
	all, err := h.svc.List(r.Context(), web.From(r).Tenant.ID)
	if err != nil {
		return err
	}
	v := staffListView{Form: f, Field: fields, High: f.Level == identity.LevelHigh, MaxAnswers: MaxAnswers,
		Errors: summary(fields, FieldName, FieldDescription, FieldQuestion, FieldAnswers, FieldOpens, FieldCloses, FieldLevel, FieldMode, FieldThreshold, FieldCredMode)}
	for _, e := range all {
		v.Elections = append(v.Elections, h.view(e))
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_list", v)
}

func (h *handlers) staffList(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaffList(w, r, http.StatusOK, ElectionForm{Blank: true}, nil)
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	p := r.PostForm
	f := ElectionForm{Name: p.Get(FieldName), Description: p.Get(FieldDescription), Question: p.Get(FieldQuestion), Blank: p.Get("blank") == "1",
		Answers: strings.Split(strings.ReplaceAll(p.Get(FieldAnswers), "\r\n", "\n"), "\n"),
		Level:   p.Get(FieldLevel), OpensAt: p.Get(FieldOpens), ClosesAt: p.Get(FieldCloses), Mode: p.Get(FieldMode), Threshold: p.Get(FieldThreshold),
		Credentials: p.Get(FieldCredMode)}
	uuid, err := h.svc.Create(r.Context(), web.From(r).Tenant.ID, f, actor(r))
	if err != nil {
		if fields, ok := formErr(err); ok {
			return h.renderStaffList(w, r, http.StatusUnprocessableEntity, f, fields)
		}
		return err
	}
	http.Redirect(w, r, web.From(r).Tenant.Base+"tilsett/val/"+uuid, http.StatusSeeOther)
	return nil
}

type staffView struct {
	E        electionView
	Trustees []*Trustee
	Voters   int
	Board    *Board
	Errors   []fieldError
	Field    map[string]string
	Form     map[string]string
	Message  string // a refusal of open, close or publish, in the page's language
	Done     string
	Steps    map[int]string // threshold: the ceremony step due for each trustee, by index
	// A credential authority's election: how many public credentials are
	// uploaded and their fingerprint.
	CredCount int
	CredFP    string
}

func (h *handlers) renderStaff(w http.ResponseWriter, r *http.Request, status int, form map[string]string, fields map[string]string, msg string, args []any) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	ts, err := h.svc.Trustees(r.Context(), e.Tenant, e.UUID)
	if err != nil {
		return err
	}
	n, err := h.svc.VoterCount(r.Context(), e.Tenant, e.UUID)
	if err != nil {
		return err
	}
	bd, err := h.svc.Board(r.Context(), e.Tenant, e.UUID)
	if err != nil {
		return err
	}
	var text string
	if msg != "" {
		text = h.shell.Catalog().T(i18n.Lang(web.From(r).Lang), msg, args...)
	}
	v := staffView{E: h.view(e), Trustees: ts, Voters: n, Board: bd, Field: fields, Form: form, Message: text,
		Errors: summary(fields, FieldTrusteeName, FieldTrusteeEmail, FieldVoters, FieldPublicCreds), Done: r.URL.Query().Get("gjort")}
	if e.CredMode == CredAuthority {
		if v.CredCount, v.CredFP, err = h.svc.PublicCredentials(r.Context(), e.Tenant, e.UUID); err != nil {
			return err
		}
	}
	if e.Threshold > 0 {
		v.Steps = map[int]string{}
		for _, t := range ts {
			v.Steps[t.Index] = CeremonyStep(e.Threshold, ts, t)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_election", v)
}

func (h *handlers) staffElection(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaff(w, r, http.StatusOK, nil, nil, "", nil)
}

func (h *handlers) done(w http.ResponseWriter, r *http.Request, what string) error {
	http.Redirect(w, r, web.From(r).Tenant.Base+"tilsett/val/"+r.PathValue("uuid")+"?gjort="+what, http.StatusSeeOther)
	return nil
}

func (h *handlers) addTrustee(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	name, email := r.PostForm.Get(FieldTrusteeName), r.PostForm.Get(FieldTrusteeEmail)
	_, err := h.svc.AddTrustee(r.Context(), web.From(r).Tenant.ID, r.PathValue("uuid"), name, email, actor(r))
	if err != nil {
		if fields, ok := formErr(err); ok {
			return h.renderStaff(w, r, http.StatusUnprocessableEntity, map[string]string{FieldTrusteeName: name, FieldTrusteeEmail: email}, fields, "", nil)
		}
		if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
			key, args, _ := errs.Public(err)
			return h.renderStaff(w, r, http.StatusUnprocessableEntity, nil, nil, key, args)
		}
		return err
	}
	return h.done(w, r, "tillitsvald")
}

func (h *handlers) voters(w http.ResponseWriter, r *http.Request) error {
	raw, err := upload(r, FieldVoters)
	if err == nil {
		_, err = h.svc.SetVoters(r.Context(), web.From(r).Tenant.ID, r.PathValue("uuid"), raw, actor(r))
	}
	if err != nil {
		if fields, ok := formErr(err); ok {
			key, args, _ := errs.Public(err)
			return h.renderStaff(w, r, http.StatusUnprocessableEntity, nil, fields, key, args)
		}
		if errs.Is(errs.Conflict, err) {
			key, args, _ := errs.Public(err)
			return h.renderStaff(w, r, http.StatusConflict, nil, nil, key, args)
		}
		return err
	}
	return h.done(w, r, "veljarar")
}

// publicCreds stores the public credentials the credential authority made.
func (h *handlers) publicCreds(w http.ResponseWriter, r *http.Request) error {
	raw, err := upload(r, FieldPublicCreds)
	if err == nil && strings.TrimSpace(string(raw)) == "" {
		err = errs.E(errs.Invalid, errs.Key("vote.error.file_required"), map[string]string{FieldPublicCreds: "vote.error.file_required"})
	}
	if err == nil {
		_, err = h.svc.SetPublicCredentials(r.Context(), web.From(r).Tenant.ID, r.PathValue("uuid"), raw, actor(r))
	}
	if err != nil {
		if fields, ok := formErr(err); ok {
			key, args, _ := errs.Public(err)
			return h.renderStaff(w, r, http.StatusUnprocessableEntity, nil, fields, key, args)
		}
		if errs.Is(errs.Conflict, err) {
			key, args, _ := errs.Public(err)
			return h.renderStaff(w, r, http.StatusConflict, nil, nil, key, args)
		}
		return err
	}
	return h.done(w, r, "valkodar")
}

func (h *handlers) act(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	uuid := r.PathValue("uuid")
	var err error
	switch act := r.PathValue("act"); act {
	case "opne":
		err = h.svc.Open(r.Context(), c.Tenant.ID, uuid, actor(r))
	case "lukk":
		err = h.svc.Close(r.Context(), c.Tenant.ID, uuid, actor(r))
	case "publiser":
		err = h.svc.Publish(r.Context(), c.Tenant.ID, uuid, actor(r))
	default:
		return web.NotFound()
	}
	if err != nil {
		if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
			key, args, _ := errs.Public(err)
			return h.renderStaff(w, r, http.StatusConflict, nil, nil, key, args)
		}
		return err
	}
	return h.done(w, r, r.PathValue("act"))
}

// trackerParam reads ?sporing=, where a '+' of the base64 tracker may
// have come as a space (a link without %2B, or pasted text).
func trackerParam(r *http.Request) string {
	q := strings.TrimSpace(r.URL.Query().Get("sporing"))
	if len(q) > 100 {
		return ""
	}
	return strings.ReplaceAll(q, " ", "+")
}
