package formdef

// Text is a text in several languages: language tag ("nb", "nn" or "en") →
// text. Bokmål ("nb") is required wherever a Text is required or present.
type Text map[string]string

// In returns the text in lang, falling back to bokmål when the text has no
// (or an empty) translation for lang.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	return t["nb"]
}

// Type is the type of a field.
type Type string

// The field types. See the package documentation for the options each type
// takes and the answer it expects.
const (
	TypeText     Type = "text"     // one line of text
	TypeLongText Type = "longtext" // several lines of text
	TypeNumber   Type = "number"   // a number, optionally an integer
	TypeDate     Type = "date"     // a calendar date
	TypeChoice   Type = "choice"   // one, several or a ranked list of options
	TypeYesNo    Type = "yesno"    // yes or no
	TypeEmail    Type = "email"    // an e-mail address
	TypePhone    Type = "phone"    // a Norwegian (or international) phone number
	TypeAddress  Type = "address"  // a Norwegian postal address
	TypeFNR      Type = "fnr"      // a fødselsnummer or D-number
	TypeOrgNr    Type = "orgnr"    // an organisasjonsnummer
	TypeAmount   Type = "amount"   // an amount of Norwegian kroner
	TypeFile     Type = "file"     // one or more uploaded files
	TypeGroup    Type = "group"    // a repeating group of fields
	TypeInfo     Type = "info"     // static text; no answer
)

// Assurance is the sign-in level a form needs.
type Assurance string

// The assurance levels. AssuranceNone lets anyone submit without signing in.
const (
	AssuranceNone        Assurance = "none"
	AssuranceSubstantial Assurance = "substantial" // ID-porten substantial
	AssuranceHigh        Assurance = "high"        // ID-porten high
)

// Prefill names a piece of data about the signed-in person that fills in a
// field.
type Prefill string

// The prefill sources and the field type each fits.
const (
	PrefillName    Prefill = "name"    // the person's name, for a text field
	PrefillPID     Prefill = "pid"     // the person's fødselsnummer or D-number, for an fnr field
	PrefillAddress Prefill = "address" // the person's postal address, for an address field
	PrefillEmail   Prefill = "email"   // the person's e-mail address, for an email field
)

// Category marks a field as collecting a kind of personal data that its type
// does not tell. It feeds the privacy notice.
type Category string

// The categories.
const (
	CategoryName    Category = "name"    // a person's name
	CategoryHealth  Category = "health"  // health information (a special category of personal data)
	CategoryFinance Category = "finance" // information about income, wealth or debt
)

// Form is a form definition: the JSON document described in the package
// documentation. Get one from [Parse]; a Form built in code must pass
// [Form.Check] before use. A checked Form is read-only and safe for
// concurrent use by any number of goroutines.
type Form struct {
	// ID is the form's slug, e.g. "barnehageplass".
	ID string `json:"id"`
	// Version is set by the platform when the definition is published.
	Version int `json:"version,omitempty"`
	// Title is the name of the form, e.g. "Søknad om barnehageplass".
	Title Text `json:"title"`
	// Description is an optional introduction shown before the first page.
	Description Text `json:"description,omitempty"`
	// Assurance is the sign-in level needed to submit.
	Assurance Assurance `json:"assurance"`
	// Privacy is what the privacy notice says about the processing.
	Privacy Privacy `json:"privacy"`
	// Pages are the steps of the form, in order.
	Pages []Page `json:"pages"`
	// Rules are cross-field rules checked by Validate.
	Rules []Rule `json:"rules,omitempty"`

	idx *index // set by a successful Check
}

// Privacy holds the texts of the privacy notice that cannot be derived
// from the fields.
type Privacy struct {
	// Controller is who is responsible for the processing, e.g. "Demo
	// kommune, oppvekstetaten".
	Controller Text `json:"controller"`
	// Purpose is what the data is used for.
	Purpose Text `json:"purpose"`
	// LegalBasis is the legal basis, e.g. "barnehageloven § 16".
	LegalBasis Text `json:"legal_basis"`
	// Retention says how long the data is kept.
	Retention Text `json:"retention"`
	// Contact optionally says how to reach the data protection officer.
	Contact Text `json:"contact,omitempty"`
}

// Page is one step of a form.
type Page struct {
	// ID is unique among the pages of the form.
	ID string `json:"id"`
	// Title is the heading of the page.
	Title Text `json:"title"`
	// Description is an optional introduction to the page.
	Description Text `json:"description,omitempty"`
	// Fields are the fields of the page, in order.
	Fields []Field `json:"fields"`
}

// Field is a question (or a static text, or a repeating group of
// questions). Which of the type-specific options apply is listed in the
// package documentation; Check rejects options that do not fit the type.
type Field struct {
	// ID is unique in the whole form, groups included, and matches
	// ^[a-z][a-z0-9_]*$.
	ID string `json:"id"`
	// Type is the field type.
	Type Type `json:"type"`
	// Label is the question. Required except for info fields.
	Label Text `json:"label,omitempty"`
	// Help is an optional hint shown under the label.
	Help Text `json:"help,omitempty"`
	// Required means a visible field must be answered.
	Required bool `json:"required,omitempty"`
	// Prefill fills the field from the signed-in person (top-level fields
	// only).
	Prefill Prefill `json:"prefill,omitempty"`
	// VisibleIf shows the field only when the condition holds.
	VisibleIf *Condition `json:"visible_if,omitempty"`
	// Category marks special personal data for the privacy notice.
	Category Category `json:"category,omitempty"`

	// MinLength is the fewest characters (text, longtext); 0 means no limit.
	MinLength int `json:"min_length,omitempty"`
	// MaxLength is the most characters (text, longtext); 0 means the
	// default, DefaultTextMaxLength or DefaultLongTextMaxLength.
	MaxLength int `json:"max_length,omitempty"`
	// Pattern is a regular expression (Go RE2 syntax) the whole answer must
	// match (text).
	Pattern string `json:"pattern,omitempty"`

	// Min is the smallest value (number; amount in kroner).
	Min *float64 `json:"min,omitempty"`
	// Max is the largest value (number; amount in kroner).
	Max *float64 `json:"max,omitempty"`
	// Integer allows only whole numbers (number).
	Integer bool `json:"integer,omitempty"`

	// Earliest is the earliest date allowed (date): "YYYY-MM-DD", "today",
	// or "today" plus or minus a count of days, weeks, months or years,
	// e.g. "today-18y".
	Earliest string `json:"earliest,omitempty"`
	// Latest is the latest date allowed (date), written like Earliest.
	Latest string `json:"latest,omitempty"`
	// Before names a date field this date must be before (date).
	Before string `json:"before,omitempty"`
	// After names a date field this date must be after (date).
	After string `json:"after,omitempty"`

	// Options are the choices (choice).
	Options []Option `json:"options,omitempty"`
	// Multiple allows several options (choice).
	Multiple bool `json:"multiple,omitempty"`
	// Ranked makes the answer an ordered list of distinct options, most
	// wanted first (choice); it implies Multiple and needs MaxSelected.
	Ranked bool `json:"ranked,omitempty"`
	// MinSelected is the fewest options in a non-empty answer (choice with
	// Multiple or Ranked).
	MinSelected int `json:"min_selected,omitempty"`
	// MaxSelected is the most options (choice with Multiple or Ranked).
	MaxSelected int `json:"max_selected,omitempty"`

	// International also allows foreign numbers in E.164 form (phone).
	International bool `json:"international,omitempty"`

	// Accept lists the allowed content types (file); empty means
	// DefaultAccept.
	Accept []string `json:"accept,omitempty"`
	// MaxSize is the largest file in bytes (file); 0 means DefaultMaxSize.
	MaxSize int64 `json:"max_size,omitempty"`
	// MaxFiles is the most files (file); 0 means 1.
	MaxFiles int `json:"max_files,omitempty"`

	// Fields are the fields of each item (group).
	Fields []Field `json:"fields,omitempty"`
	// MinItems is the fewest items (group); Required means at least 1.
	MinItems int `json:"min_items,omitempty"`
	// MaxItems is the most items (group); 0 means MaxGroupItems.
	MaxItems int `json:"max_items,omitempty"`
	// ItemLabel names one item, e.g. "Barn", shown as "Barn 1", "Barn 2"
	// (group); empty means the Label.
	ItemLabel Text `json:"item_label,omitempty"`

	// Text is the static text (info).
	Text Text `json:"text,omitempty"`
}

// Option is one choice of a choice field.
type Option struct {
	// Value is what is stored; unique within the field.
	Value string `json:"value"`
	// Label is what the citizen sees.
	Label Text `json:"label"`
}

// Condition decides whether a field is visible, or whether a rule applies.
// Exactly one of the following is set: Field with exactly one of Equals,
// In and Answered; All; Any; Not.
type Condition struct {
	// Field names the field tested; see the package documentation for
	// which fields a condition can see.
	Field string `json:"field,omitempty"`
	// Equals holds when the field's answer equals this value (a string,
	// number or boolean; for a multiple choice: when it is among the
	// selected options).
	Equals any `json:"equals,omitempty"`
	// In holds when the answer equals one of these values.
	In []any `json:"in,omitempty"`
	// Answered holds when the field is answered (true) or not (false).
	Answered *bool `json:"answered,omitempty"`
	// All holds when every condition holds.
	All []Condition `json:"all,omitempty"`
	// Any holds when at least one condition holds.
	Any []Condition `json:"any,omitempty"`
	// Not holds when its condition does not.
	Not *Condition `json:"not,omitempty"`
}

// Rule is a cross-field rule, checked by Validate after the fields.
type Rule struct {
	// ID is unique among the rules and matches ^[a-z][a-z0-9_]*$.
	ID string `json:"id"`
	// If optionally limits the rule to answers where the condition holds.
	If *Condition `json:"if,omitempty"`
	// Require is what must hold.
	Require Requirement `json:"require"`
	// Message is optionally shown instead of the rule's standard message.
	Message Text `json:"message,omitempty"`
}

// Requirement is what a Rule requires. Exactly one of these is set:
//
//   - Field and AfterField: the date Field is after the date AfterField.
//   - Field and BeforeField: the date Field is before the date BeforeField.
//   - AnyAnswered: at least one of the fields is answered.
//   - Sum and AtMost: the numbers or amounts add up to at most AtMost.
type Requirement struct {
	// Field is the date field that carries the error.
	Field string `json:"field,omitempty"`
	// AfterField is the date field Field must be after.
	AfterField string `json:"after_field,omitempty"`
	// BeforeField is the date field Field must be before.
	BeforeField string `json:"before_field,omitempty"`
	// AnyAnswered lists fields of which at least one must be answered.
	AnyAnswered []string `json:"any_answered,omitempty"`
	// Sum lists number or amount fields to add up.
	Sum []string `json:"sum,omitempty"`
	// AtMost is the largest sum allowed (in kroner for amounts).
	AtMost *float64 `json:"at_most,omitempty"`
}

// Limits and defaults of the format.
const (
	// MaxDefinitionSize is the largest definition Parse accepts, in bytes.
	MaxDefinitionSize = 1 << 20
	// MaxDepth is the deepest nesting of JSON objects and arrays Parse
	// accepts.
	MaxDepth = 40
	// MaxGroupDepth is how deep groups nest: a group may contain a group,
	// which may not contain another.
	MaxGroupDepth = 2
	// MaxGroupItems is the most items any group can have.
	MaxGroupItems = 50
	// DefaultTextMaxLength is the longest text answer when max_length is
	// not set.
	DefaultTextMaxLength = 500
	// DefaultLongTextMaxLength is the longest longtext answer when
	// max_length is not set.
	DefaultLongTextMaxLength = 10000
	// MaxTextLength is the largest max_length a definition may set.
	MaxTextLength = 100000
	// DefaultMaxSize is the largest file, in bytes, when max_size is not
	// set.
	DefaultMaxSize = 10 << 20
	// MaxFileSize is the largest max_size a definition may set.
	MaxFileSize = 100 << 20
	// MaxFilesPerField is the largest max_files a definition may set.
	MaxFilesPerField = 20
)

// DefaultAccept returns the content types a file field accepts when accept
// is not set: PDF, JPEG and PNG.
func DefaultAccept() []string {
	return []string{"application/pdf", "image/jpeg", "image/png"}
}

// Page returns the page with the given id, or nil.
func (f *Form) Page(id string) *Page {
	for i := range f.Pages {
		if f.Pages[i].ID == id {
			return &f.Pages[i]
		}
	}
	return nil
}

// Locked reports whether a prefilled answer comes from the sign-in and may
// not be changed by the citizen (name and pid). The page shows it read-only
// when the citizen is signed in, and the handler applies the prefill again
// after reading the posted form.
func (fl *Field) Locked() bool {
	return fl.Prefill == PrefillName || fl.Prefill == PrefillPID
}

// Answerable reports whether the field takes an answer (all types but
// info).
func (fl *Field) Answerable() bool { return fl.Type != TypeInfo }

// EffectiveMaxLength returns the longest answer allowed for a text or
// longtext field, applying the defaults.
func (fl *Field) EffectiveMaxLength() int {
	switch {
	case fl.MaxLength > 0:
		return fl.MaxLength
	case fl.Type == TypeLongText:
		return DefaultLongTextMaxLength
	}
	return DefaultTextMaxLength
}

// EffectiveMaxItems returns the most items a group allows.
func (fl *Field) EffectiveMaxItems() int {
	if fl.MaxItems > 0 && fl.MaxItems < MaxGroupItems {
		return fl.MaxItems
	}
	return MaxGroupItems
}

// EffectiveMinItems returns the fewest items a visible group needs: MinItems,
// or 1 when the group is required.
func (fl *Field) EffectiveMinItems() int {
	if fl.Required && fl.MinItems < 1 {
		return 1
	}
	return fl.MinItems
}

// EffectiveAccept returns the content types a file field accepts.
func (fl *Field) EffectiveAccept() []string {
	if len(fl.Accept) > 0 {
		return fl.Accept
	}
	return DefaultAccept()
}

// EffectiveMaxSize returns the largest file a file field accepts, in bytes.
func (fl *Field) EffectiveMaxSize() int64 {
	if fl.MaxSize > 0 {
		return fl.MaxSize
	}
	return DefaultMaxSize
}

// EffectiveMaxFiles returns the most files a file field accepts.
func (fl *Field) EffectiveMaxFiles() int {
	if fl.MaxFiles > 0 {
		return fl.MaxFiles
	}
	return 1
}

// IsList reports whether a choice field's answer is a list (Multiple or
// Ranked).
func (fl *Field) IsList() bool { return fl.Multiple || fl.Ranked }

// Option returns the option with the given value, or nil.
func (fl *Field) Option(value string) *Option {
	for i := range fl.Options {
		if fl.Options[i].Value == value {
			return &fl.Options[i]
		}
	}
	return nil
}
