package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/testmail"
)

// Tuesday 24 November 2026, 09:30 in New York.
var tuesday = time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)

// inProcess is an App and a running Daemon against in-process servers.
type inProcess struct {
	t      *testing.T
	a      *app.App
	d      *app.Daemon
	imap   *testmail.IMAP
	smtp   *testmail.SMTP
	clock  *clock.Fake
	cancel context.CancelFunc
	done   chan error
}

func testConfig(t *testing.T, imap *testmail.IMAP, smtp *testmail.SMTP) *config.Config {
	cfg := config.Default()
	cfg.Me = config.Me{Name: "Alex Doe", Email: testmail.DefaultUser, Timezone: "America/New_York",
		Intro: "I just finished a programming certificate", Interest: "the IT industry",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	cfg.IMAP = config.Server{Host: "127.0.0.1", Port: imap.Port(), Security: "none", Username: imap.Username(), Password: config.Secret(imap.Password())}
	cfg.SMTP = config.Server{Host: "127.0.0.1", Port: smtp.Port(), Security: "none", Username: smtp.Username(), Password: config.Secret(smtp.Password())}
	cfg.Database = "sqlite://" + t.TempDir() + "/rapport.db"
	cfg.Outreach.Spacing = "0s"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

func startInProcess(t *testing.T) *inProcess {
	t.Helper()
	imap := testmail.NewIMAP(t)
	smtp := testmail.NewSMTP(t)
	clk := clock.NewFake(tuesday)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, testConfig(t, imap, smtp), app.Options{Log: log, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	d, err := a.NewDaemon(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := &inProcess{t: t, a: a, d: d, imap: imap, smtp: smtp, clock: clk, done: make(chan error, 1)}
	return p
}

func (p *inProcess) run() {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() { p.done <- p.d.Run(ctx, app.RunOptions{}) }()
	p.t.Cleanup(func() {
		cancel()
		if err := <-p.done; err != nil {
			p.t.Errorf("daemon: %v", err)
		}
	})
}

func (p *inProcess) add(name, email string) {
	p.t.Helper()
	if _, err := p.a.Contacts.Add(context.Background(), contacts.Input{Name: name, Email: email, Company: "Acme"}, ""); err != nil {
		p.t.Fatal(err)
	}
}

// waitStatus polls the database until the contact reaches want.
func (p *inProcess) waitStatus(email string, want model.Status) *model.Contact {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := p.a.Contacts.Get(context.Background(), email)
		if err != nil {
			p.t.Fatal(err)
		}
		if c.Status == want {
			return c
		}
		if time.Now().After(deadline) {
			d, _ := p.a.Contacts.Show(context.Background(), email)
			p.t.Fatalf("%s is %s, want %s; timeline %+v", email, c.Status, want, d.Events)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outreachTo returns the outreach message rapport sent to a contact.
func (p *inProcess) outreachTo(email string) testmail.Received {
	for _, r := range p.smtp.Received() {
		if len(r.To) == 1 && r.To[0] == email {
			return r
		}
	}
	p.t.Fatalf("no outreach to %s", email)
	return testmail.Received{}
}

func reply(from, to, inReplyTo, subject, body string, extra ...string) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nDate: %s\r\nMessage-ID: <%d.%s>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n",
		from, to, subject, tuesday.Add(time.Hour).Format(time.RFC1123Z), time.Now().UnixNano(), from, inReplyTo, inReplyTo)
	for _, e := range extra {
		h += e + "\r\n"
	}
	return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

func subjectOf(raw []byte) string {
	for _, l := range strings.Split(string(raw), "\r\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			return s
		}
	}
	return ""
}

func TestRepliesMoveContactsAndNeverTouchTheInbox(t *testing.T) {
	p := startInProcess(t)
	for _, c := range []struct{ name, email string }{
		{"Maria Lopez", "maria@example.org"}, {"Otto Away", "otto@example.org"},
		{"Gina Gone", "gina@example.org"}, {"Sam Stop", "sam@example.org"}, {"Sue Silent", "sue@example.org"},
	} {
		p.add(c.name, c.email)
	}
	if err := p.d.OutboxOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(p.smtp.Received()); n != 5 {
		t.Fatalf("%d outreach sent, want 5", n)
	}
	// The user's INBOX holds mail of their own, flagged as they like.
	p.imap.Deliver("INBOX", []byte("From: boss@work.example\r\nTo: me@example.test\r\nSubject: unrelated\r\nMessage-ID: <u1@work.example>\r\n\r\nhi\r\n"))
	p.run()

	m := p.outreachTo("maria@example.org")
	p.imap.Deliver("INBOX", reply("Maria Lopez <maria@example.org>", testmail.DefaultUser, m.MessageID, subjectOf(m.Data),
		"Happy to chat! Does Thursday work?\r\n\r\nOn Tue, Alex wrote:\r\n> Please remove me is not what I said"))
	o := p.outreachTo("otto@example.org")
	p.imap.Deliver("INBOX", reply("otto@example.org", testmail.DefaultUser, o.MessageID, subjectOf(o.Data),
		"I am out of the office until 7 December.", "Auto-Submitted: auto-replied"))
	s := p.outreachTo("sam@example.org")
	p.imap.Deliver("INBOX", reply("sam@example.org", testmail.DefaultUser, s.MessageID, subjectOf(s.Data),
		"Please remove me from your list."))
	g := p.outreachTo("gina@example.org")
	dsn := "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\nTo: " + testmail.DefaultUser +
		"\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.org>\r\nAuto-Submitted: auto-replied\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; gina@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <gina@example.org>: Recipient address rejected: User unknown\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + g.MessageID + ">\r\nSubject: hello\r\n--B--\r\n"
	before := p.imap.Flags("INBOX")
	p.imap.Deliver("INBOX", []byte(dsn))

	p.waitStatus("maria@example.org", model.Replied)
	p.waitStatus("sam@example.org", model.OptedOut)
	p.waitStatus("gina@example.org", model.Bounced)
	otto := p.waitStatus("otto@example.org", model.Contacted)
	// The auto-reply is on Otto's timeline and moved the follow-up past his return.
	deadline := time.Now().Add(5 * time.Second)
	for {
		d, _ := p.a.Contacts.Show(context.Background(), "otto@example.org")
		if last := d.Events[len(d.Events)-1]; last.Type == model.EventAutoReply {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no auto-reply event for otto: %+v", d.Events)
		}
		time.Sleep(20 * time.Millisecond)
	}
	otto, _ = p.a.Contacts.Get(context.Background(), "otto@example.org")
	if otto.NextActionAt.Before(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("otto's follow-up at %v, before his return", otto.NextActionAt)
	}
	for _, e := range []string{"sam@example.org", "gina@example.org"} {
		if sup, _, _ := p.a.Store.Suppressed(context.Background(), p.a.Account, e); !sup {
			t.Errorf("%s not suppressed", e)
		}
	}
	if c, _ := p.a.Contacts.Get(context.Background(), "sue@example.org"); c.Status != model.Contacted {
		t.Errorf("silent contact is %s", c.Status)
	}
	// Nothing rapport did changed a flag on the user's mail.
	after := p.imap.Flags("INBOX")
	for uid, f := range before {
		if !reflect.DeepEqual(after[uid], f) {
			t.Errorf("flags of INBOX uid %d changed: %v -> %v", uid, f, after[uid])
		}
	}
	for uid, f := range after {
		if len(f) != 0 {
			t.Errorf("INBOX uid %d has flags %v; rapport must not set any", uid, f)
		}
	}
}

func TestMessageFromSomeoneElseInThreadIsOnlyRecorded(t *testing.T) {
	p := startInProcess(t)
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.run()
	m := p.outreachTo("maria@example.org")
	p.imap.Deliver("INBOX", reply("Assistant <assistant@example.org>", testmail.DefaultUser, m.MessageID, subjectOf(m.Data),
		"Please remove me from this thread."))
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, _ := p.a.Contacts.Show(context.Background(), "maria@example.org")
		if hasEvent(d.Events, model.EventReview) {
			if d.Status != model.Contacted {
				t.Fatalf("maria moved to %s by someone else's message", d.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no review event: %+v", d.Events)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if sup, _, _ := p.a.Store.Suppressed(context.Background(), p.a.Account, "maria@example.org"); sup {
		t.Fatal("maria suppressed by someone else's opt-out")
	}
}

func TestRestartProcessesNothingTwice(t *testing.T) {
	p := startInProcess(t)
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := p.outreachTo("maria@example.org")
	p.imap.Deliver("INBOX", reply("maria@example.org", testmail.DefaultUser, m.MessageID, subjectOf(m.Data), "Sure, happy to help."))
	p.run()
	p.waitStatus("maria@example.org", model.Replied)
	p.cancel()
	<-p.done
	p.done <- nil

	// A second daemon on the same database, and a UIDVALIDITY change that
	// makes every UID new again.
	newV := p.imap.RecreateMailbox("INBOX")
	d2, err := p.a.NewDaemon(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d2.Run(ctx, app.RunOptions{WatchOnly: true}) }()
	// Wait for the rescan to reach the end of the re-created INBOX.
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, last, _ := p.a.Store.Checkpoint(context.Background(), p.a.Account, "INBOX")
		_, uidNext, _ := p.imap.Status("INBOX")
		if v == newV && last == uidNext-1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("checkpoint (%d, %d), want (%d, %d)", v, last, newV, uidNext-1)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d, _ := p.a.Contacts.Show(context.Background(), "maria@example.org")
	replies := 0
	for _, e := range d.Events {
		if e.Type == model.EventReply {
			replies++
		}
	}
	if replies != 1 {
		t.Fatalf("%d reply events after restart and rescan, want 1: %+v", replies, d.Events)
	}
	in, _ := p.a.Store.MessagesInState(context.Background(), p.a.Account, store.MsgReceived)
	if len(in) != 1 {
		t.Fatalf("%d inbound rows, want 1", len(in))
	}
}

func hasEvent(evs []model.Event, typ string) bool {
	for _, e := range evs {
		if e.Type == typ {
			return true
		}
	}
	return false
}
