package server_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestMailReachesTestMailServer queues an e-mail as a module does and
// finds it, sent over SMTP by the background sender, on /testepost/.
func TestMailReachesTestMailServer(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	if srv.TestMail == nil {
		t.Fatal("no test mail server with the test provider on")
	}
	err := srv.DB.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := srv.Mail.Enqueue(context.Background(), tx, notify.Mail{Tenant: "9999", To: "kari@example.no",
			Subject: "Kvittering for søknad 2026/00001", Body: "Vi har fått søknaden din.\nDemo kommune"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.TestMail.Wait(1, 15*time.Second); len(got) != 1 {
		t.Fatalf("%d mails arrived", len(got))
	}
	c := servertest.Client(t)
	for range 2 { // the page can be read more than once
		resp, body := servertest.Get(t, c, srv.URL+"/testepost/")
		if resp.StatusCode != 200 || !strings.Contains(body, "Kvittering for søknad 2026/00001") || !strings.Contains(body, "Vi har fått søknaden din.") {
			t.Fatalf("/testepost/: %d\n%s", resp.StatusCode, body)
		}
	}
}
