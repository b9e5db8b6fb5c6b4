package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

const apiclientUsage = "usage: torg apiclient add|list|revoke [flags] (e.g. torg apiclient add --help)"

// apiclientCmd runs `torg apiclient add|list|revoke`: the API clients of a
// municipality's domain systems (package api).
func apiclientCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr(apiclientUsage)
	}
	ctx := context.Background()
	var tenantID string
	tenantFlag := func(fs *flagSetT) {
		fs.StringVar(&tenantID, "tenant", "", "kommunenummer of the municipality")
	}
	switch args[0] {
	case "add":
		var name string
		var scopes multi
		cfg, err := dataCommand(env, "apiclient add", "apiclient add --tenant NNNN --name NAME --scope SCOPE [--scope SCOPE]...", args[1:], func(fs *flagSetT) {
			tenantFlag(fs)
			fs.StringVar(&name, "name", "", `the system's name, e.g. "Sak/arkiv" (shown to citizens on Min side when it reads their submissions)`)
			fs.Var(&scopes, "scope", "what the client may do (repeatable): "+strings.Join(api.KnownScopes(), ", "))
		})
		if err != nil {
			return err
		}
		if tenantID == "" || strings.TrimSpace(name) == "" {
			return usageErr("--tenant and --name are required")
		}
		if _, err := api.NormalizeScopes(scopes); err != nil {
			return usageErr("--scope: give one or more of %s (got %q)", strings.Join(api.KnownScopes(), ", "), strings.Join(scopes, " "))
		}
		d, err := openAPIData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		al := audit.New(d)
		if _, err := tenant.New(d, al).Get(ctx, tenantID); err != nil {
			return &exitError{2, fmt.Errorf("--tenant %s: %w", tenantID, explain(err))}
		}
		c, secret, err := api.New(d, al).AddClient(ctx, tenantID, name, scopes, cliActor())
		if errs.Is(errs.Invalid, err) {
			return &exitError{2, explainAPI(err)}
		}
		if err != nil {
			return explainAPI(err)
		}
		base := strings.TrimSuffix(env.Getenv("TORG_PUBLIC_URL"), "/")
		if base == "" {
			base = "PUBLIC_URL"
		}
		base += "/k/" + tenantID
		fmt.Fprintf(env.Stdout, "added API client %q to %s\n\n", c.Name, tenantID)
		fmt.Fprintf(env.Stdout, "client_id:     %s\nclient_secret: %s\nscopes:        %s\n\n", c.ID, secret, strings.Join(c.Scopes, " "))
		fmt.Fprintf(env.Stdout, "Put the secret in the system's secret store now: Torg keeps only its hash and cannot show it again.\n\n")
		fmt.Fprintf(env.Stdout, "Get an access token (it lasts %v):\n  curl -s -u '%s:%s' -d grant_type=client_credentials %s/api/token\n", api.TokenLifetime, c.ID, secret, base)
		fmt.Fprintf(env.Stdout, "and read submissions with it:\n  curl -s -H 'Authorization: Bearer ACCESS_TOKEN' %s/api/v1/submissions\n", base)
		fmt.Fprintf(env.Stdout, "The API is described at %s/api/openapi.json.\n", base)
		return nil
	case "list":
		cfg, err := dataCommand(env, "apiclient list", "apiclient list --tenant NNNN", args[1:], tenantFlag)
		if err != nil {
			return err
		}
		if tenantID == "" {
			return usageErr("--tenant is required")
		}
		d, err := openAPIData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		list, err := api.New(d, audit.New(d)).Clients(ctx, tenantID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT_ID\tNAME\tSCOPES\tCREATED\tBY\tSTATE")
		for _, c := range list {
			state := "active"
			if !c.Active() {
				state = "revoked " + c.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, strings.Join(c.Scopes, " "), c.CreatedAt.Format("2006-01-02 15:04"), c.CreatedBy, state)
		}
		return tw.Flush()
	case "revoke":
		fs := newFlags(env, "apiclient revoke", "apiclient revoke --tenant NNNN CLIENT_ID")
		build := config.Register(fs, env.Getenv, config.Defaults{}, false)
		tenantFlag(fs)
		if err := parseArgs(fs, args[1:]); err != nil {
			return err
		}
		if tenantID == "" || fs.NArg() != 1 {
			return usageErr("give --tenant and one CLIENT_ID")
		}
		cfg, err := build()
		if err != nil {
			return &exitError{2, err}
		}
		d, err := openAPIData(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		if err := api.New(d, audit.New(d)).RevokeClient(ctx, tenantID, fs.Arg(0), cliActor()); err != nil {
			return explainAPI(err)
		}
		fmt.Fprintf(env.Stdout, "revoked API client %s in %s: its secret and tokens no longer work\n", fs.Arg(0), tenantID)
		return nil
	}
	return usageErr("unknown apiclient command %q: use add, list or revoke", args[0])
}

// openAPIData opens the database for the apiclient commands, with the api
// module's tables migrated too (harmless once server.Schemas lists them).
func openAPIData(ctx context.Context, cfg config.Config) (*db.DB, error) {
	d, err := openData(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, api.Schema); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// explainAPI is explain for the api module's errors, in English.
func explainAPI(err error) error {
	if errs.KindOf(err) == errs.Internal {
		return err
	}
	cat := i18n.NewCatalog()
	if cat.AddFS(web.Messages()) != nil || cat.AddFS(api.Messages()) != nil {
		return err
	}
	key, args, fields := errs.Public(err)
	msg := cat.T(i18n.EN, key, args...)
	for f, k := range fields {
		msg += fmt.Sprintf("\n  %s: %s", f, cat.T(i18n.EN, k))
	}
	return errors.New(msg)
}
