package politics_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

func TestMessagesComplete(t *testing.T) {
	cat := politicstest.Catalog(t)
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "politics.") && cat.T(i18n.NN, k) == cat.T(i18n.NB, k) && !sameInBoth(k) {
			t.Errorf("%s is the same in nynorsk and bokmål: %q", k, cat.T(i18n.NB, k))
		}
		if strings.HasPrefix(k, "politics.") && cat.T(i18n.EN, k) == cat.T(i18n.NB, k) && !sameInEnglish[k] {
			t.Errorf("%s is the same in English and bokmål: %q", k, cat.T(i18n.NB, k))
		}
	}
}

// sameInBoth reports whether a text is rightly the same in bokmål and
// nynorsk.
func sameInBoth(k string) bool {
	switch k {
	case "politics.error_prefix", "politics.back", "politics.role", "politics.party", "politics.period", "politics.kind.kommunestyre",
		"politics.kind.formannskap", "politics.kind.eldrerad", "politics.kind.ungdomsrad", "politics.role.medlem", "politics.role.varamedlem",
		"politics.doc.saksframlegg", "politics.doc.vedlegg", "politics.vote.for", "politics.vote.against", "politics.vote.abstain", "politics.vote.cast.avstar",
		"politics.overview.title", "politics.people.total", "politics.calendar.title", "politics.calendar.ics", "politics.calendar.when",
		"politics.calendar.body", "politics.calendar.agenda", "politics.calendar.published", "politics.meeting.title", "politics.meeting.edit",
		"politics.meeting.agenda", "politics.meeting.case_ref", "politics.meeting.download", "politics.meeting.decision", "politics.person.write",
		"politics.person.seats", "politics.contact.title", "politics.contact.message", "politics.sent.back", "politics.mail.notice.subject",
		"politics.mail.notice.greeting", "politics.mail.notice.agenda", "politics.mail.contact.reply", "politics.ics.summary", "politics.meeting.published_at", "politics.body.members", "politics.error.decision":
		return true
	}
	return sameCases[k] || strings.HasPrefix(k, "politics.staff.") && sameStaff[strings.TrimPrefix(k, "politics.staff.")]
}

// sameCases are the texts of cases, follows and search that are rightly
// the same in bokmål and nynorsk.
var sameCases = map[string]bool{
	"politics.case.archive_ref":       true,
	"politics.case.archive_ref_short": true,
	"politics.case.decisions":         true,
	"politics.case.origin":            true,
	"politics.case.path":              true,
	"politics.case.signed_by":         true,
	"politics.case.step":              true,
	"politics.case.step_body":         true,
	"politics.case.step_body_n":       true,
	"politics.case.title_field":       true,
	"politics.cases.title":            true,
	"politics.error.external_key":     true,
	"politics.event.decision":         true,
	"politics.event.document":         true,
	"politics.event.meeting":          true,
	"politics.feed.title":             true,
	"politics.follow.button":          true,
	"politics.follow.email":           true,
	"politics.follow.end_lead":        true,
	"politics.follow.page_title":      true,
	"politics.follow.sent_title":      true,
	"politics.follow.title":           true,
	"politics.hit.case":               true,
	"politics.hit.document":           true,
	"politics.hit.item":               true,
	"politics.official.bodies":        true,
	"politics.search.button":          true,
	"politics.search.count":           true,
	"politics.search.decision":        true,
	"politics.search.label":           true,
	"politics.search.title":           true,
	"politics.search.title_q":         true,
	"politics.staff.case":             true,
	"politics.staff.cases":            true,
	"politics.staff.new_case":         true,
	"politics.staff.save_path":        true,
}

var sameStaff = map[string]bool{"title": true, "create_meeting": true, "state": true, "state_planned": true, "body": true, "date": true,
	"date_hint": true, "clock_hint": true, "address": true, "stream": true, "video": true, "media": true, "save_media": true, "item_number": true,
	"item_title": true, "access": true, "decided": true, "delete": true, "doc_kind": true, "file": true, "doc_title": true, "upload_button": true,
	"minutes": true, "decision": true, "offset": true, "save_minutes": true}

// sameInEnglish are the texts that are rightly the same in English and
// bokmål.
var sameInEnglish = map[string]bool{"politics.vote.for": true, "politics.feed.title": true}

// TestKeysExist checks that every key the module's code and templates
// use, written out or built at run time, is in the catalogue.
func TestKeysExist(t *testing.T) {
	cat := politicstest.Catalog(t)
	var keys []string
	for _, k := range politics.Kinds() {
		keys = append(keys, "politics.kind."+k)
	}
	for _, r := range politics.Roles() {
		keys = append(keys, "politics.role."+r)
	}
	for _, v := range []string{politics.VoteFor, politics.VoteAgainst, politics.VoteAbstain} {
		keys = append(keys, "politics.vote.cast."+v)
	}
	keys = append(keys, "politics.doc."+politics.DocMain, "politics.doc."+politics.DocAttachment)
	for _, o := range politics.Origins() {
		keys = append(keys, "politics.origin."+o)
	}
	for _, st := range []string{politics.StepDone, politics.StepNow, politics.StepPlanned} {
		keys = append(keys, "politics.step."+st)
	}
	for _, h := range []string{politics.HitCase, politics.HitItem, politics.HitDocument} {
		keys = append(keys, "politics.hit."+h)
	}
	literal := regexp.MustCompile(`"((?:politics|error|shell)\.[a-z0-9_.]+[a-z0-9_])"`)
	audit := regexp.MustCompile(`^politics\.(term|party|body|person|membership|meeting|item|document|contact|case|follow)\.(add|create|update|media|publish|delete|minutes|read|send|path|request|confirm|end)$`)
	var files []string
	for _, pattern := range []string{"*.go", "templates/*.html", "oparl/*.go"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !audit.MatchString(m[1]) {
				keys = append(keys, m[1])
			}
		}
	}
	if len(keys) < 250 {
		t.Errorf("found only %d keys: is the scan looking in the right place?", len(keys))
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("key %q is not in every catalogue", k)
		}
	}
}
