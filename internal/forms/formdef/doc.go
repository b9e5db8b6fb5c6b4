// Package formdef is the definition format and rules engine of Torg's
// common form platform (felles skjemaplattform).
//
// Every municipal service form is data: a JSON document that municipalities
// share through a library. This package parses and checks definitions
// ([Parse], [Form.Check]), decides which fields are visible
// ([Form.Visible]), validates and normalizes a citizen's answers with the
// same rules the page uses ([Form.Validate]), lists the answers for people
// ([Form.Summary]) and generates the privacy notice ([Form.PrivacyNotice]).
// It has no database and no HTTP; the form pages, drafts and submissions
// are built on top of it. [SchemaJSON] is a JSON Schema (draft 2020-12) of
// the format, [Messages] the texts of its message keys, and [Library] the
// shared demo definitions.
//
// # The format
//
// A definition is one JSON object:
//
//	{
//	  "id": "barnehageplass",                  slug: ^[a-z0-9]+(-[a-z0-9]+)*$
//	  "version": 3,                            set by the platform on publish
//	  "title": {"nb": "...", "nn": "...", "en": "..."},
//	  "description": {...},                    optional
//	  "assurance": "substantial",              "none" | "substantial" | "high"
//	  "privacy": {"controller": {...}, "purpose": {...},
//	              "legal_basis": {...}, "retention": {...}, "contact": {...}},
//	  "pages": [{"id": "barn", "title": {...}, "description": {...}, "fields": [...]}],
//	  "rules": [...]                           optional
//	}
//
// Every text is localized: an object with "nb" (bokmål, required), "nn"
// (nynorsk) and "en" (English); no other languages, no empty texts. A
// missing translation falls back to bokmål ([Text.In]). Assurance "none"
// allows submitting without signing in; "substantial" and "high" are the
// ID-porten levels. The privacy texts (contact, the data protection
// officer, is optional) go into the privacy notice.
//
// A field has an "id" (^[a-z][a-z0-9_]*$, unique in the whole form, groups
// included), a "type", a "label" (required except for info), an optional
// "help", "required" (a visible required field must be answered),
// "prefill", "visible_if" (a condition) and "category", and the options of
// its type:
//
//	type      options                                          answer (clean)
//	text      min_length, max_length (default 500), pattern    string
//	longtext  min_length, max_length (default 10000)           string (LF line ends)
//	number    min, max, integer                                float64
//	date      earliest, latest, before, after                  "YYYY-MM-DD"
//	choice    options, multiple, ranked, min_selected,         string; []string when
//	          max_selected                                     multiple or ranked
//	yesno                                                      bool
//	email                                                      string (domain lower-cased)
//	phone     international                                    "91234567" or "+46701234567"
//	address                                                    Address
//	fnr                                                        11 digits
//	orgnr                                                      9 digits
//	amount    min, max (kroner, at most 2 decimals, >= 0)      int64 øre
//	file      accept, max_size (bytes), max_files              []File
//	group     fields, min_items, max_items, item_label         []Answers
//	info      text (the static text; label is an optional      (none)
//	          heading)
//
// An option that does not fit the type is an error. Details:
//
//   - text: the pattern is a Go (RE2) regular expression that must match
//     the whole answer. Lengths count characters. Control characters are
//     refused (longtext allows newline and tab).
//   - number: written with a decimal comma or point and optional spaces
//     between digit groups ("1 234,5").
//   - date: written dd.mm.yyyy (d.m.yyyy, '/', '-' or ' ' also do),
//     ddmmyyyy or YYYY-MM-DD; years 1800–2200. "earliest" and "latest" are
//     "YYYY-MM-DD", "today", or "today" plus or minus a number of days,
//     weeks, months or years: "today+14d", "today-18y", "today+1y".
//     "before" and "after" name another date field the date must be
//     strictly before or after (when both are answered).
//   - choice: "options" is a list of {"value", "label"} with distinct
//     values. A single choice's answer is one value. With "multiple" it is
//     a list of distinct values (in option order); "min_selected" and
//     "max_selected" limit its length when answered. "ranked" makes it an
//     ordered list of distinct values, most wanted first (e.g. prioritised
//     kindergartens); it needs "max_selected", the number of ranks offered.
//   - phone: a Norwegian number has 8 digits, the first 2–9, optionally
//     after +47 or 0047, with any spaces; it is stored as the 8 digits. With
//     "international": true a foreign number in E.164 form (+ or 00, the
//     country code and the number, 8–15 digits) is also allowed, stored as
//     "+" and the digits.
//   - address: street, postal_code (postnummer, 4 digits) and postal_town
//     (poststed). A partly filled address reports each missing part.
//   - fnr: a fødselsnummer or D-number (synthetic test numbers included),
//     checked by package nin with a birth date not after today; H-numbers
//     are refused. Errors name the wrong part with nin's keys, e.g.
//     "nin.error.check2".
//   - orgnr: 9 digits (spaces allowed), the first 8 or 9, the last a
//     modulus 11 check digit with the weights 3 2 7 6 5 4 3 2.
//   - amount: kroner with up to 2 decimals ("1 234,50", "1234.5", "kr 200",
//     "200,-"), stored as whole øre; min and max are in kroner.
//   - file: this package only checks the declared metadata of uploaded
//     files: name, sniffed content type (default accept: PDF, JPEG, PNG),
//     size (default max_size 10 MB, at most 100 MB) and count (default
//     max_files 1, at most 20). Sniffing and storage are done elsewhere.
//   - group: a repeating group, e.g. the children in a kindergarten
//     application. "min_items" (required means at least 1) and "max_items"
//     (at most MaxGroupItems, also the default) limit the items. A group
//     may contain a group, which may not contain another (MaxGroupDepth).
//     "item_label" names one item ("Barn" gives "Barn 1", "Barn 2").
//
// "prefill" fills a top-level field from the signed-in person: "name"
// (text), "pid" (fnr), "address" (address), "email" (email); see
// [Form.ApplyPrefill]. "category" tells the privacy notice what a field
// holds when its type does not: "name", "health" (a special category of
// personal data) or "finance".
//
// # Conditions and visibility
//
// A condition is one of:
//
//	{"field": "has_siblings", "equals": true}
//	{"field": "reason", "in": ["illness", "dangerous_road"]}
//	{"field": "phone", "answered": true}
//	{"all": [...]}   {"any": [...]}   {"not": {...}}
//
// "equals" and "in" compare with a value of the field's type: true or
// false for yesno, an option value for choice (for a multiple choice: is
// the value among those selected), a number for number and amount (amounts
// in kroner), a string for the text-like types. Address, file and group
// fields can only be tested with "answered" (a group is answered when it
// has an item). A condition sees the normalized answer of a visible field
// when it can be read as its type; an unreadable answer (a date that is not
// a date) counts as not answered, one outside limits (a date too early)
// counts as answered.
//
// Scope: ids are unique in the form, so a condition names fields by id
// alone. A field inside a group sees the fields of the same item, and the
// fields of the items and the top level around it; "needs_support" in a
// child's visible_if means that child's answer. A field cannot see into a
// group it is not in, nor refer to a group that contains it, nor to
// itself, nor to a field on a later page, nor to an info field, and
// visible_if conditions may not form a cycle.
//
// A field is visible when the group item it is in is visible and its
// visible_if (if any) holds. A hidden field is never required and its
// answer is dropped from the clean answers, so a stale answer to a field
// the citizen can no longer see is never submitted.
//
// # Rules
//
// Cross-field rules are checked by Validate after the fields, on the clean
// answers:
//
//	{"id": "start_after_birth",
//	 "if": {condition, optional},
//	 "require": {"field": "start_date", "after_field": "birth_date"},
//	 "message": {"nb": "...", ...}}
//
// "require" is exactly one of:
//
//   - {"field": A, "after_field": B} or {"field": A, "before_field": B}:
//     the date A is strictly after (before) the date B. B may be in the
//     same scope as A or around it (one answer), or in a group inside A's
//     scope: then A must be after (before) B in every item. The error is
//     on A, with the offending date of B as argument.
//   - {"any_answered": [A, B, ...]}: at least one of the fields (all in the
//     same group, or all at top level) is answered. The error is on the
//     first of them that is visible.
//   - {"sum": [A, B, ...], "at_most": N}: the number fields, or the amount
//     fields (N in kroner), add up to at most N, counting every item of
//     groups. The error is on the first field (or the group at top level
//     that contains it).
//
// A rule whose fields are in a group is checked once per item, and "if"
// sees what a visible_if in that item would see. The error carries the
// standard key of the rule kind and, in FieldError.Message, the rule's
// own message if it has one.
//
// # Paths
//
// Problems in definitions ([Problem]) are located by a path into the JSON
// document: property names joined by dots, array indexes in brackets, e.g.
// "pages[1].fields[3].visible_if.field"; "" is the whole document.
//
// Answers and their errors ([FieldError], [Form.Visible], [SummaryItem]) are
// located by answer paths: the field id at top level ("email"); for a
// field in item N (from 0) of a group, the group's path, N and the id
// ("children.1.birth_date"; nested: "children.0.allergies.2.name"); for a
// part of an address, the field's path and the part
// ("address.postal_code"). A group item is "children.1"; errors about the
// items as a whole (too few, too many) are on the group ("children").
// [Form.Lookup] resolves a path to its field.
//
// # Answers
//
// [Answers] maps field ids to values. Validate takes what the HTTP layer
// produces, which is what [AnswersFromForm] returns from a posted form,
// plus files:
//
//   - text-like types (text, longtext, email, phone, fnr, orgnr, date,
//     number, amount) and single choice: the string as typed;
//   - multiple or ranked choice: []string;
//   - yesno: bool (the strings "true" and "false" are also accepted);
//   - address: [Address];
//   - file: []File (or one File), filled in by the upload handler with the
//     sniffed content type;
//   - group: []Answers, one per item.
//
// Validate also accepts its own clean output (number float64, amount int64
// øre) and the same decoded from JSON (numbers as float64 or json.Number —
// a number for an amount is øre, a string is kroner —, objects as
// map[string]any, lists as []any), so a draft stored as JSON can be
// validated again. Absent, nil and blank answers are unanswered. Answers
// to unknown fields are ignored.
//
// # Names in HTML forms
//
// The page renderer names its inputs as [AnswersFromForm] reads them, and
// fills them from [FormValues]:
//
//	text, longtext, number, date, email, phone,
//	fnr, orgnr, amount, single choice          id                 one value
//	multiple choice (checkboxes)               id                 repeated, one per checked value
//	ranked choice (max_selected selects)       id                 repeated in rank order; blank selects are dropped
//	yesno (radio buttons)                      id                 "true" or "false"
//	address                                    id.street, id.postal_code, id.postal_town
//	field in item N of group g                 g.N.id             (N from 0; nested g.N.h.M.id)
//	file                                       (uploaded separately; not read)
//
// An item N of a group exists when any posted name is "g.N" or starts with
// "g.N."; items are renumbered from 0 in increasing order of N, and N must
// be below MaxGroupItems. Use the answer path as the input's id too, so an
// error summary can link to the field.
//
// A page renderer walks f.Pages[i].Fields (and the Fields of groups, once
// per item), asks [Form.Visible] which paths to show, takes current values
// from [FormValues] (of the posted answers after an error, else of the
// draft) and shows each [FieldError] by its Path.
//
// # Messages
//
// Field errors carry a message key and language-neutral arguments
// (numbers, dates as dd.mm.yyyy, file names). The keys are the Key*
// constants, all "forms.error.*", with their texts in [Messages], and the
// keys of package nin ("nin.error.length", "nin.error.format",
// "nin.error.date", "nin.error.individual", "nin.error.check1",
// "nin.error.check2") for fnr fields.
package formdef
