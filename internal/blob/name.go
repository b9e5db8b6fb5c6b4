package blob

import (
	"strings"
	"unicode"
)

// MaxNameLen is the longest file name CleanName keeps, in characters.
const MaxNameLen = 200

// CleanName makes the name a browser sent with an upload safe to store and
// show: the last path element only (browsers may send C:\...\x.pdf),
// valid UTF-8 without control characters, replacement characters or
// double quotes, at most MaxNameLen characters; fallback when nothing is
// left. The name is never trusted for the file's type (see SniffType).
func CleanName(s, fallback string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar || r == '"' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if r := []rune(s); len(r) > MaxNameLen {
		s = string(r[:MaxNameLen])
	}
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
