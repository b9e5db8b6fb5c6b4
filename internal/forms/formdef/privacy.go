package formdef

import "slices"

// PrivacyNotice is the privacy notice of a form in one language: what the
// definition says about the processing, and which personal data the form
// collects, derived from its fields.
type PrivacyNotice struct {
	// FormTitle is the title of the form.
	FormTitle string
	// Controller is who is responsible for the processing.
	Controller string
	// Purpose is what the data is used for.
	Purpose string
	// LegalBasis is the legal basis for the processing.
	LegalBasis string
	// Retention says how long the data is kept.
	Retention string
	// Contact says how to reach the data protection officer; may be empty.
	Contact string
	// SignIn is true when the form needs sign-in with ID-porten.
	SignIn bool
	// Data lists the kinds of personal data collected, in a fixed order.
	Data []DataCategory
	// Special is true when some of the data is a special category of
	// personal data (health).
	Special bool
}

// DataCategory is one kind of personal data a form collects.
type DataCategory struct {
	// Key is a stable name: "name", "nin", "address", "email", "phone",
	// "orgnr", "health", "finance", "files", "free_text" or "other".
	Key string
	// Label names the kind of data in the language, e.g. "Fødselsnummer
	// eller D-nummer". Its message key is "forms.privacy.data." + Key.
	Label string
	// Fields are the labels of the fields that collect it, without
	// repetitions.
	Fields []string
	// FromSignIn is true when some of it is filled in from the sign-in.
	FromSignIn bool
	// Special is true for a special category of personal data (GDPR
	// article 9), here health information.
	Special bool
}

// privacyOrder lists the data categories in the order the notice shows
// them.
func privacyOrder() []string {
	return []string{"name", "nin", "address", "email", "phone", "orgnr", "health", "finance", "files", "free_text", "other"}
}

// categoryOf returns the data category a field collects, or "".
func categoryOf(fl *Field) string {
	switch {
	case fl.Type == TypeInfo || fl.Type == TypeGroup:
		return ""
	case fl.Category != "":
		return string(fl.Category)
	case fl.Prefill == PrefillName:
		return "name"
	}
	switch fl.Type {
	case TypeFNR:
		return "nin"
	case TypeAddress:
		return "address"
	case TypeEmail:
		return "email"
	case TypePhone:
		return "phone"
	case TypeOrgNr:
		return "orgnr"
	case TypeFile:
		return "files"
	case TypeLongText:
		return "free_text"
	}
	return "other"
}

// PrivacyNotice returns the privacy notice of the form in lang ("nb", "nn"
// or "en"; texts missing in nn or en fall back to bokmål).
func (f *Form) PrivacyNotice(lang string) PrivacyNotice {
	msgs := messagesFor(lang)
	n := PrivacyNotice{
		FormTitle:  f.Title.In(lang),
		Controller: f.Privacy.Controller.In(lang),
		Purpose:    f.Privacy.Purpose.In(lang),
		LegalBasis: f.Privacy.LegalBasis.In(lang),
		Retention:  f.Privacy.Retention.In(lang),
		Contact:    f.Privacy.Contact.In(lang),
		SignIn:     f.Assurance != AssuranceNone,
	}
	cats := map[string]*DataCategory{}
	for _, fi := range f.index().all {
		key := categoryOf(fi.f)
		if key == "" {
			continue
		}
		c := cats[key]
		if c == nil {
			c = &DataCategory{Key: key, Label: msgs["forms.privacy.data."+key], Special: key == string(CategoryHealth)}
			cats[key] = c
		}
		if label := fi.f.Label.In(lang); label != "" && !slices.Contains(c.Fields, label) {
			c.Fields = append(c.Fields, label)
		}
		if fi.f.Prefill != "" {
			c.FromSignIn = true
		}
	}
	for _, key := range privacyOrder() {
		if c := cats[key]; c != nil {
			n.Data = append(n.Data, *c)
			n.Special = n.Special || c.Special
		}
	}
	return n
}
