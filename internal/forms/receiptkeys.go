package forms

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/receipt"
)

// ReceiptSigner returns the municipality's current receipt signing key,
// making one the first time. The key id names the municipality and the
// day it was made, e.g. "9999-20261123-a1b2c3".
func (s *Store) ReceiptSigner(ctx context.Context, tenant string) (receipt.Signer, error) {
	const op = errs.Op("forms.ReceiptSigner")
	signer, err := s.currentSigner(ctx, tenant)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return signer, err
	}
	now := s.db.Now()
	kid := fmt.Sprintf("%s-%s-%s", tenant, now.Format("20060102"), randomID()[:6])
	fresh, err := receipt.GenerateSigner(kid)
	if err != nil {
		return receipt.Signer{}, errs.E(op, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Another node may have made one meanwhile; the oldest live key wins.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM forms_receipt_keys WHERE tenant_id = $1 AND retired_at IS NULL`, tenant).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO forms_receipt_keys (tenant_id, kid, private_key, created_at) VALUES ($1, $2, $3, $4)`,
			tenant, fresh.KeyID, []byte(fresh.Key), now)
		return err
	})
	if err != nil {
		return receipt.Signer{}, errs.E(op, err)
	}
	signer, err = s.currentSigner(ctx, tenant)
	if err != nil {
		return receipt.Signer{}, errs.E(op, err)
	}
	return signer, nil
}

func (s *Store) currentSigner(ctx context.Context, tenant string) (receipt.Signer, error) {
	var kid string
	var key []byte
	err := s.db.QueryRowContext(ctx,
		`SELECT kid, private_key FROM forms_receipt_keys WHERE tenant_id = $1 AND retired_at IS NULL ORDER BY created_at, kid LIMIT 1`, tenant).
		Scan(&kid, &key)
	if err != nil {
		return receipt.Signer{}, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return receipt.Signer{}, errs.E(errs.Op("forms.currentSigner"), fmt.Errorf("receipt key %s is damaged", kid))
	}
	return receipt.Signer{KeyID: kid, Key: ed25519.PrivateKey(key)}, nil
}

// ReceiptKeys returns every public receipt key of the municipality,
// retired ones included, for verification and publication.
func (s *Store) ReceiptKeys(ctx context.Context, tenant, municipality string) ([]receipt.PublicKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kid, private_key FROM forms_receipt_keys WHERE tenant_id = $1 ORDER BY created_at, kid`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("forms.ReceiptKeys"), err)
	}
	defer rows.Close()
	var out []receipt.PublicKey
	for rows.Next() {
		var kid string
		var key []byte
		if err := rows.Scan(&kid, &key); err != nil {
			return nil, errs.E(errs.Op("forms.ReceiptKeys"), err)
		}
		if len(key) != ed25519.PrivateKeySize {
			continue
		}
		pk := receipt.Signer{KeyID: kid, Key: ed25519.PrivateKey(key)}.Public()
		pk.Municipality = municipality
		out = append(out, pk)
	}
	return out, rows.Err()
}
