package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/testmail"
)

// The owner's side of rapport against in-process servers: notifications
// to the owner, commands the owner mails back, and their confirmations.

var ownerSeq atomic.Int64

// ownerMsg is a message the owner writes to themselves from a mail client.
// It returns the raw message and its Message-ID (without brackets).
func ownerMsg(subject, inReplyTo, body string) ([]byte, string) {
	id := fmt.Sprintf("owner.%d.%d@example.test", time.Now().UnixNano(), ownerSeq.Add(1))
	h := fmt.Sprintf("From: Alex Doe <%[1]s>\r\nTo: Alex Doe <%[1]s>\r\nSubject: %[2]s\r\nDate: %[3]s\r\nMessage-ID: <%[4]s>\r\n",
		testmail.DefaultUser, subject, tuesday.Add(2*time.Hour).Format(time.RFC1123Z), id)
	if inReplyTo != "" {
		h += fmt.Sprintf("In-Reply-To: <%[1]s>\r\nReferences: <%[1]s>\r\n", inReplyTo)
	}
	return []byte(h + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n\r\n> (rapport's mail)\r\n"), id
}

// ownerSync makes the running watcher catch up with INBOX and Sent.
func ownerSync(t *testing.T, d *app.Daemon) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.SyncInbox(ctx); err != nil {
		t.Fatalf("sync inbox: %v", err)
	}
}

// ownerSends is the owner sending raw from their client: a copy filed in
// Sent, and the message delivered to their INBOX.
func ownerSends(t *testing.T, imap *testmail.IMAP, d *app.Daemon, raw []byte) {
	t.Helper()
	if _, err := imap.Append(d.Folders.Sent.Name, raw, []string{`\Seen`}, time.Now()); err != nil {
		t.Fatal(err)
	}
	imap.Deliver("INBOX", raw)
	ownerSync(t, d)
}

// toOwner lists what rapport sent the owner over SMTP.
func ownerMailSent(smtp *testmail.SMTP) []testmail.Received {
	var out []testmail.Received
	for _, r := range smtp.Received() {
		if len(r.To) == 1 && r.To[0] == testmail.DefaultUser {
			out = append(out, r)
		}
	}
	return out
}

// ownerWaitMail runs the outbox until a message to the owner matching
// match has been sent, and returns it.
func ownerWaitMail(t *testing.T, d *app.Daemon, smtp *testmail.SMTP, what string, match func(testmail.Received) bool) testmail.Received {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := d.OutboxOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, r := range ownerMailSent(smtp) {
			if match(r) {
				return r
			}
		}
		if time.Now().After(deadline) {
			var subj []string
			for _, r := range ownerMailSent(smtp) {
				subj = append(subj, subjectOf(r.Data))
			}
			t.Fatalf("no %s sent to the owner; sent to the owner: %q", what, subj)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ownerParse(t *testing.T, raw []byte) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse mail: %v\n%s", err, raw)
	}
	return m
}

// ownerText is the decoded plain-text part of a message rapport built.
func ownerText(t *testing.T, raw []byte) string {
	t.Helper()
	_, parts := digestMIME(t, raw)
	if parts["text/plain"] == "" {
		t.Fatalf("no text/plain part in:\n%s", raw)
	}
	return parts["text/plain"]
}

func ownerInReplyTo(t *testing.T, raw []byte) string {
	return strings.Trim(ownerParse(t, raw).Header.Get("In-Reply-To"), "<> ")
}

// confirmationsTo are the confirmations sent for a command mail.
func ownerConfirmations(t *testing.T, smtp *testmail.SMTP, commandID string) []testmail.Received {
	var out []testmail.Received
	for _, r := range ownerMailSent(smtp) {
		if ownerInReplyTo(t, r.Data) == commandID {
			out = append(out, r)
		}
	}
	return out
}

func ownerScheduled(t *testing.T, a *app.App, email string) []*store.Meeting {
	t.Helper()
	c, err := a.Contacts.Get(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := a.Store.MeetingsByContact(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.Meeting
	for _, m := range ms {
		if m.State == store.MeetingScheduled {
			out = append(out, m)
		}
	}
	return out
}

// ownerNotified gets a contact to reply and returns the notification the
// owner got about it.
func ownerNotified(t *testing.T, p *inProcess, name, email, body string) testmail.Received {
	t.Helper()
	m := p.outreachTo(email)
	p.imap.Deliver("INBOX", reply(name+" <"+email+">", testmail.DefaultUser, m.MessageID, subjectOf(m.Data), body))
	p.waitStatus(email, model.Replied)
	return ownerWaitMail(t, p.d, p.smtp, "notification about "+name, func(r testmail.Received) bool {
		return strings.Contains(subjectOf(r.Data), name)
	})
}

func TestOwnerNotificationAndMeetingCommandOnce(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Maria Lopez", "maria@example.org")
	p.add("Otto Other", "otto@example.org")
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	p.run()
	ownerSync(t, p.d) // the watcher is up (and the outbox recovered)

	note := ownerNotified(t, p, "Maria Lopez", "maria@example.org", "Happy to chat, tell me when suits you.")
	h := ownerParse(t, note.Data).Header
	if got := h.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("notification Auto-Submitted = %q, want auto-generated", got)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != testmail.DefaultUser {
		t.Errorf("notification To = %v (%v), want the owner", to, err)
	}
	if !strings.HasPrefix(subjectOf(note.Data), "[rapport] ") {
		t.Errorf("notification subject %q lacks the [rapport] tag", subjectOf(note.Data))
	}

	// The owner answers the notification from their mail client.
	cmd, cmdID := ownerMsg("Re: "+subjectOf(note.Data), note.MessageID, "meeting 2026-12-01 14:00")
	ownerSends(t, p.imap, p.d, cmd)
	maria := p.waitStatus("maria@example.org", model.Scheduled)
	ms := ownerScheduled(t, p.a, maria.Email)
	if len(ms) != 1 {
		t.Fatalf("%d scheduled meetings, want 1", len(ms))
	}
	ny, _ := time.LoadLocation("America/New_York")
	if want := time.Date(2026, 12, 1, 14, 0, 0, 0, ny); !ms[0].Start.Equal(want) {
		t.Errorf("meeting at %v, want %v", ms[0].Start, want)
	}
	conf := ownerWaitMail(t, p.d, p.smtp, "confirmation", func(r testmail.Received) bool {
		return ownerInReplyTo(t, r.Data) == cmdID
	})
	if s := subjectOf(conf.Data); !strings.Contains(s, "Done") {
		t.Errorf("confirmation subject %q, want Done", s)
	}
	if refs := ownerParse(t, conf.Data).Header.Get("References"); !strings.Contains(refs, "<"+cmdID+">") {
		t.Errorf("confirmation References %q lack the command", refs)
	}
	if got := ownerParse(t, conf.Data).Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("confirmation Auto-Submitted = %q", got)
	}

	// The same command again: both copies once more.
	ownerSends(t, p.imap, p.d, cmd)
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(ownerScheduled(t, p.a, maria.Email)); n != 1 {
		t.Fatalf("%d meetings after the command came again, want 1", n)
	}
	if n := len(ownerConfirmations(t, p.smtp, cmdID)); n != 1 {
		t.Fatalf("%d confirmations after the command came again, want 1", n)
	}

	// A forged command: the owner's From, threaded on a notification, but
	// not in Sent (anyone can write such a message).
	otto := ownerNotified(t, p, "Otto Other", "otto@example.org", "Sure, I can talk next week.")
	forged, forgedID := ownerMsg("Re: "+subjectOf(otto.Data), otto.MessageID, "decline\r\nmeeting 2026-12-02 10:00")
	p.imap.Deliver("INBOX", forged)
	ownerSync(t, p.d)
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := p.a.Contacts.Get(ctx, "otto@example.org"); c.Status != model.Replied {
		t.Fatalf("a forged command moved otto to %s", c.Status)
	}
	if n := len(ownerScheduled(t, p.a, "otto@example.org")); n != 0 {
		t.Fatalf("a forged command scheduled %d meetings", n)
	}
	if n := len(ownerConfirmations(t, p.smtp, forgedID)); n != 0 {
		t.Fatalf("a forged command got %d answers", n)
	}

	// A restart on the same database, and both copies delivered again.
	p.cancel()
	if err := <-p.done; err != nil {
		t.Fatal(err)
	}
	p.done <- nil
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a2, err := app.Open(ctx, p.a.Config, app.Options{Log: log, Clock: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	d2, err := a2.NewDaemon(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d2.Run(rctx, app.RunOptions{WatchOnly: true}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("second daemon: %v", err)
		}
	}()
	ownerSync(t, d2)
	ownerSends(t, p.imap, d2, cmd)
	if err := d2.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(ownerScheduled(t, a2, maria.Email)); n != 1 {
		t.Fatalf("%d meetings after a restart, want 1", n)
	}
	if n := len(ownerConfirmations(t, p.smtp, cmdID)); n != 1 {
		t.Fatalf("%d confirmations after a restart, want 1", n)
	}
	if c, _ := a2.Contacts.Get(ctx, "otto@example.org"); c.Status != model.Replied {
		t.Fatalf("otto is %s after a restart", c.Status)
	}
}

func TestOwnerCommandErrorsAddAndStatus(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	p.run()
	ownerSync(t, p.d)
	note := ownerNotified(t, p, "Maria Lopez", "maria@example.org", "Happy to chat, tell me when suits you.")

	// A typo: nothing happens, and the answer names what was not understood.
	typo, typoID := ownerMsg("Re: "+subjectOf(note.Data), note.MessageID, "meting tue 2pm")
	ownerSends(t, p.imap, p.d, typo)
	errMail := ownerWaitMail(t, p.d, p.smtp, "error reply", func(r testmail.Received) bool {
		return ownerInReplyTo(t, r.Data) == typoID
	})
	body := ownerText(t, errMail.Data)
	if !strings.Contains(body, `"meting"`) || !strings.Contains(body, `did you mean "meeting"`) {
		t.Errorf("error reply does not name the unknown word:\n%s", body)
	}
	if s := subjectOf(errMail.Data); strings.Contains(s, "Done") {
		t.Errorf("error reply subject %q says Done", s)
	}
	if c, _ := p.a.Contacts.Get(ctx, "maria@example.org"); c.Status != model.Replied {
		t.Fatalf("a command with a typo moved maria to %s", c.Status)
	}

	// A fresh [rapport] mail to themselves adds a contact.
	add, addID := ownerMsg("[rapport] add", "", "add Brad Smith <brad@x.example> company Initech")
	ownerSends(t, p.imap, p.d, add)
	brad, err := p.a.Contacts.Get(ctx, "brad@x.example")
	if err != nil {
		t.Fatalf("add by mail: %v", err)
	}
	// Queued, or already contacted: the running daemon is woken by the
	// commit and sends at once when the slot is now.
	if brad.Name != "Brad Smith" || brad.Company != "Initech" || (brad.Status != model.Queued && brad.Status != model.Contacted) {
		t.Errorf("added contact %+v", brad)
	}
	addConf := ownerWaitMail(t, p.d, p.smtp, "add confirmation", func(r testmail.Received) bool {
		return ownerInReplyTo(t, r.Data) == addID
	})
	if b := ownerText(t, addConf.Data); !strings.Contains(b, "added Brad Smith <brad@x.example>") {
		t.Errorf("add confirmation:\n%s", b)
	}

	// status answers with the counts.
	st, stID := ownerMsg("[rapport] status", "", "status")
	ownerSends(t, p.imap, p.d, st)
	stMail := ownerWaitMail(t, p.d, p.smtp, "status answer", func(r testmail.Received) bool {
		return ownerInReplyTo(t, r.Data) == stID
	})
	counts, err := p.a.Store.CountByStatus(ctx, p.a.Account)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	var parts []string
	for _, s := range model.Statuses {
		if n := counts[s]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	want := fmt.Sprintf("✓ %d contacts: %s", total, strings.Join(parts, ", "))
	if total != 2 || counts[model.Replied] != 1 {
		t.Fatalf("counts %v, want maria replied and brad", counts)
	}
	if b := ownerText(t, stMail.Data); !strings.Contains(b, want) {
		t.Errorf("status answer lacks %q:\n%s", want, b)
	}
}

func TestOwnerNotifyDigestSuppressesNotifications(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.a.Config.Notify = "digest"
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	p.run()
	ownerSync(t, p.d)
	m := p.outreachTo("maria@example.org")
	p.imap.Deliver("INBOX", reply("Maria Lopez <maria@example.org>", testmail.DefaultUser, m.MessageID, subjectOf(m.Data),
		"Happy to chat, tell me when suits you."))
	p.waitStatus("maria@example.org", model.Replied)
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ownerMailSent(p.smtp); len(got) != 0 {
		t.Fatalf("notify: digest sent %d messages to the owner, first %q", len(got), subjectOf(got[0].Data))
	}
	rows, err := p.a.Store.MessagesInState(ctx, p.a.Account, store.MsgQueued)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Kind == model.KindNotification {
			t.Fatalf("notification queued with notify: digest: %q", r.Subject)
		}
	}
}

// TestOwnerCommandSurvivesFailedFetch: a command mail whose body cannot be
// read this time (a dropped connection) is obeyed when it is handled
// again, not marked done before it was read.
func TestOwnerCommandSurvivesFailedFetch(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Brad Smith", "brad@x.example") // a contact, so the account has one
	cmd, cmdID := ownerMsg("[rapport] add", "", "add Carla Diaz <carla@x.example> company Initech")
	sent := p.d.Folders.Sent.Name
	uid, err := p.imap.Append(sent, cmd, []string{`\Seen`}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	uidValidity, _, _ := p.imap.Status(sent)
	in := p.d.Inbound
	h := mailbox.ParseHeader(uid, cmd)
	// The first attempt reads a message that is not there (as when the
	// connection drops mid-fetch): the batch fails and is retried.
	bad := h
	bad.UID = uid + 100
	if err := in.Handle(ctx, sent, uidValidity, []mailbox.Header{bad}); err == nil {
		t.Fatal("handling an unreadable command mail succeeded")
	}
	if err := in.Handle(ctx, sent, uidValidity, []mailbox.Header{h}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.a.Contacts.Get(ctx, "carla@x.example"); err != nil {
		t.Fatalf("the command was lost after a failed fetch: %v", err)
	}
	// And it is still obeyed once.
	if err := in.Handle(ctx, sent, uidValidity, []mailbox.Header{h}); err != nil {
		t.Fatal(err)
	}
	rows, _ := p.a.Store.MessagesInState(ctx, p.a.Account, store.MsgQueued)
	n := 0
	for _, r := range rows {
		if r.Kind == model.KindConfirmation && r.InReplyTo == cmdID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d confirmations queued, want 1", n)
	}
}

// TestOwnerForgedCommandReusingASentMessageID: Message-IDs are not secret.
// Anyone the owner ever wrote to knows the Message-ID of that mail, which
// is in the owner's Sent folder; a command forged with it (the owner's
// From, the [rapport] tag) must still not be obeyed, because what is in
// Sent under that Message-ID is not this command.
func TestOwnerForgedCommandReusingASentMessageID(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Maria Lopez", "maria@example.org")
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	p.run()
	ownerSync(t, p.d)

	// The owner writes to a friend, who is not a contact; the client files
	// the copy in Sent.
	personal := []byte("From: Alex Doe <" + testmail.DefaultUser + ">\r\nTo: Mallory <mallory@evil.example>\r\n" +
		"Subject: dinner on Saturday\r\nDate: " + tuesday.Format(time.RFC1123Z) + "\r\nMessage-ID: <dinner.1@example.test>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nSee you at eight.\r\n")
	if _, err := p.imap.Append(p.d.Folders.Sent.Name, personal, []string{`\Seen`}, time.Now()); err != nil {
		t.Fatal(err)
	}
	ownerSync(t, p.d)

	// The friend forges a command with that Message-ID.
	forged := []byte("From: Alex Doe <" + testmail.DefaultUser + ">\r\nTo: " + testmail.DefaultUser + "\r\n" +
		"Subject: [rapport] add\r\nDate: " + tuesday.Format(time.RFC1123Z) + "\r\nMessage-ID: <dinner.1@example.test>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nadd Eve Evil <eve@evil.example>\r\ndecline maria@example.org\r\n")
	p.imap.Deliver("INBOX", forged)
	ownerSync(t, p.d)
	if err := p.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.a.Contacts.Get(ctx, "eve@evil.example"); err == nil {
		t.Fatal("a forged command reusing a Message-ID from Sent added a contact")
	}
	if c, _ := p.a.Contacts.Get(ctx, "maria@example.org"); c.Status != model.Contacted {
		t.Fatalf("a forged command reusing a Message-ID from Sent moved maria to %s", c.Status)
	}
	if n := len(ownerConfirmations(t, p.smtp, "dinner.1@example.test")); n != 0 {
		t.Fatalf("a forged command got %d answers", n)
	}
}
