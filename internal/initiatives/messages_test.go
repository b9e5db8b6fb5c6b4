package initiatives_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/initiatives"
	it "github.com/torg-ekommune/torg/internal/initiatives/initiativestest"
)

func TestMessagesComplete(t *testing.T) {
	cat := it.Catalog(t)
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	same := map[string]bool{"initiatives.error_prefix": true, "initiatives.caption": true, "initiatives.count": true, "initiatives.state.submitted": true,
		"initiatives.show.signatures": true, "initiatives.show.case": true, "initiatives.show.sign_title": true, "initiatives.show.sign": true,
		"initiatives.show.sign_in": true, "initiatives.show.signed": true, "initiatives.receipt.title": true, "initiatives.receipt.salt": true,
		"initiatives.receipt.person_key": true, "initiatives.receipt.initiative": true, "initiatives.receipt.back": true, "initiatives.new.field_title": true,
		"initiatives.new.field_text": true, "initiatives.new.submit": true, "initiatives.error.text_missing": true, "initiatives.commitments.check": true,
		"initiatives.commitments.check_title": true, "initiatives.staff.initiative": true, "initiatives.staff.signatures": true, "initiatives.staff.state": true,
		"initiatives.staff.case": true, "initiatives.staff.export_title": true, "initiatives.csv.pid": true, "initiatives.csv.signed_at": true,
		"initiatives.csv.yes": true, "initiatives.csv.no": true, "initiatives.show.audit_title": true,
	}
	english := map[string]bool{"initiatives.receipt.salt": true, "initiatives.receipt.initiative": true, "initiatives.staff.initiative": true}
	for _, k := range cat.Keys() {
		if !strings.HasPrefix(k, "initiatives.") {
			continue
		}
		if cat.T(i18n.NN, k) == cat.T(i18n.NB, k) && !same[k] {
			t.Errorf("%s is the same in nynorsk and bokmål: %q", k, cat.T(i18n.NB, k))
		}
		if cat.T(i18n.EN, k) == cat.T(i18n.NB, k) && !english[k] {
			t.Errorf("%s is the same in English and bokmål: %q", k, cat.T(i18n.NB, k))
		}
	}
}

// TestKeysExist checks that every key the code and templates use,
// written out or built at run time, is in every catalogue.
func TestKeysExist(t *testing.T) {
	cat := it.Catalog(t)
	var keys []string
	for _, s := range []string{initiatives.StateOpen, initiatives.StateReached, initiatives.StateSubmitted} {
		keys = append(keys, "initiatives.state."+s)
	}
	for _, s := range []string{initiatives.CaseReceived, initiatives.CaseScheduled, initiatives.CaseDecided} {
		keys = append(keys, "initiatives.case_state."+s)
	}
	literal := regexp.MustCompile(`"((?:initiatives|error|shell)\.[a-z0-9_.]+[a-z0-9_])"`)
	auditAction := regexp.MustCompile(`^initiatives\.(create|sign|submit|residents\.import|signers\.export)$`)
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
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !auditAction.MatchString(m[1]) {
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
