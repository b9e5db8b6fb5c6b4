package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

func upload(t *testing.T, c *http.Client, url, field string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if field != "" {
		fw, _ := mw.CreateFormFile(field, "kvittering.pdf")
		fw.Write(data)
	}
	mw.Close()
	resp, err := c.Post(url, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	_, s := servertest.ReadAll(t, resp)
	return resp.StatusCode, s
}

// TestReceiptVerification signs receipts with Demo kommune's key and
// checks them on its verification page: genuine ones are valid, a changed
// byte, another municipality's receipt and non-receipts are not, and bad
// uploads get clear messages.
func TestReceiptVerification(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	srv.AddTenant(t, "4601", "Bergen")
	ctx := context.Background()
	signer, err := srv.Forms.ReceiptSigner(ctx, "9999")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := srv.Forms.ReceiptSigner(ctx, "9999"); again.KeyID != signer.KeyID {
		t.Fatal("a second signing key was made")
	}
	r := receipt.Receipt{Municipality: "Demo kommune", MunicipalityNo: "9999", Service: "Søknad om barnehageplass", FormID: "barnehageplass",
		FormVersion: 1, Reference: "2026/00042", SubmittedAt: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC), Submitter: "Kari Nordmann",
		SubmitterID: "158388 *****", Items: []receipt.Item{{Label: "Barnets navn", Value: "Ola"}}, ProcessingDays: 30, Lang: "nb",
		VerifyURL: srv.URL + "/k/9999/kvittering/kontroller"}
	pdf, err := signer.PDF(r)
	if err != nil {
		t.Fatal(err)
	}
	js, err := signer.JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(pdf)
	tampered[len(tampered)/2] ^= 1
	bergen, _ := srv.Forms.ReceiptSigner(ctx, "4601")
	r2 := r
	r2.Municipality, r2.MunicipalityNo = "Bergen", "4601"
	bergenPDF, _ := bergen.PDF(r2)

	c := servertest.Client(t)
	url := srv.URL + "/k/9999/kvittering/kontroller"
	tests := []struct {
		name   string
		field  string
		data   []byte
		status int
		want   []string
	}{
		{"genuine PDF", "fil", pdf, 200, []string{"Kvitteringen er gyldig", "2026/00042", "Søknad om barnehageplass", "23.11.2026 10:30"}},
		{"genuine JSON", "fil", js, 200, []string{"Kvitteringen er gyldig", "2026/00042"}},
		{"one byte changed", "fil", tampered, 200, []string{"Kvitteringen er ikke gyldig"}},
		{"another municipality's receipt", "fil", bergenPDF, 200, []string{"Kvitteringen er ikke gyldig", "nøkkel kommunen ikke har publisert"}},
		{"not a receipt", "fil", []byte("%PDF-1.4 hello"), 200, []string{"Kvitteringen er ikke gyldig"}},
		{"no file", "", nil, 400, []string{"Velg kvitteringsfilen", `href="#fil"`, `aria-invalid="true"`}},
		{"empty file", "fil", []byte{}, 400, []string{"Filen er tom"}},
		{"too large", "fil", bytes.Repeat([]byte("x"), 6<<20), 413, []string{"større enn 5 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := upload(t, c, url, tt.field, tt.data)
			if status != tt.status {
				t.Fatalf("status %d, want %d\n%s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q\n%s", w, body)
				}
			}
		})
	}
	// A plain form post (not multipart) is answered as a missing file.
	resp, body := servertest.PostForm(t, c, url, nil)
	if resp.StatusCode != 400 || !strings.Contains(body, "Velg kvitteringsfilen") {
		t.Errorf("urlencoded post: %d", resp.StatusCode)
	}
	// The published keys verify the PDF outside Torg too.
	resp, body = servertest.Get(t, c, srv.URL+"/k/9999/kvittering/nokler.json")
	keys, err := receipt.ParsePublicKeys([]byte(body))
	if err != nil || resp.Header.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("keys: %v %s", err, resp.Header.Get("Content-Type"))
	}
	if _, err := receipt.Verify(pdf, keys); err != nil {
		t.Errorf("the published keys do not verify the receipt: %v", err)
	}
}
