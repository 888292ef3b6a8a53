package app_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"rapport/internal/app"
	"rapport/internal/cli"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
	"rapport/internal/oauth"
	"rapport/internal/store"
	"rapport/internal/testoauth"
)

// End to end with OAuth2 on the real stack: Dovecot's oauth2 passdb
// validates tokens by introspection against a test authorization server
// this process starts, and Postfix submission authenticates through
// Dovecot SASL. rapport signs in with `rapport init` (browserless paste
// flow), checks, sends outreach and sees the replies with auth oauth2; an
// access token that expires while IDLE is renewed with nothing lost; a
// revoked grant gives one clear message and exit 2 from check, the daemon
// keeps running, holds its mail, and resumes after `rapport auth login`;
// token_command replaces the built-in sign-in.

// oaLog is a logger whose output a test can search for leaked tokens.
type oaLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
	t   *testing.T
}

func (l *oaLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	return len(p), nil
}

func (l *oaLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *oaLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.MultiWriter(l, l.t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// oaSetup is one test's stack, authorization server and account.
type oaSetup struct {
	st    *mailstack.Stack
	auth  *testoauth.Server
	owner mailstack.User
	dir   string
	log   *oaLog
}

func oaStart(t *testing.T, opts testoauth.Options) *oaSetup {
	t.Helper()
	st := mailstack.FromEnv(t)
	return &oaSetup{st: st, auth: st.StartOAuth(t, opts), owner: st.UniqueUser(t, "owner"), dir: t.TempDir(), log: &oaLog{t: t}}
}

// config is the owner's config with OAuth2 on both sides, the token file
// in the test's directory, and an outreach policy open all day.
func (s *oaSetup) config(t *testing.T, tweak func(*config.Config)) *config.Config {
	t.Helper()
	return stackConfig(t, s.st, s.owner, filepath.Join(s.dir, "rapport.db"), func(c *config.Config) {
		for _, side := range []*config.Server{&c.IMAP, &c.SMTP} {
			side.Auth, side.Password = config.AuthOAuth2, ""
		}
		c.OAuth2 = config.OAuth2{Provider: config.ProviderCustom, ClientID: "rapport-test",
			AuthURL: s.auth.AuthURL(), TokenURL: s.auth.TokenURL(), Scopes: []string{"mail"},
			TokenFile: filepath.Join(s.dir, "oauth2-token.json")}
		if tweak != nil {
			tweak(c)
		}
	})
}

// login signs the owner in as `rapport auth login` would, with a
// browser that follows the redirect to rapport's loopback listener.
func (s *oaSetup) login(t *testing.T, cfg *config.Config) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := oauth.Login(ctx, oauth.FromConfig(cfg), oauth.LoginOptions{OpenBrowser: func(u string) error {
		go func() {
			if resp, err := http.Get(u); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}})
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

// noLeaks fails if a token, code or refresh token of the server appears
// in the log, the database or any file of the test's directory but the
// token file.
func (s *oaSetup) noLeaks(t *testing.T, extra ...string) {
	t.Helper()
	texts := map[string]string{"log": s.log.String()}
	for i, e := range extra {
		texts[fmt.Sprintf("output %d", i)] = e
	}
	_ = filepath.Walk(s.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || strings.HasSuffix(p, "oauth2-token.json") || strings.HasSuffix(p, ".tok") {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil {
			texts[p] = string(b)
		}
		return nil
	})
	secrets := s.auth.Issued()
	if len(secrets) == 0 {
		t.Fatal("the authorization server issued nothing")
	}
	for _, sec := range secrets {
		for where, txt := range texts {
			if strings.Contains(txt, sec) {
				t.Errorf("a token (%.8s…) is in %s", sec, where)
			}
		}
	}
}

// oaDaemon is a running daemon: the watcher runs, the test drives the
// outbox.
type oaDaemon struct {
	a      *app.App
	d      *app.Daemon
	clk    *clock.Fake
	cancel context.CancelFunc
	done   chan error
}

func (s *oaSetup) daemon(t *testing.T, cfg *config.Config) *oaDaemon {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	a, err := app.Open(ctx, cfg, app.Options{Log: s.log.logger(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		a.Close()
		t.Fatalf("new daemon: %v", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &oaDaemon{a: a, d: d, clk: clk, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- d.Run(rctx, app.RunOptions{WatchOnly: true}) }()
	t.Cleanup(func() {
		r.cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("daemon did not stop")
		}
		a.Close()
	})
	return r
}

// outbox runs outbox passes as the daemon's loop would; it returns the
// last pass's error.
func (r *oaDaemon) outbox(t *testing.T, n int) error {
	t.Helper()
	var last error
	for range n {
		if last = r.d.OutboxOnce(context.Background()); last != nil {
			t.Logf("outbox pass: %v", last)
		}
		r.clk.Advance(time.Second)
	}
	return last
}

// eventually polls cond; advance moves the daemon's clock on each poll
// (reconnect backoff and IDLE timers run on it).
func (r *oaDaemon) eventually(t *testing.T, within time.Duration, what string, advance time.Duration, cond func() (bool, string)) {
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
		if advance > 0 {
			r.clk.Advance(advance)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *oaDaemon) status(email string) (model.Status, string) {
	c, err := r.a.Contacts.Get(context.Background(), email)
	if err != nil {
		return "", err.Error()
	}
	return c.Status, c.StatusReason
}

// waitStatus waits for a contact's status.
func (r *oaDaemon) waitStatus(t *testing.T, email string, want model.Status, advance time.Duration) {
	t.Helper()
	r.eventually(t, 45*time.Second, email+" reaches "+string(want), advance, func() (bool, string) {
		got, why := r.status(email)
		return got == want, fmt.Sprintf("status %s (%s)", got, why)
	})
}

// outreachID is the Message-ID of the outreach rapport sent a contact.
func (r *oaDaemon) outreachID(t *testing.T, email string) string {
	t.Helper()
	c, err := r.a.Contacts.Get(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.a.Store.MessagesByContact(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Direction == store.Out && m.State == store.MsgSent {
			return m.MessageID
		}
	}
	t.Fatalf("%s: no sent message", email)
	return ""
}

// inbound counts the messages recorded from a contact.
func (r *oaDaemon) inbound(t *testing.T, email string) int {
	t.Helper()
	c, err := r.a.Contacts.Get(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.a.Store.MessagesByContact(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Direction == store.In {
			n++
		}
	}
	return n
}

// reply delivers a reply from contact to the owner through the MX port.
func (s *oaSetup) reply(t *testing.T, contact, inReplyTo, body string) {
	t.Helper()
	raw := mailstack.BuildMessage(contact, s.owner.Address, "Re: a question", body,
		"In-Reply-To: <"+inReplyTo+">", "References: <"+inReplyTo+">")
	s.st.SendRaw(t, contact, []string{s.owner.Address}, raw)
}

func (r *oaDaemon) add(t *testing.T, email, name string) {
	t.Helper()
	if _, err := r.a.Contacts.Add(context.Background(), contacts.Input{Name: name, Email: email, Company: "Northwind Labs",
		Role: "data engineer"}, ""); err != nil {
		t.Fatal(err)
	}
}

// cliRun is rapport's command line running in this process.
type cliRun struct {
	stdin *io.PipeWriter
	lines chan string // stdout, line by line (never blocks the command)
	out   *oaLog
	errb  *oaLog
	code  chan int
}

func startCLI(t *testing.T, args ...string) *cliRun {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	r := &cliRun{stdin: inW, lines: make(chan string, 1000), out: &oaLog{t: t}, errb: &oaLog{t: t}, code: make(chan int, 1)}
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			select {
			case r.lines <- sc.Text():
			default:
			}
		}
		close(r.lines)
	}()
	go func() {
		code := cli.Main(context.Background(), args, inR, io.MultiWriter(outW, r.out), r.errb)
		outW.Close()
		r.code <- code
	}()
	return r
}

// wait returns the exit code.
func (r *cliRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case c := <-r.code:
		r.stdin.Close()
		return c
	case <-time.After(60 * time.Second):
		t.Fatalf("rapport did not finish; stdout:\n%s\nstderr:\n%s", r.out.String(), r.errb.String())
		return -1
	}
}

// pasteSignIn plays the user of --no-browser: it opens the printed
// address in "another machine's" browser (which cannot reach the
// loopback redirect) and pastes back the address it was sent to.
func (r *cliRun) pasteSignIn(t *testing.T) {
	t.Helper()
	var authURL string
	timeout := time.After(30 * time.Second)
wait:
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				break wait
			}
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "http") && strings.Contains(l, "/authorize?") {
				authURL = l
				break wait
			}
		case <-timeout:
			break wait
		}
	}
	if authURL == "" {
		t.Fatalf("no sign-in address printed; stdout:\n%s\nstderr:\n%s", r.out.String(), r.errb.String())
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.Contains(loc, "code=") {
		t.Fatalf("the authorization server redirected to %q", loc)
	}
	if _, err := fmt.Fprintln(r.stdin, loc); err != nil {
		t.Fatal(err)
	}
}

func rapportCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	r := startCLI(t, args...)
	code := r.wait(t)
	return code, r.out.String(), r.errb.String()
}

func TestE2EOAuthInitCheckOutreachAndReplies(t *testing.T) {
	start := time.Now()
	s := oaStart(t, testoauth.Options{})
	st := s.st
	cfgPath := filepath.Join(s.dir, "config.yaml")
	tokenFile := filepath.Join(s.dir, "oauth2-token.json")
	port := func(addr string) string { return strconv.Itoa(stackPort(t, addr)) }

	// rapport init, signing in with the paste flow of --no-browser.
	run := startCLI(t, "--config", cfgPath, "init", "--non-interactive", "--provider", "custom", "--auth", "oauth2",
		"--name", "Alex Doe", "--email", s.owner.Address, "--timezone", "UTC",
		"--intro", "I just finished a programming certificate", "--interest", "the IT industry",
		"--availability", "tue 13:00-16:00", "--availability", "fri 09:00-17:00",
		"--imap-host", st.Host, "--imap-port", port(st.IMAPAddr), "--imap-security", "starttls",
		"--smtp-host", st.Host, "--smtp-port", port(st.SMTPAddr), "--smtp-security", "starttls", "--ca-file", st.CAFile,
		"--client-id", "rapport-test", "--oauth2-auth-url", s.auth.AuthURL(), "--oauth2-token-url", s.auth.TokenURL(),
		"--oauth2-scope", "mail", "--token-file", tokenFile, "--no-browser",
		"--database", "sqlite://"+filepath.Join(s.dir, "rapport.db"))
	run.pasteSignIn(t)
	if code := run.wait(t); code != cli.ExitOK {
		t.Fatalf("init: exit %d\nstdout:\n%s\nstderr:\n%s", code, run.out.String(), run.errb.String())
	}
	out := run.out.String()
	for _, want := range []string{"sign-in   ok (" + s.owner.Address, "imap      ok (" + s.owner.Address, ", oauth2)", "smtp      ok (", "  sent    Sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("init output lacks %q:\n%s", want, out)
		}
	}
	if fi, err := os.Stat(tokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	written, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(written), "auth: oauth2") || strings.Contains(string(written), "password") {
		t.Fatalf("config:\n%s", written)
	}

	code, cout, cerr := rapportCLI(t, "--config", cfgPath, "check")
	if code != cli.ExitOK || !strings.Contains(cout, "oauth2    ok") {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, cout, cerr)
	}
	code, sout, serr := rapportCLI(t, "--config", cfgPath, "auth", "status")
	if code != cli.ExitOK || !strings.Contains(sout, "account        "+s.owner.Address) || !strings.Contains(sout, "grant          ok") {
		t.Fatalf("auth status: exit %d\nstdout:\n%s\nstderr:\n%s", code, sout, serr)
	}

	// The daemon on the config init wrote: outreach goes out through
	// Postfix, the replies come in through Dovecot.
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Outreach.Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	cfg.Outreach.Window, cfg.Outreach.Spacing, cfg.Outreach.DailyLimit = "00:00-24:00", "0s", 1000
	r := s.daemon(t, cfg)
	people := []string{st.UniqueUser(t, "priya").Address, st.UniqueUser(t, "tomas").Address}
	for i, p := range people {
		r.add(t, p, []string{"Priya Raman", "Tomás Ortega"}[i])
	}
	r.outbox(t, 3)
	for _, p := range people {
		r.waitStatus(t, p, model.Contacted, 0)
		id := r.outreachID(t, p)
		st.WaitForMessage(t, p, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
			return strings.Trim(m.Header.Get("Message-Id"), "<> ") == id
		})
		s.reply(t, p, id, "Happy to talk! Tuesday works for me.")
	}
	for _, p := range people {
		r.waitStatus(t, p, model.Replied, 0)
	}
	if c := s.auth.Counts(s.owner.Address); c.Active < 2 || c.CodeExchanges != 1 {
		t.Fatalf("authorization server counts %+v: IMAP and SMTP should have signed in with its tokens", c)
	}
	s.noLeaks(t, out, cout, cerr, sout, serr)
	t.Logf("OAuth2 init, check, outreach and replies on Dovecot/Postfix: %v", time.Since(start).Round(time.Millisecond))
}

func TestE2EOAuthTokenExpiresDuringIdle(t *testing.T) {
	start := time.Now()
	const ttl = 6 * time.Second
	s := oaStart(t, testoauth.Options{AccessTTL: ttl})
	cfg := s.config(t, nil)
	s.login(t, cfg)
	r := s.daemon(t, cfg)
	contact := s.st.UniqueUser(t, "grace").Address
	r.add(t, contact, "Grace Okafor")
	r.outbox(t, 3)
	r.waitStatus(t, contact, model.Contacted, 0)
	id := r.outreachID(t, contact)
	s.reply(t, contact, id, "Sure, happy to chat.")
	r.waitStatus(t, contact, model.Replied, 0)
	replies := func() int { return r.inbound(t, contact) }
	base := replies()
	if base == 0 {
		t.Fatal("the reply was not recorded")
	}
	before := s.auth.Counts(s.owner.Address)

	// 1. The provider ends the token early and the session with it; the
	// token the daemon holds still looks good to it. Mail arrives while it
	// is away: the redial is refused, renews, and catches up.
	s.auth.ExpireAccessTokens(s.owner.Address)
	s.st.Kick(t, s.owner.Address)
	s.reply(t, contact, id, "One more thing: bring questions about on-call.")
	r.eventually(t, 45*time.Second, "the reply sent while the session was gone", time.Second, func() (bool, string) {
		n := replies()
		return n == base+1, fmt.Sprintf("%d replies recorded, want %d", n, base+1)
	})
	mid := s.auth.Counts(s.owner.Address)
	if mid.Refreshes <= before.Refreshes {
		t.Fatalf("no refresh after the refused token: %+v → %+v", before, mid)
	}

	// 2. The access token's lifetime runs out while IDLE (no traffic
	// needs it), then the server ends the session: the redial refreshes
	// before it signs in.
	time.Sleep(ttl + time.Second)
	s.st.Kick(t, s.owner.Address)
	s.reply(t, contact, id, "And a third note.")
	r.eventually(t, 45*time.Second, "the reply after the token expired", time.Second, func() (bool, string) {
		n := replies()
		return n == base+2, fmt.Sprintf("%d replies recorded, want %d", n, base+2)
	})
	after := s.auth.Counts(s.owner.Address)
	if after.Refreshes <= mid.Refreshes || after.RefusedGrants != 0 {
		t.Fatalf("counts %+v → %+v: want a refresh and no refused grant", mid, after)
	}
	// Nothing twice: a sync now finds nothing new.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.d.SyncInbox(ctx); err != nil {
		t.Fatal(err)
	}
	if n := replies(); n != base+2 {
		t.Fatalf("%d replies recorded after a resync, want %d", n, base+2)
	}
	// SMTP with the refreshed grant.
	second := s.st.UniqueUser(t, "wen").Address
	r.add(t, second, "Wen Zhao")
	r.outbox(t, 3)
	r.waitStatus(t, second, model.Contacted, 0)
	s.noLeaks(t)
	t.Logf("token expiring during IDLE: %v", time.Since(start).Round(time.Millisecond))
}

func TestE2EOAuthRevokedGrant(t *testing.T) {
	start := time.Now()
	s := oaStart(t, testoauth.Options{})
	cfg := s.config(t, nil)
	cfgPath := filepath.Join(s.dir, "config.yaml")
	writeOAuthConfig(t, cfg, cfgPath)
	s.login(t, cfg)
	r := s.daemon(t, cfg)

	s.auth.RevokeGrants(s.owner.Address)
	code, out, errs := rapportCLI(t, "--config", cfgPath, "check")
	const msg = "sign-in expired or was revoked: run `rapport auth login`"
	if code != cli.ExitConfig || strings.Count(errs, msg) != 1 {
		t.Fatalf("check after revocation: exit %d (want 2), message %d times (want once)\nstdout:\n%s\nstderr:\n%s",
			code, strings.Count(errs, msg), out, errs)
	}

	// The daemon keeps running: sending stops, the outreach waits.
	contact := s.st.UniqueUser(t, "dave").Address
	r.add(t, contact, "Dave Lin")
	passErr := r.outbox(t, 3)
	if st, why := r.status(contact); st != model.Queued {
		t.Fatalf("contact is %s (%s) with the grant revoked, want queued", st, why)
	}
	// Sending stops: the outbox pauses on the refused SMTP sign-in, or
	// its pass ends at the sign-in error before any SMTP (a sync of the
	// inbox comes first).
	if paused, _, why := r.d.Outbox.Paused(); !(paused && strings.Contains(why, msg)) {
		t.Fatalf("outbox paused %v (%s), last pass: %v; want the sign-in error to stop sending", paused, why, passErr)
	}
	// Said once, however long it lasts; `rapport status` says it too.
	const paused = "sending is paused until you run `rapport auth login`"
	for range 5 {
		r.clk.Advance(2 * time.Minute)
		r.outbox(t, 1)
	}
	if n := strings.Count(s.log.String(), paused); n != 1 {
		t.Fatalf("the pause was logged %d times, want once:\n%s", n, s.log.String())
	}
	if st, why := r.status(contact); st != model.Queued {
		t.Fatalf("contact is %s (%s) while the sign-in is expired, want queued", st, why)
	}
	code, out2, _ := rapportCLI(t, "--config", cfgPath, "status")
	if code != cli.ExitOK || !strings.Contains(out2, "attention: sending is paused: the OAuth2 sign-in expired") {
		t.Fatalf("status (exit %d) does not say sending waits for a sign-in:\n%s", code, out2)
	}
	// The IMAP session ends (as the provider's would); reconnects fail.
	s.st.Kick(t, s.owner.Address)
	r.eventually(t, 30*time.Second, "the watcher to report the sign-in", 0, func() (bool, string) {
		return strings.Contains(s.log.String(), msg), "no sign-in error in the log yet"
	})

	// A new sign-in, from another process, while the daemon runs.
	login := startCLI(t, "--config", cfgPath, "auth", "login", "--no-browser")
	login.pasteSignIn(t)
	if code := login.wait(t); code != cli.ExitOK {
		t.Fatalf("auth login: exit %d\nstdout:\n%s\nstderr:\n%s", code, login.out.String(), login.errb.String())
	}
	// Sending resumes at once (the sign-in woke the daemon), without a
	// restart and without waiting for the pause to end.
	r.eventually(t, 60*time.Second, "the outreach after the new sign-in", 0, func() (bool, string) {
		r.outbox(t, 1)
		st, why := r.status(contact)
		return st == model.Contacted, fmt.Sprintf("status %s (%s)", st, why)
	})
	if !strings.Contains(s.log.String(), "signed in again: sending resumes") {
		t.Errorf("no log line says sending resumed:\n%s", s.log.String())
	}
	if _, out3, _ := rapportCLI(t, "--config", cfgPath, "status"); strings.Contains(out3, "attention: sending is paused") {
		t.Errorf("status still says sending is paused after the new sign-in:\n%s", out3)
	}
	id := r.outreachID(t, contact)
	s.reply(t, contact, id, "Thanks for reaching out, yes.")
	r.waitStatus(t, contact, model.Replied, 5*time.Second)
	s.noLeaks(t, out, errs, out2, login.out.String(), login.errb.String())
	t.Logf("revoked grant and new sign-in: %v", time.Since(start).Round(time.Millisecond))
}

func TestE2EOAuthTokenCommand(t *testing.T) {
	start := time.Now()
	s := oaStart(t, testoauth.Options{})
	access, _ := s.auth.Issue(s.owner.Address, "helper")
	helperFile := filepath.Join(s.dir, "helper.tok")
	if err := os.WriteFile(helperFile, []byte(access+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := s.config(t, func(c *config.Config) {
		c.OAuth2 = config.OAuth2{Provider: config.ProviderCustom, TokenCommand: "cat " + helperFile}
	})
	cfgPath := filepath.Join(s.dir, "config.yaml")
	writeOAuthConfig(t, cfg, cfgPath)
	code, out, errs := rapportCLI(t, "--config", cfgPath, "check")
	if code != cli.ExitOK || !strings.Contains(out, "token from oauth2.token_command") {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	r := s.daemon(t, cfg)
	contact := s.st.UniqueUser(t, "maria").Address
	r.add(t, contact, "Maria Lopez")
	r.outbox(t, 3)
	r.waitStatus(t, contact, model.Contacted, 0)
	s.reply(t, contact, r.outreachID(t, contact), "Yes, let's talk.")
	r.waitStatus(t, contact, model.Replied, 0)

	// A helper that has lost its sign-in: one clear message, exit 2.
	if err := os.WriteFile(helperFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg2 := *cfg
	cfg2.OAuth2.TokenCommand = "echo 'helper: not signed in' >&2; exit 1"
	writeOAuthConfig(t, &cfg2, cfgPath)
	code, out2, errs2 := rapportCLI(t, "--config", cfgPath, "check")
	if code != cli.ExitConfig || !strings.Contains(errs2, "helper: not signed in") {
		t.Fatalf("check with a failing helper: exit %d\nstdout:\n%s\nstderr:\n%s", code, out2, errs2)
	}
	s.noLeaks(t, out, errs, out2, errs2)
	t.Logf("token_command: %v", time.Since(start).Round(time.Millisecond))
}

// writeOAuthConfig writes cfg as a YAML file for the command line.
func writeOAuthConfig(t *testing.T, c *config.Config, path string) {
	t.Helper()
	side := func(s config.Server) string {
		return fmt.Sprintf("{host: %q, port: %d, security: %s, username: %q, auth: oauth2, ca_file: %q}", s.Host, s.Port, s.Security, s.Username, s.CAFile)
	}
	o := c.OAuth2
	block := fmt.Sprintf("{provider: %s, token_command: %q}", o.Provider, o.TokenCommand)
	if o.TokenCommand == "" {
		block = fmt.Sprintf("{provider: %s, client_id: %s, auth_url: %q, token_url: %q, scopes: [%s], token_file: %q}",
			o.Provider, o.ClientID, o.AuthURL, o.TokenURL, strings.Join(o.Scopes, ", "), o.TokenFile)
	}
	y := fmt.Sprintf("me: {name: %q, email: %q, timezone: UTC}\nimap: %s\nsmtp: %s\noauth2: %s\ndatabase: %q\n",
		c.Me.Name, c.Me.Email, side(c.IMAP), side(c.SMTP), block, c.Database)
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
}

// msIMAPSession refuses password sign-in as Exchange Online does.
type msIMAPSession struct{ *imapmemserver.UserSession }

func (msIMAPSession) Login(string, string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "AUTHENTICATE failed."}
}

// msSMTPSession refuses SMTP AUTH with a password as Microsoft 365 does
// once basic authentication is off for the tenant.
type msSMTPSession struct{}

func (msSMTPSession) AuthMechanisms() []string {
	return []string{sasl.Plain, sasl.Login, oauth.MechXOAuth2}
}
func (msSMTPSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(string, string, string) error {
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 30}, Message: "Basic authentication is not supported for Client Submission"}
	}), nil
}
func (msSMTPSession) Mail(string, *smtp.MailOptions) error { return nil }
func (msSMTPSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (msSMTPSession) Data(io.Reader) error                 { return nil }
func (msSMTPSession) Reset()                               {}
func (msSMTPSession) Logout() error                        { return nil }

type msSMTPBackend struct{}

func (msSMTPBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return msSMTPSession{}, nil }

// Microsoft's refusals of a password ("AUTHENTICATE failed.", "535 5.7.30")
// get the advice to switch to OAuth2.
func TestCheckHintsOAuthForMicrosoftRefusals(t *testing.T) {
	user := imapmemserver.NewUser("alex@example.com", "pw")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	isrv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return msIMAPSession{imapmemserver.NewUserSession(user)}, nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}}, InsecureAuth: true, Logger: stdlog.New(io.Discard, "", 0),
	})
	iln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go isrv.Serve(iln) //nolint:errcheck // returns when closed
	defer isrv.Close()
	ssrv := smtp.NewServer(msSMTPBackend{})
	ssrv.AllowInsecureAuth = true
	sln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ssrv.Serve(sln) //nolint:errcheck // returns when closed
	defer ssrv.Close()

	cfg := config.Default()
	cfg.Me = config.Me{Name: "Alex Doe", Email: "alex@example.com", Timezone: "UTC"}
	cfg.IMAP = config.Server{Host: "127.0.0.1", Port: iln.Addr().(*net.TCPAddr).Port, Security: "none", Username: "alex@example.com",
		Auth: config.AuthPassword, Password: "pw"}
	cfg.SMTP = config.Server{Host: "127.0.0.1", Port: sln.Addr().(*net.TCPAddr).Port, Security: "none", Username: "alex@example.com",
		Auth: config.AuthPassword, Password: "pw"}
	cfg.Database = "sqlite://" + filepath.Join(t.TempDir(), "r.db")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	_, err = app.CheckMail(context.Background(), &cfg, nil)
	if err == nil {
		t.Fatal("check passed")
	}
	msg := err.Error()
	for _, want := range []string{"AUTHENTICATE failed", "set imap.auth: oauth2", "5.7.30", "set smtp.auth: oauth2", "rapport auth login"} {
		if !strings.Contains(msg, want) {
			t.Errorf("check error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "app password") {
		t.Errorf("the app-password advice is wrong here:\n%s", msg)
	}
}
