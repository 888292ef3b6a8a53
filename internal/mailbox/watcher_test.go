package mailbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/mailbox"
	"rapport/internal/testmail"
)

func startWatcher(t *testing.T, cfg mailbox.WatcherConfig, h mailbox.Handler) *mailbox.Watcher {
	t.Helper()
	w, err := mailbox.NewWatcher(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("watcher did not stop")
		}
	})
	return w
}

func syncW(t *testing.T, w *mailbox.Watcher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

func TestWatcherSeesDeliveryViaIdle(t *testing.T) {
	srv := testmail.NewIMAP(t)
	srv.Deliver("INBOX", rawMsg("old@example.org", "before start"))
	h := newMemHandler()
	// A clock that never moves: no poll, no IDLE restart, so only EXISTS
	// can wake the watcher.
	fake := clock.NewFake(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w := startWatcher(t, mailbox.WatcherConfig{IMAP: cfgFor(srv), Clock: fake}, h)
	syncW(t, w)
	if !h.has("INBOX", "old@example.org") {
		t.Fatal("catch-up missed a message delivered before start")
	}
	for len(h.notify) > 0 {
		<-h.notify
	}

	srv.Deliver("INBOX", rawMsg("new@example.org", "while idling"))
	select {
	case <-h.notify:
	case <-time.After(time.Second):
		t.Fatal("delivered message not handled within a second")
	}
	got := h.handled()
	if len(got) != 2 || got[1].messageID != "new@example.org" || got[1].uid != 2 {
		t.Fatalf("handled %+v", got)
	}
	if f := srv.Flags("INBOX"); len(f[1]) != 0 || len(f[2]) != 0 {
		t.Errorf("watching changed flags: %v", f)
	}
}

func TestWatcherSurvivesServerRestart(t *testing.T) {
	srv := testmail.NewIMAP(t)
	h := newMemHandler()
	// Backoff of seconds, run 500 times faster.
	clk := clock.NewScaled(time.Now(), 500)
	cfg := cfgFor(srv)
	cfg.CommandTimeout = 2 * time.Second
	startWatcher(t, mailbox.WatcherConfig{IMAP: cfg, Clock: clk}, h)

	srv.Deliver("INBOX", rawMsg("m1@example.org", "one"))
	eventually(t, 5*time.Second, "m1", func() bool { return h.has("INBOX", "m1@example.org") })

	srv.Close()
	srv.Deliver("INBOX", rawMsg("m2@example.org", "two, while down"))
	srv.Restart()
	srv.Deliver("INBOX", rawMsg("m3@example.org", "three, after restart"))
	eventually(t, 10*time.Second, "m2 and m3", func() bool {
		return h.has("INBOX", "m2@example.org") && h.has("INBOX", "m3@example.org")
	})
	// Let another IDLE round pass, then check for duplicates.
	srv.Deliver("INBOX", rawMsg("m4@example.org", "four"))
	eventually(t, 5*time.Second, "m4", func() bool { return h.has("INBOX", "m4@example.org") })

	ids := h.ids("INBOX")
	want := []string{"m1@example.org", "m2@example.org", "m3@example.org", "m4@example.org"}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("handled %v, want each of %v exactly once", ids, want)
	}
}

func TestWatcherReportsUIDValidityChange(t *testing.T) {
	srv := testmail.NewIMAP(t)
	h := newMemHandler()
	fake := clock.NewFake(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w := startWatcher(t, mailbox.WatcherConfig{IMAP: cfgFor(srv), Clock: fake, IdleRestart: 9 * time.Minute}, h)
	srv.Deliver("INBOX", rawMsg("u1@example.org", "one"))
	syncW(t, w)
	oldUV, _, _ := srv.Status("INBOX")

	newUV := srv.RecreateMailbox("INBOX")
	srv.Deliver("INBOX", rawMsg("u2@example.org", "two"))
	// The old selection hears nothing from the new mailbox; the IDLE
	// restart (a NOOP and a fresh EXAMINE) finds the change.
	eventually(t, 10*time.Second, "UIDVALIDITY change", func() bool {
		fake.Advance(9 * time.Minute)
		return h.has("INBOX", "u2@example.org")
	})
	h.mu.Lock()
	changes := append([]change(nil), h.changes...)
	h.mu.Unlock()
	if len(changes) != 1 || changes[0] != (change{"INBOX", oldUV, newUV}) {
		t.Fatalf("changes = %+v, want INBOX %d→%d", changes, oldUV, newUV)
	}
	for _, g := range h.handled() {
		if g.messageID == "u2@example.org" && g.uidValidity != newUV {
			t.Errorf("u2 handled under UIDVALIDITY %d, want %d", g.uidValidity, newUV)
		}
	}
	// The rescan offers u1 again under the new UIDVALIDITY; de-duplicating
	// by Message-ID is the handler's job.
	if got := h.ids("INBOX"); fmt.Sprint(got) != "[u1@example.org u1@example.org u2@example.org]" {
		t.Errorf("handled %v", got)
	}
}

func TestWatcherPollsWithoutIdleAndOtherFolders(t *testing.T) {
	srv := testmail.NewIMAP(t)
	h := newMemHandler()
	fake := clock.NewFake(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	startWatcher(t, mailbox.WatcherConfig{
		IMAP: cfgFor(srv), Clock: fake, DisableIdle: true,
		Folders: []string{"Sent", "Junk"}, PollInterval: time.Minute,
	}, h)
	srv.Deliver("INBOX", rawMsg("i1@example.org", "inbox"))
	srv.Deliver("Sent", rawMsg("s1@me.example", "my own reply"))
	srv.Deliver("Junk", rawMsg("j1@example.org", "misfiled reply"))
	eventually(t, 10*time.Second, "all three folders", func() bool {
		fake.Advance(time.Minute)
		return h.has("INBOX", "i1@example.org") && h.has("Sent", "s1@me.example") && h.has("Junk", "j1@example.org")
	})
	if f := srv.Flags("Junk"); len(f[1]) != 0 {
		t.Errorf("flags changed in Junk: %v", f)
	}
}

func TestWatcherSyncWaitsForCatchUp(t *testing.T) {
	srv := testmail.NewIMAP(t)
	h := newMemHandler()
	fake := clock.NewFake(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w := startWatcher(t, mailbox.WatcherConfig{IMAP: cfgFor(srv), Clock: fake, DisableIdle: true, Folders: []string{"Sent"}, Batch: 2}, h)
	for i := range 5 {
		srv.Deliver("Sent", rawMsg(fmt.Sprintf("s%d@me.example", i), "sent"))
	}
	syncW(t, w)
	if got := len(h.ids("Sent")); got != 5 {
		t.Fatalf("after Sync, %d of 5 Sent messages handled", got)
	}
}

// stuckHandler never advances its checkpoint: the watcher must not loop.
type stuckHandler struct{ *memHandler }

func (s stuckHandler) Handle(context.Context, string, uint32, []mailbox.Header) error { return nil }

func TestWatcherRefusesStuckCheckpoint(t *testing.T) {
	srv := testmail.NewIMAP(t)
	srv.Deliver("INBOX", rawMsg("x@example.org", "x"))
	w, err := mailbox.NewWatcher(mailbox.WatcherConfig{IMAP: cfgFor(srv), Clock: clock.NewFake(time.Unix(0, 0))}, stuckHandler{newMemHandler()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// The first session fails and Run waits on the (frozen) clock for its
	// backoff until ctx ends; what matters is that it returns.
	if err := w.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v", err)
	}
}
