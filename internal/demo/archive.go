package demo

import (
	"context"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
)

// DemoJournalEntries is how many generated journal entries the demo
// municipality's archive gets, so the public journal has something to
// search before anyone has sent a form.
const DemoJournalEntries = 3000

// SeedArchive fills the demo municipality's Noark 5 archive once with
// generated cases and journal entries (realistic titles, parties and dates,
// about 10 % screened; see archive.Service.Seed), when it has none yet.
func SeedArchive(ctx context.Context, svc *archive.Service, blobs blob.Store) error {
	parts, err := svc.Arkivdeler(ctx, Number)
	if err != nil || len(parts) > 0 {
		return err
	}
	_, err = svc.Seed(ctx, Number, "Demo kommune", archive.SeedOptions{Entries: DemoJournalEntries, Years: 2, Blobs: blobs, Documents: 50},
		audit.Entry{ActorID: "system:demo", ActorName: "Demo", Role: "system"})
	return err
}
