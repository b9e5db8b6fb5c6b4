package nin

// Messages holds the user-facing error sentences by language ("nb" bokmål,
// "nn" nynorsk, "en" English) and message key (see [Error.Key]). Each
// sentence says which part of the number is wrong and what to do about it.
var Messages = map[string]map[string]string{
	"nb": {
		"nin.error.length":     "Nummeret må ha 11 siffer. Sjekk at du ikke har skrevet for mange eller for få.",
		"nin.error.format":     "Nummeret kan bare inneholde siffer. Skriv de 11 sifrene uten punktum eller bindestrek.",
		"nin.error.date":       "De seks første sifrene er ikke en gyldig fødselsdato. Sjekk dag, måned og år.",
		"nin.error.individual": "Sifrene 7–9 passer ikke med fødselsåret, eller fødselsdatoen ligger fram i tid. Sjekk at du har skrevet nummeret riktig.",
		"nin.error.check1":     "Det nest siste sifferet, som er et kontrollsiffer, stemmer ikke. Sjekk at du har skrevet nummeret riktig.",
		"nin.error.check2":     "Kontrollsifferet til slutt stemmer ikke. Sjekk at du har skrevet nummeret riktig.",
	},
	"nn": {
		"nin.error.length":     "Nummeret må ha 11 siffer. Sjekk at du ikkje har skrive for mange eller for få.",
		"nin.error.format":     "Nummeret kan berre innehalde siffer. Skriv dei 11 sifra utan punktum eller bindestrek.",
		"nin.error.date":       "Dei seks første sifra er ikkje ein gyldig fødselsdato. Sjekk dag, månad og år.",
		"nin.error.individual": "Sifra 7–9 passar ikkje med fødselsåret, eller fødselsdatoen ligg fram i tid. Sjekk at du har skrive nummeret ditt rett.",
		"nin.error.check1":     "Det nest siste sifferet, som er eit kontrollsiffer, stemmer ikkje. Sjekk at du har skrive nummeret ditt rett.",
		"nin.error.check2":     "Kontrollsifferet til slutt stemmer ikkje. Sjekk at du har skrive nummeret ditt rett.",
	},
	"en": {
		"nin.error.length":     "The number must have 11 digits. Check that you have not typed too many or too few.",
		"nin.error.format":     "The number can only contain digits. Type the 11 digits without dots or hyphens.",
		"nin.error.date":       "The first six digits are not a valid date of birth. Check the day, month and year.",
		"nin.error.individual": "Digits 7–9 do not match the year of birth, or the date of birth is in the future. Check that you have typed the number correctly.",
		"nin.error.check1":     "The second to last digit, which is a check digit, is wrong. Check that you have typed the number correctly.",
		"nin.error.check2":     "The check digit at the end is wrong. Check that you have typed the number correctly.",
	},
}
