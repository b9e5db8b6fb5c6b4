package cases

import (
	"context"
	"database/sql"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
)

// ArchiveRecord keeps cases in the municipality's Noark 5 record.
type ArchiveRecord struct {
	Archive *archive.Service
}

// Prepare implements Record.
func (r ArchiveRecord) Prepare(ctx context.Context, tx *sql.Tx, tenant, municipalityName string, actor audit.Entry) error {
	_, err := r.Archive.EnsureDefaultsTx(ctx, tx, tenant, municipalityName, actor)
	return err
}

// NewCase implements Record: a saksmappe in the current archive part,
// its title screened (the public title stands in) with the parties.
func (r ArchiveRecord) NewCase(ctx context.Context, tx *sql.Tx, tenant string, c NewCase, actor audit.Entry) (string, string, error) {
	// Until a case worker takes it, the case is the post room's.
	if c.Unit == "" {
		c.Unit = "Postmottak"
	}
	if c.Responsible == "" {
		c.Responsible = "Postmottak"
	}
	m, err := r.Archive.CreateCase(ctx, tx, tenant, archive.Saksmappe{Tittel: c.Title, OffentligTittel: c.PublicTitle, AdministrativEnhet: c.Unit,
		Saksansvarlig: c.Responsible, Skjerming: &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: PersonalMatters,
			SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingPart}}}, actor)
	if err != nil {
		return "", "", err
	}
	return m.SystemID, m.MappeID, nil
}

// NewEntry implements Record.
func (r ArchiveRecord) NewEntry(ctx context.Context, tx *sql.Tx, tenant, caseID string, e NewEntry, actor audit.Entry) (string, error) {
	j := archive.Journalpost{Journalposttype: e.Type, Journalstatus: "J", Tittel: e.Title, OffentligTittel: e.PublicTitle, Dokumentdato: e.Date,
		Saksbehandler: actor.ActorName}
	switch e.Type {
	case "I":
		j.MottattDato = e.Date
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: "EA", Navn: e.Party.Name, Epostadresse: e.Party.Email}}
	case "U":
		j.SendtDato = e.Date
		j.Journalstatus = "E" // ekspedert
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: "EM", Navn: e.Party.Name, Epostadresse: e.Party.Email}}
	case "N":
		j.Journalstatus = "F" // ferdigstilt
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: "IA", Navn: e.Party.Name}}
	}
	if e.Screened {
		j.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: "13", Skjermingshjemmel: e.LegalBasis,
			SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingKorrespondansepart}}
		if e.LegalBasis != PersonalMatters {
			j.Skjerming.Tilgangsrestriksjon = "14"
		}
	}
	for _, d := range e.Documents {
		role := "V"
		if d.Main {
			role = "H"
		}
		j.Dokumenter = append(j.Dokumenter, archive.Dokumentbeskrivelse{Dokumenttype: "Søknad", Tittel: d.Title, TilknyttetRegistreringSom: role,
			Dokumentobjekter: []archive.Dokumentobjekt{{Mimetype: d.Format, BlobID: d.BlobID, Filstoerrelse: d.Size, Filnavn: d.Title}}})
	}
	out, err := r.Archive.AddEntry(ctx, tx, tenant, caseID, j, actor)
	if err != nil {
		return "", err
	}
	return out.SystemID, nil
}

// CloseCase implements Record.
func (r ArchiveRecord) CloseCase(ctx context.Context, tx *sql.Tx, tenant, caseID string, actor audit.Entry) error {
	return r.Archive.SetCaseStatus(ctx, tx, tenant, caseID, archive.SaksstatusAvsluttet, actor)
}
