// Package minside is the citizen's own page ("Min side"): who they are
// signed in as, and who in the municipality has looked at or changed data
// about them, from the audit log. Later modules add their submissions,
// cases and messages here through the Section interface.
package minside

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/torg-ekommune/torg/internal/audit"
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
	pages *web.Pages
}

// Routes registers GET /min-side on a municipality's mux; it needs a
// citizen signed in at level substantial.
func Routes(mux *http.ServeMux, shell *web.Shell, id *identity.Service, log *audit.Log) error {
	pages, err := shell.Pages(templateFS, "templates/minside.html")
	if err != nil {
		return err
	}
	h := &Handlers{audit: log, pages: pages}
	mux.Handle("GET /min-side", shell.Handle(id.RequireCitizen(identity.LevelSubstantial, h.page)))
	return nil
}

// accessView is one line of "who looked at my data".
type accessView struct {
	Entry     audit.Entry
	ActionKey string
	RoleKey   string
}

type pageView struct {
	PID    string
	Access []accessView
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	entries, err := h.audit.BySubject(r.Context(), c.Tenant.ID, c.User.PID, 200)
	if err != nil {
		return err
	}
	v := pageView{PID: c.User.PID}
	for _, e := range entries {
		v.Access = append(v.Access, accessView{Entry: e, ActionKey: "minside.action." + knownAction(e.Action), RoleKey: "role." + knownRole(e.Role)})
	}
	return h.pages.Render(w, r, http.StatusOK, "minside", v)
}

// knownAction maps an audit action to a message key suffix, falling back to
// "other" for actions this page has no words for yet.
func knownAction(a string) string {
	switch a {
	case "person.read", "role.grant", "role.revoke":
		return a
	}
	return "other"
}

func knownRole(r string) string {
	switch r {
	case identity.RoleCaseworker, identity.RoleArchivist, identity.RoleSecretariat, identity.RoleOfficial, identity.RoleManager, identity.RoleAdmin:
		return r
	}
	return "other"
}
