package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/compose"
	"rapport/internal/config"
	"rapport/internal/mailbox"
)

// The notification about another rapport on the mailbox tells the owner to
// run `rapport outbox release` once the other copy is stopped: the command
// exists, clears the stop, and says so; with nothing held it changes
// nothing.
func TestOutboxReleaseLiftsTheForeignInstanceStop(t *testing.T) {
	te := newTestEnv(t)
	ctx := context.Background()

	code, out, errs := te.run("outbox", "release")
	if code != 0 || !strings.Contains(out, "nothing holds sending") {
		t.Fatalf("release with nothing held: %d %q %q", code, out, errs)
	}

	// The daemon sees mail another instance made (after this database
	// existed): sending to contacts stops.
	cfg, err := config.Load(te.config)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, app.Options{Clock: te.clock})
	if err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(time.Hour)
	other := compose.Me{Email: cfg.Me.Email, Instance: "0badc0de"}
	h := mailbox.Header{MessageID: other.NewMessageID(te.clock.Now()), InternalDate: te.clock.Now()}
	if err := a.Safety.Foreign(ctx, "Sent", h); err != nil {
		t.Fatal(err)
	}
	a.Close()

	attention := func() []string {
		code, out, errs := te.run("status", "--json")
		if code != 0 {
			t.Fatalf("status: %d %s", code, errs)
		}
		var st struct {
			Attention []string `json:"attention"`
		}
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("status --json: %v\n%s", err, out)
		}
		return st.Attention
	}
	if at := attention(); len(at) != 1 || !strings.Contains(at[0], "another rapport instance") {
		t.Fatalf("attention after another instance's mail = %q", at)
	}

	code, out, errs = te.run("outbox", "release")
	if code != 0 || !strings.Contains(out, "released") || !strings.Contains(out, "another rapport instance") {
		t.Fatalf("release: %d %q %q", code, out, errs)
	}
	if at := attention(); len(at) != 0 {
		t.Fatalf("attention after release = %q", at)
	}
}
