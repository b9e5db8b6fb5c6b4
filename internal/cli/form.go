package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/tenant"
)

// formCmd runs `torg form publish --tenant NNNN FILE`: it checks a form
// definition and publishes it as the next version, or lists every problem
// with its path and exits 1.
func formCmd(env Env, args []string) error {
	if len(args) == 0 || args[0] != "publish" {
		return usageErr("usage: torg form publish --tenant NNNN [--data DIR] FILE.json")
	}
	var tenantID string
	fs := newFlags(env, "form publish", "form publish --tenant NNNN [--data DIR] FILE.json")
	build := config.Register(fs, env.Getenv, config.Defaults{}, false)
	fs.StringVar(&tenantID, "tenant", "", "kommunenummer of the municipality that publishes")
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || tenantID == "" {
		return usageErr("give --tenant and one definition FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usageErr("%v", err)
	}
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
	al := audit.New(d)
	if _, err := tenant.New(d, al).Get(ctx, tenantID); err != nil {
		return explain(err)
	}
	p, err := forms.NewStore(d, al).Publish(ctx, tenantID, data, "", cliActor())
	var de *formdef.DefinitionError
	if errors.As(err, &de) {
		fmt.Fprintf(env.Stdout, "%s: not published, %d problems:\n", fs.Arg(0), len(de.Problems))
		for _, pr := range de.Problems {
			fmt.Fprintf(env.Stdout, "  %s: %s\n", pr.Path, pr.Message)
		}
		return &exitError{1, errors.New("")}
	}
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(env.Stdout, "published %s version %d in %s\n", p.Form.ID, p.Version, tenantID)
	return nil
}
