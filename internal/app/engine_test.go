package app_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/inbound"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/testmail"
)

// engine is an App and Daemon on in-process servers and a fake clock,
// driven pass by pass through the real scheduler (RunDue), with the real
// inbox watcher running.
type engine struct {
	t    *testing.T
	cfg  *config.Config
	imap *testmail.IMAP
	smtp *testmail.SMTP
	clk  *clock.Fake
	a    *app.App
	d    *app.Daemon
	stop func()
}

func newEngine(t *testing.T, tune func(*config.Config)) *engine {
	t.Helper()
	e := &engine{t: t, imap: testmail.NewIMAP(t), smtp: testmail.NewSMTP(t), clk: clock.NewFake(tuesday)}
	e.cfg = testConfig(t, e.imap, e.smtp)
	if tune != nil {
		tune(e.cfg)
		if err := e.cfg.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	e.open()
	t.Cleanup(func() { e.close() })
	return e
}

func (e *engine) open() {
	e.t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, e.cfg, app.Options{Log: log, Clock: e.clk})
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		a.Close()
		e.t.Fatal(err)
	}
	e.a, e.d = a, d
	if err := d.Start(ctx, app.RunOptions{WatchOnly: true}); err != nil {
		e.t.Fatal(err)
	}
	e.stop = func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Stop(sctx); err != nil {
			e.t.Errorf("stop: %v", err)
		}
		a.Close()
	}
}

func (e *engine) close() {
	if e.stop != nil {
		e.stop()
		e.stop = nil
	}
}

// pass runs one scheduler pass and returns when the next work falls due.
func (e *engine) pass() time.Time {
	e.t.Helper()
	next, err := e.d.RunDue(context.Background())
	if err != nil {
		e.t.Fatalf("pass at %v: %v", e.clk.Now(), err)
	}
	return next
}

// runUntil steps the clock from one due time to the next, running what is
// due each time, until done says so (or the horizon passes).
func (e *engine) runUntil(horizon time.Duration, done func() bool) {
	e.t.Helper()
	end := e.clk.Now().Add(horizon)
	for !done() {
		next := e.pass()
		if done() {
			return
		}
		if next.IsZero() || next.After(end) {
			e.t.Fatalf("nothing more due before %v (next %v) and not done", end, next)
		}
		if next.After(e.clk.Now()) {
			e.clk.Set(next)
		}
	}
}

func (e *engine) add(name, email string) {
	e.t.Helper()
	if _, err := e.a.Contacts.Add(context.Background(), contacts.Input{Name: name, Email: email, Company: "Acme"}, ""); err != nil {
		e.t.Fatal(err)
	}
}

// outreachSent are the times (on the fake clock) requests were accepted.
func (e *engine) sentTimes(kind model.Kind) []time.Time {
	e.t.Helper()
	var out []time.Time
	msgs, err := e.a.Store.MessagesInState(context.Background(), e.a.Account, model.MsgSent)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m.SentAt())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

func gaps(ts []time.Time) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(ts); i++ {
		out = append(out, ts[i].Sub(ts[i-1]))
	}
	return out
}

// TestSendsRespectTheSpacingAtSendTime sends 20 requests with spacing
// 1s-2s: no two are ever closer than the minimum, and the daemon wakes for
// each one rather than sending a batch.
func TestSendsRespectTheSpacingAtSendTime(t *testing.T) {
	e := newEngine(t, func(c *config.Config) {
		c.Outreach.Spacing = "1s-2s"
		c.Outreach.Days = []string{"tue", "wed"}
		c.Outreach.Window = "09:00-17:00"
	})
	for i := 0; i < 20; i++ {
		e.add(fmt.Sprintf("Person %02d", i), fmt.Sprintf("p%02d@example.org", i))
	}
	e.runUntil(time.Hour, func() bool { return len(e.sentTimes(model.KindOutreach)) == 20 })
	ts := e.sentTimes(model.KindOutreach)
	for i, g := range gaps(ts) {
		if g < time.Second {
			t.Errorf("requests %d and %d went %v apart, under the spacing's minimum of 1s", i, i+1, g)
		}
	}
	// The plan said the truth: each went at the slot planned for it.
	for i := 0; i < 20; i++ {
		c, err := e.a.Contacts.Get(context.Background(), fmt.Sprintf("p%02d@example.org", i))
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != model.Contacted {
			t.Errorf("%s is %s", c.Email, c.Status)
		}
	}
	if got := e.smtp.Received(); len(got) != 20 {
		t.Fatalf("the server got %d messages, want 20", len(got))
	}
}

// TestAPlanThatTellsTheTruth: 100 contacts with daily_limit 20 get at
// most 20 first requests planned a day, on allowed days only, and the
// daemon then sends exactly at those slots.
func TestAPlanThatTellsTheTruth(t *testing.T) {
	e := newEngine(t, func(c *config.Config) {
		c.Outreach.Spacing = "1m-2m"
		c.Outreach.DailyLimit = 20
	})
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		e.add(fmt.Sprintf("Person %03d", i), fmt.Sprintf("p%03d@example.org", i))
	}
	cs, err := e.a.Store.Contacts(ctx, e.a.Account, model.Queued)
	if err != nil {
		t.Fatal(err)
	}
	ny := e.cfg.Location()
	perDay := map[string]int{}
	planned := map[string]time.Time{}
	for _, c := range cs {
		d := c.NextActionAt.In(ny)
		if wd := d.Weekday(); wd != time.Tuesday && wd != time.Wednesday {
			t.Errorf("%s planned on a %s", c.Email, wd)
		}
		if h := d.Hour()*60 + d.Minute(); h < 9*60 || h >= 11*60+30 {
			t.Errorf("%s planned outside the window: %v", c.Email, d)
		}
		perDay[d.Format("2006-01-02")]++
		planned[c.Email] = c.NextActionAt
	}
	for day, n := range perDay {
		if n > 20 {
			t.Errorf("%d first requests planned on %s, over the daily limit", n, day)
		}
	}
	if len(perDay) != 5 {
		t.Errorf("100 at 20 a day planned over %d days, want 5: %v", len(perDay), perDay)
	}
	// Run three weeks: what goes out matches the plan.
	e.runUntil(21*24*time.Hour, func() bool { return len(e.sentTimes(model.KindOutreach)) == 100 })
	msgs, _ := e.a.Store.MessagesInState(ctx, e.a.Account, model.MsgSent)
	for _, m := range msgs {
		if m.Kind != model.KindOutreach {
			continue
		}
		want := planned[m.ToAddr]
		if !m.SentAt().Equal(want) {
			t.Errorf("%s: sent %v, planned %v", m.ToAddr, m.SentAt().In(ny), want.In(ny))
		}
	}
}

// TestRestartAfterALongGapReplansInsteadOfBursting: the daemon is down
// from Tuesday morning until Thursday; the missed slots are planned forward
// to the next allowed window, with the spacing kept, never sent in a burst
// on the Thursday.
func TestRestartAfterALongGapReplansInsteadOfBursting(t *testing.T) {
	e := newEngine(t, func(c *config.Config) { c.Outreach.Spacing = "2m-3m" })
	for i := 0; i < 6; i++ {
		e.add(fmt.Sprintf("Person %d", i), fmt.Sprintf("p%d@example.org", i))
	}
	e.runUntil(time.Hour, func() bool { return len(e.sentTimes(model.KindOutreach)) == 1 })
	e.close()
	e.clk.Set(time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)) // Thursday 10:00 in New York
	e.open()
	e.pass()
	if n := len(e.smtp.Received()); n != 1 {
		t.Fatalf("%d requests after the restart on a Thursday, want none new", n-1)
	}
	cs, _ := e.a.Store.Contacts(context.Background(), e.a.Account, model.Queued)
	ny := e.cfg.Location()
	for _, c := range cs {
		if d := c.NextActionAt.In(ny); d.Weekday() != time.Tuesday || d.Day() != 1 {
			t.Errorf("%s replanned for %v, want Tuesday 1 December", c.Email, d)
		}
	}
	e.runUntil(8*24*time.Hour, func() bool { return len(e.sentTimes(model.KindOutreach)) == 6 })
	ts := e.sentTimes(model.KindOutreach)
	for i, g := range gaps(ts) {
		if g < 2*time.Minute {
			t.Errorf("requests %d and %d went %v apart after the restart", i, i+1, g)
		}
	}
}

// TestANotificationIsQueuedWithTheReply: the notification about a reply is
// written in the transaction that records the reply, and sent in the next
// pass, not a tick later.
func TestANotificationIsQueuedWithTheReply(t *testing.T) {
	e := newEngine(t, nil)
	e.add("Maria Lopez", "maria@example.org")
	e.pass()
	out := e.smtp.Received()
	if len(out) != 1 {
		t.Fatalf("%d sent", len(out))
	}
	e.imap.Deliver("INBOX", reply("maria@example.org", testmail.DefaultUser, out[0].MessageID, subjectOf(out[0].Data), "Happy to chat next week!"))
	if err := e.d.SyncInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := e.a.Contacts.Get(context.Background(), "maria@example.org")
	if err != nil || c.Status != model.Replied {
		t.Fatalf("maria %v %v", c, err)
	}
	queued, _ := e.a.Store.MessagesInState(context.Background(), e.a.Account, model.MsgQueued)
	var note *store.Message
	for _, m := range queued {
		if m.Kind == model.KindNotification {
			note = m
		}
	}
	if note == nil {
		t.Fatal("no notification queued with the reply")
	}
	if !time.UnixMilli(note.CreatedAtMs).Equal(c.StatusChangedAt) {
		t.Errorf("notification made at %v, the reply recorded at %v: not one transaction", time.UnixMilli(note.CreatedAtMs), c.StatusChangedAt)
	}
	e.pass()
	got := e.smtp.Received()
	if len(got) != 2 || !contains(got[1].To, testmail.DefaultUser) {
		t.Fatalf("the next pass sent %d messages; want the notification to the owner", len(got)-1)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// TestAPanicOnOneMessageLeavesTheDaemonRunning: a message that makes the
// handling panic is quarantined and skipped; the next one is processed;
// the owner is told once; the daemon goes on.
func TestAPanicOnOneMessageLeavesTheDaemonRunning(t *testing.T) {
	e := newEngine(t, nil)
	e.add("Maria Lopez", "maria@example.org")
	e.add("Jo Park", "jo@example.org")
	e.pass()
	e.pass()
	out := e.smtp.Received()
	if len(out) != 2 {
		t.Fatalf("%d sent", len(out))
	}
	inbound.TestHookMessage = func(h mailbox.Header) {
		if strings.Contains(h.Subject, "poison") {
			panic("a parser fell over on this message")
		}
	}
	t.Cleanup(func() { inbound.TestHookMessage = nil })
	byTo := map[string]testmail.Received{}
	for _, r := range out {
		byTo[r.To[0]] = r
	}
	m, j := byTo["maria@example.org"], byTo["jo@example.org"]
	e.imap.Deliver("INBOX", reply("maria@example.org", testmail.DefaultUser, m.MessageID, "Re: poison", "crash me"))
	e.imap.Deliver("INBOX", reply("jo@example.org", testmail.DefaultUser, j.MessageID, subjectOf(j.Data), "Sure, happy to help."))
	if err := e.d.SyncInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	jo, _ := e.a.Contacts.Get(context.Background(), "jo@example.org")
	if jo.Status != model.Replied {
		t.Fatalf("the message after the poisoned one was not processed: jo is %s", jo.Status)
	}
	maria, _ := e.a.Contacts.Get(context.Background(), "maria@example.org")
	if maria.Status != model.Contacted {
		t.Errorf("maria is %s after a message that could not be handled", maria.Status)
	}
	if n := e.d.Inbound.Quarantined.Load(); n != 1 {
		t.Errorf("%d quarantined, want 1", n)
	}
	// A second sync does not try the poisoned message again, and the
	// owner hears about it once.
	if err := e.d.SyncInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.pass()
	told := 0
	for _, r := range e.smtp.Received() {
		if contains(r.To, testmail.DefaultUser) && strings.Contains(string(r.Data), "could not read a message") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the owner was told %d times, want once", told)
	}
	if n := e.d.Inbound.Quarantined.Load(); n != 1 {
		t.Errorf("the poisoned message was tried again (%d quarantines)", n)
	}
}

// TestOneDaemonPerDatabase: a second daemon on the same database refuses
// to start, with a message that says why.
func TestOneDaemonPerDatabase(t *testing.T) {
	e := newEngine(t, nil)
	ctx := context.Background()
	a2, err := app.Open(ctx, e.cfg, app.Options{Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	_, err = a2.NewDaemon(ctx)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("second daemon: %v, want ErrLocked", err)
	}
	// Once the first stops, the next may start.
	e.close()
	d3, err := a2.NewDaemon(ctx)
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	_ = d3.Stop(ctx)
}

// TestOnePlaceWritesContactStatus keeps the state machine's promise: no
// code outside internal/apply (and the store it calls) writes a contact's
// status, next action or follow-up count, or creates a contact (the
// store's methods for it have names nothing else uses).
func TestOnePlaceWritesContactStatus(t *testing.T) {
	root := "../.."
	allowed := map[string]bool{"internal/apply": true, "internal/store": true}
	fset := token.NewFileSet()
	var bad []string
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		if allowed[filepath.ToSlash(rel)] {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "WriteStatus", "WriteNextAction", "WriteFollowups", "InsertContact", "InsertContacts":
					bad = append(bad, fmt.Sprintf("%s: %s", fset.Position(call.Pos()), sel.Sel.Name))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("contact state written outside internal/apply:\n%s", strings.Join(bad, "\n"))
	}
}
