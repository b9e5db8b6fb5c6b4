package forms_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
)

func each(t *testing.T, fn func(t *testing.T, s *forms.Store, c *dbtest.Clock)) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			c := dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
			var d *db.DB
			if pg {
				d = dbtest.Postgres(t, dbtest.Options{Now: c.Now}, audit.Schema, forms.Schema)
			} else {
				d = dbtest.SQLite(t, dbtest.Options{Now: c.Now}, audit.Schema, forms.Schema)
			}
			fn(t, forms.NewStore(d, audit.New(d)), c)
		})
	}
}

const kari = "pid:15838810028"

func submission(d forms.Draft) forms.Submission {
	return forms.Submission{Tenant: d.Tenant, FormID: d.FormID, Version: d.Version, DraftID: d.ID, Owner: d.Owner,
		SubmitterName: "Kari Nordmann", SubmitterPID: "15838810028", Answers: json.RawMessage(`{"a":1}`)}
}

func TestDraftsAndSubmit(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		d, err := s.CreateDraft(ctx, "9999", "barnehageplass", 1, kari, "soker")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Draft(ctx, "9999", d.ID, "pid:02917510108"); !errs.Is(errs.NotFound, err) {
			t.Errorf("another person's draft: %v", err)
		}
		if _, err := s.Draft(ctx, "4601", d.ID, kari); !errs.Is(errs.NotFound, err) {
			t.Errorf("draft seen from another municipality: %v", err)
		}
		if err := s.SaveDraft(ctx, "9999", d.ID, kari, json.RawMessage(`{"name":"Kari"}`), "barn"); err != nil {
			t.Fatal(err)
		}
		got, err := s.Draft(ctx, "9999", d.ID, kari)
		if err != nil || string(got.Answers) != `{"name":"Kari"}` || got.Page != "barn" {
			t.Fatalf("draft = %+v, %v", got, err)
		}
		if list, _ := s.Drafts(ctx, "9999", kari); len(list) != 1 {
			t.Errorf("drafts = %d", len(list))
		}
		sub, created, err := s.Submit(ctx, submission(d), nil)
		if err != nil || !created || sub.Reference != "2026/00001" {
			t.Fatalf("Submit = %+v, %v, %v", sub, created, err)
		}
		again, created, err := s.Submit(ctx, submission(d), nil)
		if err != nil || created || again.ID != sub.ID || again.Reference != sub.Reference {
			t.Fatalf("resubmit = %+v, %v, %v", again, created, err)
		}
		if _, err := s.Draft(ctx, "9999", d.ID, kari); !errs.Is(errs.NotFound, err) {
			t.Error("the draft outlived its submission")
		}
		if _, err := s.Submission(ctx, "9999", sub.ID, "pid:02917510108"); !errs.Is(errs.NotFound, err) {
			t.Error("another person reads Kari's submission")
		}
		if list, _ := s.Submissions(ctx, "9999", kari, 10); len(list) != 1 || list[0].Reference != "2026/00001" {
			t.Errorf("submissions = %+v", list)
		}
	})
}

// TestConcurrentDoubleSubmits submits 25 drafts twice each, all at once:
// 25 submissions, numbered 1 to 25 without gaps or repeats.
func TestConcurrentDoubleSubmits(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		var drafts []forms.Draft
		for range 25 {
			d, err := s.CreateDraft(ctx, "9999", "kontakt", 1, kari, "p1")
			if err != nil {
				t.Fatal(err)
			}
			drafts = append(drafts, d)
		}
		var mu sync.Mutex
		refsByDraft := map[string]map[string]bool{}
		var wg sync.WaitGroup
		for _, d := range drafts {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sub, _, err := s.Submit(ctx, submission(d), nil)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if refsByDraft[d.ID] == nil {
						refsByDraft[d.ID] = map[string]bool{}
					}
					refsByDraft[d.ID][sub.Reference] = true
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		var refs []string
		for id, r := range refsByDraft {
			if len(r) != 1 {
				t.Errorf("draft %s got %d different references", id, len(r))
			}
			for ref := range r {
				refs = append(refs, ref)
			}
		}
		sort.Strings(refs)
		for i, ref := range refs {
			if want := fmt.Sprintf("2026/%05d", i+1); ref != want {
				t.Fatalf("references %v: gap or repeat at %d", refs, i)
			}
		}
		if list, _ := s.Submissions(ctx, "9999", kari, 100); len(list) != 25 {
			t.Errorf("%d submissions, want 25", len(list))
		}
	})
}

func TestHookFailureLeavesNothing(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		d, _ := s.CreateDraft(ctx, "9999", "kontakt", 1, kari, "p1")
		boom := errors.New("outbox full")
		_, _, err := s.Submit(ctx, submission(d), func(context.Context, *sql.Tx, forms.Submission) (json.RawMessage, error) { return nil, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("Submit = %v", err)
		}
		if _, err := s.Draft(ctx, "9999", d.ID, kari); err != nil {
			t.Errorf("the draft is gone after a failed submit: %v", err)
		}
		in := submission(d)
		in.Attachments = []forms.Attachment{{Path: "f", ID: "ab", Name: "a.pdf", ContentType: "application/pdf", Size: 3}}
		sub, _, err := s.Submit(ctx, in, func(context.Context, *sql.Tx, forms.Submission) (json.RawMessage, error) {
			return json.RawMessage(`{"receipt":{}}`), nil
		})
		if err != nil || sub.Reference != "2026/00001" {
			t.Errorf("after a failed submit, the number was used up: %+v %v", sub, err)
		}
		got, err := s.Submission(ctx, "9999", sub.ID, kari)
		if err != nil || string(got.Receipt) != `{"receipt":{}}` || len(got.Attachments) != 1 || got.Attachments[0] != in.Attachments[0] {
			t.Errorf("stored submission = %+v, %v", got, err)
		}
	})
}

func TestExpiryAndYear(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		d, _ := s.CreateDraft(ctx, "9999", "kontakt", 1, kari, "p1")
		c.Add(forms.DraftLifetime + time.Minute)
		if _, err := s.Draft(ctx, "9999", d.ID, kari); !errs.Is(errs.NotFound, err) {
			t.Errorf("expired draft: %v", err)
		}
		if _, _, err := s.Submit(ctx, submission(d), nil); !errs.Is(errs.NotFound, err) {
			t.Errorf("submit of an expired draft: %v", err)
		}
		if n, err := s.DeleteExpiredDrafts(ctx); n != 1 || err != nil {
			t.Errorf("DeleteExpiredDrafts = %d, %v", n, err)
		}
		// 23:30 UTC on New Year's Eve is already the new year in Norway.
		c.Set(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
		d, _ = s.CreateDraft(ctx, "9999", "kontakt", 1, kari, "p1")
		if sub, _, err := s.Submit(ctx, submission(d), nil); err != nil || sub.Reference != "2027/00001" {
			t.Errorf("new year: %+v %v", sub, err)
		}
	})
}
