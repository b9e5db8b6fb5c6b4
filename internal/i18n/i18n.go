// Package i18n holds Torg's user-facing text in bokmål (the default),
// nynorsk and English.
//
// Each module ships its own messages as flat JSON files nb.json, nn.json and
// en.json (key → text; fmt verbs for arguments) and adds them to the one
// Catalog at start. Complete reports every key that is missing in some
// language, and a test in each module calls it, so a missing translation
// fails the build's tests instead of showing a key to a citizen.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Lang is a language tag Torg speaks.
type Lang string

// The languages, bokmål first: it is the default.
const (
	NB Lang = "nb"
	NN Lang = "nn"
	EN Lang = "en"
)

// Langs lists the supported languages in display order.
var Langs = []Lang{NB, NN, EN}

// Parse returns the supported language for a tag such as "nn", "nn-NO",
// "no", "nb-NO" or "en-GB", and false when none fits.
func Parse(tag string) (Lang, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "nb", "no":
		return NB, true
	case "nn":
		return NN, true
	case "en":
		return EN, true
	}
	return "", false
}

// Negotiate picks the language from an explicit choice (a cookie or query
// value) if it is supported, else from an Accept-Language header (the first
// supported entry with the highest q), else bokmål.
func Negotiate(choice, acceptLanguage string) Lang {
	if l, ok := Parse(choice); ok {
		return l
	}
	best, bestQ := NB, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		l, ok := Parse(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// Catalog maps message keys to text per language. Build it at start with
// Add; after that it is only read, so it is safe for concurrent use.
type Catalog struct {
	msgs map[Lang]map[string]string
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		c.msgs[l] = map[string]string{}
	}
	return c
}

// AddFS reads nb.json, nn.json and en.json from the root of fsys. A key
// defined twice (by two modules) is an error.
func (c *Catalog) AddFS(fsys fs.FS) error {
	for _, l := range Langs {
		b, err := fs.ReadFile(fsys, string(l)+".json")
		if err != nil {
			return fmt.Errorf("i18n: %w", err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("i18n: %s.json: %w", l, err)
		}
		if err := c.Add(l, m); err != nil {
			return err
		}
	}
	return nil
}

// Add adds messages for one language. A key defined twice is an error.
func (c *Catalog) Add(l Lang, m map[string]string) error {
	dst, ok := c.msgs[l]
	if !ok {
		return fmt.Errorf("i18n: unsupported language %q", l)
	}
	for k, v := range m {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("i18n: key %q defined twice for %s", k, l)
		}
		dst[k] = v
	}
	return nil
}

// Has reports whether key exists in every language.
func (c *Catalog) Has(key string) bool {
	for _, l := range Langs {
		if _, ok := c.msgs[l][key]; !ok {
			return false
		}
	}
	return true
}

// T returns the text for key in language l, formatted with args. A key
// missing in l falls back to bokmål; a key missing everywhere is returned
// in brackets, so it is visible in tests and never breaks a page.
func (c *Catalog) T(l Lang, key string, args ...any) string {
	s, ok := c.msgs[l][key]
	if !ok {
		s, ok = c.msgs[NB][key]
	}
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Complete lists, sorted, every "lang: key" pair where a key that exists in
// some language is missing or empty in another.
func (c *Catalog) Complete() []string {
	all := map[string]bool{}
	for _, m := range c.msgs {
		for k := range m {
			all[k] = true
		}
	}
	var missing []string
	for k := range all {
		for _, l := range Langs {
			if strings.TrimSpace(c.msgs[l][k]) == "" {
				missing = append(missing, string(l)+": "+k)
			}
		}
	}
	sort.Strings(missing)
	return missing
}

// Keys returns every key known in bokmål, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs[NB]))
	for k := range c.msgs[NB] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Dir returns folder dir of fsys, for a module's embedded message files
// ("messages"). A missing folder can only be a build mistake, so it
// panics.
func Dir(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("i18n: %v", err))
	}
	return sub
}
