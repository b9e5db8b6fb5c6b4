// Package config reads Torg's settings from command-line flags and TORG_*
// environment variables (a flag wins over the variable, the variable over
// the default) into one Config that is passed down; nothing reads the
// environment anywhere else.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/db"
)

// Config is every setting of a Torg process.
type Config struct {
	Addr        string // listen address
	Data        string // data folder: SQLite file and stored files
	DatabaseURL string // overrides the SQLite file in Data
	PublicURL   string // the URL browsers use to reach this server
	LogFormat   string // "json" or "text"
	LogLevel    string // "debug", "info", "warn" or "error"
	Migrate     bool   // apply migrations at start
	TestIdP     bool   // serve the built-in test identity provider

	CitizenIssuer, CitizenClientID, CitizenClientSecret string
	StaffIssuer, StaffClientID, StaffClientSecret       string

	SMTPAddr, SMTPFrom, SMTPUsername, SMTPPassword string
	// SvarUtURL, when set, turns on the digital-mailbox channel for letters
	// (cases.SvarUt, with print fallback); the integration id and password
	// go with each shipment.
	SvarUtURL, SvarUtIntegrationID, SvarUtIntegrationPassword string

	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when finding a client's address.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token /metrics wants; when
	// empty, /metrics answers loopback clients only.
	MetricsToken string

	MaxBody         int64
	SignInRate      int // sign-ins one client address may start per minute
	SessionIdle     time.Duration
	DraftLifetime   time.Duration // how long an untouched form draft is kept
	SessionMax      time.Duration
	ShutdownTimeout time.Duration
}

// Defaults differ per subcommand: serve logs JSON and never starts the test
// provider unless asked; demo logs text and always does.
type Defaults struct {
	LogFormat string
	TestIdP   bool
}

// Error is a bad setting: it names the setting and what is accepted. The
// program prints it and exits with status 2.
type Error struct {
	Setting string // "--addr / TORG_ADDR"
	Value   string
	Accept  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid setting %s=%q: accepted values: %s", e.Setting, e.Value, e.Accept)
}

// Register defines the flags of a command that serves HTTP or touches data
// on fs and returns a function that, after fs.Parse, builds and validates
// the Config from the flags, env and defaults.
func Register(fs *flag.FlagSet, env func(string) string, d Defaults, serving bool) func() (Config, error) {
	vals := map[string]*string{}
	str := func(name, envName, def, usage string) {
		v := new(string)
		fs.StringVar(v, name, "", fmt.Sprintf("%s (env %s, default %q)", usage, envName, def))
		vals[name] = v
	}
	type spec struct{ name, env, def, usage string }
	specs := []spec{
		{"data", "TORG_DATA", "./torg-data", "data folder for the SQLite file and stored files"},
		{"database-url", "TORG_DATABASE_URL", "", "database: a SQLite file path, sqlite:PATH, or postgres://...; empty means DATA/torg.db"},
		{"log-level", "TORG_LOG_LEVEL", "info", "log level: debug, info, warn, error"},
	}
	if serving {
		specs = append(specs,
			spec{"addr", "TORG_ADDR", "127.0.0.1:8080", "listen address host:port"},
			spec{"public-url", "TORG_PUBLIC_URL", "", "URL browsers use to reach Torg, e.g. https://torg.example.no; default http://localhost:PORT"},
			spec{"log-format", "TORG_LOG_FORMAT", d.LogFormat, "log format: json or text"},
			spec{"migrate", "TORG_MIGRATE", "true", "apply database migrations at start: true or false"},
			spec{"test-idp", "TORG_TEST_IDP", strconv.FormatBool(d.TestIdP), "serve the built-in TEST identity provider with synthetic persons: true or false (never in production)"},
			spec{"citizen-issuer", "TORG_CITIZEN_ISSUER", "", "ID-porten issuer URL, e.g. https://test.idporten.no"},
			spec{"citizen-client-id", "TORG_CITIZEN_CLIENT_ID", "", "client_id at ID-porten"},
			spec{"citizen-client-secret", "TORG_CITIZEN_CLIENT_SECRET", "", "client secret at ID-porten"},
			spec{"staff-issuer", "TORG_STAFF_ISSUER", "", "staff OpenID Connect issuer URL"},
			spec{"staff-client-id", "TORG_STAFF_CLIENT_ID", "", "client_id at the staff provider"},
			spec{"staff-client-secret", "TORG_STAFF_CLIENT_SECRET", "", "client secret at the staff provider"},
			spec{"smtp-addr", "TORG_SMTP_ADDR", "", "SMTP server host:port for e-mail (empty: with --test-idp a built-in test mail server, else mail waits in the queue)"},
			spec{"smtp-from", "TORG_SMTP_FROM", "Torg <noreply@torg.invalid>", "sender address of e-mail"},
			spec{"smtp-username", "TORG_SMTP_USERNAME", "", "SMTP user name (AUTH PLAIN, over TLS only)"},
			spec{"smtp-password", "TORG_SMTP_PASSWORD", "", "SMTP password"},
			spec{"svarut-url", "TORG_SVARUT_URL", "", "SvarUt-style endpoint that delivers letters to digital mailboxes, with print fallback (https); empty: letters go to Min side with an e-mail notice"},
			spec{"svarut-integration-id", "TORG_SVARUT_INTEGRATION_ID", "", "Fiks integration id, sent as IntegrasjonId"},
			spec{"svarut-integration-password", "TORG_SVARUT_INTEGRATION_PASSWORD", "", "Fiks integration password, sent as IntegrasjonPassord"},
			spec{"trusted-proxies", "TORG_TRUSTED_PROXIES", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is trusted, e.g. 10.0.0.0/8"},
			spec{"metrics-token", "TORG_METRICS_TOKEN", "", "bearer token for /metrics (empty: /metrics answers loopback clients only)"},
			spec{"max-body", "TORG_MAX_BODY", "10485760", "largest request body in bytes"},
			spec{"signin-rate", "TORG_SIGNIN_RATE", "20", "sign-in steps one client address may take per minute (raise only for load tests)"},
			spec{"session-idle", "TORG_SESSION_IDLE", "30m", "sign out after this long without use (Go duration)"},
			spec{"session-max", "TORG_SESSION_MAX", "12h", "sign out this long after sign-in (Go duration)"},
			spec{"shutdown-timeout", "TORG_SHUTDOWN_TIMEOUT", "20s", "how long to let requests finish at SIGTERM (Go duration)"},
			spec{"draft-lifetime", "TORG_DRAFT_LIFETIME", "720h", "delete a form draft this long after its last change (Go duration; 720h is 30 days)"},
		)
	}
	for _, s := range specs {
		str(s.name, s.env, s.def, s.usage)
	}
	return func() (Config, error) {
		get := func(name string) (string, string) {
			for _, s := range specs {
				if s.name != name {
					continue
				}
				label := "--" + s.name + " / " + s.env
				if v := *vals[name]; v != "" || flagSet(fs, name) {
					return v, label
				}
				if v := env(s.env); v != "" {
					return v, label
				}
				return s.def, label
			}
			panic("config: unknown setting " + name)
		}
		var c Config
		var errs []error
		c.Data, _ = get("data")
		c.DatabaseURL, _ = get("database-url")
		if v, label := get("database-url"); v != "" {
			if _, _, err := db.ParseURL(v, c.Data); err != nil {
				errs = append(errs, &Error{Setting: label, Value: redact(v), Accept: "a file path, sqlite:PATH, or postgres://user@host:5432/db"})
			}
		}
		if c.Data == "" && c.DatabaseURL == "" {
			errs = append(errs, &Error{Setting: "--data / TORG_DATA", Value: "", Accept: "a folder path"})
		}
		if v, label := get("log-level"); !oneOf(v, "debug", "info", "warn", "error") {
			errs = append(errs, &Error{Setting: label, Value: v, Accept: "debug, info, warn, error"})
		} else {
			c.LogLevel = v
		}
		if !serving {
			c.LogFormat = "text"
			return c, errors.Join(errs...)
		}
		var label string
		c.Addr, label = get("addr")
		if _, port, err := net.SplitHostPort(c.Addr); err != nil || !validPort(port) {
			errs = append(errs, &Error{Setting: label, Value: c.Addr, Accept: "host:port, e.g. 127.0.0.1:8080 or :8080"})
		}
		c.PublicURL, label = get("public-url")
		if c.PublicURL == "" {
			c.PublicURL = defaultPublicURL(c.Addr)
		} else if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, &Error{Setting: label, Value: c.PublicURL, Accept: "an http or https URL with a host and no path, e.g. https://torg.example.no"})
		}
		c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
		c.LogFormat, label = get("log-format")
		if !oneOf(c.LogFormat, "json", "text") {
			errs = append(errs, &Error{Setting: label, Value: c.LogFormat, Accept: "json, text"})
		}
		c.Migrate = boolSetting(get, "migrate", &errs)
		c.TestIdP = boolSetting(get, "test-idp", &errs)
		c.CitizenIssuer, _ = get("citizen-issuer")
		c.CitizenClientID, _ = get("citizen-client-id")
		c.CitizenClientSecret, _ = get("citizen-client-secret")
		c.StaffIssuer, _ = get("staff-issuer")
		c.StaffClientID, _ = get("staff-client-id")
		c.StaffClientSecret, _ = get("staff-client-secret")
		for _, iss := range []string{"citizen-issuer", "staff-issuer"} {
			if v, label := get(iss); v != "" {
				if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
					errs = append(errs, &Error{Setting: label, Value: v, Accept: "an https URL, e.g. https://test.idporten.no"})
				}
			}
		}
		if !c.TestIdP && (c.CitizenIssuer == "" || c.CitizenClientID == "") {
			errs = append(errs, &Error{Setting: "--citizen-issuer / TORG_CITIZEN_ISSUER and --citizen-client-id / TORG_CITIZEN_CLIENT_ID", Value: "",
				Accept: "the ID-porten issuer and client id (or --test-idp=true for a test setup)"})
		}
		if v, label := get("max-body"); true {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 || n > 1<<30 {
				errs = append(errs, &Error{Setting: label, Value: v, Accept: "a number of bytes from 1024 to 1073741824"})
			}
			c.MaxBody = n
		}
		var slabel string
		c.SMTPAddr, slabel = get("smtp-addr")
		if c.SMTPAddr != "" {
			if _, port, err := net.SplitHostPort(c.SMTPAddr); err != nil || !validPort(port) {
				errs = append(errs, &Error{Setting: slabel, Value: c.SMTPAddr, Accept: "host:port, e.g. smtp.example.no:587"})
			}
		}
		c.SMTPFrom, slabel = get("smtp-from")
		if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
			errs = append(errs, &Error{Setting: slabel, Value: c.SMTPFrom, Accept: "an e-mail address, e.g. Demo kommune <noreply@demo.kommune.no>"})
		}
		c.SMTPUsername, _ = get("smtp-username")
		c.SMTPPassword, _ = get("smtp-password")
		if v, label := get("svarut-url"); v != "" {
			u, err := url.Parse(v)
			loopback := err == nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
			if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback) {
				errs = append(errs, &Error{Setting: label, Value: redact(v), Accept: "an https URL, e.g. https://svarut.ks.no/api/v2/kontoer/KONTO-ID/forsendelser/"})
			}
			c.SvarUtURL = v
		}
		c.SvarUtIntegrationID, _ = get("svarut-integration-id")
		c.SvarUtIntegrationPassword, _ = get("svarut-integration-password")
		if v, label := get("trusted-proxies"); v != "" {
			for _, part := range strings.Split(v, ",") {
				part = strings.TrimSpace(part)
				p, err := netip.ParsePrefix(part)
				if err != nil {
					a, aerr := netip.ParseAddr(part)
					if aerr != nil {
						errs = append(errs, &Error{Setting: label, Value: part, Accept: "IP addresses or CIDR prefixes, e.g. 10.0.0.0/8,192.0.2.7"})
						continue
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				c.TrustedProxies = append(c.TrustedProxies, p.Masked())
			}
		}
		c.MetricsToken, _ = get("metrics-token")
		if v, label := get("signin-rate"); true {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000000 {
				errs = append(errs, &Error{Setting: label, Value: v, Accept: "a whole number from 1 to 1000000"})
			}
			c.SignInRate = n
		}
		c.SessionIdle = durSetting(get, "session-idle", time.Minute, 24*time.Hour, &errs)
		c.SessionMax = durSetting(get, "session-max", time.Minute, 7*24*time.Hour, &errs)
		c.ShutdownTimeout = durSetting(get, "shutdown-timeout", time.Second, 10*time.Minute, &errs)
		c.DraftLifetime = durSetting(get, "draft-lifetime", time.Hour, 366*24*time.Hour, &errs)
		return c, errors.Join(errs...)
	}
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func boolSetting(get func(string) (string, string), name string, errs *[]error) bool {
	v, label := get(name)
	b, err := strconv.ParseBool(v)
	if err != nil {
		*errs = append(*errs, &Error{Setting: label, Value: v, Accept: "true, false"})
	}
	return b
}

func durSetting(get func(string) (string, string), name string, lo, hi time.Duration, errs *[]error) time.Duration {
	v, label := get(name)
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		*errs = append(*errs, &Error{Setting: label, Value: v, Accept: fmt.Sprintf("a Go duration from %v to %v, e.g. 30m", lo, hi)})
	}
	return d
}

func oneOf(v string, opts ...string) bool {
	for _, o := range opts {
		if v == o {
			return true
		}
	}
	return false
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// defaultPublicURL turns a listen address into the URL a browser on this
// machine uses: wildcard and loopback addresses become localhost.
func defaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	switch host {
	case "", "0.0.0.0", "::", "127.0.0.1", "::1":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

// Secure reports whether the public URL is https.
func (c Config) Secure() bool { return strings.HasPrefix(c.PublicURL, "https://") }
