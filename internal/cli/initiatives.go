package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/tenant"
)

const initiativesUsage = "usage: torg initiatives import-residents --tenant NNNN FILE.csv"

// initiativesCmd runs `torg initiatives import-residents`: it replaces a
// municipality's list of residents, who may sign citizen initiatives,
// with a Folkeregister extract (CSV, first column fødselsnummer).
func initiativesCmd(env Env, args []string) error {
	if len(args) == 0 || args[0] != "import-residents" {
		return usageErr(initiativesUsage)
	}
	var tenantID string
	fs := newFlags(env, "initiatives import-residents", "initiatives import-residents --tenant NNNN [--data DIR] FILE.csv")
	build := config.Register(fs, env.Getenv, config.Defaults{}, false)
	fs.StringVar(&tenantID, "tenant", "", "kommunenummer whose residents the extract lists")
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || tenantID == "" {
		return usageErr("give --tenant and one extract FILE (CSV, first column fødselsnummer)")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return usageErr("%v", err)
	}
	defer f.Close()
	cfg, err := build()
	if err != nil {
		return &exitError{2, err}
	}
	ctx := context.Background()
	d, err := openData(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, initiatives.Schema); err != nil {
		return err
	}
	al := audit.New(d)
	if _, err := tenant.New(d, al).Get(ctx, tenantID); err != nil {
		if errs.Is(errs.NotFound, err) {
			return &exitError{2, fmt.Errorf("--tenant %s: %w", tenantID, explain(err))}
		}
		return err
	}
	n, err := initiatives.New(d, al, initiatives.Config{}).ImportResidents(ctx, tenantID, f, cliActor())
	if err != nil {
		if errs.Is(errs.Invalid, err) {
			return &exitError{2, fmt.Errorf("%s: %w", fs.Arg(0), explain(err))}
		}
		return explain(err)
	}
	fmt.Fprintf(env.Stdout, "%s: %d residents imported\n", tenantID, n)
	return nil
}
