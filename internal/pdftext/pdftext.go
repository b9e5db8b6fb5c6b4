// Package pdftext sets text in the PDF standard fonts (Helvetica,
// Helvetica-Bold and Courier, which every PDF reader has and which are
// therefore not embedded): it converts text to their WinAnsiEncoding,
// measures it with Adobe's published widths and breaks it into lines. The
// signed receipts and the printed letters use it.
package pdftext

import (
	"unicode/utf8"
)

// Font is one of the three standard fonts.
type Font int

// The fonts; a document that uses them names them /F1, /F2, /F3 in this
// order by convention.
const (
	Regular Font = iota // Helvetica
	Bold                // Helvetica-Bold
	Mono                // Courier
)

// Encode converts UTF-8 text to WinAnsiEncoding (Windows code page
// 1252 as PDF defines it, ISO 32000-1 Annex D), the encoding the PDF's
// standard fonts use:
//
//   - ASCII, Latin-1 (æøåÆØÅ, é, ü, ...) and the code page's extras (€, –,
//     —, curly quotes, …, Š, Ž, Œ, ...) map to their codes.
//   - A letter followed by a combining accent (decomposed text, as macOS
//     writes file names: "a" + U+030A) is composed when the result exists
//     in the encoding ("å").
//   - Line breaks (LF, CR LF, CR, U+2028, U+2029) become '\n'; tabs and the
//     Unicode space characters become ' '; soft hyphens and zero-width
//     characters are dropped; U+2010, U+2011 and U+2212 become '-'.
//   - Everything else — other scripts, Sámi letters such as č, đ, ŋ, ŧ,
//     emoji, control characters, invalid UTF-8 — becomes '?'. This is the
//     limit of fonts that are not embedded; the signed JSON copy inside the
//     PDF keeps the exact text.
func Encode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			out = append(out, '?')
			continue
		}
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			out = append(out, '\n')
		case r == '\n', r == 0x2028, r == 0x2029:
			out = append(out, '\n')
		case r == '\t', r >= 0x2000 && r <= 0x200A, r == 0x202F, r == 0x205F, r == 0x3000:
			out = append(out, ' ')
		case r == 0xAD, r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
			// invisible: dropped
		case r == 0x2010, r == 0x2011, r == 0x2212:
			out = append(out, '-')
		case r >= 0x300 && r <= 0x36F:
			n := len(out)
			if n > 0 {
				if c, ok := compose(out[n-1], r); ok {
					out[n-1] = c
					continue
				}
				if isLetter(out[n-1]) {
					out[n-1] = '?' // the letter with this accent does not exist here
					continue
				}
			}
			out = append(out, '?')
		default:
			out = append(out, winAnsiCode(r))
		}
	}
	return out
}

// winAnsiCode returns the WinAnsiEncoding code of r, or '?'.
func winAnsiCode(r rune) byte {
	switch {
	case r >= 0x20 && r < 0x7F, r >= 0xA0 && r <= 0xFF:
		return byte(r)
	}
	switch r {
	case '€':
		return 0x80
	case '‚':
		return 0x82
	case 'ƒ':
		return 0x83
	case '„':
		return 0x84
	case '…':
		return 0x85
	case '†':
		return 0x86
	case '‡':
		return 0x87
	case 'ˆ':
		return 0x88
	case '‰':
		return 0x89
	case 'Š':
		return 0x8A
	case '‹':
		return 0x8B
	case 'Œ':
		return 0x8C
	case 'Ž':
		return 0x8E
	case '\u2018':
		return 0x91
	case '\u2019':
		return 0x92
	case '\u201C':
		return 0x93
	case '\u201D':
		return 0x94
	case '•':
		return 0x95
	case '–':
		return 0x96
	case '—':
		return 0x97
	case '˜':
		return 0x98
	case '™':
		return 0x99
	case 'š':
		return 0x9A
	case '›':
		return 0x9B
	case 'œ':
		return 0x9C
	case 'ž':
		return 0x9E
	case 'Ÿ':
		return 0x9F
	}
	return '?'
}

// isLetter reports whether the WinAnsi code c is an ASCII letter.
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// compose returns the WinAnsi code of base with the combining mark added,
// if the encoding has that letter. Each case lists the base letters and,
// at the same positions, the composed letters' codes.
func compose(base byte, mark rune) (byte, bool) {
	var bases, composed string
	switch mark {
	case 0x300: // grave
		bases, composed = "AEIOUaeiou", "\xC0\xC8\xCC\xD2\xD9\xE0\xE8\xEC\xF2\xF9"
	case 0x301: // acute
		bases, composed = "AEIOUYaeiouy", "\xC1\xC9\xCD\xD3\xDA\xDD\xE1\xE9\xED\xF3\xFA\xFD"
	case 0x302: // circumflex
		bases, composed = "AEIOUaeiou", "\xC2\xCA\xCE\xD4\xDB\xE2\xEA\xEE\xF4\xFB"
	case 0x303: // tilde
		bases, composed = "ANOano", "\xC3\xD1\xD5\xE3\xF1\xF5"
	case 0x308: // diaeresis
		bases, composed = "AEIOUYaeiouy", "\xC4\xCB\xCF\xD6\xDC\x9F\xE4\xEB\xEF\xF6\xFC\xFF"
	case 0x30A: // ring above
		bases, composed = "Aa", "\xC5\xE5"
	case 0x30C: // caron
		bases, composed = "SZsz", "\x8A\x8E\x9A\x9E"
	case 0x327: // cedilla
		bases, composed = "Cc", "\xC7\xE7"
	}
	for i := 0; i < len(bases); i++ {
		if bases[i] == base {
			return composed[i], true
		}
	}
	return 0, false
}

// Width returns the advance width of code c in font f, in 1/1000 em.
func Width(f Font, c byte) int {
	var table string
	switch f {
	case Mono:
		return 600
	case Bold:
		table = helveticaBoldWidths
	default:
		table = helveticaWidths
	}
	return int(table[2*int(c)])<<8 | int(table[2*int(c)+1])
}

// TextWidth returns the width of WinAnsi text s in font f at size points.
func TextWidth(f Font, size float64, s []byte) float64 {
	w := 0
	for _, c := range s {
		w += Width(f, c)
	}
	return float64(w) * size / 1000
}

// Wrap breaks WinAnsi text into lines no wider than width: at '\n', and
// between words (at spaces) where a line would get too wide. A word wider
// than a whole line is broken between characters. Runs of spaces at a
// break disappear; trailing line breaks are dropped. Empty text gives no
// lines.
func Wrap(text []byte, f Font, size, width float64) [][]byte {
	for len(text) > 0 && text[len(text)-1] == '\n' {
		text = text[:len(text)-1]
	}
	if len(text) == 0 {
		return nil
	}
	var lines [][]byte
	for _, para := range splitByte(text, '\n') {
		var line []byte
		lineW := 0.0
		spaceW := TextWidth(f, size, []byte{' '})
		emitted := false
		for _, word := range splitByte(para, ' ') {
			if len(word) == 0 {
				continue
			}
			ww := TextWidth(f, size, word)
			if len(line) > 0 && lineW+spaceW+ww <= width {
				line = append(append(line, ' '), word...)
				lineW += spaceW + ww
				continue
			}
			if len(line) > 0 {
				lines = append(lines, line)
				emitted = true
			}
			line, lineW = nil, 0
			if ww > width && len(word) > 1 {
				// Break the word after as many characters as fit on a
				// line (at least one); the rest starts the next line.
				start, w := 0, 0.0
				for i, c := range word {
					cw := float64(Width(f, c)) * size / 1000
					if i > start && w+cw > width {
						lines = append(lines, word[start:i:i])
						emitted = true
						start, w = i, 0
					}
					w += cw
				}
				word, ww = word[start:], w
			}
			line = append(line, word...)
			lineW = ww
		}
		if len(line) > 0 || !emitted {
			lines = append(lines, line)
		}
	}
	return lines
}

// splitByte splits s at every sep.
func splitByte(s []byte, sep byte) [][]byte {
	var parts [][]byte
	start := 0
	for i, c := range s {
		if c == sep {
			parts = append(parts, s[start:i:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
