package politics_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

// TestCaseDebateLink checks the hook that links a political case's page
// to the citizens' debate about it: with no hook there is no link; with
// one, the page asks it for the municipality's case and shows the link
// with the number of posts; an empty path means no link.
func TestCaseDebateLink(t *testing.T) {
	ctx := context.Background()
	newCase := func(t *testing.T, s *politicstest.Site) politics.Case {
		t.Helper()
		c, err := s.Service.CreateCase(ctx, politicstest.Demo, politics.CaseForm{Title: "Ny barnehage på Nordbyen", Summary: "Plassering og kostnad.", ArchiveRef: "2026/42"},
			politicstest.Actor())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	page := func(t *testing.T, s *politicstest.Site, id, lang string) string {
		t.Helper()
		resp, err := s.Client("").Get(s.URL + "/k/9999/politikk/sak/" + id + "?lang=" + lang)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return string(b)
	}

	t.Run("no hook", func(t *testing.T) {
		s := politicstest.Start(t, politicstest.Options{})
		c := newCase(t, s)
		if body := page(t, s, c.ID, "nb"); strings.Contains(body, "Debatt om saken") || strings.Contains(body, "debatt/") {
			t.Error("a debate link without a hook")
		}
	})

	t.Run("hook", func(t *testing.T) {
		type call struct{ tenant, id string }
		var calls []call
		posts, path := 3, ""
		s := politicstest.Start(t, politicstest.Options{Config: politics.Config{DebateLink: func(_ context.Context, tenant, caseID string) (string, int, error) {
			calls = append(calls, call{tenant, caseID})
			return path, posts, nil
		}}})
		c := newCase(t, s)
		// An empty path: no link.
		if body := page(t, s, c.ID, "nb"); strings.Contains(body, "Debatt om saken") {
			t.Error("a debate link for an empty path")
		}
		path = "debatt/sak/" + c.ID
		for _, x := range []struct{ lang, want string }{
			{"nb", `<a href="/k/9999/debatt/sak/` + c.ID + `">Debatt om saken</a> (3 innlegg hittil)`},
			{"nn", `<a href="/k/9999/debatt/sak/` + c.ID + `">Debatt om saka</a> (3 innlegg så langt)`},
			{"en", `<a href="/k/9999/debatt/sak/` + c.ID + `">Debate on the case</a> (posts: 3)`},
		} {
			if body := page(t, s, c.ID, x.lang); !strings.Contains(body, x.want) {
				t.Errorf("%s: the page lacks %s", x.lang, x.want)
			}
		}
		if len(calls) != 4 || calls[0] != (call{politicstest.Demo, c.ID}) {
			t.Errorf("calls = %v", calls)
		}
		// An unknown case is not found before the hook is asked.
		n := len(calls)
		resp, err := s.Client("").Get(s.URL + "/k/9999/politikk/sak/finnesikke")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || len(calls) != n {
			t.Errorf("unknown case: status %d, calls %d", resp.StatusCode, len(calls)-n)
		}
	})
}
