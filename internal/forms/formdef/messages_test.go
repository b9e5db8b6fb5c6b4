package formdef

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/nin"
)

// readMessages reads one language of Messages.
func readMessages(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(Messages(), lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

// TestMessagesComplete checks that every language has the same keys, no
// empty texts and the same format verbs, that every key the code uses is
// there, and that fødselsnummer keys come from package nin.
func TestMessagesComplete(t *testing.T) {
	langs := map[string]map[string]string{}
	for _, l := range []string{"nb", "nn", "en"} {
		langs[l] = readMessages(t, l)
	}
	verb := regexp.MustCompile(`%[a-z]`)
	for key, nb := range langs["nb"] {
		if !strings.HasPrefix(key, "forms.") {
			t.Errorf("key %q does not start with the module name", key)
		}
		for _, l := range []string{"nn", "en"} {
			text, ok := langs[l][key]
			switch {
			case !ok:
				t.Errorf("%s: missing %q", l, key)
			case strings.TrimSpace(text) == "":
				t.Errorf("%s: empty %q", l, key)
			case !slices.Equal(verb.FindAllString(text, -1), verb.FindAllString(nb, -1)):
				t.Errorf("%s: %q has verbs %v, bokmål %v", l, key, verb.FindAllString(text, -1), verb.FindAllString(nb, -1))
			}
		}
	}
	for _, l := range []string{"nn", "en"} {
		for key := range langs[l] {
			if _, ok := langs["nb"][key]; !ok {
				t.Errorf("%s: %q is not in nb", l, key)
			}
		}
	}
	// Every "forms.*" key written in the code is in the catalogue.
	used := regexp.MustCompile(`"(forms\.[a-z_.]+[a-z_])"`)
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, file := range files {
		if !strings.HasSuffix(file.Name(), ".go") || strings.HasSuffix(file.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(file.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			found++
			if _, ok := langs["nb"][m[1]]; !ok && !strings.HasSuffix(m[1], ".") {
				t.Errorf("%s uses %q, which is not in the catalogue", file.Name(), m[1])
			}
		}
	}
	if found < 40 {
		t.Errorf("found only %d keys in the code", found)
	}
	for _, cat := range privacyOrder() {
		if _, ok := langs["nb"]["forms.privacy.data."+cat]; !ok {
			t.Errorf("no text for data category %q", cat)
		}
	}
	for _, p := range []nin.Part{nin.PartLength, nin.PartFormat, nin.PartDate, nin.PartIndividual, nin.PartCheck1, nin.PartCheck2} {
		for _, l := range []string{"nb", "nn", "en"} {
			if nin.Messages[l][p.Key()] == "" {
				t.Errorf("nin has no %s text for %q", l, p.Key())
			}
		}
	}
}

// TestMessagesFormat checks that each text formats its arguments.
func TestMessagesFormat(t *testing.T) {
	for _, l := range []string{"nb", "nn", "en"} {
		for key, text := range readMessages(t, l) {
			n := strings.Count(text, "%d") + strings.Count(text, "%v")
			if strings.Count(text, "%") != n {
				t.Errorf("%s %q: only %%d and %%v are used: %q", l, key, text)
			}
			args := make([]any, n)
			for i := range args {
				args[i] = 3
			}
			if s := fmt.Sprintf(text, args...); strings.Contains(s, "%!") {
				t.Errorf("%s %q: %q", l, key, s)
			}
		}
	}
}

// TestNynorsk catches bokmål words in the nynorsk texts.
func TestNynorsk(t *testing.T) {
	bokmal := []string{"ikke", "hva", "hvor", "hvis", "hvilke", "hvilken", "noen", "et", "en", "fra", "mer", "skrevet", "velge", "legge", "søke", "eller et", "hjemmet", "skole", "vei", "navn", "opplysninger", "behandler", "hentes", "dem", "mindre enn"}
	word := regexp.MustCompile(`\pL+`)
	check := func(where, text string) {
		for _, w := range word.FindAllString(strings.ToLower(text), -1) {
			if slices.Contains(bokmal, w) {
				t.Errorf("%s: bokmål word %q in nynorsk %q", where, w, text)
			}
		}
	}
	for key, text := range readMessages(t, "nn") {
		check(key, text)
	}
	for id, b := range Library() {
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		var walk func(v any, path string)
		walk = func(v any, path string) {
			switch x := v.(type) {
			case map[string]any:
				for k, e := range x {
					if k == "nn" {
						if s, ok := e.(string); ok {
							check(id+" "+path, s)
						}
					}
					walk(e, path+"."+k)
				}
			case []any:
				for i, e := range x {
					walk(e, fmt.Sprintf("%s[%d]", path, i))
				}
			}
		}
		walk(doc, "")
	}
}

// TestEveryErrorKeyTested checks that the tests produce every error key:
// each "forms.error.*" key appears in testdata/values.json or, by its
// literal or its Key constant, in a test file.
func TestEveryErrorKeyTested(t *testing.T) {
	var tests strings.Builder
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if strings.HasSuffix(file.Name(), "_test.go") && file.Name() != "messages_test.go" {
			b, err := os.ReadFile(file.Name())
			if err != nil {
				t.Fatal(err)
			}
			tests.Write(b)
		}
	}
	values, err := os.ReadFile("testdata/values.json")
	if err != nil {
		t.Fatal(err)
	}
	tests.Write(values)
	src, err := os.ReadFile("values.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	for _, m := range regexp.MustCompile(`(Key\w+)\s*=\s*"([a-z_.]+)"`).FindAllStringSubmatch(string(src), -1) {
		consts[m[2]] = m[1]
	}
	for key := range readMessages(t, "nb") {
		if !strings.HasPrefix(key, "forms.error.") {
			continue
		}
		literal := regexp.MustCompile(regexp.QuoteMeta(key) + `\b`)
		if !literal.MatchString(tests.String()) && (consts[key] == "" || !regexp.MustCompile(`\b`+consts[key]+`\b`).MatchString(tests.String())) {
			t.Errorf("no test produces %q", key)
		}
	}
	if got := ErrorKeys([]FieldError{{Path: "a", Key: "k1"}, {Path: "a", Key: "k2"}, {Path: "b.0.c", Key: "k3"}}); len(got) != 2 || got["a"] != "k1" || got["b.0.c"] != "k3" {
		t.Errorf("ErrorKeys = %v", got)
	}
}
