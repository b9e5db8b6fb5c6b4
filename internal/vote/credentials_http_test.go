package vote_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
	"github.com/torg-ekommune/torg/internal/vote/votetest"
)

// authoritySite creates, through the officer's pages, a referendum whose
// credentials come from a credential authority, with one trustee and
// three voters (veljar0..2), uploads the authority's public credentials
// and opens it. It returns the uuid and the secret credentials, in the
// order of the voters.
func authoritySite(t *testing.T, s *votetest.Site, checks bool) (string, []string) {
	t.Helper()
	const off = "valansvarleg"
	p := do(t, s, off, "POST", base+"tilsett/val", url.Values{"namn": {"Symjehall"}, "sporsmal": {"Ny symjehall?"}, "blank": {"1"},
		"opnar": {"2026-11-23T14:00"}, "stengjer": {"2026-11-30T20:00"}, "valkodar": {vote.CredAuthority}})
	want(t, p, 303)
	uuid := strings.TrimPrefix(p.loc, base+"tilsett/val/")
	staff := base + "tilsett/val/" + uuid
	tt, err := s.Service.AddTrustee(context.Background(), votetest.Demo, uuid, "Tora", "t@example.no", votetest.Officer())
	if err != nil {
		t.Fatal(err)
	}
	k, err := belenios.NewTrusteeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Service.SetTrusteeKey(context.Background(), votetest.Demo, uuid, tt.Token, belenios.MarshalTrusteePublicKey(k.Public)); err != nil {
		t.Fatal(err)
	}
	pids := votetest.PIDs(3)
	want(t, do(t, s, off, "POST", staff+"/veljarar", url.Values{"veljarar": {strings.Join(pids, "\n")}}), 303)
	ids := []string{"a", "b", "c"}
	files, err := vote.MakeCredentials(uuid, ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	if checks {
		want(t, do(t, s, off, "GET", staff, nil), 200, "torg election credentials --uuid "+uuid+" --voters 3 --out", "Ingen offentlige stemmekoder er lastet opp ennå.")
		// Bad files: a message in the summary, and next to the field.
		few, _ := vote.MakeCredentials(uuid, ids[:2], nil)
		want(t, do(t, s, off, "POST", staff+"/valkodar", url.Values{"offentlege_valkodar": {string(few.Public)}}), 422,
			"Filen har 2 offentlige stemmekoder, men manntallet har 3 velgere.", `id="offentlege_valkodar-error"`)
		want(t, do(t, s, off, "POST", staff+"/valkodar", url.Values{"offentlege_valkodar": {`["` + belenios.G.String() + `","2","9"]`}}), 422,
			"Offentlig stemmekode nr. 2 er ikke et element i gruppen")
		want(t, do(t, s, off, "POST", staff+"/valkodar", url.Values{"offentlege_valkodar": {""}}), 422, `id="offentlege_valkodar-error"`)
		want(t, do(t, s, "sakshandsamar", "POST", staff+"/valkodar", url.Values{"offentlege_valkodar": {string(files.Public)}}), 403)
	}
	want(t, do(t, s, off, "POST", staff+"/valkodar", url.Values{"offentlege_valkodar": {string(files.Public)}}), 303)
	if checks {
		want(t, do(t, s, off, "GET", staff+"?gjort=valkodar", nil), 200, "De offentlige stemmekodene er lagret.", "3 offentlige stemmekoder er lastet opp. Fingeravtrykk: "+files.Fingerprint)
	}
	want(t, do(t, s, off, "POST", staff+"/opne", nil), 303)
	if checks {
		want(t, do(t, s, off, "POST", staff+"/valkodar", url.Values{"offentlege_valkodar": {string(files.Public)}}), 409)
		want(t, do(t, s, "", "GET", base+"val/"+uuid, nil), 200, files.Fingerprint)
	}
	byID := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(files.Private)), "\n") {
		id, c, _ := strings.Cut(l, " ")
		byID[id] = c
	}
	return uuid, []string{byID["a"], byID["b"], byID["c"]}
}

// ballotFor makes a ballot for the election as the voter's browser would.
func ballotFor(t *testing.T, s *votetest.Site, uuid, secret, choice string) string {
	t.Helper()
	kit, err := s.Service.BrowserKit(context.Background(), votetest.Demo, uuid, votetest.PIDs(1)[0])
	if err != nil {
		t.Fatal(err)
	}
	el, err := belenios.ParseElection([]byte(kit.Election))
	if err != nil {
		t.Fatal(err)
	}
	c, err := belenios.DeriveCredential(uuid, secret)
	if err != nil {
		t.Fatal(err)
	}
	v := []int{0, 0, 0}
	switch choice {
	case "blank":
		v[0] = 1
	case "0":
		v[1] = 1
	default:
		v[2] = 1
	}
	b, err := belenios.CreateBallot([]byte(kit.Election), el, c, [][]int{v}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b.Marshal())
}

// TestCredentialAuthorityOverHTTP: the officer's pages for an election
// with a credential authority (upload, refusals, fingerprint), and the
// voting page: a credential field that is never posted, no voting without
// JavaScript, an unknown credential named as such.
func TestCredentialAuthorityOverHTTP(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
			if os.Getenv("TORG_TEST_POSTGRES") == "" {
				continue
			}
		}
		t.Run(name, func(t *testing.T) {
			s := votetest.Start(t, votetest.Options{Postgres: pg})
			uuid, creds := authoritySite(t, s, true)
			s.Clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
			stem := base + "val/" + uuid + "/stem"
			p := do(t, s, "veljar0", "GET", stem, nil)
			want(t, p, 200, `id="valkode"`, "data-authority", "Serveren har ikke koden din")
			if regexp.MustCompile(`<input[^>]*id="valkode"[^>]*name=`).MatchString(p.body) || regexp.MustCompile(`data-credential="[^"]`).MatchString(p.body) {
				t.Fatal("the credential field has a name, or the page carries a credential")
			}
			want(t, do(t, s, "veljar0", "POST", stem, url.Values{"val": {"0"}}), 422, "krever JavaScript", `href="#val"`)
			stray, _ := belenios.NewCredential(uuid, nil)
			want(t, do(t, s, "veljar0", "POST", stem, url.Values{"ballot": {ballotFor(t, s, uuid, stray.Secret, "0")}}), 422,
				"er ikke en av stemmekodene i dette valget", `href="#valkode"`, `aria-invalid="true"`)
			want(t, do(t, s, "veljar0", "POST", stem, url.Values{"ballot": {ballotFor(t, s, uuid, creds[0], "0")}}), 200, "Stemmen din er mottatt")
			want(t, do(t, s, "veljar1", "POST", stem, url.Values{"ballot": {ballotFor(t, s, uuid, creds[0], "1")}}), 422, "allerede brukt av en annen velger")
			want(t, do(t, s, "veljar0", "POST", stem, url.Values{"ballot": {ballotFor(t, s, uuid, creds[1], "1")}}), 422, "allerede stemt med en annen stemmekode")
			want(t, do(t, s, "utanfor", "POST", stem, url.Values{"ballot": {ballotFor(t, s, uuid, creds[2], "1")}}), 403)
		})
	}
}

// TestBrowserCredentialAuthority: a voter pastes the credential from the
// authority on the voting page; ballot.js refuses a mistyped one, the
// server one that is not the election's, and the right one makes the
// ballot in the browser. axe-core judges each state of the page.
func TestBrowserCredentialAuthority(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(4*time.Minute))
	s := votetest.Start(t, votetest.Options{})
	uuid, creds := authoritySite(t, s, false)
	s.Clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Ctx(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	wantText := func(what string, texts ...string) {
		t.Helper()
		text := b.Text(t)
		for _, w := range texts {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", what, w, text)
			}
		}
	}
	b.Navigate(t, s.URL+base+"sprak?lang=nb")
	// The officer's pages: the choice on the form, and the upload of an
	// election in setup, with a refusal.
	setupUUID, err := s.Service.Create(context.Background(), votetest.Demo, vote.ElectionForm{Name: "Bibliotek", Question: "Nytt bibliotek?",
		OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00", Credentials: vote.CredAuthority}, votetest.Officer())
	if err != nil {
		t.Fatal(err)
	}
	b.Navigate(t, s.URL+"/test/logg-inn?som=valansvarleg&neste="+url.QueryEscape(base+"tilsett/val"))
	b.Settle(t)
	wantText("officer's list", "En stemmekodeansvarlig utenfor serveren lager dem")
	b.CheckA11y(t, "officer's list with the credential choice")
	b.Navigate(t, s.URL+base+"tilsett/val/"+setupUUID)
	b.Settle(t)
	wantText("officer's page", "Stemmekoder fra stemmekodeansvarlig", "torg election credentials --uuid "+setupUUID)
	b.CheckA11y(t, "officer's page of an election with a credential authority")
	run("bad upload", chromedp.SetValue(chromedp.CSS(`#offentlege_valkodar`), `["2"]`))
	b.Click(t, `//form[contains(@action, "/valkodar")]//button`)
	wantText("bad upload", "Offentlig stemmekode nr. 1 er ikke et element i gruppen")
	b.CheckA11y(t, "officer's page with a refused credentials file")

	b.Navigate(t, s.URL+"/test/logg-inn?som=veljar0&neste="+url.QueryEscape(base+"val/"+uuid+"/stem"))
	b.Settle(t)
	wantText("voting page", "Stemmekoden din", "Serveren har ikke koden din")
	b.CheckA11y(t, "voting page with a credential field")

	// A typo: ballot.js says so and sends nothing.
	bad := []byte(creds[0])
	if bad[0] == 'a' {
		bad[0] = 'b'
	} else {
		bad[0] = 'a'
	}
	// No page follows: the script shows the message in place.
	run("typo", chromedp.SetValue(chromedp.CSS(`#valkode`), string(bad)), chromedp.Click(chromedp.CSS(`#val-0`)),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`#valkode-error`)))
	wantText("typo", "Stemmekoden er ikke riktig skrevet")
	b.CheckA11y(t, "voting page with a mistyped credential")
	if _, n, _ := s.Service.MyBallot(context.Background(), votetest.Demo, uuid, votetest.PIDs(1)[0]); n != 0 {
		t.Fatal("a ballot was cast with a mistyped credential")
	}

	// Well formed but not the election's: the server says so.
	stray, _ := belenios.NewCredential(uuid, nil)
	run("stray", chromedp.SetValue(chromedp.CSS(`#valkode`), stray.Secret), chromedp.Click(chromedp.CSS(`#val-0`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	wantText("stray", "er ikke en av stemmekodene i dette valget")
	b.CheckA11y(t, "voting page with an unknown credential")

	run("right", chromedp.SetValue(chromedp.CSS(`#valkode`), creds[0]), chromedp.Click(chromedp.CSS(`#val-1`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	wantText("receipt", "Stemmen din er mottatt", "Stemmeseddelen ble kryptert i nettleseren din.")
	b.CheckA11y(t, "receipt")
	tr, n, err := s.Service.MyBallot(context.Background(), votetest.Demo, uuid, votetest.PIDs(1)[0])
	if err != nil || n != 1 || tr == "" {
		t.Fatalf("MyBallot %q %d %v", tr, n, err)
	}
}
