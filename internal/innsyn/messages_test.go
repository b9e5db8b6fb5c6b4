package innsyn_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/innsyn/innsyntest"
)

// sameInNN are texts rightly the same in bokmål and nynorsk.
var sameInNN = map[string]bool{
	"innsyn.back_journal": true, "innsyn.decision.granted": true, "innsyn.decision.open": true, "innsyn.decision.refused": true,
	"innsyn.entry.id": true, "innsyn.entry.title": true, "innsyn.error.too_long": true,
	"innsyn.error.too_many": true, "innsyn.error_prefix": true, "innsyn.mail.decision.lead": true, "innsyn.mail.decision.subject": true,
	"innsyn.mail.receipt.subject": true, "innsyn.mail.remind.overdue.subject": true, "innsyn.mail.remind.soon.subject": true,
	"innsyn.queue.filter": true, "innsyn.queue.ref": true, "innsyn.queue.requests": true, "innsyn.queue.soon": true, "innsyn.queue.title": true,
	"innsyn.request.email": true, "innsyn.request.send": true, "innsyn.request.title": true, "innsyn.staff.title": true,
	"innsyn.staff.title_full": true, "innsyn.stats.date_hint": true, "innsyn.stats.days": true, "innsyn.stats.median": true,
	"innsyn.stats.none": true, "innsyn.stats.show": true, "innsyn.stats.title": true, "innsyn.stats.to": true,
	"innsyn.status.created": true, "innsyn.status.deadline": true, "innsyn.status.open": true,
	"innsyn.status.overdue": true, "innsyn.status.state": true, "innsyn.status.title": true, "innsyn.receipt.title": true,
	"innsyn.error.no_line": true, "innsyn.mine.title": true, "innsyn.staff.complaint_hint": true, "innsyn.status.no_files": true,
}

func TestMessagesComplete(t *testing.T) {
	cat := innsyntest.Catalog(t)
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	for _, k := range cat.Keys() {
		if !strings.HasPrefix(k, "innsyn.") {
			continue
		}
		if cat.T(i18n.NN, k) == cat.T(i18n.NB, k) && !sameInNN[k] {
			t.Errorf("%s is the same in nynorsk and bokmål: %q", k, cat.T(i18n.NB, k))
		}
		if cat.T(i18n.EN, k) == cat.T(i18n.NB, k) && k != "innsyn.status.state" {
			t.Errorf("%s is the same in English and bokmål: %q", k, cat.T(i18n.NB, k))
		}
	}
}

// TestMessagesUsed checks that every key the code and templates name is
// in the catalogue.
func TestMessagesUsed(t *testing.T) {
	cat := innsyntest.Catalog(t)
	known := map[string]bool{}
	for _, k := range cat.Keys() {
		known[k] = true
	}
	re := regexp.MustCompile(`"(innsyn\.[a-z_]+(?:\.[a-z_]+)*)"`)
	files, _ := filepath.Glob("*.go")
	tmpl, _ := filepath.Glob("templates/*.html")
	for _, f := range append(files, tmpl...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			// Audit actions and prefixes completed at run time are not texts.
			if strings.HasSuffix(k, ".") || strings.HasPrefix(k, "innsyn.request.create") || strings.HasPrefix(k, "innsyn.request.read") ||
				strings.HasPrefix(k, "innsyn.decide") || strings.HasPrefix(k, "innsyn.download") || strings.HasPrefix(k, "innsyn.remind") {
				continue
			}
			if !known[k] {
				t.Errorf("%s: key %s is not in the messages", f, k)
			}
		}
	}
}
