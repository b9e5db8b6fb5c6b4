package receipt

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"github.com/torg-ekommune/torg/internal/pdftext"
	"strings"
)

// Page geometry, in points (1/72 inch).
const (
	pageWidth    = 595.28 // A4: 210 mm
	pageHeight   = 841.89 // A4: 297 mm
	marginX      = 56.69  // 20 mm left and right
	marginTop    = 48.19  // 17 mm
	bodyBottom   = 74.0   // body text stays above this; the footer is below
	contentWidth = pageWidth - 2*marginX
	labelWidth   = 150.0 // left column of label/value rows
	columnGap    = 14.0
	valueX       = marginX + labelWidth + columnGap
	valueWidth   = contentWidth - labelWidth - columnGap
	headerSpace  = 26.0 // the running header on pages after the first
)

// style is how a run of text is set.
type style struct {
	font    pdftext.Font
	size    float64
	leading float64 // distance between baselines
	gray    float64 // 0 = black
}

// The text styles, as functions so that the package has no variables.
// Text is black or dark grey (contrast with white above 7:1) and at least
// 8 points.
func styleBody() style       { return style{pdftext.Regular, 10.5, 14, 0} }
func styleMuni() style       { return style{pdftext.Bold, 11, 15, 0.25} }
func styleH1() style         { return style{pdftext.Bold, 20, 25, 0} }
func styleH2() style         { return style{pdftext.Bold, 14, 19, 0} }
func styleH3() style         { return style{pdftext.Bold, 11.5, 16, 0.15} }
func styleLabel() style      { return style{pdftext.Bold, 10, 13, 0.2} }
func styleValue() style      { return style{pdftext.Regular, 10, 13, 0} }
func styleMono() style       { return style{pdftext.Mono, 8, 13, 0} }
func styleRefLabel() style   { return style{pdftext.Regular, 10, 14, 0.25} }
func styleRef() style        { return style{pdftext.Bold, 20, 25, 0} }
func styleProcessing() style { return style{pdftext.Bold, 12, 16, 0} }
func styleSmall() style      { return style{pdftext.Regular, 8, 10, 0.25} }

// signatureMarker starts the signature trailer line of a signed PDF.
const signatureMarker = "%TORG-SIGNATURE "

// PDF returns r as a signed PDF receipt: an A4 PDF 1.7 document for people
// to read, with the signed JSON receipt embedded as "receipt.json", and a
// signature trailer after the document's end (see the package
// documentation). The result is deterministic: the same receipt and key
// give the same bytes.
func (s Signer) PDF(r Receipt) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	r, err := normalize(r)
	if err != nil {
		return nil, err
	}
	return s.signPDF(buildPDF(r, s.signedJSON(r))), nil
}

// signPDF appends the signature trailer to an unsigned PDF.
func (s Signer) signPDF(doc []byte) []byte {
	sig := s.sign(doc)
	out := make([]byte, 0, len(doc)+200)
	out = append(out, doc...)
	out = append(out, signatureMarker+sigAlg+" kid="+s.KeyID+" sig="+base64.RawURLEncoding.EncodeToString(sig)+"\n%%EOF\n"...)
	return out
}

// pdfPage is one page being laid out.
type pdfPage struct {
	content bytes.Buffer
	owners  []*structElem // owners[mcid] is the element the content belongs to
}

// pdfLayout lays a receipt out on pages.
type pdfLayout struct {
	r       Receipt
	t       texts
	pages   []*pdfPage
	y       float64 // top of the next line on the current page
	top     float64 // top of the body on the current page
	doc     *structElem
	outline []*outlineItem
}

// buildPDF returns the unsigned PDF for r, which must be normalised, with
// embedded as receipt.json (none if embedded is nil).
func buildPDF(r Receipt, embedded []byte) []byte {
	l := &pdfLayout{r: r, t: textsFor(r.Lang), doc: &structElem{typ: "Document"}}
	l.newPage()
	l.body()
	l.footers()
	return l.write(embedded)
}

// page returns the current page.
func (l *pdfLayout) page() *pdfPage { return l.pages[len(l.pages)-1] }

// newPage starts a page; pages after the first get a running header.
func (l *pdfLayout) newPage() {
	p := &pdfPage{}
	l.pages = append(l.pages, p)
	l.y = pageHeight - marginTop
	if len(l.pages) > 1 {
		head := fitWidth(pdftext.Encode(l.r.Municipality+" · "+l.r.Service+" · "+l.r.Reference), pdftext.Regular, 8, contentWidth)
		fmt.Fprintf(&p.content, "/Artifact <</Type /Pagination /Subtype /Header>> BDC\nq\nBT\n/F1 8 Tf\n0.25 g\n%s %s Td\n%s Tj\nET\n0.6 G\n0.5 w\n%s %s m\n%s %s l\nS\nQ\nEMC\n",
			num(marginX), num(l.y-8), literal(head), num(marginX), num(l.y-13), num(pageWidth-marginX), num(l.y-13))
		l.y -= headerSpace
	}
	l.top = l.y
}

// fits returns how many lines of the given leading fit above the bottom
// of the body on the current page.
func (l *pdfLayout) fits(leading float64) int {
	n := int((l.y - bodyBottom) / leading)
	if n < 0 {
		return 0
	}
	return n
}

// begin starts marked content for e on the current page.
func (l *pdfLayout) begin(e *structElem) {
	p := l.page()
	mcid := len(p.owners)
	p.owners = append(p.owners, e)
	e.mcrs = append(e.mcrs, markedContent{page: len(l.pages) - 1, mcid: mcid})
	fmt.Fprintf(&p.content, "/%s <</MCID %d>> BDC\n", e.typ, mcid)
}

// end ends marked content.
func (l *pdfLayout) end() { l.page().content.WriteString("EMC\n") }

// drawLines sets lines at x from the current position down, without
// moving it.
func (l *pdfLayout) drawLines(x float64, lines [][]byte, st style) {
	c := &l.page().content
	base := l.y - st.size*0.8 - (st.leading-st.size)/2
	fmt.Fprintf(c, "BT\n/F%d %s Tf\n%s g\n%s TL\n%s %s Td\n", int(st.font)+1, num(st.size), num(st.gray), num(st.leading), num(x), num(base))
	for i, ln := range lines {
		if i > 0 {
			c.WriteString("T*\n")
		}
		c.WriteString(literal(ln))
		c.WriteString(" Tj\n")
	}
	c.WriteString("ET\n")
}

// flow sets lines as content of e at x, continuing on new pages as needed.
func (l *pdfLayout) flow(e *structElem, x float64, lines [][]byte, st style) {
	for len(lines) > 0 {
		n := l.fits(st.leading)
		if n == 0 {
			l.newPage()
			continue
		}
		n = min(n, len(lines))
		l.begin(e)
		l.drawLines(x, lines[:n], st)
		l.end()
		l.y -= float64(n) * st.leading
		lines = lines[n:]
		if len(lines) > 0 {
			l.newPage()
		}
	}
}

// para adds an element of type typ under parent holding text, wrapped to
// the content width. Text that comes out empty adds nothing.
func (l *pdfLayout) para(parent *structElem, typ, text string, st style) *structElem {
	lines := pdftext.Wrap(pdftext.Encode(text), st.font, st.size, contentWidth)
	if len(lines) == 0 {
		return nil
	}
	e := parent.add(typ)
	l.flow(e, marginX, lines, st)
	return e
}

// heading adds a heading, keeping it on the same page as at least keep
// points of what follows, and a bookmark for it under outline (nil for the
// top level). It returns the bookmark.
func (l *pdfLayout) heading(typ, text string, st style, keep float64, outline *outlineItem) *outlineItem {
	lines := pdftext.Wrap(pdftext.Encode(text), st.font, st.size, contentWidth)
	if len(lines) == 0 {
		return nil
	}
	l.keep(float64(len(lines))*st.leading + keep)
	it := &outlineItem{title: strings.TrimSpace(text), page: len(l.pages) - 1, y: l.y + 4}
	if outline != nil {
		outline.kids = append(outline.kids, it)
	} else {
		l.outline = append(l.outline, it)
	}
	l.flow(l.doc.add(typ), marginX, lines, st)
	return it
}

// space moves down by h points, or to the top of a new page.
func (l *pdfLayout) space(h float64) {
	if l.y-h < bodyBottom {
		l.newPage()
		return
	}
	if l.y < l.top { // no space at the top of a page
		l.y -= h
	}
}

// keep starts a new page unless h points fit on the current one (or the
// current page is still empty, or h would not fit on any page).
func (l *pdfLayout) keep(h float64) {
	if l.y-h < bodyBottom && l.y < l.top && h < l.top-bodyBottom {
		l.newPage()
	}
}

// rowHeight returns the height row takes for a label and a value.
func rowHeight(label, value string, vst style) float64 {
	lst := styleLabel()
	n := max(len(pdftext.Wrap(pdftext.Encode(label), lst.font, lst.size, labelWidth)), len(pdftext.Wrap(pdftext.Encode(value), vst.font, vst.size, valueWidth)), 1)
	return float64(n)*max(lst.leading, vst.leading) + 8
}

// rule draws a thin grey line across the content width at y (an
// artifact: decoration, not content).
func (l *pdfLayout) rule(y, gray float64) {
	fmt.Fprintf(&l.page().content, "/Artifact BMC\nq\n%s G\n0.5 w\n%s %s m\n%s %s l\nS\nQ\nEMC\n",
		num(gray), num(marginX), num(y), num(pageWidth-marginX), num(y))
}

// row adds a label/value row to table: the label in the left column, the
// value in the right, each wrapped to its column. A row that fits on one
// page is not split; a longer one continues on the next page.
func (l *pdfLayout) row(table *structElem, label, value string, vst style) {
	lst := styleLabel()
	dash := [][]byte{{0x96}} // en dash for an empty cell
	ll := pdftext.Wrap(pdftext.Encode(label), lst.font, lst.size, labelWidth)
	if len(ll) == 0 {
		ll = dash
	}
	vl := pdftext.Wrap(pdftext.Encode(value), vst.font, vst.size, valueWidth)
	if len(vl) == 0 {
		vl = dash
	}
	tr := table.add("TR")
	th := tr.add("TH")
	th.attrs = "/A << /O /Table /Scope /Row >>"
	td := tr.add("TD")
	leading := max(lst.leading, vst.leading)
	n := max(len(ll), len(vl))
	l.keep(float64(n) * leading)
	for i := 0; i < n; {
		k := l.fits(leading)
		if k == 0 {
			l.newPage()
			continue
		}
		k = min(k, n-i)
		if i < len(ll) {
			l.begin(th)
			l.drawLines(marginX, ll[i:min(i+k, len(ll))], lst)
			l.end()
		}
		if i < len(vl) {
			l.begin(td)
			l.drawLines(valueX, vl[i:min(i+k, len(vl))], vst)
			l.end()
		}
		l.y -= float64(k) * leading
		i += k
		if i < n {
			l.newPage()
		}
	}
	l.y -= 3
	l.rule(l.y, 0.82)
	l.y -= 5
}

// body lays out the receipt's content in reading order.
func (l *pdfLayout) body() {
	r, t := l.r, l.t
	l.para(l.doc, "P", r.Municipality, styleMuni())
	l.space(4)
	h1 := l.heading("H1", r.Service, styleH1(), 60, nil)
	l.para(l.doc, "P", t.received, styleBody())
	l.space(10)
	l.referenceBox()
	if p := t.processing(r.ProcessingDays); p != "" {
		l.space(4)
		l.para(l.doc, "P", p, styleProcessing())
		l.space(10)
	}

	var facts [][2]string
	if r.Submitter != "" {
		facts = append(facts, [2]string{t.submitter, r.Submitter})
	}
	if r.SubmitterID != "" {
		facts = append(facts, [2]string{t.submitterID, r.SubmitterID})
	}
	if r.FormID != "" {
		facts = append(facts, [2]string{t.form, fmt.Sprintf(t.formVersion, r.FormID, r.FormVersion)})
	}
	if len(facts) > 0 {
		l.space(4)
		l.rule(l.y, 0.82)
		l.y -= 5
		table := l.doc.add("Table")
		for _, f := range facts {
			l.row(table, f[0], f[1], styleValue())
		}
	}

	if len(r.Items) > 0 {
		l.space(14)
		answers := l.heading("H2", t.answers, styleH2(), 40, h1)
		l.space(4)
		var table *structElem
		group := ""
		for i, it := range r.Items {
			if i == 0 || it.Group != group {
				group = it.Group
				table = nil
				if strings.TrimSpace(group) != "" {
					l.space(8)
					l.heading("H3", group, styleH3(), 30, answers)
					l.space(2)
				}
			}
			if table == nil {
				l.rule(l.y, 0.82)
				l.y -= 5
				table = l.doc.add("Table")
			}
			l.row(table, it.Label, it.Value, styleValue())
		}
	}

	if len(r.Attachments) > 0 {
		l.space(14)
		l.heading("H2", t.attachments, styleH2(), 60, h1)
		for _, a := range r.Attachments {
			rows := [][2]string{{t.fileName, a.Name}, {t.fileType, a.ContentType}, {t.fileSize, t.size(a.Size)}, {"SHA-256", a.SHA256}}
			styles := []style{styleValue(), styleValue(), styleValue(), styleMono()}
			l.space(6)
			h := 5.0
			for i, row := range rows {
				h += rowHeight(row[0], row[1], styles[i])
			}
			l.keep(h) // an attachment's rows stay together
			l.rule(l.y, 0.82)
			l.y -= 5
			table := l.doc.add("Table")
			for i, row := range rows {
				l.row(table, row[0], row[1], styles[i])
			}
		}
	}

	l.space(14)
	l.heading("H2", t.verifyHeading, styleH2(), 40, h1)
	l.space(2)
	if r.VerifyURL != "" {
		l.para(l.doc, "P", fmt.Sprintf(t.verifyBody, r.Municipality, r.VerifyURL), styleBody())
	} else {
		l.para(l.doc, "P", fmt.Sprintf(t.verifyNoURL, r.Municipality), styleBody())
	}
}

// referenceBox sets the reference number and the time of submission in a
// shaded box.
func (l *pdfLayout) referenceBox() {
	const pad = 10.0
	width := contentWidth - 2*pad
	lab, ref, when := styleRefLabel(), styleRef(), styleBody()
	labL := pdftext.Wrap(pdftext.Encode(l.t.reference), lab.font, lab.size, width)
	refL := pdftext.Wrap(pdftext.Encode(l.r.Reference), ref.font, ref.size, width)
	whenL := pdftext.Wrap(pdftext.Encode(l.t.submitted+" "+l.t.when(l.r.SubmittedAt)), when.font, when.size, width)
	h := 2*pad + float64(len(labL))*lab.leading + float64(len(refL))*ref.leading + float64(len(whenL))*when.leading
	if h > l.top-bodyBottom { // cannot be boxed: set as plain text
		l.flow(l.doc.add("P"), marginX, labL, lab)
		l.flow(l.doc.add("P"), marginX, refL, ref)
		l.flow(l.doc.add("P"), marginX, whenL, when)
		return
	}
	if l.y-h < bodyBottom {
		l.newPage()
	}
	fmt.Fprintf(&l.page().content, "/Artifact BMC\nq\n0.93 g\n%s %s %s %s re\nf\nQ\nEMC\n", num(marginX), num(l.y-h), num(contentWidth), num(h))
	l.y -= pad
	l.flow(l.doc.add("P"), marginX+pad, labL, lab)
	l.flow(l.doc.add("P"), marginX+pad, refL, ref)
	l.flow(l.doc.add("P"), marginX+pad, whenL, when)
	l.y -= pad
}

// footers adds to every page the footer: who signed the receipt, where to
// verify it, and the page number. They are artifacts (page furniture); the
// same information is content in the last section.
func (l *pdfLayout) footers() {
	text := fmt.Sprintf(l.t.footerNoURL, l.r.Municipality)
	if l.r.VerifyURL != "" {
		text = fmt.Sprintf(l.t.footer, l.r.Municipality, l.r.VerifyURL)
	}
	st := styleSmall()
	lines := pdftext.Wrap(pdftext.Encode(text), st.font, st.size, contentWidth-80)
	if len(lines) > 3 {
		lines = lines[:3]
	}
	for i, p := range l.pages {
		pageNo := pdftext.Encode(fmt.Sprintf(l.t.page, i+1, len(l.pages)))
		c := &p.content
		fmt.Fprintf(c, "/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n0.6 G\n0.5 w\n%s 62 m\n%s 62 l\nS\nBT\n/F1 8 Tf\n0.25 g\n10 TL\n%s 50 Td\n",
			num(marginX), num(pageWidth-marginX), num(marginX))
		for j, ln := range lines {
			if j > 0 {
				c.WriteString("T*\n")
			}
			c.WriteString(literal(ln) + " Tj\n")
		}
		fmt.Fprintf(c, "ET\nBT\n/F1 8 Tf\n%s 50 Td\n%s Tj\nET\nQ\nEMC\n", num(pageWidth-marginX-pdftext.TextWidth(pdftext.Regular, 8, pageNo)), literal(pageNo))
	}
}

// fitWidth shortens WinAnsi text with an ellipsis to fit width.
func fitWidth(s []byte, f pdftext.Font, size, width float64) []byte {
	if pdftext.TextWidth(f, size, s) <= width {
		return s
	}
	room := width - pdftext.TextWidth(f, size, []byte{0x85})
	w, n := 0.0, 0
	for n < len(s) {
		cw := float64(pdftext.Width(f, s[n])) * size / 1000
		if w+cw > room {
			break
		}
		w += cw
		n++
	}
	return append(s[:n:n], 0x85)
}

// write turns the laid-out pages into a PDF document.
func (l *pdfLayout) write(embedded []byte) []byte {
	next := 1
	alloc := func() int { next++; return next - 1 }
	catalog, pages, info := alloc(), alloc(), alloc()
	fonts := [3]int{alloc(), alloc(), alloc()}
	structRoot, parentTree := alloc(), alloc()
	outlines := 0
	if len(l.outline) > 0 {
		outlines = alloc()
	}
	file, filespec := 0, 0
	if embedded != nil {
		file, filespec = alloc(), alloc()
	}
	pageObj := make([]int, len(l.pages))
	contentObj := make([]int, len(l.pages))
	for i := range l.pages {
		pageObj[i], contentObj[i] = alloc(), alloc()
	}
	next = l.doc.number(next)
	next = numberOutline(l.outline, next)
	w := newPDFWriter(next - 1)

	t := l.t
	title := fmt.Sprintf(t.title, l.r.Service, l.r.Reference)
	var cat strings.Builder
	fmt.Fprintf(&cat, "<< /Type /Catalog /Pages %s /Lang %s /MarkInfo << /Marked true >> /StructTreeRoot %s /ViewerPreferences << /DisplayDocTitle true >>",
		ref(pages), literal([]byte(t.langTag)), ref(structRoot))
	if outlines != 0 {
		fmt.Fprintf(&cat, " /Outlines %s", ref(outlines))
	}
	if filespec != 0 {
		fmt.Fprintf(&cat, " /Names << /EmbeddedFiles << /Names [(receipt.json) %s] >> >>", ref(filespec))
	}
	cat.WriteString(" >>")
	w.object(catalog, cat.String())

	kids := make([]string, len(pageObj))
	for i, n := range pageObj {
		kids[i] = ref(n)
	}
	w.object(pages, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pageObj)))

	date := textString(pdfDate(l.r.SubmittedAt))
	w.object(info, fmt.Sprintf("<< /Title %s /Author %s /Subject %s /Creator (Torg) /Producer (Torg) /CreationDate %s /ModDate %s >>",
		textString(title), textString(l.r.Municipality), textString(t.receiptFor), date, date))
	for i, name := range []string{"Helvetica", "Helvetica-Bold", "Courier"} {
		w.object(fonts[i], fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>", name))
	}

	w.object(structRoot, fmt.Sprintf("<< /Type /StructTreeRoot /K [%s] /ParentTree %s /ParentTreeNextKey %d >>", ref(l.doc.obj), ref(parentTree), len(l.pages)))
	var pt strings.Builder
	pt.WriteString("<< /Nums [")
	for i, p := range l.pages {
		fmt.Fprintf(&pt, " %d [", i)
		for j, e := range p.owners {
			if j > 0 {
				pt.WriteByte(' ')
			}
			pt.WriteString(ref(e.obj))
		}
		pt.WriteString("]")
	}
	pt.WriteString(" ] >>")
	w.object(parentTree, pt.String())

	if outlines != 0 {
		w.object(outlines, fmt.Sprintf("<< /Type /Outlines /First %s /Last %s /Count %d >>",
			ref(l.outline[0].obj), ref(l.outline[len(l.outline)-1].obj), outlineCount(l.outline)))
	}
	if filespec != 0 {
		w.stream(file, fmt.Sprintf("/Type /EmbeddedFile /Subtype %s /Params << /Size %d /ModDate %s >>", pdfName("application/json"), len(embedded), date), embedded)
		w.object(filespec, fmt.Sprintf("<< /Type /Filespec /F (receipt.json) /UF (receipt.json) /Desc %s /AFRelationship /Data /EF << /F %s >> >>",
			textString(t.embeddedDesc), ref(file)))
	}

	fontRes := fmt.Sprintf("<< /F1 %s /F2 %s /F3 %s >>", ref(fonts[0]), ref(fonts[1]), ref(fonts[2]))
	for i, p := range l.pages {
		w.object(pageObj[i], fmt.Sprintf("<< /Type /Page /Parent %s /MediaBox [0 0 %s %s] /Resources << /Font %s /ProcSet [/PDF /Text] >> /Contents %s /StructParents %d /Tabs /S >>",
			ref(pages), num(pageWidth), num(pageHeight), fontRes, ref(contentObj[i]), i))
		w.stream(contentObj[i], "", p.content.Bytes())
	}
	l.doc.write(w, structRoot, pageObj)
	writeOutline(w, l.outline, outlines, pageObj)

	idSource := embedded
	if idSource == nil {
		idSource = []byte(title)
	}
	sum := sha256.Sum256(idSource)
	id := hex.EncodeToString(sum[:16])
	return w.finish(fmt.Sprintf("/Root %s /Info %s /ID [<%s> <%s>]", ref(catalog), ref(info), id, id))
}
