package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func TestMigrationsBuildSchemaFromEmpty(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		applied, latest, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if applied != latest || latest < 1 {
			t.Fatalf("schema version %d, latest %d", applied, latest)
		}
		// Every table the later features rely on exists and is empty.
		for _, table := range []string{"accounts", "contacts", "events", "messages", "thread_ids", "sync_state",
			"suppressions", "meetings", "once"} {
			var n int
			if err := s.DB().GetContext(ctx, &n, "SELECT COUNT(*) FROM "+table); err != nil {
				t.Errorf("table %s: %v", table, err)
			}
		}
	})
}

func TestMigrationsAreIdempotentOnReopen(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			u := storetest.URL(t, d)
			ctx := context.Background()
			for i := 0; i < 2; i++ {
				s, err := store.Open(ctx, u, clock.NewFake(t0))
				if err != nil {
					t.Fatalf("open #%d: %v", i+1, err)
				}
				id, err := s.Account(ctx, "me@example.com")
				if err != nil || id != 1 {
					t.Fatalf("account id %d, %v", id, err)
				}
				s.Close()
			}
		})
	}
}

func TestContactLifecycleAndTimeline(t *testing.T) {
	clk := clock.NewFake(t0)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		start := clk.Now()
		acct, err := s.Account(ctx, "me@example.com")
		storetest.Must(t, err)
		c := &model.Contact{AccountID: acct, Email: "maria@example.org", Name: "Maria Lopez", Company: "Acme",
			Custom: map[string]string{"linkedin": "mlopez"}, Status: model.Queued, NextAction: "outreach",
			NextActionAt: t0.Add(72 * time.Hour)}
		storetest.Must(t, s.InsertContact(ctx, c, model.EventCreated, "added"))

		clk.Advance(time.Hour + 1500*time.Microsecond)
		storetest.Must(t, s.WithTx(ctx, func(tx *store.Tx) error {
			return tx.WriteStatus(ctx, c, store.Transition{To: model.Contacted, Detail: "outreach sent", MessageID: "a@b"})
		}))

		// A stale writer that still believes the contact is queued loses.
		stale := *c
		stale.Status = model.Queued
		err = s.WriteStatus(ctx, &stale, store.Transition{To: model.Paused})
		if !errors.Is(err, store.ErrStatusChanged) {
			t.Fatalf("stale transition: err = %v, want ErrStatusChanged", err)
		}

		got, err := s.ContactByEmail(ctx, acct, "maria@example.org")
		storetest.Must(t, err)
		if got.Status != model.Contacted || got.Custom["linkedin"] != "mlopez" || got.Company != "Acme" {
			t.Fatalf("contact = %+v", got)
		}
		if want := start.Add(time.Hour + 1500*time.Microsecond).Truncate(time.Millisecond); !got.StatusChangedAt.Equal(want) {
			t.Fatalf("status_changed_at = %v (want ms precision)", got.StatusChangedAt)
		}
		evs, err := s.Events(ctx, c.ID)
		storetest.Must(t, err)
		if len(evs) != 2 || evs[0].Type != model.EventCreated || evs[1].From != model.Queued ||
			evs[1].To != model.Contacted || evs[1].MessageID != "a@b" {
			t.Fatalf("events = %+v", evs)
		}
		counts, err := s.CountByStatus(ctx, acct)
		storetest.Must(t, err)
		if counts[model.Contacted] != 1 || len(counts) != 1 {
			t.Fatalf("counts = %v", counts)
		}
		if _, err := s.ContactByEmail(ctx, acct, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing contact: %v", err)
		}
	})
}

func TestDuplicateContactRejected(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acct, _ := s.Account(ctx, "me@example.com")
		c1 := &model.Contact{AccountID: acct, Email: "a@example.org", Name: "A", Status: model.Queued}
		storetest.Must(t, s.InsertContact(ctx, c1, model.EventCreated, ""))
		c2 := &model.Contact{AccountID: acct, Email: "a@example.org", Name: "A again", Status: model.Queued}
		if err := s.InsertContact(ctx, c2, model.EventCreated, ""); err == nil {
			t.Fatal("second contact with the same address was accepted")
		}
		// Another account may hold the same address.
		other, _ := s.Account(ctx, "other@example.com")
		c3 := &model.Contact{AccountID: other, Email: "a@example.org", Name: "A", Status: model.Queued}
		storetest.Must(t, s.InsertContact(ctx, c3, model.EventCreated, ""))
	})
}

func TestTxRollsBack(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acct, _ := s.Account(ctx, "me@example.com")
		boom := errors.New("boom")
		err := s.WithTx(ctx, func(tx *store.Tx) error {
			c := &model.Contact{AccountID: acct, Email: "x@example.org", Name: "X", Status: model.Queued}
			if err := tx.InsertContact(ctx, c, model.EventCreated, ""); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		cs, _ := s.Contacts(ctx, acct, "")
		if len(cs) != 0 {
			t.Fatalf("rolled-back contact is visible: %v", cs)
		}
	})
}

func TestSuppressionCheckpointOnce(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acct, _ := s.Account(ctx, "me@example.com")
		storetest.Must(t, s.Suppress(ctx, acct, "gone@example.org", "bounced", "m1"))
		storetest.Must(t, s.Suppress(ctx, acct, "gone@example.org", "opted_out", "m2")) // first reason stays
		ok, why, err := s.Suppressed(ctx, acct, "gone@example.org")
		if err != nil || !ok || why != "bounced" {
			t.Fatalf("suppressed = %v %q %v", ok, why, err)
		}
		if ok, _, _ := s.Suppressed(ctx, acct, "here@example.org"); ok {
			t.Fatal("unsuppressed address reported suppressed")
		}

		v, l, err := s.Checkpoint(ctx, acct, "INBOX")
		if err != nil || v != 0 || l != 0 {
			t.Fatalf("empty checkpoint = %d %d %v", v, l, err)
		}
		storetest.Must(t, s.SetCheckpoint(ctx, acct, "INBOX", 4000000000, 17))
		storetest.Must(t, s.SetCheckpoint(ctx, acct, "INBOX", 4000000000, 18))
		v, l, _ = s.Checkpoint(ctx, acct, "INBOX")
		if v != 4000000000 || l != 18 {
			t.Fatalf("checkpoint = %d %d (uint32 range must survive)", v, l)
		}

		first, err := s.Once(ctx, acct, "digest:2026-W48", "sent")
		if err != nil || !first {
			t.Fatalf("once first = %v %v", first, err)
		}
		again, _ := s.Once(ctx, acct, "digest:2026-W48", "sent")
		if again {
			t.Fatal("once ran twice")
		}
		r, ok, _ := s.OnceResult(ctx, acct, "digest:2026-W48")
		if !ok || r != "sent" {
			t.Fatalf("once result %q %v", r, ok)
		}
	})
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	_, err := store.Open(context.Background(), "mysql://u:hunter2@h/db", nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v (must fail and not show the password)", err)
	}
}
