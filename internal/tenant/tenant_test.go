package tenant

import (
	"math"
	"testing"

	"github.com/torg-ekommune/torg/internal/errs"
)

func TestContrastWithWhite(t *testing.T) {
	for hex, want := range map[string]float64{"#000000": 21, "#ffffff": 1, "#1d3f72": 10.47, "#767676": 4.54} {
		if got := ContrastWithWhite(hex); math.Abs(got-want) > 0.01 {
			t.Errorf("ContrastWithWhite(%s) = %.2f, want %.2f", hex, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Tenant{ID: "4601", NameNB: "Bergen", Colour: "#1d3f72", Hosts: []string{"bergen.torg.no"}}
	tests := []struct {
		name  string
		edit  func(*Tenant)
		field string
	}{
		{"valid", func(*Tenant) {}, ""},
		{"demo number", func(t *Tenant) { t.ID = "9999" }, ""},
		{"county", func(t *Tenant) { t.ID = "4600" }, ""},
		{"unknown number", func(t *Tenant) { t.ID = "1234" }, "number"},
		{"not digits", func(t *Tenant) { t.ID = "46O1" }, "number"},
		{"no name", func(t *Tenant) { t.NameNB = "  " }, "name"},
		{"bad colour", func(t *Tenant) { t.Colour = "blue" }, "colour"},
		{"too light", func(t *Tenant) { t.Colour = "#aaaaaa" }, "colour"},
		{"bad host", func(t *Tenant) { t.Hosts = []string{"bergen torg"} }, "hosts"},
		{"host with scheme", func(t *Tenant) { t.Hosts = []string{"https://bergen.no"} }, "hosts"},
	}
	for _, tt := range tests {
		v := ok
		v.Hosts = append([]string(nil), ok.Hosts...)
		tt.edit(&v)
		err := v.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		_, _, fields := errs.Public(err)
		if !errs.Is(errs.Invalid, err) || fields[tt.field] == "" {
			t.Errorf("%s: error %v, fields %v; want field %q", tt.name, err, fields, tt.field)
		}
	}
}
