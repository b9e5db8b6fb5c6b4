package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/kommunenr"
	"github.com/torg-ekommune/torg/internal/server"
	"github.com/torg-ekommune/torg/internal/tenant"
)

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// cliActor is who the audit log records for commands run at the terminal.
func cliActor() audit.Entry {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return audit.Entry{ActorID: "cli:" + name, ActorName: name, Role: "operator"}
}

// explain turns a service error into a sentence for the terminal, in
// English, with the field errors spelled out.
func explain(err error) error {
	if errs.KindOf(err) == errs.Internal {
		return err
	}
	cat, cerr := server.Catalog()
	if cerr != nil {
		return err
	}
	key, args, fields := errs.Public(err)
	msg := cat.T(i18n.EN, key, args...)
	for f, k := range fields {
		msg += fmt.Sprintf("\n  %s: %s", f, cat.T(i18n.EN, k))
	}
	return errors.New(msg)
}

func dataCommand(env Env, name, synopsis string, args []string, define func(*flagSetT)) (config.Config, error) {
	fs := newFlags(env, name, synopsis)
	build := config.Register(fs, env.Getenv, config.Defaults{}, false)
	define(fs)
	if err := parse(fs, args); err != nil {
		return config.Config{}, err
	}
	cfg, err := build()
	if err != nil {
		return cfg, &exitError{2, err}
	}
	return cfg, nil
}

func migrate(env Env, args []string) error {
	cfg, err := dataCommand(env, "migrate", "migrate [--data DIR] [--database-url URL]", args, func(*flagSetT) {})
	if err != nil {
		return err
	}
	ctx := context.Background()
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	pending, err := d.Pending(ctx, server.Schemas()...)
	if err != nil {
		return err
	}
	if err := d.Migrate(ctx, server.Schemas()...); err != nil {
		return err
	}
	if len(pending) == 0 {
		fmt.Fprintf(env.Stdout, "%s: up to date\n", d)
	}
	for _, p := range pending {
		fmt.Fprintf(env.Stdout, "applied %s\n", p)
	}
	return nil
}

func tenantCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr("usage: torg tenant add|list|staff-idp [flags]")
	}
	ctx := context.Background()
	switch args[0] {
	case "add":
		var number, name, nameNN, colour, logoFile string
		var hosts multi
		cfg, err := dataCommand(env, "tenant add", "tenant add --number NNNN [--name NAME] [--name-nn NAME] [--colour #rrggbb] [--host HOST]... [--logo FILE]", args[1:], func(fs *flagSetT) {
			fs.StringVar(&number, "number", "", "kommunenummer (4 digits; NN00 for a county municipality)")
			fs.StringVar(&name, "name", "", "name in bokmål (default: the official name)")
			fs.StringVar(&nameNN, "name-nn", "", "name in nynorsk (default: the bokmål name)")
			fs.StringVar(&colour, "colour", tenant.DefaultColour, "header colour #rrggbb, at least 4.5:1 against white")
			fs.Var(&hosts, "host", "host name that routes to the municipality (repeatable)")
			fs.StringVar(&logoFile, "logo", "", "logo file, SVG or PNG, at most 256 KiB")
		})
		if err != nil {
			return err
		}
		if number == "" {
			return usageErr("--number is required: the kommunenummer, e.g. 4601")
		}
		if name == "" {
			if m, ok := kommunenr.Lookup(number); ok {
				name = m.NameNB
			} else if c, ok := kommunenr.LookupCounty(strings.TrimSuffix(number, "00")); ok && strings.HasSuffix(number, "00") {
				name = c.NameNB + " fylkeskommune"
			} else if kommunenr.IsDemo(number) {
				name = kommunenr.DemoName
			}
		}
		var logo []byte
		if logoFile != "" {
			if logo, err = os.ReadFile(logoFile); err != nil {
				return usageErr("--logo: %v", err)
			}
		}
		d, err := openData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		svc := tenant.New(d, audit.New(d))
		t, err := svc.Add(ctx, tenant.Tenant{ID: number, NameNB: name, NameNN: nameNN, Colour: colour, Hosts: hosts}, cliActor())
		if err != nil {
			return explain(err)
		}
		if logo != nil {
			if err := svc.SetLogo(ctx, t.ID, logo, cliActor()); err != nil {
				return explain(err)
			}
		}
		fmt.Fprintf(env.Stdout, "added %s %s (/k/%s/)\n", t.ID, t.NameNB, t.ID)
		return nil
	case "list":
		cfg, err := dataCommand(env, "tenant list", "tenant list [--data DIR]", args[1:], func(*flagSetT) {})
		if err != nil {
			return err
		}
		d, err := openData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		list, err := tenant.New(d, audit.New(d)).List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NUMBER\tNAME\tHOSTS\tPATH")
		for _, t := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t/k/%s/\n", t.ID, t.NameNB, strings.Join(t.Hosts, ","), t.ID)
		}
		return tw.Flush()
	case "staff-idp":
		var number, issuer, clientID, secretFile string
		cfg, err := dataCommand(env, "tenant staff-idp", "tenant staff-idp --number NNNN --issuer URL --client-id ID --client-secret-file FILE", args[1:], func(fs *flagSetT) {
			fs.StringVar(&number, "number", "", "kommunenummer of the municipality")
			fs.StringVar(&issuer, "issuer", "", "the staff OpenID Connect issuer, e.g. https://login.microsoftonline.com/TENANT/v2.0")
			fs.StringVar(&clientID, "client-id", "", "Torg's client id at that provider")
			fs.StringVar(&secretFile, "client-secret-file", "", "file holding the client secret (kept out of the shell history and process list)")
		})
		if err != nil {
			return err
		}
		if number == "" || issuer == "" || clientID == "" || secretFile == "" {
			return usageErr("--number, --issuer, --client-id and --client-secret-file are required")
		}
		secret, err := os.ReadFile(secretFile)
		if err != nil {
			return usageErr("--client-secret-file: %v", err)
		}
		d, err := openData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		al := audit.New(d)
		if _, err := tenant.New(d, al).Get(ctx, number); err != nil {
			return explain(err)
		}
		svc := identity.New(d, al, newLogger(env.Stderr, "text", "warn"), identity.Config{})
		pc := identity.ProviderConfig{Issuer: issuer, ClientID: clientID, ClientSecret: strings.TrimSpace(string(secret))}
		if err := svc.SetStaffProvider(ctx, number, pc, cliActor()); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "staff of %s now sign in at %s (redirect URI: PUBLIC_URL/k/%s/auth/callback)\n", number, issuer, number)
		return nil
	}
	return usageErr("unknown tenant command %q: use add, list or staff-idp", args[0])
}

func userCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr("usage: torg user grant|revoke|list [flags]")
	}
	ctx := context.Background()
	sub := args[0]
	var tenantID, who, role string
	switch sub {
	case "grant", "revoke":
		cfg, err := dataCommand(env, "user "+sub, "user "+sub+" --tenant NNNN --user EMAIL|FØDSELSNUMMER --role ROLE", args[1:], func(fs *flagSetT) {
			fs.StringVar(&tenantID, "tenant", "", "kommunenummer of the municipality")
			fs.StringVar(&who, "user", "", "the staff member's e-mail address (staff sign-in) or fødselsnummer (ID-porten sign-in)")
			fs.StringVar(&role, "role", "", "one of: "+strings.Join(identity.GrantableRoles, ", "))
		})
		if err != nil {
			return err
		}
		if tenantID == "" || who == "" || role == "" {
			return usageErr("--tenant, --user and --role are required")
		}
		principal, err := identity.Principal(who)
		if err != nil {
			return &exitError{2, explain(err)}
		}
		d, err := openData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		al := audit.New(d)
		if _, err := tenant.New(d, al).Get(ctx, tenantID); err != nil {
			return explain(err)
		}
		svc := identity.New(d, al, newLogger(env.Stderr, "text", "warn"), identity.Config{})
		if sub == "grant" {
			err = svc.Grant(ctx, tenantID, principal, role, cliActor())
		} else {
			err = svc.Revoke(ctx, tenantID, principal, role, cliActor())
		}
		if err != nil {
			return explain(err)
		}
		done := map[string]string{"grant": "granted", "revoke": "revoked"}[sub]
		fmt.Fprintf(env.Stdout, "%s %s %s in %s\n", done, role, principal, tenantID)
		return nil
	case "list":
		cfg, err := dataCommand(env, "user list", "user list --tenant NNNN", args[1:], func(fs *flagSetT) {
			fs.StringVar(&tenantID, "tenant", "", "kommunenummer of the municipality")
		})
		if err != nil {
			return err
		}
		if tenantID == "" {
			return usageErr("--tenant is required")
		}
		d, err := openData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		grants, err := identity.New(d, audit.New(d), newLogger(env.Stderr, "text", "warn"), identity.Config{}).Grants(ctx, tenantID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USER\tROLE\tGRANTED\tBY")
		for _, g := range grants {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", g.Principal, g.Role, g.GrantedAt.Format("2006-01-02 15:04"), g.GrantedBy)
		}
		return tw.Flush()
	}
	return usageErr("unknown user command %q: use grant, revoke or list", sub)
}

func auditCmd(env Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageErr("usage: torg audit verify [--tenant NNNN] [--data DIR]")
	}
	var tenantID string
	cfg, err := dataCommand(env, "audit verify", "audit verify [--tenant NNNN] [--data DIR] [--database-url URL]", args[1:], func(fs *flagSetT) {
		fs.StringVar(&tenantID, "tenant", "", "check one municipality's chain (default: all)")
	})
	if err != nil {
		return err
	}
	ctx := context.Background()
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	// Only the audit tables matter here; a database a newer torg has not
	// migrated yet can still be verified.
	if pending, err := d.Pending(ctx, audit.Schema); err != nil {
		return err
	} else if len(pending) > 0 {
		return fmt.Errorf("%s has no audit log: it is not a Torg database, or it was never migrated (run torg migrate)", d)
	}
	n, brk, err := audit.New(d).Verify(ctx, tenantID)
	if err != nil {
		return err
	}
	if brk != nil {
		fmt.Fprintf(env.Stdout, "audit log BROKEN: %s (%d entries verified before it)\n", brk, n)
		return &exitError{1, errors.New("")}
	}
	fmt.Fprintf(env.Stdout, "audit log intact: %d entries verified\n", n)
	return nil
}
