package vote_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/vote"
	"github.com/torg-ekommune/torg/internal/vote/votetest"
)

// TestThresholdPagesOverHTTP: the officer creates a 2-of-2 threshold
// election on the page (a bad threshold is refused next to its field);
// each trustee's page shows the step due and its exact command, takes the
// certificate, refuses a file for a step already done or not yet due with
// a clear message, and hands out the certificates only once all are in.
func TestThresholdPagesOverHTTP(t *testing.T) {
	s := votetest.Start(t, votetest.Options{})
	const off = "valansvarleg"
	form := url.Values{"namn": {"Terskelval"}, "sporsmal": {"Skal vi?"}, "niva": {"idporten-loa-substantial"},
		"opnar": {"2026-11-23T14:00"}, "stengjer": {"2026-11-30T20:00"}, "nokkelmodus": {"threshold"}, "terskel": {"7"}}
	want(t, do(t, s, off, "POST", base+"tilsett/val", form), 422, `href="#terskel"`, `id="terskel-error"`, "Terskelen må være fra 1 til 5.")
	form.Set("terskel", "2")
	p := do(t, s, off, "POST", base+"tilsett/val", form)
	want(t, p, 303)
	uuid := strings.TrimPrefix(p.loc, base+"tilsett/val/")
	staff := base + "tilsett/val/" + uuid
	for _, name := range []string{"Tora Tillit", "Per Pålitelig"} {
		want(t, do(t, s, off, "POST", staff+"/tillitsvalde", url.Values{"namn": {name}, "epost": {"x@example.no"}}), 303)
	}
	sp := do(t, s, off, "GET", staff, nil)
	want(t, sp, 200, "Terskel: 2 av de tillitsvalgte må dekryptere.", "Steg 1: sertifikat")
	links := regexp.MustCompile(`href="(`+regexp.QuoteMeta(base)+`val/`+uuid+`/tillitsvald/[A-Za-z0-9_-]+)"`).FindAllStringSubmatch(sp.body, -1)
	if len(links) != 2 {
		t.Fatalf("%d trustee links", len(links))
	}
	t1, t2 := links[0][1], links[1][1]
	want(t, do(t, s, "", "GET", t1, nil), 200, "torg election trustee threshold-keygen --out", `name="steg" value="cert"`)
	want(t, do(t, s, "", "GET", t1+"/certs.jsons", nil), 404)

	_, cert1, err := vote.ThresholdKeygen(nil)
	if err != nil {
		t.Fatal(err)
	}
	want(t, do(t, s, "", "POST", t1, url.Values{"steg": {"cert"}, "innhald": {"{}"}}), 422, `id="innhald-error"`, "Dette er ikke et sertifikat")
	p = do(t, s, "", "POST", t1, url.Values{"steg": {"cert"}, "innhald": {string(cert1)}})
	want(t, p, 303)
	want(t, do(t, s, "", "GET", p.loc, nil), 200, "Sertifikatet er lagret.", "Venter på at alle de tillitsvalgte")
	want(t, do(t, s, "", "POST", t1, url.Values{"steg": {"cert"}, "innhald": {string(cert1)}}), 409, "Du har allerede gjort dette steget.")
	want(t, do(t, s, "", "POST", t1, url.Values{"steg": {"polynomial"}, "innhald": {"{}"}}), 409, "Dette steget kan ikke gjøres ennå")

	_, cert2, _ := vote.ThresholdKeygen(nil)
	want(t, do(t, s, "", "POST", t2, url.Values{"steg": {"cert"}, "innhald": {string(cert2)}}), 303)
	want(t, do(t, s, "", "GET", t1, nil), 200, "--threshold 2 --out polynom.json", `name="steg" value="polynomial"`, "certs.jsons")
	c := do(t, s, "", "GET", t1+"/certs.jsons", nil)
	want(t, c, 200)
	if certs, err := vote.ParseCerts([]byte(c.body)); err != nil || len(certs) != 2 {
		t.Fatalf("certs.jsons: %d %v", len(certs), err)
	}
	want(t, do(t, s, "", "GET", t1+"/vinput-1.json", nil), 404)
	want(t, do(t, s, "", "GET", t1+"/vinput-2.json", nil), 404)
	want(t, do(t, s, off, "POST", staff+"/opne", nil), 409, "Tora Tillit er ikke ferdig med nøkkelseremonien ennå.")
}
