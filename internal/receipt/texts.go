package receipt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// texts are the fixed texts of the PDF in one language. They are part of
// the document format (and so of what is signed), which is why they live
// here and not in the message catalog.
type texts struct {
	langTag       string // BCP 47 tag for /Lang
	title         string // document title: service, reference
	receiptFor    string
	received      string
	reference     string
	submitted     string
	submitter     string
	submitterID   string
	form          string
	formVersion   string // form ID, version
	days          string // processing time; days
	day           string // processing time of one day
	answers       string
	attachments   string
	fileName      string
	fileType      string
	fileSize      string
	verifyHeading string
	verifyBody    string // municipality, URL
	verifyNoURL   string // municipality
	footer        string // municipality, URL
	footerNoURL   string // municipality
	page          string // page, pages
	embeddedDesc  string
	months        [12]string
	timeFormat    string // day, month, year, hour, minute
	decimalSep    string
	bytesUnit     string
}

// textsFor returns the texts for lang ("nb", "nn" or "en").
func textsFor(lang string) texts {
	switch lang {
	case "nn":
		return texts{
			langTag:       "nn-NO",
			title:         "Kvittering – %s – %s",
			receiptFor:    "Kvittering for innsending",
			received:      "Vi har fått innsendinga di.",
			reference:     "Referansenummer",
			submitted:     "Sendt inn",
			submitter:     "Sendt inn av",
			submitterID:   "Fødselsnummer",
			form:          "Skjema",
			formVersion:   "%s, versjon %d",
			days:          "Du får svar innan %d dagar.",
			day:           "Du får svar innan 1 dag.",
			answers:       "Svara dine",
			attachments:   "Vedlegg",
			fileName:      "Filnamn",
			fileType:      "Type",
			fileSize:      "Storleik",
			verifyHeading: "Slik kontrollerer du kvitteringa",
			verifyBody:    "Kvitteringa er signert elektronisk av %s. På %s kan du kontrollere at ho er ekte og ikkje endra: last opp denne PDF-fila der. Fila har også ein maskinlesbar kopi av kvitteringa, receipt.json, som vedlegg.",
			verifyNoURL:   "Kvitteringa er signert elektronisk av %s. Fila har også ein maskinlesbar kopi av kvitteringa, receipt.json, som vedlegg.",
			footer:        "Kvitteringa er signert av %s. Kontroller ho på %s",
			footerNoURL:   "Kvitteringa er signert av %s.",
			page:          "Side %d av %d",
			embeddedDesc:  "Signert, maskinlesbar kopi av kvitteringa",
			months:        [12]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
			timeFormat:    "%d. %s %d kl. %02d.%02d (norsk tid)",
			decimalSep:    ",",
			bytesUnit:     "byte",
		}
	case "en":
		return texts{
			langTag:       "en",
			title:         "Receipt – %s – %s",
			receiptFor:    "Submission receipt",
			received:      "We have received your submission.",
			reference:     "Reference number",
			submitted:     "Submitted",
			submitter:     "Submitted by",
			submitterID:   "National identity number",
			form:          "Form",
			formVersion:   "%s, version %d",
			days:          "You will get an answer within %d days.",
			day:           "You will get an answer within 1 day.",
			answers:       "Your answers",
			attachments:   "Attachments",
			fileName:      "File name",
			fileType:      "Type",
			fileSize:      "Size",
			verifyHeading: "How to verify this receipt",
			verifyBody:    "This receipt is signed electronically by %s. At %s you can check that it is genuine and unchanged: upload this PDF file there. The file also holds a machine-readable copy of the receipt, receipt.json, as an attachment.",
			verifyNoURL:   "This receipt is signed electronically by %s. The file also holds a machine-readable copy of the receipt, receipt.json, as an attachment.",
			footer:        "This receipt is signed by %s. Verify it at %s",
			footerNoURL:   "This receipt is signed by %s.",
			page:          "Page %d of %d",
			embeddedDesc:  "Signed, machine-readable copy of the receipt",
			months:        [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			timeFormat:    "%d %s %d at %02d:%02d (Norwegian time)",
			decimalSep:    ".",
			bytesUnit:     "bytes",
		}
	}
	return texts{
		langTag:       "nb-NO",
		title:         "Kvittering – %s – %s",
		receiptFor:    "Kvittering for innsending",
		received:      "Vi har mottatt innsendingen din.",
		reference:     "Referansenummer",
		submitted:     "Sendt inn",
		submitter:     "Sendt inn av",
		submitterID:   "Fødselsnummer",
		form:          "Skjema",
		formVersion:   "%s, versjon %d",
		days:          "Du får svar innen %d dager.",
		day:           "Du får svar innen 1 dag.",
		answers:       "Dine svar",
		attachments:   "Vedlegg",
		fileName:      "Filnavn",
		fileType:      "Type",
		fileSize:      "Størrelse",
		verifyHeading: "Slik kontrollerer du kvitteringen",
		verifyBody:    "Kvitteringen er signert elektronisk av %s. På %s kan du kontrollere at den er ekte og ikke endret: last opp denne PDF-filen der. Filen har også en maskinlesbar kopi av kvitteringen, receipt.json, som vedlegg.",
		verifyNoURL:   "Kvitteringen er signert elektronisk av %s. Filen har også en maskinlesbar kopi av kvitteringen, receipt.json, som vedlegg.",
		footer:        "Kvitteringen er signert av %s. Kontroller den på %s",
		footerNoURL:   "Kvitteringen er signert av %s.",
		page:          "Side %d av %d",
		embeddedDesc:  "Signert, maskinlesbar kopi av kvitteringen",
		months:        [12]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
		timeFormat:    "%d. %s %d kl. %02d.%02d (norsk tid)",
		decimalSep:    ",",
		bytesUnit:     "byte",
	}
}

// processing returns the promised processing time as a sentence, or ""
// if none was given.
func (t texts) processing(days int) string {
	switch {
	case days <= 0:
		return ""
	case days == 1:
		return t.day
	}
	return fmt.Sprintf(t.days, days)
}

// when formats a time in Norwegian time, e.g. "1. mars 2026 kl. 10.15
// (norsk tid)".
func (t texts) when(at time.Time) string {
	o := osloTime(at)
	return fmt.Sprintf(t.timeFormat, o.Day(), t.months[o.Month()-1], o.Year(), o.Hour(), o.Minute())
}

// size formats a file size with SI prefixes, e.g. "1,2 MB".
func (t texts) size(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " " + t.bytesUnit
	}
	v := float64(n)
	unit := "kB"
	for _, u := range []string{"MB", "GB", "TB", "PB"} {
		if v < 999950 {
			break
		}
		v /= 1000
		unit = u
	}
	s := strconv.FormatFloat(v/1000, 'f', 1, 64)
	return strings.Replace(s, ".", t.decimalSep, 1) + " " + unit
}

// osloTime returns at in Norwegian time (Europe/Oslo). Where the system
// has no time zone database (and the program does not embed one with
// time/tzdata), it falls back to the rule Norway follows with the EU since
// 1996: UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on
// the last Sunday of October, UTC+1 otherwise.
func osloTime(at time.Time) time.Time {
	if loc, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return at.In(loc)
	}
	return osloFallback(at)
}

// osloFallback applies the EU summer time rule described at osloTime.
func osloFallback(at time.Time) time.Time {
	at = at.UTC()
	y := at.Year()
	start := lastSunday(y, time.March).Add(time.Hour)
	end := lastSunday(y, time.October).Add(time.Hour)
	if !at.Before(start) && at.Before(end) {
		return at.In(time.FixedZone("CEST", 2*3600))
	}
	return at.In(time.FixedZone("CET", 3600))
}

// lastSunday returns midnight UTC of the last Sunday of month m in year y.
func lastSunday(y int, m time.Month) time.Time {
	d := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC) // last day of m
	return d.AddDate(0, 0, -int(d.Weekday()))
}
