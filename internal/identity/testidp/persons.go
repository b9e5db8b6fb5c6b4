package testidp

// DemoPersons returns a fixed list of synthetic test persons: eight
// citizens with synthetic fødselsnummer (Tenor style, month+80) of varied
// ages, followed by six municipal staff persons with e-mail addresses at
// demo.kommune.no and no fødselsnummer. None of them are real people.
//
// Each call returns a new slice that the caller may modify.
func DemoPersons() []Person {
	return []Person{
		{
			PID: "15838810028", Name: "Kari Nordmann", GivenName: "Kari", FamilyName: "Nordmann",
			Description: "Innbygger, født 15. mars 1988",
		},
		{
			PID: "02917510108", Name: "Ola Nordmann", GivenName: "Ola", FamilyName: "Nordmann",
			Description: "Innbygger, født 2. november 1975",
		},
		{
			PID: "28865210096", Name: "Åse Sæbø", GivenName: "Åse", FamilyName: "Sæbø",
			Description: "Innbygger, født 28. juni 1952",
		},
		{
			PID: "09819410078", Name: "Máret Ánne Sara", GivenName: "Máret Ánne", FamilyName: "Sara",
			Description: "Innbygger, født 9. januar 1994",
		},
		{
			PID: "21880560058", Name: "Emma Hansen", GivenName: "Emma", FamilyName: "Hansen",
			Description: "Innbygger, født 21. august 2005 (ung voksen)",
		},
		{
			PID: "30923810192", Name: "Arne Johansen", GivenName: "Arne", FamilyName: "Johansen",
			Description: "Innbygger, født 30. desember 1938 (pensjonist)",
		},
		{
			PID: "17858110130", Name: "Ali Hassan", GivenName: "Ali", FamilyName: "Hassan",
			Description: "Innbygger, født 17. mai 1981",
		},
		{
			PID: "04821260391", Name: "Noah Berg", GivenName: "Noah", FamilyName: "Berg",
			Description: "Innbygger, født 4. februar 2012 (mindreårig)",
		},
		{
			Name: "Nora Solberg", GivenName: "Nora", FamilyName: "Solberg",
			Email: "nora.solberg@demo.kommune.no", Description: "Saksbehandler",
		},
		{
			Name: "Per Arne Dahl", GivenName: "Per Arne", FamilyName: "Dahl",
			Email: "per.arne.dahl@demo.kommune.no", Description: "Arkivar",
		},
		{
			Name: "Hilde Strand", GivenName: "Hilde", FamilyName: "Strand",
			Email: "hilde.strand@demo.kommune.no", Description: "Politisk sekretariat",
		},
		{
			Name: "Jonas Bakke", GivenName: "Jonas", FamilyName: "Bakke",
			Email: "jonas.bakke@demo.kommune.no", Description: "Folkevalgt, medlem av kommunestyret",
		},
		{
			Name: "Lise Eriksen", GivenName: "Lise", FamilyName: "Eriksen",
			Email: "lise.eriksen@demo.kommune.no", Description: "Leder, enhet for byggesak",
		},
		{
			Name: "Tor Aasen", GivenName: "Tor", FamilyName: "Aasen",
			Email: "tor.aasen@demo.kommune.no", Description: "Systemadministrator",
		},
	}
}
