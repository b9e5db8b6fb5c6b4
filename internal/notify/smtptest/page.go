package smtptest

import (
	"bytes"
	"html/template"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"strings"
)

var page = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test-e-post – e-post sendt fra Torg</title></head>
<body><main>
<h1>Test-e-post</h1>
<p>Her ser du e-post som Torg har sendt mens den kjører som demo. Ingen e-post går ut av maskinen.</p>
{{if .}}<ol reversed>{{range .}}<li><article aria-label="{{.Subject}}">
<h2>{{.Subject}}</h2>
<p>Til: {{.To}} · Fra: {{.From}} · {{.Date}}</p>
<pre>{{.Body}}</pre>
</article></li>{{end}}</ol>{{else}}<p>Ingen e-post er sendt ennå.</p>{{end}}
</main></body></html>`))

type mailView struct{ Subject, To, From, Date, Body string }

// ServeHTTP shows the received messages, newest first, as a plain page
// (for the demo: where the e-mail receipts can be read).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	msgs := s.Messages()
	var views []mailView
	dec := new(mime.WordDecoder)
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		v := mailView{To: strings.Join(m.To, ", "), From: m.From}
		// Parse afresh: a parsed message's body can be read only once.
		if pm, err := mail.ReadMessage(bytes.NewReader(m.Data)); err == nil {
			v.Subject, _ = dec.DecodeHeader(pm.Header.Get("Subject"))
			v.Date = pm.Header.Get("Date")
			var body io.Reader = pm.Body
			if strings.EqualFold(pm.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				body = quotedprintable.NewReader(body)
			}
			b, _ := io.ReadAll(io.LimitReader(body, 1<<20))
			v.Body = string(b)
		}
		views = append(views, v)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	page.Execute(w, views)
}
