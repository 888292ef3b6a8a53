package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/store"
)

// lifecycleE2EConfig points rapport at the owner's mailbox on the real
// stack, with every day and hour open and the lifecycle compressed to
// seconds on a fake clock.
func lifecycleE2EConfig(t *testing.T, st *mailstack.Stack, owner mailstack.User) *config.Config {
	t.Helper()
	return stackConfig(t, st, owner, filepath.Join(t.TempDir(), "rapport.db"), func(cfg *config.Config) {
		cfg.Outreach.DailyLimit = config.Default().Outreach.DailyLimit
		cfg.Followup.After, cfg.Followup.Grace, cfg.Followup.Max = config.Dur("2s"), config.Dur("5s"), 2
		cfg.Thankyou.After = config.Dur("2s")
	})
}

// TestE2ELifecycleDraftsOnDovecot runs follow-ups, no_response and the
// thank-you against the real Postfix + Dovecot: the drafts land in the
// owner's Drafts folder, threaded, exactly as many as intended.
func TestE2ELifecycleDraftsOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "owner")
	silent := st.UniqueUser(t, "silent").Address
	met := st.UniqueUser(t, "met").Address
	cfg := lifecycleE2EConfig(t, st, owner)
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	a, err := app.Open(ctx, cfg, app.Options{Log: log, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, c := range []contacts.Input{{Name: "Sue Silent", Email: silent, Company: "Northwind"},
		{Name: "Jordan Lee", Email: met, Company: "Initech"}} {
		if _, err := a.Contacts.Add(ctx, c, ""); err != nil {
			t.Fatal(err)
		}
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Folders.Drafts.Name != "Drafts" {
		t.Fatalf("discovered Drafts folder %q", d.Folders.Drafts.Name)
	}
	// Run recovers the outbox too; doing it first means the outbox's
	// defaults are set before the test drives it alongside the watcher.
	if err := d.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(rctx, app.RunOptions{WatchOnly: true}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	}()

	if err := d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{silent, met} {
		if c, _ := a.Contacts.Get(ctx, e); c.Status != model.Contacted {
			t.Fatalf("%s is %s after the outreach", e, c.Status)
		}
	}
	// Jordan and the user met an hour ago (agreed by phone).
	if _, err := a.Contacts.Schedule(ctx, met, contacts.Meeting{Start: clk.Now().Add(-time.Hour), Duration: 30 * time.Minute,
		Format: "phone", Source: "test"}); err != nil {
		t.Fatal(err)
	}

	step := func(d2 time.Duration) {
		t.Helper()
		clk.Advance(d2)
		if err := d.LifecycleOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	step(3 * time.Second) // follow-up 1; met and thank-you
	step(0)
	step(3 * time.Second) // follow-up 2
	step(3 * time.Second) // grace not over
	if c, _ := a.Contacts.Get(ctx, silent); c.Status != model.Contacted || c.FollowupsSent != 2 {
		t.Fatalf("silent contact before the grace ends: %s, %d follow-ups", c.Status, c.FollowupsSent)
	}
	// The follow-ups are drafts the owner never sent; read them before
	// no_response takes them out of Drafts.
	drafted := st.Messages(t, owner.Address, "Drafts")
	step(3 * time.Second) // no_response
	step(time.Minute)
	if c, _ := a.Contacts.Get(ctx, silent); c.Status != model.NoResponse {
		t.Fatalf("silent contact is %s, want no_response", c.Status)
	}
	if c, _ := a.Contacts.Get(ctx, met); c.Status != model.Met {
		t.Fatalf("met contact is %s", c.Status)
	}
	for _, m := range st.Messages(t, owner.Address, "Drafts") {
		if strings.Contains(m.Header.Get("To"), silent) {
			t.Errorf("a stale follow-up draft to the no_response contact is still in Dovecot's Drafts: %q", m.Subject())
		}
	}

	outreachID := func(email string) string {
		c, err := a.Contacts.Get(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := a.Store.MessagesByContact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Kind == "outreach" && m.State == store.MsgSent {
				return m.MessageID
			}
		}
		t.Fatalf("no outreach row for %s", email)
		return ""
	}
	var toSilent, toMet []*mailstack.Message
	for _, m := range drafted {
		if !slices.Contains(m.Flags, imap.FlagDraft) {
			t.Errorf("draft %q without \\Draft: %v", m.Subject(), m.Flags)
		}
		switch to := m.Header.Get("To"); {
		case strings.Contains(to, silent):
			toSilent = append(toSilent, m)
		case strings.Contains(to, met):
			toMet = append(toMet, m)
		default:
			t.Errorf("unexpected draft to %q", to)
		}
	}
	if len(toSilent) != 2 {
		t.Fatalf("%d follow-up drafts in Drafts, want followup.max = 2", len(toSilent))
	}
	want := "<" + outreachID(silent) + ">"
	for _, m := range toSilent {
		if got := m.Header.Get("In-Reply-To"); got != want {
			t.Errorf("follow-up In-Reply-To %q, want %q", got, want)
		}
		if got := m.Header.Get("References"); !strings.Contains(got, want) {
			t.Errorf("follow-up References %q lack %q", got, want)
		}
		if !strings.HasPrefix(m.Subject(), "Re: ") {
			t.Errorf("follow-up subject %q", m.Subject())
		}
	}
	if len(toMet) != 1 {
		t.Fatalf("%d thank-you drafts, want exactly 1", len(toMet))
	}
	if s := toMet[0].Subject(); s != "Thank you for your time" {
		t.Errorf("thank-you subject %q", s)
	}
}
