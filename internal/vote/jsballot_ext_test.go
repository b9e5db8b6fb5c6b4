package vote_test

import (
	"context"
	"html"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
	"github.com/torg-ekommune/torg/internal/vote/votetest"
)

// openReferendum sets up and opens a yes/no referendum with blank votes
// through the service, with one trustee and the test voters, and sets the
// clock inside its voting period. It returns its uuid and the trustee's
// private key file.
func openReferendum(t *testing.T, s *votetest.Site) (string, []byte) {
	t.Helper()
	ctx, tn, off := t.Context(), votetest.Demo, votetest.Officer()
	uuid, err := s.Service.Create(ctx, tn, vote.ElectionForm{Name: "Folkerøysting om skulestruktur", Question: "Skal Øvre Å skule leggjast ned?",
		Blank: true, OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"}, off)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := s.Service.AddTrustee(ctx, tn, uuid, "Tora Tillit", "tora@example.no", off)
	if err != nil {
		t.Fatal(err)
	}
	k, err := belenios.NewTrusteeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Service.SetTrusteeKey(ctx, tn, uuid, tr.Token, belenios.MarshalTrusteePublicKey(k.Public)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.SetVoters(ctx, tn, uuid, []byte(strings.Join(votetest.PIDs(votetest.Voters), "\n")), off); err != nil {
		t.Fatal(err)
	}
	if err := s.Service.Open(ctx, tn, uuid, off); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	return uuid, []byte(k.PrivateKeyJSON())
}

// goBallot makes the ballot of a test voter in Go, from what the voter's
// page gives the browser.
func goBallot(t *testing.T, s *votetest.Site, uuid, user string, votes [][]int) *belenios.Ballot {
	t.Helper()
	kit, err := s.Service.BrowserKit(t.Context(), votetest.Demo, uuid, votetest.Users[user].PID)
	if err != nil {
		t.Fatal(err)
	}
	el, err := belenios.ParseElection([]byte(kit.Election))
	if err != nil {
		t.Fatal(err)
	}
	cred, err := belenios.DeriveCredential(uuid, kit.Credential)
	if err != nil {
		t.Fatal(err)
	}
	b, err := belenios.CreateBallot([]byte(kit.Election), el, cred, votes, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var dataAttr = func(name string) *regexp.Regexp { return regexp.MustCompile(` data-` + name + `="([^"]*)"`) }

// TestBallotFieldOverHTTP posts ballots made outside the server (field
// ballot, as ballot.js posts them) and checks each way such a post is
// refused, and that the browser kit is on the voter's own page only.
func TestBallotFieldOverHTTP(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
			if os.Getenv("TORG_TEST_POSTGRES") == "" {
				continue
			}
		}
		t.Run(name, func(t *testing.T) { ballotField(t, votetest.Start(t, votetest.Options{Postgres: pg})) })
	}
}

func ballotField(t *testing.T, s *votetest.Site) {
	uuid, _ := openReferendum(t, s)
	stem := base + "val/" + uuid + "/stem"

	// The voter's page carries the election and the voter's credential.
	p := do(t, s, "veljar0", "GET", stem, nil)
	want(t, p, 200, "data-ballot-form", `src="/static/ballot.`, "Stemmegivning med JavaScript:", "kunne den i prinsippet fortsatt avgitt en stemme")
	kit, err := s.Service.BrowserKit(t.Context(), votetest.Demo, uuid, votetest.Users["veljar0"].PID)
	if err != nil {
		t.Fatal(err)
	}
	if m := dataAttr("credential").FindStringSubmatch(p.body); m == nil || html.UnescapeString(m[1]) != kit.Credential {
		t.Fatalf("credential on the page: %v, want %s", m, kit.Credential)
	}
	if m := dataAttr("election").FindStringSubmatch(p.body); m == nil || html.UnescapeString(m[1]) != kit.Election {
		t.Fatalf("election on the page: %v\nwant %s", m, kit.Election)
	}
	// Nobody else's page does.
	for _, user := range []string{"", "utanfor", "valansvarleg"} {
		if p := do(t, s, user, "GET", stem, nil); strings.Contains(p.body, "data-credential") || strings.Contains(p.body, kit.Credential) {
			t.Fatalf("%q gets a credential (%d)", user, p.status)
		}
	}

	ballot := goBallot(t, s, uuid, "veljar0", [][]int{{0, 1, 0}})
	raw := string(ballot.Marshal())
	post := func(user, b string) page { return do(t, s, user, "POST", stem, url.Values{"ballot": {b}}) }

	// Bad ballots: each refused on the voting page, next to the question.
	tampered := goBallot(t, s, uuid, "veljar0", [][]int{{0, 0, 1}})
	tampered.Answers[0].Choices[1] = ballot.Answers[0].Choices[1]
	bad := []struct{ name, ballot, msg string }{
		{"garbage", "{}", "Stemmeseddelen er ikke i kanonisk Belenios-form."},
		{"not canonical", strings.Replace(raw, `{"election_uuid":`, `{ "election_uuid":`, 1), "Stemmeseddelen er ikke i kanonisk Belenios-form."},
		{"changed", string(tampered.Marshal()), "Signaturen på stemmeseddelen stemmer ikke."},
		{"another voter's", string(goBallot(t, s, uuid, "veljar1", [][]int{{0, 1, 0}}).Marshal()), "Stemmeseddelen er ikke signert med stemmekoden din."},
		{"too large", raw + strings.Repeat(" ", vote.MaxBallot), "Stemmeseddelen er ugyldig."},
	}
	for _, c := range bad {
		p := post("veljar0", c.ballot)
		want(t, p, 422, c.msg, `href="#val"`, `id="val-error"`, "data-ballot-form")
	}
	// A ballot whose proofs fail but whose signature holds cannot be
	// made without the credential's exponent: see TestBallotJS and
	// package belenios's tamper tests.

	// Someone not on the list cannot cast it.
	want(t, post("utanfor", raw), 403)

	// The voter's own ballot is received, once.
	p = post("veljar0", raw)
	want(t, p, 200, "Stemmen din er mottatt", "Stemmeseddelen ble kryptert i nettleseren din. Serveren så ikke hva du stemte.")
	m := trackerRE.FindStringSubmatch(p.body)
	if m == nil || html.UnescapeString(m[1]) != belenios.Fingerprint([]byte(raw)) {
		t.Fatalf("tracker %v, want %s", m, belenios.Fingerprint([]byte(raw)))
	}
	want(t, post("veljar0", raw), 422, "Nøyaktig denne stemmeseddelen er allerede mottatt.")

	// Without JavaScript the choice is posted and the server encrypts.
	want(t, do(t, s, "veljar1", "POST", stem, url.Values{"val": {"1"}}), 200, "Stemmeseddelen ble kryptert på serveren (stemmegivning uten JavaScript).")
	bd, err := s.Service.Board(t.Context(), votetest.Demo, uuid)
	if err != nil || len(bd.Ballots) != 2 || bd.Ballots[0].Tracker != belenios.Fingerprint([]byte(raw)) {
		t.Fatalf("board %+v %v", bd, err)
	}

	// After the closing time, no ballot and no credential.
	s.Clock.Set(time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC))
	if p := do(t, s, "veljar2", "GET", stem, nil); strings.Contains(p.body, "data-credential") {
		t.Fatal("credential on the page after the closing time")
	}
	want(t, post("veljar2", string(goBallot(t, s, uuid, "veljar2", [][]int{{1, 0, 0}}).Marshal())), 409)
}

// posts records the bodies of the POST requests the tab sends.
type posts struct {
	mu     sync.Mutex
	bodies []string
}

func (p *posts) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request.Method == "POST" {
			var body []byte
			for _, d := range e.Request.PostDataEntries {
				body = append(body, d.Bytes...)
			}
			p.mu.Lock()
			p.bodies = append(p.bodies, string(body))
			p.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// last returns the form of the last POST.
func (p *posts) last(t *testing.T) url.Values {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.bodies) == 0 {
		t.Fatal("no POST request seen")
	}
	v, err := url.ParseQuery(p.bodies[len(p.bodies)-1])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserEncryption votes in headless Chromium three ways: with
// JavaScript (the ballot is made in the browser and only the ballot is
// posted), with a script that fails (the form falls back to posting the
// choice), and with JavaScript off (the choice is posted). Each receipt
// says which way was used, every tracker is on the bulletin board, and the
// tally counts all three ballots. axe-core judges the pages of each way.
func TestBrowserEncryption(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(6*time.Minute))
	s := votetest.Start(t, votetest.Options{})
	uuid, priv := openReferendum(t, s)
	var sent posts
	sent.listen(t, b.Ctx())
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Ctx(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(what string, yes []string, no ...string) {
		t.Helper()
		tx := b.Text(t)
		for _, w := range yes {
			if !strings.Contains(tx, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", what, w, tx)
			}
		}
		for _, w := range no {
			if strings.Contains(tx, w) {
				t.Fatalf("%s: the page has %q:\n%s", what, w, tx)
			}
		}
	}
	tracker := func() string {
		tr, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.getElementById("tracker").textContent`))
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	const modeText = "JavaScript virker i denne nettleseren"
	b.Navigate(t, s.URL+base+"sprak?lang=nb")
	votePage := func(user string) {
		b.Navigate(t, s.URL+"/test/logg-inn?som="+user+"&neste="+url.QueryEscape(base+"val/"+uuid+"/stem"))
		b.Settle(t)
	}
	var trackers []string

	// With JavaScript: encrypted in the browser, only the ballot posted.
	votePage("veljar0")
	text("voting page with JavaScript", []string{modeText, "Stemmegivning med JavaScript:", "Stemmegivning uten JavaScript:"})
	b.CheckA11y(t, "voting page with JavaScript")
	run("choose", chromedp.Click(chromedp.CSS(`#val-0`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	text("receipt, JavaScript", []string{"Stemmen din er mottatt", "Stemmeseddelen ble kryptert i nettleseren din."})
	b.CheckA11y(t, "receipt, ballot made in the browser")
	form := sent.last(t)
	if form.Has("val") || !form.Has("ballot") || len(form) != 1 {
		t.Fatalf("with JavaScript the POST carried %v", keys(form))
	}
	if tr := tracker(); tr != belenios.Fingerprint([]byte(form.Get("ballot"))) {
		t.Fatalf("tracker %s is not the posted ballot's", tr)
	}
	trackers = append(trackers, tracker())

	// The script fails (here: the election on the page is broken): the
	// plain form is posted and the server encrypts.
	votePage("veljar1")
	text("voting page with JavaScript", []string{modeText})
	run("break the page's election", chromedp.Evaluate[chromedp.Void](`document.querySelector("form[data-ballot-form]").dataset.election = "{"`),
		chromedp.Click(chromedp.CSS(`#val-1`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	text("receipt after the script failed", []string{"Stemmen din er mottatt", "Stemmeseddelen ble kryptert på serveren"})
	if form := sent.last(t); form.Get("val") != "1" || form.Has("ballot") {
		t.Fatalf("after the script failed the POST carried %v", keys(form))
	}
	trackers = append(trackers, tracker())

	// Without JavaScript: the choice is posted. (axe-core needs scripts,
	// so they are switched on while it runs, after the page has loaded
	// without them: ballot.js, skipped at load, does not run then.)
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(b.Ctx(), emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	a11y := func(name string) {
		t.Helper()
		scripts(true)
		b.CheckA11y(t, name)
		scripts(false)
	}
	scripts(false)
	votePage("veljar2")
	text("voting page without JavaScript", []string{"Stemmegivning uten JavaScript:", "ser valget ditt et øyeblikk"}, modeText)
	a11y("voting page without JavaScript")
	text("voting page without JavaScript, after axe-core", nil, modeText)
	run("choose", chromedp.Click(chromedp.CSS(`#val-blank`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	text("receipt without JavaScript", []string{"Stemmen din er mottatt", "Stemmeseddelen ble kryptert på serveren (stemmegivning uten JavaScript)."})
	a11y("receipt, ballot made by the server")
	if form := sent.last(t); form.Get("val") != "blank" || form.Has("ballot") {
		t.Fatalf("without JavaScript the POST carried %v", keys(form))
	}
	trackers = append(trackers, tracker())
	scripts(true)

	for _, tr := range trackers {
		b.Navigate(t, s.URL+base+"val/"+uuid+"/tavle?sporing="+url.QueryEscape(tr))
		text("board", []string{"Stemmeseddelen med denne sporingskoden er på oppslagstavlen.", tr})
	}

	// The count: blank, Ja, Nei once each.
	ctx := t.Context()
	s.Clock.Set(time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC))
	if err := s.Service.Close(ctx, votetest.Demo, uuid, votetest.Officer()); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Service.Record(ctx, votetest.Demo, uuid)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := vote.DecryptRecord(priv, rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := s.Service.Trustees(ctx, votetest.Demo, uuid)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Service.SubmitPartial(ctx, votetest.Demo, uuid, ts[0].Token, pd); err != nil {
		t.Fatal(err)
	}
	e, err := s.Service.Get(ctx, votetest.Demo, uuid)
	if err != nil || string(belenios.MarshalResult(e.Result)) != `{"result":[[1,1,1]]}` {
		t.Fatalf("result %v %v", e, err)
	}
}

func keys(v url.Values) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	return out
}
