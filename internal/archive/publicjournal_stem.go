package archive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The public journal's text search on SQLite: FTS5 has no Norwegian
// tokenizer, so the indexer and the query both reduce words to their stems
// in Go (journalWords), and FTS5 indexes the stems with its plain
// unicode61 tokenizer. One stemmer on both sides means "søknaden",
// "søknader" and "søknadene" all find "Søknad". PostgreSQL does the same
// with to_tsvector('norwegian', ...), whose Snowball stemmer this follows.

// maxQueryWords bounds the words of one search.
const maxQueryWords = 12

// journalWords splits text into lower-case words (letters or digits) and
// stems the words of letters. Words longer than 64 letters are dropped.
func journalWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) > 64 {
			continue
		}
		out = append(out, stemNorwegian(w))
	}
	return out
}

func isNorVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'æ', 'å', 'ø':
		return true
	}
	return false
}

// stemNorwegian is the Snowball Norwegian stemmer (bokmål): it removes
// the common inflectional suffixes of a lower-case word. Words with
// anything but letters are returned unchanged.
func stemNorwegian(word string) string {
	w := []rune(word)
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return word
		}
	}
	// R1: after the first non-vowel that follows a vowel, at least 3 in.
	p1 := len(w)
	for i := 1; i < len(w); i++ {
		if !isNorVowel(w[i]) && isNorVowel(w[i-1]) {
			p1 = i + 1
			break
		}
	}
	if p1 < 3 {
		p1 = 3
	}
	if p1 > len(w) {
		return word
	}
	hasSuffix := func(s string) bool {
		sr := []rune(s)
		if len(sr) > len(w) || len(w)-len(sr) < p1 {
			return false
		}
		return string(w[len(w)-len(sr):]) == s
	}
	// Step 1 (the longest suffix in R1 wins).
	step1 := []string{"hetenes", "hetene", "hetens", "heten", "heter", "endes", "ande", "ende", "edes", "enes", "erte", "ede", "ane",
		"ene", "ens", "ers", "ets", "het", "ast", "ert", "en", "ar", "er", "as", "es", "et", "a", "e", "s"}
	for _, s := range step1 {
		if !hasSuffix(s) {
			continue
		}
		switch s {
		case "erte", "ert":
			w = append(w[:len(w)-len([]rune(s))], 'e', 'r')
		case "s":
			if len(w) >= 2 {
				prev := w[len(w)-2]
				if strings.ContainsRune("bcdfghjlmnoprtvyz", prev) || prev == 'k' && len(w) >= 3 && !isNorVowel(w[len(w)-3]) {
					w = w[:len(w)-1]
				}
			}
		default:
			w = w[:len(w)-len([]rune(s))]
		}
		break
	}
	// Step 2.
	if hasSuffix("dt") || hasSuffix("vt") {
		w = w[:len(w)-1]
	}
	// Step 3.
	for _, s := range []string{"hetslov", "eleg", "elig", "elov", "slov", "leg", "eig", "lig", "els", "lov", "ig"} {
		if hasSuffix(s) {
			w = w[:len(w)-len([]rune(s))]
			break
		}
	}
	return string(w)
}
