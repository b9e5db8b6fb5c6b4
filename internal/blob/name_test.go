package blob

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"søknad.pdf":             "søknad.pdf",
		`C:\Users\kari\brev.pdf`: "brev.pdf",
		"../../etc/passwd":       "passwd",
		"a\x00b\r\n\"c\".txt":    "abc.txt",
		"\xff\xfe":               "fil",
		"   ":                    "fil",
		"dir/":                   "fil",
		strings.Repeat("æ", 250): strings.Repeat("æ", 200),
		"x\u0085y\u009f.pdf":     "xy.pdf",
		"«endelig» 100%.pdf":     "«endelig» 100%.pdf",
	} {
		if got := CleanName(in, "fil"); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCleanName: whatever a browser sends, the name is one path element
// of valid UTF-8 without control characters or quotes, never empty.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"a.pdf", `C:\x\y.pdf`, "../../etc/passwd", "\x00", "\"a\".txt", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := CleanName(s, "fil")
		if n == "" || strings.ContainsAny(n, "/\\\"\x00\r\n\x7f") || !utf8.ValidString(n) || utf8.RuneCountInString(n) > MaxNameLen {
			t.Fatalf("CleanName(%q) = %q", s, n)
		}
	})
}
