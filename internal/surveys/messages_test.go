package surveys_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/surveys/surveystest"
)

func TestMessagesComplete(t *testing.T) {
	cat := surveystest.Catalog(t)
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	same := 0
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "surveys.") && cat.T(i18n.NN, k) == cat.T(i18n.NB, k) {
			same++
		}
	}
	// Some texts are rightly the same ("Svar", "Status"); most are not.
	if same > 60 {
		t.Errorf("%d surveys texts are the same in nynorsk and bokmål", same)
	}
}

// TestKeysExist checks that every key the module's code and templates
// use, written out or built at run time, is in the catalogue.
func TestKeysExist(t *testing.T) {
	cat := surveystest.Catalog(t)
	var keys []string
	for _, k := range surveys.Kinds() {
		keys = append(keys, "surveys.kind."+k)
	}
	for _, s := range []string{surveys.StatusDraft, surveys.StatusOpen, surveys.StatusClosed} {
		keys = append(keys, "surveys.status."+s)
	}
	for _, a := range []string{surveys.AudienceOpen, surveys.AudienceList, surveys.AudiencePanel} {
		keys = append(keys, "surveys.audience."+a)
	}
	for _, n := range []string{"lagra", "opna", "lukka", "sendt", "sletta"} {
		keys = append(keys, "surveys.builder.notice_"+n)
	}
	literal := regexp.MustCompile(`"((?:surveys|error|shell)\.[a-z0-9_.]+[a-z0-9_])"`)
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
			if !strings.HasSuffix(m[1], "_") { // a prefix, listed above
				keys = append(keys, m[1])
			}
		}
	}
	if len(keys) < 150 {
		t.Errorf("found only %d keys: is the scan looking in the right place?", len(keys))
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("key %q is not in every catalogue", k)
		}
	}
}
