package app_test

// Benchmarks of the inbox watcher. They are Benchmark functions, so an
// ordinary `go test` never runs them. Each does a fixed amount of work
// whatever b.N is; run them once:
//
//	set -a; . /tmp/rapport-mailstack/env; set +a
//	go test -run='^$' -bench='BenchmarkReplyLatency' -benchtime=1x ./internal/app/
//	go test -run='^$' -bench='BenchmarkInitialSync20k' -benchtime=1x -timeout=30m ./internal/app/
//
// RAPPORT_BENCH_REPLIES (default 50), RAPPORT_BENCH_SYNC_N (default 20000,
// in-process server) and RAPPORT_BENCH_SYNC_DOVECOT_N (default 20000, real
// Dovecot) change the amount of work. The catch-up is reported against a
// bare header FETCH of the same INBOX (x-bare-fetch).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/inbound"
	"rapport/internal/mailbox"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/testmail"
)

func benchEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func benchLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// BenchmarkReplyLatency measures, on the real stack, the time from the
// moment a contact's reply is accepted over SMTP (SendRaw to the MX port
// returns) to the moment the contact is `replied` in the database
// (Daemon.OnApplied runs after the commit). Replies go one at a time, so
// each figure is one message's path: Postfix → LMTP → Dovecot → IDLE →
// header fetch → body fetch → classify → commit.
func BenchmarkReplyLatency(b *testing.B) {
	st := mailstack.FromEnv(b)
	ctx := context.Background()
	n := benchEnvInt("RAPPORT_BENCH_REPLIES", 50)
	owner := st.UniqueUser(b, "bench")
	cfg := stackConfig(b, st, owner, filepath.Join(b.TempDir(), "rapport.db"), ibTweak)
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))

	type hit struct {
		email string
		at    time.Time
	}
	hits := make(chan hit, n)
	r := ibStart(b, cfg, clk, benchLogger(), func(ap inbound.Applied) {
		if ap.Contact.Status == model.Replied && ap.From != model.Replied {
			hits <- hit{ap.Contact.Email, time.Now()}
		}
	})
	defer r.stop(b)
	people := make([]string, n)
	for i := range people {
		people[i] = fmt.Sprintf("lat%03d.%d@%s", i, time.Now().UnixNano()%1e9, st.Domain)
		if _, err := r.a.Contacts.Add(ctx, contacts.Input{Name: fmt.Sprintf("Person %d", i), Email: people[i], Company: "Acme"}, ""); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.d.Outbox.Recover(ctx); err != nil {
		b.Fatal(err)
	}
	ibEventually(b, 2*time.Minute, "every outreach sent", func() (bool, string) {
		if err := r.d.OutboxOnce(ctx); err != nil {
			return false, err.Error()
		}
		clk.Advance(time.Second)
		c, _ := r.a.Store.CountByStatus(ctx, r.a.Account)
		return c[model.Contacted] == n, fmt.Sprintf("%v", c)
	})
	type sent struct{ id, subject string }
	outreach := map[string]sent{}
	for _, e := range people {
		c, err := r.a.Contacts.Get(ctx, e)
		if err != nil {
			b.Fatal(err)
		}
		msgs, err := r.a.Store.MessagesByContact(ctx, c.ID)
		if err != nil || len(msgs) != 1 {
			b.Fatalf("%s: %d message rows (%v)", e, len(msgs), err)
		}
		outreach[e] = sent{msgs[0].MessageID, msgs[0].Subject}
	}
	r.run()
	r.sync(b)

	lat := make([]time.Duration, 0, n)
	b.ResetTimer()
	for _, e := range people {
		o := outreach[e]
		raw := mailstack.BuildMessage(e, owner.Address, "Re: "+o.subject,
			"Hi Alex,\n\nhappy to help, thanks for reaching out. Let me check my calendar.\n",
			"In-Reply-To: <"+o.id+">", "References: <"+o.id+">")
		st.SendRaw(b, e, []string{owner.Address}, raw)
		accepted := time.Now()
		select {
		case h := <-hits:
			if h.email != e {
				b.Fatalf("replied: %s, want %s", h.email, e)
			}
			lat = append(lat, max(0, h.at.Sub(accepted)))
		case <-time.After(60 * time.Second):
			b.Fatalf("%s not replied 60s after SMTP acceptance", e)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(ms(sum/time.Duration(len(lat))), "mean-ms")
	b.ReportMetric(float64(len(lat)), "replies")
}

// percentile is the nearest-rank percentile of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// syncChild is what the parent hands the child process that runs the sync.
type syncChild struct {
	DB       string
	Me       string
	IMAPHost string
	IMAPPort int
	Security string
	CAFile   string
	User     string
	Password string
	SMTPHost string
	SMTPPort int
	LastUID  uint32
	Messages int
}

const syncChildEnv = "RAPPORT_BENCH_SYNC_CHILD"

func (s syncChild) config(tb testing.TB) *config.Config {
	tb.Helper()
	cfg := config.Default()
	cfg.Me = config.Me{Name: "Alex Doe", Email: s.Me, Timezone: "UTC",
		Intro: "I just finished a programming certificate", Interest: "the IT industry",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	cfg.IMAP = config.Server{Host: s.IMAPHost, Port: s.IMAPPort, Security: s.Security, Username: s.User,
		Password: config.Secret(s.Password), CAFile: s.CAFile}
	cfg.SMTP = config.Server{Host: s.SMTPHost, Port: s.SMTPPort, Security: "none", Username: testmail.DefaultUser,
		Password: config.Secret(testmail.DefaultPassword)}
	cfg.Database = "sqlite://" + s.DB
	cfg.Outreach.Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	cfg.Outreach.Window = "00:00-24:00"
	cfg.Outreach.Spacing = "0s"
	cfg.Outreach.DailyLimit = 100000
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("config: %v", err)
	}
	return &cfg
}

// TestInboundSyncChildProcess is the child half of BenchmarkInitialSync20k:
// it runs only when the benchmark re-executes the test binary, so that the
// peak RSS it reports is the daemon's alone.
func TestInboundSyncChildProcess(t *testing.T) {
	spec := os.Getenv(syncChildEnv)
	if spec == "" {
		t.Skip("child of BenchmarkInitialSync20k only")
	}
	var s syncChild
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, s.config(t), app.Options{Log: benchLogger(), Clock: clock.Real{}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	start := time.Now()
	d, err := a.NewDaemon(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ready := time.Since(start)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(rctx, app.RunOptions{WatchOnly: true}) }()
	defer func() { fmt.Fprintf(os.Stderr, "sync child: daemon ready after %v\n", ready.Round(time.Millisecond)) }()
	for {
		_, last, err := a.Store.Checkpoint(ctx, a.Account, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		if last >= s.LastUID {
			break
		}
		if time.Since(start) > 20*time.Minute {
			t.Fatalf("checkpoint at %d of %d after 20 minutes", last, s.LastUID)
		}
		time.Sleep(2 * time.Millisecond)
	}
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RAPPORT_SYNC_RESULT seconds=%.6f vmhwm_kib=%d\n", elapsed.Seconds(), vmHWM(t))
}

// vmHWM is this process's peak resident set size in KiB.
func vmHWM(t testing.TB) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// syncMail builds the INBOX of the sync benchmark: n messages, of which
// every 100th is a contact's answer to their outreach (a human reply, an
// out-of-office, an opt-out, a longer reply quoting the outreach), and the
// rest the user's ordinary mail: newsletters, notifications, people.
func syncMail(n int, me string, outreach []testmail.Received) [][]byte {
	rnd := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the quarterly report meeting schedule project update invoice team lunch review draft " +
		"please find attached thanks regards roadmap sprint budget release notes customer ticket deploy")
	para := func(k int) string {
		var b strings.Builder
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rnd.IntN(len(words))])
			if i%14 == 13 {
				b.WriteString(".\n")
			}
		}
		return b.String()
	}
	// The trace a message collects on its way, as real mail carries it
	// (2-6 KiB of Received, DKIM, ARC and authentication results): what a
	// whole-header fetch transfers and a parser reads besides the fields
	// that matter.
	b64 := func(k int) string {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		var b strings.Builder
		for i := range k {
			if i > 0 && i%64 == 0 {
				b.WriteString("\r\n\t")
			}
			b.WriteByte(alphabet[rnd.IntN(len(alphabet))])
		}
		return b.String()
	}
	trace := func(i int, domain string) []string {
		date := time.Date(2026, 11, 1+i%28, i%24, i%60, 0, 0, time.UTC).Format(time.RFC1123Z)
		hops := 2 + rnd.IntN(3)
		var h []string
		h = append(h, "Return-Path: <bounce-"+strconv.Itoa(i)+"@"+domain+">", "Delivered-To: "+me)
		for k := range hops {
			h = append(h, fmt.Sprintf("Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\r\n\tby mail.rapport.test (Postfix) with ESMTPS id %s\r\n\tfor <%s>; %s",
				k, domain, k, domain, 1+rnd.IntN(250), b64(10), me, date))
		}
		h = append(h,
			"Authentication-Results: mail.rapport.test;\r\n\tdkim=pass header.d="+domain+" header.s=s1 header.b="+b64(8)+";\r\n\tspf=pass (mail.rapport.test: domain of "+domain+" designates 192.0.2.7 as permitted sender) smtp.mailfrom="+domain+";\r\n\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from="+domain,
			"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d="+domain+"; s=s1; t=1764547200;\r\n\th=from:to:subject:date:message-id:mime-version:content-type;\r\n\tbh="+b64(44)+";\r\n\tb="+b64(344),
			"X-Received: by 2002:a05:6a20:"+b64(4)+" with SMTP id "+b64(20)+"; "+date)
		if rnd.IntN(2) == 0 { // forwarded through a provider that seals
			h = append(h,
				"ARC-Seal: i=1; a=rsa-sha256; t=1764547200; cv=none; d=google.com; s=arc-20240605;\r\n\tb="+b64(344),
				"ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20240605;\r\n\th=to:subject:message-id:date:from:mime-version:dkim-signature;\r\n\tbh="+b64(44)+";\r\n\tb="+b64(344),
				"ARC-Authentication-Results: i=1; mx.google.com;\r\n\tdkim=pass header.i=@"+domain+" header.s=s1 header.b="+b64(8)+";\r\n\tspf=pass smtp.mailfrom="+domain)
		}
		return h
	}
	domainOf := func(addr string) string {
		_, d, _ := strings.Cut(addr, "@")
		return strings.Trim(d, "> ")
	}
	out := make([][]byte, 0, n)
	next := 0
	for i := range n {
		if i%100 == 50 && next < len(outreach) {
			o := outreach[next]
			next++
			from := o.To[0]
			h := []string{"In-Reply-To: <" + o.MessageID + ">", "References: <" + o.MessageID + ">"}
			subj := "Re: " + subjectOf(o.Data)
			var body string
			switch next % 4 {
			case 0:
				body = "Hi Alex,\n\nhappy to help, thanks for reaching out. Let me check my calendar.\n"
			case 1:
				subj = "Automatic reply: " + subjectOf(o.Data)
				h = append(h, "Auto-Submitted: auto-replied", "X-Autoreply: yes")
				body = "I am out of the office with limited access to email and will reply when I am back.\n"
			case 2:
				body = "Please remove me from your list.\n"
			case 3:
				body = "Hi Alex,\n\nsure, I remember being in your shoes. Glad to talk.\n\n" + para(200) + "\n\nOn Tue, Alex Doe wrote:\n> " +
					strings.ReplaceAll(para(120), "\n", "\n> ") + "\n"
			}
			out = append(out, mailstack.BuildMessage(from, me, subj, body, append(h, trace(i, domainOf(from))...)...))
			continue
		}
		switch rnd.IntN(4) {
		case 0:
			out = append(out, mailstack.BuildMessage(fmt.Sprintf("Newsletter %d <news%d@letters.example>", i%37, i%37), me,
				"Weekly digest #"+strconv.Itoa(i), para(300+rnd.IntN(400)),
				append([]string{"List-Id: <digest.letters.example>", "List-Unsubscribe: <mailto:unsub@letters.example>", "Precedence: bulk"},
					trace(i, "letters.example")...)...))
		case 1:
			out = append(out, mailstack.BuildMessage("CI <noreply@ci.example>", me, "Build "+strconv.Itoa(i)+" passed",
				para(80), append([]string{"Auto-Submitted: auto-generated"}, trace(i, "ci.example")...)...))
		default:
			out = append(out, mailstack.BuildMessage(fmt.Sprintf("Colleague %d <c%d@work.example>", i%200, i%200), me,
				"Re: "+para(5), para(60+rnd.IntN(200)), trace(i, "work.example")...))
		}
	}
	return out
}

// BenchmarkInitialSync20k measures a full scan of a 20,000-message INBOX:
// the checkpoint is set to (UIDVALIDITY, 0) so every message is looked at,
// 1% of them answers to outreach whose bodies are fetched and classified.
// The sync runs in a child process (the test binary again) against a
// server in this process, so the peak RSS reported is the daemon's. Two
// variants: the in-process IMAP server, and the real Dovecot when the
// stack is configured. Peak RSS is the child's VmHWM, read by the child
// after the sync: getrusage(RUSAGE_CHILDREN) is no use here, because Go
// starts the child with vfork semantics and the kernel charges the
// parent's resident set (20k messages and a server) to the child at exec.
//
// Filling Dovecot writes Maildir files when the test may (root, as in CI),
// else goes through IMAP APPEND (8 connections), which is slow (60-190
// messages/s on the test machine: 20k take minutes).
func BenchmarkInitialSync20k(b *testing.B) {
	n := benchEnvInt("RAPPORT_BENCH_SYNC_N", 20000)
	b.Run(fmt.Sprintf("inprocess-%d", n), func(b *testing.B) {
		imapSrv := testmail.NewIMAP(b)
		runSyncBench(b, n, imapSrv.Host(), imapSrv.Port(), "none", "", imapSrv.Username(), imapSrv.Password(),
			func(msgs [][]byte) uint32 {
				for _, m := range msgs {
					if _, err := imapSrv.Append("INBOX", m, nil, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
				_, next, _ := imapSrv.Status("INBOX")
				return next - 1
			})
	})
	nd := benchEnvInt("RAPPORT_BENCH_SYNC_DOVECOT_N", 20000)
	b.Run(fmt.Sprintf("dovecot-%d", nd), func(b *testing.B) {
		n := nd
		st, err := mailstack.Lookup()
		if err != nil {
			b.Skip(err.Error())
		}
		owner := st.UniqueUser(b, "sync")
		runSyncBench(b, n, st.Host, stackPort(b, st.IMAPAddr), "starttls", st.CAFile, owner.Address, owner.Password,
			func(msgs [][]byte) uint32 {
				if !st.FillMaildir(b, owner.Address, msgs) {
					return appendParallel(b, st, owner.Address, msgs)
				}
				return inboxLastUID(b, st, owner.Address, len(msgs))
			})
	})
}

// appendParallel fills user's INBOX over a few IMAP connections and
// returns the highest UID.
func appendParallel(b *testing.B, st *mailstack.Stack, user string, msgs [][]byte) uint32 {
	const conns = 8
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for w := range conns {
		c := st.DialIMAP(b, user, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(msgs); i += conns {
				cmd := c.Append("INBOX", int64(len(msgs[i])), nil)
				if _, err := cmd.Write(msgs[i]); err != nil {
					errs <- err
					return
				}
				if err := cmd.Close(); err != nil {
					errs <- err
					return
				}
				if _, err := cmd.Wait(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("append: %v", err)
	}
	return inboxLastUID(b, st, user, len(msgs))
}

// inboxLastUID checks that user's INBOX holds n messages (Dovecot indexes
// new Maildir files here) and returns the highest UID.
func inboxLastUID(b *testing.B, st *mailstack.Stack, user string, n int) uint32 {
	c := st.DialIMAP(b, user, nil)
	sd, err := c.Status("INBOX", &imap.StatusOptions{UIDNext: true, NumMessages: true}).Wait()
	if err != nil {
		b.Fatal(err)
	}
	if int(*sd.NumMessages) != n {
		b.Fatalf("INBOX holds %d messages, want %d", *sd.NumMessages, n)
	}
	return uint32(sd.UIDNext) - 1
}

func runSyncBench(b *testing.B, n int, host string, port int, security, caFile, user, password string, fill func([][]byte) uint32) {
	ctx := context.Background()
	smtpSrv := testmail.NewSMTP(b)
	smtpHost, smtpPortS, _ := net.SplitHostPort(smtpSrv.Addr())
	smtpPort, _ := strconv.Atoi(smtpPortS)
	spec := syncChild{DB: filepath.Join(b.TempDir(), "rapport.db"), Me: user, IMAPHost: host, IMAPPort: port,
		Security: security, CAFile: caFile, User: user, Password: password, SMTPHost: smtpHost, SMTPPort: smtpPort, Messages: n}
	cfg := spec.config(b)

	// Contacts and their outreach (sent to the SMTP sink: the replies only
	// need the Message-IDs in rapport's thread table).
	contactsN := n / 100
	a, err := app.Open(ctx, cfg, app.Options{Log: benchLogger()})
	if err != nil {
		b.Fatal(err)
	}
	for i := range contactsN {
		if _, err := a.Contacts.Add(ctx, contacts.Input{Name: fmt.Sprintf("Person %d", i),
			Email: fmt.Sprintf("person%d@contacts.example", i), Company: "Acme"}, ""); err != nil {
			b.Fatal(err)
		}
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Outbox.Recover(ctx); err != nil {
		b.Fatal(err)
	}
	for range contactsN { // a cycle sends a batch; a few cycles send them all
		if err := d.OutboxOnce(ctx); err != nil {
			b.Fatal(err)
		}
		if len(smtpSrv.Received()) >= contactsN {
			break
		}
	}
	outreach := smtpSrv.Received()
	if len(outreach) != contactsN {
		b.Fatalf("%d outreach sent, want %d", len(outreach), contactsN)
	}

	msgs := syncMail(n, user, outreach)
	var bytesTotal int
	for _, m := range msgs {
		bytesTotal += len(m)
	}
	t0 := time.Now()
	spec.LastUID = fill(msgs)
	b.Logf("filled INBOX with %d messages (%.1f MiB) in %v", n, float64(bytesTotal)/(1<<20), time.Since(t0).Round(time.Millisecond))

	// Scan everything: (UIDVALIDITY, 0).
	cps, err := a.Store.Checkpoints(ctx, a.Account)
	if err != nil {
		b.Fatal(err)
	}
	var uv uint32
	for _, cp := range cps {
		if cp.Mailbox == "INBOX" {
			uv = cp.UIDValidity
		}
	}
	if uv == 0 {
		b.Fatal("no INBOX checkpoint after NewDaemon")
	}
	if err := a.Store.SetCheckpoint(ctx, a.Account, "INBOX", uv, 0); err != nil {
		b.Fatal(err)
	}
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}

	// The floor: a client fetching every header and doing nothing with
	// them. Each fetch twice: the first also warms the server's caches,
	// which the sync then finds warm too. Once the whole header, once the
	// very items the watcher asks for.
	cold := bareHeaderFetch(b, host, port, security, caFile, user, password, n, false, false)
	bare := bareHeaderFetch(b, host, port, security, caFile, user, password, n, false, false)
	coldSame := bareHeaderFetch(b, host, port, security, caFile, user, password, n, true, true)
	same := bareHeaderFetch(b, host, port, security, caFile, user, password, n, true, true)
	fieldsOnly := bareHeaderFetch(b, host, port, security, caFile, user, password, n, true, false)
	attrsOnly := bareHeaderFetch(b, host, port, security, caFile, user, password, n, false, true)
	b.Logf("bare UID FETCH 1:* of the %d header fields alone: %v; of the whole header with flags, date, size: %v",
		len(mailbox.HeaderFields), fieldsOnly.Round(time.Millisecond), attrsOnly.Round(time.Millisecond))
	b.Logf("bare UID FETCH 1:* (UID BODY.PEEK[HEADER]) of the same INBOX: %v (first time %v)",
		bare.Round(time.Millisecond), cold.Round(time.Millisecond))
	b.Logf("bare UID FETCH 1:* of the watcher's items (flags, date, size, %d header fields): %v (first time %v)",
		len(mailbox.HeaderFields), same.Round(time.Millisecond), coldSame.Round(time.Millisecond))

	js, _ := json.Marshal(spec)
	b.ResetTimer()
	args := []string{"-test.run=^TestInboundSyncChildProcess$", "-test.count=1", "-test.timeout=30m"}
	if p := os.Getenv("RAPPORT_BENCH_SYNC_CPUPROFILE"); p != "" {
		args = append(args, "-test.cpuprofile="+p) // where the catch-up spends its time
	}
	if p := os.Getenv("RAPPORT_BENCH_SYNC_TRACE"); p != "" {
		args = append(args, "-test.trace="+p) // and where it waits
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), syncChildEnv+"="+string(js))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("child: %v\n%s", err, out.String())
	}
	b.StopTimer()
	var seconds float64
	var hwm int
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if l, ok := strings.CutPrefix(sc.Text(), "RAPPORT_SYNC_RESULT "); ok {
			if _, err := fmt.Sscanf(l, "seconds=%f vmhwm_kib=%d", &seconds, &hwm); err != nil {
				b.Fatalf("child result %q: %v", l, err)
			}
		}
	}
	if seconds == 0 {
		b.Fatalf("child printed no result:\n%s", out.String())
	}

	// Everything was looked at, and the answers moved their contacts.
	a, err = app.Open(ctx, cfg, app.Options{Log: benchLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	by, err := a.Store.CountByStatus(ctx, a.Account)
	if err != nil {
		b.Fatal(err)
	}
	in, err := a.Store.MessagesInState(ctx, a.Account, store.MsgReceived)
	if err != nil {
		b.Fatal(err)
	}
	if len(in) != contactsN {
		b.Errorf("%d inbound rows, want %d (one per contact's answer)", len(in), contactsN)
	}
	b.Logf("contacts by status after the sync: %v", by)
	kinds := [4]int{} // answer k (1-based) is of kind k%4, as syncMail writes them
	for k := 1; k <= contactsN; k++ {
		kinds[k%4]++
	}
	if by[model.Contacted] != kinds[1] || by[model.OptedOut] != kinds[2] || by[model.Replied] != kinds[0]+kinds[3] {
		b.Errorf("contacts by status %v, want %d contacted (out of office), %d opted out, %d replied", by, kinds[1], kinds[2], kinds[0]+kinds[3])
	}

	b.ReportMetric(float64(n)/seconds, "msgs/s")
	b.ReportMetric(seconds, "sync-s")
	b.ReportMetric(bare.Seconds(), "bare-fetch-s")
	b.ReportMetric(seconds/bare.Seconds(), "x-bare-fetch")
	b.ReportMetric(seconds/same.Seconds(), "x-same-fetch")
	b.ReportMetric(float64(hwm)/1024, "peak-RSS-MiB")
	b.ReportMetric(0, "ns/op")
}

// bareHeaderFetch is the floor a catch-up is measured against: one client
// fetching every message's header of the INBOX, doing nothing with them.
func bareHeaderFetch(b *testing.B, host string, port int, security, caFile, user, password string, n int, fields, attrs bool) time.Duration {
	b.Helper()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	var c *imapclient.Client
	var err error
	if security == "starttls" {
		pem, rerr := os.ReadFile(caFile)
		if rerr != nil {
			b.Fatal(rerr)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		c, err = imapclient.DialStartTLS(addr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: pool, ServerName: host}})
	} else {
		c, err = imapclient.DialInsecure(addr, nil)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, password).Wait(); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	var set imap.UIDSet
	set.AddRange(1, 0) // 1:*
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
	if fields {
		section.HeaderFields = mailbox.HeaderFields
	}
	if attrs {
		opts.Flags, opts.InternalDate, opts.RFC822Size = true, true, true
	}
	cmd := c.Fetch(set, opts)
	got := 0
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		if _, err := msg.Collect(); err != nil {
			b.Fatal(err)
		}
		got++
	}
	if err := cmd.Close(); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	if got != n {
		b.Fatalf("bare fetch: %d messages, want %d", got, n)
	}
	_ = c.Logout().Wait()
	return elapsed
}
