package vote_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
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

// TestBrowser runs a referendum in headless Chromium as new users would:
// the officer creates it (with a mistake first), names two trustees, who
// upload their public keys on their pages; the officer uploads the voter
// list and opens; ten people vote (one votes again, one votes blank) and
// find their tracker on the bulletin board; after the closing time the
// officer closes, both trustees decrypt, the officer publishes, and
// belenios-tool verifies the record downloaded from the election page.
// JavaScript is on, so every ballot is made in the browser by ballot.js
// (TestBrowserEncryption covers the paths without it). axe-core judges
// the voters' pages and the others it visits.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(8*time.Minute))
	s := votetest.Start(t, votetest.Options{})
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Ctx(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	want := func(what string, texts ...string) {
		t.Helper()
		text := b.Text(t)
		for _, w := range texts {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", what, w, text)
			}
		}
	}
	signIn := func(user, next string) {
		b.Navigate(t, s.URL+"/test/logg-inn?som="+user+"&neste="+url.QueryEscape(next))
		b.Settle(t)
	}
	location := func() string {
		loc, err := chromedp.Run(b.Ctx(), chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	b.Navigate(t, s.URL+base+"sprak?lang=nb")

	// The officer creates the referendum.
	signIn("valansvarleg", base+"tilsett/val")
	want("officer's list", "Ny folkeavstemning")
	b.CheckA11y(t, "officer's list")
	run("fill in", chromedp.SetValue(chromedp.CSS(`#namn`), "Folkeavstemning om skolestruktur"), chromedp.SetValue(chromedp.CSS(`#sporsmal`), "Skal Øvre Å skole legges ned?"),
		chromedp.SetValue(chromedp.CSS(`#opnar`), "2026-11-23T14:00"), chromedp.SetValue(chromedp.CSS(`#stengjer`), "2026-11-20T20:00"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("closing time in the past", "Det er noe du må rette", "Stengetidspunktet har allerede vært.")
	b.CheckA11y(t, "new referendum with an error")
	run("fix", chromedp.SetValue(chromedp.CSS(`#stengjer`), "2026-11-30T20:00"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("election page", "Tillitsvalgte", "Under forberedelse")
	loc := location()
	uuid := loc[strings.LastIndex(loc, "/")+1:]
	staffURL := base + "tilsett/val/" + uuid
	b.CheckA11y(t, "officer's election page")
	for _, name := range []string{"Tora Tillit", "Per Pålitelig"} {
		run("trustee", chromedp.SetValue(chromedp.CSS(`#namn`), name), chromedp.SetValue(chromedp.CSS(`#epost`), strings.ToLower(strings.Fields(name)[0])+"@example.no"))
		b.Click(t, `//form[contains(@action, "/tillitsvalde")]//button`)
		want("trustee added", "Den tillitsvalgte er lagt til.", name)
	}
	html, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`href="(`+regexp.QuoteMeta(base)+`val/`+uuid+`/tillitsvald/[A-Za-z0-9_-]+)"`).FindAllStringSubmatch(html, -1)
	if len(links) != 2 {
		t.Fatalf("%d trustee links", len(links))
	}

	// Each trustee makes a key pair on their own computer (as `torg
	// election trustee keygen` does) and pastes the public key.
	var privs [][]byte
	for i, l := range links {
		k, err := belenios.NewTrusteeKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		privs = append(privs, []byte(k.PrivateKeyJSON()))
		signIn("", l[1])
		want("trustee page", "torg election trustee keygen")
		if i == 0 {
			b.CheckA11y(t, "trustee page")
			run("paste private key", chromedp.SetValue(chromedp.CSS(`#nokkel`), k.PrivateKeyJSON()))
			b.Click(t, `//main//form//button[@type="submit"]`)
			want("private key pasted", "ikke den private nøkkelen")
			b.CheckA11y(t, "trustee page with an error")
		}
		run("paste key", chromedp.SetValue(chromedp.CSS(`#nokkel`), string(belenios.MarshalTrusteePublicKey(k.Public))))
		b.Click(t, `//main//form//button[@type="submit"]`)
		want("key saved", "Nøkkelen er lagret.", "Den offentlige nøkkelen din er mottatt og kontrollert.")
	}

	signIn("valansvarleg", staffURL)
	run("voters", chromedp.SetValue(chromedp.CSS(`#veljarar`), "fødselsnummer\n"+strings.Join(votetest.PIDs(votetest.Voters), "\n")))
	b.Click(t, `//form[contains(@action, "/veljarar")]//button`)
	want("voters saved", "Manntallet er lagret.")
	b.Click(t, `//form[contains(@action, "/opne")]//button`)
	want("opened", "Valget er åpnet.", "Åpent for stemmegivning")
	b.CheckA11y(t, "officer's page of an open election")

	s.Clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	choices := []string{"0", "0", "0", "0", "0", "0", "1", "1", "1", "blank", "1"}
	var lastTracker string
	for i, c := range choices {
		voter := fmt.Sprintf("veljar%d", i%votetest.Voters)
		signIn(voter, base+"val/"+uuid)
		if i == 0 {
			want("election page", "Slik foregår valget", "Gå til stemmegivning")
			b.CheckA11y(t, "public election page")
		}
		b.Click(t, `//a[contains(., "Gå til stemmegivning")]`)
		want("voting page", "Stemmegivning uten JavaScript:", "ser valget ditt et øyeblikk")
		if i == 0 {
			b.CheckA11y(t, "voting page")
			b.Click(t, `//main//form//button[@type="submit"]`)
			want("no choice", "Velg hva du vil stemme.")
			b.CheckA11y(t, "voting page with an error")
		}
		if i == 10 {
			want("voting again", "Du har allerede stemt")
			b.CheckA11y(t, "voting page after voting")
		}
		run("choose", chromedp.Click(chromedp.CSS(`#val-`+c)))
		b.Click(t, `//main//form//button[@type="submit"]`)
		want("receipt", "Stemmen din er mottatt", "Sporingskode", "Stemmeseddelen ble kryptert i nettleseren din.")
		if i == 0 || i == 10 {
			b.CheckA11y(t, "receipt")
		}
		tr, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.getElementById("tracker").textContent`))
		if err != nil {
			t.Fatal(err)
		}
		lastTracker = tr
	}
	b.Click(t, `//a[contains(., "Finn stemmeseddelen")]`)
	want("board", "Stemmeseddelen med denne sporingskoden er på oppslagstavlen.", lastTracker, "11 avgitt, 10 teller", "Erstattet av en senere stemme")
	b.CheckA11y(t, "bulletin board")
	signIn("utanfor", base+"val/"+uuid+"/stem")
	want("not on the list", "Du står ikke i manntallet")
	b.CheckA11y(t, "voting page for someone not on the list")

	s.Clock.Set(time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC))
	signIn("valansvarleg", staffURL)
	b.Click(t, `//form[contains(@action, "/lukk")]//button`)
	want("closed", "Valget er stengt, og de krypterte stemmene er talt sammen.")
	for i, l := range links {
		// The trustee downloads the record and decrypts on their own
		// computer (torg election trustee decrypt), then pastes the result.
		rec := do(t, s, "", "GET", base+"val/"+uuid+"/"+uuid+".bel", nil)
		pd, err := vote.DecryptRecord(privs[i], []byte(rec.body), nil)
		if err != nil {
			t.Fatal(err)
		}
		signIn("", l[1])
		want("trustee page after close", "Dekrypter resultatet", "torg election trustee decrypt")
		if i == 0 {
			b.CheckA11y(t, "trustee's decryption page")
		}
		run("paste", chromedp.SetValue(chromedp.CSS(`#dekryptering`), string(pd)))
		b.Click(t, `//main//form//button[@type="submit"]`)
		want("decryption saved", "Dekrypteringen er lagret.")
	}
	signIn("valansvarleg", staffURL)
	want("tallied", "Talt opp, ikke publisert")
	b.Click(t, `//form[contains(@action, "/publiser")]//button`)
	want("published", "Resultatet og protokollen er publisert.")
	signIn("", base+"val/"+uuid)
	want("result", "Resultat", "Resultatet er publisert")
	b.CheckA11y(t, "published result")
	for _, lang := range []string{"nn", "en"} {
		b.Navigate(t, s.URL+base+"sprak?lang="+lang+"&tilbake="+url.QueryEscape("val/"+uuid))
		b.Settle(t)
		b.CheckA11y(t, "published result in "+lang)
	}
	e, err := s.Service.Get(t.Context(), votetest.Demo, uuid)
	if err != nil || string(belenios.MarshalResult(e.Result)) != `{"result":[[1,5,4]]}` {
		t.Fatalf("result %v %v", e, err)
	}

	rec := do(t, s, "", "GET", base+"val/"+uuid+"/"+uuid+".bel", nil)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, uuid+".bel"), []byte(rec.body), 0o644); err != nil {
		t.Fatal(err)
	}
	tool, err := exec.LookPath("belenios-tool")
	if err != nil {
		if os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
			t.Fatal("belenios-tool required")
		}
		t.Log("belenios-tool not installed: record not checked by it")
		return
	}
	out, err := exec.Command(tool, "election", "verify", "--dir", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "all checks passed") {
		t.Fatalf("belenios-tool: %v\n%s", err, out)
	}
}
