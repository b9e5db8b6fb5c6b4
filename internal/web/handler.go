package web

import (
	"net/http"

	"github.com/torg-ekommune/torg/internal/errs"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing
// one. Handlers decode, validate, call a service and render; anything that
// goes wrong is returned and Shell.Error answers it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts fn to http.Handler, answering its error with s.Error.
func (s *Shell) Handle(fn HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.Error(w, r, err)
		}
	})
}

// ParseForm parses the request's form and turns a failure into a kinded
// error: a body over the limit is TooLarge, anything else unreadable is
// Invalid with a message asking the user to reload and try again.
func ParseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if err := Classify(err); errs.KindOf(err) == errs.TooLarge {
			return err
		}
		return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	return nil
}
