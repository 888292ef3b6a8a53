// Package demo runs rapport end to end with no account and nothing to
// install: an embedded IMAP server (go-imap's in-memory server) and SMTP
// server (go-smtp) on loopback, a temporary SQLite database, the same
// daemon code as `rapport run`, and a clock the demo steps through four
// weeks in seconds. A handful of simulated contacts behave like people: one
// answers and proposes a time, one is out of office, one address bounces,
// one asks not to be contacted, one stays silent.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/digest"
	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/testmail"
)

// Options tune the demo.
type Options struct {
	// Quiet prints only the summary (tests).
	Quiet bool
	// Log receives the daemon's own log lines (default: discarded).
	Log *slog.Logger
	// DigestDir is where the final digest is saved (text, HTML and, with
	// a browser installed, screenshots); empty means a directory named
	// rapport-demo-digest in the system's temporary directory.
	DigestDir string
}

const (
	owner    = "alex@rapport.demo"
	password = "demo-password"
)

// The demo starts on Saturday 21 November 2026, 10:00 in New York, and
// runs until Friday 18 December.
var (
	ny, _ = time.LoadLocation("America/New_York")
	start = time.Date(2026, 11, 21, 10, 0, 0, 0, ny)
	end   = time.Date(2026, 12, 18, 18, 0, 0, 0, ny)
)

// tb lets the embedded test servers run outside a test: cleanups run at
// the end, a fatal error becomes a panic the demo turns into an error.
type tb struct {
	mu       sync.Mutex
	cleanups []func()
}

type fatal struct{ msg string }

func (*tb) Helper() {}
func (*tb) Fatalf(format string, args ...any) {
	panic(fatal{fmt.Sprintf(format, args...)})
}
func (t *tb) Cleanup(f func()) {
	t.mu.Lock()
	t.cleanups = append(t.cleanups, f)
	t.mu.Unlock()
}
func (t *tb) TempDir() string {
	d, err := os.MkdirTemp("", "rapport-demo-")
	if err != nil {
		panic(fatal{err.Error()})
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}
func (t *tb) close() {
	t.mu.Lock()
	cs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

// Run runs the demo, printing to w.
func Run(ctx context.Context, w io.Writer, opts Options) (err error) {
	t := &tb{}
	defer t.close()
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(fatal)
			if !ok {
				panic(r)
			}
			err = errors.New("demo: " + f.msg)
		}
	}()
	d := &demo{w: w, quiet: opts.Quiet, clock: clock.NewFake(start.UTC()), digestDir: opts.DigestDir, shown: map[string]bool{}}
	if d.digestDir == "" {
		d.digestDir = filepath.Join(os.TempDir(), "rapport-demo-digest")
	}
	d.people = newPeople(d)
	d.imap = testmail.NewIMAP(t, testmail.WithUser(owner, password))
	d.smtp = testmail.NewSMTP(t, testmail.WithSMTPUser(owner, password), testmail.WithOnAccept(d.people.receive))
	dir := t.TempDir()

	cfg := config.Default()
	cfg.Path = "(demo)"
	cfg.Me = config.Me{Name: "Alex Doe", Email: owner, Timezone: "America/New_York",
		Intro:        "I just finished a programming certificate and I am moving into software from teaching",
		Interest:     "how engineering teams work day to day",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	cfg.IMAP = config.Server{Host: "127.0.0.1", Port: d.imap.Port(), Security: "none", Username: owner, Password: password}
	cfg.SMTP = config.Server{Host: "127.0.0.1", Port: d.smtp.Port(), Security: "none", Username: owner, Password: password}
	cfg.Database = "sqlite://" + dir + "/rapport.db"
	cfg.Outreach.Holidays = "US"
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a, err := app.Open(ctx, &cfg, app.Options{Log: log, Clock: d.clock})
	if err != nil {
		return err
	}
	defer a.Close()
	d.app = a
	return d.run(ctx)
}

type demo struct {
	w      io.Writer
	quiet  bool
	clock  *clock.Fake
	imap   *testmail.IMAP
	smtp   *testmail.SMTP
	app    *app.App
	daemon *app.Daemon
	people *people

	seen    map[string]model.Status // email → last printed status
	paths   map[string][]model.Status
	events  map[string]int // email → events already looked at
	drafts  int
	notices int

	digestDir string
	shown     map[string]bool // messages already printed in full
}

func (d *demo) printf(format string, a ...any) {
	if !d.quiet {
		fmt.Fprintf(d.w, format, a...)
	}
}

func (d *demo) now() string {
	t := d.clock.Now().In(ny)
	return t.Format("Mon 02 Jan 15:04") + " " + schedule.ZoneLabel(t)
}

func (d *demo) run(ctx context.Context) error {
	a := d.app
	d.printf("rapport demo: an embedded mail server, a temporary database, and four weeks in a few seconds.\n")
	d.printf("You are Alex Doe <%s>, in New York. Today is %s.\n\n", owner, d.now())

	for _, p := range d.people.initial() {
		if _, err := a.Contacts.Add(ctx, contacts.Input{Name: p.name, Email: p.email, Company: p.company, Role: p.role,
			Connection: p.connection, ReferredBy: p.referredBy, Timezone: p.timezone}, "added in the demo"); err != nil {
			return err
		}
	}
	d.seen, d.paths, d.events = map[string]model.Status{}, map[string][]model.Status{}, map[string]int{}
	if err := d.report(ctx, "added"); err != nil {
		return err
	}
	raw, err := a.Preview(ctx, d.people.list[0].email, "outreach")
	if err != nil {
		return err
	}
	d.printf("\nThe first request to Maria (in Chicago), as she will read it on the first good morning in her zone:\n\n%s\n",
		indent(readable(raw)))

	daemon, err := a.NewDaemon(ctx)
	if err != nil {
		return err
	}
	d.daemon = daemon
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- daemon.Run(runCtx, app.RunOptions{WatchOnly: true, Ready: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		stop()
		return fmt.Errorf("daemon: %w", err)
	}
	defer func() {
		stop()
		<-done
	}()

	d.printf("What happens, as it happens:\n\n")
	for d.clock.Now().Before(end.UTC()) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := d.step(ctx); err != nil {
			return err
		}
		d.clock.Advance(stepFor(d.clock.Now().In(ny)))
	}
	return d.summary(ctx)
}

// stepFor keeps office hours fine-grained and nights and weekends coarse.
func stepFor(t time.Time) time.Duration {
	switch h := t.Hour(); {
	case t.Weekday() == time.Saturday || t.Weekday() == time.Sunday:
		return 4 * time.Hour
	case h >= 8 && h < 18:
		return 10 * time.Minute
	}
	return 2 * time.Hour
}

// step is one step of the clock: simulated people's answers land, the
// inbox is synced, the daemon's scheduler runs everything due (the same
// pass `rapport run` makes when it wakes), the owner acts in their mail
// client, and changes are printed.
func (d *demo) step(ctx context.Context) error {
	if err := d.people.deliverDue(ctx); err != nil {
		return err
	}
	if err := d.daemon.SyncInbox(ctx); err != nil {
		return err
	}
	if _, err := d.daemon.RunDue(ctx); err != nil {
		return err
	}
	d.people.wait()
	if err := d.people.ownerActs(ctx); err != nil {
		return err
	}
	if err := d.report(ctx, ""); err != nil {
		return err
	}
	d.showMail()
	return nil
}

// showMail prints, once each, the mail that shows what rapport writes:
// Maria's notification (times in both zones), the invitation, the
// preparation note and the thank-you, decoded as a mail client shows them.
func (d *demo) showMail() {
	show := func(key, title string, raw []byte) {
		if d.shown[key] || raw == nil {
			return
		}
		d.shown[key] = true
		d.printf("\n%s\n\n%s\n", title, indent(readable(raw)))
	}
	for _, r := range d.smtp.Received() {
		if len(r.To) != 1 || r.To[0] != owner {
			continue
		}
		subj := readableSubject(r.Data)
		switch {
		case strings.Contains(subj, "Maria Lopez proposed"):
			show("proposal", "rapport's notification to you about Maria's answer (her 2pm CT in Chicago is your 3pm ET in New York):", r.Data)
		case strings.Contains(subj, "Prepare for Maria"):
			show("prep", "The preparation note, the day before:", r.Data)
		}
	}
	for _, m := range d.imap.Messages(d.daemon.Folders.Drafts.Name) {
		raw := m.Raw
		switch {
		case strings.Contains(string(raw), "text/calendar") && strings.Contains(string(raw), "maria@"):
			show("invite", "The invitation rapport drafted for Maria (Drafts; a text/calendar REQUEST she can accept):", raw)
		case strings.Contains(readableSubject(raw), "Thank you") && strings.Contains(string(raw), "maria@"):
			show("thankyou", "The thank-you draft, two hours after the meeting:", raw)
		}
	}
}

// readable is a message as a mail client shows it: headers, then text.
func readable(raw []byte) string {
	s, err := compose.Readable(raw)
	if err != nil {
		return strings.ReplaceAll(string(raw), "\r\n", "\n")
	}
	return s
}

func readableSubject(raw []byte) string {
	v := headerLine(raw, "Subject")
	if dec, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return strings.TrimSpace(dec)
	}
	return strings.TrimSpace(v)
}

// report prints every status change since the last report.
func (d *demo) report(ctx context.Context, _ string) error {
	cs, err := d.app.Store.Contacts(ctx, d.app.Account, "")
	if err != nil {
		return err
	}
	for _, c := range cs {
		// Events that change no status are worth a line too: an
		// out-of-office, a draft waiting, a message for review.
		if evs, err := d.app.Store.Events(ctx, c.ID); err == nil {
			for _, ev := range evs[min(d.events[c.Email], len(evs)):] {
				switch ev.Type {
				case model.EventAutoReply, model.EventDraft, model.EventReview, model.EventMeeting, model.EventNotification:
					if ev.From == ev.To && !strings.HasPrefix(ev.Detail, "notified you") {
						d.printf("  %s  %-14s %-25s %s\n", d.now(), c.Name, "("+strings.ReplaceAll(ev.Type, "_", " ")+")", shorten(ev.Detail, 70))
					}
				}
			}
			d.events[c.Email] = len(evs)
		}
		prev, ok := d.seen[c.Email]
		if ok && prev == c.Status {
			continue
		}
		d.seen[c.Email] = c.Status
		d.paths[c.Email] = append(d.paths[c.Email], c.Status)
		why := c.StatusReason
		if evs, err := d.app.Store.Events(ctx, c.ID); err == nil {
			for i := len(evs) - 1; i >= 0; i-- {
				if evs[i].To == c.Status && evs[i].From != evs[i].To {
					why = evs[i].Detail
					break
				}
			}
		}
		from := "new"
		if ok {
			from = string(prev)
		}
		when := ""
		if c.Status == model.Queued && !c.NextActionAt.IsZero() {
			var loc *time.Location
			if c.Timezone != "" {
				loc, _ = time.LoadLocation(c.Timezone)
			}
			when = " (first request " + schedule.OwnerTime(c.NextActionAt, ny, loc, model.FirstName(c.Name)) + ")"
		}
		d.printf("  %s  %-14s %-11s → %-11s %s%s\n", d.now(), c.Name, from, c.Status, shorten(why, 70), when)
	}
	return nil
}

func (d *demo) summary(ctx context.Context) error {
	a := d.app
	d.printf("\nWhere everyone ended up:\n\n")
	cs, err := a.Store.Contacts(ctx, a.Account, "")
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(d.w, 0, 4, 2, ' ', 0)
	for _, c := range cs {
		var path []string
		for _, s := range d.paths[c.Email] {
			path = append(path, string(s))
		}
		if !d.quiet {
			fmt.Fprintf(tw, "  %s\t%s\n", c.Name, strings.Join(path, " → "))
		}
	}
	tw.Flush()

	drafts := d.imap.Messages(d.daemon.Folders.Drafts.Name)
	d.printf("\nDrafts waiting for you in %s (rapport never sends these itself):\n", d.daemon.Folders.Drafts.Name)
	if len(drafts) == 0 {
		d.printf("  (none)\n")
	}
	for _, m := range drafts {
		d.printf("  %s\n", readableSubject(m.Raw))
	}
	var notes []string
	for _, r := range d.smtp.Received() {
		if len(r.To) == 1 && r.To[0] == owner {
			notes = append(notes, readableSubject(r.Data))
		}
	}
	d.printf("\nMail rapport sent you (notifications, preparation notes):\n")
	if len(notes) == 0 {
		d.printf("  (none)\n")
	}
	for _, n := range notes {
		d.printf("  %s\n", n)
	}
	dg, err := a.Digest(ctx)
	if err != nil {
		return err
	}
	r, err := dg.Render()
	if err != nil {
		return err
	}
	d.printf("\nAnd the weekly digest, as rapport mails it to you every Monday (here, now):\n\n%s\n", indent("Subject: "+r.Subject+"\n\n"+r.Text))
	paths, err := digest.Save(ctx, r, d.digestDir)
	if err != nil {
		d.printf("(the digest could not be saved: %v)\n", err)
	}
	for _, p := range paths {
		what := "text"
		switch {
		case strings.HasSuffix(p, ".html"):
			what = "HTML, open it in a browser"
		case strings.HasSuffix(p, ".png"):
			what = "screenshot"
		}
		d.printf("digest %s: %s\n", what, p)
	}
	counts, err := a.Store.CountByStatus(ctx, a.Account)
	if err != nil {
		return err
	}
	var keys []string
	for k := range counts {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[model.Status(k)]))
	}
	fmt.Fprintf(d.w, "\ndemo finished: %d contacts (%s), %d messages sent over SMTP, %d drafts.\n",
		len(cs), strings.Join(parts, ", "), len(d.smtp.Received()), len(drafts))
	return nil
}

// headerLine is a header field's value, unfolded.
func headerLine(raw []byte, name string) string {
	val, found := "", false
	for _, l := range strings.Split(string(raw), "\n") {
		l = strings.TrimRight(l, "\r")
		if found && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
			val += " " + strings.TrimSpace(l)
			continue
		}
		if found || l == "" {
			break
		}
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			val, found = strings.TrimSpace(v), true
		}
	}
	return val
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    | " + l + "\n")
	}
	return b.String()
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
