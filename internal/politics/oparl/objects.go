package oparl

import (
	"net/http"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/politics"
)

// object is one OParl object of a municipality, with what lists need to
// filter and sort it.
type object struct {
	url               string
	created, modified time.Time
	value             any
}

// objects are all OParl objects of a municipality.
type objects struct {
	bodyURL string
	body    object
	byKind  map[string][]object
	byURL   map[string]object
}

func (o *objects) add(kind string, obj object) {
	o.byKind[kind] = append(o.byKind[kind], obj)
	o.byURL[obj.url] = obj
}

type bodyObject struct {
	ID                  string        `json:"id"`
	Type                string        `json:"type"`
	System              string        `json:"system,omitempty"`
	ShortName           string        `json:"shortName,omitempty"`
	Name                string        `json:"name"`
	Website             string        `json:"website,omitempty"`
	OparlSince          string        `json:"oparlSince,omitempty"`
	AGS                 string        `json:"ags,omitempty"`
	Organization        string        `json:"organization"`
	Person              string        `json:"person"`
	Meeting             string        `json:"meeting"`
	Paper               string        `json:"paper"`
	LegislativeTerm     []*termObject `json:"legislativeTerm"`
	AgendaItem          string        `json:"agendaItem,omitempty"`
	Consultation        string        `json:"consultation,omitempty"`
	File                string        `json:"file,omitempty"`
	LocationList        string        `json:"locationList,omitempty"`
	LegislativeTermList string        `json:"legislativeTermList,omitempty"`
	Membership          string        `json:"membership,omitempty"`
	Classification      string        `json:"classification,omitempty"`
	Keyword             []string      `json:"keyword,omitempty"`
	Created             string        `json:"created,omitempty"`
	Modified            string        `json:"modified,omitempty"`
	Web                 string        `json:"web,omitempty"`
}

type termObject struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Body      string `json:"body,omitempty"`
	Name      string `json:"name,omitempty"`
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
	Created   string `json:"created,omitempty"`
	Modified  string `json:"modified,omitempty"`
}

type organizationObject struct {
	ID               string   `json:"id"`
	Type             string   `json:"type"`
	Body             string   `json:"body,omitempty"`
	Name             string   `json:"name,omitempty"`
	Membership       []string `json:"membership,omitempty"`
	Meeting          string   `json:"meeting,omitempty"`
	ShortName        string   `json:"shortName,omitempty"`
	OrganizationType string   `json:"organizationType,omitempty"`
	Classification   string   `json:"classification,omitempty"`
	StartDate        string   `json:"startDate,omitempty"`
	EndDate          string   `json:"endDate,omitempty"`
	MemberCount      *int     `json:"memberCount,omitempty"`
	Created          string   `json:"created,omitempty"`
	Modified         string   `json:"modified,omitempty"`
	Web              string   `json:"web,omitempty"`
}

type personObject struct {
	ID         string              `json:"id"`
	Type       string              `json:"type"`
	Body       string              `json:"body,omitempty"`
	Name       string              `json:"name,omitempty"`
	FamilyName string              `json:"familyName,omitempty"`
	GivenName  string              `json:"givenName,omitempty"`
	Status     []string            `json:"status,omitempty"`
	Membership []*membershipObject `json:"membership,omitempty"`
	Created    string              `json:"created,omitempty"`
	Modified   string              `json:"modified,omitempty"`
	Web        string              `json:"web,omitempty"`
}

type membershipObject struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Person       string `json:"person,omitempty"`
	Organization string `json:"organization,omitempty"`
	Role         string `json:"role,omitempty"`
	VotingRight  bool   `json:"votingRight"`
	StartDate    string `json:"startDate,omitempty"`
	EndDate      string `json:"endDate,omitempty"`
	OnBehalfOf   string `json:"onBehalfOf,omitempty"`
	Created      string `json:"created,omitempty"`
	Modified     string `json:"modified,omitempty"`
}

type locationObject struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	Description   string   `json:"description,omitempty"`
	StreetAddress string   `json:"streetAddress,omitempty"`
	Room          string   `json:"room,omitempty"`
	Meetings      []string `json:"meetings,omitempty"`
	Created       string   `json:"created,omitempty"`
	Modified      string   `json:"modified,omitempty"`
}

type meetingObject struct {
	ID           string              `json:"id"`
	Type         string              `json:"type"`
	Name         string              `json:"name,omitempty"`
	MeetingState string              `json:"meetingState,omitempty"`
	Start        string              `json:"start,omitempty"`
	End          string              `json:"end,omitempty"`
	Location     *locationObject     `json:"location,omitempty"`
	Organization []string            `json:"organization,omitempty"`
	AgendaItem   []*agendaItemObject `json:"agendaItem,omitempty"`
	Keyword      []string            `json:"keyword,omitempty"`
	Created      string              `json:"created,omitempty"`
	Modified     string              `json:"modified,omitempty"`
	Web          string              `json:"web,omitempty"`
}

type agendaItemObject struct {
	ID             string `json:"id"`
	Type           string `json:"type"`
	Meeting        string `json:"meeting,omitempty"`
	Number         string `json:"number,omitempty"`
	Order          int    `json:"order"`
	Name           string `json:"name,omitempty"`
	Public         bool   `json:"public"`
	Consultation   string `json:"consultation,omitempty"`
	ResolutionText string `json:"resolutionText,omitempty"`
	Created        string `json:"created,omitempty"`
	Modified       string `json:"modified,omitempty"`
	Web            string `json:"web,omitempty"`
}

type paperObject struct {
	ID            string                `json:"id"`
	Type          string                `json:"type"`
	Body          string                `json:"body,omitempty"`
	Name          string                `json:"name,omitempty"`
	Reference     string                `json:"reference,omitempty"`
	Date          string                `json:"date,omitempty"`
	PaperType     string                `json:"paperType,omitempty"`
	MainFile      *fileObject           `json:"mainFile,omitempty"`
	AuxiliaryFile []*fileObject         `json:"auxiliaryFile,omitempty"`
	Consultation  []*consultationObject `json:"consultation,omitempty"`
	Created       string                `json:"created,omitempty"`
	Modified      string                `json:"modified,omitempty"`
	Web           string                `json:"web,omitempty"`
}

type consultationObject struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	Paper        string   `json:"paper,omitempty"`
	AgendaItem   string   `json:"agendaItem,omitempty"`
	Meeting      string   `json:"meeting,omitempty"`
	Organization []string `json:"organization,omitempty"`
	Created      string   `json:"created,omitempty"`
	Modified     string   `json:"modified,omitempty"`
}

type fileObject struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	Name         string   `json:"name,omitempty"`
	FileName     string   `json:"fileName,omitempty"`
	MimeType     string   `json:"mimeType,omitempty"`
	Date         string   `json:"date,omitempty"`
	Size         int64    `json:"size"`
	SHA1Checksum string   `json:"sha1Checksum,omitempty"`
	AccessURL    string   `json:"accessUrl"`
	DownloadURL  string   `json:"downloadUrl,omitempty"`
	Meeting      []string `json:"meeting,omitempty"`
	AgendaItem   []string `json:"agendaItem,omitempty"`
	Paper        []string `json:"paper,omitempty"`
	Created      string   `json:"created,omitempty"`
	Modified     string   `json:"modified,omitempty"`
	Web          string   `json:"web,omitempty"`
}

// build makes every OParl object of m. Texts (role names, kinds) are in
// bokmål, the language the content is written in.
func (a *api) build(r *http.Request, m *municipality) *objects {
	base := a.base(r)
	d := m.data
	t := func(key string) string { return a.cat.T(i18n.NB, key) }
	bodyURL := base + "/oparl/v1/body/" + m.t.ID
	site := base + "/k/" + m.t.ID + "/"
	o := &objects{bodyURL: bodyURL, byKind: map[string][]object{}, byURL: map[string]object{}}
	u := func(kind, id string) string { return bodyURL + "/" + kind + "/" + id }
	orgOfBody := func(id string) string { return u("organization", "organ-"+id) }
	orgOfParty := func(id string) string {
		if id == "" {
			return ""
		}
		return u("organization", "parti-"+id)
	}
	var first, last time.Time
	see := func(created, modified time.Time) {
		if first.IsZero() || created.Before(first) {
			first = created
		}
		if modified.After(last) {
			last = modified
		}
	}
	day := politics.Oslo()
	today := d.Now.In(day).Format("2006-01-02")

	// Legislative terms.
	terms := map[string]politics.Term{}
	var termObjs []*termObject
	for _, tm := range d.Terms {
		terms[tm.ID] = tm
		obj := &termObject{ID: u("legislativeterm", tm.ID), Type: typePrefix + "LegislativeTerm", Body: bodyURL, Name: tm.Name,
			StartDate: tm.Start, EndDate: tm.End, Created: stamp(tm.Created), Modified: stamp(tm.Modified)}
		termObjs = append(termObjs, obj)
		o.add("legislativeterm", object{url: obj.ID, created: tm.Created, modified: tm.Modified, value: obj})
		see(tm.Created, tm.Modified)
	}

	// Memberships, by person and by body.
	byPerson := map[string][]*membershipObject{}
	byBody := map[string][]string{}
	members := map[string]int{}
	for _, ms := range d.Memberships {
		obj := &membershipObject{ID: u("membership", ms.ID), Type: typePrefix + "Membership", Person: u("person", ms.PersonID), Organization: orgOfBody(ms.BodyID),
			Role: t("politics.role." + ms.Role), VotingRight: ms.VotingRight, StartDate: ms.Start, EndDate: ms.End, OnBehalfOf: orgOfParty(ms.PartyID),
			Created: stamp(ms.Created), Modified: stamp(ms.Modified)}
		o.add("membership", object{url: obj.ID, created: ms.Created, modified: ms.Modified, value: obj})
		byPerson[ms.PersonID] = append(byPerson[ms.PersonID], obj)
		byBody[ms.BodyID] = append(byBody[ms.BodyID], obj.ID)
		if ms.ActiveOn(today) && ms.VotingRight && ms.Role != politics.RoleDeputy {
			members[ms.BodyID]++
		}
		see(ms.Created, ms.Modified)
	}

	// Organizations: the bodies and the parties.
	for _, b := range d.Bodies {
		obj := &organizationObject{ID: orgOfBody(b.ID), Type: typePrefix + "Organization", Body: bodyURL, Name: b.Name, ShortName: b.ShortName,
			Membership: byBody[b.ID], Meeting: orgOfBody(b.ID) + "/meetings", OrganizationType: "Gremium", Classification: t("politics.kind." + b.Kind),
			Created: stamp(b.Created), Modified: stamp(b.Modified), Web: site + "politikk/organ/" + b.ID}
		if tm, ok := terms[b.TermID]; ok {
			obj.StartDate, obj.EndDate = tm.Start, tm.End
		}
		n := members[b.ID]
		obj.MemberCount = &n
		o.add("organization", object{url: obj.ID, created: b.Created, modified: b.Modified, value: obj})
		see(b.Created, b.Modified)
	}
	for _, p := range d.Parties {
		obj := &organizationObject{ID: orgOfParty(p.ID), Type: typePrefix + "Organization", Body: bodyURL, Name: p.Name, ShortName: p.ShortName,
			OrganizationType: "Partei", Created: stamp(p.Created), Modified: stamp(p.Modified), Web: site + "politikk/folkevalgte#parti-" + p.ID}
		o.add("organization", object{url: obj.ID, created: p.Created, modified: p.Modified, value: obj})
		see(p.Created, p.Modified)
	}

	// People. Their e-mail addresses are not in the data, and would not
	// be given if they were.
	for _, p := range d.People {
		obj := &personObject{ID: u("person", p.ID), Type: typePrefix + "Person", Body: bodyURL, Name: p.Name(), FamilyName: p.FamilyName, GivenName: p.GivenName,
			Membership: byPerson[p.ID], Created: stamp(p.Created), Modified: stamp(p.Modified), Web: site + "politikk/person/" + p.ID}
		if p.Title != "" {
			obj.Status = []string{p.Title}
		}
		o.add("person", object{url: obj.ID, created: p.Created, modified: p.Modified, value: obj})
		see(p.Created, p.Modified)
	}

	// Meetings with their locations, agenda items, papers, consultations
	// and files.
	bodies := map[string]politics.Body{}
	for _, b := range d.Bodies {
		bodies[b.ID] = b
	}
	// A political case is one Paper, with a Consultation for each public
	// item that handles it; an item without a case is a Paper of its own.
	cases := map[string]*casePaper{}
	for _, c := range d.Cases {
		cases[c.ID] = &casePaper{c: c, modified: c.Modified, p: &paperObject{ID: u("paper", c.ID), Type: typePrefix + "Paper", Body: bodyURL, Name: c.Title,
			Reference: c.ArchiveRef, Date: date(c.Created), PaperType: "Politisk sak", Created: stamp(c.Created), Web: site + "politikk/sak/" + c.ID}}
	}
	locations := map[string]*locationObject{}
	var locationOrder []string
	locTimes := map[string][2]time.Time{}
	for _, mt := range d.Meetings {
		mURL := u("meeting", mt.ID)
		modified := mt.Modified
		state := "terminiert"
		switch {
		case mt.Held(d.Now) && mt.Published():
			state = "durchgeführt"
			if mt.End.After(modified) {
				modified = mt.End
			}
		case mt.Published():
			state = "eingeladen"
		}
		obj := &meetingObject{ID: mURL, Type: typePrefix + "Meeting", Name: bodies[mt.BodyID].Name + " " + mt.Start.In(day).Format("02.01.2006"),
			MeetingState: state, Start: stamp(mt.Start), End: stamp(mt.End), Organization: []string{orgOfBody(mt.BodyID)},
			Created: stamp(mt.Created), Modified: stamp(modified), Web: site + "politikk/mote/" + mt.ID}
		if mt.Closed {
			obj.Keyword = []string{t("politics.meeting.closed_short")}
		}
		lid := locationID(mt.Place, mt.Address)
		loc, ok := locations[lid]
		if !ok {
			loc = &locationObject{ID: u("location", lid), Type: typePrefix + "Location", Description: strings.TrimPrefix(mt.Place+", "+mt.Address, ", "),
				StreetAddress: mt.Address, Room: mt.Place}
			locations[lid] = loc
			locationOrder = append(locationOrder, lid)
		}
		loc.Meetings = append(loc.Meetings, mURL)
		lt := locTimes[lid]
		if lt[0].IsZero() || mt.Created.Before(lt[0]) {
			lt[0] = mt.Created
		}
		if modified.After(lt[1]) {
			lt[1] = modified
		}
		locTimes[lid] = lt
		obj.Location = &locationObject{ID: loc.ID, Type: loc.Type, Description: loc.Description, StreetAddress: loc.StreetAddress, Room: loc.Room}
		for _, it := range d.Items[mt.ID] {
			iURL := u("agendaitem", it.ID)
			ai := &agendaItemObject{ID: iURL, Type: typePrefix + "AgendaItem", Meeting: mURL, Number: it.Number, Order: it.Position, Name: it.Title,
				Public: !it.Hidden, Created: stamp(it.Created), Modified: stamp(it.Modified), Web: site + "politikk/mote/" + mt.ID + "#sak-" + it.ID}
			if ai.Name == "" {
				ai.Name = t("politics.exempt_title")
			}
			if !it.Hidden {
				ai.Consultation = u("consultation", it.ID)
				ai.ResolutionText = it.Decision
				a.paper(o, u, bodyURL, site, mt, it, orgOfBody(mt.BodyID), cases[it.CaseID])
			}
			obj.AgendaItem = append(obj.AgendaItem, ai)
			o.add("agendaitem", object{url: iURL, created: it.Created, modified: it.Modified, value: ai})
			see(it.Created, it.Modified)
		}
		o.add("meeting", object{url: mURL, created: mt.Created, modified: modified, value: obj})
		see(mt.Created, modified)
	}
	for _, c := range d.Cases {
		cp := cases[c.ID]
		cp.p.Modified = stamp(cp.modified)
		o.add("paper", object{url: cp.p.ID, created: c.Created, modified: cp.modified, value: cp.p})
		see(c.Created, cp.modified)
	}
	for _, lid := range locationOrder {
		loc := locations[lid]
		lt := locTimes[lid]
		loc.Created, loc.Modified = stamp(lt[0]), stamp(lt[1])
		o.add("location", object{url: loc.ID, created: lt[0], modified: lt[1], value: loc})
	}

	// The Body itself, created with the municipality's first data and
	// modified with its last change.
	if first.IsZero() {
		first = m.t.CreatedAt
	}
	if last.IsZero() {
		last = first
	}
	body := &bodyObject{ID: bodyURL, Type: typePrefix + "Body", System: base + "/oparl/v1/system", ShortName: m.t.NameNB, Name: m.t.NameNB,
		Website: site, OparlSince: stamp(first), AGS: m.t.ID, Organization: bodyURL + "/organizations", Person: bodyURL + "/people",
		Meeting: bodyURL + "/meetings", Paper: bodyURL + "/papers", LegislativeTerm: termObjs, AgendaItem: bodyURL + "/agendaitems",
		Consultation: bodyURL + "/consultations", File: bodyURL + "/files", LocationList: bodyURL + "/locations",
		LegislativeTermList: bodyURL + "/legislativeterms", Membership: bodyURL + "/memberships", Classification: "Kommune",
		Created: stamp(first), Modified: stamp(last), Web: site + "politikk"}
	if body.LegislativeTerm == nil {
		body.LegislativeTerm = []*termObject{}
	}
	o.body = object{url: bodyURL, created: first, modified: last, value: body}
	return o
}

// casePaper is the Paper of a political case while it is built.
type casePaper struct {
	c        politics.Case
	p        *paperObject
	modified time.Time
}

// paper adds the Consultation of a public item and its Files, and the
// Paper they belong to: the item's own, or, when the item handles a
// political case (cp not nil), the case's, which build adds when all its
// items are in.
func (a *api) paper(o *objects, u func(kind, id string) string, bodyURL, site string, mt politics.Meeting, it politics.ItemView, org string, cp *casePaper) {
	pURL, cURL, iURL, mURL := u("paper", it.ID), u("consultation", it.ID), u("agendaitem", it.ID), u("meeting", mt.ID)
	if cp != nil {
		pURL = cp.p.ID
	}
	cons := &consultationObject{ID: cURL, Type: typePrefix + "Consultation", Paper: pURL, AgendaItem: iURL, Meeting: mURL, Organization: []string{org},
		Created: stamp(it.Created), Modified: stamp(it.Modified)}
	o.add("consultation", object{url: cURL, created: it.Created, modified: it.Modified, value: cons})
	p := &paperObject{ID: pURL, Type: typePrefix + "Paper", Body: bodyURL, Name: it.Title, Reference: it.CaseRef, Date: date(mt.PublishedAt),
		PaperType: "Saksframlegg", Consultation: []*consultationObject{cons}, Created: stamp(it.Created), Modified: stamp(it.Modified),
		Web: site + "politikk/mote/" + mt.ID + "#sak-" + it.ID}
	if p.Reference == "" {
		p.Reference = it.Number
	}
	if cp != nil {
		p = cp.p
		p.Consultation = append(p.Consultation, cons)
		if it.Modified.After(cp.modified) {
			cp.modified = it.Modified
		}
		if p.Reference == "" {
			p.Reference = it.CaseRef
		}
	}
	for _, dv := range it.Documents {
		if dv.Restricted {
			continue // never, as PublicData has none; kept as a second lock
		}
		doc := dv.Document
		f := &fileObject{ID: u("file", doc.ID), Type: typePrefix + "File", Name: doc.Title, FileName: doc.FileName, MimeType: "application/pdf",
			Date: date(mt.PublishedAt), Size: doc.Size, SHA1Checksum: doc.SHA1, AccessURL: site + "politikk/dokument/" + doc.ID,
			DownloadURL: site + "politikk/dokument/" + doc.ID + "/last-ned", Meeting: []string{mURL}, AgendaItem: []string{iURL}, Paper: []string{pURL},
			Created: stamp(doc.Created), Modified: stamp(doc.Modified), Web: site + "politikk/mote/" + mt.ID + "#sak-" + it.ID}
		o.add("file", object{url: f.ID, created: doc.Created, modified: doc.Modified, value: f})
		if cp != nil && doc.Modified.After(cp.modified) {
			cp.modified = doc.Modified
		}
		if doc.Kind == politics.DocMain && p.MainFile == nil {
			p.MainFile = f
		} else {
			p.AuxiliaryFile = append(p.AuxiliaryFile, f)
		}
	}
	if cp == nil {
		o.add("paper", object{url: pURL, created: it.Created, modified: it.Modified, value: p})
	}
}
