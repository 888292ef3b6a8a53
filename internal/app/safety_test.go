package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/testmail"
)

// Safety: rapport acts for a person. These tests count messages.

// outreachPer counts, per contact address, the different first requests
// the server delivered (by Message-ID).
func outreachPer(smtp *testmail.SMTP, owner string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range smtp.Received() {
		for _, to := range r.To {
			if strings.EqualFold(to, owner) || !strings.Contains(subjectOf(r.Data), "Learning about") ||
				strings.HasPrefix(subjectOf(r.Data), "Re:") {
				continue
			}
			if out[to] == nil {
				out[to] = map[string]bool{}
			}
			out[to][r.MessageID] = true
		}
	}
	return out
}

func warnings(smtp *testmail.SMTP, owner string) int {
	n := 0
	for _, r := range smtp.Received() {
		if len(r.To) == 1 && strings.EqualFold(r.To[0], owner) && strings.Contains(string(r.Data), "Another rapport is running") {
			n++
		}
	}
	return n
}

// TestTwoInstancesOnOneMailbox: a laptop and a server, each with its own
// database and the same contacts, on one mailbox. No contact gets two
// requests; each instance warns the owner at most once; neither answers
// the other's mail.
func TestTwoInstancesOnOneMailbox(t *testing.T) {
	imap := testmail.NewIMAP(t)
	// Mail to the owner reaches their INBOX, where both instances read.
	smtp := testmail.NewSMTP(t, testmail.WithOnAccept(func(r testmail.Received) {
		if contains(r.To, testmail.DefaultUser) {
			imap.Deliver("INBOX", r.Data)
		}
	}))
	people := []string{"ann@example.org", "bo@example.org", "cy@example.org"}
	start := func(clk *clock.Fake) (*app.App, *app.Daemon) {
		cfg := testConfig(t, imap, smtp)
		ctx := context.Background()
		a, err := app.Open(ctx, cfg, app.Options{Clock: clk, Log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		for _, p := range people {
			if _, err := a.Contacts.Add(ctx, contacts.Input{Name: strings.Split(p, "@")[0], Email: p, Company: "Acme"}, ""); err != nil {
				t.Fatal(err)
			}
		}
		d, err := a.NewDaemon(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Start(ctx, app.RunOptions{WatchOnly: true}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Stop(context.Background()) })
		return a, d
	}
	clkA, clkB := clock.NewFake(tuesday), clock.NewFake(tuesday)
	_, dA := start(clkA)
	step := func(clk *clock.Fake, d *app.Daemon) {
		t.Helper()
		if err := d.SyncInbox(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := d.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(30 * time.Second)
	}
	for i := 0; i < 4; i++ {
		step(clkA, dA)
	}
	// The second instance starts later on the same mailbox.
	aB, dB := start(clkB)
	for i := 0; i < 10; i++ {
		step(clkA, dA)
		step(clkB, dB)
	}
	for to, ids := range outreachPer(smtp, testmail.DefaultUser) {
		if len(ids) != 1 {
			t.Errorf("%s got %d first requests", to, len(ids))
		}
	}
	if n := len(outreachPer(smtp, testmail.DefaultUser)); n != len(people) {
		t.Errorf("%d people reached, want %d", n, len(people))
	}
	for _, p := range people {
		c, _ := aB.Contacts.Get(context.Background(), p)
		if c.Status != model.Suggested {
			t.Errorf("the second instance left %s %s, want held as suggested", p, c.Status)
		}
	}
	if w := warnings(smtp, testmail.DefaultUser); w < 1 || w > 2 {
		t.Errorf("%d warnings about another instance, want one from each at most (and at least one)", w)
	}
	for _, r := range smtp.Received() {
		if strings.Contains(subjectOf(r.Data), "Not everything was understood") || strings.Contains(subjectOf(r.Data), "Done") {
			t.Errorf("an instance answered the other's mail: %q", subjectOf(r.Data))
		}
	}
	total := len(smtp.Received())
	for i := 0; i < 10; i++ {
		step(clkA, dA)
		step(clkB, dB)
	}
	if n := len(smtp.Received()) - total; n != 0 {
		t.Errorf("%d more messages once both were quiet: a loop", n)
	}
}

// autoReply is the owner's own vacation responder answering rapport's
// notification: from the owner, to the owner, marked automatic.
func autoReply(inReplyTo string) []byte {
	return []byte(fmt.Sprintf("From: Alex Doe <%[1]s>\r\nTo: Alex Doe <%[1]s>\r\nSubject: Auto: [rapport] Maria replied\r\n"+
		"Date: %[2]s\r\nMessage-ID: <vacation.%[3]d@example.test>\r\nAuto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n"+
		"In-Reply-To: <%[4]s>\r\nReferences: <%[4]s>\r\n\r\nI am away until Monday.\r\nmet\r\nstatus\r\n",
		testmail.DefaultUser, tuesday.Format(time.RFC1123Z), time.Now().UnixNano(), inReplyTo))
}

// TestAutoRepliesToTheOwnerNeverLoop: the owner's vacation responder
// answers a notification, and its answer is filed in Sent too; rapport
// obeys nothing and answers nothing.
func TestAutoRepliesToTheOwnerNeverLoop(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	p.run()
	m := p.outreachTo("maria@example.org")
	p.imap.Deliver("INBOX", reply("Maria Lopez <maria@example.org>", testmail.DefaultUser, m.MessageID, subjectOf(m.Data), "Happy to chat."))
	p.waitStatus("maria@example.org", model.Replied)
	note := ownerWaitMail(t, p.d, p.smtp, "notification", func(r testmail.Received) bool {
		return strings.Contains(subjectOf(r.Data), "replied")
	})
	before := len(p.smtp.Received())
	for i := 0; i < 5; i++ {
		raw := autoReply(note.MessageID)
		if _, err := p.imap.Append(p.d.Folders.Sent.Name, raw, []string{`\Seen`}, time.Now()); err != nil {
			t.Fatal(err)
		}
		p.imap.Deliver("INBOX", raw)
		ownerSync(t, p.d)
		if err := p.d.OutboxOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(p.smtp.Received()) - before; n != 0 {
		t.Fatalf("%d messages in answer to the owner's auto-replies: a loop", n)
	}
	if c, _ := p.a.Contacts.Get(ctx, "maria@example.org"); c.Status != model.Replied {
		t.Errorf("maria is %s: an auto-reply's lines were obeyed", c.Status)
	}
}

// TestAConfirmationQuotedBackDoesNothing: the owner answers rapport's
// confirmation with everything quoted below, without '>' (as Outlook
// does); the command lines in it are rapport's own and change nothing.
func TestAConfirmationQuotedBackDoesNothing(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	p.run()
	m := p.outreachTo("maria@example.org")
	p.imap.Deliver("INBOX", reply("Maria Lopez <maria@example.org>", testmail.DefaultUser, m.MessageID, subjectOf(m.Data), "Happy to chat."))
	p.waitStatus("maria@example.org", model.Replied)
	note := ownerWaitMail(t, p.d, p.smtp, "notification", func(r testmail.Received) bool {
		return strings.Contains(subjectOf(r.Data), "replied")
	})
	// Reply to the notification, quoting all of it below without '>'.
	quoted := ownerText(t, note.Data)
	cmd, cmdID := ownerMsg("Re: "+subjectOf(note.Data), note.MessageID, "Thanks!\r\n\r\nFrom: Alex Doe\r\nSent: Tuesday\r\n\r\n"+
		strings.ReplaceAll(quoted, "\n", "\r\n"))
	ownerSends(t, p.imap, p.d, cmd)
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := p.a.Contacts.Get(ctx, "maria@example.org"); c.Status != model.Replied {
		t.Fatalf("maria is %s after the owner quoted the notification back", c.Status)
	}
	if n := len(ownerConfirmations(t, p.smtp, cmdID)); n != 0 {
		t.Fatalf("%d confirmations of a mail with no command of the owner's", n)
	}
	// A real command, then its confirmation quoted back with everything.
	cmd2, cmd2ID := ownerMsg("Re: "+subjectOf(note.Data), note.MessageID, "meeting Friday 27 November 2pm")
	ownerSends(t, p.imap, p.d, cmd2)
	conf := ownerWaitMail(t, p.d, p.smtp, "confirmation", func(r testmail.Received) bool { return ownerInReplyTo(t, r.Data) == cmd2ID })
	p.waitStatus("maria@example.org", model.Scheduled)
	back, backID := ownerMsg("Re: "+subjectOf(conf.Data), conf.MessageID, "ok\r\n\r\n"+strings.ReplaceAll(ownerText(t, conf.Data), "\n", "\r\n"))
	ownerSends(t, p.imap, p.d, back)
	for i := 0; i < 3; i++ {
		if err := p.d.OutboxOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := p.a.Contacts.Get(ctx, "maria@example.org"); c.Status != model.Scheduled {
		t.Fatalf("maria is %s after the confirmation was quoted back", c.Status)
	}
	if n := len(ownerConfirmations(t, p.smtp, backID)); n != 0 {
		t.Fatalf("%d confirmations of a quoted confirmation", n)
	}
}

// TestAReferralWaitsForTheOwnersYes: a reply that names someone makes a
// suggested contact; nothing goes to them until the owner approves, then
// exactly one request.
func TestAReferralWaitsForTheOwnersYes(t *testing.T) {
	e := newEngine(t, func(c *config.Config) { c.Outreach.Spacing = "0s" })
	e.add("Maria Lopez", "maria@example.org")
	e.pass()
	out := e.smtp.Received()
	e.imap.Deliver("INBOX", reply("maria@example.org", testmail.DefaultUser, out[0].MessageID, subjectOf(out[0].Data),
		"I'm not the right person, but you should talk to my colleague Brad Smith (brad@northwind.example). "+
			"Please don't contact my assistant at calendar@northwind.example."))
	if err := e.d.SyncInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	toBrad := func() int {
		n := 0
		for _, r := range e.smtp.Received() {
			if contains(r.To, "brad@northwind.example") {
				n++
			}
		}
		return n
	}
	brad, err := e.a.Contacts.Get(context.Background(), "brad@northwind.example")
	if err != nil {
		t.Fatalf("the referral was not recorded: %v", err)
	}
	if brad.Status != model.Suggested {
		t.Fatalf("brad is %s, want suggested", brad.Status)
	}
	if _, err := e.a.Contacts.Get(context.Background(), "calendar@northwind.example"); err == nil {
		t.Error("a scheduling address became a contact")
	}
	for i := 0; i < 20; i++ {
		e.pass()
		e.clk.Advance(24 * time.Hour)
	}
	if n := toBrad(); n != 0 {
		t.Fatalf("%d messages to brad before the owner's yes", n)
	}
	if b, err := e.a.Contacts.Approve(context.Background(), "brad@northwind.example"); err != nil {
		t.Fatal(err)
	} else {
		if b.Status != model.Queued || b.NextAction != model.ActionOutreach {
			t.Fatalf("approved: %s next %s", b.Status, b.NextAction)
		}
	}
	e.runUntil(14*24*time.Hour, func() bool { return toBrad() > 0 })
	for i := 0; i < 5; i++ {
		e.pass()
		e.clk.Advance(time.Hour)
	}
	if n := toBrad(); n != 1 {
		t.Fatalf("%d messages to brad after the owner's yes, want exactly 1", n)
	}
}
