package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	base := E(Op("tenant.Get"), NotFound, Key("tenant.error.unknown"))
	wrapped := fmt.Errorf("route: %w", base)
	rewrapped := E(Op("web.tenant"), wrapped)
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, Other},
		{"plain", errors.New("boom"), Internal},
		{"kinded", base, NotFound},
		{"fmt-wrapped", wrapped, NotFound},
		{"E-wrapped keeps kind", rewrapped, NotFound},
		{"explicit kind wins", E(Conflict, base), Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPublic(t *testing.T) {
	err := E(Op("x"), Invalid, map[string]string{"name": "form.required"}, Key("form.invalid"))
	key, _, fields := Public(fmt.Errorf("ctx: %w", err))
	if key != "form.invalid" || fields["name"] != "form.required" {
		t.Errorf("Public = %q %v", key, fields)
	}
	key, _, _ = Public(E(Op("db.Write"), errors.New("disk full: /secret/path")))
	if key != "error.internal" {
		t.Errorf("internal error leaks key %q", key)
	}
	key, _, _ = Public(E(Forbidden))
	if key != "error.forbidden" {
		t.Errorf("default key = %q", key)
	}
}

func TestErrorString(t *testing.T) {
	err := E(Op("tenant.Add"), Conflict, Key("tenant.error.exists"), errors.New("unique"))
	if got, want := err.Error(), "tenant.Add: conflict (tenant.error.exists): unique"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestENeverPanics(t *testing.T) {
	var cause error
	err := E(Op("x"), Invalid, cause, nil, 42)
	if KindOf(err) != Invalid {
		t.Errorf("kind = %v", KindOf(err))
	}
	if got := err.Error(); got != "x: invalid: errs.E: unexpected argument int: 42" {
		t.Errorf("Error() = %q", got)
	}
}
