package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/server"
)

// TestCatalogComplete fails when any message key is missing or empty in
// any language, or when a template or Go file refers to a key that no
// catalogue defines.
func TestCatalogComplete(t *testing.T) {
	cat, err := server.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing translations:\n%s", strings.Join(missing, "\n"))
	}
	// Keys written literally in templates ({{.T "key"}}) and Go code
	// (errs.Key("key")).
	tmplKey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	goKey := regexp.MustCompile(`errs\.Key\("([a-z0-9_.]+)"\)`)
	found := 0
	err = filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "testidp") {
			return err
		}
		var re *regexp.Regexp
		switch filepath.Ext(path) {
		case ".html":
			re = tmplKey
		case ".go":
			re = goKey
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			found++
			if !cat.Has(m[1]) {
				t.Errorf("%s uses key %q, which is not in every catalogue", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 50 {
		t.Errorf("found only %d key uses: is the scan looking in the right place?", found)
	}
	// Keys built at run time.
	var built []string
	for _, k := range []errs.Kind{errs.Invalid, errs.NotFound, errs.Conflict, errs.Unauthenticated, errs.Forbidden, errs.TooMany, errs.TooLarge} {
		built = append(built, "error.title."+k.String(), "error."+k.String())
	}
	built = append(built, "error.title.internal", "error.internal")
	for _, r := range append(identity.GrantableRoles, identity.RoleCitizen, "other") {
		built = append(built, "role."+r)
	}
	for _, a := range []string{"person.read", "role.grant", "role.revoke", "other"} {
		built = append(built, "minside.action."+a)
	}
	for _, p := range []string{"length", "format", "date", "individual", "check1", "check2"} {
		built = append(built, "nin.error."+p)
	}
	for _, k := range built {
		if !cat.Has(k) {
			t.Errorf("run-time key %q is not in every catalogue", k)
		}
	}
}
