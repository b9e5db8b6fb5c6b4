package panels_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/panels"
	"github.com/torg-ekommune/torg/internal/panels/panelstest"
)

func TestMessagesComplete(t *testing.T) {
	cat := panelstest.Catalog(t)
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	same := 0
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "panels.") && cat.T(i18n.NN, k) == cat.T(i18n.NB, k) {
			same++
		}
	}
	if same > 35 { // rightly the same: age groups, "Område", "Status", "Bli med", …
		t.Errorf("%d panels texts are the same in nynorsk and bokmål", same)
	}
}

// TestKeysExist checks that every key the module's code and templates
// use, written out or built at run time, is in the catalogue.
func TestKeysExist(t *testing.T) {
	cat := panelstest.Catalog(t)
	var keys []string
	for _, g := range panels.AgeGroups() {
		keys = append(keys, "panels.age."+g)
	}
	for _, m := range []string{panels.MethodCells, panels.MethodMargins, panels.MethodNone} {
		keys = append(keys, "panels.results.method_"+m)
	}
	for _, n := range []string{"innmeldt", "utmeldt"} {
		keys = append(keys, "panels.notice."+n)
	}
	literal := regexp.MustCompile(`"((?:panels|surveys)\.[a-z0-9_.]+[a-z0-9_])"`)
	files, _ := filepath.Glob("*.go")
	html, _ := filepath.Glob("templates/*.html")
	for _, f := range append(files, html...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], "_") && !strings.HasSuffix(m[1], ".") {
				keys = append(keys, m[1])
			}
		}
	}
	if len(keys) < 90 {
		t.Errorf("found only %d keys: is the scan looking in the right place?", len(keys))
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("key %q is not in every catalogue", k)
		}
	}
}
