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
	return strings.HasPrefix(k, "politics.staff.") && sameStaff[strings.TrimPrefix(k, "politics.staff.")]
}

var sameStaff = map[string]bool{"title": true, "create_meeting": true, "state": true, "state_planned": true, "body": true, "date": true,
	"date_hint": true, "clock_hint": true, "address": true, "stream": true, "video": true, "media": true, "save_media": true, "item_number": true,
	"item_title": true, "access": true, "decided": true, "delete": true, "doc_kind": true, "file": true, "doc_title": true, "upload_button": true,
	"minutes": true, "decision": true, "offset": true, "save_minutes": true}

// sameInEnglish are the texts that are rightly the same in English and
// bokmål.
var sameInEnglish = map[string]bool{"politics.vote.for": true}

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
	literal := regexp.MustCompile(`"((?:politics|error|shell)\.[a-z0-9_.]+[a-z0-9_])"`)
	audit := regexp.MustCompile(`^politics\.(term|party|body|person|membership|meeting|item|document|contact)\.(add|create|update|media|publish|delete|minutes|read|send)$`)
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
