package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
)

const trusteeUsage = "usage: torg election trustee keygen|threshold-keygen|polynomial|voutput|decrypt [flags] (e.g. torg election trustee keygen --help)"

// electionTrusteeCmd runs `torg election trustee ...`, the trustee's side
// of an election, on the trustee's own computer: the private key is made
// and used here and never leaves it.
//
// A trustee holding a full key ("Single"):
//
//	keygen  --out DIR                      write ID.privkey (mode 0600) and ID.pubkey; upload only the .pubkey
//	decrypt --key FILE --tally UUID.bel    verify the record, then write the partial decryption to upload
//	        [--out FILE]                   (stdout when not given)
//
// A threshold trustee (Belenios' Pedersen key ceremony; the files are
// those of belenios-tool setup generate-trustee-key-threshold):
//
//	threshold-keygen --out DIR                                   step 1: ID.key (the secret seed, mode 0600) and ID.cert to upload
//	polynomial --key ID.key --certs certs.jsons --threshold T    step 3: the polynomial to upload
//	           [--out FILE]
//	voutput --key ID.key --certs certs.jsons --vinput FILE       step 5: check the other trustees' shares, write the voutput
//	        [--out FILE] [--dkey FILE]                            to upload and ID.dkey (your share, encrypted to you) to keep
//	decrypt --key ID.key --dkey ID.dkey --tally UUID.bel         after the close: the partial decryption to upload
func electionTrusteeCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr(trusteeUsage)
	}
	switch args[0] {
	case "keygen":
		return trusteeKeygen(env, args[1:])
	case "threshold-keygen":
		return trusteeThresholdKeygen(env, args[1:])
	case "polynomial":
		return trusteePolynomial(env, args[1:])
	case "voutput":
		return trusteeVoutput(env, args[1:])
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
	var key, dkey, tally, out string
	fs := newFlags(env, "election trustee decrypt", "election trustee decrypt --key ID.privkey --tally UUID.bel [--out FILE]\n  or, a threshold trustee: election trustee decrypt --key ID.key --dkey ID.dkey --tally UUID.bel [--out FILE]")
	fs.StringVar(&key, "key", "", "your private key file (ID.privkey from keygen, or ID.key from threshold-keygen)")
	fs.StringVar(&dkey, "dkey", "", "threshold trustees: ID.dkey written by voutput (or the voutput file)")
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
	var pd []byte
	if dkey != "" {
		var d []byte
		if d, err = os.ReadFile(dkey); err != nil {
			return usageErr("%v", err)
		}
		pd, err = vote.DecryptRecordThreshold(priv, d, rec, nil)
	} else {
		pd, err = vote.DecryptRecord(priv, rec, nil)
	}
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

// writeNew writes a file that must not exist yet (a secret key).
func writeNew(name string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return usageErr("%v", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// output writes data to the file out, or to standard output when out is
// empty, and says what to do with it.
func output(env Env, out string, data []byte, what string) error {
	if out == "" {
		_, err := fmt.Fprintf(env.Stdout, "%s\n", data)
		return err
	}
	if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(env.Stdout, "%s written to %s: upload it on your trustee page\n", what, out)
	return nil
}

func trusteeThresholdKeygen(env Env, args []string) error {
	var out string
	fs := newFlags(env, "election trustee threshold-keygen", "election trustee threshold-keygen --out DIR")
	fs.StringVar(&out, "out", "", "folder for ID.key (your secret seed: keep it secret and safe) and ID.cert (upload it); made if missing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if out == "" {
		return usageErr("--out is required: the folder to write the key and certificate to")
	}
	seed, cert, err := vote.ThresholdKeygen(nil)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(cert)
	id := hex.EncodeToString(sum[:5])
	if err := os.MkdirAll(out, 0o700); err != nil {
		return usageErr("%v", err)
	}
	keyFile, certFile := filepath.Join(out, id+".key"), filepath.Join(out, id+".cert")
	if err := writeNew(keyFile, []byte(seed+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(certFile, append(cert, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "secret key:  %s (keep it secret; you need it in every later step and to decrypt)\ncertificate: %s (upload this one on your trustee page)\n", keyFile, certFile)
	return nil
}

// readCeremony reads the seed and the certificates of a threshold step.
func readCeremony(key, certs string) (string, []*vote.Cert, error) {
	seed, err := os.ReadFile(key)
	if err != nil {
		return "", nil, usageErr("%v", err)
	}
	raw, err := os.ReadFile(certs)
	if err != nil {
		return "", nil, usageErr("%v", err)
	}
	cs, err := vote.ParseCerts(raw)
	if err != nil {
		return "", nil, usageErr("%s: %v", certs, err)
	}
	return string(seed), cs, nil
}

func trusteePolynomial(env Env, args []string) error {
	var key, certs, out string
	var threshold int
	fs := newFlags(env, "election trustee polynomial", "election trustee polynomial --key ID.key --certs certs.jsons --threshold T [--out FILE]")
	fs.StringVar(&key, "key", "", "your secret key file (ID.key from threshold-keygen)")
	fs.StringVar(&certs, "certs", "", "the certificates downloaded from your trustee page (certs.jsons)")
	fs.IntVar(&threshold, "threshold", 0, "how many trustees must decrypt (shown on your trustee page)")
	fs.StringVar(&out, "out", "", "file for the polynomial to upload; standard output when empty")
	if err := parse(fs, args); err != nil {
		return err
	}
	if key == "" || certs == "" || threshold == 0 {
		return usageErr("--key, --certs and --threshold are required")
	}
	seed, cs, err := readCeremony(key, certs)
	if err != nil {
		return err
	}
	p, err := vote.ThresholdPolynomial(seed, cs, threshold, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "no polynomial made: %v\n", err)
		return &exitError{1, errors.New("")}
	}
	return output(env, out, p, "the polynomial")
}

func trusteeVoutput(env Env, args []string) error {
	var key, certs, vinput, out, dkey string
	fs := newFlags(env, "election trustee voutput", "election trustee voutput --key ID.key --certs certs.jsons --vinput ID.vinput [--out FILE] [--dkey FILE]")
	fs.StringVar(&key, "key", "", "your secret key file (ID.key from threshold-keygen)")
	fs.StringVar(&certs, "certs", "", "the certificates downloaded from your trustee page (certs.jsons)")
	fs.StringVar(&vinput, "vinput", "", "the vinput downloaded from your trustee page")
	fs.StringVar(&out, "out", "", "file for the voutput to upload; standard output when empty")
	fs.StringVar(&dkey, "dkey", "", "file for your share of the key, encrypted to you (keep it; you need it to decrypt); default: the key file with .dkey")
	if err := parse(fs, args); err != nil {
		return err
	}
	if key == "" || certs == "" || vinput == "" {
		return usageErr("--key, --certs and --vinput are required")
	}
	seed, cs, err := readCeremony(key, certs)
	if err != nil {
		return err
	}
	vin, err := os.ReadFile(vinput)
	if err != nil {
		return usageErr("%v", err)
	}
	vo, dk, err := vote.ThresholdVoutput(seed, cs, vin, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "no voutput made: %v\n", err)
		return &exitError{1, errors.New("")}
	}
	if dkey == "" {
		dkey = strings.TrimSuffix(key, filepath.Ext(key)) + ".dkey"
	}
	if err := os.WriteFile(dkey, append(dk, '\n'), 0o600); err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(env.Stdout, "every share checks out; your share of the key, encrypted to you, is in %s (keep it)\n", dkey)
	return output(env, out, vo, "the voutput")
}
