package vote_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
	"github.com/torg-ekommune/torg/internal/vote/votetest"
)

const base = "/k/" + votetest.Demo + "/"

type page struct {
	status int
	body   string
	loc    string
}

func do(t *testing.T, s *votetest.Site, user, method, path string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := s.Client(user).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b), res.Header.Get("Location")}
}

func want(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d\n%.3000s", p.status, status, p.body)
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) && !strings.Contains(html.UnescapeString(p.body), c) {
			t.Fatalf("page lacks %q\n%.4000s", c, p.body)
		}
	}
}

var trackerRE = regexp.MustCompile(`<code class="tracker" id="tracker">([A-Za-z0-9+/&#;]{43,70})</code>`)

// TestReferendumOverHTTP runs a referendum through the pages as the
// officer, two trustees and ten voters would, and checks the downloaded
// record with Verify and belenios-tool.
func TestReferendumOverHTTP(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
			if os.Getenv("TORG_TEST_POSTGRES") == "" {
				continue
			}
		}
		t.Run(name, func(t *testing.T) { referendum(t, votetest.Start(t, votetest.Options{Postgres: pg})) })
	}
}

func referendum(t *testing.T, s *votetest.Site) {
	const off = "valansvarleg"
	want(t, do(t, s, off, "GET", base+"tilsett/val", nil), 200, `action="`+base+`tilsett/val"`)
	want(t, do(t, s, "sakshandsamar", "GET", base+"tilsett/val", nil), 403)
	if p := do(t, s, "", "GET", base+"tilsett/val", nil); p.status != 303 {
		t.Fatalf("signed out: %d", p.status)
	}
	// Errors next to the fields, with a summary.
	bad := do(t, s, off, "POST", base+"tilsett/val", url.Values{"namn": {""}, "sporsmal": {"Q"}, "opnar": {"i morgon"}, "stengjer": {"2026-11-30T20:00"}})
	want(t, bad, 422, `href="#namn"`, `id="namn-error"`, `href="#opnar"`, "Skriv et navn.")
	// The officer's own answers: the same one twice is refused next to
	// the field, and what was typed stays in it.
	twice := do(t, s, off, "POST", base+"tilsett/val", url.Values{"namn": {"Namn"}, "sporsmal": {"Kva skal skulen heite?"}, "svar": {"Åsen skule\r\nåsen skule"},
		"opnar": {"2026-11-23T14:00"}, "stengjer": {"2026-11-30T20:00"}})
	want(t, twice, 422, `href="#svar"`, `id="svar-error"`, "To svaralternativer er like.", "Åsen skule\nåsen skule</textarea>")
	p := do(t, s, off, "POST", base+"tilsett/val", url.Values{"namn": {"Folkeavstemming <script>alert(1)</script>"}, "sporsmal": {"Skal skulen på Øvre Å leggjast ned?"},
		"blank": {"1"}, "niva": {"idporten-loa-substantial"}, "opnar": {"2026-11-23T14:00"}, "stengjer": {"2026-11-30T20:00"}})
	want(t, p, 303)
	uuid := strings.TrimPrefix(p.loc, base+"tilsett/val/")
	if len(uuid) != 14 {
		t.Fatalf("location %q", p.loc)
	}
	staff := base + "tilsett/val/" + uuid
	// Not public while in setup.
	want(t, do(t, s, "", "GET", base+"val/"+uuid, nil), 404)

	keys := map[string][]byte{}
	for _, name := range []string{"Tora Tillit", "Per Pålitelig"} {
		want(t, do(t, s, off, "POST", staff+"/tillitsvalde", url.Values{"namn": {name}, "epost": {"x@example.no"}}), 303)
	}
	want(t, do(t, s, off, "POST", staff+"/tillitsvalde", url.Values{"namn": {"Ola"}, "epost": {"ikkje-epost"}}), 422, `id="epost-error"`)
	sp := do(t, s, off, "GET", staff, nil)
	want(t, sp, 200, "&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(sp.body, "<script>alert(1)") {
		t.Fatal("the name is not escaped")
	}
	links := regexp.MustCompile(`href="(`+regexp.QuoteMeta(base)+`val/`+uuid+`/tillitsvald/[A-Za-z0-9_-]+)"`).FindAllStringSubmatch(sp.body, -1)
	if len(links) != 2 {
		t.Fatalf("%d trustee links", len(links))
	}
	for i, l := range links {
		k, err := belenios.NewTrusteeKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		want(t, do(t, s, "", "GET", l[1], nil), 200, "torg election trustee keygen")
		// The private key by mistake: refused with the reason.
		want(t, do(t, s, "", "POST", l[1], url.Values{"nokkel": {k.PrivateKeyJSON()}}), 422, `id="nokkel-error"`, "ikke den private nøkkelen")
		want(t, do(t, s, "", "POST", l[1], url.Values{"nokkel": {string(belenios.MarshalTrusteePublicKey(k.Public))}}), 303)
		keys[l[1]] = []byte(k.PrivateKeyJSON())
		_ = i
	}
	want(t, do(t, s, "", "GET", base+"val/"+uuid+"/tillitsvald/feil", nil), 404)
	pids := votetest.PIDs(votetest.Voters)
	want(t, do(t, s, off, "POST", staff+"/veljarar", url.Values{"veljarar": {"fnr\n12345678901\n"}}), 422, `id="veljarar-error"`, "2")
	want(t, do(t, s, off, "POST", staff+"/veljarar", url.Values{"veljarar": {"fnr\n" + strings.Join(pids, "\n")}}), 303)
	want(t, do(t, s, off, "POST", staff+"/opne", nil), 303)
	want(t, do(t, s, off, "POST", staff+"/opne", nil), 409, "Valget er åpent")

	vp := base + "val/" + uuid + "/stem"
	want(t, do(t, s, "veljar0", "GET", vp, nil), 200, "Det kan stemmes fra")
	s.Clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	if p := do(t, s, "", "GET", vp, nil); p.status != 303 || !strings.Contains(p.loc, "logg-inn") {
		t.Fatalf("signed out voting page: %d %q", p.status, p.loc)
	}
	want(t, do(t, s, "utanfor", "GET", vp, nil), 200, "Du står ikke i manntallet")
	want(t, do(t, s, "utanfor", "POST", vp, url.Values{"val": {"0"}}), 403)
	want(t, do(t, s, "veljar0", "GET", vp, nil), 200, "Stemmegivning uten JavaScript:", `name="val" value="blank"`)
	want(t, do(t, s, "veljar0", "POST", vp, url.Values{}), 422, `href="#val"`, `id="val-error"`)
	want(t, do(t, s, "veljar0", "POST", vp, url.Values{"val": {"9"}}), 422, `id="val-error"`)
	choices := []string{"0", "0", "0", "0", "0", "0", "1", "1", "1", "blank"}
	var trackers []string
	for i, c := range choices {
		p := do(t, s, fmt.Sprintf("veljar%d", i), "POST", vp, url.Values{"val": {c}})
		want(t, p, 200)
		m := trackerRE.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no tracker on the receipt\n%s", p.body)
		}
		trackers = append(trackers, html.UnescapeString(m[1]))
	}
	again := do(t, s, "veljar0", "POST", vp, url.Values{"val": {"1"}})
	want(t, again, 200, "erstatter den du ga tidligere")
	want(t, do(t, s, "veljar0", "GET", vp, nil), 200, "Du har allerede stemt (2")
	board := do(t, s, "", "GET", base+"val/"+uuid+"/tavle?sporing="+url.QueryEscape(trackers[3]), nil)
	want(t, board, 200, trackers[3], "er på oppslagstavlen", "Erstattet av en senere stemme", "11 avgitt, 10 teller")

	want(t, do(t, s, off, "POST", staff+"/lukk", nil), 409, "kan ikke stenges før")
	s.Clock.Set(time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC))
	want(t, do(t, s, "veljar1", "POST", vp, url.Values{"val": {"1"}}), 409, "Valget er stengt")
	want(t, do(t, s, off, "POST", staff+"/lukk", nil), 303)

	first := true
	for link, priv := range keys {
		rec := do(t, s, "", "GET", base+"val/"+uuid+"/"+uuid+".bel", nil)
		want(t, rec, 200)
		pd, err := vote.DecryptRecord(priv, []byte(rec.body), nil)
		if err != nil {
			t.Fatal(err)
		}
		if first {
			// A decryption with a wrong factor: refused, with the reason.
			d, _ := belenios.ParsePartialDecryption(pd)
			d.Factors[0][0] = belenios.G
			want(t, do(t, s, "", "POST", link, url.Values{"dekryptering": {string(d.Marshal())}}), 422, `id="dekryptering-error"`, "Bevisene i den delvise dekrypteringen")
			first = false
		}
		want(t, do(t, s, "", "POST", link, url.Values{"dekryptering": {string(pd)}}), 303)
	}
	want(t, do(t, s, off, "GET", staff, nil), 200, "Publiser resultat")
	// Not public before it is published.
	if p := do(t, s, "", "GET", base+"val/"+uuid, nil); strings.Contains(p.body, "<h2>Resultat</h2>") {
		t.Fatal("result shown before publishing")
	}
	want(t, do(t, s, off, "POST", staff+"/publiser", nil), 303)
	res := do(t, s, "", "GET", base+"val/"+uuid, nil)
	want(t, res, 200, "<h2>Resultat</h2>", `<th scope="row">Ja</th><td>5</td>`, `<th scope="row">Nei</th><td>4</td>`, `<th scope="row">Blanke</th><td>1</td>`)
	rec := do(t, s, "", "GET", base+"val/"+uuid+"/"+uuid+".bel", nil)
	want(t, rec, 200)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, uuid+".bel"), []byte(rec.body), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := belenios.Verify(dir)
	if err != nil || string(belenios.MarshalResult(r.Result)) != `{"result":[[1,5,4]]}` {
		t.Fatalf("Verify: %v %+v", err, r)
	}
	if tool, err := exec.LookPath("belenios-tool"); err == nil {
		out, err := exec.Command(tool, "election", "verify", "--dir", dir).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "all checks passed") {
			t.Fatalf("belenios-tool: %v\n%s", err, out)
		}
	} else if os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
		t.Fatal("belenios-tool required")
	}
	// Other municipality: nothing.
	want(t, do(t, s, "", "GET", "/k/"+votetest.Other+"/val/"+uuid, nil), 404)
	want(t, do(t, s, "", "GET", "/k/"+votetest.Other+"/val/"+uuid+"/"+uuid+".bel", nil), 404)
	want(t, do(t, s, "", "GET", base+"val/"+uuid+"/annan.bel", nil), 404)
	want(t, do(t, s, "", "GET", base+"val", nil), 200, uuid)
}

// TestVoteRateLimit: a voter who casts more ballots than VoteRate in an
// hour is refused with 429 and a message.
func TestVoteRateLimit(t *testing.T) {
	s := votetest.Start(t, votetest.Options{Config: vote.Config{VoteRate: 2}})
	ctx := t.Context()
	off := votetest.Officer()
	uuid, err := s.Service.Create(ctx, votetest.Demo, vote.ElectionForm{Name: "R", Question: "Q?", OpensAt: "2026-11-23T14:00", ClosesAt: "2026-11-30T20:00"}, off)
	if err != nil {
		t.Fatal(err)
	}
	tt, _ := s.Service.AddTrustee(ctx, votetest.Demo, uuid, "T", "t@example.no", off)
	k, _ := belenios.NewTrusteeKey(nil)
	if err := s.Service.SetTrusteeKey(ctx, votetest.Demo, uuid, tt.Token, belenios.MarshalTrusteePublicKey(k.Public)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.SetVoters(ctx, votetest.Demo, uuid, []byte(strings.Join(votetest.PIDs(2), "\n")), off); err != nil {
		t.Fatal(err)
	}
	if err := s.Service.Open(ctx, votetest.Demo, uuid, off); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	vp := base + "val/" + uuid + "/stem"
	want(t, do(t, s, "veljar0", "POST", vp, url.Values{"val": {"0"}}), 200)
	want(t, do(t, s, "veljar0", "POST", vp, url.Values{"val": {"1"}}), 200)
	want(t, do(t, s, "veljar0", "POST", vp, url.Values{"val": {"0"}}), 429, "for mange ganger")
	want(t, do(t, s, "veljar1", "POST", vp, url.Values{"val": {"0"}}), 200)
}
