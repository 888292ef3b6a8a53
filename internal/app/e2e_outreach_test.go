package app_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/store"
	"rapport/internal/testmail"
)

// e2eContact is a person the end-to-end test writes to.
type e2eContact struct {
	first, last, company, role string
	addr                       string
}

func e2eLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// TestE2EOutreachThroughPostfixAndDovecot sends outreach through the real
// submission service of the throw-away Postfix + Dovecot stack and reads
// it back from each contact's INBOX and the owner's Sent folder.
func TestE2EOutreachThroughPostfixAndDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "owner")
	db := filepath.Join(t.TempDir(), "rapport.db")
	cfg := stackConfig(t, st, owner, db, e2eTweak)
	// A fake clock: the SentGrace wait before Sent is reconciled is
	// passed by advancing it, not by sleeping.
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	log := e2eLogger(t)

	people := []*e2eContact{
		{first: "Priya", last: "Raman", company: "Northwind Labs", role: "data engineer"},
		{first: "Tomás", last: "Ortega", company: "Globex Logistics", role: "site reliability engineer"},
		{first: "Grace", last: "Okafor", company: "Initech", role: ""},
		{first: "Wen", last: "Zhao", company: "Umbrella Health", role: "product manager"},
	}
	for i, p := range people {
		p.addr = st.UniqueUser(t, fmt.Sprintf("contact%d", i)).Address
	}

	a, err := app.Open(ctx, cfg, app.Options{Log: log, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if _, err := a.Contacts.Add(ctx, contacts.Input{Name: p.first + " " + p.last, Email: p.addr,
			Company: p.company, Role: p.role}, ""); err != nil {
			t.Fatal(err)
		}
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		t.Fatalf("new daemon: %v", err)
	}
	if d.Folders.Sent.Name != "Sent" {
		t.Fatalf("discovered Sent folder %q, want Sent", d.Folders.Sent.Name)
	}
	if err := d.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	// A few cycles, as the daemon's loop would run them.
	for range 3 {
		if err := d.OutboxOnce(ctx); err != nil {
			t.Fatalf("outbox cycle: %v", err)
		}
		clk.Advance(time.Second)
	}
	rows := map[string]*store.Message{} // contact address → its outreach row
	for _, p := range people {
		c, err := a.Contacts.Get(ctx, p.addr)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != model.Contacted {
			t.Fatalf("%s is %s (%s) after sending, want contacted", p.addr, c.Status, c.StatusReason)
		}
		msgs, err := a.Store.MessagesByContact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].State != store.MsgSent || msgs[0].Kind != model.KindOutreach {
			t.Fatalf("%s: message rows %s, want one sent outreach", p.addr, e2eRows(msgs))
		}
		rows[p.addr] = msgs[0]
	}

	// Each contact's INBOX: exactly one message, personal and well formed.
	for _, p := range people {
		want := rows[p.addr].MessageID
		st.WaitForMessage(t, p.addr, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
			return strings.Trim(m.Header.Get("Message-Id"), "<> ") == want
		})
		inbox := st.Messages(t, p.addr, "INBOX")
		if len(inbox) != 1 {
			t.Fatalf("%s: INBOX holds %d messages, want 1", p.addr, len(inbox))
		}
		e2eCheckOutreach(t, inbox[0].Raw, p, people, cfg.Me, want)
	}

	// Sent is reconciled SentGrace (15s on the app's clock) after sending.
	// Dovecot does not file submitted mail, so rapport appends one copy.
	if got := st.Messages(t, owner.Address, "Sent"); len(got) != 0 {
		t.Fatalf("Sent holds %d messages before the grace period, want 0", len(got))
	}
	clk.Advance(16 * time.Second)
	for range 2 {
		if err := d.OutboxOnce(ctx); err != nil {
			t.Fatalf("outbox cycle: %v", err)
		}
	}
	if mode, ok, err := a.Store.OnceResult(ctx, a.Account, "sent-filing"); err != nil || !ok || mode != "append" {
		t.Fatalf("learned Sent filing %q (%v, %v), want append: Dovecot does not file submitted mail", mode, ok, err)
	}
	e2eCheckSent(t, st, owner.Address, rows)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart: a new app and daemon on the same database send nothing again.
	clk.Advance(time.Minute)
	a2, err := app.Open(ctx, cfg, app.Options{Log: log, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a2.Close() })
	d2, err := a2.NewDaemon(ctx)
	if err != nil {
		t.Fatalf("new daemon after restart: %v", err)
	}
	if err := d2.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := d2.OutboxOnce(ctx); err != nil {
			t.Fatalf("outbox cycle after restart: %v", err)
		}
		clk.Advance(time.Minute)
	}
	if n, err := d2.Outbox.Outreach(ctx); err != nil || n != 0 {
		t.Fatalf("after restart Outreach started %d (%v), want 0", n, err)
	}
	if n, err := d2.Outbox.SendDue(ctx); err != nil || n != 0 {
		t.Fatalf("after restart SendDue sent %d (%v), want 0", n, err)
	}
	counts, err := a2.Store.OutboxCounts(ctx, a2.Account)
	if err != nil {
		t.Fatal(err)
	}
	if counts[string(store.MsgSent)] != len(people) || len(counts) != 1 {
		t.Fatalf("outbox after restart %v, want only %d sent", counts, len(people))
	}
	// The mailboxes agree: a marker submitted now reaches each INBOX after
	// anything rapport might have submitted since the restart, so once it
	// is there the INBOX must hold the outreach and the marker only.
	for _, p := range people {
		marker := mailstack.BuildMessage(owner.Address, p.addr, "marker after restart", "marker\n")
		st.Submit(t, owner.Address, []string{p.addr}, marker)
		st.WaitForMessage(t, p.addr, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
			return m.Subject() == "marker after restart"
		})
		inbox := st.Messages(t, p.addr, "INBOX")
		outreach := 0
		for _, m := range inbox {
			if m.Subject() != "marker after restart" {
				outreach++
			}
		}
		if outreach != 1 || len(inbox) != 2 {
			t.Errorf("%s: after the restart INBOX holds %d outreach messages (%d in all), want 1", p.addr, outreach, len(inbox))
		}
	}
	e2eCheckSent(t, st, owner.Address, rows)
}

// e2eCheckOutreach parses a delivered message with go-message and checks
// it is a plain, personal, well-formed outreach from me to p.
func e2eCheckOutreach(t *testing.T, raw []byte, p *e2eContact, all []*e2eContact, me config.Me, messageID string) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: parse delivered message: %v", p.addr, err)
	}
	h := e.Header
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version"} {
		if strings.TrimSpace(h.Get(k)) == "" {
			t.Errorf("%s: no %s header", p.addr, k)
		}
	}
	if v := h.Get("Auto-Submitted"); v != "" {
		t.Errorf("%s: Auto-Submitted: %s on a personal message", p.addr, v)
	}
	for _, k := range []string{"Precedence", "List-Unsubscribe", "List-Id"} {
		if h.Has(k) {
			t.Errorf("%s: bulk-mail header %s on a personal message", p.addr, k)
		}
	}
	if got := strings.Trim(h.Get("Message-Id"), "<> "); got != messageID {
		t.Errorf("%s: Message-ID %q, want the committed %q", p.addr, got, messageID)
	}
	mh := mail.Header{Header: h}
	from, err := mh.AddressList("From")
	if err != nil || len(from) != 1 || !strings.EqualFold(from[0].Address, me.Email) || from[0].Name != me.Name {
		t.Errorf("%s: From %q (%v), want %s <%s>", p.addr, h.Get("From"), err, me.Name, me.Email)
	}
	to, err := mh.AddressList("To")
	if err != nil || len(to) != 1 || !strings.EqualFold(to[0].Address, p.addr) {
		t.Errorf("%s: To %q (%v), want only the contact", p.addr, h.Get("To"), err)
	}
	if d, err := mh.Date(); err != nil || d.IsZero() {
		t.Errorf("%s: Date %q: %v", p.addr, h.Get("Date"), err)
	}
	subject, err := mh.Subject()
	if err != nil || !strings.Contains(subject, p.company) {
		t.Errorf("%s: Subject %q (%v), want it to name %s", p.addr, subject, err, p.company)
	}
	mt, params, err := h.ContentType()
	if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("%s: Content-Type %q (%v), want text/plain; charset=utf-8", p.addr, h.Get("Content-Type"), err)
	}
	body, err := io.ReadAll(e.Body) // transfer encoding decoded by go-message
	if err != nil {
		t.Fatalf("%s: read body: %v", p.addr, err)
	}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	for _, want := range []string{"Hi " + p.first + ",", p.company, me.Name, me.Intro, me.Interest} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: body lacks %q:\n%s", p.addr, want, text)
		}
	}
	if p.role != "" && !strings.Contains(text, p.role) {
		t.Errorf("%s: body does not mention the role %q", p.addr, p.role)
	}
	for _, o := range all {
		if o != p && (strings.Contains(text, o.first) || strings.Contains(text, o.company)) {
			t.Errorf("%s: body mentions another contact (%s, %s)", p.addr, o.first, o.company)
		}
	}
	if strings.Contains(strings.ToLower(text), "<img") || strings.Contains(text, "{{") {
		t.Errorf("%s: body is not plain personal text:\n%s", p.addr, text)
	}
}

// e2eCheckSent checks the owner's Sent holds exactly one \Seen copy of
// each outreach and nothing else.
func e2eCheckSent(t *testing.T, st *mailstack.Stack, owner string, rows map[string]*store.Message) {
	t.Helper()
	sent := st.Messages(t, owner, "Sent")
	copies := map[string]int{}
	for _, m := range sent {
		copies[strings.Trim(m.Header.Get("Message-Id"), "<> ")]++
		if !slices.Contains(m.Flags, imap.FlagSeen) {
			t.Errorf("Sent copy UID %d is not \\Seen", m.UID)
		}
	}
	for addr, r := range rows {
		if copies[r.MessageID] != 1 {
			t.Errorf("Sent holds %d copies of the outreach to %s, want 1", copies[r.MessageID], addr)
		}
	}
	if len(sent) != len(rows) {
		t.Errorf("Sent holds %d messages, want %d", len(sent), len(rows))
	}
}

func e2eRows(msgs []*store.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "[%s %s %s %q] ", m.Kind, m.Direction, m.State, m.LastError)
	}
	return b.String()
}

// TestE2EWrongCAFailsClearly points both protocols at the stack with a CA
// that did not sign its certificate: the STARTTLS handshake must fail, with
// an error that says why and what to set, and nothing may be sent.
func TestE2EWrongCAFailsClearly(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "owner")
	cfg := stackConfig(t, st, owner, filepath.Join(t.TempDir(), "rapport.db"), e2eTweak)
	wrong := testmail.NewCert(t).CAFile(t)
	cfg.IMAP.CAFile, cfg.SMTP.CAFile = wrong, wrong

	_, err := app.CheckMail(ctx, cfg, e2eLogger(t))
	if err == nil {
		t.Fatal("check succeeded against a server whose certificate the configured CA did not sign")
	}
	msg := err.Error()
	var unknownCA x509.UnknownAuthorityError
	if !errors.As(err, &unknownCA) {
		t.Errorf("error does not unwrap to x509.UnknownAuthorityError: %v", err)
	}
	for _, want := range []string{"imap 127.0.0.1", "smtp 127.0.0.1", "certificate", "imap.ca_file", "smtp.ca_file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, owner.Password) {
		t.Errorf("error shows the password:\n%s", msg)
	}

	// The daemon refuses to start; nothing is planned or sent.
	a, err := app.Open(ctx, cfg, app.Options{Log: e2eLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.NewDaemon(ctx); err == nil || !errors.As(err, &unknownCA) {
		t.Errorf("NewDaemon with the wrong CA: %v, want an unknown-authority error", err)
	}
	smtpCfg, err := a.SMTPConfig(cfg.SMTP.Password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := outbox.Dial(ctx, smtpCfg)
	if err == nil {
		c.Close()
		t.Fatal("SMTP STARTTLS succeeded with the wrong CA")
	}
	var se *outbox.SendError
	if !errors.As(err, &se) || se.Phase != outbox.PhaseConnect || !errors.As(err, &unknownCA) ||
		!strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("SMTP dial error %v: want a connect-phase error caused by an unknown authority", err)
	}
	// No data went out, so the outbox must treat it as a failure to
	// connect: neither in doubt nor a refusal of the message.
	if se != nil && (se.InDoubt() || se.Permanent()) {
		t.Errorf("a TLS failure classified as in doubt or permanent: %v", err)
	}
}

// e2eTweak is this file's difference from stackConfig: meeting options on
// every day and the default daily limit.
func e2eTweak(cfg *config.Config) {
	cfg.Me.Intro = "I just finished a programming certificate after six years of teaching"
	cfg.Me.Availability = []string{"mon 13:00-16:00", "tue 13:00-16:00", "wed 13:00-16:00", "thu 13:00-16:00",
		"fri 09:00-17:00", "sat 10:00-12:00", "sun 10:00-12:00"}
	cfg.Outreach.DailyLimit = 20
}
