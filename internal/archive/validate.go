package archive

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Message keys of the module's errors. Field errors (errs.E with a map of
// field → key) use the keyField* keys; the fields are named as in the
// Noark metadata catalogue, with the path into lists, e.g.
// "korrespondanseparter.0.navn" or "dokumenter.1.dokumentobjekter.0.sjekksum".
const (
	keyInvalidCase    errs.Key = "archive.error.invalid_case"
	keyInvalidEntry   errs.Key = "archive.error.invalid_entry"
	keyNoArchive      errs.Key = "archive.error.no_archive"
	keyNoArkivdel     errs.Key = "archive.error.no_arkivdel"
	keyNoCase         errs.Key = "archive.error.no_case"
	keyNoEntry        errs.Key = "archive.error.no_entry"
	keyCaseClosed     errs.Key = "archive.error.case_closed"
	keyArkivdelClosed errs.Key = "archive.error.arkivdel_closed"
	keyStatus         errs.Key = "archive.error.status"
	keyTenant         errs.Key = "archive.error.tenant"
	keyExportOut      errs.Key = "archive.error.export_out"
	keyExportBlob     errs.Key = "archive.error.export_blob"
	keySeedEntries    errs.Key = "archive.error.seed_entries"
	keyNumber         errs.Key = "archive.error.number"
)

// Field error keys (values of the field map).
const (
	keyFieldRequired        = "archive.error.required"
	keyFieldCode            = "archive.error.code"
	keyFieldTooLong         = "archive.error.too_long"
	keyFieldText            = "archive.error.text"
	keyFieldSenderRequired  = "archive.error.sender_required"
	keyFieldRecipientNeeded = "archive.error.recipient_required"
	keyFieldPartyRequired   = "archive.error.party_required"
	keyFieldSkjermingPair   = "archive.error.skjerming_pair"
	keyFieldSkjermingFields = "archive.error.skjerming_fields"
	keyFieldOffentligTittel = "archive.error.offentlig_tittel_required"
	keyFieldHoveddokument   = "archive.error.hoveddokument"
	keyFieldChecksum        = "archive.error.checksum"
	keyFieldVariant         = "archive.error.variant_duplicate"
	keyFieldNegative        = "archive.error.negative"
	keyFieldDocumentsOnly   = "archive.error.documents_only"
	keyFieldUnknownArkivdel = "archive.error.unknown_arkivdel"
)

// Length limits, in characters.
const (
	maxTitle = 2000
	maxName  = 500
	maxCode  = 50
	maxText  = 4000
)

// fieldErrors collects field → message key, keeping the first error of a
// field.
type fieldErrors map[string]string

func (f fieldErrors) add(field, key string) {
	if _, ok := f[field]; !ok {
		f[field] = key
	}
}

// text checks a free-text value: required or not, at most max characters,
// valid UTF-8 without control characters (tab and newline are allowed in
// long texts only).
func (f fieldErrors) text(field, v string, required bool, max int) {
	if strings.TrimSpace(v) == "" {
		if required {
			f.add(field, keyFieldRequired)
		} else if v != "" {
			f.add(field, keyFieldText)
		}
		return
	}
	if !utf8.ValidString(v) {
		f.add(field, keyFieldText)
		return
	}
	if utf8.RuneCountInString(v) > max {
		f.add(field, keyFieldTooLong)
		return
	}
	multiline := max >= maxTitle
	for _, r := range v {
		if r == '\n' || r == '\t' {
			if multiline {
				continue
			}
			f.add(field, keyFieldText)
			return
		}
		if unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF {
			f.add(field, keyFieldText)
			return
		}
	}
}

// code checks that v is in list (required when required is set).
func (f fieldErrors) code(field, v string, required bool, list codeList) {
	if v == "" {
		if required {
			f.add(field, keyFieldRequired)
		}
		return
	}
	if !list.has(v) {
		f.add(field, keyFieldCode)
	}
}

func (f fieldErrors) err(op errs.Op, key errs.Key) error {
	if len(f) == 0 {
		return nil
	}
	return errs.E(op, errs.Invalid, key, map[string]string(f), fmt.Errorf("%d field errors", len(f)))
}

// validateSkjerming checks a screening of a unit kind; prefix is its field
// path ("skjerming", "dokumenter.0.skjerming"). offentligTittel is the
// unit's public title (for tittel_ord).
func (f fieldErrors) skjerming(prefix, enhet string, s *Skjerming, offentligTittel string) {
	if s == nil {
		return
	}
	hasKode, hasHjemmel := strings.TrimSpace(s.Tilgangsrestriksjon) != "", strings.TrimSpace(s.Skjermingshjemmel) != ""
	switch {
	case hasKode && !hasHjemmel:
		f.add(prefix+".skjermingshjemmel", keyFieldSkjermingPair)
	case hasHjemmel && !hasKode:
		f.add(prefix+".tilgangsrestriksjon", keyFieldSkjermingPair)
	case !hasKode && !hasHjemmel:
		f.add(prefix+".tilgangsrestriksjon", keyFieldRequired)
	}
	if hasKode && !validTilgangskode(s.Tilgangsrestriksjon) {
		f.add(prefix+".tilgangsrestriksjon", keyFieldCode)
	}
	if hasHjemmel {
		f.text(prefix+".skjermingshjemmel", s.Skjermingshjemmel, true, maxName)
	}
	if len(s.SkjermingMetadata) == 0 {
		f.add(prefix+".skjermingMetadata", keyFieldSkjermingFields)
	}
	for i, c := range s.SkjermingMetadata {
		if skjermingMetadataTexts(enhet, c) == nil {
			f.add(fmt.Sprintf("%s.skjermingMetadata.%d", prefix, i), keyFieldCode)
		}
		if c == SkjermingTittelOrd && strings.TrimSpace(offentligTittel) == "" {
			f.add("offentligTittel", keyFieldOffentligTittel)
		}
	}
	if s.SkjermingDokument != "" {
		if enhet != enhetDokument {
			f.add(prefix+".skjermingDokument", keyFieldDocumentsOnly)
		} else {
			f.code(prefix+".skjermingDokument", s.SkjermingDokument, false, skjermingDokumenter)
		}
	}
	if s.Skjermingsvarighet < 0 {
		f.add(prefix+".skjermingsvarighet", keyFieldNegative)
	}
}

// validateCase checks a case before CreateCase numbers it.
func validateCase(m *Saksmappe) error {
	f := fieldErrors{}
	f.text("tittel", m.Tittel, true, maxTitle)
	f.text("offentligTittel", m.OffentligTittel, false, maxTitle)
	f.text("beskrivelse", m.Beskrivelse, false, maxText)
	f.text("saksansvarlig", m.Saksansvarlig, true, maxName)
	f.text("administrativEnhet", m.AdministrativEnhet, true, maxName)
	f.text("journalenhet", m.Journalenhet, false, maxName)
	f.code("saksstatus", m.Saksstatus, false, saksstatuser)
	if closedCase(m.Saksstatus) {
		// A case is closed with SetCaseStatus, after its entries.
		f.add("saksstatus", keyFieldCode)
	}
	f.text("klasseID", m.KlasseID, false, maxCode)
	f.text("klasseTittel", m.KlasseTittel, false, maxName)
	f.skjerming("skjerming", enhetMappe, m.Skjerming, m.OffentligTittel)
	return f.err("archive.CreateCase", keyInvalidCase)
}

// validateEntry checks a journal entry before AddEntry numbers it: the
// mandatory Noark fields, the code lists, the parties each type of entry
// needs, the documents and the screening.
func validateEntry(j *Journalpost) error {
	f := fieldErrors{}
	f.text("tittel", j.Tittel, true, maxTitle)
	f.text("offentligTittel", j.OffentligTittel, false, maxTitle)
	f.code("journalposttype", j.Journalposttype, true, journalposttyper)
	f.code("journalstatus", j.Journalstatus, true, journalstatuser)
	if j.Dokumentdato.IsZero() {
		f.add("dokumentdato", keyFieldRequired)
	}
	if j.Journalposttype == Inngaaende && j.MottattDato.IsZero() {
		f.add("mottattDato", keyFieldRequired)
	}
	f.text("journalenhet", j.Journalenhet, false, maxName)
	f.text("saksbehandler", j.Saksbehandler, false, maxName)
	f.text("administrativEnhet", j.AdministrativEnhet, false, maxName)

	var senders, recipients int
	for i, p := range j.Korrespondanseparter {
		pre := fmt.Sprintf("korrespondanseparter.%d.", i)
		f.code(pre+"korrespondanseparttype", p.Korrespondanseparttype, true, korrespondanseparttyper)
		f.text(pre+"navn", p.Navn, true, maxName)
		for k, line := range p.Postadresse {
			f.text(fmt.Sprintf("%spostadresse.%d", pre, k), line, true, maxName)
		}
		f.text(pre+"postnummer", p.Postnummer, false, maxCode)
		f.text(pre+"poststed", p.Poststed, false, maxName)
		f.text(pre+"land", p.Land, false, maxName)
		f.text(pre+"epostadresse", p.Epostadresse, false, maxName)
		if p.Epostadresse != "" && !strings.Contains(p.Epostadresse, "@") {
			f.add(pre+"epostadresse", keyFieldText)
		}
		f.text(pre+"telefonnummer", p.Telefonnummer, false, maxCode)
		f.text(pre+"kontaktperson", p.Kontaktperson, false, maxName)
		f.text(pre+"administrativEnhet", p.AdministrativEnhet, false, maxName)
		f.text(pre+"saksbehandler", p.Saksbehandler, false, maxName)
		switch p.Korrespondanseparttype {
		case Avsender:
			senders++
		case Mottaker, Gruppemottaker:
			recipients++
		}
	}
	switch j.Journalposttype {
	case Inngaaende:
		if senders == 0 {
			f.add("korrespondanseparter", keyFieldSenderRequired)
		}
	case Utgaaende:
		if recipients == 0 {
			f.add("korrespondanseparter", keyFieldRecipientNeeded)
		}
	default:
		// The journals (loependeJournal, offentligJournal) need a
		// korrespondansepart on every entry; internal ones use IA/IM.
		if len(j.Korrespondanseparter) == 0 {
			f.add("korrespondanseparter", keyFieldPartyRequired)
		}
	}

	hoved := 0
	for i := range j.Dokumenter {
		d := &j.Dokumenter[i]
		pre := fmt.Sprintf("dokumenter.%d.", i)
		f.text(pre+"tittel", d.Tittel, true, maxTitle)
		f.text(pre+"dokumenttype", d.Dokumenttype, true, maxName)
		f.code(pre+"dokumentstatus", d.Dokumentstatus, false, dokumentstatuser)
		f.code(pre+"tilknyttetRegistreringSom", d.TilknyttetRegistreringSom, true, tilknytninger)
		if d.TilknyttetRegistreringSom == Hoveddokument {
			hoved++
		}
		f.skjerming(pre+"skjerming", enhetDokument, d.Skjerming, "-")
		seen := map[string]bool{}
		for k := range d.Dokumentobjekter {
			o := &d.Dokumentobjekter[k]
			opre := fmt.Sprintf("%sdokumentobjekter.%d.", pre, k)
			if o.Versjonsnummer < 0 {
				f.add(opre+"versjonsnummer", keyFieldNegative)
			}
			f.code(opre+"variantformat", o.Variantformat, false, variantformater)
			// The format is a PRONOM id; without one the media type stands in.
			f.text(opre+"format", o.Format, o.Mimetype == "", maxName)
			f.text(opre+"formatDetaljer", o.FormatDetaljer, false, maxName)
			f.text(opre+"filnavn", o.Filnavn, false, maxName)
			f.text(opre+"mimetype", o.Mimetype, false, maxName)
			switch {
			case o.BlobID == "":
				f.add(opre+"blobID", keyFieldRequired)
			case !validSum(o.BlobID):
				f.add(opre+"blobID", keyFieldChecksum)
			case o.Sjekksum != "" && o.Sjekksum != o.BlobID:
				f.add(opre+"sjekksum", keyFieldChecksum)
			}
			if o.SjekksumAlgoritme != "" && o.SjekksumAlgoritme != "SHA256" && o.SjekksumAlgoritme != "SHA-256" {
				f.add(opre+"sjekksumAlgoritme", keyFieldCode)
			}
			if o.Filstoerrelse < 0 {
				f.add(opre+"filstoerrelse", keyFieldNegative)
			}
			v := max(o.Versjonsnummer, 1)
			variant := o.Variantformat
			if variant == "" {
				variant = "A"
			}
			key := fmt.Sprint(v, variant)
			if seen[key] {
				f.add(opre+"variantformat", keyFieldVariant)
			}
			seen[key] = true
		}
	}
	if len(j.Dokumenter) > 0 && hoved != 1 {
		f.add("dokumenter", keyFieldHoveddokument)
	}
	f.skjerming("skjerming", enhetRegistrering, j.Skjerming, j.OffentligTittel)
	return f.err("archive.AddEntry", keyInvalidEntry)
}

// validSum reports whether s is a lower-case hex SHA-256.
func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// messageKeys lists every message key the module uses, for the
// catalogue test.
func messageKeys() []string {
	keys := []string{}
	for _, k := range []errs.Key{keyInvalidCase, keyInvalidEntry, keyNoArchive, keyNoArkivdel, keyNoCase, keyNoEntry, keyCaseClosed,
		keyArkivdelClosed, keyStatus, keyTenant, keyExportOut, keyExportBlob, keySeedEntries, keyNumber} {
		keys = append(keys, string(k))
	}
	keys = append(keys, keyFieldRequired, keyFieldCode, keyFieldTooLong, keyFieldText, keyFieldSenderRequired, keyFieldRecipientNeeded,
		keyFieldPartyRequired, keyFieldSkjermingPair, keyFieldSkjermingFields, keyFieldOffentligTittel, keyFieldHoveddokument,
		keyFieldChecksum, keyFieldVariant, keyFieldNegative, keyFieldDocumentsOnly, keyFieldUnknownArkivdel)
	for kind, list := range map[string]codeList{"journalposttype": journalposttyper, "journalstatus": journalstatuser,
		"saksstatus": saksstatuser, "korrespondanseparttype": korrespondanseparttyper} {
		for _, c := range list {
			keys = append(keys, "archive."+kind+"."+c.Code)
		}
	}
	for _, c := range []string{SkjermingTittel, SkjermingTittelOrd, SkjermingPart, SkjermingAvsender, SkjermingMottaker,
		SkjermingKorrespondansepart, SkjermingMerknad, SkjermingMidlertidig} {
		keys = append(keys, "archive.skjerming."+c)
	}
	return keys
}
