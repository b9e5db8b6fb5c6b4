package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/vote"
)

// electionCredentials runs `torg election credentials`, the credential
// authority's side of an election created with credentials from an
// authority (vote.CredAuthority), on the authority's own computer:
//
//	credentials --uuid UUID (--voters N | --ids FILE) --out DIR
//
// It writes UUID.privcreds (mode 0600: "<id> <credential>" a line, to give
// each voter theirs by letter or e-mail, never to the server) and
// UUID.pubcreds (belenios-tool's public credentials file, for the officer
// to upload), and prints the fingerprint of the public credentials, which
// the election's page must show once it is open.
func electionCredentials(env Env, args []string) error {
	var uuid, idsFile, out string
	var n int
	fs := newFlags(env, "election credentials", "election credentials --uuid UUID (--voters N | --ids FILE) --out DIR")
	fs.StringVar(&uuid, "uuid", "", "the election's id, as the officer's page shows it")
	fs.IntVar(&n, "voters", 0, "make N credentials, with the ids 1 to N")
	fs.StringVar(&idsFile, "ids", "", "a file of voter ids (your own labels, e.g. e-mail addresses), one a line; one credential each")
	fs.StringVar(&out, "out", "", "folder for UUID.privcreds (keep it secret) and UUID.pubcreds (upload this one); made if missing")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case uuid == "":
		return usageErr("--uuid is required: the election's id from the officer's page")
	case out == "":
		return usageErr("--out is required: the folder to write the credentials to")
	case (n == 0) == (idsFile == ""):
		return usageErr("give either --voters N or --ids FILE")
	case n < 0 || n > vote.MaxVoters:
		return usageErr("--voters must be 1 to %d", vote.MaxVoters)
	}
	var ids []string
	if idsFile != "" {
		raw, err := os.ReadFile(idsFile)
		if err != nil {
			return usageErr("%v", err)
		}
		for _, l := range strings.Split(string(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				ids = append(ids, l)
			}
		}
		if len(ids) == 0 || len(ids) > vote.MaxVoters {
			return usageErr("%s must hold 1 to %d ids", idsFile, vote.MaxVoters)
		}
	} else {
		for i := 1; i <= n; i++ {
			ids = append(ids, strconv.Itoa(i))
		}
	}
	files, err := vote.MakeCredentials(uuid, ids, nil)
	if err != nil {
		return usageErr("%v", err)
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return usageErr("%v", err)
	}
	privFile, pubFile := filepath.Join(out, uuid+".privcreds"), filepath.Join(out, uuid+".pubcreds")
	f, err := os.OpenFile(privFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return usageErr("%v", err)
	}
	if _, err := f.Write(files.Private); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(pubFile, files.Public, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d private credentials: %s (keep it secret; give each voter their own, never to the server)\n", len(ids), privFile)
	fmt.Fprintf(env.Stdout, "public credentials:  %s (give this one to the election officer to upload)\n", pubFile)
	fmt.Fprintf(env.Stdout, "fingerprint of the public credentials: %s (check that the election's page shows it once open)\n", files.Fingerprint)
	return nil
}
