package politics

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
)

// DemoOfficial is the e-mail address of the demo's elected official who
// signs in as staff (the test provider's "Jonas Bakke", role official): a
// member of the executive committee, so the demo shows exempt documents to
// the right people.
const DemoOfficial = "jonas.bakke@demo.kommune.no"

// demoParties are the parties of the demo, with their seats in the
// council, the executive committee and the committee for children and
// education.
var demoParties = []struct {
	short, name         string
	council, exec, educ int
}{
	{"Ap", "Arbeiderpartiet", 9, 3, 2},
	{"H", "Høyre", 8, 2, 2},
	{"Sp", "Senterpartiet", 5, 1, 1},
	{"FrP", "Fremskrittspartiet", 5, 2, 1},
	{"SV", "Sosialistisk Venstreparti", 2, 1, 1},
	{"KrF", "Kristelig Folkeparti", 2, 0, 1},
	{"V", "Venstre", 1, 0, 0},
	{"MDG", "Miljøpartiet De Grønne", 1, 0, 1},
	{"R", "Rødt", 2, 0, 0},
}

// Fictional names: combinations of common Norwegian given and family
// names, not real politicians.
var (
	demoGiven  = []string{"Kari", "Ola", "Ingrid", "Per", "Silje", "Lars", "Marte", "Eirik", "Hanne", "Knut", "Tone", "Geir", "Anette", "Stian", "Berit", "Håkon", "Liv", "Øystein", "Camilla", "Trond", "Nina", "Vegard", "Solveig", "Arne", "Hilde", "Magnus", "Randi", "Torbjørn", "Ida", "Sindre", "Astrid", "Jon", "Mette", "Rune", "Kristin", "Espen", "Guro", "Bjørn", "Elin", "Sverre", "Åse", "Petter"}
	demoFamily = []string{"Fjellstad", "Nordvik", "Haugland", "Bergsli", "Lindtveit", "Moen", "Skarsvåg", "Dalheim", "Rønningen", "Aasgard", "Brekkestø", "Holtedahl", "Kvamsdal", "Solbakken", "Vangsnes", "Tveiten", "Eidsvåg", "Myrvold", "Strandli", "Hovland", "Grønnevik", "Lien", "Sæterbakken", "Vik", "Øvrebø", "Rypdal", "Furuheim", "Kleiva", "Nesheim", "Ulvestad", "Bjørkli", "Engen", "Torvund", "Hagerup", "Lunde", "Sandnes", "Mjelde", "Ødegård", "Rustad", "Kolstad", "Aune", "Fossum"}
)

// Seed fills tenant with the demo's politics (meant for "Demo kommune",
// 9999): the term 2023–2027, nine parties, the municipal council (35
// members), the executive committee (9) and the committee for children and
// education (9) with fictional officials, two past meetings with minutes,
// decisions and votes, one coming meeting with its agenda published, and
// one planned. Documents are small generated PDFs. The demo's meetings are
// recorded as sent without queuing notice e-mail. It does nothing when the
// municipality has bodies already, so it is safe on every start.
func Seed(ctx context.Context, svc *Service, tenant string) error {
	if bodies, err := svc.Bodies(ctx, tenant); err != nil || len(bodies) > 0 {
		return err
	}
	actor := audit.Entry{ActorID: "system:demo", ActorName: "torg demo", Role: "system"}
	term, err := svc.AddTerm(ctx, tenant, TermForm{Start: "01.10.2023", End: "30.09.2027"}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	parties := map[string]Party{}
	for _, p := range demoParties {
		party, err := svc.AddParty(ctx, tenant, PartyForm{ShortName: p.short, Name: p.name}, actor)
		if err != nil {
			return fmt.Errorf("politics seed: %w", err)
		}
		parties[p.short] = party
	}
	council, err := svc.AddBody(ctx, tenant, BodyForm{Name: "Kommunestyret", Kind: KindCouncil, TermID: term.ID,
		Description: "Kommunestyret er kommunens øverste organ og gjør vedtak på vegne av kommunen. Det har 35 medlemmer valgt ved kommunestyrevalget."}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	exec, err := svc.AddBody(ctx, tenant, BodyForm{Name: "Formannskapet", Kind: KindExecutive, TermID: term.ID,
		Description: "Formannskapet behandler økonomiplan, årsbudsjett og skatt, og har myndighet i saker kommunestyret har delegert."}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	educ, err := svc.AddBody(ctx, tenant, BodyForm{Name: "Hovedutvalg for oppvekst", ShortName: "Oppvekst", Kind: KindCommittee, TermID: term.ID,
		Description: "Hovedutvalget har ansvar for barnehage, skole, SFO og kulturskole."}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}

	// People: the council's members party by party, then two more for the
	// committee and a deputy for each of the three largest parties.
	type seated struct {
		Person
		party string
	}
	var people []seated
	n := 0
	newPerson := func(party, title, email string) (seated, error) {
		given, family := demoGiven[n%len(demoGiven)], demoFamily[(n*5+3)%len(demoFamily)]
		n++
		if email == "" {
			email = strings.ToLower(asciiFold(given) + "." + asciiFold(family) + "@folkevalgt.demo.kommune.no")
		}
		if email == DemoOfficial {
			given, family = "Jonas", "Bakke"
		}
		p, err := svc.AddPerson(ctx, tenant, PersonForm{GivenName: given, FamilyName: family, PartyID: parties[party].ID, Title: title, Email: email}, actor)
		return seated{Person: p, party: party}, err
	}
	start := term.Start
	add := func(p seated, body Body, role string) error {
		_, err := svc.AddMembership(ctx, tenant, MembershipForm{PersonID: p.ID, BodyID: body.ID, Role: role, Start: start}, actor)
		return err
	}
	for _, dp := range demoParties {
		for i := 0; i < dp.council; i++ {
			title, email := "", ""
			switch {
			case dp.short == "Ap" && i == 0:
				title = "ordfører"
			case dp.short == "Sp" && i == 0:
				title = "varaordfører"
			case dp.short == "H" && i == 1:
				email = DemoOfficial
			}
			p, err := newPerson(dp.short, title, email)
			if err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
			people = append(people, p)
		}
	}
	byParty := func(party string) []seated {
		var out []seated
		for _, p := range people {
			if p.party == party {
				out = append(out, p)
			}
		}
		return out
	}
	for _, dp := range demoParties {
		members := byParty(dp.short)
		for i, p := range members {
			role := RoleMember
			if dp.short == "Ap" && i == 0 {
				role = RoleChair
			} else if dp.short == "Sp" && i == 0 {
				role = RoleDeputyChair
			}
			if err := add(p, council, role); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
		for i := 0; i < dp.exec && i < len(members); i++ {
			role := RoleMember
			if dp.short == "Ap" && i == 0 {
				role = RoleChair
			} else if dp.short == "Sp" && i == 0 {
				role = RoleDeputyChair
			}
			if err := add(members[i], exec, role); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
		// The committee takes members from the back of each group, and
		// two who are not in the council.
		educSeats := dp.educ
		if dp.short == "Ap" || dp.short == "MDG" {
			educSeats--
			outside, err := newPerson(dp.short, "", "")
			if err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
			role := RoleMember
			if dp.short == "Ap" {
				role = RoleChair
			}
			if err := add(outside, educ, role); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
		for i := 0; i < educSeats; i++ {
			if err := add(members[len(members)-1-i], educ, RoleMember); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
		if dp.short == "Ap" || dp.short == "H" || dp.short == "Sp" {
			deputy, err := newPerson(dp.short, "", "")
			if err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
			if err := add(deputy, council, RoleDeputy); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
	}

	now := svc.db.Now().In(oslo)
	day := func(offset int) string { return now.AddDate(0, 0, offset).Format("02.01.2006") }
	month := func(offset int) string { return now.AddDate(0, 0, offset).Format("01.2006") }
	video := "https://video.demo.kommune.no/opptak/"

	// Two political cases: a kindergarten that has passed the executive
	// committee and waits for the council, and the school plan, now in
	// the committee for children and education.
	kindergarten, err := svc.CreateCase(ctx, tenant, CaseForm{Title: "Ny barnehage i Nordbygda", ArchiveRef: "2026/44", Origin: OriginAdministration,
		Summary: "Kommunen trenger flere barnehageplasser i Nordbygda. Saken gjelder kjøp av tomt og bygging av en barnehage med seks avdelinger."}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	if _, err := svc.SetPath(ctx, tenant, kindergarten.ID, []StepForm{{BodyID: exec.ID, Planned: day(-21)}, {BodyID: council.ID, Planned: month(42)}}, actor); err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	schools, err := svc.CreateCase(ctx, tenant, CaseForm{Title: "Skolebruksplan 2027–2035", ArchiveRef: "2026/102", Origin: OriginInitiative, Signatures: 412,
		Summary: "Innbyggerinitiativ om å bevare Nordbygda skule, behandlet sammen med skolebruksplanen for 2027–2035.", ExternalKey: "demo-initiativ-1"}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	if _, err := svc.SetPath(ctx, tenant, schools.ID, []StepForm{{BodyID: educ.ID, Planned: day(10)}, {BodyID: exec.ID, Planned: month(30)},
		{BodyID: council.ID, Planned: day(42)}}, actor); err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}

	// 1. The council, six weeks ago, with minutes and votes by party.
	m1, err := svc.CreateMeeting(ctx, tenant, MeetingForm{BodyID: council.ID, Date: day(-42), From: "18:00", To: "21:30", Place: "Kommunestyresalen, rådhuset",
		Address: "Storgata 1, 9999 Demo", VideoURL: video + "kommunestyret-" + now.AddDate(0, 0, -42).Format("2006-01-02")}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	items1 := []demoItem{
		{title: "Godkjenning av innkalling og saksliste", decision: "Innkalling og saksliste godkjennes.", votes: [3]int{35, 0, 0}, offset: 60},
		{title: "Økonomirapport for første tertial", decision: "Kommunestyret tar økonomirapporten for første tertial til orientering.", votes: [3]int{35, 0, 0}, offset: 420,
			attachment: "Regnskap per 30. april"},
		{title: "Reguleringsplan for Sentrum nord – sluttbehandling", caseRef: "2025/311",
			decision: "Reguleringsplan for Sentrum nord vedtas slik den lå ute til offentlig ettersyn, med endringene i punkt 3.\n\nRådmannen bes legge fram en sak om trafikksikring i Skolegata.",
			votes:    [3]int{24, 9, 2}, byParty: map[string][3]int{"Ap": {9, 0, 0}, "H": {8, 0, 0}, "Sp": {5, 0, 0}, "FrP": {0, 5, 0}, "SV": {0, 2, 0}, "KrF": {2, 0, 0}, "V": {0, 0, 1}, "MDG": {0, 0, 1}, "R": {0, 2, 0}},
			offset: 1860, attachment: "Plankart og bestemmelser"},
		{title: "Tilsetting av kommunedirektør", exempt: true, basis: "Offl. § 25 første ledd", publicTitle: "Personalsak",
			decision: "Kommunestyret tilsetter søker nr. 3 som kommunedirektør.", votes: [3]int{35, 0, 0}},
	}
	if err := seedMeeting(ctx, svc, tenant, m1, items1, parties, actor, true); err != nil {
		return err
	}

	// 2. The executive committee, three weeks ago, with a roll call.
	m2, err := svc.CreateMeeting(ctx, tenant, MeetingForm{BodyID: exec.ID, Date: day(-21), From: "09:00", To: "12:00", Place: "Formannskapssalen, rådhuset",
		Address: "Storgata 1, 9999 Demo", VideoURL: video + "formannskapet-" + now.AddDate(0, 0, -21).Format("2006-01-02")}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	items2 := []demoItem{
		{title: "Tilskudd til lag og foreninger", decision: "Formannskapet fordeler tilskuddene slik rådmannen foreslår.", votes: [3]int{9, 0, 0}, offset: 90},
		{title: "Høring – regional transportplan", decision: "Formannskapet slutter seg til høringsuttalelsen, med tillegg om bedre bussforbindelse til Nordbygda.",
			votes: [3]int{6, 3, 0}, rollCall: true, offset: 1500, attachment: "Høringsutkast"},
		{title: "Kjøp av tomt til ny barnehage", exempt: false, caseRef: "2026/44", caseID: kindergarten.ID, decision: "Kommunen kjøper gnr. 12 bnr. 7 for inntil 4,2 millioner kroner.",
			votes: [3]int{9, 0, 0}, exemptAttachment: "Takst og forhandlingsnotat", exemptBasis: "Offl. § 23 første ledd", offset: 2700},
	}
	if err := seedMeeting(ctx, svc, tenant, m2, items2, parties, actor, true); err != nil {
		return err
	}

	// 3. The committee for children and education, in ten days: the
	// agenda is published.
	m3, err := svc.CreateMeeting(ctx, tenant, MeetingForm{BodyID: educ.ID, Date: day(10), From: "13:00", To: "16:00", Place: "Møterom Fjellet, rådhuset",
		Address: "Storgata 1, 9999 Demo", StreamURL: "https://video.demo.kommune.no/direkte/oppvekst"}, actor)
	if err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	items3 := []demoItem{
		{title: "Skolebruksplan 2027–2035", caseRef: "2026/102", caseID: schools.ID, attachment: "Utredning av skolestruktur"},
		{title: "Tilstandsrapport for grunnskolen 2026", attachment: "Resultater fra nasjonale prøver"},
		{title: "Søknad om særskilt tilrettelagt opplæring", exempt: true, basis: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1", publicTitle: "Elevsak"},
	}
	if err := seedMeeting(ctx, svc, tenant, m3, items3, parties, actor, false); err != nil {
		return err
	}

	// 4. The council, in six weeks: planned, not yet sent.
	if _, err := svc.CreateMeeting(ctx, tenant, MeetingForm{BodyID: council.ID, Date: day(42), From: "18:00", To: "21:30", Place: "Kommunestyresalen, rådhuset",
		Address: "Storgata 1, 9999 Demo", StreamURL: "https://video.demo.kommune.no/direkte/kommunestyret"}, actor); err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	return nil
}

// demoItem is an item of a demo meeting.
type demoItem struct {
	title, caseRef, decision      string
	caseID                        string
	exempt                        bool
	basis, publicTitle            string
	votes                         [3]int
	byParty                       map[string][3]int
	rollCall                      bool
	offset                        int
	attachment                    string
	exemptAttachment, exemptBasis string
}

// seedMeeting adds items with their documents to m, publishes it (dated
// ten days before the meeting, without mail) and, when held, records the
// minutes.
func seedMeeting(ctx context.Context, svc *Service, tenant string, m Meeting, items []demoItem, parties map[string]Party, actor audit.Entry, held bool) error {
	var ids []string
	for _, d := range items {
		f := ItemForm{Title: d.title, CaseRef: d.caseRef, LegalBasis: d.basis, PublicTitle: d.publicTitle, CaseID: d.caseID}
		if d.exempt {
			f.Exempt = "1"
		}
		it, err := svc.AddItem(ctx, tenant, m.ID, f, actor)
		if err != nil {
			return fmt.Errorf("politics seed: %w", err)
		}
		ids = append(ids, it.ID)
		main := PDF("Saksframlegg: "+d.title, "Saksnummer: "+it.Number, "", "Rådmannens forslag til vedtak følger nedenfor.", "",
			"Dette er et eksempeldokument i Demo kommune.")
		if _, err := svc.AddDocument(ctx, tenant, it.ID, DocumentForm{Kind: DocMain, Title: "Saksframlegg"}, "saksframlegg.pdf", bytes.NewReader(main), actor); err != nil {
			return fmt.Errorf("politics seed: %w", err)
		}
		if d.attachment != "" {
			if _, err := svc.AddDocument(ctx, tenant, it.ID, DocumentForm{Kind: DocAttachment, Title: d.attachment},
				slug(d.attachment)+".pdf", bytes.NewReader(PDF(d.attachment, "Vedlegg til sak "+it.Number)), actor); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
		if d.exemptAttachment != "" {
			if _, err := svc.AddDocument(ctx, tenant, it.ID, DocumentForm{Kind: DocAttachment, Title: d.exemptAttachment, Exempt: "1", LegalBasis: d.exemptBasis},
				slug(d.exemptAttachment)+".pdf", bytes.NewReader(PDF(d.exemptAttachment, "Unntatt offentlighet: "+d.exemptBasis)), actor); err != nil {
				return fmt.Errorf("politics seed: %w", err)
			}
		}
	}
	if _, err := svc.publish(ctx, tenant, m.ID, "nb", "", actor, m.Start.AddDate(0, 0, -10), false); err != nil {
		return fmt.Errorf("politics seed: %w", err)
	}
	if !held {
		return nil
	}
	members, err := svc.Memberships(ctx, tenant)
	if err != nil {
		return err
	}
	for i, d := range items {
		f := MinutesForm{Decision: d.decision, For: fmt.Sprint(d.votes[0]), Against: fmt.Sprint(d.votes[1]), Abstain: fmt.Sprint(d.votes[2]),
			ByParty: map[string][3]string{}, ByMember: map[string]string{}}
		for short, c := range d.byParty {
			f.ByParty[parties[short].ID] = [3]string{fmt.Sprint(c[0]), fmt.Sprint(c[1]), fmt.Sprint(c[2])}
		}
		if d.rollCall {
			// The FrP members vote against, then SV's until the count is
			// reached; the rest vote for.
			var voters []Membership
			for _, first := range []string{"FrP", "SV", ""} {
				for _, ms := range members {
					if ms.BodyID != m.BodyID || ms.Role == RoleDeputy {
						continue
					}
					isFirst := ms.PartyID == parties["FrP"].ID || ms.PartyID == parties["SV"].ID
					if (first != "" && ms.PartyID == parties[first].ID) || (first == "" && !isFirst) {
						voters = append(voters, ms)
					}
				}
			}
			for j, ms := range voters {
				f.ByMember[ms.PersonID] = VoteFor
				if j < d.votes[1] {
					f.ByMember[ms.PersonID] = VoteAgainst
				}
			}
		}
		if d.offset > 0 && m.VideoURL != "" {
			f.VideoOffset = fmt.Sprint(d.offset)
		}
		if _, err := svc.RecordMinutes(ctx, tenant, ids[i], f, actor); err != nil {
			return fmt.Errorf("politics seed: minutes of %s: %w", d.title, err)
		}
	}
	return nil
}

// asciiFold writes Norwegian letters in ASCII for e-mail addresses.
func asciiFold(s string) string {
	r := strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "Æ", "Ae", "Ø", "O", "Å", "A")
	return r.Replace(s)
}
