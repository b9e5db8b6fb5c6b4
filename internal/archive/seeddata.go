package archive

import "math/rand/v2"

// The word lists Seed draws from. Names are common Norwegian first and last
// names; organisations, streets and places are generic.

// topic is a kind of case: its class, unit, titles and how often its
// entries are screened, and on what basis. Cases about a person
// ("{person}" in the title) are screened whole: the case title's name and
// every entry's title and sender or recipient. With these weights about
// 9 % of the entries are in such cases and 2 % more are screened one by
// one, so about one entry in ten is screened.
type topic struct {
	klasseID, klasseTittel string
	enhet                  string
	weight                 int // relative frequency
	cases                  []string
	in, out                []string
	types                  string  // the entry types after the first, by frequency
	screen                 float64 // share of entries screened
	kode, hjemmel          string
}

var topics = []*topic{
	{klasseID: "100", klasseTittel: "Byggesaker", enhet: "Byggesaksavdelingen", weight: 30,
		cases: []string{"Søknad om rammetillatelse - gnr/bnr {gnr} - {adresse}", "Søknad om tiltak uten ansvarsrett - {adresse}",
			"Søknad om dispensasjon - {adresse}", "Klage på vedtak om byggetillatelse - {adresse}", "Ulovlig byggearbeid - {adresse}"},
		in:    []string{"Søknad", "Nabomerknad", "Tilleggsdokumentasjon", "Klage", "Uttalelse fra Statsforvalteren"},
		out:   []string{"Vedtak", "Foreløpig svar", "Mangelbrev", "Varsel om pålegg", "Nabovarsel - kvittering"},
		types: "IIIUUUUNX", screen: 0.02, kode: "13", hjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"},
	{klasseID: "200", klasseTittel: "Barnehage", enhet: "Oppvekstetaten", weight: 6,
		cases: []string{"Søknad om barnehageplass - {person}", "Opptak til barnehagene {aar}", "Tilsyn med {sted} barnehage"},
		in:    []string{"Søknad", "Dokumentasjon av inntekt", "Endring av søknad"},
		out:   []string{"Tilbud om barnehageplass", "Vedtak om redusert foreldrebetaling", "Svar på søknad"},
		types: "IUUUX", screen: 0, kode: "13", hjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"},
	{klasseID: "300", klasseTittel: "Skole", enhet: "Oppvekstetaten", weight: 6,
		cases: []string{"Søknad om skolebytte - {person}", "Spesialundervisning - {person}", "Skolerute {aar}", "Ordensreglement - {sted} skole"},
		in:    []string{"Søknad", "Sakkyndig vurdering fra PPT", "Henvendelse fra foresatte"},
		out:   []string{"Vedtak", "Innkalling til møte", "Svar på henvendelse"},
		types: "IIUUNX", screen: 0, kode: "13", hjemmel: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"},
	{klasseID: "400", klasseTittel: "Helse og omsorg", enhet: "Helse- og omsorgstjenesten", weight: 4,
		cases: []string{"Søknad om helse- og omsorgstjenester - {person}", "Søknad om omsorgsstønad - {person}", "Tildeling av omsorgsbolig - {person}"},
		in:    []string{"Søknad", "Legeerklæring", "Henvendelse fra pårørende"},
		out:   []string{"Vedtak om tjenester", "Foreløpig svar", "Innkalling til kartleggingssamtale"},
		types: "IUUNX", screen: 0, kode: "13", hjemmel: "Offl. § 13 jf. helsepersonelloven § 21"},
	{klasseID: "500", klasseTittel: "Plan og regulering", enhet: "Plan og næring", weight: 12,
		cases: []string{"Detaljregulering for {sted}", "Områderegulering for {sted} sentrum", "Kommuneplanens arealdel {aar}"},
		in:    []string{"Merknad til planforslag", "Innspill til oppstart", "Uttalelse fra Statens vegvesen"},
		out:   []string{"Varsel om oppstart av planarbeid", "Høring av planforslag", "Kunngjøring av vedtatt plan"},
		types: "IIIIUUNS", screen: 0, kode: "14", hjemmel: "Offl. § 14 første ledd"},
	{klasseID: "600", klasseTittel: "Politiske saker", enhet: "Politisk sekretariat", weight: 12,
		cases: []string{"Budsjett og økonomiplan {aar}", "Interpellasjon - {sted}", "Delegeringsreglement", "Tertialrapport {aar}"},
		in:    []string{"Innspill", "Henvendelse fra innbygger"},
		out:   []string{"Melding om vedtak", "Oversendelse av protokoll"},
		types: "SSIUUN", screen: 0, kode: "14", hjemmel: "Offl. § 14 første ledd"},
	{klasseID: "700", klasseTittel: "Personal", enhet: "HR-avdelingen", weight: 10,
		cases: []string{"Tilsetting - {stilling}", "Utlysning - {stilling}"},
		in:    []string{"Søknad på stilling", "Referanse", "Trekk av søknad"},
		out:   []string{"Innkalling til intervju", "Tilbud om stilling", "Svar til søker"},
		types: "IIIIUUNX", screen: 0.1, kode: "25", hjemmel: "Offl. § 25 andre ledd"},
	{klasseID: "800", klasseTittel: "Økonomi og innkjøp", enhet: "Økonomiavdelingen", weight: 14,
		cases: []string{"Innkjøp av {vare}", "Rammeavtale - {vare}", "Faktura og betaling - {vare}"},
		in:    []string{"Tilbud", "Faktura", "Spørsmål til konkurransegrunnlaget"},
		out:   []string{"Konkurransegrunnlag", "Meddelelse om tildeling", "Kontrakt"},
		types: "IIIUUNX", screen: 0.05, kode: "23", hjemmel: "Offl. § 23 første ledd"},
}

func pickTopic(r *rand.Rand) *topic {
	total := 0
	for _, t := range topics {
		total += t.weight
	}
	n := r.IntN(total)
	for _, t := range topics {
		if n < t.weight {
			return t
		}
		n -= t.weight
	}
	return topics[0]
}

func pickType(r *rand.Rand, t *topic) string { return string(t.types[r.IntN(len(t.types))]) }

var firstNames = []string{"Kari", "Ola", "Ingrid", "Lars", "Nora", "Emma", "Jakob", "Olav", "Sofie", "Maja", "Henrik", "Ida",
	"Sander", "Thea", "Magnus", "Emil", "Ella", "Filip", "Aksel", "Leah", "Noah", "Sara", "Astrid", "Sigrid", "Håkon", "Øystein",
	"Åse", "Bjørn", "Tone", "Marit", "Anders", "Per", "Knut", "Solveig", "Hanne", "Eirik", "Kristin", "Silje", "Jon", "Elin",
	"Amir", "Fatima", "Mohammed", "Anna", "Jonas", "Tobias", "Linnea", "Mathilde", "Oskar", "Vilde"}

var lastNames = []string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
	"Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
	"Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
	"Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Nguyen",
	"Rasmussen", "Ali", "Lunde", "Solheim", "Berge", "Moe", "Nygård", "Bakke"}

var staff = []string{"Kari Nordmann", "Per Hansen", "Ingrid Solheim", "Lars Berge", "Tone Eide", "Marit Lunde", "Øystein Moe",
	"Hanne Strand", "Eirik Dahl", "Silje Bakken", "Knut Haugen", "Solveig Lie", "Anders Nygård", "Kristin Moen", "Jon Iversen"}

var units = []string{"Byggesaksavdelingen", "Oppvekstetaten", "Helse- og omsorgstjenesten", "Plan og næring", "Økonomiavdelingen",
	"HR-avdelingen", "Juridisk avdeling", "Rådmannens stab"}

var bodies = []string{"Formannskapet", "Kommunestyret", "Hovedutvalg for oppvekst", "Planutvalget", "Kontrollutvalget"}

var orgs = []string{"Statsforvalteren", "Statens vegvesen", "NAV", "Skatteetaten", "Norconsult AS", "Arkitektkontoret Fjord AS",
	"Byggmester Hansen AS", "Elektro Nord AS", "Helsedirektoratet", "Fylkeskommunen", "Mattilsynet", "Kartverket", "Husbanken",
	"Advokatfirmaet Berg & Co", "Velforeningen", "Naturvernforbundet", "Bondelaget", "Idrettsrådet"}

var streets = []string{"Storgata", "Kirkegata", "Skolegata", "Strandveien", "Bakkeveien", "Fjordgata", "Solbakken", "Eikeveien",
	"Granveien", "Bjørkeveien", "Sjøgata", "Torget", "Parkveien", "Industriveien", "Åsveien", "Lillevegen", "Myrveien", "Havnegata"}

var places = []string{"Nordre Øyane", "Sentrum", "Solvik", "Haugland", "Bekkestua", "Furulund", "Nesset", "Åsen", "Brattli", "Vikane"}

var postal = []string{"0150 Oslo", "5003 Bergen", "7011 Trondheim", "4006 Stavanger", "9008 Tromsø", "6002 Ålesund", "3015 Drammen",
	"2317 Hamar", "8006 Bodø", "1530 Moss", "3611 Kongsberg", "4610 Kristiansand", "6800 Førde", "2815 Gjøvik"}

var positions = []string{"rådgiver plan", "lærer ved Solvik skole", "sykepleier hjemmetjenesten", "saksbehandler byggesak",
	"barnehagelærer", "økonomikonsulent", "arkivar", "helsefagarbeider"}

var goods = []string{"skolemøbler", "brøyting og strøing", "IKT-utstyr", "renholdstjenester", "arbeidsklær", "kontorrekvisita",
	"konsulenttjenester", "kommunale kjøretøy"}

var internalTitles = []string{"Intern uttalelse", "Notat til saken", "Saksnotat", "Referat fra møte", "Oppfølging av saken"}

var attachments = []string{"Situasjonskart", "Tegninger", "Dokumentasjon", "Kopi av vedtak", "Erklæring", "Bilder"}

var sentences = []string{
	"Vi viser til henvendelsen og takker for den.",
	"Saken er behandlet etter gjeldende regelverk.",
	"Kommunen har vurdert søknaden og de opplysningene som foreligger.",
	"Vedtaket kan påklages innen tre uker fra det er mottatt.",
	"Dersom noe er uklart, ta gjerne kontakt med saksbehandler.",
	"Søknaden er mottatt og vil bli behandlet så snart som mulig.",
	"Det er behov for mer dokumentasjon før saken kan avgjøres.",
	"Naboene er varslet i samsvar med plan- og bygningsloven.",
	"Kommunen legger til grunn at tiltaket ikke er i strid med planen.",
	"Behandlingstiden er for tiden om lag fire uker.",
	"Vi ber om at opplysningene sendes innen fristen.",
	"Saken legges fram for politisk behandling.",
	"Tilbudet gjelder fra neste måned.",
	"Du har rett til å se dokumentene i saken.",
}
