package archive

// Code lists. The short codes are those of the Noark 5 service interface
// (tjenestegrensesnitt); the texts are the Noark 5 metadata catalogue's
// mandatory values, which the archival extract writes ("Alle koder skal
// være erstattet med mest mulig selvforklarende tekst").

// Code is one value of a code list.
type Code struct {
	Code string
	Text string
}

// codeList is a code list in its standard order.
type codeList []Code

func (l codeList) has(code string) bool {
	for _, c := range l {
		if c.Code == code {
			return true
		}
	}
	return false
}

// text returns the catalogue text of code, or code itself when unknown.
func (l codeList) text(code string) string {
	for _, c := range l {
		if c.Code == code {
			return c.Text
		}
	}
	return code
}

func (l codeList) codes() []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.Code
	}
	return out
}

// Journalposttype (M082).
const (
	Inngaaende                  = "I"
	Utgaaende                   = "U"
	OrganinterntForOppfoelging  = "N"
	OrganinterntUtenOppfoelging = "X"
	Saksframlegg                = "S"
)

var journalposttyper = codeList{
	{"I", "Inngående dokument"},
	{"U", "Utgående dokument"},
	{"N", "Organinternt dokument for oppfølging"},
	{"X", "Organinternt dokument uten oppfølging"},
	{"S", "Saksframlegg"},
}

// Journalstatus (M053).
var journalstatuser = codeList{
	{"J", "Journalført"},
	{"F", "Ferdigstilt fra saksbehandler"},
	{"G", "Godkjent av leder"},
	{"E", "Ekspedert"},
	{"A", "Arkivert"},
	{"U", "Utgår"},
	{"M", "Midlertidig registrering av innkommet dokument"},
	{"S", "Saksbehandler har registrert innkommet dokument"},
	{"R", "Reservert dokument"},
}

// Saksstatus (M052).
const (
	SaksstatusUnderBehandling = "B"
	SaksstatusAvsluttet       = "A"
	SaksstatusUtgaar          = "U"
)

var saksstatuser = codeList{
	{"B", "Under behandling"},
	{"A", "Avsluttet"},
	{"U", "Utgår"},
	{"R", "Opprettet av saksbehandler"},
	{"S", "Avsluttet av saksbehandler"},
	{"P", "Unntatt prosesstyring"},
	{"F", "Ferdig fra saksbehandler"},
}

// closedCase reports whether a case with saksstatus s is closed: it takes
// no new entries and has an avsluttetDato.
func closedCase(s string) bool { return s == SaksstatusAvsluttet || s == SaksstatusUtgaar }

// Dokumentstatus (M054).
var dokumentstatuser = codeList{
	{"B", "Dokumentet er under redigering"},
	{"F", "Dokumentet er ferdigstilt"},
}

// TilknyttetRegistreringSom (M217).
const (
	Hoveddokument = "H"
	Vedlegg       = "V"
)

var tilknytninger = codeList{
	{"H", "Hoveddokument"},
	{"V", "Vedlegg"},
}

// Variantformat (M700).
var variantformater = codeList{
	{"P", "Produksjonsformat"},
	{"A", "Arkivformat"},
	{"O", "Dokument hvor deler av innholdet er skjermet"},
}

// Korrespondanseparttype (M087).
const (
	Avsender           = "EA"
	Mottaker           = "EM"
	Kopimottaker       = "EK"
	Gruppemottaker     = "GM"
	InternAvsender     = "IA"
	InternMottaker     = "IM"
	InternKopimottaker = "IK"
	Medavsender        = "IS"
)

var korrespondanseparttyper = codeList{
	{"EA", "Avsender"},
	{"EM", "Mottaker"},
	{"EK", "Kopimottaker"},
	{"GM", "Gruppemottaker"},
	{"IA", "Intern avsender"},
	{"IM", "Intern mottaker"},
	{"IK", "Intern kopimottaker"},
	{"IS", "Medavsender"},
}

// isSender and isRecipient sort the party types for screening: a screened
// sender (SkjermingAvsender) hides EA, IA and IS names, a screened
// recipient (SkjermingMottaker) EM, EK, GM, IM and IK names.
func isSender(t string) bool { return t == Avsender || t == InternAvsender || t == Medavsender }

func isRecipient(t string) bool {
	return t == Mottaker || t == Kopimottaker || t == Gruppemottaker || t == InternMottaker || t == InternKopimottaker
}

// Arkivstatus (M050) and arkivdelstatus (M051).
var arkivstatuser = codeList{{"O", "Opprettet"}, {"A", "Avsluttet"}}

var arkivdelstatuser = codeList{
	{"A", "Aktiv periode"},
	{"O", "Overlappingsperiode"},
	{"P", "Avsluttet periode"},
	{"U", "Uaktuelle mapper"},
}

// SkjermingDokument (M503).
var skjermingDokumenter = codeList{
	{"H", "Skjerming av hele dokumentet"},
	{"D", "Skjerming av deler av dokumentet"},
}

// Tilgangskoder are the access codes (tilgangsrestriksjon, M500) the
// archive accepts: the paragraph of offentleglova the exemption rests on
// (5 utsatt innsyn, 13 teieplikt, 14 organinterne dokument, ..., 26), and
// P personalsaker, KL klientsaker, XX midlertidig sperret. The legal basis
// itself is given in skjermingshjemmel.
var Tilgangskoder = []string{"5", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "P", "KL", "XX"}

func validTilgangskode(s string) bool {
	for _, k := range Tilgangskoder {
		if k == s {
			return true
		}
	}
	return false
}

// SkjermingMetadata codes: which metadata a Skjerming screens.
const (
	SkjermingTittel             = "tittel"             // the title (public version: offentligTittel, or "******")
	SkjermingTittelOrd          = "tittel_ord"         // selected words of the title: offentligTittel is required
	SkjermingPart               = "part"               // names of parties to the case (saksmappe)
	SkjermingAvsender           = "avsender"           // the sender's name (journalpost)
	SkjermingMottaker           = "mottaker"           // the recipients' names (journalpost)
	SkjermingKorrespondansepart = "korrespondansepart" // senders' and recipients' names (journalpost)
	SkjermingMerknad            = "merknad"            // remarks
	SkjermingMidlertidig        = "midlertidig"        // everything, until the need is assessed
)

// Arkivenhet kinds, for the screening codes each accepts and their texts.
const (
	enhetMappe        = "mappe"
	enhetRegistrering = "registrering"
	enhetDokument     = "dokumentbeskrivelse"
)

// skjermingMetadataTexts returns the catalogue texts (M502) a screening
// code stands for on a unit kind, or nil when the code does not apply there.
func skjermingMetadataTexts(enhet, code string) []string {
	switch enhet {
	case enhetMappe:
		switch code {
		case SkjermingTittel:
			return []string{"Skjerming tittel mappe - unntatt første linje"}
		case SkjermingTittelOrd:
			return []string{"Skjerming tittel mappe - utvalgte ord"}
		case SkjermingPart:
			return []string{"Skjerming navn part i sak"}
		case SkjermingMerknad:
			return []string{"Skjerming merknadstekst"}
		case SkjermingMidlertidig:
			return []string{"Midlertidig skjerming"}
		}
	case enhetRegistrering:
		switch code {
		case SkjermingTittel:
			return []string{"Skjerming tittel registrering - unntatt første linje"}
		case SkjermingTittelOrd:
			return []string{"Skjerming tittel registrering - utvalgte ord"}
		case SkjermingAvsender:
			return []string{"Skjerming navn avsender"}
		case SkjermingMottaker:
			return []string{"Skjerming navn mottaker"}
		case SkjermingKorrespondansepart:
			return []string{"Skjerming navn avsender", "Skjerming navn mottaker"}
		case SkjermingMerknad:
			return []string{"Skjerming merknadstekst"}
		case SkjermingMidlertidig:
			return []string{"Midlertidig skjerming"}
		}
	case enhetDokument:
		switch code {
		case SkjermingTittel:
			return []string{"Skjerming tittel dokumentbeskrivelse"}
		case SkjermingMidlertidig:
			return []string{"Midlertidig skjerming"}
		}
	}
	return nil
}

// skjermingTexts returns the catalogue texts of all of s's codes on a unit
// kind, without repeats.
func skjermingTexts(enhet string, s *Skjerming) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range s.SkjermingMetadata {
		for _, t := range skjermingMetadataTexts(enhet, c) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// Masked replaces screened values in the public journal.
const Masked = "******"
