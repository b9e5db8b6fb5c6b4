package catalog_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/catalog"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/web"
)

var schemas = []db.Schema{audit.Schema, catalog.Schema}

var actor = audit.Entry{ActorID: "email:tor.aasen@demo.kommune.no", ActorName: "Tor Aasen", Role: "admin"}

const (
	tenantA = "9999"
	tenantB = "4601"
)

func newService(t testing.TB, d *db.DB) (*catalog.Service, *audit.Log) {
	t.Helper()
	log := audit.New(d)
	return catalog.New(d, log), log
}

// messages is every message the catalogue's errors may name.
func messages(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat := i18n.NewCatalog()
	if err := cat.AddFS(web.Messages()); err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(catalog.Messages()); err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestMessagesComplete(t *testing.T) {
	if missing := messages(t).Complete(); len(missing) > 0 {
		t.Errorf("missing translations: %v", missing)
	}
}

func situation(slug, nb string) catalog.LifeSituation {
	return catalog.LifeSituation{Slug: slug, Title: catalog.Text{NB: nb}, Intro: catalog.Text{NB: "Om " + nb + "."}}
}

func validService() catalog.MunicipalService {
	return catalog.MunicipalService{
		Slug: "soknad-om-barnehageplass", Situations: []string{"familie-og-barn"},
		Name:           catalog.Text{NB: "Søknad om barnehageplass", EN: "Applying for a kindergarten place"},
		Summary:        catalog.Text{NB: "Søk om plass i barnehagen."},
		Description:    catalog.Text{NB: "Alle barn har rett til plass.\n\nSøk innen 1. mars."},
		Declaration:    catalog.Text{NB: "Du får svar i april."},
		ProcessingDays: 30, FormID: "barnehageplass", Published: true,
		Contact: catalog.Contact{Unit: "Barnehagekontoret", Email: "barnehage@demo.kommune.no", Phone: "+47 12 34 56 10"},
	}
}

func TestUpsertValidation(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, _ := newService(t, d)
		cat := messages(t)
		if _, err := svc.UpsertLifeSituation(ctx, tenantA, situation("familie-og-barn", "Familie og barn"), actor); err != nil {
			t.Fatal(err)
		}
		other := validService()
		other.Slug, other.FormID = "annen-tjeneste", "annet-skjema"
		if _, err := svc.UpsertService(ctx, tenantA, other, actor); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			edit  func(*catalog.MunicipalService)
			field string // "" for valid
		}{
			{"valid", func(*catalog.MunicipalService) {}, ""},
			{"no form, no situation, no contact", func(m *catalog.MunicipalService) {
				m.FormID, m.Situations, m.Contact = "", nil, catalog.Contact{}
			}, ""},
			{"slug with capitals", func(m *catalog.MunicipalService) { m.Slug = "Soknad" }, "slug"},
			{"slug with space", func(m *catalog.MunicipalService) { m.Slug = "søknad om" }, "slug"},
			{"slug with æøå", func(m *catalog.MunicipalService) { m.Slug = "søknad" }, "slug"},
			{"empty slug", func(m *catalog.MunicipalService) { m.Slug = "" }, "slug"},
			{"slug too long", func(m *catalog.MunicipalService) { m.Slug = strings.Repeat("a", 101) }, "slug"},
			{"no name in bokmål", func(m *catalog.MunicipalService) { m.Name = catalog.Text{NN: "Søknad", EN: "Application"} }, "name_nb"},
			{"blank name", func(m *catalog.MunicipalService) { m.Name.NB = "  \n " }, "name_nb"},
			{"no summary", func(m *catalog.MunicipalService) { m.Summary.NB = "" }, "summary_nb"},
			{"no description", func(m *catalog.MunicipalService) { m.Description.NB = "" }, "description_nb"},
			{"English name too long", func(m *catalog.MunicipalService) { m.Name.EN = strings.Repeat("x", 201) }, "name_en"},
			{"negative days", func(m *catalog.MunicipalService) { m.ProcessingDays = -1 }, "processing_days"},
			{"366 days", func(m *catalog.MunicipalService) { m.ProcessingDays = 366 }, "processing_days"},
			{"365 days", func(m *catalog.MunicipalService) { m.ProcessingDays = 365 }, ""},
			{"0 days", func(m *catalog.MunicipalService) { m.ProcessingDays = 0 }, ""},
			{"e-mail without @", func(m *catalog.MunicipalService) { m.Contact.Email = "barnehage.demo.kommune.no" }, "contact_email"},
			{"e-mail with name", func(m *catalog.MunicipalService) { m.Contact.Email = "Barnehage <barnehage@demo.kommune.no>" }, "contact_email"},
			{"e-mail without dot", func(m *catalog.MunicipalService) { m.Contact.Email = "post@localhost" }, "contact_email"},
			{"phone with letters", func(m *catalog.MunicipalService) { m.Contact.Phone = "ring oss" }, "contact_phone"},
			{"short phone", func(m *catalog.MunicipalService) { m.Contact.Phone = "113" }, "contact_phone"},
			{"form id with slash", func(m *catalog.MunicipalService) { m.FormID = "../admin" }, "form_id"},
			{"form of another service", func(m *catalog.MunicipalService) { m.FormID = "annet-skjema" }, "form_id"},
			{"unknown situation", func(m *catalog.MunicipalService) { m.Situations = []string{"finnes-ikke"} }, "situations"},
			{"bad situation slug", func(m *catalog.MunicipalService) { m.Situations = []string{"Familie"} }, "situations"},
		}
		for _, tt := range tests {
			m := validService()
			tt.edit(&m)
			_, err := svc.UpsertService(ctx, tenantA, m, actor)
			if tt.field == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			_, _, fields := errs.Public(err)
			if !errs.Is(errs.Invalid, err) || fields[tt.field] == "" {
				t.Errorf("%s: error %v, fields %v; want field %q", tt.name, err, fields, tt.field)
				continue
			}
			if !cat.Has(fields[tt.field]) {
				t.Errorf("%s: field message %q is not in the catalogue", tt.name, fields[tt.field])
			}
		}

		// Life situations and pages.
		for _, tt := range []struct {
			name  string
			ls    catalog.LifeSituation
			field string
		}{
			{"valid", situation("bolig", "Bolig"), ""},
			{"bad slug", situation("Bolig og eiendom", "Bolig"), "slug"},
			{"no title", catalog.LifeSituation{Slug: "x", Title: catalog.Text{EN: "Housing"}}, "title_nb"},
			{"long intro", catalog.LifeSituation{Slug: "x", Title: catalog.Text{NB: "X"}, Intro: catalog.Text{NN: strings.Repeat("x", 1001)}}, "intro_nn"},
		} {
			_, err := svc.UpsertLifeSituation(ctx, tenantA, tt.ls, actor)
			_, _, fields := errs.Public(err)
			if (tt.field == "" && err != nil) || (tt.field != "" && (!errs.Is(errs.Invalid, err) || fields[tt.field] == "")) {
				t.Errorf("situation %s: error %v, fields %v; want field %q", tt.name, err, fields, tt.field)
			}
		}
		for _, tt := range []struct {
			name  string
			p     catalog.Page
			field string
		}{
			{"valid", catalog.Page{Slug: "eiendomsskatt", Title: catalog.Text{NB: "Eiendomsskatt"}, Body: catalog.Text{NB: "Tekst."}}, ""},
			{"no body", catalog.Page{Slug: "eiendomsskatt", Title: catalog.Text{NB: "Eiendomsskatt"}}, "body_nb"},
			{"unknown situation", catalog.Page{Slug: "x", Title: catalog.Text{NB: "X"}, Body: catalog.Text{NB: "Y"}, Situation: "finnes-ikke"}, "situation"},
		} {
			_, err := svc.UpsertPage(ctx, tenantA, tt.p, actor)
			_, _, fields := errs.Public(err)
			if (tt.field == "" && err != nil) || (tt.field != "" && (!errs.Is(errs.Invalid, err) || fields[tt.field] == "")) {
				t.Errorf("page %s: error %v, fields %v; want field %q", tt.name, err, fields, tt.field)
			}
		}
	})
}

func TestReadsAndAudit(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, log := newService(t, d)
		for _, ls := range []catalog.LifeSituation{situation("skole", "Skole og utdanning"), situation("familie-og-barn", "Familie og barn")} {
			if _, err := svc.UpsertLifeSituation(ctx, tenantA, ls, actor); err != nil {
				t.Fatal(err)
			}
		}
		m := validService()
		m.Situations = []string{"skole", "familie-og-barn", "skole"}
		m.Name.NB = "  Søknad om barnehageplass \r\n"
		stored, err := svc.UpsertService(ctx, tenantA, m, actor)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Name.NB != "Søknad om barnehageplass" || !slices.Equal(stored.Situations, []string{"familie-og-barn", "skole"}) {
			t.Errorf("stored = %+v", stored)
		}
		draft := validService()
		draft.Slug, draft.FormID, draft.Published = "utkast", "", false
		if _, err := svc.UpsertService(ctx, tenantA, draft, actor); err != nil {
			t.Fatal(err)
		}
		page := catalog.Page{Slug: "opptak", Title: catalog.Text{NB: "Opptak i barnehage"}, Body: catalog.Text{NB: "Hovedopptaket er i mars."}, Situation: "familie-og-barn"}
		if _, err := svc.UpsertPage(ctx, tenantA, page, actor); err != nil {
			t.Fatal(err)
		}

		got, err := svc.ServiceBySlug(ctx, tenantA, "soknad-om-barnehageplass")
		if err != nil {
			t.Fatal(err)
		}
		if got.ProcessingDays != 30 || got.Contact.Email != "barnehage@demo.kommune.no" || got.Name.In("en") != "Applying for a kindergarten place" ||
			got.Name.In("nn") != "Søknad om barnehageplass" || got.Name.LangOf("nn") != "nb" || !got.UpdatedAt.Equal(stored.UpdatedAt) ||
			!slices.Equal(got.Situations, []string{"familie-og-barn", "skole"}) {
			t.Errorf("ServiceBySlug = %+v", got)
		}
		byForm, err := svc.ServiceByForm(ctx, tenantA, "barnehageplass")
		if err != nil || byForm.Slug != "soknad-om-barnehageplass" || byForm.ProcessingDays != 30 {
			t.Errorf("ServiceByForm = %+v, %v", byForm, err)
		}
		for _, f := range []func() error{
			func() error { _, err := svc.ServiceBySlug(ctx, tenantA, "finnes-ikke"); return err },
			func() error { _, err := svc.ServiceBySlug(ctx, tenantB, "soknad-om-barnehageplass"); return err },
			func() error { _, err := svc.ServiceByForm(ctx, tenantA, "finnes-ikke"); return err },
			func() error { _, err := svc.ServiceByForm(ctx, tenantA, ""); return err },
			func() error { _, err := svc.ServiceByForm(ctx, tenantB, "barnehageplass"); return err },
			func() error { _, err := svc.LifeSituation(ctx, tenantA, "finnes-ikke"); return err },
			func() error { _, err := svc.PageBySlug(ctx, tenantB, "opptak"); return err },
		} {
			if err := f(); !errs.Is(errs.NotFound, err) {
				t.Errorf("want NotFound, got %v", err)
			}
		}

		list, err := svc.LifeSituations(ctx, tenantA)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Slug != "familie-og-barn" || len(list[0].Services) != 1 || len(list[1].Services) != 1 {
			t.Errorf("LifeSituations = %+v", list)
		}
		ls, err := svc.LifeSituation(ctx, tenantA, "familie-og-barn")
		if err != nil {
			t.Fatal(err)
		}
		if len(ls.Services) != 1 || ls.Services[0].Slug != "soknad-om-barnehageplass" || len(ls.Pages) != 1 || ls.Pages[0].Slug != "opptak" {
			t.Errorf("LifeSituation = %+v", ls)
		}
		if list, _ := svc.LifeSituations(ctx, tenantB); len(list) != 0 {
			t.Errorf("B sees A's life situations: %+v", list)
		}

		// Moving a service out of a life situation.
		m.Situations = []string{"skole"}
		if _, err := svc.UpsertService(ctx, tenantA, m, actor); err != nil {
			t.Fatal(err)
		}
		if ls, _ := svc.LifeSituation(ctx, tenantA, "familie-og-barn"); len(ls.Services) != 0 {
			t.Errorf("the service is still under familie-og-barn: %+v", ls.Services)
		}

		// Every change is in the audit log, with who did it.
		entries, err := log.List(ctx, tenantA, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+" "+e.Object)
			if e.ActorID != actor.ActorID || e.Role != "admin" {
				t.Errorf("entry %+v", e)
			}
		}
		want := []string{"catalog.situation.upsert situation:skole", "catalog.situation.upsert situation:familie-og-barn",
			"catalog.service.upsert service:soknad-om-barnehageplass", "catalog.service.upsert service:utkast",
			"catalog.page.upsert page:opptak", "catalog.service.upsert service:soknad-om-barnehageplass"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit actions\n%q\nwant\n%q", actions, want)
		}
		if n, brk, err := log.Verify(ctx, tenantA); err != nil || brk != nil || n != int64(len(entries)) {
			t.Errorf("audit chain: %d checked, break %+v, %v", n, brk, err)
		}
	})
}

func TestSeedIsIdempotent(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, log := newService(t, d)
		if err := catalog.Seed(ctx, svc, tenantA); err != nil {
			t.Fatal(err)
		}
		before, _, err := log.Head(ctx, tenantA)
		if err != nil {
			t.Fatal(err)
		}
		if err := catalog.Seed(ctx, svc, tenantA); err != nil {
			t.Fatal(err)
		}
		after, _, _ := log.Head(ctx, tenantA)
		if before == 0 || before != after {
			t.Errorf("a second seed changed the audit log: %d entries → %d", before, after)
		}
		list, err := svc.LifeSituations(ctx, tenantA)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 7 {
			t.Errorf("%d life situations, want 7", len(list))
		}
		for _, ls := range list {
			if n := len(ls.Services); n < 2 || n > 4 {
				t.Errorf("%s has %d services", ls.Slug, n)
			}
			if ls.Title.NN == "" || ls.Title.EN == "" {
				t.Errorf("%s lacks a translation", ls.Slug)
			}
		}
		for form, want := range map[string]struct {
			slug, situation string
			days            int
		}{
			"barnehageplass": {"soknad-om-barnehageplass", "familie-og-barn", 30},
			"skoleskyss":     {"soknad-om-skoleskyss", "skole-og-utdanning", 21},
			"kontakt":        {"kontakt-kommunen", "", 5},
		} {
			m, err := svc.ServiceByForm(ctx, tenantA, form)
			if err != nil {
				t.Fatalf("%s: %v", form, err)
			}
			if m.Slug != want.slug || m.ProcessingDays != want.days || (want.situation != "" && !slices.Contains(m.Situations, want.situation)) || !m.Published {
				t.Errorf("%s: %+v", form, m)
			}
		}
		all, err := svc.Services(ctx, tenantA)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all {
			if m.Name.NN == "" || m.Name.EN == "" || m.Description.NN == "" || m.Description.EN == "" || m.Summary.NN == "" || m.Summary.EN == "" {
				t.Errorf("%s lacks a translation", m.Slug)
			}
		}
		for _, slug := range []string{"opptak-i-barnehage", "eiendomsskatt"} {
			if _, err := svc.PageBySlug(ctx, tenantA, slug); err != nil {
				t.Errorf("page %s: %v", slug, err)
			}
		}
	})
}
