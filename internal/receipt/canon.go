package receipt

import (
	"fmt"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a strict JSON parser and the canonical encoder that
// receipt signatures are computed over. The canonical form is RFC 8785
// (JSON Canonicalization Scheme, JCS) for the JSON values receipts use; see
// the package documentation for the rules. Values are held as:
//
//	string      a JSON string
//	int64       a JSON number, which must be an integer (see below)
//	bool        true or false
//	nil         null
//	[]any       an array
//	jsonObject  an object, members in document order

// jsonObject is a JSON object with its members in document order. Keys are
// unique.
type jsonObject []jsonMember

// jsonMember is one member of a jsonObject.
type jsonMember struct {
	key string
	val any
}

// get returns the value of the member named key.
func (o jsonObject) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// maxJSONDepth bounds the nesting of arrays and objects the parser accepts,
// so hostile input cannot exhaust the stack. Receipts nest three deep.
const maxJSONDepth = 64

// jsonSyntaxError is a parse failure at a byte offset.
type jsonSyntaxError struct {
	off int
	msg string
}

// Error returns the message with its offset.
func (e *jsonSyntaxError) Error() string { return fmt.Sprintf("byte %d: %s", e.off, e.msg) }

// parseJSON parses data as exactly one JSON value (RFC 8259) with white
// space around it, and the restrictions of I-JSON (RFC 7493) that make the
// canonical form well defined: the text must be valid UTF-8, strings must
// not contain lone surrogates, object keys must be unique, and numbers must
// be integers without fraction or exponent whose magnitude is at most
// 2^53 − 1. A leading UTF-8 byte order mark is skipped.
func parseJSON(data []byte) (any, *jsonSyntaxError) {
	p := jsonParser{data: data}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
	}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.data) {
		return nil, p.fail("unexpected data after the JSON value")
	}
	return v, nil
}

// jsonParser is the state of parseJSON.
type jsonParser struct {
	data  []byte
	pos   int
	depth int
}

// fail returns a syntax error at the current position.
func (p *jsonParser) fail(format string, args ...any) *jsonSyntaxError {
	return &jsonSyntaxError{off: p.pos, msg: fmt.Sprintf(format, args...)}
}

// space skips white space.
func (p *jsonParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses one value at the current position.
func (p *jsonParser) value() (any, *jsonSyntaxError) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	default:
		return nil, p.fail("unexpected character %q", rune(c))
	}
}

// literal consumes the keyword lit.
func (p *jsonParser) literal(lit string) *jsonSyntaxError {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("invalid literal (want %s)", lit)
	}
	p.pos += len(lit)
	return nil
}

// enter and leave track nesting depth.
func (p *jsonParser) enter() *jsonSyntaxError {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.fail("nested deeper than %d levels", maxJSONDepth)
	}
	return nil
}

// leave ends a nesting level.
func (p *jsonParser) leave() { p.depth-- }

// object parses an object.
func (p *jsonParser) object() (any, *jsonSyntaxError) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++ // {
	obj := jsonObject{}
	seen := map[string]bool{}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return obj, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("want a member name in double quotes")
		}
		keyAt := p.pos
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, &jsonSyntaxError{off: keyAt, msg: fmt.Sprintf("duplicate member %q", key)}
		}
		seen[key] = true
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("want ':' after a member name")
		}
		p.pos++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		obj = append(obj, jsonMember{key: key, val: v})
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in an object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return obj, nil
		default:
			return nil, p.fail("want ',' or '}' in an object")
		}
	}
}

// array parses an array.
func (p *jsonParser) array() (any, *jsonSyntaxError) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++ // [
	arr := []any{}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return arr, nil
	}
	for {
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in an array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return arr, nil
		default:
			return nil, p.fail("want ',' or ']' in an array")
		}
	}
}

// number parses an integer.
func (p *jsonParser) number() (any, *jsonSyntaxError) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.data) && '0' <= p.data[p.pos] && p.data[p.pos] <= '9' {
		p.pos++
	}
	switch {
	case p.pos == digits:
		return nil, p.fail("want a digit")
	case p.data[digits] == '0' && p.pos-digits > 1:
		return nil, &jsonSyntaxError{off: start, msg: "number with a leading zero"}
	case p.pos < len(p.data) && (p.data[p.pos] == '.' || p.data[p.pos] == 'e' || p.data[p.pos] == 'E'):
		return nil, &jsonSyntaxError{off: start, msg: "numbers must be integers without fraction or exponent"}
	case p.pos-digits > 16:
		return nil, &jsonSyntaxError{off: start, msg: "integer out of range (more than 2^53 − 1)"}
	}
	n, err := strconv.ParseInt(string(p.data[start:p.pos]), 10, 64)
	if err != nil || n > maxSafeInt || n < -maxSafeInt {
		return nil, &jsonSyntaxError{off: start, msg: "integer out of range (more than 2^53 − 1)"}
	}
	return n, nil
}

// str parses a string.
func (p *jsonParser) str() (string, *jsonSyntaxError) {
	p.pos++ // opening quote
	var b []byte
	for {
		if p.pos >= len(p.data) {
			return "", p.fail("unexpected end of input in a string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(b), nil
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			b = utf8.AppendRune(b, r)
		case c < 0x20:
			return "", p.fail("control character in a string (escape it)")
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.fail("invalid UTF-8")
			}
			b = append(b, p.data[p.pos:p.pos+size]...)
			p.pos += size
		}
	}
}

// escape parses one escape sequence in a string, starting at the
// backslash, and returns the character it stands for.
func (p *jsonParser) escape() (rune, *jsonSyntaxError) {
	if p.pos+1 >= len(p.data) {
		return 0, p.fail("unexpected end of input in an escape")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return 0, err
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		if r >= 0xDC00 || p.pos+1 >= len(p.data) || p.data[p.pos] != '\\' || p.data[p.pos+1] != 'u' {
			return 0, p.fail("lone surrogate in \\u escape")
		}
		p.pos += 2
		r2, err := p.hex4()
		if err != nil {
			return 0, err
		}
		combined := utf16.DecodeRune(r, r2)
		if combined == utf8.RuneError {
			return 0, p.fail("lone surrogate in \\u escape")
		}
		return combined, nil
	default:
		p.pos--
		return 0, p.fail("invalid escape \\%c", rune(c))
	}
}

// hex4 parses the four hexadecimal digits of a \u escape.
func (p *jsonParser) hex4() (rune, *jsonSyntaxError) {
	if len(p.data)-p.pos < 4 {
		return 0, p.fail("unexpected end of input in a \\u escape")
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := p.data[p.pos+i]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.fail("want four hexadecimal digits after \\u")
		}
		r = r<<4 | rune(d)
	}
	p.pos += 4
	return r, nil
}

// canonicalJSON returns the canonical encoding of v (see the package
// documentation). v must hold only the types parseJSON produces.
func canonicalJSON(v any) []byte { return appendCanonical(nil, v) }

// appendCanonical appends the canonical encoding of v to b.
func appendCanonical(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case string:
		return appendCanonicalString(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonical(b, e)
		}
		return append(b, ']')
	case jsonObject:
		sorted := make(jsonObject, len(v))
		copy(sorted, v)
		sort.Slice(sorted, func(i, j int) bool { return lessUTF16(sorted[i].key, sorted[j].key) })
		b = append(b, '{')
		for i, m := range sorted {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonicalString(b, m.key)
			b = append(b, ':')
			b = appendCanonical(b, m.val)
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("receipt: canonical JSON of %T", v)) // a bug in this package
}

// appendCanonicalString appends s as a JSON string the way RFC 8785
// (ECMAScript JSON.stringify) writes it: '"' and '\' escaped with a
// backslash; U+0008, U+0009, U+000A, U+000C and U+000D as \b, \t, \n, \f,
// \r; the other characters below U+0020 as \u00xx with lower-case hex;
// everything else, including '/', '<', '>', '&', U+007F, U+2028 and
// U+2029, as its UTF-8 bytes. s must be valid UTF-8.
func appendCanonicalString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// lessUTF16 orders member names as RFC 8785 does: by their UTF-16 code
// units, compared as unsigned integers. (For names without characters
// beyond U+FFFF this is the same as ordering by code points and by UTF-8
// bytes.)
func lessUTF16(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			a1, a2 := utf16Units(ra)
			b1, b2 := utf16Units(rb)
			if a1 != b1 {
				return a1 < b1
			}
			return a2 < b2
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b != ""
}

// utf16Units returns the UTF-16 code units of r: r and 0 for characters
// up to U+FFFF, else the surrogate pair.
func utf16Units(r rune) (rune, rune) {
	if r < 0x10000 {
		return r, 0
	}
	return utf16.EncodeRune(r)
}
