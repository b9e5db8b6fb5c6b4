package receipt

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// This file reads back what pdfwriter.go writes: a PDF with a classic
// cross-reference table, from which it takes the embedded file
// receipt.json. It is not a general PDF parser (no cross-reference
// streams, object streams or incremental updates), and need not be: a
// receipt changed by any other program no longer carries a valid
// signature. It is nevertheless written for hostile input: bounded
// recursion, bounded decompression, no panics.

// maxEmbedded is the most a decompressed receipt.json may hold.
const maxEmbedded = 64 << 20

// maxPDFDepth bounds the nesting of arrays and dictionaries, and chains of
// references.
const maxPDFDepth = 32

// Parsed PDF objects are held as:
//
//	nil        null
//	bool       true, false
//	int64      an integer
//	float64    a real number
//	pdfString  a string (literal or hexadecimal), decoded
//	pdfNameObj a name, without the slash, decoded
//	[]any      an array
//	pdfDict    a dictionary
//	pdfRef     an indirect reference
//	pdfStream  a stream (only as the value of an indirect object)
type (
	pdfString  []byte
	pdfNameObj string
	pdfDict    map[pdfNameObj]any
	pdfRef     struct{ num, gen int64 }
	pdfStream  struct {
		dict pdfDict
		data []byte // still encoded
	}
)

// pdfReader reads objects from a PDF held in memory.
type pdfReader struct {
	data    []byte
	xref    map[int64]int // object number -> offset
	trailer pdfDict
}

// errPDF describes a structural problem.
type errPDF string

// Error returns the description.
func (e errPDF) Error() string { return string(e) }

// newPDFReader reads the cross-reference table and trailer of data, which
// ends with the document's "%%EOF".
func newPDFReader(data []byte) (*pdfReader, error) {
	r := &pdfReader{data: data, xref: map[int64]int{}}
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil, errPDF("no startxref")
	}
	lx := &pdfLexer{data: data, pos: i + len("startxref")}
	off, ok := lx.next().(int64)
	if !ok || off < 0 || off >= int64(len(data)) {
		return nil, errPDF("bad startxref offset")
	}
	lx = &pdfLexer{data: data, pos: int(off)}
	if kw, _ := lx.next().(pdfKeyword); kw != "xref" {
		return nil, errPDF("no cross-reference table at startxref")
	}
	for {
		t := lx.next()
		if kw, ok := t.(pdfKeyword); ok && kw == "trailer" {
			break
		}
		first, ok1 := t.(int64)
		count, ok2 := lx.next().(int64)
		if !ok1 || !ok2 || first < 0 || count < 0 || count > int64(len(data))/18 {
			return nil, errPDF("bad cross-reference subsection")
		}
		for n := first; n < first+count; n++ {
			o, ok1 := lx.next().(int64)
			_, ok2 := lx.next().(int64)
			kw, ok3 := lx.next().(pdfKeyword)
			if !ok1 || !ok2 || !ok3 || (kw != "n" && kw != "f") {
				return nil, errPDF("bad cross-reference entry")
			}
			if kw == "n" && o >= 0 && o < int64(len(data)) {
				r.xref[n] = int(o)
			}
		}
	}
	t, err := lx.object(0)
	if err != nil {
		return nil, err
	}
	d, ok := t.(pdfDict)
	if !ok {
		return nil, errPDF("trailer is not a dictionary")
	}
	r.trailer = d
	return r, nil
}

// object returns the value of indirect object n.
func (r *pdfReader) object(n int64) (any, error) {
	off, ok := r.xref[n]
	if !ok {
		return nil, errPDF(fmt.Sprintf("object %d not in the cross-reference table", n))
	}
	lx := &pdfLexer{data: r.data, pos: off}
	num, ok1 := lx.next().(int64)
	_, ok2 := lx.next().(int64)
	kw, ok3 := lx.next().(pdfKeyword)
	if !ok1 || !ok2 || !ok3 || num != n || kw != "obj" {
		return nil, errPDF(fmt.Sprintf("object %d is not where the cross-reference table says", n))
	}
	v, err := lx.object(0)
	if err != nil {
		return nil, err
	}
	d, isDict := v.(pdfDict)
	if !isDict {
		return v, nil
	}
	save := lx.pos
	if kw, ok := lx.next().(pdfKeyword); !ok || kw != "stream" {
		lx.pos = save
		return v, nil
	}
	// The stream data starts after the end of the "stream" line.
	p := lx.pos
	if p < len(r.data) && r.data[p] == '\r' {
		p++
	}
	if p >= len(r.data) || r.data[p] != '\n' {
		return nil, errPDF("bad stream keyword line")
	}
	p++
	length, err := r.resolveInt(d["Length"])
	if err != nil {
		return nil, err
	}
	if length < 0 || length > int64(len(r.data)-p) {
		return nil, errPDF("stream length out of range")
	}
	return pdfStream{dict: d, data: r.data[p : p+int(length)]}, nil
}

// resolve follows references.
func (r *pdfReader) resolve(v any) (any, error) {
	for i := 0; i < maxPDFDepth; i++ {
		ref, ok := v.(pdfRef)
		if !ok {
			return v, nil
		}
		var err error
		if v, err = r.object(ref.num); err != nil {
			return nil, err
		}
	}
	return nil, errPDF("reference chain too long")
}

// resolveInt resolves v to an integer.
func (r *pdfReader) resolveInt(v any) (int64, error) {
	v, err := r.resolve(v)
	if err != nil {
		return 0, err
	}
	n, ok := v.(int64)
	if !ok {
		return 0, errPDF("want an integer")
	}
	return n, nil
}

// dict resolves v to a dictionary.
func (r *pdfReader) dict(v any, what string) (pdfDict, error) {
	v, err := r.resolve(v)
	if err != nil {
		return nil, err
	}
	d, ok := v.(pdfDict)
	if !ok {
		return nil, errPDF(what + " is not a dictionary")
	}
	return d, nil
}

// embeddedFile returns the decoded content of the embedded file called
// name, found through the catalog's /Names /EmbeddedFiles name tree.
func (r *pdfReader) embeddedFile(name string) ([]byte, error) {
	cat, err := r.dict(r.trailer["Root"], "the catalog")
	if err != nil {
		return nil, err
	}
	names, err := r.dict(cat["Names"], "the catalog's /Names")
	if err != nil {
		return nil, err
	}
	tree, err := r.dict(names["EmbeddedFiles"], "/EmbeddedFiles")
	if err != nil {
		return nil, err
	}
	visits := 0
	spec, err := r.lookupName(tree, name, 0, &visits)
	if err != nil {
		return nil, err
	}
	fs, err := r.dict(spec, "the file specification")
	if err != nil {
		return nil, err
	}
	ef, err := r.dict(fs["EF"], "the file specification's /EF")
	if err != nil {
		return nil, err
	}
	sv, err := r.resolve(ef["F"])
	if err != nil {
		return nil, err
	}
	st, ok := sv.(pdfStream)
	if !ok {
		return nil, errPDF("the embedded file is not a stream")
	}
	return decodeStream(st)
}

// lookupName finds key in a name tree node.
func (r *pdfReader) lookupName(node pdfDict, key string, depth int, visits *int) (any, error) {
	if *visits++; depth > maxPDFDepth || *visits > 1000 {
		return nil, errPDF("name tree too deep or too large")
	}
	if v, ok := node["Names"]; ok {
		arr, err := r.resolve(v)
		if err != nil {
			return nil, err
		}
		a, ok := arr.([]any)
		if !ok {
			return nil, errPDF("name tree /Names is not an array")
		}
		for i := 0; i+1 < len(a); i += 2 {
			k, err := r.resolve(a[i])
			if err != nil {
				return nil, err
			}
			if s, ok := k.(pdfString); ok && string(s) == key {
				return a[i+1], nil
			}
		}
	}
	if v, ok := node["Kids"]; ok {
		kids, err := r.resolve(v)
		if err != nil {
			return nil, err
		}
		a, ok := kids.([]any)
		if !ok {
			return nil, errPDF("name tree /Kids is not an array")
		}
		for _, k := range a {
			kd, err := r.dict(k, "a name tree node")
			if err != nil {
				return nil, err
			}
			v, err := r.lookupName(kd, key, depth+1, visits)
			if err == nil {
				return v, nil
			}
			if !errors.Is(err, errNoName) {
				return nil, err
			}
		}
	}
	return nil, errNoName
}

// errNoName is lookupName's answer when the name is not in the tree.
const errNoName errPDF = "no such name"

// decodeStream returns a stream's decoded data. Only no filter and
// FlateDecode are supported.
func decodeStream(st pdfStream) ([]byte, error) {
	f := st.dict["Filter"]
	if a, ok := f.([]any); ok && len(a) == 1 {
		f = a[0]
	}
	name, isName := f.(pdfNameObj)
	switch {
	case f == nil:
		return st.data, nil
	case isName && name == "FlateDecode":
		zr, err := zlib.NewReader(bytes.NewReader(st.data))
		if err != nil {
			return nil, errPDF("bad compressed stream: " + err.Error())
		}
		out, err := io.ReadAll(io.LimitReader(zr, maxEmbedded+1))
		if err != nil {
			return nil, errPDF("bad compressed stream: " + err.Error())
		}
		if len(out) > maxEmbedded {
			return nil, errPDF("embedded file too large")
		}
		return out, nil
	}
	return nil, errPDF("unsupported stream filter")
}

// pdfKeyword is a bare word: obj, endobj, stream, R, true, n, ...
type pdfKeyword string

// pdfDelim is one of the delimiters [ ] << >> returned by the lexer.
type pdfDelim string

// pdfLexer splits PDF syntax into tokens.
type pdfLexer struct {
	data []byte
	pos  int
	err  error
}

// isPDFSpace reports whether c is PDF white space.
func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

// isPDFDelim reports whether c is a PDF delimiter.
func isPDFDelim(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

// next returns the next token: int64, float64, pdfString, pdfNameObj,
// pdfKeyword or pdfDelim; nil at the end or on an error (in l.err).
func (l *pdfLexer) next() any {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isPDFSpace(c) {
			l.pos++
			continue
		}
		if c == '%' { // comment to the end of the line
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		break
	}
	if l.pos >= len(l.data) {
		return nil
	}
	c := l.data[l.pos]
	switch {
	case c == '[' || c == ']':
		l.pos++
		return pdfDelim(c)
	case c == '<' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '<':
		l.pos += 2
		return pdfDelim("<<")
	case c == '>' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '>':
		l.pos += 2
		return pdfDelim(">>")
	case c == '<':
		return l.hexString()
	case c == '(':
		return l.litString()
	case c == '/':
		return l.name()
	}
	start := l.pos
	for l.pos < len(l.data) && !isPDFSpace(l.data[l.pos]) && !isPDFDelim(l.data[l.pos]) {
		l.pos++
	}
	word := string(l.data[start:l.pos])
	if word == "" {
		l.err = errPDF(fmt.Sprintf("unexpected %q at byte %d", c, start))
		l.pos++
		return nil
	}
	if n, err := strconv.ParseInt(word, 10, 64); err == nil {
		return n
	}
	if (word[0] >= '0' && word[0] <= '9') || word[0] == '-' || word[0] == '+' || word[0] == '.' {
		if f, err := strconv.ParseFloat(word, 64); err == nil {
			return f
		}
	}
	return pdfKeyword(word)
}

// name reads a name after its slash.
func (l *pdfLexer) name() any {
	l.pos++
	var b []byte
	for l.pos < len(l.data) && !isPDFSpace(l.data[l.pos]) && !isPDFDelim(l.data[l.pos]) {
		c := l.data[l.pos]
		if c == '#' && l.pos+2 < len(l.data) {
			if v, err := strconv.ParseUint(string(l.data[l.pos+1:l.pos+3]), 16, 8); err == nil {
				b = append(b, byte(v))
				l.pos += 3
				continue
			}
		}
		b = append(b, c)
		l.pos++
	}
	return pdfNameObj(b)
}

// hexString reads <...>.
func (l *pdfLexer) hexString() any {
	l.pos++
	var b []byte
	var hi byte
	odd := false
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		var d byte
		switch {
		case c == '>':
			if odd {
				b = append(b, hi<<4)
			}
			return pdfString(b)
		case isPDFSpace(c):
			continue
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			l.err = errPDF("bad hexadecimal string")
			return nil
		}
		if odd {
			b = append(b, hi<<4|d)
		} else {
			hi = d
		}
		odd = !odd
	}
	l.err = errPDF("unterminated hexadecimal string")
	return nil
}

// litString reads (...), with balanced parentheses and escapes.
func (l *pdfLexer) litString() any {
	l.pos++
	var b []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return pdfString(b)
			}
		case '\\':
			if l.pos >= len(l.data) {
				break
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if '0' <= e && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && '0' <= l.data[l.pos] && l.data[l.pos] <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		b = append(b, c)
	}
	l.err = errPDF("unterminated string")
	return nil
}

// object parses one object (with references N G R) from the tokens.
func (l *pdfLexer) object(depth int) (any, error) {
	if depth > maxPDFDepth {
		return nil, errPDF("nested too deeply")
	}
	t := l.next()
	if l.err != nil {
		return nil, l.err
	}
	switch t := t.(type) {
	case nil:
		return nil, errPDF("unexpected end of data")
	case int64:
		// Maybe a reference: N G R.
		save := l.pos
		if g, ok := l.next().(int64); ok {
			if kw, ok := l.next().(pdfKeyword); ok && kw == "R" {
				return pdfRef{num: t, gen: g}, nil
			}
		}
		l.pos, l.err = save, nil
		return t, nil
	case pdfDelim:
		switch t {
		case "[":
			arr := []any{}
			for {
				save := l.pos
				if d, ok := l.next().(pdfDelim); ok && d == "]" {
					return arr, nil
				}
				if l.err != nil {
					return nil, l.err
				}
				l.pos = save
				v, err := l.object(depth + 1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
		case "<<":
			d := pdfDict{}
			for {
				k := l.next()
				if l.err != nil {
					return nil, l.err
				}
				if dl, ok := k.(pdfDelim); ok && dl == ">>" {
					return d, nil
				}
				name, ok := k.(pdfNameObj)
				if !ok {
					return nil, errPDF("dictionary key is not a name")
				}
				v, err := l.object(depth + 1)
				if err != nil {
					return nil, err
				}
				d[name] = v
			}
		}
		return nil, errPDF(fmt.Sprintf("unexpected %s", string(t)))
	case pdfKeyword:
		switch t {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, errPDF(fmt.Sprintf("unexpected keyword %.20q", string(t)))
	}
	return t, nil
}
