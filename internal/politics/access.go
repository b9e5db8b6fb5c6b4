package politics

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// Viewer is who looks at a meeting: the public (the zero Viewer), the
// secretariat, or an elected official signed in as staff.
type Viewer struct {
	Secretariat bool
	// Official is the lower-case e-mail address of an official signed in
	// as staff with the role identity.RoleOfficial; empty for others.
	Official string
}

// ViewerOf returns the Viewer of a signed-in user (nil: the public). Only
// staff sign-in counts: a citizen is the public.
func ViewerOf(u *web.User) Viewer {
	if u == nil || !u.Staff {
		return Viewer{}
	}
	v := Viewer{Secretariat: u.Has(identity.RoleSecretariat)}
	if u.Has(identity.RoleOfficial) {
		email := u.Email
		if email == "" {
			email, _ = strings.CutPrefix(u.Principal, "email:")
		}
		v.Official = strings.ToLower(strings.TrimSpace(email))
	}
	return v
}

// Public reports whether v is the public.
func (v Viewer) Public() bool { return !v.Secretariat && v.Official == "" }

// mayReadRestricted reports whether v may see the exempt content of
// meeting m: the secretariat always; an official when the notice is sent
// and they have a seat in m's body on the meeting's day.
func (s *Service) mayReadRestricted(ctx context.Context, q querier, tenant string, m Meeting, v Viewer) (bool, error) {
	if v.Secretariat {
		return true, nil
	}
	if v.Official == "" || !m.Published() {
		return false, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT ms.start_date, ms.end_date FROM politics_memberships ms
		JOIN politics_people p ON p.tenant_id = ms.tenant_id AND p.id = ms.person_id
		WHERE ms.tenant_id = $1 AND ms.body_id = $2 AND p.email = $3`, tenant, m.BodyID, v.Official)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	day := m.Day()
	for rows.Next() {
		var ms Membership
		if err := rows.Scan(&ms.Start, &ms.End); err != nil {
			return false, err
		}
		if ms.ActiveOn(day) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// documentPublic reports whether document d of item it in meeting m is
// public: the notice is sent, the meeting is open, and neither the item
// nor the document is exempt.
func documentPublic(m Meeting, it Item, d Document) bool {
	return itemPublic(m, it) && !d.Exempt
}

// itemPublic reports whether item it of meeting m is public.
func itemPublic(m Meeting, it Item) bool {
	return m.Published() && !m.Closed && !it.Exempt
}

// ItemView is an agenda item as a viewer may see it.
type ItemView struct {
	Item
	// Hidden says the item is exempt (or the meeting closed) and the
	// viewer may not see it: Title is the public title, and Decision,
	// Vote, CaseRef and Documents are empty.
	Hidden bool
	// Restricted says the item is exempt or the meeting closed, and the
	// viewer may see it.
	Restricted bool
	Documents  []DocumentView
}

// DocumentView is a document a viewer may see.
type DocumentView struct {
	Document
	// Restricted says the document is not public: the viewer sees it by
	// their role.
	Restricted bool
}

// MeetingView is a meeting as a viewer may see it.
type MeetingView struct {
	Meeting
	Body Body
	// Items is empty until the notice is sent, except for the
	// secretariat.
	Items []ItemView
	// Restricted says the viewer may see exempt content of this meeting.
	Restricted bool
}

// redact returns the items of m as the viewer may see them; restricted
// says whether they may see exempt content. This is the one place that
// decides what of an agenda is shown.
func redact(m Meeting, items []Item, docs map[string][]Document, restricted, secretariat bool) []ItemView {
	if !m.Published() && !secretariat {
		return nil
	}
	out := make([]ItemView, 0, len(items))
	for _, it := range items {
		public := itemPublic(m, it)
		if !public && !restricted {
			// Built field by field, so that nothing else (the case
			// reference, the political case, the decision) can slip
			// through.
			out = append(out, ItemView{Hidden: true, Item: Item{ID: it.ID, MeetingID: it.MeetingID, Position: it.Position, Number: it.Number,
				Title: it.PublicTitle, Exempt: it.Exempt, LegalBasis: it.LegalBasis, PublicTitle: it.PublicTitle, VideoOffset: -1,
				Created: it.Created, Modified: it.Modified}})
			continue
		}
		v := ItemView{Item: it, Restricted: !public}
		for _, d := range docs[it.ID] {
			dp := documentPublic(m, it, d)
			if !dp && !restricted {
				continue
			}
			v.Documents = append(v.Documents, DocumentView{Document: d, Restricted: !dp})
		}
		out = append(out, v)
	}
	return out
}

// MeetingDetail returns a meeting with its agenda, documents, decisions
// and votes as v may see them. Errors: NotFound.
func (s *Service) MeetingDetail(ctx context.Context, tenant, id string, v Viewer) (MeetingView, error) {
	const op = errs.Op("politics.MeetingDetail")
	m, err := s.meetingTx(ctx, s.db, tenant, id)
	if err != nil {
		return MeetingView{}, errs.E(op, err)
	}
	body, err := s.Body(ctx, tenant, m.BodyID)
	if err != nil {
		return MeetingView{}, errs.E(op, err)
	}
	restricted, err := s.mayReadRestricted(ctx, s.db, tenant, m, v)
	if err != nil {
		return MeetingView{}, errs.E(op, err)
	}
	out := MeetingView{Meeting: m, Body: body, Restricted: restricted}
	if m.Published() || v.Secretariat {
		items, docs, err := s.agenda(ctx, s.db, tenant, id)
		if err != nil {
			return MeetingView{}, errs.E(op, err)
		}
		out.Items = redact(m, items, docs, restricted, v.Secretariat)
	}
	return out, nil
}

// File is a document to send to a viewer.
type File struct {
	Document
	Meeting Meeting
	Public  bool
}

// Document returns a case document and its content, if v may read it:
// anyone when it is public, the secretariat always, and the officials with
// a seat in the meeting's body once the notice is sent. A read of a
// document that is not public is audited with actor, in a transaction of
// its own. To anyone else the document does not exist. Errors: NotFound.
func (s *Service) Document(ctx context.Context, tenant, id string, v Viewer, actor audit.Entry) (File, io.ReadCloser, error) {
	const op = errs.Op("politics.Document")
	d, err := s.documentTx(ctx, s.db, tenant, id)
	if err != nil {
		return File{}, nil, errs.E(op, err)
	}
	it, m, err := s.itemTx(ctx, s.db, tenant, d.ItemID)
	if err != nil {
		return File{}, nil, errs.E(op, err)
	}
	f := File{Document: d, Meeting: m, Public: documentPublic(m, it, d)}
	if !f.Public {
		ok, err := s.mayReadRestricted(ctx, s.db, tenant, m, v)
		if err != nil {
			return File{}, nil, errs.E(op, err)
		}
		if !ok {
			return File{}, nil, errs.E(op, errs.NotFound, errs.Key("politics.error.document_not_found"))
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "politics.document.read", "document:"+d.ID
		if actor.Purpose == "" {
			actor.Purpose = "møtebehandling"
		}
		actor.Detail = it.Number + " " + d.FileName
		if _, err := s.audit.Record(ctx, actor); err != nil {
			return File{}, nil, errs.E(op, err)
		}
	}
	rc, err := s.blobs.Open(ctx, d.BlobSum)
	if err != nil {
		return File{}, nil, errs.E(op, err)
	}
	return f, rc, nil
}

// Data is everything of a municipality's politics that is public, for
// the OParl API: the same rules as MeetingDetail for the public, applied
// when it is read, so nothing that is not public is in it.
type Data struct {
	Terms       []Term
	Parties     []Party
	Bodies      []Body
	People      []Person // Email is cleared
	Memberships []Membership
	// Meetings are every meeting; Items only those of published
	// meetings, Hidden ones redacted.
	Meetings []Meeting
	Items    map[string][]ItemView // by meeting id
	// Cases are the political cases, with their paths; a hidden item
	// does not say which case it handles.
	Cases []Case
	// Now is when the data was read.
	Now time.Time
}

// PublicData reads everything public of tenant. Exempt documents, and the
// titles, decisions and documents of exempt items and closed meetings, are
// not in it.
func (s *Service) PublicData(ctx context.Context, tenant string) (Data, error) {
	const op = errs.Op("politics.PublicData")
	d := Data{Items: map[string][]ItemView{}, Now: s.db.Now()}
	var err error
	if d.Terms, err = s.Terms(ctx, tenant); err != nil {
		return Data{}, errs.E(op, err)
	}
	if d.Parties, err = s.Parties(ctx, tenant); err != nil {
		return Data{}, errs.E(op, err)
	}
	if d.Bodies, err = s.Bodies(ctx, tenant); err != nil {
		return Data{}, errs.E(op, err)
	}
	if d.People, err = s.People(ctx, tenant); err != nil {
		return Data{}, errs.E(op, err)
	}
	for i := range d.People {
		d.People[i].Email = ""
	}
	if d.Memberships, err = s.Memberships(ctx, tenant); err != nil {
		return Data{}, errs.E(op, err)
	}
	if d.Meetings, err = s.Meetings(ctx, tenant, "", time.Time{}, time.Time{}); err != nil {
		return Data{}, errs.E(op, err)
	}
	if d.Cases, err = s.Cases(ctx, tenant); err != nil {
		return Data{}, errs.E(op, err)
	}
	items, docs, err := s.publishedAgendas(ctx, tenant)
	if err != nil {
		return Data{}, errs.E(op, err)
	}
	for _, m := range d.Meetings {
		if m.Published() {
			d.Items[m.ID] = redact(m, items[m.ID], docs, false, false)
		}
	}
	return d, nil
}

// publishedAgendas reads the items of every published meeting of tenant,
// by meeting, and their documents, by item, in a few queries.
func (s *Service) publishedAgendas(ctx context.Context, tenant string) (map[string][]Item, map[string][]Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.meeting_id, i.position, i.number, i.title, i.case_ref, i.exempt, i.legal_basis, i.public_title,
			i.decision, i.decided_at, i.votes_for, i.votes_against, i.votes_abstain, i.video_offset, i.created_at, i.modified_at, COALESCE(i.case_id, '')
		FROM politics_items i JOIN politics_meetings m ON m.tenant_id = i.tenant_id AND m.id = i.meeting_id
		WHERE i.tenant_id = $1 AND m.published_at IS NOT NULL ORDER BY i.meeting_id, i.position, i.id`, tenant)
	if err != nil {
		return nil, nil, err
	}
	items := map[string][]Item{}
	var voted []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		items[it.MeetingID] = append(items[it.MeetingID], it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for mid := range items {
		for i := range items[mid] {
			if items[mid][i].Vote != nil {
				voted = append(voted, &items[mid][i])
			}
		}
	}
	if err := s.loadAllVotes(ctx, s.db, tenant, voted); err != nil {
		return nil, nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT d.id, d.item_id, d.kind, d.title, d.file_name, d.blob_sum, d.sha1, d.size, d.exempt, d.legal_basis, d.position,
			d.created_at, d.modified_at
		FROM politics_documents d JOIN politics_items i ON i.tenant_id = d.tenant_id AND i.id = d.item_id
		JOIN politics_meetings m ON m.tenant_id = i.tenant_id AND m.id = i.meeting_id
		WHERE d.tenant_id = $1 AND m.published_at IS NOT NULL ORDER BY d.item_id, d.position, d.id`, tenant)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	docs := map[string][]Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, nil, err
		}
		docs[d.ItemID] = append(docs[d.ItemID], d)
	}
	return items, docs, rows.Err()
}

// loadAllVotes fills in the votes by party and by member of items, in two
// queries.
func (s *Service) loadAllVotes(ctx context.Context, q querier, tenant string, items []*Item) error {
	if len(items) == 0 {
		return nil
	}
	byID := map[string]*Item{}
	for _, it := range items {
		byID[it.ID] = it
	}
	rows, err := q.QueryContext(ctx, `SELECT item_id, party_id, n_for, n_against, n_abstain FROM politics_party_votes WHERE tenant_id = $1 ORDER BY item_id, party_id`, tenant)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var pv PartyVote
		if err := rows.Scan(&id, &pv.PartyID, &pv.For, &pv.Against, &pv.Abstain); err != nil {
			rows.Close()
			return err
		}
		if it := byID[id]; it != nil {
			it.Vote.ByParty = append(it.Vote.ByParty, pv)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT item_id, person_id, vote FROM politics_member_votes WHERE tenant_id = $1 ORDER BY item_id, person_id`, tenant)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var mv MemberVote
		if err := rows.Scan(&id, &mv.PersonID, &mv.Vote); err != nil {
			return err
		}
		if it := byID[id]; it != nil {
			it.Vote.ByMember = append(it.Vote.ByMember, mv)
		}
	}
	return rows.Err()
}

// Municipalities returns the municipalities that keep political data here
// (at least one body), by number: the bodies of the OParl API.
func (s *Service) Municipalities(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT tenant_id FROM politics_bodies ORDER BY tenant_id`)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Municipalities"), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, errs.E(errs.Op("politics.Municipalities"), err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FirstActivity returns when tenant's first body was created, zero when
// there is none: the OParl body's oparlSince.
func (s *Service) FirstActivity(ctx context.Context, tenant string) (time.Time, error) {
	bodies, err := s.Bodies(ctx, tenant)
	if err != nil {
		return time.Time{}, errs.E(errs.Op("politics.FirstActivity"), err)
	}
	var first time.Time
	for _, b := range bodies {
		if first.IsZero() || b.Created.Before(first) {
			first = b.Created
		}
	}
	return first, nil
}
