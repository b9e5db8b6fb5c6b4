package dialogue_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/i18n"
)

// TestMessages checks that every key is in all three languages and that
// every message key the templates and the code use exists. Audit actions
// ("dialogue.hearing.create", ...) are not messages.
func TestMessages(t *testing.T) {
	cat := i18n.NewCatalog()
	if err := cat.AddFS(dialogue.Messages()); err != nil {
		t.Fatal(err)
	}
	for _, m := range cat.Complete() {
		t.Errorf("missing: %s", m)
	}
	known := map[string]bool{}
	for _, k := range cat.Keys() {
		known[k] = true
	}
	actions := map[string]bool{"dialogue.hearing.create": true, "dialogue.hearing.document": true, "dialogue.hearing.publish": true,
		"dialogue.hearing.result": true, "dialogue.statement.submit": true, "dialogue.statements.read": true, "dialogue.question.ask": true,
		"dialogue.question.answer": true, "dialogue.question.hide": true, "dialogue.thread.start": true, "dialogue.post.add": true,
		"dialogue.post.report": true, "dialogue.post.hide": true, "dialogue.thread.subscribe": true, "dialogue.thread.unsubscribe": true}
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	key := regexp.MustCompile(`"(dialogue\.[a-z_.]+[a-z_])"`)
	for _, f := range append(files, gofiles...) {
		if filepath.Ext(f) == ".go" && len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if !known[m[1]] && !actions[m[1]] {
				t.Errorf("%s uses %s, which has no message", f, m[1])
			}
		}
	}
}
