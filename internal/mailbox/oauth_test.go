package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"golang.org/x/oauth2"

	"rapport/internal/mailbox"
	"rapport/internal/oauth"
	"rapport/internal/testoauth"
)

// oauthIMAP is an in-process IMAP server that signs in only with OAuth2
// bearer tokens, validated against a test authorization server (as
// Dovecot's oauth2 passdb does by introspection). LOGIN is refused.
type oauthIMAP struct {
	t     *testing.T
	auth  *testoauth.Server
	user  *imapmemserver.User
	mechs []string
	addr  string

	mu    sync.Mutex
	srv   *imapserver.Server
	used  []string // mechanisms clients signed in with
	fails int
}

func newOAuthIMAP(t *testing.T, auth *testoauth.Server, username string, mechs ...string) *oauthIMAP {
	t.Helper()
	s := &oauthIMAP{t: t, auth: auth, user: imapmemserver.NewUser(username, "no password sign-in"), mechs: mechs}
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *oauthIMAP) serve(ln net.Listener) {
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &oauthSession{s: s}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns when closed
}

// stop closes the server and every session, as a provider ending them.
func (s *oauthIMAP) stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// restart serves again on the same port.
func (s *oauthIMAP) restart() {
	s.stop()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(ln)
}

func (s *oauthIMAP) deliver(raw []byte) {
	s.t.Helper()
	if _, err := s.user.Append("INBOX", bytesLiteral(raw), &imap.AppendOptions{}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *oauthIMAP) mechanisms() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.used...), s.fails
}

type literal struct {
	*bytes.Reader
	n int64
}

func (l literal) Size() int64 { return l.n }

func bytesLiteral(b []byte) imap.LiteralReader { return literal{bytes.NewReader(b), int64(len(b))} }

type oauthSession struct {
	*imapmemserver.UserSession // nil until signed in
	s                          *oauthIMAP
}

func (o *oauthSession) Login(string, string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "LOGIN is disabled: sign in with OAuth2"}
}

func (o *oauthSession) AuthenticateMechanisms() []string { return o.s.mechs }

func (o *oauthSession) Authenticate(mech string) (sasl.Server, error) {
	fail := &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "AUTHENTICATE failed."}
	check := func(user, token string) error {
		err := o.s.auth.Check(user, token)
		if err != nil {
			o.s.mu.Lock()
			o.s.fails++
			o.s.mu.Unlock()
		}
		return err
	}
	return strictSASL{o.s, testoauth.NewSASLServer(mech, true, check, fail, func(string) {
		o.s.mu.Lock()
		o.s.used = append(o.s.used, mech)
		o.s.mu.Unlock()
		o.UserSession = imapmemserver.NewUserSession(o.s.user)
	})}, nil
}

// strictSASL fails the test when the client breaks the mechanism's rules
// (a server would count that as a failed login, hiding the bug).
type strictSASL struct {
	s *oauthIMAP
	sasl.Server
}

func (x strictSASL) Next(resp []byte) ([]byte, bool, error) {
	ch, done, err := x.Server.Next(resp)
	if errors.Is(err, testoauth.ErrSASLProtocol) {
		x.s.t.Errorf("IMAP server: %v", err)
	}
	return ch, done, err
}

func (o *oauthSession) Close() error {
	if o.UserSession != nil {
		return o.UserSession.Close()
	}
	return nil
}

const oauthUser = "alex@rapport.test"

// signedIn starts an authorization server and signs oauthUser in (the
// token file as `rapport auth login` leaves it).
func signedIn(t *testing.T, opts testoauth.Options) (*testoauth.Server, oauth.Settings) {
	t.Helper()
	srv, err := testoauth.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st := oauth.Settings{Provider: "custom", ClientID: "rapport-test", Username: oauthUser, Scopes: []string{"mail"},
		Endpoint:  oauth2.Endpoint{AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL()},
		TokenFile: filepath.Join(t.TempDir(), "token.json")}
	_, err = oauth.Login(ctxT(t), st, oauth.LoginOptions{Timeout: 10 * time.Second, OpenBrowser: func(u string) error {
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
	return srv, st
}

func oauthCfg(s *oauthIMAP, src oauth.TokenSource) mailbox.Config {
	_, p, _ := net.SplitHostPort(s.addr)
	var port int
	fmt.Sscan(p, &port)
	return mailbox.Config{Host: "127.0.0.1", Port: port, Security: mailbox.SecurityNone, Username: oauthUser,
		OAuth2: src, CommandTimeout: 5 * time.Second}
}

func TestOAuth2PrefersOAuthBearerElseXOAuth2(t *testing.T) {
	auth, st := signedIn(t, testoauth.Options{})
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{[]string{"PLAIN", "XOAUTH2", "OAUTHBEARER"}, "OAUTHBEARER"},
		{[]string{"XOAUTH2"}, "XOAUTH2"}, // Microsoft 365
	} {
		s := newOAuthIMAP(t, auth, oauthUser, tc.offered...)
		c := dial(t, oauthCfg(s, oauth.NewSource(st)))
		if _, err := c.Examine(ctxT(t), "INBOX"); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if used, _ := s.mechanisms(); len(used) != 1 || used[0] != tc.want {
			t.Errorf("offered %v: signed in with %v, want %s", tc.offered, used, tc.want)
		}
	}
}

func TestOAuth2RefusedTokenIsRenewedOnce(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			auth, st := signedIn(t, testoauth.Options{})
			s := newOAuthIMAP(t, auth, oauthUser, mech)
			// The provider ended the token early; the client thinks it
			// has most of an hour left. The server's error challenge
			// must be answered as the mechanism requires, or the server
			// fails the exchange with a protocol error and no renewal
			// happens.
			auth.ExpireAccessTokens(oauthUser)
			c := dial(t, oauthCfg(s, oauth.NewSource(st)))
			c.Close()
			if used, fails := s.mechanisms(); len(used) != 1 || fails != 1 {
				t.Fatalf("used %v, refused %d", used, fails)
			}
			if got := auth.Counts(oauthUser).Refreshes; got != 1 {
				t.Fatalf("%d refreshes", got)
			}
		})
	}
}

func TestOAuth2RevokedGrant(t *testing.T) {
	auth, st := signedIn(t, testoauth.Options{})
	s := newOAuthIMAP(t, auth, oauthUser, "XOAUTH2")
	auth.RevokeGrants(oauthUser)
	_, err := mailbox.Dial(ctxT(t), oauthCfg(s, oauth.NewSource(st)), nil)
	if !errors.Is(err, oauth.ErrSignInExpired) {
		t.Fatalf("err = %v, want ErrSignInExpired", err)
	}
	if !strings.Contains(err.Error(), "sign-in expired or was revoked: run `rapport auth login`") {
		t.Fatalf("message: %v", err)
	}
	for _, sec := range auth.Issued() {
		if strings.Contains(err.Error(), sec) {
			t.Fatalf("a token is in the error: %v", err)
		}
	}
}

// wrongAccount hands out valid tokens of another account.
type wrongAccount struct{ auth *testoauth.Server }

func (w wrongAccount) Token(context.Context) (oauth.Token, error) {
	a, _ := w.auth.Issue("someone.else@rapport.test", "rapport-test")
	return oauth.NewToken(a, time.Now().Add(time.Hour)), nil
}

func (w wrongAccount) Renew(ctx context.Context, _ oauth.Token) (oauth.Token, error) {
	return w.Token(ctx)
}

func TestOAuth2FreshTokenRefusedAgain(t *testing.T) {
	auth, _ := signedIn(t, testoauth.Options{})
	s := newOAuthIMAP(t, auth, oauthUser, "OAUTHBEARER")
	_, err := mailbox.Dial(ctxT(t), oauthCfg(s, wrongAccount{auth}), nil)
	if !errors.Is(err, oauth.ErrTokenRefused) || errors.Is(err, oauth.ErrSignInExpired) {
		t.Fatalf("err = %v, want ErrTokenRefused", err)
	}
	if !strings.Contains(err.Error(), "AUTHENTICATE failed") || !strings.Contains(err.Error(), "status invalid_token") {
		t.Fatalf("the server's reply is missing: %v", err)
	}
	if _, fails := s.mechanisms(); fails != 2 {
		t.Fatalf("%d attempts, want 2 (one renewal)", fails)
	}
}

func TestOAuth2ServerWithoutOAuthMechanism(t *testing.T) {
	auth, st := signedIn(t, testoauth.Options{})
	s := newOAuthIMAP(t, auth, oauthUser, "PLAIN")
	_, err := mailbox.Dial(ctxT(t), oauthCfg(s, oauth.NewSource(st)), nil)
	if err == nil || !strings.Contains(err.Error(), "offers no OAuth2 mechanism (only PLAIN); use imap.auth password") {
		t.Fatalf("err = %v", err)
	}
}

// The watcher redials after the server ends the session (as Exchange
// Online does when the access token's hour is up): the redial gets a new
// token, and mail delivered while it was away is handed over once.
func TestWatcherRedialsWithARenewedToken(t *testing.T) {
	auth, st := signedIn(t, testoauth.Options{})
	s := newOAuthIMAP(t, auth, oauthUser, "XOAUTH2")
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newMemHandler()
	w, err := mailbox.NewWatcher(mailbox.WatcherConfig{IMAP: oauthCfg(s, oauth.NewSource(st)), Logger: logger,
		BackoffMin: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond, PollInterval: time.Hour}, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			cancel()
			<-done
			stopped = true
		}
	}
	defer stop()
	s.deliver(rawMsg("one@x", "one"))
	eventually(t, 10*time.Second, "first message", func() bool { return h.has("INBOX", "one@x") })

	auth.ExpireAccessTokens(oauthUser)
	s.stop()
	s.deliver(rawMsg("two@x", "two"))
	s.restart()
	eventually(t, 10*time.Second, "message delivered while away", func() bool { return h.has("INBOX", "two@x") })
	s.deliver(rawMsg("three@x", "three"))
	eventually(t, 10*time.Second, "message after the redial", func() bool { return h.has("INBOX", "three@x") })

	stop()
	if got := h.ids("INBOX"); len(got) != 3 {
		t.Fatalf("handled %v, want each of the three once", got)
	}
	if c := auth.Counts(oauthUser); c.Refreshes != 1 {
		t.Fatalf("counts %+v, want one refresh", c)
	}
	for _, sec := range auth.Issued() {
		if strings.Contains(logs.String(), sec) {
			t.Fatalf("a token is in the log:\n%s", logs.String())
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
