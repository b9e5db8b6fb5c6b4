package catalog

import (
	"context"
	"reflect"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Seed fills tenant's catalogue with the demo content: seven life
// situations, their services and a few information pages, in bokmål,
// nynorsk and English. The municipality, addresses and phone numbers are
// fictional (numbers starting with 12 are not in use in Norway). It goes
// through the Upsert methods, as an administrator would, and writes only
// what is missing or differs, so running it again changes nothing and adds
// no audit entries.
func Seed(ctx context.Context, svc *Service, tenant string) error {
	actor := audit.Entry{ActorID: "system:demo", ActorName: "torg demo", Role: "system"}
	for _, ls := range demoSituations() {
		cur, err := svc.situation(ctx, tenant, ls.Slug)
		if err != nil && !errs.Is(errs.NotFound, err) {
			return err
		}
		if err == nil && same(cur, ls.clean()) {
			continue
		}
		if _, err := svc.UpsertLifeSituation(ctx, tenant, ls, actor); err != nil {
			return err
		}
	}
	for _, m := range demoServices() {
		cur, err := svc.ServiceBySlug(ctx, tenant, m.Slug)
		if err != nil && !errs.Is(errs.NotFound, err) {
			return err
		}
		if err == nil && same(cur, m.clean()) {
			continue
		}
		if _, err := svc.UpsertService(ctx, tenant, m, actor); err != nil {
			return err
		}
	}
	for _, p := range demoPages() {
		cur, err := svc.PageBySlug(ctx, tenant, p.Slug)
		if err != nil && !errs.Is(errs.NotFound, err) {
			return err
		}
		if err == nil && same(cur, p.clean()) {
			continue
		}
		if _, err := svc.UpsertPage(ctx, tenant, p, actor); err != nil {
			return err
		}
	}
	return nil
}

// same reports whether two stored values are equal but for when they were
// updated.
func same[T any](a, b T) bool {
	clear := func(v *T) {
		if f := reflect.ValueOf(v).Elem().FieldByName("UpdatedAt"); f.IsValid() {
			f.Set(reflect.ValueOf(time.Time{}))
		}
	}
	clear(&a)
	clear(&b)
	return reflect.DeepEqual(a, b)
}

// tr is a Text in bokmål, nynorsk and English.
func tr(nb, nn, en string) Text { return Text{NB: nb, NN: nn, EN: en} }

func demoSituations() []LifeSituation {
	return []LifeSituation{
		{Slug: "familie-og-barn", SortOrder: 10,
			Title: tr("Familie og barn", "Familie og barn", "Family and children"),
			Intro: tr("Barnehage, helsestasjon og hjelp til barnefamilier.",
				"Barnehage, helsestasjon og hjelp til barnefamiliar.",
				"Kindergarten, child health centre and help for families with children.")},
		{Slug: "bolig-og-eiendom", SortOrder: 20,
			Title: tr("Bolig og eiendom", "Bustad og eigedom", "Housing and property"),
			Intro: tr("Bygge, kjøpe eller leie, kommunale avgifter og eiendomsskatt.",
				"Byggje, kjøpe eller leige, kommunale avgifter og eigedomsskatt.",
				"Building, buying or renting, municipal charges and property tax.")},
		{Slug: "helse-og-omsorg", SortOrder: 30,
			Title: tr("Helse og omsorg", "Helse og omsorg", "Health and care"),
			Intro: tr("Fastlege, legevakt, hjelp i hjemmet og sykehjem.",
				"Fastlege, legevakt, hjelp i heimen og sjukeheim.",
				"GP, out-of-hours medical service, help at home and nursing homes.")},
		{Slug: "skole-og-utdanning", SortOrder: 40,
			Title: tr("Skole og utdanning", "Skule og utdanning", "School and education"),
			Intro: tr("Skolestart, skoleskyss, SFO og opplæring for voksne.",
				"Skulestart, skuleskyss, SFO og opplæring for vaksne.",
				"Starting school, school transport, after-school care and adult education.")},
		{Slug: "arbeid-og-naering", SortOrder: 50,
			Title: tr("Arbeid og næring", "Arbeid og næring", "Work and business"),
			Intro: tr("Jobb i kommunen, bevillinger og støtte til næringslivet.",
				"Jobb i kommunen, løyve og støtte til næringslivet.",
				"Jobs in the municipality, licences and support for businesses.")},
		{Slug: "transport-og-trafikk", SortOrder: 60,
			Title: tr("Transport og trafikk", "Transport og trafikk", "Transport and traffic"),
			Intro: tr("Parkering, tilrettelagt transport og arbeid i vei.",
				"Parkering, tilrettelagd transport og arbeid i veg.",
				"Parking, door-to-door transport and roadworks.")},
		{Slug: "kultur-og-fritid", SortOrder: 70,
			Title: tr("Kultur og fritid", "Kultur og fritid", "Culture and leisure"),
			Intro: tr("Kulturskole, idrettshaller, lokaler og tilskudd til lag og foreninger.",
				"Kulturskule, idrettshallar, lokale og tilskot til lag og foreiningar.",
				"Arts school, sports halls, premises and grants for clubs and associations.")},
	}
}

func demoServices() []MunicipalService {
	// Contacts used by several services.
	servicetorget := Contact{Unit: "Servicetorget", Email: "post@demo.kommune.no", Phone: "+47 12 34 56 00"}
	barnehagekontoret := Contact{Unit: "Barnehagekontoret", Email: "barnehage@demo.kommune.no", Phone: "+47 12 34 56 10"}
	tildelingskontoret := Contact{Unit: "Tildelingskontoret", Email: "tildeling@demo.kommune.no", Phone: "+47 12 34 56 60"}
	oppvekstkontoret := Contact{Unit: "Oppvekstkontoret", Email: "oppvekst@demo.kommune.no", Phone: "+47 12 34 56 70"}
	naering := Contact{Unit: "Næring og bevilling", Email: "bevilling@demo.kommune.no", Phone: "+47 12 34 56 80"}
	kultur := Contact{Unit: "Kultur og fritid", Email: "kultur@demo.kommune.no", Phone: "+47 12 34 57 10"}
	return []MunicipalService{
		// Familie og barn
		{
			Slug: "soknad-om-barnehageplass", Situations: []string{"familie-og-barn"}, FormID: "barnehageplass", ProcessingDays: 30,
			Contact: barnehagekontoret, Published: true,
			Name: tr("Søknad om barnehageplass", "Søknad om barnehageplass", "Applying for a kindergarten place"),
			Summary: tr("Søk om plass i kommunal eller privat barnehage i Demo kommune.",
				"Søk om plass i kommunal eller privat barnehage i Demo kommune.",
				"Apply for a place in a municipal or private kindergarten in Demo kommune."),
			Description: tr(`Alle barn som fyller ett år innen utgangen av november, har rett til plass i barnehage fra august. Du søker om plass i både kommunale og private barnehager i samme søknad.

Søknadsfristen for hovedopptaket er 1. mars. Du kan også søke senere i året, men da får barnet plass bare hvis det er ledige plasser.

Dette trenger du for å søke:
- fødselsnummeret til barnet
- hvilke barnehager du ønsker, i prioritert rekkefølge
- når du ønsker at barnet skal begynne

Du kan søke om redusert foreldrebetaling og gratis kjernetid i en egen søknad.`,
				`Alle barn som fyller eitt år innan utgangen av november, har rett til plass i barnehage frå august. Du søkjer om plass i både kommunale og private barnehagar i same søknaden.

Søknadsfristen for hovudopptaket er 1. mars. Du kan også søkje seinare i året, men då får barnet plass berre dersom det er ledige plassar.

Dette treng du for å søkje:
- fødselsnummeret til barnet
- kva barnehagar du ønskjer, i prioritert rekkjefølgje
- når du ønskjer at barnet skal byrje

Du kan søkje om redusert foreldrebetaling og gratis kjernetid i ein eigen søknad.`,
				`All children who turn one by the end of November have the right to a kindergarten place from August. One application covers both municipal and private kindergartens.

The deadline for the main admission is 1 March. You can also apply later in the year, but then your child only gets a place if one is available.

What you need to apply:
- your child's national identity number
- the kindergartens you want, in order of preference
- when you would like your child to start

You can apply for reduced fees and free core hours in a separate application.`),
			Declaration: tr(`Vi behandler alle søknader som kommer inn innen fristen, i hovedopptaket. Du får svar på e-post og på Min side. Takker du ja til plassen, får du et brev fra barnehagen om oppstart.

Får du ikke plass i barnehagen du ønsket deg mest, står barnet på venteliste. Du kan klage på vedtaket innen tre uker.`,
				`Vi handsamar alle søknader som kjem inn innan fristen, i hovudopptaket. Du får svar på e-post og på Mi side. Takkar du ja til plassen, får du eit brev frå barnehagen om oppstart.

Får du ikkje plass i barnehagen du helst ville ha, står barnet på venteliste. Du kan klage på vedtaket innan tre veker.`,
				`We process all applications received by the deadline in the main admission. You will get an answer by email and on My page. If you accept the place, the kindergarten will write to you about the start.

If your child does not get a place in the kindergarten you wanted most, your child stays on the waiting list. You can appeal the decision within three weeks.`),
		},
		{
			Slug: "helsestasjon", Situations: []string{"familie-og-barn"}, Published: true,
			Contact: Contact{Unit: "Helsestasjonen", Email: "helsestasjon@demo.kommune.no", Phone: "+47 12 34 56 20"},
			Name:    tr("Helsestasjon for barn 0–5 år", "Helsestasjon for barn 0–5 år", "Child health centre (ages 0–5)"),
			Summary: tr("Helsestasjonen følger opp barnets helse, vekst og utvikling fra fødsel til skolestart.",
				"Helsestasjonen følgjer opp helsa, veksten og utviklinga til barnet frå fødsel til skulestart.",
				"The child health centre follows up your child's health, growth and development from birth until school starts."),
			Description: tr(`Helsestasjonen er et gratis tilbud til alle barn fra 0 til 5 år og foreldrene deres. Du får time til faste konsultasjoner med helsesykepleier og lege, og barnet får vaksinene i barnevaksinasjonsprogrammet.

Etter fødselen får du tilbud om hjemmebesøk. Helsestasjonen kontakter deg selv når barnet er født, så du trenger ikke å søke.

Lurer du på noe om amming, søvn, mat eller utvikling, kan du ringe eller komme på åpen helsestasjon tirsdager klokka 12–15.`,
				`Helsestasjonen er eit gratis tilbod til alle barn frå 0 til 5 år og foreldra deira. Du får time til faste konsultasjonar med helsesjukepleiar og lege, og barnet får vaksinane i barnevaksinasjonsprogrammet.

Etter fødselen får du tilbod om heimebesøk. Helsestasjonen kontaktar deg sjølv når barnet er fødd, så du treng ikkje å søkje.

Lurer du på noko om amming, søvn, mat eller utvikling, kan du ringje eller kome på open helsestasjon tysdagar klokka 12–15.`,
				`The child health centre is free for all children aged 0 to 5 and their parents. You get appointments with a public health nurse and a doctor, and your child gets the vaccines in the childhood immunisation programme.

After the birth you are offered a home visit. The child health centre contacts you when your child is born, so you do not need to apply.

If you have questions about breastfeeding, sleep, food or development, call us or drop in on Tuesdays from 12 to 3 pm.`),
			Declaration: tr(`Du får innkalling til alle faste konsultasjoner. Trenger du å endre timen, gi beskjed så snart du kan. Vi har taushetsplikt.`,
				`Du får innkalling til alle faste konsultasjonar. Treng du å endre timen, gi beskjed så snart du kan. Vi har teieplikt.`,
				`You will be invited to all regular check-ups. If you need to change an appointment, let us know as soon as you can. We are bound by confidentiality.`),
		},
		{
			Slug: "redusert-foreldrebetaling", Situations: []string{"familie-og-barn"}, FormID: "redusert-foreldrebetaling",
			ProcessingDays: 21, Contact: barnehagekontoret, Published: true,
			Name: tr("Redusert foreldrebetaling i barnehage og SFO", "Redusert foreldrebetaling i barnehage og SFO", "Reduced fees for kindergarten and after-school care"),
			Summary: tr("Har husholdningen lav inntekt, kan du betale mindre for barnehage og SFO.",
				"Har hushaldet låg inntekt, kan du betale mindre for barnehage og SFO.",
				"If your household has a low income, you can pay less for kindergarten and after-school care (SFO)."),
			Description: tr(`Ingen husholdninger skal betale mer enn 6 prosent av inntekten sin for en barnehageplass. Har husholdningen lav inntekt, har barn i barnehage også rett til 20 timer gratis kjernetid i uka.

Familier med lav inntekt kan også få redusert betaling for SFO på 1.–4. trinn.

Du må søke på nytt hvert barnehageår. Legg ved siste skattemelding for alle voksne i husholdningen.`,
				`Ingen hushald skal betale meir enn 6 prosent av inntekta si for ein barnehageplass. Har hushaldet låg inntekt, har barn i barnehage også rett til 20 timar gratis kjernetid i veka.

Familiar med låg inntekt kan også få redusert betaling for SFO på 1.–4. trinn.

Du må søkje på nytt kvart barnehageår. Legg ved siste skattemelding for alle vaksne i hushaldet.`,
				`No household has to pay more than 6 per cent of its income for a kindergarten place. If your household has a low income, children in kindergarten are also entitled to 20 free core hours a week.

Families with a low income can also get reduced fees for after-school care in years 1 to 4.

You must apply again every kindergarten year. Attach the latest tax return for all adults in the household.`),
			Declaration: tr(`Vedtaket gjelder fra måneden etter at vi fikk søknaden. Endrer inntekten seg mye i løpet av året, må du si fra til oss.`,
				`Vedtaket gjeld frå månaden etter at vi fekk søknaden. Endrar inntekta seg mykje i løpet av året, må du seie frå til oss.`,
				`The decision applies from the month after we received your application. If your income changes a lot during the year, you must tell us.`),
		},

		// Bolig og eiendom
		{
			Slug: "soknad-om-byggetillatelse", Situations: []string{"bolig-og-eiendom"}, FormID: "byggesak", ProcessingDays: 84, Published: true,
			Contact: Contact{Unit: "Byggesak", Email: "byggesak@demo.kommune.no", Phone: "+47 12 34 56 30"},
			Name:    tr("Søknad om byggetillatelse", "Søknad om byggjeløyve", "Applying for a building permit"),
			Summary: tr("Skal du bygge nytt, bygge på eller bruke et rom til noe annet, må du som regel søke kommunen.",
				"Skal du byggje nytt, byggje på eller bruke eit rom til noko anna, må du som regel søkje kommunen.",
				"If you are building something new, extending, or using a room for a different purpose, you usually need to apply to the municipality."),
			Description: tr(`Du må søke om tillatelse før du setter i gang med de fleste byggearbeider, for eksempel nytt hus, tilbygg, garasje over 50 kvadratmeter eller å gjøre om en kjeller til boenhet.

Mindre tiltak kan du gjøre uten å søke, men de må likevel følge reguleringsplanen og avstandskravene. Er du usikker, kan du bestille en forhåndskonferanse med byggesaksavdelingen.

Større tiltak må du søke om gjennom et ansvarlig foretak, for eksempel en arkitekt eller en entreprenør.`,
				`Du må søkje om løyve før du set i gang med dei fleste byggjearbeid, til dømes nytt hus, tilbygg, garasje over 50 kvadratmeter eller å gjere om ein kjellar til bueining.

Mindre tiltak kan du gjere utan å søkje, men dei må likevel følgje reguleringsplanen og avstandskrava. Er du usikker, kan du bestille ein førehandskonferanse med byggjesaksavdelinga.

Større tiltak må du søkje om gjennom eit ansvarleg føretak, til dømes ein arkitekt eller ein entreprenør.`,
				`You must apply for a permit before you start most building work, for example a new house, an extension, a garage over 50 square metres, or turning a basement into a flat.

Smaller projects need no application, but they must still follow the zoning plan and the rules on distances. If you are unsure, you can book a pre-application meeting with the building permits department.

For larger projects, you must apply through a responsible company, for example an architect or a building contractor.`),
			Declaration: tr(`Vi behandler en komplett søknad innen 12 uker. Kan du søke uten ansvarlig foretak, og ingen naboer har merknader, er fristen 3 uker.

Mangler det noe i søknaden, får du beskjed innen 3 uker, og fristen løper fra vi har fått det som manglet.`,
				`Vi handsamar ein komplett søknad innan 12 veker. Kan du søkje utan ansvarleg føretak, og ingen naboar har merknader, er fristen 3 veker.

Manglar det noko i søknaden, får du melding innan 3 veker, og fristen går frå vi har fått det som mangla.`,
				`We process a complete application within 12 weeks. If you can apply without a responsible company and no neighbours object, the deadline is 3 weeks.

If something is missing from the application, we will tell you within 3 weeks, and the deadline runs from when we have received what was missing.`),
		},
		{
			Slug: "kommunale-avgifter", Situations: []string{"bolig-og-eiendom"}, Published: true,
			Contact: Contact{Unit: "Skatt og avgift", Email: "avgift@demo.kommune.no", Phone: "+47 12 34 56 40"},
			Name:    tr("Kommunale avgifter for vann, avløp og renovasjon", "Kommunale avgifter for vatn, avløp og renovasjon", "Municipal charges for water, sewage and waste"),
			Summary: tr("Alle som eier en bolig eller fritidsbolig, betaler avgifter for vann, avløp, renovasjon og feiing.",
				"Alle som eig ein bustad eller fritidsbustad, betaler avgifter for vatn, avløp, renovasjon og feiing.",
				"Everyone who owns a home or holiday home pays charges for water, sewage, waste collection and chimney sweeping."),
			Description: tr(`Du får faktura for kommunale avgifter fire ganger i året, med forfall 20. februar, 20. mai, 20. august og 20. november. Vi anbefaler at du bruker eFaktura eller AvtaleGiro.

Vannavgiften regnes ut fra hvor mye vann du bruker, eller fra boligens areal hvis du ikke har vannmåler. Har du vannmåler, må du lese den av innen 31. desember hvert år.

Har du spørsmål om fakturaen, eller vil du be om betalingsutsettelse, kan du bruke skjemaet Kontakt kommunen.`,
				`Du får faktura for kommunale avgifter fire gonger i året, med forfall 20. februar, 20. mai, 20. august og 20. november. Vi tilrår at du brukar eFaktura eller AvtaleGiro.

Vassavgifta blir rekna ut frå kor mykje vatn du brukar, eller frå arealet til bustaden dersom du ikkje har vassmålar. Har du vassmålar, må du lese han av innan 31. desember kvart år.

Har du spørsmål om fakturaen, eller vil du be om betalingsutsetjing, kan du bruke skjemaet Kontakt kommunen.`,
				`You receive an invoice for municipal charges four times a year, due on 20 February, 20 May, 20 August and 20 November. We recommend eInvoice or AvtaleGiro.

The water charge is based on how much water you use, or on the floor area of your home if you have no water meter. If you have a water meter, you must read it by 31 December every year.

If you have questions about the invoice, or want to ask for a payment deferral, use the form Contact the municipality.`),
			Declaration: tr(`Gebyrsatsene vedtas av kommunestyret hvert år og står på fakturaen. Vil du klage på gebyret, må du gjøre det innen tre uker etter at du fikk fakturaen.`,
				`Gebyrsatsane blir vedtekne av kommunestyret kvart år og står på fakturaen. Vil du klage på gebyret, må du gjere det innan tre veker etter at du fekk fakturaen.`,
				`The municipal council sets the rates every year, and they are shown on the invoice. If you want to appeal the charge, you must do so within three weeks of receiving the invoice.`),
		},
		{
			Slug: "soknad-om-kommunal-bolig", Situations: []string{"bolig-og-eiendom", "helse-og-omsorg"}, FormID: "kommunal-bolig", ProcessingDays: 42,
			Published: true, Contact: Contact{Unit: "Boligkontoret", Email: "bolig@demo.kommune.no", Phone: "+47 12 34 56 50"},
			Name: tr("Søknad om kommunal bolig", "Søknad om kommunal bustad", "Applying for municipal housing"),
			Summary: tr("Kommunen leier ut boliger til personer som ikke klarer å skaffe seg bolig selv.",
				"Kommunen leiger ut bustader til personar som ikkje klarer å skaffe seg bustad sjølve.",
				"The municipality rents out homes to people who cannot find housing on their own."),
			Description: tr(`Du kan søke om kommunal utleiebolig hvis du har vanskelig for å skaffe deg en bolig på egen hånd, for eksempel på grunn av lav inntekt, helse eller funksjonsnedsettelse. Du må være over 18 år og ha bodd i kommunen det siste året.

Vi ser på hele situasjonen din: inntekt, helse, hvor du bor nå, og om du har barn. Husleien følger markedsleie, men du kan søke om bostøtte fra Husbanken.

Les også om startlån og tilskudd til tilpasning av bolig på Husbankens nettsider.`,
				`Du kan søkje om kommunal utleigebustad dersom du har vanskeleg for å skaffe deg ein bustad på eiga hand, til dømes på grunn av låg inntekt, helse eller funksjonsnedsetjing. Du må vere over 18 år og ha budd i kommunen det siste året.

Vi ser på heile situasjonen din: inntekt, helse, kvar du bur no, og om du har barn. Husleiga følgjer marknadsleige, men du kan søkje om bustøtte frå Husbanken.

Les også om startlån og tilskot til tilpassing av bustad på nettsidene til Husbanken.`,
				`You can apply for municipal rental housing if it is hard for you to find a home on your own, for example because of a low income, your health or a disability. You must be over 18 and have lived in the municipality for the last year.

We look at your whole situation: income, health, where you live now, and whether you have children. The rent follows the market, but you can apply for housing allowance from the Norwegian State Housing Bank (Husbanken).

You can also read about start-up loans and grants for adapting your home on Husbanken's website.`),
			Declaration: tr(`Det er få ledige boliger. Får du ja, kan det ta tid før en passende bolig blir ledig. Vi kontakter deg når vi har en bolig til deg.`,
				`Det er få ledige bustader. Får du ja, kan det ta tid før ein høveleg bustad blir ledig. Vi kontaktar deg når vi har ein bustad til deg.`,
				`Few homes are available. If your application is approved, it may take time before a suitable home becomes free. We will contact you when we have a home for you.`),
		},

		// Helse og omsorg
		{
			Slug: "hjemmetjenester", Situations: []string{"helse-og-omsorg"}, FormID: "hjemmetjenester", ProcessingDays: 14, Published: true,
			Contact: tildelingskontoret,
			Name:    tr("Hjemmesykepleie og praktisk bistand", "Heimesjukepleie og praktisk bistand", "Home nursing and practical assistance"),
			Summary: tr("Trenger du hjelp for å klare deg hjemme, kan du søke om hjemmesykepleie, praktisk bistand eller trygghetsalarm.",
				"Treng du hjelp for å klare deg heime, kan du søkje om heimesjukepleie, praktisk bistand eller tryggleiksalarm.",
				"If you need help to manage at home, you can apply for home nursing, practical assistance or a safety alarm."),
			Description: tr(`Hjemmetjenesten hjelper deg som trenger helsehjelp eller praktisk hjelp for å bo trygt hjemme, for eksempel med medisiner, sårstell, personlig hygiene eller rengjøring.

Etter at vi har fått søknaden, kommer vi på et hjemmebesøk og snakker med deg om hva du trenger. Pårørende kan gjerne være med.

Hjemmesykepleie er gratis. For praktisk bistand betaler du en egenandel etter inntekt.`,
				`Heimetenesta hjelper deg som treng helsehjelp eller praktisk hjelp for å bu trygt heime, til dømes med medisinar, sårstell, personleg hygiene eller reinhald.

Etter at vi har fått søknaden, kjem vi på heimebesøk og snakkar med deg om kva du treng. Pårørande kan gjerne vere med.

Heimesjukepleie er gratis. For praktisk bistand betaler du ein eigendel etter inntekt.`,
				`Home care services help you if you need health care or practical help to live safely at home, for example with medicines, wound care, personal hygiene or cleaning.

When we have received your application, we visit you at home and talk with you about what you need. Your family are welcome to join.

Home nursing is free. For practical assistance you pay a fee based on your income.`),
			Declaration: tr(`Haster det, for eksempel etter et sykehusopphold, får du hjelp med en gang og vedtaket etterpå. Du får vite hvilke dager og omtrent når på dagen vi kommer.`,
				`Hastar det, til dømes etter eit sjukehusopphald, får du hjelp med ein gong og vedtaket etterpå. Du får vite kva dagar og omtrent når på dagen vi kjem.`,
				`If it is urgent, for example after a hospital stay, you get help at once and the decision afterwards. You will know on which days and roughly at what time we come.`),
		},
		{
			Slug: "soknad-om-sykehjemsplass", Situations: []string{"helse-og-omsorg"}, FormID: "sykehjemsplass", ProcessingDays: 21, Published: true,
			Contact: tildelingskontoret,
			Name:    tr("Søknad om plass i sykehjem", "Søknad om plass på sjukeheim", "Applying for a place in a nursing home"),
			Summary: tr("Søk om langtidsplass, korttidsopphold eller avlastning i sykehjem.",
				"Søk om langtidsplass, korttidsopphald eller avlasting på sjukeheim.",
				"Apply for a long-term place, a short stay or respite care in a nursing home."),
			Description: tr(`Sykehjem er for deg som trenger pleie og tilsyn hele døgnet, og som ikke kan få den hjelpen du trenger hjemme. Du kan søke om langtidsplass, korttidsopphold for opptrening eller utredning, eller avlastning for pårørende.

Vi vurderer behovet ditt sammen med deg, pårørende og fastlegen din.

For korttidsopphold betaler du en fast pris per døgn. For langtidsplass betaler du en andel av inntekten din.`,
				`Sjukeheim er for deg som treng pleie og tilsyn heile døgnet, og som ikkje kan få den hjelpa du treng heime. Du kan søkje om langtidsplass, korttidsopphald for opptrening eller utgreiing, eller avlasting for pårørande.

Vi vurderer behovet ditt saman med deg, pårørande og fastlegen din.

For korttidsopphald betaler du ein fast pris per døgn. For langtidsplass betaler du ein del av inntekta di.`,
				`Nursing homes are for people who need care and supervision around the clock and cannot get the help they need at home. You can apply for a long-term place, a short stay for rehabilitation or assessment, or respite care to relieve your family.

We assess your needs together with you, your family and your GP.

For a short stay you pay a fixed price per day. For a long-term place you pay a share of your income.`),
			Declaration: tr(`Er det akutt behov, vurderer vi søknaden med en gang. Står du på venteliste, får du tilbud om hjelp hjemme mens du venter.`,
				`Er det akutt behov, vurderer vi søknaden med ein gong. Står du på venteliste, får du tilbod om hjelp heime medan du ventar.`,
				`If the need is urgent, we assess the application at once. If you are on the waiting list, you are offered help at home while you wait.`),
		},
		{
			Slug: "fastlege-og-legevakt", Situations: []string{"helse-og-omsorg"}, Published: true,
			Contact: Contact{Unit: "Legevakten", Phone: "116 117"},
			Name:    tr("Fastlege og legevakt", "Fastlege og legevakt", "GP and out-of-hours medical service"),
			Summary: tr("Slik bytter du fastlege, og slik får du hjelp når legekontoret er stengt.",
				"Slik byter du fastlege, og slik får du hjelp når legekontoret er stengt.",
				"How to change your GP, and how to get help when the surgery is closed."),
			Description: tr(`Alle som bor i Norge, har rett til en fastlege. Du bytter fastlege på helsenorge.no eller ved å ringe Fastlegetelefonen på 800 43 573. Du kan bytte inntil to ganger i året.

Når fastlegen din er stengt og du trenger hjelp som ikke kan vente, ringer du legevakten på 116 117.

Ved livstruende sykdom eller skade ringer du 113.`,
				`Alle som bur i Noreg, har rett til ein fastlege. Du byter fastlege på helsenorge.no eller ved å ringje Fastlegetelefonen på 800 43 573. Du kan byte inntil to gonger i året.

Når fastlegen din er stengd og du treng hjelp som ikkje kan vente, ringjer du legevakta på 116 117.

Ved livstrugande sjukdom eller skade ringjer du 113.`,
				`Everyone who lives in Norway has the right to a regular GP (fastlege). You can change your GP on helsenorge.no or by calling the GP helpline on 800 43 573. You can change up to twice a year.

When your GP is closed and you need help that cannot wait, call the out-of-hours service (legevakt) on 116 117.

In a life-threatening emergency, call 113.`),
			Declaration: tr(`Legevakten er åpen hele døgnet, alle dager. Du får snakke med en sykepleier som vurderer hvor raskt du trenger hjelp.`,
				`Legevakta er open heile døgnet, alle dagar. Du får snakke med ein sjukepleiar som vurderer kor raskt du treng hjelp.`,
				`The out-of-hours service is open around the clock, every day. A nurse will assess how quickly you need help.`),
		},

		// Skole og utdanning
		{
			Slug: "soknad-om-skoleskyss", Situations: []string{"skole-og-utdanning"}, FormID: "skoleskyss", ProcessingDays: 21, Published: true,
			Contact: oppvekstkontoret,
			Name:    tr("Søknad om skoleskyss", "Søknad om skuleskyss", "Applying for school transport"),
			Summary: tr("Elever som bor langt fra skolen eller har farlig skolevei, kan få gratis skoleskyss.",
				"Elevar som bur langt frå skulen eller har farleg skuleveg, kan få gratis skuleskyss.",
				"Pupils who live far from school or have a dangerous route to school can get free school transport."),
			Description: tr(`Elever på 1. trinn har rett til gratis skoleskyss hvis de bor mer enn 2 kilometer fra skolen. Fra 2. til 10. trinn er grensen 4 kilometer.

Er skoleveien særlig farlig eller vanskelig, kan eleven få skyss uansett avstand. Elever som trenger skyss på grunn av skade eller sykdom, må legge ved en legeerklæring.

Søk innen 15. juni for å få skyss fra skolestart i august. Søknader som kommer senere, behandler vi fortløpende.`,
				`Elevar på 1. trinn har rett til gratis skuleskyss dersom dei bur meir enn 2 kilometer frå skulen. Frå 2. til 10. trinn er grensa 4 kilometer.

Er skulevegen særleg farleg eller vanskeleg, kan eleven få skyss same kor lang vegen er. Elevar som treng skyss på grunn av skade eller sjukdom, må leggje ved ei legeerklæring.

Søk innan 15. juni for å få skyss frå skulestart i august. Søknader som kjem seinare, handsamar vi fortløpande.`,
				`Pupils in year 1 have the right to free school transport if they live more than 2 kilometres from school. From year 2 to year 10 the limit is 4 kilometres.

If the route to school is especially dangerous or difficult, the pupil can get transport regardless of distance. Pupils who need transport because of injury or illness must attach a doctor's note.

Apply by 15 June to get transport from the start of school in August. We process later applications as they come in.`),
			Declaration: tr(`Får eleven skyss, sender vi informasjon om busskort eller drosje før skolestart. Du kan klage på vedtaket innen tre uker.`,
				`Får eleven skyss, sender vi informasjon om busskort eller drosje før skulestart. Du kan klage på vedtaket innan tre veker.`,
				`If the pupil gets transport, we send information about the bus card or taxi before school starts. You can appeal the decision within three weeks.`),
		},
		{
			Slug: "soknad-om-sfo", Situations: []string{"skole-og-utdanning"}, FormID: "sfo", ProcessingDays: 30, Published: true,
			Contact: oppvekstkontoret,
			Name:    tr("Søknad om plass i SFO", "Søknad om plass i SFO", "Applying for after-school care (SFO)"),
			Summary: tr("Skolefritidsordningen (SFO) er et tilbud før og etter skoletid for elever på 1.–4. trinn.",
				"Skulefritidsordninga (SFO) er eit tilbod før og etter skuletid for elevar på 1.–4. trinn.",
				"The after-school programme (SFO) offers care before and after school for pupils in years 1 to 4."),
			Description: tr(`SFO gir barna lek, kultur- og fritidsaktiviteter og hjelp med lekser i trygge omgivelser. Alle elever på 1. trinn får 12 timer gratis SFO i uka.

Du kan velge hel eller halv plass. Søknadsfristen for nytt skoleår er 1. mars, men du kan søke hele året.

Vil du si opp plassen, er oppsigelsestiden én måned.`,
				`SFO gir barna leik, kultur- og fritidsaktivitetar og hjelp med lekser i trygge omgivnader. Alle elevar på 1. trinn får 12 timar gratis SFO i veka.

Du kan velje heil eller halv plass. Søknadsfristen for nytt skuleår er 1. mars, men du kan søkje heile året.

Vil du seie opp plassen, er oppseiingstida éin månad.`,
				`SFO gives children play, cultural and leisure activities and homework help in a safe setting. All pupils in year 1 get 12 free hours of SFO a week.

You can choose a full or a part-time place. The deadline for the new school year is 1 March, but you can apply all year.

If you want to cancel the place, the notice period is one month.`),
			Declaration: tr(`Søker du innen fristen, har barnet plass fra skolestart. Barn med særskilte behov har rett til SFO også på 5.–7. trinn.`,
				`Søkjer du innan fristen, har barnet plass frå skulestart. Barn med særskilde behov har rett til SFO også på 5.–7. trinn.`,
				`If you apply by the deadline, your child has a place from the start of the school year. Children with special needs have the right to SFO in years 5 to 7 as well.`),
		},
		{
			Slug: "innskriving-og-skolebytte", Situations: []string{"skole-og-utdanning"}, FormID: "skolebytte", ProcessingDays: 21, Published: true,
			Contact: oppvekstkontoret,
			Name:    tr("Innskriving og bytte av skole", "Innskriving og byte av skule", "School enrolment and changing schools"),
			Summary: tr("Alle barn begynner på skolen det året de fyller seks år. Du kan søke om å bytte til en annen skole.",
				"Alle barn byrjar på skulen det året dei fyller seks år. Du kan søkje om å byte til ein annan skule.",
				"All children start school in the year they turn six. You can apply to change to a different school."),
			Description: tr(`Barn som skal begynne på 1. trinn, blir skrevet inn på nærskolen sin. Du får brev fra skolen i januar med informasjon om innskriving og skolestart.

Ønsker du at barnet skal gå på en annen skole enn nærskolen, kan du søke om skolebytte. Vi legger vekt på om det er plass på skolen, og på hvor barnet bor.

Flytter dere til eller fra kommunen, må du melde fra til skolen så snart du vet flyttedatoen.`,
				`Barn som skal byrje på 1. trinn, blir skrivne inn på nærskulen sin. Du får brev frå skulen i januar med informasjon om innskriving og skulestart.

Ønskjer du at barnet skal gå på ein annan skule enn nærskulen, kan du søkje om skulebyte. Vi legg vekt på om det er plass på skulen, og på kvar barnet bur.

Flyttar de til eller frå kommunen, må du melde frå til skulen så snart du veit flyttedatoen.`,
				`Children starting year 1 are enrolled at their local school. The school will write to you in January with information about enrolment and the first day of school.

If you want your child to attend a school other than the local one, you can apply to change schools. We consider whether the school has room and where your child lives.

If you move to or from the municipality, tell the school as soon as you know the moving date.`),
			Declaration: tr(`Får du nei på søknad om skolebytte, kan du klage på vedtaket innen tre uker.`,
				`Får du nei på søknad om skulebyte, kan du klage på vedtaket innan tre veker.`,
				`If your application to change schools is refused, you can appeal within three weeks.`),
		},
		{
			Slug: "voksenopplaering", Situations: []string{"skole-og-utdanning", "arbeid-og-naering"}, FormID: "voksenopplaering", ProcessingDays: 30,
			Published: true, Contact: Contact{Unit: "Voksenopplæringen", Email: "voksenopplaering@demo.kommune.no", Phone: "+47 12 34 56 75"},
			Name: tr("Voksenopplæring og norskopplæring", "Vaksenopplæring og norskopplæring", "Adult education and Norwegian courses"),
			Summary: tr("Voksne kan få grunnskoleopplæring, og nye innbyggere kan lære norsk og samfunnskunnskap.",
				"Vaksne kan få grunnskuleopplæring, og nye innbyggjarar kan lære norsk og samfunnskunnskap.",
				"Adults can complete primary and lower secondary education, and new residents can learn Norwegian and social studies."),
			Description: tr(`Voksenopplæringen gir undervisning i norsk og samfunnskunnskap for innvandrere, og grunnskoleopplæring for voksne som ikke har fullført grunnskolen.

Har du rett og plikt til opplæring i norsk, er opplæringen gratis. Andre kan delta mot betaling når det er ledige plasser.

Undervisningen foregår på dagtid og kveldstid, og vi tilpasser opplæringen til nivået ditt.`,
				`Vaksenopplæringa gir undervisning i norsk og samfunnskunnskap for innvandrarar, og grunnskuleopplæring for vaksne som ikkje har fullført grunnskulen.

Har du rett og plikt til opplæring i norsk, er opplæringa gratis. Andre kan delta mot betaling når det er ledige plassar.

Undervisninga går føre seg på dagtid og kveldstid, og vi tilpassar opplæringa til nivået ditt.`,
				`Adult education offers Norwegian and social studies for immigrants, and primary and lower secondary education for adults who have not completed it.

If you have the right and obligation to take Norwegian courses, they are free. Others can take part for a fee when places are available.

Classes are held in the daytime and in the evening, and we adapt the teaching to your level.`),
			Declaration: tr(`Før du begynner, blir du kalt inn til en samtale og en kartleggingsprøve, så vi finner riktig nivå for deg.`,
				`Før du byrjar, blir du kalla inn til ein samtale og ei kartleggingsprøve, så vi finn rett nivå for deg.`,
				`Before you start, you are invited to an interview and a placement test, so that we can find the right level for you.`),
		},

		// Arbeid og næring
		{
			Slug: "serverings-og-skjenkebevilling", Situations: []string{"arbeid-og-naering"}, FormID: "skjenkebevilling", ProcessingDays: 90,
			Published: true, Contact: naering,
			Name: tr("Søknad om serverings- og skjenkebevilling", "Søknad om serverings- og skjenkeløyve", "Applying for a serving and alcohol licence"),
			Summary: tr("Skal du drive kafé, restaurant eller servere alkohol, må du ha bevilling fra kommunen.",
				"Skal du drive kafé, restaurant eller servere alkohol, må du ha løyve frå kommunen.",
				"To run a café or restaurant or to serve alcohol, you need a licence from the municipality."),
			Description: tr(`Du trenger serveringsbevilling for å drive et serveringssted, og skjenkebevilling for å servere øl, vin eller brennevin. Du kan også søke om bevilling for ett enkelt arrangement.

Daglig leder må ha bestått etablererprøven, og styrer og stedfortreder for skjenkebevillingen må ha bestått kunnskapsprøven om alkoholloven.

Vi innhenter uttalelse fra politiet, Skatteetaten og NAV før vi avgjør søknaden.`,
				`Du treng serveringsløyve for å drive ein serveringsstad, og skjenkeløyve for å servere øl, vin eller brennevin. Du kan også søkje om løyve for eitt enkelt arrangement.

Dagleg leiar må ha bestått etablerarprøva, og styrar og stadfortredar for skjenkeløyvet må ha bestått kunnskapsprøva om alkohollova.

Vi hentar inn fråsegn frå politiet, Skatteetaten og NAV før vi avgjer søknaden.`,
				`You need a serving licence to run a food and drink establishment, and an alcohol licence to serve beer, wine or spirits. You can also apply for a licence for a single event.

The general manager must have passed the business owner test (etablererprøven), and the manager and deputy for the alcohol licence must have passed the test on the Alcohol Act.

We ask the police, the Tax Administration and NAV for their views before we decide.`),
			Declaration: tr(`Vi behandler søknaden så raskt vi kan, og senest innen tre måneder etter at den er komplett. Bevilling for ett enkelt arrangement må du søke om senest tre uker før arrangementet.`,
				`Vi handsamar søknaden så raskt vi kan, og seinast innan tre månader etter at han er komplett. Løyve for eitt enkelt arrangement må du søkje om seinast tre veker før arrangementet.`,
				`We process your application as quickly as we can, and at the latest within three months of it being complete. For a single event, apply at least three weeks before the event.`),
		},
		{
			Slug: "tilskudd-til-naeringsutvikling", Situations: []string{"arbeid-og-naering"}, FormID: "naeringstilskudd", ProcessingDays: 45,
			Published: true, Contact: naering,
			Name: tr("Tilskudd til næringsutvikling", "Tilskot til næringsutvikling", "Grants for business development"),
			Summary: tr("Gründere og små bedrifter i kommunen kan søke om tilskudd fra næringsfondet.",
				"Gründerar og små bedrifter i kommunen kan søkje om tilskot frå næringsfondet.",
				"Entrepreneurs and small businesses in the municipality can apply for grants from the business development fund."),
			Description: tr(`Næringsfondet gir tilskudd til etablering, produktutvikling, markedsføring og kompetanseheving i bedrifter som holder til i kommunen. Tilskuddet kan dekke opptil halvparten av kostnadene, og høyst 100 000 kroner.

Vi prioriterer prosjekter som gir nye arbeidsplasser. Du kan ikke få tilskudd til drift eller til kostnader du har hatt før du søkte.

Næringsrådgiveren hjelper deg gjerne med søknaden og med forretningsplanen.`,
				`Næringsfondet gir tilskot til etablering, produktutvikling, marknadsføring og kompetanseheving i bedrifter som held til i kommunen. Tilskotet kan dekkje opptil halvparten av kostnadene, og høgst 100 000 kroner.

Vi prioriterer prosjekt som gir nye arbeidsplassar. Du kan ikkje få tilskot til drift eller til kostnader du har hatt før du søkte.

Næringsrådgjevaren hjelper deg gjerne med søknaden og med forretningsplanen.`,
				`The business development fund gives grants for start-ups, product development, marketing and training in businesses based in the municipality. A grant can cover up to half the costs, and at most NOK 100,000.

We give priority to projects that create new jobs. You cannot get grants for running costs or for costs you had before you applied.

Our business adviser is happy to help you with the application and the business plan.`),
			Declaration: tr(`Vi behandler søknader fortløpende. Tilskuddet betales ut når du har sendt inn rapport og regnskap for prosjektet.`,
				`Vi handsamar søknader fortløpande. Tilskotet blir betalt ut når du har sendt inn rapport og rekneskap for prosjektet.`,
				`We process applications as they come in. The grant is paid when you have sent a report and accounts for the project.`),
		},
		{
			Slug: "ledige-stillinger", Situations: []string{"arbeid-og-naering"}, Published: true,
			Contact: Contact{Unit: "HR-avdelingen", Email: "jobb@demo.kommune.no", Phone: "+47 12 34 56 85"},
			Name:    tr("Ledige stillinger i kommunen", "Ledige stillingar i kommunen", "Jobs in the municipality"),
			Summary: tr("Kommunen er en stor arbeidsgiver med jobber innen skole, helse, teknikk og administrasjon.",
				"Kommunen er ein stor arbeidsgivar med jobbar innan skule, helse, teknikk og administrasjon.",
				"The municipality is a large employer with jobs in schools, health care, engineering and administration."),
			Description: tr(`Demo kommune har rundt 900 ansatte. Vi har behov for blant annet sykepleiere, lærere, barnehagelærere og ingeniører, og mange sommer- og helgevikarer.

Alle ledige stillinger lyses ut på kommunens nettsider og på arbeidsplassen.nav.no. Du søker elektronisk gjennom rekrutteringssystemet vårt.

Vil du jobbe som vikar, kan du registrere deg i vikarbanken og få beskjed når det er behov.`,
				`Demo kommune har rundt 900 tilsette. Vi treng mellom anna sjukepleiarar, lærarar, barnehagelærarar og ingeniørar, og mange sommar- og helgevikarar.

Alle ledige stillingar blir lyste ut på nettsidene til kommunen og på arbeidsplassen.nav.no. Du søkjer elektronisk gjennom rekrutteringssystemet vårt.

Vil du jobbe som vikar, kan du registrere deg i vikarbanken og få melding når det er behov.`,
				`Demo kommune has about 900 employees. Among others, we need nurses, teachers, kindergarten teachers and engineers, and many summer and weekend temps.

All vacancies are advertised on the municipality's website and on arbeidsplassen.nav.no. You apply online through our recruitment system.

If you would like to work as a temp, you can register with our temp pool and hear from us when we need you.`),
			Declaration: tr(`Alle søkere får bekreftelse på at søknaden er mottatt. Vi tar kontakt med dem vi ønsker å intervjue, og alle får svar når stillingen er besatt.`,
				`Alle søkjarar får stadfesting på at søknaden er motteken. Vi tek kontakt med dei vi ønskjer å intervjue, og alle får svar når vi har tilsett nokon i stillinga.`,
				`All applicants get a confirmation that we have received the application. We contact those we want to interview, and everyone gets an answer when the position has been filled.`),
		},

		// Transport og trafikk
		{
			Slug: "parkeringstillatelse-forflytningshemmede", Situations: []string{"transport-og-trafikk"}, FormID: "parkeringstillatelse",
			ProcessingDays: 21, Published: true, Contact: servicetorget,
			Name: tr("Parkeringstillatelse for forflytningshemmede", "Parkeringsløyve for rørslehemma", "Disabled parking permit"),
			Summary: tr("Har du store problemer med å gå, kan du få parkeringstillatelse som gir rett til å parkere på egne plasser.",
				"Har du store problem med å gå, kan du få parkeringsløyve som gir rett til å parkere på eigne plassar.",
				"If walking is very difficult for you, you can get a permit to park in spaces reserved for disabled people."),
			Description: tr(`Parkeringstillatelsen gir deg rett til å parkere på plasser reservert for forflytningshemmede, og ofte lenger enn skiltet tillater. Tillatelsen gjelder for deg, ikke for en bestemt bil, og du kan bruke den i hele EØS.

Du kan søke som sjåfør eller som passasjer. Legg ved en legeerklæring som beskriver hvor langt du kan gå og hvor lenge plagene vil vare.

Tillatelsen gis vanligvis for to til fem år om gangen.`,
				`Parkeringsløyvet gir deg rett til å parkere på plassar reserverte for rørslehemma, og ofte lenger enn skiltet tillèt. Løyvet gjeld for deg, ikkje for ein bestemd bil, og du kan bruke det i heile EØS.

Du kan søkje som sjåfør eller som passasjer. Legg ved ei legeerklæring som skildrar kor langt du kan gå og kor lenge plagene vil vare.

Løyvet blir vanlegvis gitt for to til fem år om gongen.`,
				`The permit lets you park in spaces reserved for disabled people, and often for longer than the signs allow. It belongs to you, not to a particular car, and is valid throughout the EEA.

You can apply as a driver or as a passenger. Attach a doctor's note describing how far you can walk and how long your condition is expected to last.

The permit is usually granted for two to five years at a time.`),
			Declaration: tr(`Får du tillatelse, sender vi parkeringskortet i posten.`,
				`Får du løyve, sender vi parkeringskortet i posten.`,
				`If you are granted a permit, we send the parking card by post.`),
		},
		{
			Slug: "tt-kort", Situations: []string{"transport-og-trafikk"}, FormID: "tt-kort", ProcessingDays: 30, Published: true,
			Contact: tildelingskontoret,
			Name:    tr("TT-kort (tilrettelagt transport)", "TT-kort (tilrettelagd transport)", "TT card (door-to-door transport)"),
			Summary: tr("TT-kort gir deg som ikke kan bruke buss eller tog, rabatt på taxi til fritidsreiser.",
				"TT-kort gir deg som ikkje kan bruke buss eller tog, rabatt på taxi til fritidsreiser.",
				"If you cannot use buses or trains, a TT card gives you reduced taxi fares for leisure trips."),
			Description: tr(`Tilrettelagt transport (TT) er for deg som på grunn av varig funksjonsnedsettelse ikke kan bruke vanlig kollektivtransport. Med TT-kort kan du reise med taxi eller spesialbil til fritidsreiser, og betaler bare en egenandel.

Du får et fast beløp på kortet hvert år. Beløpet avhenger av hvor langt du bor fra sentrum.

Legg ved en legeerklæring som viser hvorfor du ikke kan bruke buss eller tog.`,
				`Tilrettelagd transport (TT) er for deg som på grunn av varig funksjonsnedsetjing ikkje kan bruke vanleg kollektivtransport. Med TT-kort kan du reise med taxi eller spesialbil til fritidsreiser, og betaler berre ein eigendel.

Du får eit fast beløp på kortet kvart år. Beløpet er avhengig av kor langt du bur frå sentrum.

Legg ved ei legeerklæring som viser kvifor du ikkje kan bruke buss eller tog.`,
				`Door-to-door transport (TT) is for people who cannot use ordinary public transport because of a lasting disability. With a TT card you can travel by taxi or special vehicle on leisure trips and pay only a small fee.

You get a fixed amount on the card every year. The amount depends on how far from the town centre you live.

Attach a doctor's note explaining why you cannot use buses or trains.`),
			Declaration: tr(`Får du TT-kort, sender transportselskapet i fylket kortet til deg i posten.`,
				`Får du TT-kort, sender transportselskapet i fylket kortet til deg i posten.`,
				`If you are granted a TT card, the county's transport company will send it to you by post.`),
		},
		{
			Slug: "gravetillatelse", Situations: []string{"transport-og-trafikk"}, FormID: "gravetillatelse", ProcessingDays: 14, Published: true,
			Contact: Contact{Unit: "Vei og park", Email: "vei@demo.kommune.no", Phone: "+47 12 34 56 90"},
			Name:    tr("Søknad om gravetillatelse", "Søknad om graveløyve", "Applying for a permit to dig in a public road"),
			Summary: tr("Skal du grave i eller ved en kommunal vei, må du ha gravetillatelse før arbeidet starter.",
				"Skal du grave i eller ved ein kommunal veg, må du ha graveløyve før arbeidet tek til.",
				"If you are going to dig in or next to a municipal road, you need a permit before work starts."),
			Description: tr(`Du må søke om gravetillatelse for alt arbeid i kommunal vei, fortau, gang- og sykkelvei og grøntarealer, for eksempel når du skal legge vann, avløp, strøm eller fiber.

Søknaden må ha med et kart over gravestedet, en plan for skilting og hvor lenge arbeidet skal vare. Arbeidet må gjøres av et firma som er godkjent for arbeid på vei.

Etter at arbeidet er ferdig, må du sette veien i stand igjen og melde fra til oss.`,
				`Du må søkje om graveløyve for alt arbeid i kommunal veg, fortau, gang- og sykkelveg og grøntareal, til dømes når du skal leggje vatn, avløp, straum eller fiber.

Søknaden må ha med eit kart over gravestaden, ein plan for skilting og kor lenge arbeidet skal vare. Arbeidet må gjerast av eit firma som er godkjent for arbeid på veg.

Etter at arbeidet er ferdig, må du setje vegen i stand att og melde frå til oss.`,
				`You must apply for a permit for all work in municipal roads, pavements, footpaths, cycle paths and green areas, for example when laying water or sewage pipes, power cables or fibre.

The application must include a map of the site, a signage plan and how long the work will take. The work must be done by a company approved for roadworks.

When the work is finished, you must restore the road and let us know.`),
			Declaration: tr(`Ved akutte brudd på vann eller strøm kan du grave med en gang, men du må melde fra til oss samme dag.`,
				`Ved akutte brot på vatn eller straum kan du grave med ein gong, men du må melde frå til oss same dagen.`,
				`If a water main or power line breaks, you can dig at once, but you must tell us the same day.`),
		},

		// Kultur og fritid
		{
			Slug: "soknad-om-plass-i-kulturskolen", Situations: []string{"kultur-og-fritid"}, FormID: "kulturskole", ProcessingDays: 30,
			Published: true, Contact: Contact{Unit: "Kulturskolen", Email: "kulturskolen@demo.kommune.no", Phone: "+47 12 34 57 00"},
			Name: tr("Søknad om plass i kulturskolen", "Søknad om plass i kulturskulen", "Applying for a place at the arts school"),
			Summary: tr("Kulturskolen gir undervisning i musikk, dans, teater og visuell kunst for barn og unge.",
				"Kulturskulen gir undervisning i musikk, dans, teater og visuell kunst for barn og unge.",
				"The municipal arts school (kulturskolen) teaches music, dance, drama and visual arts to children and young people."),
			Description: tr(`Kulturskolen har tilbud for barn og unge fra 4 til 19 år. Du kan velge mellom blant annet piano, gitar, fiolin, sang, korps, dans, teater og tegning.

Undervisningen er én gang i uka, enten alene eller i grupper. Semesteravgiften er den samme for alle fag, og søsken får rabatt.

Hovedopptaket er om våren, med søknadsfrist 1. mai. Er det ledig plass, kan du også begynne midt i året.`,
				`Kulturskulen har tilbod for barn og unge frå 4 til 19 år. Du kan mellom anna velje piano, gitar, fiolin, song, korps, dans, teater og teikning.

Undervisninga er éin gong i veka, anten åleine eller i grupper. Semesteravgifta er den same for alle fag, og sysken får rabatt.

Hovudopptaket er om våren, med søknadsfrist 1. mai. Er det ledig plass, kan du også byrje midt i året.`,
				`The arts school is for children and young people aged 4 to 19. You can choose from piano, guitar, violin, singing, brass band, dance, drama and drawing, among others.

Lessons are once a week, either one-to-one or in groups. The term fee is the same for all subjects, and siblings get a discount.

The main admission is in the spring, with a deadline of 1 May. If places are available, you can also start in the middle of the year.`),
			Declaration: tr(`Svarfristen regnes fra søknadsfristen. Er det fullt, settes barnet på venteliste, og vi gir beskjed når det blir ledig plass.`,
				`Svarfristen blir rekna frå søknadsfristen. Er det fullt, blir barnet sett på venteliste, og vi gir melding når det blir ledig plass.`,
				`The answer deadline counts from the application deadline. If all places are taken, your child goes on the waiting list, and we will let you know when a place becomes free.`),
		},
		{
			Slug: "leie-av-lokaler", Situations: []string{"kultur-og-fritid"}, FormID: "leie-lokaler", ProcessingDays: 10, Published: true,
			Contact: kultur,
			Name:    tr("Leie av idrettshall og kommunale lokaler", "Leige av idrettshall og kommunale lokale", "Renting sports halls and municipal premises"),
			Summary: tr("Lag, foreninger og privatpersoner kan leie idrettshaller, gymsaler og møterom i kommunen.",
				"Lag, foreiningar og privatpersonar kan leige idrettshallar, gymsalar og møterom i kommunen.",
				"Clubs, associations and private individuals can rent sports halls, school gyms and meeting rooms from the municipality."),
			Description: tr(`Kommunen leier ut idrettshaller, gymsaler, svømmehall og møterom på kveldstid og i helgene. Lag og foreninger for barn og unge leier gratis.

Faste treningstider for neste sesong fordeles i juni, og søknadsfristen er 1. mai. Enkeltbookinger kan du søke om hele året.

Den som leier, har ansvar for å følge ordensreglene og for å rydde etter seg.`,
				`Kommunen leiger ut idrettshallar, gymsalar, symjehall og møterom på kveldstid og i helgane. Lag og foreiningar for barn og unge leiger gratis.

Faste treningstider for neste sesong blir fordelte i juni, og søknadsfristen er 1. mai. Enkeltbookingar kan du søkje om heile året.

Den som leiger, har ansvar for å følgje ordensreglane og for å rydde etter seg.`,
				`The municipality rents out sports halls, school gyms, the swimming pool and meeting rooms in the evenings and at weekends. Clubs and associations for children and young people rent for free.

Regular training times for the next season are allocated in June, and the deadline is 1 May. You can apply for single bookings all year.

Whoever rents is responsible for following the house rules and for tidying up afterwards.`),
			Declaration: tr(`Saksbehandlingstiden gjelder enkeltbookinger. Blir lokalet ikke brukt som avtalt, kan vi gi tiden til andre.`,
				`Sakshandsamingstida gjeld enkeltbookingar. Blir lokalet ikkje brukt som avtalt, kan vi gi tida til andre.`,
				`The processing time applies to single bookings. If the premises are not used as agreed, we may give the time to others.`),
		},
		{
			Slug: "tilskudd-til-lag-og-foreninger", Situations: []string{"kultur-og-fritid"}, FormID: "kulturtilskudd", ProcessingDays: 45, Published: true,
			Contact: kultur,
			Name:    tr("Tilskudd til lag og foreninger", "Tilskot til lag og foreiningar", "Grants for clubs and associations"),
			Summary: tr("Frivillige lag og foreninger kan søke om driftstilskudd og tilskudd til arrangementer.",
				"Frivillige lag og foreiningar kan søkje om driftstilskot og tilskot til arrangement.",
				"Voluntary clubs and associations can apply for operating grants and grants for events."),
			Description: tr(`Kommunen gir hvert år tilskudd til frivillige lag og foreninger som har aktivitet i kommunen. Vi prioriterer tilbud for barn og unge og tiltak som gjør det lettere for alle å delta.

Du kan søke om driftstilskudd, som deles ut én gang i året med frist 15. mars, og om tilskudd til enkeltarrangementer hele året.

Legg ved årsmelding og regnskap for fjoråret.`,
				`Kommunen gir kvart år tilskot til frivillige lag og foreiningar som har aktivitet i kommunen. Vi prioriterer tilbod for barn og unge og tiltak som gjer det lettare for alle å delta.

Du kan søkje om driftstilskot, som blir delt ut éin gong i året med frist 15. mars, og om tilskot til enkeltarrangement heile året.

Legg ved årsmelding og rekneskap for i fjor.`,
				`Every year the municipality gives grants to voluntary clubs and associations active in the municipality. We give priority to activities for children and young people and to measures that make it easier for everyone to take part.

You can apply for an operating grant, awarded once a year with a deadline of 15 March, and for grants for single events all year round.

Attach last year's annual report and accounts.`),
			Declaration: tr(`Saksbehandlingstiden gjelder tilskudd til arrangementer. Driftstilskuddet fordeles innen utgangen av mai.`,
				`Sakshandsamingstida gjeld tilskot til arrangement. Driftstilskotet blir fordelt innan utgangen av mai.`,
				`The processing time applies to event grants. Operating grants are awarded by the end of May.`),
		},

		// Under no life situation: shown under "Andre tjenester".
		{
			Slug: "kontakt-kommunen", FormID: "kontakt", ProcessingDays: 5, Published: true, Contact: servicetorget,
			Name: tr("Kontakt kommunen", "Kontakt kommunen", "Contact the municipality"),
			Summary: tr("Still et spørsmål, send en melding eller gi oss en tilbakemelding.",
				"Still eit spørsmål, send ei melding eller gi oss ei tilbakemelding.",
				"Ask a question, send a message or give us feedback."),
			Description: tr(`Bruk dette skjemaet når du vil spørre kommunen om noe, eller når du ikke finner et eget skjema for det du lurer på. Henvendelsen din går til Servicetorget, som sender den videre til riktig avdeling.

Ikke send opplysninger om helse eller andre sensitive forhold her. Ring oss heller, så finner vi en trygg måte å ta imot dem på.

Servicetorget i rådhuset er åpent mandag til fredag klokka 8–15.30.`,
				`Bruk dette skjemaet når du vil spørje kommunen om noko, eller når du ikkje finn eit eige skjema for det du lurer på. Førespurnaden din går til Servicetorget, som sender han vidare til rett avdeling.

Ikkje send opplysningar om helse eller andre sensitive forhold her. Ring oss heller, så finn vi ein trygg måte å ta imot dei på.

Servicetorget i rådhuset er ope måndag til fredag klokka 8–15.30.`,
				`Use this form when you want to ask the municipality about something, or when there is no separate form for your question. Your message goes to the Service Centre, which passes it on to the right department.

Do not send information about your health or other sensitive matters here. Call us instead, and we will find a secure way to receive it.

The Service Centre in the town hall is open Monday to Friday from 8 am to 3.30 pm.`),
			Declaration: tr(`Trenger vi mer tid, for eksempel fordi vi må spørre en annen avdeling, får du beskjed om når du kan vente svar.`,
				`Treng vi meir tid, til dømes fordi vi må spørje ei anna avdeling, får du melding om når du kan vente svar.`,
				`If we need more time, for example because we have to ask another department, we will tell you when you can expect an answer.`),
		},
	}
}

func demoPages() []Page {
	return []Page{
		{
			Slug: "opptak-i-barnehage", Situation: "familie-og-barn",
			Title: tr("Opptak i barnehage", "Opptak i barnehage", "Kindergarten admission"),
			Body: tr(`Hovedopptaket i barnehagene i Demo kommune skjer én gang i året. Søknadsfristen er 1. mars, og barn som får plass, begynner i august.

Slik foregår opptaket:
- Du søker om barnehageplass innen 1. mars.
- I april får du tilbud om plass på e-post og på Min side.
- Du må svare på tilbudet innen to uker, ellers går plassen til en annen.
- Barnet begynner i barnehagen i august, etter avtale med barnehagen.

Barn med nedsatt funksjonsevne og barn som det er fattet vedtak om etter barnevernsloven, har rett til prioritet ved opptak.

Har barnet fått plass, beholder det plassen til det begynner på skolen. Du trenger ikke å søke på nytt hvert år.`,
				`Hovudopptaket i barnehagane i Demo kommune skjer éin gong i året. Søknadsfristen er 1. mars, og barn som får plass, byrjar i august.

Slik går opptaket føre seg:
- Du søkjer om barnehageplass innan 1. mars.
- I april får du tilbod om plass på e-post og på Mi side.
- Du må svare på tilbodet innan to veker, elles går plassen til ein annan.
- Barnet byrjar i barnehagen i august, etter avtale med barnehagen.

Barn med nedsett funksjonsevne og barn som det er gjort vedtak om etter barnevernslova, har rett til prioritet ved opptak.

Har barnet fått plass, held det på plassen til det byrjar på skulen. Du treng ikkje å søkje på nytt kvart år.`,
				`The main admission to kindergartens in Demo kommune takes place once a year. The deadline is 1 March, and children who get a place start in August.

How admission works:
- You apply for a kindergarten place by 1 March.
- In April you are offered a place by email and on My page.
- You must answer the offer within two weeks, or the place goes to someone else.
- Your child starts in August, as agreed with the kindergarten.

Children with disabilities and children covered by a decision under the Child Welfare Act have priority in admission.

Once your child has a place, it keeps it until starting school. You do not need to apply again every year.`),
		},
		{
			Slug: "eiendomsskatt", Situation: "bolig-og-eiendom",
			Title: tr("Eiendomsskatt", "Eigedomsskatt", "Property tax"),
			Body: tr(`Demo kommune har eiendomsskatt på boliger, fritidsboliger og næringseiendom. Skatten er 2 promille av eiendomsskattegrunnlaget, og de første 200 000 kronene av grunnlaget er skattefrie for boliger.

Grunnlaget for boliger er formuesgrunnlaget fra Skatteetaten. Du finner det i skattemeldingen. Er formuesgrunnlaget feil, må du be Skatteetaten rette det.

Eiendomsskatten står på fakturaen for kommunale avgifter og betales i fire terminer.

Du kan klage på eiendomsskatten innen seks uker etter at skattelisten er lagt ut i mars. Klagen sender du med skjemaet Kontakt kommunen.`,
				`Demo kommune har eigedomsskatt på bustader, fritidsbustader og næringseigedom. Skatten er 2 promille av eigedomsskattegrunnlaget, og dei første 200 000 kronene av grunnlaget er skattefrie for bustader.

Grunnlaget for bustader er formuesgrunnlaget frå Skatteetaten. Du finn det i skattemeldinga. Er formuesgrunnlaget feil, må du be Skatteetaten rette det.

Eigedomsskatten står på fakturaen for kommunale avgifter og blir betalt i fire terminar.

Du kan klage på eigedomsskatten innan seks veker etter at skattelista er lagd ut i mars. Klaga sender du med skjemaet Kontakt kommunen.`,
				`Demo kommune levies property tax on homes, holiday homes and commercial property. The tax is 0.2 per cent of the tax base, and the first NOK 200,000 of the base is tax-free for homes.

For homes, the tax base is the wealth tax value from the Norwegian Tax Administration (Skatteetaten). You find it in your tax return. If the value is wrong, ask Skatteetaten to correct it.

The property tax is shown on the invoice for municipal charges and is paid in four instalments.

You can appeal the property tax within six weeks after the tax list is published in March. Send your appeal with the form Contact the municipality.`),
		},
		{
			Slug: "skolestart", Situation: "skole-og-utdanning",
			Title: tr("Skolestart for seksåringer", "Skulestart for seksåringar", "Starting school at six"),
			Body: tr(`Alle barn begynner på skolen i august det året de fyller seks år. Du trenger ikke å søke: barnet blir skrevet inn på nærskolen, og du får brev fra skolen i januar.

Før skolestart inviterer skolen til en førskoledag i juni, der barna møter lærerne og hverandre. Foreldrene blir invitert til et eget foreldremøte.

Trenger barnet tilrettelegging, for eksempel på grunn av sykdom eller funksjonsnedsettelse, bør du kontakte skolen så tidlig som mulig.

Tenk også på skolevei og SFO: søk om skoleskyss innen 15. juni og om SFO-plass innen 1. mars.`,
				`Alle barn byrjar på skulen i august det året dei fyller seks år. Du treng ikkje å søkje: barnet blir skrive inn på nærskulen, og du får brev frå skulen i januar.

Før skulestart inviterer skulen til ein førskuledag i juni, der barna møter lærarane og kvarandre. Foreldra blir inviterte til eit eige foreldremøte.

Treng barnet tilrettelegging, til dømes på grunn av sjukdom eller funksjonsnedsetjing, bør du kontakte skulen så tidleg som mogleg.

Tenk også på skuleveg og SFO: søk om skuleskyss innan 15. juni og om SFO-plass innan 1. mars.`,
				`All children start school in August of the year they turn six. You do not need to apply: your child is enrolled at the local school, and the school writes to you in January.

Before school starts, the school invites children to a visiting day in June, where they meet the teachers and each other. Parents are invited to a separate meeting.

If your child needs adjustments, for example because of illness or a disability, contact the school as early as possible.

Remember the route to school and after-school care too: apply for school transport by 15 June and for an SFO place by 1 March.`),
		},
		{
			Slug:  "servicetorget",
			Title: tr("Servicetorget – åpningstider og adresse", "Servicetorget – opningstider og adresse", "Service Centre – opening hours and address"),
			Body: tr(`Servicetorget er kommunens førstelinje. Her får du hjelp med søknader, svar på spørsmål og veiledning om kommunens tjenester.

Servicetorget ligger i 1. etasje i rådhuset, Storgata 1.

Åpningstider:
- mandag til fredag klokka 8–15.30
- torsdag også klokka 15.30–18 (telefon)
- stengt på helligdager

Du kan også ringe oss på 12 34 56 00 eller sende e-post til post@demo.kommune.no.`,
				`Servicetorget er førstelinja i kommunen. Her får du hjelp med søknader, svar på spørsmål og rettleiing om tenestene i kommunen.

Servicetorget ligg i 1. etasje i rådhuset, Storgata 1.

Opningstider:
- måndag til fredag klokka 8–15.30
- torsdag også klokka 15.30–18 (telefon)
- stengt på heilagdagar

Du kan også ringje oss på 12 34 56 00 eller sende e-post til post@demo.kommune.no.`,
				`The Service Centre is the municipality's front desk. We help you with applications, answer questions and guide you to the municipality's services.

The Service Centre is on the ground floor of the town hall, Storgata 1.

Opening hours:
- Monday to Friday, 8 am to 3.30 pm
- Thursdays also 3.30 to 6 pm (by phone)
- closed on public holidays

You can also call us on 12 34 56 00 or email post@demo.kommune.no.`),
		},
	}
}
