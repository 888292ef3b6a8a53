package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	"rapport/internal/app"
	"rapport/internal/contacts"
	"rapport/internal/model"
)

// digestMIME parses a message with go-message: its top-level media type
// and the decoded body of each inline part by media type.
func digestMIME(t *testing.T, raw []byte) (string, map[string]string) {
	t.Helper()
	r, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	top, _, err := r.Header.ContentType()
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	parts := map[string]string{}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		h, ok := p.Header.(*gomessage.InlineHeader)
		if !ok {
			continue
		}
		ct, _, _ := h.ContentType()
		b, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatalf("read %s part: %v", ct, err)
		}
		parts[ct] = string(b)
	}
	return top, parts
}

// digestRows counts the digest messages in the database, in any state.
func digestRows(t *testing.T, a *app.App) int {
	t.Helper()
	var n int
	if err := a.Store.DB().Get(&n, "SELECT count(*) FROM messages WHERE kind = 'digest'"); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDigestQueuedOncePerWeek(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	p.add("Maria Lopez", "maria@example.org")
	if ok, err := p.a.QueueDigest(ctx, false); err != nil || !ok {
		t.Fatalf("first QueueDigest = %v, %v; want queued", ok, err)
	}
	p.clock.Advance(2 * time.Hour)
	if ok, err := p.a.QueueDigest(ctx, false); err != nil || ok {
		t.Fatalf("second QueueDigest in the same week = %v, %v; want not queued", ok, err)
	}
	if n := digestRows(t, p.a); n != 1 {
		t.Fatalf("%d digest rows, want 1", n)
	}

	// A restart: another App on the same database, later in the week (the
	// first daemon has stopped: one runs at a time).
	p.clock.Advance(3 * 24 * time.Hour) // Friday
	if err := p.d.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a2, err := app.Open(ctx, p.a.Config, app.Options{Log: log, Clock: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	if _, err := a2.NewDaemon(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := a2.QueueDigest(ctx, false); err != nil || ok {
		t.Fatalf("QueueDigest after a restart = %v, %v; want not queued", ok, err)
	}
	if n := digestRows(t, a2); n != 1 {
		t.Fatalf("%d digest rows after a restart, want 1", n)
	}
	// `digest --send` forces one.
	if ok, err := a2.QueueDigest(ctx, true); err != nil || !ok {
		t.Fatalf("forced QueueDigest = %v, %v; want queued", ok, err)
	}
	if n := digestRows(t, a2); n != 2 {
		t.Fatalf("%d digest rows after force, want 2", n)
	}
	// Next ISO week: due again.
	p.clock.Advance(4 * 24 * time.Hour) // Tuesday 1 December
	if ok, err := a2.QueueDigest(ctx, false); err != nil || !ok {
		t.Fatalf("QueueDigest the next week = %v, %v; want queued", ok, err)
	}
}

// digestPipeline builds a mixed pipeline on p and returns the counts by
// status as the store has them.
func digestPipeline(t *testing.T, p *inProcess) map[model.Status]int {
	t.Helper()
	ctx := context.Background()
	people := []struct {
		name, email string
		to          model.Status
	}{
		{"Ann Queued", "ann@example.org", model.Queued},
		{"Bob Queued", "bob@example.org", model.Queued},
		{"Cat Contacted", "cat@example.org", model.Contacted},
		{"Dan Contacted", "dan@example.org", model.Contacted},
		{"Eve Replied", "eve@example.org", model.Replied},
		{"Fay Scheduled", "fay@example.org", model.Scheduled},
		{"Gus Met", "gus@example.org", model.Met},
		{"Hal Declined", "hal@example.org", model.Declined},
		{"Ida Paused", "ida@example.org", model.Paused},
		{"Jon Snoozed", "jon@example.org", model.Snoozed},
		{"Kim Opted", "kim@example.org", model.OptedOut},
		{"Lee None", "lee@example.org", model.NoResponse},
	}
	add := func(queued bool) {
		for _, c := range people {
			if (c.to == model.Queued) != queued {
				continue
			}
			if _, err := p.a.Contacts.Add(ctx, contacts.Input{Name: c.name, Email: c.email, Company: "Acme"}, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(false)
	if err := p.d.OutboxOnce(ctx); err != nil { // the outreach goes out
		t.Fatal(err)
	}
	add(true) // these stay queued
	for _, c := range people {
		var err error
		switch c.to {
		case model.Queued, model.Contacted:
			continue
		case model.Scheduled:
			_, err = p.a.Contacts.Schedule(ctx, c.email, contacts.Meeting{Start: p.clock.Now().Add(48 * time.Hour),
				Duration: 30 * time.Minute, Format: "video", Source: "test"})
		case model.Paused:
			_, err = p.a.Contacts.Pause(ctx, c.email)
		case model.Snoozed:
			_, err = p.a.Contacts.Snooze(ctx, c.email, p.clock.Now().AddDate(0, 3, 0), "test")
		default:
			_, err = p.a.Contacts.SetStatus(ctx, c.email, c.to, "test")
		}
		if err != nil {
			t.Fatalf("%s to %s: %v", c.email, c.to, err)
		}
	}
	all, err := p.a.Store.Contacts(ctx, p.a.Account, "")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[model.Status]int{}
	for _, c := range all {
		counts[c.Status]++
	}
	return counts
}

func TestDigestCountsMatchContactsAndMailIsMultipart(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	want := digestPipeline(t, p)
	for _, st := range []model.Status{model.Queued, model.Contacted, model.Replied, model.Scheduled, model.Met,
		model.Declined, model.Paused, model.Snoozed, model.OptedOut, model.NoResponse} {
		if want[st] == 0 {
			t.Fatalf("the test pipeline has no %s contact: %v", st, want)
		}
	}
	d, err := p.a.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[model.Status]int{}
	total := 0
	for _, r := range d.Rows {
		got[model.Status(r.Status)] = r.Now
		total += r.Now
	}
	for _, st := range model.Statuses {
		if got[st] != want[st] {
			t.Errorf("digest counts %d %s, contacts list has %d", got[st], st, want[st])
		}
	}
	if total != 12 {
		t.Errorf("digest rows sum to %d, want 12", total)
	}

	if ok, err := p.a.QueueDigest(ctx, false); err != nil || !ok {
		t.Fatalf("QueueDigest = %v, %v", ok, err)
	}
	rows, err := p.a.Store.MessagesInState(ctx, p.a.Account, "queued")
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for _, r := range rows {
		if r.Kind == model.KindDigest {
			raw = r.Raw
			if r.ToAddr != p.a.Config.Me.Email || r.Contact() != 0 {
				t.Errorf("digest row to %q about contact %d", r.ToAddr, r.Contact())
			}
		}
	}
	if raw == nil {
		t.Fatal("no digest row queued")
	}
	top, parts := digestMIME(t, raw)
	if top != "multipart/alternative" {
		t.Fatalf("digest is %s, want multipart/alternative", top)
	}
	text, html := parts["text/plain"], parts["text/html"]
	if text == "" || html == "" {
		t.Fatalf("digest parts %v, want text/plain and text/html", digestKeys(parts))
	}
	if !strings.Contains(html, "<html") && !strings.Contains(html, "<table") {
		t.Errorf("HTML part is not HTML:\n%s", html)
	}
	// The text part's pipeline shows the same counts.
	for st, n := range want {
		if !digestLineHas(text, strings.ReplaceAll(string(st), "_", " "), n) {
			t.Errorf("text part shows no %q row with %d:\n%s", st, n, text)
		}
	}
	r, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Header.Get("Auto-Submitted"); v != "auto-generated" {
		t.Errorf("digest Auto-Submitted = %q", v)
	}
	if s, _ := r.Header.Subject(); !strings.HasPrefix(s, "[rapport] Weekly digest") {
		t.Errorf("digest subject %q", s)
	}
}

func digestKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// digestLineHas reports whether the text digest's progress table has a
// row for label whose "now" count is n: "| contacted    |    2 | ...".
func digestLineHas(text, label string, n int) bool {
	for _, l := range strings.Split(text, "\n") {
		cells := strings.Split(l, "|")
		if len(cells) < 4 || strings.TrimSpace(cells[1]) != label {
			continue
		}
		if strings.TrimSpace(cells[2]) == strconv.Itoa(n) {
			return true
		}
	}
	return false
}

// A daemon that was down at digest time sends the week's digest once when
// it starts, and a restart later that week does not send another.
func TestDigestCatchUpOnStart(t *testing.T) {
	p := startInProcess(t)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	p.add("Maria Lopez", "maria@example.org")
	p.clock.Set(time.Date(2026, 12, 2, 15, 0, 0, 0, ny)) // Wednesday: Monday 08:00 was missed
	waiters := p.clock.Waiters()
	p.run()
	deadline := time.Now().Add(10 * time.Second)
	for digestRows(t, p.a) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no catch-up digest on start (now %v)", p.clock.Now().In(ny))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for p.clock.Waiters() < waiters+1 {
		if time.Now().After(deadline) {
			t.Fatal("the digest loop did not go to sleep")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ok, err := p.a.DigestDue(ctx); err != nil || ok {
		t.Fatalf("DigestDue after the catch-up = %v, %v; want nothing", ok, err)
	}
	// A restart on Thursday: nothing more this week.
	p.clock.Advance(24 * time.Hour)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a2, err := app.Open(ctx, p.a.Config, app.Options{Log: log, Clock: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	if ok, err := a2.DigestDue(ctx); err != nil || ok {
		t.Fatalf("DigestDue after a restart = %v, %v; want nothing", ok, err)
	}
	if n := digestRows(t, a2); n != 1 {
		t.Fatalf("%d digest rows, want 1", n)
	}
	// Monday 08:00: the running daemon queues the next week's.
	p.clock.Set(time.Date(2026, 12, 7, 8, 0, 0, 0, ny))
	for digestRows(t, a2) != 2 {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("%d digest rows after Monday 08:00, want 2", digestRows(t, a2))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDigestLoopFiresMondayMorningNewYork runs the daemon on a fake clock
// and moves it across Monday 08:00 in New York (the owner's zone) in
// steps: the digest is queued then, once, and not at 08:00 UTC.
func TestDigestLoopFiresMondayMorningNewYork(t *testing.T) {
	p := startInProcess(t)
	ny, _ := time.LoadLocation("America/New_York")
	if p.a.Config.Digest.Day != "mon" || p.a.Config.Digest.Time != "08:00" {
		t.Fatalf("digest schedule %+v, want the default mon 08:00", p.a.Config.Digest)
	}
	p.clock.Set(time.Date(2026, 11, 30, 2, 0, 0, 0, ny)) // Monday, 07:00 UTC
	waiters := p.clock.Waiters()
	p.run()
	ownerSync(t, p.d)
	deadline := time.Now().Add(10 * time.Second)
	for p.clock.Waiters() < waiters+1 { // the scheduler
		if time.Now().After(deadline) {
			t.Fatalf("the daemon's loops did not go to sleep: %d waiters", p.clock.Waiters())
		}
		time.Sleep(10 * time.Millisecond)
	}
	step := func(until time.Time) {
		t.Helper()
		for p.clock.Now().Before(until) {
			p.clock.Advance(10 * time.Minute)
			time.Sleep(20 * time.Millisecond)
		}
	}
	step(time.Date(2026, 11, 30, 7, 50, 0, 0, ny)) // past 08:00 UTC
	if n := digestRows(t, p.a); n != 0 {
		t.Fatalf("%d digests before 08:00 in New York (now %v)", n, p.clock.Now().In(ny))
	}
	step(time.Date(2026, 11, 30, 8, 10, 0, 0, ny))
	deadline = time.Now().Add(10 * time.Second)
	for digestRows(t, p.a) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no digest queued by %v", p.clock.Now().In(ny))
		}
		time.Sleep(20 * time.Millisecond)
	}
	step(time.Date(2026, 11, 30, 12, 0, 0, 0, ny))
	time.Sleep(100 * time.Millisecond)
	if n := digestRows(t, p.a); n != 1 {
		t.Fatalf("%d digests on Monday, want exactly 1", n)
	}
	var at int64
	if err := p.a.Store.DB().Get(&at, "SELECT planned_at FROM messages WHERE kind = 'digest'"); err != nil {
		t.Fatal(err)
	}
	if pl := time.UnixMilli(at).In(ny); pl.Before(time.Date(2026, 11, 30, 8, 0, 0, 0, ny)) || pl.After(time.Date(2026, 11, 30, 8, 10, 0, 0, ny)) {
		t.Errorf("digest planned at %v, want Monday 08:00-08:10 New York", pl)
	}
}
