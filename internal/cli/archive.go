package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

const archiveUsage = "usage: torg archive export|seed [flags] (e.g. torg archive export --help)"

// archiveCmd runs `torg archive export|seed`: the Noark 5 archival extract
// of a municipality's archive, and generated test data (package archive).
func archiveCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr(archiveUsage)
	}
	var tenantID string
	tenantFlag := func(fs *flagSetT) {
		fs.StringVar(&tenantID, "tenant", "", "kommunenummer of the municipality")
	}
	switch args[0] {
	case "export":
		var arkivdel, out string
		var workers int
		cfg, err := dataCommand(env, "archive export", "archive export --tenant NNNN [--arkivdel SYSTEMID] --out DIR", args[1:], func(fs *flagSetT) {
			tenantFlag(fs)
			fs.StringVar(&arkivdel, "arkivdel", "", "systemID of the one archive part to export (default: all parts)")
			fs.StringVar(&out, "out", "", "folder for the avleveringspakke; made if missing, must be empty")
			fs.IntVar(&workers, "workers", 2, "document files copied in parallel")
		})
		if err != nil {
			return err
		}
		if tenantID == "" {
			return usageErr("--tenant is required: the kommunenummer, e.g. 4601")
		}
		if out == "" {
			return usageErr("--out is required: the folder to write the avleveringspakke to")
		}
		if workers < 1 || workers > 64 {
			return usageErr("--workers must be 1 to 64")
		}
		ctx, stop := signalContext(env)
		defer stop()
		d, svc, _, err := openArchive(ctx, cfg, tenantID)
		if err != nil {
			return err
		}
		defer d.Close()
		if arkivdel != "" {
			if _, err := svc.Arkivdel(ctx, tenantID, arkivdel); errs.Is(errs.NotFound, err) {
				return usageErr("--arkivdel %s: %s has no such archive part (see the systemIDs in an export of all parts)", arkivdel, tenantID)
			} else if err != nil {
				return err
			}
		}
		blobs, err := blob.OpenDir(filepath.Join(cfg.Data, "filer"))
		if err != nil {
			return err
		}
		defer blobs.Close()
		res, err := svc.Export(ctx, tenantID, archive.ExportOptions{Dir: out, Arkivdel: arkivdel, Blobs: blobs, Progress: env.Stderr, Workers: workers}, cliActor())
		switch {
		case errs.Is(errs.Invalid, err):
			return &exitError{2, fmt.Errorf("--out %s: %w", out, explainArchive(err))}
		case errs.Is(errs.NotFound, err):
			return fmt.Errorf("%s: %w", tenantID, explainArchive(err))
		case err != nil:
			return err
		}
		fmt.Fprintf(env.Stdout, "exported %s to %s: %d archive parts, %d cases, %d journal entries, %d document files, %d changes\n",
			tenantID, out, res.Arkivdeler, res.Mapper, res.Registreringer, res.Dokumentfiler, res.Endringer)
		return nil
	case "seed":
		var entries, years, documents, batch int
		var seed uint64
		cfg, err := dataCommand(env, "archive seed", "archive seed --tenant NNNN --entries N [--years 5]", args[1:], func(fs *flagSetT) {
			tenantFlag(fs)
			fs.IntVar(&entries, "entries", 0, fmt.Sprintf("journal entries to generate, 1 to %d", archive.MaxSeedEntries))
			fs.IntVar(&years, "years", 5, "spread the entries over this many years up to today")
			fs.IntVar(&documents, "documents", 500, "distinct generated document files, shared by the entries")
			fs.IntVar(&batch, "batch", 5000, "entries per transaction")
			fs.Uint64Var(&seed, "seed", 1, "seed of the generator (the same seed gives the same titles, names and numbers; systemIDs are random)")
		})
		if err != nil {
			return err
		}
		if tenantID == "" {
			return usageErr("--tenant is required: the kommunenummer, e.g. 4601")
		}
		if entries < 1 || entries > archive.MaxSeedEntries {
			return usageErr("--entries must be 1 to %d (got %d)", archive.MaxSeedEntries, entries)
		}
		if years < 1 || years > 50 || documents < 1 || documents > 100000 || batch < 1 || batch > 100000 {
			return usageErr("--years must be 1 to 50, --documents 1 to 100000 and --batch 1 to 100000")
		}
		ctx, stop := signalContext(env)
		defer stop()
		d, svc, t, err := openArchive(ctx, cfg, tenantID)
		if err != nil {
			return err
		}
		defer d.Close()
		blobs, err := blob.OpenDir(filepath.Join(cfg.Data, "filer"))
		if err != nil {
			return err
		}
		defer blobs.Close()
		res, err := svc.Seed(ctx, tenantID, t.NameNB, archive.SeedOptions{Entries: entries, Years: years, Blobs: blobs, Documents: documents,
			Batch: batch, Rand: seed, Progress: env.Stderr}, cliActor())
		if err != nil {
			return explainArchive(err)
		}
		fmt.Fprintf(env.Stdout, "seeded %s: %d journal entries in %d cases (%d closed), %d screened, %d documents, in %s\n",
			tenantID, res.Entries, res.Cases, res.Closed, res.Screened, res.Documents, res.Took.Round(1e6))
		return nil
	}
	return usageErr("unknown archive command %q: use export or seed", args[0])
}

// openArchive opens the database with the archive module's tables
// migrated too (harmless once server.Schemas lists them) and checks the
// municipality: an unknown one is a usage error.
func openArchive(ctx context.Context, cfg config.Config, tenantID string) (*db.DB, *archive.Service, tenant.Tenant, error) {
	d, err := openData(ctx, cfg)
	if err != nil {
		return nil, nil, tenant.Tenant{}, err
	}
	if err := d.Migrate(ctx, archive.Schema); err != nil {
		d.Close()
		return nil, nil, tenant.Tenant{}, err
	}
	al := audit.New(d)
	t, err := tenant.New(d, al).Get(ctx, tenantID)
	if err != nil {
		d.Close()
		if errs.Is(errs.NotFound, err) {
			return nil, nil, tenant.Tenant{}, &exitError{2, fmt.Errorf("--tenant %s: %w", tenantID, explain(err))}
		}
		return nil, nil, tenant.Tenant{}, err
	}
	return d, archive.New(d, al), t, nil
}

// explainArchive is explain for the archive module's errors, in English.
func explainArchive(err error) error {
	if errs.KindOf(err) == errs.Internal {
		return err
	}
	cat := i18n.NewCatalog()
	if cat.AddFS(web.Messages()) != nil || cat.AddFS(archive.Messages()) != nil {
		return err
	}
	key, args, fields := errs.Public(err)
	msg := cat.T(i18n.EN, key, args...)
	for f, k := range fields {
		msg += fmt.Sprintf("\n  %s: %s", f, cat.T(i18n.EN, k))
	}
	if cause := firstCause(err); cause != nil && errs.KindOf(err) == errs.Invalid && len(fields) == 0 {
		msg += " (" + cause.Error() + ")"
	}
	return errors.New(msg)
}

// firstCause returns the first error in err's chain that is not an
// *errs.Error: what went wrong underneath, for the operator.
func firstCause(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if _, ok := e.(*errs.Error); !ok {
			return e
		}
	}
	return nil
}
