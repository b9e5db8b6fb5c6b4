package cases

import (
	"context"
	"database/sql"
	"slices"
	"strings"

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
		c.Responsible = Unassigned
	}
	m := archive.Saksmappe{Tittel: c.Title, OffentligTittel: c.PublicTitle, AdministrativEnhet: c.Unit, Saksansvarlig: c.Responsible}
	if c.LegalBasis != "" {
		m.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: accessCode(c.LegalBasis), Skjermingshjemmel: c.LegalBasis,
			SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingPart}}
	}
	m, err := r.Archive.CreateCase(ctx, tx, tenant, m, actor)
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
	case "N", "X":
		j.Journalstatus = "F" // ferdigstilt
		j.Korrespondanseparter = []archive.Korrespondansepart{{Korrespondanseparttype: "IA", Navn: e.Party.Name}}
	}
	if e.Screened {
		j.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: accessCode(e.LegalBasis), Skjermingshjemmel: e.LegalBasis,
			SkjermingMetadata: []string{archive.SkjermingTittelOrd, archive.SkjermingKorrespondansepart}}
	}
	for _, d := range e.Documents {
		role := "V"
		if d.Main {
			role = "H"
		}
		kind := d.Kind
		if kind == "" {
			kind = "Søknad"
		}
		j.Dokumenter = append(j.Dokumenter, archive.Dokumentbeskrivelse{Dokumenttype: kind, Tittel: d.Title, TilknyttetRegistreringSom: role,
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

// SetResponsible implements Record.
func (r ArchiveRecord) SetResponsible(ctx context.Context, tx *sql.Tx, tenant, caseID, name string, actor audit.Entry) error {
	return r.Archive.SetResponsible(ctx, tx, tenant, caseID, name, actor)
}

// accessCode is the tilgangsrestriksjon of a legal basis: "13" for the
// duty of confidentiality (offl. § 13), else the section of the Freedom of
// Information Act it names ("14" for internal documents, ...), "13" when
// none can be read or the section is not one archive.Tilgangskoder has.
func accessCode(basis string) string {
	b := strings.ToLower(basis)
	if !strings.HasPrefix(b, "offl") {
		return "13"
	}
	_, rest, ok := strings.Cut(b, "§")
	if !ok {
		return "13"
	}
	rest = strings.TrimSpace(rest)
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 || !slices.Contains(archive.Tilgangskoder, rest[:n]) {
		return "13"
	}
	return rest[:n]
}
