package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
)

const trusteeUsage = "usage: torg election trustee keygen|decrypt [flags] (e.g. torg election trustee keygen --help)"

// electionTrusteeCmd runs `torg election trustee keygen|decrypt`, the
// trustee's side of an election, on the trustee's own computer: the
// private key is made and used here and never leaves it.
//
//	keygen  --out DIR                      write ID.privkey (mode 0600) and ID.pubkey; upload only the .pubkey
//	decrypt --key FILE --tally UUID.bel    verify the record, then write the partial decryption to upload
//	        [--out FILE]                   (stdout when not given)
func electionTrusteeCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr(trusteeUsage)
	}
	switch args[0] {
	case "keygen":
		return trusteeKeygen(env, args[1:])
	case "decrypt":
		return trusteeDecrypt(env, args[1:])
	}
	return usageErr("unknown trustee command %q; %s", args[0], trusteeUsage)
}

func trusteeKeygen(env Env, args []string) error {
	var out string
	fs := newFlags(env, "election trustee keygen", "election trustee keygen --out DIR")
	fs.StringVar(&out, "out", "", "folder for ID.privkey (keep it secret and safe) and ID.pubkey (upload it); made if missing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if out == "" {
		return usageErr("--out is required: the folder to write the key pair to")
	}
	k, err := belenios.NewTrusteeKey(nil)
	if err != nil {
		return err
	}
	pub := belenios.MarshalTrusteePublicKey(k.Public)
	sum := sha256.Sum256(pub)
	id := hex.EncodeToString(sum[:5])
	if err := os.MkdirAll(out, 0o700); err != nil {
		return usageErr("%v", err)
	}
	privFile, pubFile := filepath.Join(out, id+".privkey"), filepath.Join(out, id+".pubkey")
	f, err := os.OpenFile(privFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return usageErr("%v", err)
	}
	if _, err := f.WriteString(k.PrivateKeyJSON() + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(pubFile, append(pub, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "private key: %s (keep it secret; you need it to decrypt the result)\npublic key:  %s (upload this one on your trustee page)\n", privFile, pubFile)
	return nil
}

func trusteeDecrypt(env Env, args []string) error {
	var key, tally, out string
	fs := newFlags(env, "election trustee decrypt", "election trustee decrypt --key ID.privkey --tally UUID.bel [--out FILE]")
	fs.StringVar(&key, "key", "", "your private key file (from keygen)")
	fs.StringVar(&tally, "tally", "", "the election record downloaded after the close (UUID.bel), holding the encrypted tally")
	fs.StringVar(&out, "out", "", "file for the partial decryption to upload; standard output when empty")
	if err := parse(fs, args); err != nil {
		return err
	}
	if key == "" || tally == "" {
		return usageErr("--key and --tally are required")
	}
	priv, err := os.ReadFile(key)
	if err != nil {
		return usageErr("%v", err)
	}
	rec, err := os.ReadFile(tally)
	if err != nil {
		return usageErr("%v", err)
	}
	pd, err := vote.DecryptRecord(priv, rec, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "not decrypted: %v\n", err)
		return &exitError{1, errors.New("")}
	}
	if out == "" {
		_, err = fmt.Fprintf(env.Stdout, "%s\n", pd)
		return err
	}
	if err := os.WriteFile(out, append(pd, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "the record verifies; partial decryption written to %s: upload it on your trustee page\n", out)
	return nil
}
