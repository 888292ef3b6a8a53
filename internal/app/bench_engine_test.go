package app_test

// Figures of the engine on the real clock, against the in-process IMAP
// and SMTP servers. Benchmarks, so an ordinary `go test` never runs them;
// each does a fixed amount of work whatever b.N is. Run them once:
//
//	go test -run='^$' -bench='BenchmarkEngine' -benchtime=1x ./internal/app/
//
// RAPPORT_BENCH_IDLE (default 60s) is how long the idle figure watches.

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/inbound"
	"rapport/internal/model"
	"rapport/internal/testmail"
)

// engineBench is a daemon running on the real clock, with every send the
// SMTP server accepted and when.
type engineBench struct {
	a    *app.App
	d    *app.Daemon
	imap *testmail.IMAP

	mu   sync.Mutex
	sent []stamped
}

type stamped struct {
	r  testmail.Received
	at time.Time
}

func startEngineBench(b *testing.B, tweak func(*config.Config), onApplied func(inbound.Applied)) *engineBench {
	b.Helper()
	e := &engineBench{imap: testmail.NewIMAP(b)}
	smtp := testmail.NewSMTP(b, testmail.WithOnAccept(func(r testmail.Received) {
		e.mu.Lock()
		e.sent = append(e.sent, stamped{r, time.Now()})
		e.mu.Unlock()
	}))
	cfg := config.Default()
	cfg.Me = config.Me{Name: "Alex Doe", Email: testmail.DefaultUser, Timezone: "UTC",
		Intro: "I just finished a programming certificate", Interest: "the IT industry",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	cfg.IMAP = config.Server{Host: "127.0.0.1", Port: e.imap.Port(), Security: "none", Username: e.imap.Username(), Password: config.Secret(e.imap.Password())}
	cfg.SMTP = config.Server{Host: "127.0.0.1", Port: smtp.Port(), Security: "none", Username: smtp.Username(), Password: config.Secret(smtp.Password())}
	cfg.Database = "sqlite://" + b.TempDir() + "/rapport.db"
	cfg.Outreach.Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	cfg.Outreach.Window = "00:00-24:00"
	cfg.Outreach.DailyLimit = 1000
	cfg.Outreach.Spacing = "0s"
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, &cfg, app.Options{Log: benchLogger(), Clock: clock.Real{}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	d, err := a.NewDaemon(ctx)
	if err != nil {
		b.Fatal(err)
	}
	d.OnApplied = onApplied
	e.a, e.d = a, d
	return e
}

func (e *engineBench) run(b *testing.B) {
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.d.Run(rctx, app.RunOptions{}) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("daemon: %v", err)
		}
	})
}

func (e *engineBench) to(pred func(testmail.Received) bool) []stamped {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []stamped
	for _, s := range e.sent {
		if pred(s.r) {
			out = append(out, s)
		}
	}
	return out
}

func (e *engineBench) add(b *testing.B, n int) []string {
	var people []string
	for i := range n {
		p := fmt.Sprintf("person%02d@contacts.example", i)
		if _, err := e.a.Contacts.Add(context.Background(), contacts.Input{Name: fmt.Sprintf("Person %02d", i), Email: p, Company: "Acme"}, ""); err != nil {
			b.Fatal(err)
		}
		people = append(people, p)
	}
	return people
}

func waitFor(b *testing.B, within time.Duration, what string, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func toContact(r testmail.Received) bool {
	return len(r.To) == 1 && !strings.EqualFold(r.To[0], testmail.DefaultUser)
}

// BenchmarkEngineSpacing: 20 first requests with spacing 1s-2s, the
// daemon's own loop on the real clock. Reports the smallest and the
// median gap between consecutive sends (the smallest must not be under
// 1 s).
func BenchmarkEngineSpacing(b *testing.B) {
	const n = 20
	e := startEngineBench(b, func(c *config.Config) { c.Outreach.Spacing = "1s-2s" }, nil)
	e.add(b, n)
	start := time.Now()
	e.run(b)
	waitFor(b, 2*time.Minute, "20 sends", func() bool { return len(e.to(toContact)) >= n })
	sends := e.to(toContact)
	var gaps []time.Duration
	for i := 1; i < len(sends); i++ {
		gaps = append(gaps, sends[i].at.Sub(sends[i-1].at))
	}
	slices.Sort(gaps)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(gaps[0]), "min-gap-ms")
	b.ReportMetric(ms(gaps[len(gaps)/2]), "median-gap-ms")
	b.ReportMetric(ms(gaps[len(gaps)-1]), "max-gap-ms")
	b.ReportMetric(sends[0].at.Sub(start).Seconds(), "first-send-s")
	b.ReportMetric(0, "ns/op")
	if gaps[0] < time.Second {
		b.Errorf("two sends %v apart: under the spacing's minimum", gaps[0])
	}
}

// BenchmarkEngineReplyToNotification: a contact's reply lands in INBOX;
// the figures are from the moment it is recorded (the commit that makes
// the contact `replied`) and from its delivery to the moment the owner's
// notification is accepted by the SMTP server, with notify: instant.
func BenchmarkEngineReplyToNotification(b *testing.B) {
	n := benchEnvInt("RAPPORT_BENCH_REPLIES", 30)
	var mu sync.Mutex
	recorded := map[string]time.Time{}
	// Past notify_per_hour notices fold into the digest: lift it, this
	// measures the instant path.
	e := startEngineBench(b, func(c *config.Config) { c.NotifyPerHour = 1000 }, func(ap inbound.Applied) {
		if ap.Contact.Status == model.Replied && ap.From != model.Replied {
			mu.Lock()
			recorded[ap.Contact.Email] = time.Now()
			mu.Unlock()
		}
	})
	people := e.add(b, n)
	e.run(b)
	waitFor(b, time.Minute, "every first request", func() bool { return len(e.to(toContact)) >= n })
	byTo := map[string]testmail.Received{}
	for _, s := range e.to(toContact) {
		byTo[s.r.To[0]] = s.r
	}
	toOwner := func(name string) func(testmail.Received) bool {
		return func(r testmail.Received) bool {
			return len(r.To) == 1 && strings.EqualFold(r.To[0], testmail.DefaultUser) && strings.Contains(subjectOf(r.Data), name)
		}
	}
	var fromCommit, fromDelivery []time.Duration
	for i, p := range people {
		o := byTo[p]
		name := fmt.Sprintf("Person %02d", i)
		delivered := time.Now()
		e.imap.Deliver("INBOX", reply(name+" <"+p+">", testmail.DefaultUser, o.MessageID, subjectOf(o.Data), "Happy to chat, thanks for writing."))
		waitFor(b, 30*time.Second, "the notification about "+name, func() bool { return len(e.to(toOwner(name))) > 0 })
		note := e.to(toOwner(name))[0].at
		mu.Lock()
		rec := recorded[p]
		mu.Unlock()
		if rec.IsZero() {
			b.Fatalf("%s: notified but never recorded as replied", p)
		}
		fromCommit = append(fromCommit, max(0, note.Sub(rec)))
		fromDelivery = append(fromDelivery, note.Sub(delivered))
	}
	slices.Sort(fromCommit)
	slices.Sort(fromDelivery)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(fromCommit, 50)), "recorded-p50-ms")
	b.ReportMetric(ms(fromCommit[len(fromCommit)-1]), "recorded-max-ms")
	b.ReportMetric(ms(percentile(fromDelivery, 50)), "delivered-p50-ms")
	b.ReportMetric(ms(fromDelivery[len(fromDelivery)-1]), "delivered-max-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkEngineIdle: a daemon with contacts in every waiting state and
// nothing due, watching an IDLE INBOX. Reports the CPU it uses, scaled to
// an hour, and the database queries per minute.
func BenchmarkEngineIdle(b *testing.B) {
	watch := 60 * time.Second
	if v, err := time.ParseDuration(os.Getenv("RAPPORT_BENCH_IDLE")); err == nil && v > 0 {
		watch = v
	}
	e := startEngineBench(b, nil, nil)
	people := e.add(b, 50)
	e.run(b)
	waitFor(b, time.Minute, "every first request", func() bool { return len(e.to(toContact)) >= len(people) })
	// Settle: copies filed in Sent (after the provider's grace), nothing
	// due for a while.
	waitFor(b, time.Minute, "nothing due within a minute", func() bool {
		for _, tk := range e.d.Scheduler.Tasks {
			if nx, err := tk.Next(context.Background()); err != nil || (!nx.IsZero() && time.Until(nx) < time.Minute) {
				return false
			}
		}
		return true
	})
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	q0, c0, p0, t0 := e.a.Store.Queries(), cpu(), e.d.Scheduler.Passes.Load(), time.Now()
	time.Sleep(watch)
	q1, c1, p1, el := e.a.Store.Queries(), cpu(), e.d.Scheduler.Passes.Load(), time.Since(t0)
	// The in-process servers run in this process too; an idle IMAP
	// server and SMTP server use next to nothing, so the figure is an
	// upper bound for the daemon.
	b.ReportMetric(float64(c1-c0)/float64(time.Second)*float64(time.Hour)/float64(el), "cpu-s/hour")
	b.ReportMetric(float64(q1-q0)*float64(time.Minute)/float64(el), "queries/min")
	b.ReportMetric(float64(p1-p0)*float64(time.Minute)/float64(el), "passes/min")
	b.ReportMetric(0, "ns/op")
}
