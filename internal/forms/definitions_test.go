package forms_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
)

func TestPublishAndLibrary(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		actor := audit.Entry{ActorID: "email:admin@demo.kommune.no", Role: "admin"}
		kontakt := formdef.Library()["kontakt"]
		p, err := s.Publish(ctx, "9999", kontakt, "", actor)
		if err != nil || p.Version != 1 || p.Form.ID != "kontakt" {
			t.Fatalf("Publish = %+v, %v", p, err)
		}
		// The same definition again: no new version.
		if p, _ := s.Publish(ctx, "9999", kontakt, "", actor); p.Version != 1 {
			t.Errorf("identical publish made version %d", p.Version)
		}
		// A changed text makes version 2; version 1 stays readable.
		changed := strings.Replace(string(kontakt), "Kontakt kommunen", "Kontakt Demo kommune", 1)
		if p, err := s.Publish(ctx, "9999", []byte(changed), "", actor); err != nil || p.Version != 2 {
			t.Fatalf("changed publish = %+v, %v", p, err)
		}
		if p, err := s.Definition(ctx, "9999", "kontakt", 1); err != nil || p.Form.Title.In("nb") != "Kontakt kommunen" {
			t.Errorf("version 1 = %+v, %v", p, err)
		}
		if p, err := s.Definition(ctx, "9999", "kontakt", 0); err != nil || p.Version != 2 {
			t.Errorf("latest = %+v, %v", p, err)
		}
		if !s.Serves(ctx, "9999", "kontakt") || s.Serves(ctx, "4601", "kontakt") || s.Serves(ctx, "9999", "nope") {
			t.Error("Serves is wrong")
		}
		// A broken definition is refused with every problem and its path.
		_, err = s.Publish(ctx, "9999", []byte(`{"id":"x","title":{"nb":"X"},"pages":[{"id":"p","title":{"nb":"P"},"fields":[{"id":"a","type":"text","label":{"nb":"A"},"visible_if":{"field":"nope","answered":true}}]}]}`), "", actor)
		var de *formdef.DefinitionError
		if !errs.Is(errs.Invalid, err) || !errors.As(err, &de) {
			t.Fatalf("broken definition: %v", err)
		}
		paths := map[string]bool{}
		for _, pr := range de.Problems {
			paths[pr.Path] = true
		}
		for _, want := range []string{"assurance", "privacy.purpose", "pages[0].fields[0].visible_if.field"} {
			if !paths[want] {
				t.Errorf("no problem at %s in %v", want, de.Problems)
			}
		}
		// Demo kommune shares; Bergen adopts and gets its own version 1.
		if _, err := s.Share(ctx, "9999", "kontakt", actor); err != nil {
			t.Fatal(err)
		}
		lib, err := s.Library(ctx)
		if err != nil || len(lib) != 1 || lib[0].Tenant != "9999" || lib[0].Version != 2 {
			t.Fatalf("library = %+v, %v", lib, err)
		}
		got, err := s.Adopt(ctx, "4601", "9999", "kontakt", 2, audit.Entry{ActorID: "email:admin@bergen.kommune.no", Role: "admin"})
		if err != nil || got.Version != 1 || got.AdoptedFrom != "9999/kontakt/2" {
			t.Fatalf("Adopt = %+v, %v", got, err)
		}
		if _, err := s.Adopt(ctx, "4601", "9999", "kontakt", 7, actor); !errs.Is(errs.NotFound, err) {
			t.Errorf("adopting a missing version: %v", err)
		}
		if _, err := s.Definition(ctx, "4601", "barnehageplass", 0); !errs.Is(errs.NotFound, err) {
			t.Errorf("unpublished form: %v", err)
		}
	})
}
