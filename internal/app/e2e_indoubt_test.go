package app_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/outbox"
)

// The reply to the final dot is lost on real Postfix: the stack's policy
// service keeps it back for mail to hold-* recipients longer than rapport
// waits, and Postfix then accepts the message and delivers it. rapport
// must not know whether it went, so it asks the owner and never sends it
// again on its own: the contact's mailbox holds exactly one request
// however long the daemon runs, before and after the owner settles it.
func TestE2EALostReplyToTheFinalDotIsNeverResentOnPostfix(t *testing.T) {
	st := mailstack.FromEnv(t)
	if os.Getenv("RAPPORT_E2E_POLICY") == "" {
		t.Skip("the mail stack has no policy service (run scripts/mailstack/start.sh again)")
	}
	holdFor, err := time.ParseDuration(os.Getenv("RAPPORT_E2E_POLICY_HOLD"))
	if err != nil || holdFor < 4*time.Second {
		t.Fatalf("RAPPORT_E2E_POLICY_HOLD=%q: want a duration of 4s or more", os.Getenv("RAPPORT_E2E_POLICY_HOLD"))
	}
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	maria := st.UniqueUser(t, "hold-maria").Address
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	cfg, _ := eoConfig(t, st, owner, t.TempDir())
	r := eoStart(t, cfg, clk)

	// rapport waits for the final reply twice its command timeout: give it
	// up well before the policy service lets Postfix answer.
	smtpCfg, err := r.a.SMTPConfig(cfg.SMTP.Password)
	if err != nil {
		t.Fatal(err)
	}
	smtpCfg.Timeout = holdFor / 4
	r.d.Outbox.Dial = func(ctx context.Context) (*outbox.Conn, error) { return outbox.Dial(ctx, smtpCfg) }

	if _, err := r.a.Contacts.Add(ctx, contacts.Input{Name: "Maria Lopez", Email: maria, Company: "Acme"}, ""); err != nil {
		t.Fatal(err)
	}
	esRound(t, r)
	doubt, err := r.a.Store.MessagesInState(ctx, r.a.Account, model.MsgInDoubt)
	if err != nil {
		t.Fatal(err)
	}
	if len(doubt) != 1 {
		t.Fatalf("%d messages in doubt after the lost reply, want 1", len(doubt))
	}
	id := doubt[0].MessageID

	// Postfix accepts it once the policy service answers, and delivers it.
	deadline := time.Now().Add(holdFor + 30*time.Second)
	for esFirstRequests(t, st, maria) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the request never reached %s's INBOX (Postfix log: %s)", maria, st.LogDir)
		}
		time.Sleep(500 * time.Millisecond)
	}

	// Hours of the daemon's life: Sent is searched again (rapport did not
	// file it there: it never heard the server's yes), nothing is resent.
	for range 8 {
		clk.Advance(time.Hour)
		esRound(t, r)
	}
	if n := esFirstRequests(t, st, maria); n != 1 {
		t.Fatalf("%s received %d requests, want exactly 1", maria, n)
	}
	if c, _ := r.a.Contacts.Get(ctx, maria); c.Status != model.Queued {
		t.Errorf("Maria is %s while her request is in doubt, want queued (nothing more goes)", c.Status)
	}
	asked := 0
	for _, m := range st.Messages(t, owner.Address, "INBOX") {
		if strings.Contains(m.Subject(), "may or may not have gone") {
			asked++
		}
	}
	if asked != 1 {
		t.Errorf("the owner was asked %d times about the message in doubt, want once", asked)
	}

	// The owner looked: it went.
	if _, err := r.d.Outbox.Resolve(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		clk.Advance(time.Hour)
		esRound(t, r)
	}
	if c, _ := r.a.Contacts.Get(ctx, maria); c.Status != model.Contacted {
		t.Errorf("Maria is %s after the owner said it went, want contacted", c.Status)
	}
	if n := esFirstRequests(t, st, maria); n != 1 {
		t.Fatalf("%s received %d requests after the owner settled it, want exactly 1", maria, n)
	}
}
