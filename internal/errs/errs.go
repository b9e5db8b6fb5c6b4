// Package errs defines Torg's error kinds and the error type that carries them.
//
// Every service method documents which kinds it returns. The HTTP layer maps a
// kind to a status code and a page (or an RFC 9457 problem document) in one
// place, so handlers only ever return errors. The message of an error of kind
// Invalid, NotFound, Conflict, Unauthenticated or Forbidden is a message key
// that is safe to show to the user in their language; the wrapped error, if
// any, is for the log only.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds. Other is the zero value and is treated as Internal.
const (
	Other           Kind = iota // not classified; treated as Internal
	Invalid                     // the input is wrong; the user can correct it
	NotFound                    // no such thing, or not visible to this user
	Conflict                    // the request clashes with the current state
	Unauthenticated             // sign-in needed (or a higher assurance level)
	Forbidden                   // signed in, but not allowed
	TooMany                     // rate limited
	TooLarge                    // the request body is over the limit
	Internal                    // our fault; details go to the log only
)

var kindNames = [...]string{"other", "invalid", "not_found", "conflict", "unauthenticated", "forbidden", "too_many", "too_large", "internal"}

// String returns a short lower-case name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is an error with a kind, the operation that failed, a message key for
// the user, optional field errors and the underlying cause.
type Error struct {
	Op     string            // the operation, e.g. "tenant.Add"
	Kind   Kind              // what kind of failure
	Key    string            // message key shown to the user, e.g. "tenant.error.number"
	Args   []any             // arguments for the message
	Fields map[string]string // field name -> message key, for form errors
	Err    error             // the cause, for the log only
}

// E builds an *Error from its arguments, by type: an Op is the operation, a
// Key the message key, a Kind the kind, an error the cause, a
// map[string]string the field errors and a []any the message arguments. When
// no kind is given and the cause is itself an *Error, its kind, key and field
// errors are kept. Any other argument type is a programming error and panics.
func E(args ...any) error {
	e := &Error{}
	for _, a := range args {
		switch v := a.(type) {
		case Op:
			e.Op = string(v)
		case Kind:
			e.Kind = v
		case Key:
			e.Key = string(v)
		case error:
			e.Err = v
		case map[string]string:
			e.Fields = v
		case []any:
			e.Args = v
		case nil:
			// A nil cause (err == nil at the call site) adds nothing.
		default:
			// A wrong argument is a programming error, but building an
			// error must never panic: keep it visible in the log text.
			e.Err = errors.Join(e.Err, fmt.Errorf("errs.E: unexpected argument %T: %v", a, a))
		}
	}
	if e.Kind == Other {
		var inner *Error
		if errors.As(e.Err, &inner) {
			e.Kind = inner.Kind
			if e.Key == "" {
				e.Key, e.Args = inner.Key, inner.Args
			}
			if e.Fields == nil {
				e.Fields = inner.Fields
			}
		}
	}
	return e
}

// Op names the operation that failed, for E.
type Op string

// Key is a message key for the user, for E.
type Key string

// Error returns a description for logs: op, kind, key and cause.
func (e *Error) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	s += e.Kind.String()
	if e.Key != "" {
		s += " (" + e.Key + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the outermost *Error in err's chain that has
// one, Internal for any other non-nil error, and Other for nil.
func KindOf(err error) Kind {
	if err == nil {
		return Other
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if te, ok := e.(*Error); ok && te.Kind != Other {
			return te.Kind
		}
	}
	return Internal
}

// Is reports whether err has kind k.
func Is(k Kind, err error) bool { return KindOf(err) == k }

// Public returns the message key, its arguments and the field errors of the
// outermost *Error in the chain, for showing to the user. For Internal
// errors it returns the generic key "error.internal".
func Public(err error) (key string, args []any, fields map[string]string) {
	if KindOf(err) == Internal {
		return "error.internal", nil, nil
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if te, ok := e.(*Error); ok && (te.Key != "" || te.Fields != nil) {
			return te.Key, te.Args, te.Fields
		}
	}
	return "error." + KindOf(err).String(), nil, nil
}
