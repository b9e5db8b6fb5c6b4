package formdef

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/nin"
)

// maxKroner is the largest amount, in kroner, a definition or an answer
// may hold (well inside int64 øre).
const maxKroner = 1e12

// The message keys of field errors. The texts are in messages/*.json;
// fødselsnummer errors use the keys of package nin ("nin.error.*").
const (
	KeyRequired         = "forms.error.required"
	KeyRequiredChoice   = "forms.error.required_choice"
	KeyRequiredFile     = "forms.error.required_file"
	KeyInvalid          = "forms.error.invalid"
	KeyCharacters       = "forms.error.characters"
	KeyTooShort         = "forms.error.too_short"
	KeyTooLong          = "forms.error.too_long"
	KeyPattern          = "forms.error.pattern"
	KeyNumber           = "forms.error.number"
	KeyInteger          = "forms.error.integer"
	KeyNumberMin        = "forms.error.number_min"
	KeyNumberMax        = "forms.error.number_max"
	KeyDate             = "forms.error.date"
	KeyDateMin          = "forms.error.date_min"
	KeyDateMax          = "forms.error.date_max"
	KeyDateAfter        = "forms.error.date_after"
	KeyDateBefore       = "forms.error.date_before"
	KeyChoice           = "forms.error.choice"
	KeyChoiceDuplicate  = "forms.error.choice_duplicate"
	KeyTooFewChoices    = "forms.error.too_few_choices"
	KeyTooManyChoices   = "forms.error.too_many_choices"
	KeyYesNo            = "forms.error.yesno"
	KeyEmail            = "forms.error.email"
	KeyPhone            = "forms.error.phone"
	KeyPhoneIntl        = "forms.error.phone_international"
	KeyPostalCode       = "forms.error.postal_code"
	KeyFNRHNumber       = "forms.error.fnr_hnumber"
	KeyOrgNrFormat      = "forms.error.orgnr_format"
	KeyOrgNrFirst       = "forms.error.orgnr_first"
	KeyOrgNrCheck       = "forms.error.orgnr_check"
	KeyAmount           = "forms.error.amount"
	KeyAmountMin        = "forms.error.amount_min"
	KeyAmountMax        = "forms.error.amount_max"
	KeyFileType         = "forms.error.file_type"
	KeyFileSize         = "forms.error.file_size"
	KeyFileEmpty        = "forms.error.file_empty"
	KeyTooManyFiles     = "forms.error.too_many_files"
	KeyTooFewItems      = "forms.error.too_few_items"
	KeyTooManyItems     = "forms.error.too_many_items"
	KeyAnyAnswered      = "forms.error.any_answered"
	KeySumMax           = "forms.error.sum_max"
	keyValueYes         = "forms.value.yes"
	keyValueNo          = "forms.value.no"
	keyValueNotAnswered = "forms.value.not_answered"
)

// normResult is a field's answer after normalization.
type normResult struct {
	val      any          // the normalized value; nil if none could be read
	answered bool         // the citizen gave an answer (valid or not)
	errs     []FieldError // what is wrong with it
}

// ok reports whether the value is an answer without errors.
func (n *normResult) ok() bool { return n.answered && len(n.errs) == 0 }

// normalize reads and checks the raw answer of a field that is not a group
// or info field. It does not check required (an unanswered result has no
// errors) nor the before and after options, which need other fields.
func normalize(fi *fieldInfo, raw any, path string, today time.Time) *normResult {
	fl := fi.f
	r := &normResult{}
	fail := func(key string, args ...any) *normResult {
		r.errs = append(r.errs, FieldError{Path: path, Key: key, Args: args})
		return r
	}
	if raw == nil {
		return r
	}
	switch fl.Type {
	case TypeText, TypeLongText:
		s, ok := raw.(string)
		if !ok {
			r.answered = true
			return fail(KeyInvalid)
		}
		s, ok = cleanText(s, fl.Type == TypeLongText)
		if s == "" && ok {
			return r
		}
		r.answered, r.val = true, s
		n := utf8.RuneCountInString(s)
		switch {
		case !ok:
			r.val = nil
			return fail(KeyCharacters)
		case n < fl.MinLength:
			return fail(KeyTooShort, fl.MinLength)
		case n > fl.EffectiveMaxLength():
			return fail(KeyTooLong, fl.EffectiveMaxLength())
		case fi.re != nil && !fi.re.MatchString(s):
			return fail(KeyPattern)
		}
	case TypeEmail:
		return normString(r, raw, fail, func(s string) (any, string) {
			if e, ok := normalizeEmail(s); ok {
				return e, ""
			}
			return nil, KeyEmail
		})
	case TypePhone:
		return normString(r, raw, fail, func(s string) (any, string) {
			if p, ok := normalizePhone(s, fl.International); ok {
				return p, ""
			}
			if fl.International {
				return nil, KeyPhoneIntl
			}
			return nil, KeyPhone
		})
	case TypeOrgNr:
		return normString(r, raw, fail, func(s string) (any, string) {
			o, key := normalizeOrgNr(s)
			if key != "" {
				return nil, key
			}
			return o, ""
		})
	case TypeFNR:
		return normString(r, raw, fail, func(s string) (any, string) {
			n, err := nin.ParseAt(s, today)
			if err != nil {
				if e, ok := err.(*nin.Error); ok {
					return nil, e.Key()
				}
				return nil, KeyInvalid
			}
			if n.Kind() == nin.HNumber {
				return nil, KeyFNRHNumber
			}
			return n.String(), ""
		})
	case TypeDate:
		return normString(r, raw, fail, func(s string) (any, string) {
			d, ok := parseDate(s)
			if !ok {
				return nil, KeyDate
			}
			iso := d.Format(time.DateOnly)
			if fi.earliest != nil {
				if min := fi.earliest.resolve(today); d.Before(min) {
					return iso, KeyDateMin + "\x00" + min.Format("02.01.2006")
				}
			}
			if fi.latest != nil {
				if max := fi.latest.resolve(today); d.After(max) {
					return iso, KeyDateMax + "\x00" + max.Format("02.01.2006")
				}
			}
			return iso, ""
		})
	case TypeNumber:
		r.answered = true
		var x float64
		if s, ok := raw.(string); ok {
			s = strings.TrimSpace(s)
			if s == "" {
				r.answered = false
				return r
			}
			if x, ok = parseNumber(s); !ok {
				return fail(KeyNumber)
			}
		} else if x, ok = asFloat(raw); !ok {
			return fail(KeyNumber)
		}
		r.val = x
		switch {
		case fl.Integer && x != math.Trunc(x):
			return fail(KeyInteger)
		case fl.Min != nil && x < *fl.Min:
			return fail(KeyNumberMin, *fl.Min)
		case fl.Max != nil && x > *fl.Max:
			return fail(KeyNumberMax, *fl.Max)
		}
	case TypeAmount:
		r.answered = true
		var ore int64
		if s, ok := raw.(string); ok {
			s = strings.TrimSpace(s)
			if s == "" {
				r.answered = false
				return r
			}
			if ore, ok = parseKroner(s); !ok {
				return fail(KeyAmount)
			}
		} else if ore, ok = asOre(raw); !ok || ore < 0 {
			return fail(KeyAmount)
		}
		r.val = ore
		switch {
		case fi.minOre != nil && ore < *fi.minOre:
			return fail(KeyAmountMin, formatKroner(*fi.minOre, ',', " kr"))
		case fi.maxOre != nil && ore > *fi.maxOre:
			return fail(KeyAmountMax, formatKroner(*fi.maxOre, ',', " kr"))
		}
	case TypeYesNo:
		switch x := raw.(type) {
		case bool:
			r.answered, r.val = true, x
		case string:
			switch strings.TrimSpace(x) {
			case "":
			case "true":
				r.answered, r.val = true, true
			case "false":
				r.answered, r.val = true, false
			default:
				r.answered = true
				return fail(KeyYesNo)
			}
		default:
			r.answered = true
			return fail(KeyYesNo)
		}
	case TypeChoice:
		return normChoice(fl, raw, r, fail)
	case TypeAddress:
		return normAddress(raw, path, r)
	case TypeFile:
		return normFiles(fl, raw, r, fail)
	}
	return r
}

// normString normalizes a field whose raw answer is a string: blank means
// unanswered; check returns the clean value and, if wrong, the error key
// (with an argument after a NUL byte).
func normString(r *normResult, raw any, fail func(string, ...any) *normResult, check func(string) (any, string)) *normResult {
	s, ok := raw.(string)
	if !ok {
		r.answered = true
		return fail(KeyInvalid)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return r
	}
	r.answered = true
	if !utf8.ValidString(s) || hasControl(s, false) {
		return fail(KeyCharacters)
	}
	v, key := check(s)
	r.val = v
	if key != "" {
		if k, arg, found := strings.Cut(key, "\x00"); found {
			return fail(k, arg)
		}
		return fail(key)
	}
	return r
}

// cleanText trims s and, for longtext, turns CR LF and CR into LF. ok is
// false when s is not valid UTF-8 or has control characters (other than
// newline and tab in longtext).
func cleanText(s string, long bool) (string, bool) {
	if long {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = strings.TrimSpace(s)
	return s, utf8.ValidString(s) && !hasControl(s, long)
}

// hasControl reports whether s has a control character; newline and tab
// are allowed when multiline.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// normalizeEmail checks an e-mail address and lower-cases its domain.
func normalizeEmail(s string) (string, bool) {
	if len(s) > 254 || strings.Count(s, "@") != 1 {
		return "", false
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", false
	}
	for _, r := range local {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r)) {
			return "", false
		}
	}
	domain = strings.ToLower(domain)
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || len(domain) > 253 {
		return "", false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for _, r := range l {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') {
				return "", false
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 || strings.ContainsFunc(tld, unicode.IsDigit) {
		return "", false
	}
	return local + "@" + domain, true
}

// normalizePhone checks a phone number: a Norwegian number is 8 digits
// (first digit 2–9), optionally after +47 or 0047, and is returned as the 8
// digits; with international, any other number with + (or 00) and a
// country code other than 47, 8 to 15 digits in all, is returned as + and the digits.
// Spaces are allowed anywhere.
func normalizePhone(s string, international bool) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	plus := false
	switch {
	case strings.HasPrefix(s, "+"):
		s, plus = s[1:], true
	case strings.HasPrefix(s, "00"):
		s, plus = s[2:], true
	}
	if s == "" || !onlyBytes(s, "0123456789") {
		return "", false
	}
	if plus {
		if rest, ok := strings.CutPrefix(s, "47"); ok {
			s, plus = rest, false
		}
	}
	if !plus {
		if len(s) != 8 || s[0] < '2' {
			return "", false
		}
		return s, true
	}
	if !international || len(s) < 8 || len(s) > 15 || s[0] == '0' {
		return "", false
	}
	return "+" + s, true
}

// normalizeOrgNr checks an organisasjonsnummer: 9 digits (spaces allowed),
// the first 8 or 9, and a modulus 11 check digit with the weights 3 2 7 6 5
// 4 3 2. It returns the digits, or the error key.
func normalizeOrgNr(s string) (string, string) {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 9 || !onlyBytes(s, "0123456789") {
		return "", KeyOrgNrFormat
	}
	if s[0] != '8' && s[0] != '9' {
		return "", KeyOrgNrFirst
	}
	weights := [8]int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || int(s[8]-'0') != check {
		return "", KeyOrgNrCheck
	}
	return s, ""
}

// parseNumber reads a number as people write it: an optional minus sign,
// digits with optional spaces between groups, and an optional decimal
// comma or point.
func parseNumber(s string) (float64, bool) {
	s = stripSpaces(s)
	s = strings.Replace(s, "−", "-", 1)
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(strings.Replace(digits, ",", ".", 1), ".")
	if whole == "" || len(s) > 40 || !onlyBytes(whole, "0123456789") || (hasFrac && (frac == "" || !onlyBytes(frac, "0123456789"))) {
		return 0, false
	}
	x, err := strconv.ParseFloat(whole+"."+frac+"0", 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, false
	}
	if neg {
		x = -x
	}
	return x, true
}

// stripSpaces removes the spaces people put between groups of digits.
func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' {
			return -1
		}
		return r
	}, s)
}

// parseKroner reads an amount in kroner ("1 234,50", "1234.5", "kr 1234",
// "1234,-") and returns it in øre.
func parseKroner(s string) (int64, bool) {
	s = strings.ToLower(stripSpaces(s))
	for _, p := range []string{"kr.", "kr", "nok"} {
		if t, ok := strings.CutPrefix(s, p); ok {
			s = t
			break
		}
	}
	for _, p := range []string{",-", ".-", "kr.", "kr", "nok"} {
		if t, ok := strings.CutSuffix(s, p); ok {
			s = t
			break
		}
	}
	whole, frac, hasFrac := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 12 || !onlyBytes(whole, "0123456789") {
		return 0, false
	}
	if hasFrac && (frac == "" || len(frac) > 2 || !onlyBytes(frac, "0123456789")) {
		return 0, false
	}
	kr, _ := strconv.ParseInt(whole, 10, 64)
	ore := int64(0)
	if hasFrac {
		ore, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return kr*100 + ore, true
}

// normChoice normalizes a choice answer: a string for a single choice; a
// list of distinct option values for multiple (in option order) or ranked
// (in the citizen's order).
func normChoice(fl *Field, raw any, r *normResult, fail func(string, ...any) *normResult) *normResult {
	if !fl.IsList() {
		s, ok := raw.(string)
		if !ok {
			r.answered = true
			return fail(KeyChoice)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return r
		}
		r.answered = true
		if fl.Option(s) == nil {
			return fail(KeyChoice)
		}
		r.val = s
		return r
	}
	list, ok := asStrings(raw)
	if !ok {
		r.answered = true
		return fail(KeyChoice)
	}
	vals := []string{}
	dup := false
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if fl.Option(s) == nil {
			r.answered = true
			return fail(KeyChoice)
		}
		if slices.Contains(vals, s) {
			dup = true
			continue
		}
		vals = append(vals, s)
	}
	if len(vals) == 0 {
		return r
	}
	r.answered = true
	if !fl.Ranked {
		order := func(v string) int {
			return slices.IndexFunc(fl.Options, func(o Option) bool { return o.Value == v })
		}
		slices.SortFunc(vals, func(a, b string) int { return order(a) - order(b) })
	}
	r.val = vals
	switch {
	case dup && fl.Ranked:
		return fail(KeyChoiceDuplicate)
	case len(vals) < fl.MinSelected:
		return fail(KeyTooFewChoices, fl.MinSelected)
	case fl.MaxSelected > 0 && len(vals) > fl.MaxSelected:
		return fail(KeyTooManyChoices, fl.MaxSelected)
	}
	return r
}

// normAddress normalizes an address: each part trimmed, the postal code
// without spaces. A partly filled address reports each missing part as
// required.
func normAddress(raw any, path string, r *normResult) *normResult {
	ad, ok := asAddress(raw)
	if !ok {
		r.answered = true
		r.errs = append(r.errs, FieldError{Path: path + "." + PartStreet, Key: KeyInvalid})
		return r
	}
	ad.Street = strings.TrimSpace(ad.Street)
	ad.PostalCode = stripSpaces(ad.PostalCode)
	ad.PostalTown = strings.TrimSpace(ad.PostalTown)
	if ad == (Address{}) {
		return r
	}
	r.answered, r.val = true, ad
	for _, p := range []struct {
		name, val string
		max       int
	}{{PartStreet, ad.Street, 200}, {PartPostalCode, ad.PostalCode, 4}, {PartPostalTown, ad.PostalTown, 100}} {
		switch {
		case p.val == "":
			r.errs = append(r.errs, FieldError{Path: path + "." + p.name, Key: KeyRequired})
		case !utf8.ValidString(p.val) || hasControl(p.val, false):
			r.errs = append(r.errs, FieldError{Path: path + "." + p.name, Key: KeyCharacters})
		case p.name == PartPostalCode && (len(p.val) != 4 || !onlyBytes(p.val, "0123456789")):
			r.errs = append(r.errs, FieldError{Path: path + "." + p.name, Key: KeyPostalCode})
		case utf8.RuneCountInString(p.val) > p.max:
			r.errs = append(r.errs, FieldError{Path: path + "." + p.name, Key: KeyTooLong, Args: []any{p.max}})
		}
	}
	return r
}

// normFiles checks the declared metadata of uploaded files.
func normFiles(fl *Field, raw any, r *normResult, fail func(string, ...any) *normResult) *normResult {
	files, ok := asFiles(raw)
	if !ok {
		r.answered = true
		return fail(KeyInvalid)
	}
	if len(files) == 0 {
		return r
	}
	r.answered = true
	clean := make([]File, len(files))
	for i, f := range files {
		f.Name = strings.TrimSpace(f.Name)
		ct, _, _ := strings.Cut(f.ContentType, ";")
		f.ContentType = strings.ToLower(strings.TrimSpace(ct))
		clean[i] = f
	}
	r.val = clean
	if len(clean) > fl.EffectiveMaxFiles() {
		return fail(KeyTooManyFiles, fl.EffectiveMaxFiles())
	}
	for _, f := range clean {
		switch {
		case f.ID == "" || f.Name == "" || !utf8.ValidString(f.Name) || hasControl(f.Name, false) || len(f.Name) > 255:
			return fail(KeyInvalid)
		case f.Size <= 0:
			return fail(KeyFileEmpty, f.Name)
		case !slices.Contains(fl.EffectiveAccept(), f.ContentType):
			return fail(KeyFileType, f.Name, TypeNames(fl.EffectiveAccept()))
		case f.Size > fl.EffectiveMaxSize():
			return fail(KeyFileSize, f.Name, FormatSize(fl.EffectiveMaxSize()))
		}
	}
	return r
}

// fileTypes names content types the way people know them: "PDF, JPEG, PNG".
// TypeNames names content types the way people know them, for messages:
// "PDF, JPEG, PNG".
func TypeNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "application/pdf":
			names[i] = "PDF"
		case "image/jpeg":
			names[i] = "JPEG"
		case "image/png":
			names[i] = "PNG"
		case "image/heic":
			names[i] = "HEIC"
		case "image/gif":
			names[i] = "GIF"
		case "image/webp":
			names[i] = "WebP"
		case "text/plain":
			names[i] = "TXT"
		default:
			names[i] = t
		}
	}
	return strings.Join(names, ", ")
}

// FormatSize writes a size in bytes as whole MB or kB (1 MB = 1 048 576
// bytes), for messages.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " kB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// dateExpr is an earliest or latest date: absolute, or relative to today.
type dateExpr struct {
	rel  bool
	abs  time.Time
	n    int
	unit byte // 'd', 'w', 'm' or 'y'
}

// parseDateExpr reads "YYYY-MM-DD", "today", "today+3m", "today-18y".
func parseDateExpr(s string) (dateExpr, bool) {
	rest, ok := strings.CutPrefix(s, "today")
	if !ok {
		d, ok := parseISODate(s)
		return dateExpr{abs: d}, ok
	}
	if rest == "" {
		return dateExpr{rel: true, unit: 'd'}, true
	}
	if len(rest) < 3 || len(rest) > 6 || (rest[0] != '+' && rest[0] != '-') {
		return dateExpr{}, false
	}
	unit := rest[len(rest)-1]
	num := rest[1 : len(rest)-1]
	if !strings.ContainsRune("dwmy", rune(unit)) || !onlyBytes(num, "0123456789") {
		return dateExpr{}, false
	}
	n, _ := strconv.Atoi(num)
	if rest[0] == '-' {
		n = -n
	}
	return dateExpr{rel: true, n: n, unit: unit}, true
}

// resolve returns the date the expression means on the given day.
func (e dateExpr) resolve(today time.Time) time.Time {
	if !e.rel {
		return e.abs
	}
	switch e.unit {
	case 'w':
		return today.AddDate(0, 0, 7*e.n)
	case 'm':
		return today.AddDate(0, e.n, 0)
	case 'y':
		return today.AddDate(e.n, 0, 0)
	}
	return today.AddDate(0, 0, e.n)
}

// parseISODate reads YYYY-MM-DD as a date at midnight UTC.
func parseISODate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	return makeDate(s[0:4], s[5:7], s[8:10])
}

// parseDate reads a date as people write it: dd.mm.yyyy (or d.m.yyyy, with
// '.', '/', '-' or ' ' between the parts), ddmmyyyy, or YYYY-MM-DD. Years
// outside 1800–2200 are rejected.
func parseDate(s string) (time.Time, bool) {
	if d, ok := parseISODate(s); ok {
		return d, true
	}
	if len(s) == 8 && onlyBytes(s, "0123456789") {
		return makeDate(s[4:8], s[2:4], s[0:2])
	}
	for _, sep := range []string{".", "/", "-", " "} {
		parts := strings.Split(s, sep)
		if len(parts) == 3 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4 {
			return makeDate(parts[2], parts[1], parts[0])
		}
	}
	return time.Time{}, false
}

// makeDate builds a date from decimal strings, checking that it exists.
func makeDate(ys, ms, ds string) (time.Time, bool) {
	if !onlyBytes(ys+ms+ds, "0123456789") || ys == "" || ms == "" || ds == "" {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// dayOf returns the calendar day of t (in t's location) at midnight UTC.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
