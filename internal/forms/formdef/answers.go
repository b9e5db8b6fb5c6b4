package formdef

import (
	"encoding/json"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Answers holds a citizen's answers, by field id. See the package
// documentation ("Answers") for the value each field type takes, as input
// to Validate and as the clean output of Validate.
type Answers map[string]any

// Address is the answer to an address field: a Norwegian postal address.
type Address struct {
	// Street is the street address, e.g. "Storgata 1B".
	Street string `json:"street"`
	// PostalCode is the postnummer: four digits, e.g. "0155".
	PostalCode string `json:"postal_code"`
	// PostalTown is the poststed, e.g. "Oslo".
	PostalTown string `json:"postal_town"`
}

// The names of the parts of an address, in answer paths and posted forms.
const (
	PartStreet     = "street"
	PartPostalCode = "postal_code"
	PartPostalTown = "postal_town"
)

// File is the declared metadata of an uploaded file, as the upload handler
// gives it to Validate. This package never sees the content.
type File struct {
	// ID is the upload handler's reference to the stored content.
	ID string `json:"id"`
	// Name is the file name the citizen's browser sent.
	Name string `json:"name"`
	// ContentType is the content type found by sniffing the content (never
	// the type the browser claimed), e.g. "application/pdf".
	ContentType string `json:"content_type"`
	// Size is the size in bytes.
	Size int64 `json:"size"`
}

// Person is what the sign-in tells about the citizen, for ApplyPrefill.
// Empty values are not used.
type Person struct {
	// Name is the full name.
	Name string
	// PID is the fødselsnummer or D-number (ID-porten's pid claim).
	PID string
	// Email is the e-mail address.
	Email string
	// Address is the postal address, if known.
	Address *Address
}

// ApplyPrefill returns a copy of a with the top-level prefilled fields
// filled in from p. Locked fields (name and pid, see [Field.Locked]) always
// take the value from p when p has one, so a posted value cannot replace
// them; address and email only fill an empty answer, so the citizen can
// correct them.
func (f *Form) ApplyPrefill(a Answers, p Person) Answers {
	out := make(Answers, len(a)+4)
	for k, v := range a {
		out[k] = v
	}
	ix := f.index()
	for _, page := range ix.pages {
		for _, fi := range page {
			fl := fi.f
			var v any
			switch fl.Prefill {
			case PrefillName:
				if p.Name != "" {
					v = p.Name
				}
			case PrefillPID:
				if p.PID != "" {
					v = p.PID
				}
			case PrefillEmail:
				if p.Email != "" {
					v = p.Email
				}
			case PrefillAddress:
				if p.Address != nil {
					v = *p.Address
				}
			}
			if v == nil {
				continue
			}
			if fl.Locked() || isEmpty(out[fl.ID]) {
				out[fl.ID] = v
			}
		}
	}
	return out
}

// isEmpty reports whether a raw answer is absent or blank.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case Address:
		return x == Address{}
	case *Address:
		return x == nil || *x == Address{}
	}
	return false
}

// AnswersFromForm turns posted form values into Answers, using the names
// described in the package documentation ("Names in HTML forms"): the field
// id for most fields; the id repeated for a multiple or ranked choice; the
// id and ".street", ".postal_code" or ".postal_town" for an address;
// "group.N.field" for the fields of item N of a group. Values are kept as
// posted (Validate trims and normalizes them); "true" and "false" of a
// yes/no field become booleans. Blank values of list choices are dropped,
// so a ranked choice can be posted from N select elements. File fields are
// not read: the upload handler adds []File to the answers.
func AnswersFromForm(f *Form, v url.Values) Answers {
	ix := f.index()
	a := Answers{}
	for _, page := range ix.pages {
		fromValues(page, v, "", a)
	}
	return a
}

// fromValues reads the fields of one scope (prefix "" or "group.N.").
func fromValues(fields []*fieldInfo, v url.Values, prefix string, a Answers) {
	for _, fi := range fields {
		fl := fi.f
		name := prefix + fl.ID
		switch {
		case fl.Type == TypeInfo || fl.Type == TypeFile:
		case fl.Type == TypeGroup:
			var items []Answers
			for _, n := range itemIndexes(v, name+".") {
				item := Answers{}
				fromValues(fi.children, v, name+"."+strconv.Itoa(n)+".", item)
				items = append(items, item)
			}
			if items != nil {
				a[fl.ID] = items
			}
		case fl.Type == TypeAddress:
			parts := []string{PartStreet, PartPostalCode, PartPostalTown}
			var vals [3]string
			found := false
			for i, p := range parts {
				if vs, ok := v[name+"."+p]; ok && len(vs) > 0 {
					vals[i], found = vs[0], true
				}
			}
			if found {
				a[fl.ID] = Address{Street: vals[0], PostalCode: vals[1], PostalTown: vals[2]}
			}
		case fl.Type == TypeChoice && fl.IsList():
			vs, ok := v[name]
			if !ok {
				continue
			}
			list := []string{}
			for _, s := range vs {
				if strings.TrimSpace(s) != "" {
					list = append(list, s)
				}
			}
			a[fl.ID] = list
		case fl.Type == TypeYesNo:
			vs, ok := v[name]
			if !ok || len(vs) == 0 {
				continue
			}
			switch s := strings.TrimSpace(vs[0]); s {
			case "true":
				a[fl.ID] = true
			case "false":
				a[fl.ID] = false
			case "":
			default:
				a[fl.ID] = s
			}
		default:
			if vs, ok := v[name]; ok && len(vs) > 0 {
				a[fl.ID] = vs[0]
			}
		}
	}
}

// itemIndexes returns the item numbers N (below MaxGroupItems, written
// without leading zeros) of the posted names that are prefix+"N" or start
// with prefix+"N.", in increasing order.
func itemIndexes(v url.Values, prefix string) []int {
	seen := map[int]bool{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if num == "" || len(num) > 2 || (len(num) > 1 && num[0] == '0') || !onlyBytes(num, "0123456789") {
			continue
		}
		n, _ := strconv.Atoi(num)
		if n < MaxGroupItems {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// FormValues is the inverse of AnswersFromForm: the values to put in the
// inputs of the page, by input name. It takes raw answers (what the citizen
// posted, to show again with the errors) as well as clean ones (from a
// draft): clean dates are shown as dd.mm.yyyy, amounts in kroner with a
// decimal comma, yes/no as "true"/"false". Group items are numbered from 0
// in order. File fields are left out.
func FormValues(f *Form, a Answers) url.Values {
	ix := f.index()
	v := url.Values{}
	for _, page := range ix.pages {
		toValues(page, a, "", v)
	}
	return v
}

func toValues(fields []*fieldInfo, a Answers, prefix string, v url.Values) {
	for _, fi := range fields {
		fl := fi.f
		name := prefix + fl.ID
		raw, ok := a[fl.ID]
		if !ok || raw == nil {
			continue
		}
		switch fl.Type {
		case TypeInfo, TypeFile:
		case TypeGroup:
			items, _ := asItems(raw)
			for i, item := range items {
				if i >= MaxGroupItems {
					break
				}
				toValues(fi.children, item, name+"."+strconv.Itoa(i)+".", v)
			}
		case TypeAddress:
			if ad, ok := asAddress(raw); ok {
				v.Set(name+"."+PartStreet, ad.Street)
				v.Set(name+"."+PartPostalCode, ad.PostalCode)
				v.Set(name+"."+PartPostalTown, ad.PostalTown)
			}
		case TypeChoice:
			if list, ok := asStrings(raw); ok {
				v[name] = list
			}
		case TypeYesNo:
			switch x := raw.(type) {
			case bool:
				v.Set(name, strconv.FormatBool(x))
			case string:
				v.Set(name, x)
			}
		case TypeDate:
			if s, ok := raw.(string); ok {
				if d, ok := parseISODate(s); ok {
					s = d.Format("02.01.2006")
				}
				v.Set(name, s)
			}
		case TypeAmount:
			if s, ok := raw.(string); ok {
				v.Set(name, s)
			} else if ore, ok := asOre(raw); ok {
				v.Set(name, formatKroner(ore, ',', ""))
			}
		case TypeNumber:
			if s, ok := raw.(string); ok {
				v.Set(name, s)
			} else if x, ok := asFloat(raw); ok {
				v.Set(name, strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1))
			}
		default:
			if s, ok := raw.(string); ok {
				v.Set(name, s)
			}
		}
	}
}

// asItems converts the raw answer of a group: []Answers, []map[string]any,
// or []any of objects (as decoded from JSON). ok is false when some item is
// not an object (it is then an empty item).
func asItems(raw any) ([]Answers, bool) {
	switch x := raw.(type) {
	case []Answers:
		return x, true
	case []map[string]any:
		out := make([]Answers, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out, true
	case []any:
		out := make([]Answers, len(x))
		ok := true
		for i, e := range x {
			switch m := e.(type) {
			case Answers:
				out[i] = m
			case map[string]any:
				out[i] = m
			default:
				out[i], ok = Answers{}, false
			}
		}
		return out, ok
	}
	return nil, false
}

// asAddress converts the raw answer of an address field: Address,
// *Address, or an object with string parts (as decoded from JSON).
func asAddress(raw any) (Address, bool) {
	switch x := raw.(type) {
	case Address:
		return x, true
	case *Address:
		if x != nil {
			return *x, true
		}
	case map[string]any:
		var ad Address
		for k, v := range x {
			s, ok := v.(string)
			if !ok && v != nil {
				return Address{}, false
			}
			switch k {
			case PartStreet:
				ad.Street = s
			case PartPostalCode:
				ad.PostalCode = s
			case PartPostalTown:
				ad.PostalTown = s
			default:
				return Address{}, false
			}
		}
		return ad, true
	case map[string]string:
		return asAddress(map[string]any{PartStreet: x[PartStreet], PartPostalCode: x[PartPostalCode], PartPostalTown: x[PartPostalTown]})
	}
	return Address{}, false
}

// asStrings converts the raw answer of a choice: a string, []string, or
// []any of strings.
func asStrings(raw any) ([]string, bool) {
	switch x := raw.(type) {
	case string:
		return []string{x}, true
	case []string:
		return x, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// asFiles converts the raw answer of a file field: File, *File, []File, or
// []any of objects (as decoded from JSON).
func asFiles(raw any) ([]File, bool) {
	switch x := raw.(type) {
	case File:
		return []File{x}, true
	case *File:
		if x != nil {
			return []File{*x}, true
		}
	case []File:
		return x, true
	case []any:
		out := make([]File, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			var fl File
			for k, v := range m {
				switch k {
				case "id":
					fl.ID, ok = v.(string)
				case "name":
					fl.Name, ok = v.(string)
				case "content_type":
					fl.ContentType, ok = v.(string)
				case "size":
					var x float64
					x, ok = asFloat(v)
					if ok && (x != math.Trunc(x) || x < 0 || x > 1<<53) {
						ok = false
					}
					fl.Size = int64(x)
				default:
					ok = false
				}
				if !ok {
					return nil, false
				}
			}
			out = append(out, fl)
		}
		return out, true
	}
	return nil, false
}

// asFloat converts a number of any Go type that JSON decoding or a caller
// may use.
func asFloat(raw any) (float64, bool) {
	var x float64
	switch v := raw.(type) {
	case float64:
		x = v
	case float32:
		x = float64(v)
	case int:
		x = float64(v)
	case int64:
		x = float64(v)
	case int32:
		x = float64(v)
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return 0, false
		}
		x = f
	default:
		return 0, false
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// asOre converts a clean amount (a whole number of øre, of any numeric
// type) to int64.
func asOre(raw any) (int64, bool) {
	switch v := raw.(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case json.Number:
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return n, true
		}
	}
	x, ok := asFloat(raw)
	if !ok || x != math.Trunc(x) || math.Abs(x) > maxKroner*100 {
		return 0, false
	}
	return int64(x), true
}
