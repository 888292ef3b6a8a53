package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/app"
	"rapport/internal/cli"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/store"
)

// The owner's side end to end on the real Postfix + Dovecot: notifications
// land in the owner's INBOX, the owner's emailed commands are obeyed once
// when they are provably theirs (submitted, and filed in Sent by their
// client), a forged one is not, and `digest --send` delivers the digest.

// eoConfig is the owner's configuration on the stack, built in code, and
// the same as a file for the CLI (the password in a 0600 file).
func eoConfig(t *testing.T, st *mailstack.Stack, owner mailstack.User, dir string) (*config.Config, string) {
	t.Helper()
	db := filepath.Join(dir, "rapport.db")
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte(owner.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := stackConfig(t, st, owner, db, nil)
	file := fmt.Sprintf(`me:
  name: Alex Doe
  email: %[1]s
  timezone: UTC
  intro: "I just finished a programming certificate"
  interest: "the IT industry"
  availability: ["tue 13:00-16:00", "fri 09:00-17:00"]
imap: {host: %[2]s, port: %[3]d, security: starttls, username: %[1]s, password_file: %[5]q, ca_file: %[6]q}
smtp: {host: %[2]s, port: %[4]d, security: starttls, username: %[1]s, password_file: %[5]q, ca_file: %[6]q}
database: %[7]q
outreach: {days: [sun, mon, tue, wed, thu, fri, sat], window: "00:00-24:00", spacing: "0s", daily_limit: 1000}
log: {level: warn}
`, owner.Address, st.Host, cfg.IMAP.Port, cfg.SMTP.Port, pwFile, st.CAFile, cfg.Database)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, path
}

// eoDaemon is one daemon process of the test: its own App on the shared
// database, watching; the test drives the outbox.
type eoDaemon struct {
	a      *app.App
	d      *app.Daemon
	cancel context.CancelFunc
	done   chan error
}

func eoStart(t *testing.T, cfg *config.Config, clk clock.Clock) *eoDaemon {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, cfg, app.Options{Log: log, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		a.Close()
		t.Fatalf("new daemon: %v", err)
	}
	// Recover first, so the outbox's defaults are set before the test
	// drives it alongside the watcher.
	if err := d.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	r := &eoDaemon{a: a, d: d, done: make(chan error, 1)}
	rctx, cancel := context.WithCancel(ctx)
	r.cancel = cancel
	go func() { r.done <- d.Run(rctx, app.RunOptions{WatchOnly: true}) }()
	t.Cleanup(func() { r.stop(t) })
	r.sync(t)
	return r
}

func (r *eoDaemon) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("daemon: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not stop within 30s")
	}
	if err := r.a.Close(); err != nil {
		t.Errorf("close app: %v", err)
	}
}

func (r *eoDaemon) sync(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.d.SyncInbox(ctx); err != nil {
		t.Fatalf("sync inbox: %v", err)
	}
}

func (r *eoDaemon) outbox(t *testing.T) {
	t.Helper()
	if err := r.d.OutboxOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func eoEventually(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s: %s", within, what, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func eoStatus(t *testing.T, a *app.App, email string, want model.Status) {
	t.Helper()
	eoEventually(t, 30*time.Second, email+" reaches "+string(want), func() (bool, string) {
		c, err := a.Contacts.Get(context.Background(), email)
		if err != nil {
			return false, err.Error()
		}
		return c.Status == want, "status " + string(c.Status)
	})
}

func eoID(m *mailstack.Message) string {
	return strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
}

// eoCommand is a message the owner writes to themselves in their client.
func eoCommand(owner, subject, inReplyTo, body string) ([]byte, string) {
	var r [8]byte
	_, _ = rand.Read(r[:])
	_, domain, _ := strings.Cut(owner, "@")
	id := "cmd." + hex.EncodeToString(r[:]) + "@" + domain
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Alex Doe <%[1]s>\r\nTo: Alex Doe <%[1]s>\r\nSubject: %[2]s\r\nDate: %[3]s\r\nMessage-ID: <%[4]s>\r\n",
		owner, subject, time.Now().Format(time.RFC1123Z), id)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%[1]s>\r\nReferences: <%[1]s>\r\n", inReplyTo)
	}
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nOn a day, rapport wrote:\r\n> the notification\r\n", body)
	return b.Bytes(), id
}

// eoSendAsOwner is the owner's mail client sending raw to the owner:
// submission (Postfix delivers it to INBOX), then a copy APPENDed to Sent.
func eoSendAsOwner(t *testing.T, st *mailstack.Stack, owner mailstack.User, sent string, raw []byte) {
	t.Helper()
	st.Submit(t, owner.Address, []string{owner.Address}, raw)
	eoAppend(t, st, owner, sent, raw)
}

// eoAppend files raw in the owner's Sent folder, as their client does.
func eoAppend(t *testing.T, st *mailstack.Stack, owner mailstack.User, sent string, raw []byte) {
	t.Helper()
	c := st.DialIMAP(t, owner.Address, nil)
	cmd := c.Append(sent, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append to %s: %v", sent, err)
	}
}

// eoWaitIndexed waits until the daemon's INBOX checkpoint has passed the
// message with this Message-ID (it is in INBOX and was handled).
func eoWaitIndexed(t *testing.T, st *mailstack.Stack, r *eoDaemon, owner, messageID string) {
	t.Helper()
	m := st.WaitForMessage(t, owner, "INBOX", 30*time.Second, func(m *mailstack.Message) bool { return eoID(m) == messageID })
	eoEventually(t, 30*time.Second, "the watcher handled "+messageID, func() (bool, string) {
		r.sync(t)
		_, last, err := r.a.Store.Checkpoint(context.Background(), r.a.Account, "INBOX")
		if err != nil {
			return false, err.Error()
		}
		return last >= uint32(m.UID), fmt.Sprintf("INBOX checkpoint %d, message uid %d", last, m.UID)
	})
}

func eoConfirmationRows(t *testing.T, a *app.App, commandID string) int {
	t.Helper()
	var n int
	if err := a.Store.DB().Get(&n, "SELECT count(*) FROM messages WHERE kind = ? AND in_reply_to = ?",
		model.KindConfirmation, commandID); err != nil {
		t.Fatal(err)
	}
	return n
}

func eoInboxReplies(t *testing.T, st *mailstack.Stack, owner, messageID string) []*mailstack.Message {
	var out []*mailstack.Message
	for _, m := range st.Messages(t, owner, "INBOX") {
		if strings.Trim(m.Header.Get("In-Reply-To"), "<> ") == messageID {
			out = append(out, m)
		}
	}
	return out
}

func TestE2EOwnerCommandsAndDigestOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	maria := st.UniqueUser(t, "maria").Address
	otto := st.UniqueUser(t, "otto").Address
	cfg, cfgFile := eoConfig(t, st, owner, t.TempDir())
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))

	r1 := eoStart(t, cfg, clk)
	sent := r1.d.Folders.Sent.Name
	for _, c := range []contacts.Input{{Name: "Maria Lopez", Email: maria, Company: "Northwind"},
		{Name: "Otto Berg", Email: otto, Company: "Initech"}} {
		if _, err := r1.a.Contacts.Add(ctx, c, ""); err != nil {
			t.Fatal(err)
		}
	}
	eoEventually(t, 30*time.Second, "outreach sent", func() (bool, string) {
		r1.outbox(t)
		clk.Advance(time.Second)
		n, _ := r1.a.Store.CountByStatus(ctx, r1.a.Account)
		return n[model.Contacted] == 2, fmt.Sprintf("by status %v", n)
	})
	toMaria := st.WaitForMessage(t, maria, "INBOX", 30*time.Second, nil)
	toOtto := st.WaitForMessage(t, otto, "INBOX", 30*time.Second, nil)

	// Maria answers; the owner hears of it in their INBOX.
	st.Submit(t, maria, []string{owner.Address}, mailstack.BuildMessage("Maria Lopez <"+maria+">", owner.Address,
		"Re: "+toMaria.Subject(), "Hi Alex,\n\nhappy to help. Let me know what time suits you.\n\nMaria",
		"In-Reply-To: <"+eoID(toMaria)+">", "References: <"+eoID(toMaria)+">"))
	eoStatus(t, r1.a, maria, model.Replied)
	r1.outbox(t)
	note := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport]") && strings.Contains(m.Subject(), "Maria Lopez")
	})
	if v := note.Header.Get("Auto-Submitted"); v != "auto-generated" {
		t.Errorf("notification Auto-Submitted = %q", v)
	}

	// The owner answers the notification from their client.
	when := clk.Now().AddDate(0, 0, 10)
	wantStart := time.Date(when.Year(), when.Month(), when.Day(), 14, 0, 0, 0, time.UTC)
	cmd, cmdID := eoCommand(owner.Address, "Re: "+note.Subject(), eoID(note), "meeting "+wantStart.Format("2006-01-02 15:04"))
	eoSendAsOwner(t, st, owner, sent, cmd)
	eoEventually(t, 30*time.Second, "maria scheduled", func() (bool, string) {
		r1.sync(t)
		c, _ := r1.a.Contacts.Get(ctx, maria)
		return c.Status == model.Scheduled, "status " + string(c.Status)
	})
	ms := ownerScheduled(t, r1.a, maria)
	if len(ms) != 1 || !ms[0].Start.Equal(wantStart) {
		t.Fatalf("scheduled meetings %+v, want one at %v", ms, wantStart)
	}
	r1.outbox(t)
	conf := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.Trim(m.Header.Get("In-Reply-To"), "<> ") == cmdID
	})
	if !strings.Contains(conf.Subject(), "Done") {
		t.Errorf("confirmation subject %q", conf.Subject())
	}
	eoWaitIndexed(t, st, r1, owner.Address, cmdID) // the INBOX copy was seen too

	// A restart, and the same command delivered again (both copies).
	r1.stop(t)
	r2 := eoStart(t, cfg, clk)
	eoSendAsOwner(t, st, owner, sent, cmd)
	eoEventually(t, 30*time.Second, "the second INBOX copy arrived", func() (bool, string) {
		n := 0
		for _, m := range st.Messages(t, owner.Address, "INBOX") {
			if eoID(m) == cmdID {
				n++
			}
		}
		return n == 2, fmt.Sprintf("%d copies", n)
	})
	eoWaitIndexed(t, st, r2, owner.Address, cmdID)
	r2.outbox(t)
	if n := len(ownerScheduled(t, r2.a, maria)); n != 1 {
		t.Fatalf("%d meetings after a restart and the command again, want 1", n)
	}
	if n := eoConfirmationRows(t, r2.a, cmdID); n != 1 {
		t.Fatalf("%d confirmations queued for the command, want 1", n)
	}
	if n := len(eoInboxReplies(t, st, owner.Address, cmdID)); n != 1 {
		t.Fatalf("%d confirmations in the owner's INBOX, want 1", n)
	}

	// A forged command: the owner's From, threaded on Otto's notification,
	// delivered by an outside server; the owner never sent it.
	st.Submit(t, otto, []string{owner.Address}, mailstack.BuildMessage("Otto Berg <"+otto+">", owner.Address,
		"Re: "+toOtto.Subject(), "Hello Alex, sure, I can talk next week.",
		"In-Reply-To: <"+eoID(toOtto)+">", "References: <"+eoID(toOtto)+">"))
	eoStatus(t, r2.a, otto, model.Replied)
	r2.outbox(t)
	ottoNote := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport]") && strings.Contains(m.Subject(), "Otto Berg")
	})
	forged, forgedID := eoCommand(owner.Address, "Re: "+ottoNote.Subject(), eoID(ottoNote),
		"decline\nmeeting "+wantStart.AddDate(0, 0, 1).Format("2006-01-02 15:04"))
	st.SendRaw(t, "mallory@evil.example", []string{owner.Address}, forged)
	eoWaitIndexed(t, st, r2, owner.Address, forgedID)
	r2.outbox(t)
	if c, _ := r2.a.Contacts.Get(ctx, otto); c.Status != model.Replied {
		t.Fatalf("a forged command moved otto to %s", c.Status)
	}
	if n := len(ownerScheduled(t, r2.a, otto)); n != 0 {
		t.Fatalf("a forged command scheduled %d meetings", n)
	}
	if n := eoConfirmationRows(t, r2.a, forgedID); n != 0 {
		t.Fatalf("a forged command got %d answers", n)
	}
	for _, m := range st.Messages(t, owner.Address, sent) {
		if eoID(m) == forgedID {
			t.Fatal("the forged command is in Sent")
		}
	}

	// A forgery that reuses a Message-ID that is in Sent: the owner wrote
	// to a friend (not a contact), who knows that mail's Message-ID.
	friend := st.UniqueUser(t, "friend").Address
	dinner := mailstack.BuildMessage("Alex Doe <"+owner.Address+">", friend, "Dinner on Saturday?", "See you at eight.")
	dinnerID := strings.Trim(strings.SplitN(strings.SplitN(string(dinner), "Message-ID: ", 2)[1], "\r\n", 2)[0], "<>")
	st.Submit(t, owner.Address, []string{friend}, dinner)
	eoAppend(t, st, owner, sent, dinner)
	reused := []byte(fmt.Sprintf("From: Alex Doe <%[1]s>\r\nTo: Alex Doe <%[1]s>\r\nSubject: [rapport] add\r\nDate: %[2]s\r\n"+
		"Message-ID: <%[3]s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"add Eve Evil <eve@evil.example>\r\ndecline %[4]s\r\n", owner.Address, time.Now().Format(time.RFC1123Z), dinnerID, otto))
	st.SendRaw(t, friend, []string{owner.Address}, reused)
	eoWaitIndexed(t, st, r2, owner.Address, dinnerID)
	r2.outbox(t)
	if _, err := r2.a.Contacts.Get(ctx, "eve@evil.example"); err == nil {
		t.Fatal("a forged command reusing a Message-ID from Sent added a contact")
	}
	if c, _ := r2.a.Contacts.Get(ctx, otto); c.Status != model.Replied {
		t.Fatalf("a forged command reusing a Message-ID from Sent moved otto to %s", c.Status)
	}
	if n := eoConfirmationRows(t, r2.a, dinnerID); n != 0 {
		t.Fatalf("a forged command reusing a Message-ID from Sent got %d answers", n)
	}

	// `rapport digest --send`, while the daemon runs.
	var out, errb bytes.Buffer
	if code := cli.Main(ctx, []string{"--config", cfgFile, "digest", "--send"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("digest --send: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	dg := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport] Weekly digest")
	})
	top, parts := digestMIME(t, dg.Raw)
	if top != "multipart/alternative" || parts["text/plain"] == "" || parts["text/html"] == "" {
		t.Fatalf("digest is %s with parts %v, want multipart/alternative with text and HTML", top, digestKeys(parts))
	}
	out.Reset()
	errb.Reset()
	if code := cli.Main(ctx, []string{"--config", cfgFile, "contacts", "list", "--json"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("contacts list: exit %d\n%s", code, errb.String())
	}
	var list []struct {
		Email  string `json:"email"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatalf("contacts list --json: %v\n%s", err, out.String())
	}
	byStatus := map[string]int{}
	for _, c := range list {
		byStatus[c.Status]++
	}
	if byStatus[string(model.Scheduled)] != 1 || byStatus[string(model.Replied)] != 1 || len(list) != 2 {
		t.Fatalf("contacts list: %+v", list)
	}
	for _, s := range model.Statuses {
		n := byStatus[string(s)]
		mainLine := map[model.Status]bool{model.Queued: true, model.Contacted: true, model.Replied: true,
			model.Scheduled: true, model.Met: true, model.Thanked: true}
		if n == 0 && !mainLine[s] {
			continue // statuses off the main line are left out when empty
		}
		if !digestLineHas(parts["text/plain"], strings.ReplaceAll(string(s), "_", " "), n) {
			t.Errorf("digest pipeline does not show %s %d:\n%s", s, n, parts["text/plain"])
		}
	}
	var digests int
	if err := r2.a.Store.DB().Get(&digests, "SELECT count(*) FROM messages WHERE kind = 'digest' AND state = ?", store.MsgSent); err != nil {
		t.Fatal(err)
	}
	if digests != 1 {
		t.Errorf("%d digests sent, want 1", digests)
	}
}
