package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The light Norwegian normaliser. SQLite's FTS5 knows no Norwegian, so Torg
// normalises text itself before it goes into the index, and every query the
// same way, so that the two meet. PostgreSQL uses its own 'norwegian'
// snowball stemmer instead (see search.go); the normaliser is used there only
// to find the words to highlight.
//
// A word is a run of letters and digits (combining marks and invisible
// format characters such as the soft hyphen belong to the word around them).
// Each word is
//
//  1. lower-cased;
//  2. folded: a combining ring or diaeresis after a, o is composed (so a
//     decomposed "å" equals the precomposed one); ä and ö become æ and ø (the
//     Swedish and German letters people type for them); other accented Latin
//     letters lose their accent (é → e, ü → u, so "kafé" finds "kafe"); ß
//     becomes ss; any other combining mark is dropped. Æ, ø and å are kept
//     apart from a and o: "får" (gets) and "far" (father) are different words;
//  3. stemmed: common inflection endings are removed, repeatedly, as long as
//     the rest keeps the word's first syllable (R1 below): first a genitive -s
//     after a consonant that can end a Norwegian word stem (kommunens →
//     kommunen), then the longest of -ene, -ane, -en, -et, -er, -ar, -a, -e.
//     So barnehage, barnehagen, barnehagene all become "barnehag",
//     søknaden and søknader become "søknad", skolen and skole become "skol".
//     The endings cover bokmål and nynorsk nouns (bilen, bilene, bilar,
//     bilane; huset; jenta) and present tense verbs (søker → søk).
//
// R1, as in the snowball stemmers, is the part of a word after the first
// consonant that follows a vowel, but never less than the first three
// letters. Keeping R1 stops short words from losing their meaning: "bil",
// "hus" and "by" are left alone, and "eiendom" is not touched.
//
// Queries are searched as prefixes of these stems, which is what makes
// compounds work: "barnehage" → "barnehag*" matches "barnehageplass", and
// "skole" → "skol*" matches "skoleskyss". The price is that a short stem
// matches unrelated longer words too ("by*" also finds "bygg"); ranking puts
// the better matches first.
//
// Known limits: the rules are a heuristic, not a dictionary. Irregular forms
// (bok/bøker, mann/menn, gå/gikk) do not meet; a word whose second part is
// searched for ("plass" in "barnehageplass") is not found by prefix; English
// text in the index gets the same Norwegian rules, which is harmless because
// queries are treated alike (kindergarten → "kindergart*" finds both
// kindergarten and kindergartens); and stemming is not perfectly even
// ("lærer" → "lær" but "lærere" → "lærer", so the plural query does not
// find the singular).

// minTermRunes is the shortest word that counts as a term; single letters and
// digits carry no meaning worth searching for.
const minTermRunes = 2

// Normalize returns the search terms of s, in order and with repeats: every
// word lower-cased, folded and stemmed as described above, dropping words
// shorter than two letters. The terms hold only letters and digits, so they
// are safe to quote in an FTS5 query. Stop-words are kept: they are left out
// of queries, not of the index.
func Normalize(s string) []string {
	var out []string
	eachWord(s, func(_, _ int, w string) {
		if t := stem(fold(w)); utf8.RuneCountInString(t) >= minTermRunes {
			out = append(out, t)
		}
	})
	return out
}

// normalizedText is Normalize joined with spaces: what SQLite indexes.
func normalizedText(s string) string { return strings.Join(Normalize(s), " ") }

// eachWord calls fn with the byte offsets and text of every word in s: a
// maximal run of letters and digits with the combining marks and invisible
// format characters (soft hyphen, zero-width joiner) inside or after them.
// A zero-width space separates words, as a space does.
func eachWord(s string, fn func(start, end int, w string)) {
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsNumber(r) ||
			(start >= 0 && (unicode.Is(unicode.Mn, r) || (unicode.Is(unicode.Cf, r) && r != '\u200b')))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			fn(start, i, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		fn(start, len(s), s[start:])
	}
}

// foldMap folds accented letters that Norwegians may meet or type to the
// letters they are searched by. Æ, ø and å are never folded.
var foldMap = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ā': "a", 'ä': "æ",
	'ç': "c", 'č': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ō': "o", 'ö': "ø", 'ǿ': "ø",
	'š': "s", 'ß': "ss",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'ÿ': "y",
	'ž': "z",
}

// fold lower-cases a word, composes å, ä and ö written with combining
// marks, folds accents away (ä → æ, ö → ø, é → e) and drops the remaining
// combining marks. The result holds only letters and digits.
func fold(w string) string { return clean(w, true) }

// lowerWord is fold without the accent folding, for PostgreSQL, whose index
// keeps accents.
func lowerWord(w string) string { return clean(w, false) }

// clean lower-cases w and keeps its letters and digits, composing a letter
// with a following combining ring, diaeresis or stroke where Norwegian has
// the precomposed letter, and dropping other combining marks. With
// foldAccents, foldMap is applied too.
func clean(w string, foldAccents bool) string {
	var rs []rune
	for _, r := range strings.ToLower(w) {
		if unicode.Is(unicode.Mn, r) {
			if n := len(rs); n > 0 {
				switch {
				case r == '\u030a' && rs[n-1] == 'a':
					rs[n-1] = 'å'
				case r == '\u0308' && rs[n-1] == 'a':
					rs[n-1] = 'ä'
				case r == '\u0308' && rs[n-1] == 'o':
					rs[n-1] = 'ö'
				case r == '\u0338' && rs[n-1] == 'o':
					rs[n-1] = 'ø'
				}
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			rs = append(rs, r)
		}
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range rs {
		if f, ok := foldMap[r]; ok && foldAccents {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// suffixes are the inflection endings stem removes, longest first.
var suffixes = []string{"ene", "ane", "en", "et", "er", "ar", "a", "e"}

func isVowel(r rune) bool { return strings.ContainsRune("aeiouyæøå", r) }

// region1 returns the index (in runes) where R1 begins: after the first
// non-vowel that follows a vowel, and at least 3.
func region1(w []rune) int {
	for i := 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return max(i+1, 3)
		}
	}
	return len(w)
}

// sEnding reports whether a word may lose a final -s after w (a genitive):
// when w ends in one of the consonants below, as in the snowball Norwegian
// stemmer, or in k after a consonant. "kurs" and "hus" keep their s by R1,
// "prosess" because ss is not on the list.
func sEnding(w []rune) bool {
	n := len(w)
	if n == 0 {
		return false
	}
	last := w[n-1]
	if last == 'k' {
		return n >= 2 && !isVowel(w[n-2])
	}
	return strings.ContainsRune("bcdfghjlmnoprtvyz", last)
}

// stem removes inflection endings from a folded word, as long as R1 allows,
// until none is left. It is idempotent.
func stem(w string) string {
	r := []rune(w)
	r1 := region1(r)
	for {
		n := len(r)
		if n-1 >= r1 && r[n-1] == 's' && sEnding(r[:n-1]) {
			r = r[:n-1]
			continue
		}
		cut := false
		for _, suf := range suffixes {
			k := utf8.RuneCountInString(suf)
			if n-k >= r1 && string(r[n-k:]) == suf {
				r = r[:n-k]
				cut = true
				break
			}
		}
		if !cut {
			return string(r)
		}
	}
}

// stopWords are left out of queries: function words in bokmål, nynorsk and
// English that would match nearly every text. Words that are also common
// Norwegian content words (by, is, and, do) are not on the list.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		alle at av bare begge ble bli blir blitt både båe da de deg dei deim deira deires dem den denne der dere deres det dette di din disse ditt du dykk dykkar då
		eg ein eit eitt eller elles en enn er et ett etter for fordi fra før ha hadde han hans har hennar henne hennes her hjå ho hoe honom hoss hossen hun hva hvem hver hvilke hvilken hvis hvor hvordan hvorfor
		i ikke ikkje ingen ingi inkje inn inni ja jeg kan kom korleis korso kun kunne kva kvar kvarhelst kven kvi kvifor man mange me med medan meg meget mellom men mi min mine mitt mot mykje
		ned no noe noen noka noko nokon nokor nokre nå når og også om opp oss over på sa samme seg selv si sia sidan siden sin sine sitt sjøl skal skulle slik so som somme somt så sånn
		til um upp ut uten var vart varte ved vere verte vi vil ville vore vors vort vår være vært å
		a about an are as at be but can for from how i if in into it its my of on or our that the their them then there these they this to was we what when where which who why will with you your`) {
		m[w] = true
	}
	return m
}()

// maxQueryRunes is the longest query Search accepts.
const maxQueryRunes = 200

// maxQueryTerms bounds the work one query can cause; words after it are
// ignored.
const maxQueryTerms = 12

// queryTerm is one word of a query: as typed (lower-cased, marks composed or
// dropped but accents kept), for PostgreSQL's own stemmer, and normalised,
// for SQLite and for highlighting.
type queryTerm struct {
	word string
	stem string
}

// parseQuery splits a query into its terms, leaving out stop-words, words
// shorter than two letters and repeats. It returns no terms for a query of
// only stop-words and punctuation.
func parseQuery(q string) []queryTerm {
	var out []queryTerm
	seen := map[string]bool{}
	eachWord(q, func(_, _ int, w string) {
		if len(out) >= maxQueryTerms {
			return
		}
		f := fold(w)
		if utf8.RuneCountInString(f) < minTermRunes || stopWords[f] {
			return
		}
		st := stem(f)
		if utf8.RuneCountInString(st) < minTermRunes || seen[st] {
			return
		}
		seen[st] = true
		out = append(out, queryTerm{word: lowerWord(w), stem: st})
	})
	return out
}
