package testidp

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
)

// assets holds the page templates and the style sheet.
//
//go:embed templates/*.html static/testidp.css
var assets embed.FS

// pages holds the parsed page templates, the style sheet and the texts.
type pages struct {
	picker    *template.Template
	errorPage *template.Template
	signedOut *template.Template
	css       []byte
	texts     map[string]*texts
}

func newPages() (*pages, error) {
	parse := func(name string) (*template.Template, error) {
		t, err := template.New("base.html").ParseFS(assets, "templates/base.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("testidp: parse template %s: %w", name, err)
		}
		return t, nil
	}
	var pg pages
	var err error
	if pg.picker, err = parse("picker.html"); err != nil {
		return nil, err
	}
	if pg.errorPage, err = parse("error.html"); err != nil {
		return nil, err
	}
	if pg.signedOut, err = parse("signedout.html"); err != nil {
		return nil, err
	}
	if pg.css, err = assets.ReadFile("static/testidp.css"); err != nil {
		return nil, fmt.Errorf("testidp: read style sheet: %w", err)
	}
	pg.texts = allTexts()
	return &pg, nil
}

// pageData is what the templates see.
type pageData struct {
	T   *texts
	CSS string

	// Picker page.
	Languages []langLink
	ClientID  string
	ACR       string
	Level     string
	Action    string
	RequestID string
	Locale    string
	Persons   []personView

	// Error page.
	Message string
	Detail  string
}

// langLink is an entry in the language switcher.
type langLink struct {
	Lang    string
	Name    string
	Href    string
	Current bool
}

// personView is a person as shown on the picker.
type personView struct {
	Index int
	Person
}

// message identifies a user-facing error message.
type message int

const (
	msgBadRequest message = iota
	msgUnknownClient
	msgBadRedirect
	msgExpired
	msgBusy
	msgBadLogout
	msgBadPostLogout
	msgBadPID
)

// renderPicker shows the person picker for a validated, stored request.
func (p *Provider) renderPicker(w http.ResponseWriter, r *http.Request, q url.Values, id string, req *authRequest) {
	t := p.pages.texts[req.locale]
	data := pageData{
		T:         t,
		CSS:       p.basePath + "/static/testidp.css",
		ClientID:  req.clientID,
		ACR:       req.acr,
		Level:     t.levelName(req.acr),
		Action:    p.basePath + "/authorize",
		RequestID: id,
		Locale:    req.locale,
	}
	for _, lang := range []string{"nb", "nn", "en"} {
		lq := make(url.Values, len(q))
		for k, v := range q {
			lq[k] = v
		}
		lq.Set("ui_locales", lang)
		data.Languages = append(data.Languages, langLink{
			Lang:    lang,
			Name:    p.pages.texts[lang].LanguageName,
			Href:    r.URL.Path + "?" + lq.Encode(),
			Current: lang == req.locale,
		})
	}
	for i, person := range p.persons {
		data.Persons = append(data.Persons, personView{Index: i, Person: person})
	}
	p.render(w, http.StatusOK, p.pages.picker, data, formOrigin(req.redirectURI))
}

// errorPage shows an error page in the given language.
func (p *Provider) errorPage(w http.ResponseWriter, status int, locale string, msg message, detail string) {
	t := p.pages.texts[pickLocale(locale)]
	data := pageData{
		T:       t,
		CSS:     p.basePath + "/static/testidp.css",
		Message: t.message(msg),
		Detail:  detail,
	}
	p.render(w, status, p.pages.errorPage, data, "")
}

// signedOutPage shows the "you are signed out" page.
func (p *Provider) signedOutPage(w http.ResponseWriter, locale string) {
	data := pageData{
		T:   p.pages.texts[pickLocale(locale)],
		CSS: p.basePath + "/static/testidp.css",
	}
	p.render(w, http.StatusOK, p.pages.signedOut, data, "")
}

// render executes a page template with a strict Content-Security-Policy.
// formTarget, when not empty, is added to form-action because the form's
// response redirects there.
func (p *Provider) render(w http.ResponseWriter, status int, t *template.Template, data pageData, formTarget string) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		p.log.Error("render page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	formAction := "'self'"
	if formTarget != "" {
		formAction += " " + formTarget
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// formOrigin returns the CSP source expression for a validated redirect
// URI: its origin for http(s), otherwise its scheme.
func formOrigin(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return ""
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + ":"
}

// texts are the user-facing strings of one language.
type texts struct {
	Lang           string
	LanguageName   string
	LanguageNav    string
	TestBadge      string
	PickerTitle    string
	TestHeading    string
	TestNotice     string
	ServiceLabel   string
	LevelLabel     string
	LevelHigh      string
	LevelSubst     string
	ChooseHeading  string
	ChooseHelp     string
	PIDLabel       string
	EmailLabel     string
	Cancel         string
	OtherHeading   string
	OtherHelp      string
	OtherButton    string
	ErrorTitle     string
	DetailsHeading string
	SignedOutTitle string
	SignedOutText  string
	Messages       map[message]string
}

func (t *texts) levelName(acr string) string {
	if acr == acrHigh {
		return t.LevelHigh
	}
	return t.LevelSubst
}

func (t *texts) message(m message) string {
	if s, ok := t.Messages[m]; ok {
		return s
	}
	return t.Messages[msgBadRequest]
}

// allTexts returns the texts in bokmål, nynorsk and English.
func allTexts() map[string]*texts {
	return map[string]*texts{
		"nb": {
			Lang:           "nb",
			LanguageName:   "Bokmål",
			LanguageNav:    "Språk",
			TestBadge:      "Testmiljø – bare syntetiske personer",
			PickerTitle:    "Velg testperson",
			TestHeading:    "Dette er en testtjeneste.",
			TestNotice:     "Test-ID-porten etterligner ID-porten, men kontrollerer ikke hvem du er. Alle personene er syntetiske (oppdiktede). Ikke bruk ekte personopplysninger.",
			ServiceLabel:   "Tjenesten som ber om innlogging",
			LevelLabel:     "Sikkerhetsnivå som kreves",
			LevelHigh:      "Høyt",
			LevelSubst:     "Betydelig",
			ChooseHeading:  "Velg testperson",
			ChooseHelp:     "Velg hvem du vil logge inn som.",
			PIDLabel:       "Fødselsnummer",
			EmailLabel:     "E-post",
			Cancel:         "Avbryt og gå tilbake til tjenesten",
			OtherHeading:   "Eller en annen syntetisk testperson",
			OtherHelp:      "Skriv fødselsnummeret til en syntetisk testperson fra Skatteetatens Tenor (11 siffer, måneden pluss 80).",
			OtherButton:    "Logg inn som denne testpersonen",
			ErrorTitle:     "Noe gikk galt",
			DetailsHeading: "Teknisk forklaring",
			SignedOutTitle: "Du er logget ut",
			SignedOutText:  "Du er nå logget ut av Test-ID-porten. Du kan lukke dette vinduet.",
			Messages: map[message]string{
				msgBadRequest:    "Forespørselen er ugyldig.",
				msgUnknownClient: "Tjenesten som sendte deg hit, er ikke registrert hos Test-ID-porten.",
				msgBadRedirect:   "Adressen tjenesten vil sende deg tilbake til, er ikke registrert. Av sikkerhetshensyn sender vi deg ikke videre.",
				msgExpired:       "Innloggingsforespørselen er ukjent, allerede brukt eller utløpt. Gå tilbake til tjenesten og prøv igjen.",
				msgBusy:          "Test-ID-porten har for mange innlogginger på gang. Vent litt og prøv igjen.",
				msgBadLogout:     "Utloggingsforespørselen er ugyldig.",
				msgBadPostLogout: "Adressen tjenesten vil sende deg til etter utlogging, er ikke registrert. Av sikkerhetshensyn sender vi deg ikke videre.",
				msgBadPID:        "Det er ikke et syntetisk fødselsnummer fra Tenor. Her kan du bare bruke syntetiske testpersoner: 11 siffer der måneden er lagt til 80. Gå tilbake og prøv igjen.",
			},
		},
		"nn": {
			Lang:           "nn",
			LanguageName:   "Nynorsk",
			LanguageNav:    "Språk",
			TestBadge:      "Testmiljø – berre syntetiske personar",
			PickerTitle:    "Vel testperson",
			TestHeading:    "Dette er ei testteneste.",
			TestNotice:     "Test-ID-porten etterliknar ID-porten, men kontrollerer ikkje kven du er. Alle personane er syntetiske (oppdikta). Ikkje bruk ekte personopplysningar.",
			ServiceLabel:   "Tenesta som ber om innlogging",
			LevelLabel:     "Tryggleiksnivå som er kravd",
			LevelHigh:      "Høgt",
			LevelSubst:     "Betydeleg",
			ChooseHeading:  "Vel testperson",
			ChooseHelp:     "Vel kven du vil logge inn som.",
			PIDLabel:       "Fødselsnummer",
			EmailLabel:     "E-post",
			Cancel:         "Avbryt og gå tilbake til tenesta",
			OtherHeading:   "Eller ein annan syntetisk testperson",
			OtherHelp:      "Skriv fødselsnummeret til ein syntetisk testperson frå Tenor hos Skatteetaten (11 siffer, månaden pluss 80).",
			OtherButton:    "Logg inn som denne testpersonen",
			ErrorTitle:     "Noko gjekk gale",
			DetailsHeading: "Teknisk forklaring",
			SignedOutTitle: "Du er logga ut",
			SignedOutText:  "Du er no logga ut av Test-ID-porten. Du kan lukke dette vindauget.",
			Messages: map[message]string{
				msgBadRequest:    "Førespurnaden er ugyldig.",
				msgUnknownClient: "Tenesta som sende deg hit, er ikkje registrert hos Test-ID-porten.",
				msgBadRedirect:   "Adressa tenesta vil sende deg tilbake til, er ikkje registrert. Av omsyn til tryggleiken sender vi deg ikkje vidare.",
				msgExpired:       "Innloggingsførespurnaden er ukjend, allereie brukt eller gått ut på tid. Gå tilbake til tenesta og prøv igjen.",
				msgBusy:          "Test-ID-porten har for mange innloggingar på gang. Vent litt og prøv igjen.",
				msgBadLogout:     "Utloggingsførespurnaden er ugyldig.",
				msgBadPostLogout: "Adressa tenesta vil sende deg til etter utlogging, er ikkje registrert. Av omsyn til tryggleiken sender vi deg ikkje vidare.",
				msgBadPID:        "Det er ikkje eit syntetisk fødselsnummer frå Tenor. Her kan du berre bruke syntetiske testpersonar: 11 siffer der månaden er lagd til 80. Gå tilbake og prøv igjen.",
			},
		},
		"en": {
			Lang:           "en",
			LanguageName:   "English",
			LanguageNav:    "Language",
			TestBadge:      "Test environment – synthetic persons only",
			PickerTitle:    "Choose a test person",
			TestHeading:    "This is a test service.",
			TestNotice:     "Test-ID-porten imitates ID-porten but does not check who you are. All persons are synthetic (made up). Do not use real personal data.",
			ServiceLabel:   "Service asking you to sign in",
			LevelLabel:     "Required level of assurance",
			LevelHigh:      "High",
			LevelSubst:     "Substantial",
			ChooseHeading:  "Choose a test person",
			ChooseHelp:     "Choose who you want to sign in as.",
			PIDLabel:       "National identity number",
			EmailLabel:     "Email",
			Cancel:         "Cancel and return to the service",
			OtherHeading:   "Or another synthetic test person",
			OtherHelp:      "Type the national identity number of a synthetic test person from the Norwegian Tax Administration's Tenor (11 digits, the month plus 80).",
			OtherButton:    "Sign in as this test person",
			ErrorTitle:     "Something went wrong",
			DetailsHeading: "Technical details",
			SignedOutTitle: "You are signed out",
			SignedOutText:  "You are now signed out of Test-ID-porten. You can close this window.",
			Messages: map[message]string{
				msgBadRequest:    "The request is invalid.",
				msgUnknownClient: "The service that sent you here is not registered with Test-ID-porten.",
				msgBadRedirect:   "The address the service wants to send you back to is not registered. For security reasons we will not send you there.",
				msgExpired:       "The sign-in request is unknown, already used or expired. Go back to the service and try again.",
				msgBusy:          "Test-ID-porten has too many sign-ins in progress. Wait a moment and try again.",
				msgBadLogout:     "The sign-out request is invalid.",
				msgBadPostLogout: "The address the service wants to send you to after signing out is not registered. For security reasons we will not send you there.",
				msgBadPID:        "That is not a synthetic identity number from Tenor. Only synthetic test persons can be used here: 11 digits with 80 added to the month. Go back and try again.",
			},
		},
	}
}
