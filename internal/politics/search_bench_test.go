package politics_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/politics"
)

// BenchmarkSearch searches a municipality with 20 published meetings of
// 25 decided items each (500 items, 500 documents) on SQLite: Search
// reads the public data and matches in Go on every query.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	c := dbtest.NewClock(start)
	e := newEnv(b, dbtest.SQLite(b, dbtest.Options{Now: c.Now}, schemas...), c, politics.Config{})
	f := e.fixture(b)
	for m := range 20 {
		mt, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(m-30), staff)
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		for i := range 25 {
			it, err := e.svc.AddItem(ctx, demo, mt.ID, politics.ItemForm{Title: "Reguleringsplan for felt " + strconv.Itoa(m*25+i) + " i barnehagesektoren"}, staff)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", pdf("S"), staff); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, it.ID)
		}
		if _, err := e.svc.Publish(ctx, demo, mt.ID, "nb", "", staff); err != nil {
			b.Fatal(err)
		}
		for _, id := range ids {
			if _, err := e.svc.RecordMinutes(ctx, demo, id, politics.MinutesForm{Decision: "Planen vedtas med endringer i bestemmelsene om parkering."}, staff); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		hits, err := e.svc.Search(ctx, demo, "parkeringen")
		if err != nil || len(hits) != politics.MaxHits {
			b.Fatalf("%d hits, %v", len(hits), err)
		}
	}
}
