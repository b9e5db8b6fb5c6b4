// Package minside is the citizen's own page ("Min side"): their cases with
// the municipality's letters, their submissions with receipts, their drafts,
// who in the municipality has looked at or changed data about them (from
// the audit log), and "download all my data" as one JSON file.
package minside

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/cases"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Handlers serves Min side.
type Handlers struct {
	audit *audit.Log
	forms *forms.Store
	cases *cases.Service
	pages *web.Pages
}

// listLimit is how many submissions and access entries the page shows;
// the download has everything.
const listLimit = 200

// Routes registers Min side on a municipality's mux; both pages need a
// citizen signed in at level substantial.
//
//	GET /min-side                 the page
//	GET /min-side/mine-data.json  everything the municipality's Torg holds about the person, as JSON
func Routes(mux *http.ServeMux, shell *web.Shell, id *identity.Service, log *audit.Log, store *forms.Store, cs *cases.Service) error {
	pages, err := shell.Pages(templateFS, "templates/minside.html")
	if err != nil {
		return err
	}
	h := &Handlers{audit: log, forms: store, cases: cs, pages: pages}
	mux.Handle("GET /min-side", shell.Handle(id.RequireCitizen(identity.LevelSubstantial, h.page)))
	mux.Handle("GET /min-side/mine-data.json", shell.Handle(id.RequireCitizen(identity.LevelSubstantial, h.export)))
	return nil
}

// accessView is one line of "who looked at my data".
type accessView struct {
	Entry     audit.Entry
	ActionKey string
	RoleKey   string
}

// caseLine is one of the person's cases, with its unread letters.
type caseLine struct {
	cases.Case
	Unread int
}

// draftView is a draft in the list.
type draftView struct {
	forms.Draft
	Title string
}

type pageView struct {
	PID         string
	Cases       []caseLine
	Submissions []forms.Submission
	Drafts      []draftView
	Access      []accessView
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	ctx := r.Context()
	v := pageView{PID: c.User.PID}
	var err error
	if v.Submissions, err = h.forms.Submissions(ctx, c.Tenant.ID, c.User.Principal, listLimit); err != nil {
		return err
	}
	if h.cases != nil {
		list, err := h.cases.CitizenCases(ctx, c.Tenant.ID, c.User.Principal)
		if err != nil {
			return err
		}
		unread, err := h.cases.Unread(ctx, c.Tenant.ID, c.User.Principal)
		if err != nil {
			return err
		}
		for _, cs := range list {
			v.Cases = append(v.Cases, caseLine{Case: cs, Unread: unread[cs.ID]})
		}
	}
	drafts, err := h.forms.Drafts(ctx, c.Tenant.ID, c.User.Principal)
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, d := range drafts {
		key := fmt.Sprintf("%s/%d", d.FormID, d.Version)
		if _, ok := titles[key]; !ok {
			titles[key] = d.FormID
			if p, err := h.forms.Definition(ctx, c.Tenant.ID, d.FormID, d.Version); err == nil {
				titles[key] = p.Form.Title.In(c.Lang)
			}
		}
		v.Drafts = append(v.Drafts, draftView{Draft: d, Title: titles[key]})
	}
	entries, err := h.audit.BySubject(ctx, c.Tenant.ID, c.User.PID, listLimit)
	if err != nil {
		return err
	}
	for _, e := range entries {
		v.Access = append(v.Access, accessView{Entry: e, ActionKey: "minside.action." + knownAction(e.Action), RoleKey: "role." + knownRole(e.Role)})
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "minside", v)
}

// export is "download all my data": the person's submissions (with
// answers and attachment metadata), drafts, and the audit entries about
// them made by others (what the person did themselves is in their
// submissions), as one JSON document.
func (h *Handlers) export(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	ctx := r.Context()
	type submission struct {
		ID          string             `json:"id"`
		Reference   string             `json:"reference"`
		Form        string             `json:"form_id"`
		Version     int64              `json:"form_version"`
		Title       string             `json:"form_title"`
		Status      string             `json:"status"`
		SubmittedAt time.Time          `json:"submitted_at"`
		Email       string             `json:"email,omitempty"`
		Answers     json.RawMessage    `json:"answers"`
		Attachments []forms.Attachment `json:"attachments"`
		Receipt     json.RawMessage    `json:"receipt,omitempty"`
	}
	type draft struct {
		ID        string          `json:"id"`
		Form      string          `json:"form_id"`
		Version   int64           `json:"form_version"`
		Page      string          `json:"page"`
		UpdatedAt time.Time       `json:"updated_at"`
		ExpiresAt time.Time       `json:"expires_at"`
		Answers   json.RawMessage `json:"answers"`
	}
	type access struct {
		At      time.Time `json:"at"`
		Who     string    `json:"who"`
		Role    string    `json:"role"`
		Action  string    `json:"action"`
		Object  string    `json:"object,omitempty"`
		Purpose string    `json:"purpose,omitempty"`
	}
	doc := struct {
		Generated    time.Time    `json:"generated_at"`
		Municipality string       `json:"municipality"`
		Number       string       `json:"municipality_number"`
		Name         string       `json:"name"`
		PID          string       `json:"pid"`
		Submissions  []submission `json:"submissions"`
		Drafts       []draft      `json:"drafts"`
		Access       []access     `json:"access_log"`
	}{Generated: time.Now().UTC(), Municipality: c.Tenant.NameNB, Number: c.Tenant.ID, Name: c.User.Name, PID: c.User.PID,
		Submissions: []submission{}, Drafts: []draft{}, Access: []access{}}
	subs, err := h.forms.Submissions(ctx, c.Tenant.ID, c.User.Principal, 1<<20)
	if err != nil {
		return err
	}
	for _, s := range subs {
		doc.Submissions = append(doc.Submissions, submission{ID: s.ID, Reference: s.Reference, Form: s.FormID, Version: s.Version, Title: s.FormTitle,
			Status: s.Status, SubmittedAt: s.CreatedAt, Email: s.Email, Answers: s.Answers, Attachments: s.Attachments, Receipt: s.Receipt})
	}
	drafts, err := h.forms.Drafts(ctx, c.Tenant.ID, c.User.Principal)
	if err != nil {
		return err
	}
	for _, d := range drafts {
		full, err := h.forms.Draft(ctx, c.Tenant.ID, d.ID, c.User.Principal)
		if err != nil {
			continue // expired meanwhile
		}
		doc.Drafts = append(doc.Drafts, draft{ID: d.ID, Form: d.FormID, Version: d.Version, Page: d.Page, UpdatedAt: d.UpdatedAt, ExpiresAt: d.ExpiresAt, Answers: full.Answers})
	}
	entries, err := h.audit.BySubject(ctx, c.Tenant.ID, c.User.PID, 1<<20)
	if err != nil {
		return err
	}
	for _, e := range entries {
		doc.Access = append(doc.Access, access{At: e.At, Who: e.ActorName, Role: e.Role, Action: e.Action, Object: e.Object, Purpose: e.Purpose})
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="mine-data-`+c.Tenant.ID+`.json"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(append(body, '\n'))
	return nil
}

// knownAction maps an audit action to a message key suffix, falling back to
// "other" for actions this page has no words for yet. Any read of the
// person's data reads as "person.read".
func knownAction(a string) string {
	switch {
	case a == "person.read", a == "role.grant", a == "role.revoke":
		return a
	case strings.HasSuffix(a, ".read"):
		return "person.read"
	}
	return "other"
}

func knownRole(r string) string {
	switch r {
	case identity.RoleCaseworker, identity.RoleArchivist, identity.RoleSecretariat, identity.RoleOfficial, identity.RoleManager, identity.RoleElectionOfficer, identity.RoleAdmin:
		return r
	case "system":
		return "system"
	}
	return "other"
}
