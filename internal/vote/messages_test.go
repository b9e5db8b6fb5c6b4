package vote_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/vote/votetest"
)

// TestMessagesComplete: every key exists in all three languages, and
// every key the templates and the Go code name (with the dynamic
// suffixes spelled out) is in the catalogue.
func TestMessagesComplete(t *testing.T) {
	cat := votetest.Catalog(t)
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	have := map[string]bool{}
	for _, k := range cat.Keys() {
		have[k] = true
	}
	used := map[string]bool{}
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"(vote\.[a-z0-9_.]+)"`)
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], "_") {
				used[m[1]] = true
			}
		}
	}
	// Audit actions are not messages.
	for _, a := range []string{"vote.create", "vote.trustee_add", "vote.trustee_key", "vote.voters", "vote.public_creds", "vote.open", "vote.close", "vote.partial", "vote.tallied", "vote.publish"} {
		delete(used, a)
	}
	states := []string{"setup", "open", "closed", "tallied", "published"}
	for _, s := range states {
		used["vote.state."+s] = true
		used["vote.error.state_"+s] = true
	}
	for _, s := range []string{"tillitsvald", "veljarar", "valkodar", "opne", "lukk", "publiser"} {
		used["vote.staff.done_"+s] = true
	}
	for _, s := range []string{"nokkel", "dekryptering"} {
		used["vote.trustee.saved_"+s] = true
	}
	for _, s := range []string{"open", "tallied", "published"} {
		used["vote.trustee.state_"+s] = true
	}
	for k := range used {
		if !have[k] {
			t.Errorf("%s is used but has no message", k)
		}
	}
	for k := range have {
		if strings.HasPrefix(k, "vote.") && !used[k] {
			t.Errorf("%s is never used", k)
		}
	}
	if got := cat.T(i18n.EN, "vote.vote.fallback_label"); got != "Voting without JavaScript:" {
		t.Errorf("English fallback label %q", got)
	}
}
