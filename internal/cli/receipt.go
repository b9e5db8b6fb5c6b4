package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/tenant"
)

// receiptCmd runs `torg receipt verify FILE`: it says whether a receipt
// (PDF or JSON) is genuine and unchanged, checked against the
// municipality's published keys (--keys, a file or URL) or its keys in
// the local database (--tenant with --data / TORG_DATABASE_URL). Exit 0
// valid, 1 invalid, 2 usage.
func receiptCmd(env Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageErr("usage: torg receipt verify [--keys FILE|URL | --tenant NNNN [--data DIR]] FILE")
	}
	var keysFrom, tenantID string
	fs := newFlags(env, "receipt verify", "receipt verify [--keys FILE|URL | --tenant NNNN [--data DIR]] FILE")
	// Data flags are registered so --data and --database-url work as elsewhere.
	build := config.Register(fs, env.Getenv, config.Defaults{}, false)
	fs.StringVar(&keysFrom, "keys", "", "the municipality's receipt keys: a JWKS file, or its URL, e.g. https://torg.example.no/k/9999/kvittering/nokler.json")
	fs.StringVar(&tenantID, "tenant", "", "kommunenummer: use that municipality's keys in the local database")
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || (keysFrom == "") == (tenantID == "") {
		return usageErr("give one receipt FILE, and either --keys or --tenant")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usageErr("%v", err)
	}
	var keys []receipt.PublicKey
	if keysFrom != "" {
		keys, err = loadKeys(keysFrom)
		if err != nil {
			return usageErr("--keys %s: %v", keysFrom, err)
		}
	} else {
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
		t, err := tenant.New(d, audit.New(d)).Get(ctx, tenantID)
		if err != nil {
			return explain(err)
		}
		if keys, err = forms.NewStore(d, audit.New(d)).ReceiptKeys(ctx, t.ID, t.NameNB); err != nil {
			return err
		}
	}
	r, err := receipt.Verify(data, keys)
	if err != nil {
		fmt.Fprintf(env.Stdout, "invalid: %v\n", err)
		return &exitError{1, errors.New("")}
	}
	fmt.Fprintf(env.Stdout, "valid: receipt %s from %s (%s), %s, submitted %s\n", r.Reference, r.Municipality, r.MunicipalityNo, r.Service,
		r.SubmittedAt.Format(time.RFC3339))
	return nil
}

// loadKeys reads a JWKS from a file or an http(s) URL.
func loadKeys(from string) ([]receipt.PublicKey, error) {
	var body []byte
	var err error
	if strings.HasPrefix(from, "https://") || strings.HasPrefix(from, "http://") {
		c := &http.Client{Timeout: 15 * time.Second}
		resp, err := c.Get(from)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("status %s", resp.Status)
		}
		body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, err
		}
	} else if body, err = os.ReadFile(from); err != nil {
		return nil, err
	}
	return receipt.ParsePublicKeys(body)
}
