package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/inbound"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/testmail"
)

// The end-to-end test of the inbox watcher against the real stack:
// Postfix delivers, Dovecot stores and serves IMAP (IDLE), Pigeonhole
// answers for a contact on vacation, Postfix bounces a missing mailbox.

// ibRun is one running daemon of the test (an App of its own on the
// shared database, as after a process restart).
type ibRun struct {
	a      *app.App
	d      *app.Daemon
	cancel context.CancelFunc
	done   chan error
}

func ibStart(t testing.TB, cfg *config.Config, clk clock.Clock, log *slog.Logger, onApplied func(inbound.Applied)) *ibRun {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{Log: log, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		a.Close()
		t.Fatalf("new daemon: %v", err)
	}
	d.OnApplied = onApplied
	return &ibRun{a: a, d: d}
}

// run starts the watcher; the test drives the outbox itself.
func (r *ibRun) run() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.d.Run(ctx, app.RunOptions{WatchOnly: true}) }()
}

// stop ends the daemon and closes the app.
func (r *ibRun) stop(t testing.TB) {
	t.Helper()
	if r.cancel != nil {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("daemon: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("daemon did not stop within 30s")
		}
		r.cancel = nil
	}
	if err := r.a.Close(); err != nil {
		t.Errorf("close app: %v", err)
	}
}

// sync makes the running watcher catch up with every folder.
func (r *ibRun) sync(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.d.SyncInbox(ctx); err != nil {
		t.Fatalf("sync inbox: %v", err)
	}
}

// ibEventually polls cond every 20ms until it holds or the deadline passes.
func ibEventually(t testing.TB, within time.Duration, what string, cond func() (bool, string)) {
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
		time.Sleep(20 * time.Millisecond)
	}
}

func ibWaitStatus(t testing.TB, a *app.App, email string, want model.Status) {
	t.Helper()
	ibEventually(t, 30*time.Second, email+" reaches "+string(want), func() (bool, string) {
		d, err := a.Contacts.Show(context.Background(), email)
		if err != nil {
			return false, err.Error()
		}
		return d.Status == want, fmt.Sprintf("status %s (%s); timeline %s", d.Status, d.StatusReason, ibTimeline(d.Events))
	})
}

func ibTimeline(evs []model.Event) string {
	var parts []string
	for _, e := range evs {
		parts = append(parts, fmt.Sprintf("%s %s→%s %q", e.Type, e.From, e.To, e.Detail))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func ibCountEvents(t testing.TB, a *app.App, email, typ string) int {
	t.Helper()
	d, err := a.Contacts.Show(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range d.Events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// ibState is what a restart or a rescan must leave exactly as it was:
// per contact, its status and every event and message row.
type ibState struct {
	contacts map[string]string // email → status, event types, message rows
	received int               // inbound message rows
}

func ibSnapshot(t testing.TB, a *app.App, emails []string) ibState {
	t.Helper()
	ctx := context.Background()
	s := ibState{contacts: map[string]string{}}
	for _, e := range emails {
		d, err := a.Contacts.Show(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := a.Store.MessagesByContact(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "status=%s events=", d.Status)
		for _, ev := range d.Events {
			fmt.Fprintf(&b, "%s:%s;", ev.Type, ev.MessageID)
		}
		b.WriteString(" messages=")
		for _, m := range msgs {
			fmt.Fprintf(&b, "%s/%s/%s;", m.Direction, m.State, m.MessageID)
		}
		s.contacts[e] = b.String()
	}
	in, err := a.Store.MessagesInState(ctx, a.Account, store.MsgReceived)
	if err != nil {
		t.Fatal(err)
	}
	s.received = len(in)
	return s
}

func ibCompare(t testing.TB, what string, before, after ibState) {
	t.Helper()
	for e, b := range before.contacts {
		if a := after.contacts[e]; a != b {
			t.Errorf("%s changed %s:\n before %s\n after  %s", what, e, b, a)
		}
	}
	if before.received != after.received {
		t.Errorf("%s: %d inbound message rows, was %d", what, after.received, before.received)
	}
}

// ibFlags reads UID → flags of every INBOX message over a separate,
// read-only IMAP session. \Recent is left out: it is per session (RFC
// 3501 §2.3.2), not a flag anyone sets, and reading it is what clears it.
func ibFlags(t testing.TB, st *mailstack.Stack, user string) map[imap.UID]string {
	t.Helper()
	out := map[imap.UID]string{}
	for _, m := range st.Messages(t, user, "INBOX") {
		var fs []string
		for _, f := range m.Flags {
			if !strings.EqualFold(string(f), `\Recent`) {
				fs = append(fs, string(f))
			}
		}
		slices.Sort(fs)
		out[m.UID] = strings.Join(fs, " ")
	}
	return out
}

// ibStoreFlags adds flags to the INBOX messages with the given UIDs, as
// the user's own client would.
func ibStoreFlags(t testing.TB, st *mailstack.Stack, user string, uid imap.UID, flags ...imap.Flag) {
	t.Helper()
	c := st.DialIMAP(t, user, nil)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close(); err != nil {
		t.Fatalf("store flags: %v", err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}
}

// ibAppend puts a message in user's INBOX with flags and an old date, as
// mail the user had before rapport started.
func ibAppend(t testing.TB, st *mailstack.Stack, user string, raw []byte, date time.Time, flags ...imap.Flag) {
	t.Helper()
	c := st.DialIMAP(t, user, nil)
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Flags: flags, Time: date})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append: %v", err)
	}
}

func ibMessageID(m *mailstack.Message) string {
	return strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
}

// ibReply is a contact's answer threaded on the outreach they received.
func ibReply(from, to string, outreach *mailstack.Message, body string, extra ...string) []byte {
	id := ibMessageID(outreach)
	h := append([]string{"In-Reply-To: <" + id + ">", "References: <" + id + ">"}, extra...)
	return mailstack.BuildMessage(from, to, "Re: "+outreach.Subject(), body, h...)
}

// ibDoveadm returns a doveadm command line for the stack's Dovecot, or ""
// when doveadm cannot be used here.
func ibDoveadm(st *mailstack.Stack) (bin, conf string) {
	bin, err := exec.LookPath("doveadm")
	if err != nil || st.StateDir == "" {
		return "", ""
	}
	conf = filepath.Join(st.StateDir, "dovecot", "dovecot.conf")
	if _, err := os.Stat(conf); err != nil {
		return "", ""
	}
	return bin, conf
}

func ibDovecotStatus(t testing.TB, st *mailstack.Stack, user, field string) uint32 {
	t.Helper()
	bin, conf := ibDoveadm(st)
	out, err := exec.Command(bin, "-c", conf, "-f", "flow", "mailbox", "status", "-u", user, field, "INBOX").CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm mailbox status: %v: %s", err, out)
	}
	for _, kv := range strings.Fields(string(out)) {
		if v, ok := strings.CutPrefix(kv, field+"="); ok {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				t.Fatalf("doveadm: %q: %v", out, err)
			}
			return uint32(n)
		}
	}
	t.Fatalf("doveadm: no %s in %q", field, out)
	return 0
}

// TestE2EInboundWatcherOnDovecot runs the inbox watcher against the real
// Postfix + Dovecot + Pigeonhole stack: a human reply, a real vacation
// reply, a real Postfix DSN and an opt-out each move (or keep) their
// contact; the user's INBOX flags are untouched; a restart and a
// UIDVALIDITY change process nothing twice and lose nothing.
func TestE2EInboundWatcherOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	cfg := stackConfig(t, st, owner, filepath.Join(t.TempDir(), "rapport.db"), ibTweak)
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))

	maria := st.UniqueUser(t, "maria").Address // replies (live, over IDLE)
	otto := st.UniqueUser(t, "otto").Address   // on vacation (Pigeonhole)
	gina := st.UniqueMissing(t)                // no such mailbox (Postfix DSN)
	sam := st.UniqueUser(t, "sam").Address     // "please remove me"
	sue := st.UniqueUser(t, "sue").Address     // silent; wrote to the user long ago
	lena := st.UniqueUser(t, "lena").Address   // replies while the daemon is down, before the UIDVALIDITY change
	kim := st.UniqueUser(t, "kim").Address     // replies after the UIDVALIDITY change
	everyone := []string{maria, otto, gina, sam, sue, lena, kim}

	// The user's INBOX already holds mail of their own, read and unread,
	// flagged and answered, among it an old message from Sue.
	// (More than history.lookback ago: not a reason to hold Sue's request.)
	old := time.Now().AddDate(0, -13, 0)
	ibAppend(t, st, owner.Address, mailstack.BuildMessage("boss@work.example", owner.Address, "Quarterly numbers", "See attached."), old, imap.FlagSeen, imap.FlagFlagged)
	ibAppend(t, st, owner.Address, mailstack.BuildMessage("Sue Silent <"+sue+">", owner.Address, "Long time no see", "Hi Alex, how are you doing these days?"), old, imap.FlagSeen, imap.FlagAnswered)
	ibAppend(t, st, owner.Address, mailstack.BuildMessage("news@letters.example", owner.Address, "Weekly digest", "Ten things."), old)
	st.SendRaw(t, "friend@"+st.Domain, []string{owner.Address},
		mailstack.BuildMessage("friend@"+st.Domain, owner.Address, "Dinner?", "Are you free on Saturday?"))
	st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool { return m.Subject() == "Dinner?" })

	// Otto's vacation is on before the outreach reaches him.
	st.SetVacation(t, otto, "I am out of the office until Monday 7 December and will answer when I am back.")

	r1 := ibStart(t, cfg, clk, log, nil)
	for _, e := range everyone {
		name := strings.ToUpper(e[:1]) + strings.SplitN(e[1:], ".", 2)[0]
		if strings.HasPrefix(e, "nobody-") {
			name = "Gina Gone"
		}
		if _, err := r1.a.Contacts.Add(ctx, contacts.Input{Name: name + " Example", Email: e, Company: "Acme " + name}, ""); err != nil {
			t.Fatalf("add %s: %v", e, err)
		}
	}
	if err := r1.d.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	ibEventually(t, 30*time.Second, "every outreach sent", func() (bool, string) {
		if err := r1.d.OutboxOnce(ctx); err != nil {
			return false, err.Error()
		}
		clk.Advance(time.Second)
		n, err := r1.a.Store.CountByStatus(ctx, r1.a.Account)
		if err != nil {
			return false, err.Error()
		}
		return n[model.Contacted] == len(everyone), fmt.Sprintf("by status %v", n)
	})
	// Past the Sent grace period rapport files its copies in Sent; the
	// watcher sees them there and must recognise them as its own.
	clk.Advance(16 * time.Second)
	if err := r1.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}

	outreach := map[string]*mailstack.Message{}
	for _, e := range everyone {
		if e == gina {
			continue
		}
		outreach[e] = st.WaitForMessage(t, e, "INBOX", 30*time.Second, nil)
	}

	// While the daemon is not running yet: Pigeonhole answers for Otto,
	// Postfix bounces Gina, Sam asks to be removed (through the MX port,
	// as an outside server would deliver it).
	st.SendRaw(t, sam, []string{owner.Address}, ibReply(sam, owner.Address, outreach[sam],
		"Please remove me from your list. I do not do informational interviews."))
	vacation := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return m.IsAutoReply() && strings.Contains(m.Header.Get("From"), otto)
	})
	dsn := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return m.IsDSN() && strings.Contains(string(m.Raw), gina)
	})
	optout := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.Contains(m.Header.Get("From"), sam)
	})
	t.Logf("vacation reply: %q (In-Reply-To %s); DSN: %q", vacation.Subject(), vacation.Header.Get("In-Reply-To"), dsn.Subject())
	// The user has read Sam's message and flagged the bounce already;
	// Otto's auto-reply is unread.
	ibStoreFlags(t, st, owner.Address, optout.UID, imap.FlagSeen)
	ibStoreFlags(t, st, owner.Address, dsn.UID, imap.FlagFlagged)
	flagsBefore := ibFlags(t, st, owner.Address)
	if len(flagsBefore) != 7 {
		t.Fatalf("owner's INBOX holds %d messages, want 7 (4 of the user's, vacation, DSN, opt-out): %v", len(flagsBefore), flagsBefore)
	}

	// The watcher starts: it catches up with what arrived since its first
	// checkpoint (the end of the INBOX when the daemon was built).
	r1.run()
	ibWaitStatus(t, r1.a, sam, model.OptedOut)
	ibWaitStatus(t, r1.a, gina, model.Bounced)
	ibEventually(t, 30*time.Second, "auto_reply event for otto", func() (bool, string) {
		return ibCountEvents(t, r1.a, otto, model.EventAutoReply) == 1, ""
	})
	if c, _ := r1.a.Contacts.Get(ctx, otto); c.Status != model.Contacted {
		t.Errorf("otto is %s after his vacation reply, want contacted", c.Status)
	}
	for _, e := range []string{sam, gina} {
		if sup, _, err := r1.a.Store.Suppressed(ctx, r1.a.Account, e); err != nil || !sup {
			t.Errorf("%s not suppressed (%v)", e, err)
		}
	}

	// Maria answers from her own account (submission) while rapport idles.
	st.Submit(t, maria, []string{owner.Address}, ibReply(maria, owner.Address, outreach[maria],
		"Hi Alex,\n\nhappy to help, thanks for reaching out. Let me look at my calendar and come back to you.\n\nMaria"))
	ibWaitStatus(t, r1.a, maria, model.Replied)
	r1.sync(t)

	// Nobody else moved: Sue's old message was history, not a reply.
	for _, e := range []string{sue, lena, kim, otto} {
		if c, _ := r1.a.Contacts.Get(ctx, e); c.Status != model.Contacted {
			t.Errorf("%s is %s, want contacted", e, c.Status)
		}
	}

	// The user's mail is exactly as it was: no flag added or removed, and
	// Maria's reply, which arrived while rapport watched, is still unread.
	flagsAfter := ibFlags(t, st, owner.Address)
	for uid, f := range flagsBefore {
		if g, ok := flagsAfter[uid]; !ok || g != f {
			t.Errorf("INBOX uid %d: flags %q before, %q after (present %v)", uid, f, g, ok)
		}
	}
	if len(flagsAfter) != len(flagsBefore)+1 {
		t.Errorf("INBOX holds %d messages, want %d", len(flagsAfter), len(flagsBefore)+1)
	}
	for uid, f := range flagsAfter {
		if _, ok := flagsBefore[uid]; !ok && f != "" {
			t.Errorf("new INBOX uid %d has flags %q, want none", uid, f)
		}
	}

	// Restart: a new App and daemon on the same database process nothing
	// again.
	state := ibSnapshot(t, r1.a, everyone)
	if state.received != 4 {
		t.Errorf("%d inbound message rows, want 4 (vacation, DSN, opt-out, reply)", state.received)
	}
	uv1, last1, err := r1.a.Store.Checkpoint(ctx, r1.a.Account, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	r1.stop(t)
	r2 := ibStart(t, cfg, clk, log, nil)
	r2.run()
	r2.sync(t)
	ibCompare(t, "restart", state, ibSnapshot(t, r2.a, everyone))
	if uv, last, _ := r2.a.Store.Checkpoint(ctx, r2.a.Account, "INBOX"); uv != uv1 || last != last1 {
		t.Errorf("INBOX checkpoint (%d, %d) after restart, was (%d, %d)", uv, last, uv1, last1)
	}
	r2.stop(t)

	t.Run("UIDVALIDITY change", func(t *testing.T) {
		bin, conf := ibDoveadm(st)
		if bin == "" {
			if mailstack.Required() {
				t.Fatal("doveadm not usable: cannot change UIDVALIDITY")
			}
			t.Skip("doveadm not usable here: cannot change UIDVALIDITY")
		}
		// Lena answers while the daemon is down, then the mailbox gets a
		// new UIDVALIDITY (as after an index rebuild or migration), then
		// Kim answers.
		st.SendRaw(t, lena, []string{owner.Address}, ibReply(lena, owner.Address, outreach[lena], "Sure, glad to talk. Tell me what suits you."))
		st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
			return strings.Contains(m.Header.Get("From"), lena)
		})
		oldUV := ibDovecotStatus(t, st, owner.Address, "uidvalidity")
		if oldUV != uv1 {
			t.Fatalf("Dovecot UIDVALIDITY %d, checkpoint says %d", oldUV, uv1)
		}
		newUV := oldUV + 1000
		if out, err := exec.Command(bin, "-c", conf, "mailbox", "update", "-u", owner.Address, "--uid-validity", strconv.FormatUint(uint64(newUV), 10), "INBOX").CombinedOutput(); err != nil {
			t.Fatalf("doveadm mailbox update: %v: %s", err, out)
		}
		if got := ibDovecotStatus(t, st, owner.Address, "uidvalidity"); got != newUV {
			t.Fatalf("UIDVALIDITY is %d after the update, want %d", got, newUV)
		}
		st.Submit(t, kim, []string{owner.Address}, ibReply(kim, owner.Address, outreach[kim], "Yes, happy to. Friday afternoon works for me."))
		st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
			return strings.Contains(m.Header.Get("From"), kim)
		})
		flagsBefore := ibFlags(t, st, owner.Address)

		r3 := ibStart(t, cfg, clk, log, nil)
		defer r3.stop(t)
		r3.run()
		ibWaitStatus(t, r3.a, lena, model.Replied)
		ibWaitStatus(t, r3.a, kim, model.Replied)
		r3.sync(t)
		uidNext := ibDovecotStatus(t, st, owner.Address, "uidnext")
		if uv, last, _ := r3.a.Store.Checkpoint(ctx, r3.a.Account, "INBOX"); uv != newUV || last != uidNext-1 {
			t.Errorf("INBOX checkpoint (%d, %d) after the rescan, want (%d, %d)", uv, last, newUV, uidNext-1)
		}
		// Everyone else is exactly as before; Lena and Kim each have one
		// reply; two inbound rows more.
		after := ibSnapshot(t, r3.a, everyone)
		for _, e := range []string{lena, kim} {
			if n := ibCountEvents(t, r3.a, e, model.EventReply); n != 1 {
				t.Errorf("%s has %d reply events, want 1", e, n)
			}
			delete(state.contacts, e)
		}
		state.received += 2
		ibCompare(t, "UIDVALIDITY rescan", state, after)
		for uid, f := range ibFlags(t, st, owner.Address) {
			if f != flagsBefore[uid] {
				t.Errorf("INBOX uid %d: flags %q before the rescan, %q after", uid, flagsBefore[uid], f)
			}
		}
	})
}

// TestInboundRescanAfterUIDValidityChangeSkipsHistory: the first run
// starts after the mail already in the INBOX (history), so a rescan after a
// UIDVALIDITY change must not take that history for news. An old message
// from a contact is not a reply; a reply threaded on the outreach, or a
// fresh message from a contact, delivered while the UIDVALIDITY changed is
// processed once. (In-process servers; the same happens on Dovecot in
// TestE2EInboundWatcherOnDovecot.)
func TestInboundRescanAfterUIDValidityChangeSkipsHistory(t *testing.T) {
	ctx := context.Background()
	imapSrv := testmail.NewIMAP(t)
	smtpSrv := testmail.NewSMTP(t)
	const sue, maria, kim, lena = "sue@example.org", "maria@example.org", "kim@example.org", "lena@example.org"
	// A conversation with Sue more than a year old, read and answered,
	// before rapport (older than history.lookback: not a reason to hold
	// her first request).
	if _, err := imapSrv.Append("INBOX", mailstack.BuildMessage("Sue <"+sue+">", testmail.DefaultUser, "Long time no see", "How are you?"),
		[]string{`\Seen`, `\Answered`}, time.Now().AddDate(0, -13, 0)); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, imapSrv, smtpSrv)
	cfg.Outreach.Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	cfg.Outreach.Window = "00:00-24:00"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// The app's clock reads the server's time, as in production.
	clk := clock.NewFake(time.Now().UTC())
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	r1 := ibStart(t, cfg, clk, log, nil)
	for _, e := range []string{sue, maria, kim, lena} {
		if _, err := r1.a.Contacts.Add(ctx, contacts.Input{Name: strings.Split(e, "@")[0] + " Example", Email: e, Company: "Acme"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := r1.d.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r1.d.OutboxOnce(ctx); err != nil {
		t.Fatal(err)
	}
	outreach := map[string]testmail.Received{}
	for _, r := range smtpSrv.Received() {
		outreach[r.To[0]] = r
	}
	if len(outreach) != 4 {
		t.Fatalf("%d outreach sent, want 4", len(outreach))
	}
	threaded := func(from string, body string) []byte {
		o := outreach[from]
		return reply(from, testmail.DefaultUser, o.MessageID, subjectOf(o.Data), body)
	}
	r1.run()
	imapSrv.Deliver("INBOX", threaded(maria, "Happy to help, let me check my calendar."))
	ibWaitStatus(t, r1.a, maria, model.Replied)
	r1.sync(t)
	if c, _ := r1.a.Contacts.Get(ctx, sue); c.Status != model.Contacted {
		t.Fatalf("sue is %s after the first run, want contacted", c.Status)
	}
	before := ibSnapshot(t, r1.a, []string{sue, maria, kim, lena})
	r1.stop(t)

	// While the daemon is down the INBOX gets a new UIDVALIDITY, and Kim
	// (threaded) and Lena (a fresh message, not threaded) write.
	newV := imapSrv.RecreateMailbox("INBOX")
	imapSrv.Deliver("INBOX", threaded(kim, "Sure, glad to talk."))
	imapSrv.Deliver("INBOX", mailstack.BuildMessage("Lena <"+lena+">", testmail.DefaultUser, "Your note", "Hi Alex, yes, happy to chat. Tell me what suits you."))
	clk.Advance(time.Minute)
	r2 := ibStart(t, cfg, clk, log, nil)
	defer r2.stop(t)
	r2.run()
	r2.sync(t)
	_, uidNext, _ := imapSrv.Status("INBOX")
	if v, last, _ := r2.a.Store.Checkpoint(ctx, r2.a.Account, "INBOX"); v != newV || last != uidNext-1 {
		t.Fatalf("checkpoint (%d, %d), want (%d, %d)", v, last, newV, uidNext-1)
	}
	ibWaitStatus(t, r2.a, kim, model.Replied)
	ibWaitStatus(t, r2.a, lena, model.Replied)
	after := ibSnapshot(t, r2.a, []string{sue, maria})
	delete(before.contacts, kim)
	delete(before.contacts, lena)
	before.received += 2
	ibCompare(t, "rescan", before, after)
}

// ibTweak is this file's difference from stackConfig: the intro the
// assertions look for.
func ibTweak(cfg *config.Config) {
	cfg.Me.Intro = "I just finished a programming certificate after six years of teaching"
}
