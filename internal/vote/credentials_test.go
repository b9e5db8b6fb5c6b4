package vote

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// authorityCreds is the credential authority's side: the files
// MakeCredentials wrote, the secret credentials by voter id.
type authorityCreds struct {
	files   *CredentialFiles
	secrets []string // in the order of the ids given
}

func makeCreds(t *testing.T, uuid string, n int) *authorityCreds {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "velger" + string(rune('a'+i)) + "@example.no"
	}
	f, err := MakeCredentials(uuid, ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	ac := &authorityCreds{files: f}
	byID := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(f.Private)), "\n") {
		id, cred, ok := strings.Cut(l, " ")
		if !ok {
			t.Fatalf("privcreds line %q", l)
		}
		byID[id] = cred
	}
	for _, id := range ids {
		if byID[id] == "" {
			t.Fatalf("no credential for %s", id)
		}
		ac.secrets = append(ac.secrets, byID[id])
	}
	return ac
}

// ballotWith makes, as the voter's browser does, a ballot for choice
// (index of the answer, or -1 for blank) signed with the secret credential.
func ballotWith(t *testing.T, svc *Service, uuid, secret string, choice int) []byte {
	t.Helper()
	sd, err := svc.loadSetup(context.Background(), tn, uuid)
	if err != nil {
		t.Fatal(err)
	}
	c, err := belenios.DeriveCredential(uuid, secret)
	if err != nil {
		t.Fatal(err)
	}
	ch := Blank
	if choice >= 0 {
		ch = string(rune('0' + choice))
	}
	votes, err := plaintext(sd.el, ch)
	if err != nil {
		t.Fatal(err)
	}
	b, err := belenios.CreateBallot(sd.elRaw, sd.el, c, votes, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.Marshal()
}

// TestCredentialAuthorityElection runs a referendum whose credentials a
// credential authority made apart from the server: bad public credential
// files are refused, the server never stores a secret credential, ballots
// signed with the authority's credentials are counted (one credential per
// voter), and the published record passes Verify and belenios-tool.
func TestCredentialAuthorityElection(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		const voters = 6
		uuid, err := svc.Create(ctx, tn, ElectionForm{Name: "Folkeavstemming", Question: "Ny symjehall?", Blank: true,
			OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00", Credentials: CredAuthority}, officer)
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := svc.Get(ctx, tn, uuid); e.CredMode != CredAuthority {
			t.Fatalf("mode %q", e.CredMode)
		}
		var trustees []*trustee
		for i, name := range []string{"Tora Tillit", "Per Pålitelig"} {
			tt, err := svc.AddTrustee(ctx, tn, uuid, name, "t"+string(rune('a'+i))+"@example.no", officer)
			if err != nil {
				t.Fatal(err)
			}
			tr := newTrustee(t)
			tr.tok = tt.Token
			if err := svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, tr.pub); err != nil {
				t.Fatal(err)
			}
			trustees = append(trustees, tr)
		}
		pids := testPIDs(t, voters+1)
		outsider := pids[voters]
		pids = pids[:voters]
		if _, err := svc.SetVoters(ctx, tn, uuid, []byte(strings.Join(pids, "\n")), officer); err != nil {
			t.Fatal(err)
		}
		wantKey(t, svc.Open(ctx, tn, uuid, officer), "vote.error.creds_missing")

		ac := makeCreds(t, uuid, voters)
		var list []string
		if err := json.Unmarshal(ac.files.Public, &list); err != nil || len(list) != voters {
			t.Fatalf("pubcreds: %v %d", err, len(list))
		}
		jsonList := func(l []string) []byte { b, _ := json.Marshal(l); return b }
		pMinus1 := new(big.Int).Sub(belenios.P, big.NewInt(1)).String()
		for name, tc := range map[string]struct {
			raw []byte
			key string
		}{
			"not JSON":         {[]byte("not a list"), "vote.error.creds_format"},
			"empty":            {[]byte("[]"), "vote.error.creds_empty"},
			"too few":          {jsonList(list[:voters-1]), "vote.error.creds_count"},
			"too many":         {makeCreds(t, uuid, voters+1).files.Public, "vote.error.creds_count"},
			"not in the group": {jsonList(append(append([]string{}, list[:voters-1]...), pMinus1)), "vote.error.creds_element"},
			"not a number":     {jsonList(append(append([]string{}, list[:voters-1]...), "12a,,x")), "vote.error.creds_number"},
			"duplicate":        {jsonList(append(append([]string{}, list[:voters-1]...), list[0])), "vote.error.creds_duplicate"},
			"weight":           {jsonList(append(append([]string{}, list[:voters-1]...), strings.Replace(list[voters-1], ",,", ",3,", 1))), "vote.error.creds_weight"},
		} {
			_, err := svc.SetPublicCredentials(ctx, tn, uuid, tc.raw, officer)
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			wantKey(t, err, tc.key)
			if f, ok := formErr(err); !ok || f[FieldPublicCreds] == "" {
				t.Fatalf("%s: fields %v", name, f)
			}
		}
		if n, fp, err := svc.PublicCredentials(ctx, tn, uuid); n != 0 || fp != "" || err != nil {
			t.Fatalf("after refusals: %d %q %v", n, fp, err)
		}
		if n, err := svc.SetPublicCredentials(ctx, tn, uuid, ac.files.Public, officer); err != nil || n != voters {
			t.Fatalf("SetPublicCredentials: %d %v", n, err)
		}
		if n, fp, err := svc.PublicCredentials(ctx, tn, uuid); n != voters || fp != ac.files.Fingerprint || err != nil {
			t.Fatalf("PublicCredentials: %d %q %v, want fingerprint %s", n, fp, err, ac.files.Fingerprint)
		}
		// The voter list changed after the upload: Open refuses.
		if _, err := svc.SetVoters(ctx, tn, uuid, []byte(strings.Join(pids[:voters-1], "\n")), officer); err != nil {
			t.Fatal(err)
		}
		wantKey(t, svc.Open(ctx, tn, uuid, officer), "vote.error.creds_count")
		if _, err := svc.SetVoters(ctx, tn, uuid, []byte(strings.Join(pids, "\n")), officer); err != nil {
			t.Fatal(err)
		}
		if err := svc.Open(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPublicCredentials(ctx, tn, uuid, ac.files.Public, officer); err == nil {
			t.Fatal("public credentials replaced after the opening")
		} else {
			wantKey(t, err, "vote.error.state_open")
		}
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))

		// The server has no credential to cast with, and gives none.
		if _, err := svc.CastFor(ctx, tn, uuid, pids[0], "0"); err == nil {
			t.Fatal("CastFor in authority mode")
		} else {
			wantKey(t, err, "vote.error.js_required")
		}
		kit, err := svc.BrowserKit(ctx, tn, uuid, pids[0])
		if err != nil || kit.Credential != "" || !kit.Authority || kit.Election == "" {
			t.Fatalf("kit %+v %v", kit, err)
		}
		if _, err := svc.BrowserKit(ctx, tn, uuid, outsider); err == nil {
			t.Fatal("kit for a person not on the list")
		}

		// 0..2 yes, 3..4 no, 5 blank; then voter 0 changes to no.
		choices := []int{0, 0, 0, 1, 1, -1}
		for i, c := range choices {
			if _, err := svc.CastOwn(ctx, tn, uuid, pids[i], ballotWith(t, svc, uuid, ac.secrets[i], c)); err != nil {
				t.Fatalf("voter %d: %v", i, err)
			}
			if i == 0 {
				// Someone else's credential: refused.
				if _, err := svc.CastOwn(ctx, tn, uuid, pids[1], ballotWith(t, svc, uuid, ac.secrets[0], 1)); err == nil {
					t.Fatal("voter 1 voted with voter 0's credential")
				} else {
					wantKey(t, err, "vote.error.cred_taken")
				}
			}
		}
		if _, err := svc.CastOwn(ctx, tn, uuid, pids[0], ballotWith(t, svc, uuid, ac.secrets[1], 1)); err == nil {
			t.Fatal("voter 0 voted again with another credential")
		} else {
			wantKey(t, err, "vote.error.cred_other")
		}
		stray, err := belenios.NewCredential(uuid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CastOwn(ctx, tn, uuid, outsider, ballotWith(t, svc, uuid, ac.secrets[0], 0)); err == nil {
			t.Fatal("a person not on the list voted")
		} else {
			wantKey(t, err, "vote.error.not_eligible")
		}
		// A voter who has voted, with a credential that is not on the list.
		if _, err := svc.CastOwn(ctx, tn, uuid, pids[5], ballotWith(t, svc, uuid, stray.Secret, 0)); err == nil {
			t.Fatal("a credential not on the list was accepted")
		} else {
			wantKey(t, err, "vote.error.cred_other") // voter 5 has voted with their own
		}
		again, err := svc.CastOwn(ctx, tn, uuid, pids[0], ballotWith(t, svc, uuid, ac.secrets[0], 1))
		if err != nil {
			t.Fatal(err)
		}
		if last, n, _ := svc.MyBallot(ctx, tn, uuid, pids[0]); last != again || n != 2 {
			t.Fatalf("MyBallot after revote: %q %d", last, n)
		}

		// The server stores no secret credential.
		dump := dumpVoteTables(t, svc)
		for i, s := range ac.secrets {
			if strings.Contains(dump, s) {
				t.Fatalf("secret credential of voter %d is stored by the server", i)
			}
		}
		var withSecret int
		if err := svc.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND credential <> ''`, tn, uuid).Scan(&withSecret); err != nil || withSecret != 0 {
			t.Fatalf("%d voters with a stored credential (%v)", withSecret, err)
		}

		clock.Set(time.Date(2026, 11, 30, 19, 0, 1, 0, time.UTC))
		if err := svc.Close(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		for i, tr := range trustees {
			rec, err := svc.Record(ctx, tn, uuid)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.SubmitPartial(ctx, tn, uuid, tr.tok, tr.decrypt(t, rec)); err != nil {
				t.Fatalf("trustee %d: %v", i+1, err)
			}
		}
		if err := svc.Publish(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		rec, err := svc.Record(ctx, tn, uuid)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, uuid+".bel"), rec, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := belenios.Verify(dir)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		// blank, yes, no: voter 0 now says no.
		if rep.Credentials != voters || rep.Ballots != 7 || rep.Tallied != 6 || string(belenios.MarshalResult(rep.Result)) != `{"result":[[1,2,3]]}` {
			t.Fatalf("report %+v result %s", rep, belenios.MarshalResult(rep.Result))
		}
		// The record publishes exactly the authority's credentials.
		a, _ := belenios.ParseArchive(rec)
		sd, _ := belenios.ParseSetupData(a.Data[a.Events[0].Payload])
		if fp := belenios.Fingerprint(a.Data[sd.Credentials]); fp != ac.files.Fingerprint {
			t.Fatalf("record's credentials fingerprint %s, authority's %s", fp, ac.files.Fingerprint)
		}
		toolVerify(t, dir)
	})
}

// TestCredentialAuthorityRefusals: an unknown credential is named as such,
// and uploads to an election whose server makes the credentials are
// refused.
func TestCredentialAuthorityRefusals(t *testing.T) {
	each(t, func(t *testing.T, svc *Service, clock *dbtest.Clock) {
		ctx := context.Background()
		st := setUp(t, svc, 2) // server mode
		if _, err := svc.SetPublicCredentials(ctx, tn, st.uuid, makeCreds(t, st.uuid, 2).files.Public, officer); err == nil {
			t.Fatal("upload to an open election")
		}
		uuid, err := svc.Create(ctx, tn, ElectionForm{Name: "S", Question: "Q?", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"}, officer)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPublicCredentials(ctx, tn, uuid, makeCreds(t, uuid, 1).files.Public, officer); err == nil {
			t.Fatal("upload to a server-credential election")
		} else {
			wantKey(t, err, "vote.error.creds_not_authority")
		}
		if _, err := svc.Create(ctx, tn, ElectionForm{Name: "S", Question: "Q?", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00", Credentials: "voters"}, officer); err == nil {
			t.Fatal("unknown credential mode accepted")
		} else if f, _ := formErr(err); f[FieldCredMode] != "vote.error.cred_mode" {
			t.Fatalf("fields %v", f)
		}

		// An authority election where a voter uses a credential not on the list.
		uuid, err = svc.Create(ctx, tn, ElectionForm{Name: "A", Question: "Q?", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00", Credentials: CredAuthority}, officer)
		if err != nil {
			t.Fatal(err)
		}
		tt, err := svc.AddTrustee(ctx, tn, uuid, "Tora", "t@example.no", officer)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetTrusteeKey(ctx, tn, uuid, tt.Token, newTrustee(t).pub); err != nil {
			t.Fatal(err)
		}
		pids := testPIDs(t, 2)
		if _, err := svc.SetVoters(ctx, tn, uuid, []byte(strings.Join(pids, "\n")), officer); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPublicCredentials(ctx, tn, uuid, makeCreds(t, uuid, 2).files.Public, officer); err != nil {
			t.Fatal(err)
		}
		if err := svc.Open(ctx, tn, uuid, officer); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
		stray, _ := belenios.NewCredential(uuid, nil)
		_, err = svc.CastOwn(ctx, tn, uuid, pids[0], ballotWith(t, svc, uuid, stray.Secret, 0))
		if err == nil {
			t.Fatal("a credential not on the list was accepted")
		}
		wantKey(t, err, "vote.error.cred_unknown")
		if f, _ := formErr(err); f[FieldCredential] != "vote.error.cred_unknown" {
			t.Fatalf("fields %v", f)
		}
		if _, n, _ := svc.MyBallot(ctx, tn, uuid, pids[0]); n != 0 {
			t.Fatal("refused ballot recorded")
		}
	})
}

// dumpVoteTables returns every text the vote tables hold.
func dumpVoteTables(t *testing.T, svc *Service) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT pid || ' ' || credential || ' ' || public_cred FROM vote_voters`,
		`SELECT body FROM vote_data`,
		`SELECT name || election_json || public_creds || result FROM vote_elections`,
		`SELECT tracker || public_cred FROM vote_ballots`,
		`SELECT name || public_key || partial || cert || polynomial || voutput FROM vote_trustees`,
	} {
		rows, err := svc.db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			sb.WriteString(s + "\n")
		}
		rows.Close()
	}
	return sb.String()
}
