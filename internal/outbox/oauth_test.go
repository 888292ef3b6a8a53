package outbox_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/oauth2"

	"rapport/internal/clock"
	"rapport/internal/oauth"
	"rapport/internal/outbox"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
	"rapport/internal/testoauth"
)

// oauthSMTP is an in-process submission server that authenticates only
// with OAuth2 bearer tokens, validated against a test authorization
// server, as Postfix with Dovecot SASL does.
type oauthSMTP struct {
	t     *testing.T
	auth  *testoauth.Server
	mechs []string
	port  int

	mu       sync.Mutex
	used     []string
	refused  int
	received []string // envelope recipients of accepted messages
}

func newOAuthSMTP(t *testing.T, auth *testoauth.Server, mechs ...string) *oauthSMTP {
	t.Helper()
	s := &oauthSMTP{t: t, auth: auth, mechs: mechs}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	go srv.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *oauthSMTP) NewSession(*smtp.Conn) (smtp.Session, error) { return &oauthSMTPSession{s: s}, nil }

type oauthSMTPSession struct {
	s      *oauthSMTP
	authed bool
	rcpt   string
}

func (x *oauthSMTPSession) AuthMechanisms() []string { return x.s.mechs }

func (x *oauthSMTPSession) Auth(mech string) (sasl.Server, error) {
	fail := &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Error: authentication failed"}
	check := func(user, token string) error {
		err := x.s.auth.Check(user, token)
		if err != nil {
			x.s.mu.Lock()
			x.s.refused++
			x.s.mu.Unlock()
		}
		return err
	}
	inner := testoauth.NewSASLServer(mech, false, check, fail, func(string) {
		x.authed = true
		x.s.mu.Lock()
		x.s.used = append(x.s.used, mech)
		x.s.mu.Unlock()
	})
	return strictSASL{x.s.t, inner}, nil
}

type strictSASL struct {
	t *testing.T
	sasl.Server
}

func (x strictSASL) Next(resp []byte) ([]byte, bool, error) {
	ch, done, err := x.Server.Next(resp)
	if errors.Is(err, testoauth.ErrSASLProtocol) {
		x.t.Errorf("SMTP server: %v", err)
	}
	return ch, done, err
}

func (x *oauthSMTPSession) Mail(string, *smtp.MailOptions) error {
	if !x.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	return nil
}

func (x *oauthSMTPSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.rcpt = to; return nil }

func (x *oauthSMTPSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, x.rcpt)
	x.s.mu.Unlock()
	return nil
}

func (x *oauthSMTPSession) Reset()        {}
func (x *oauthSMTPSession) Logout() error { return nil }

func (s *oauthSMTP) stats() (used []string, refused int, received []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.used...), s.refused, append([]string(nil), s.received...)
}

const smtpUser = "alex@rapport.test"

func signIn(t *testing.T) (*testoauth.Server, oauth.Settings) {
	t.Helper()
	srv, err := testoauth.Start(testoauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st := oauth.Settings{Provider: "custom", ClientID: "rapport-test", Username: smtpUser, Scopes: []string{"mail"},
		Endpoint:  oauth2.Endpoint{AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL()},
		TokenFile: filepath.Join(t.TempDir(), "token.json")}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = oauth.Login(ctx, st, oauth.LoginOptions{OpenBrowser: func(u string) error {
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

func oauthSMTPConfig(s *oauthSMTP, src oauth.TokenSource) outbox.SMTPConfig {
	return outbox.SMTPConfig{Host: "127.0.0.1", Port: s.port, Security: "none", Username: smtpUser, OAuth2: src, Timeout: 5 * time.Second}
}

func sendOne(t *testing.T, cfg outbox.SMTPConfig) error {
	t.Helper()
	ctx := context.Background()
	c, err := outbox.Dial(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Send(ctx, smtpUser, "ann@example.org", []byte("Subject: hi\r\n\r\nhello\r\n"), nil)
	return err
}

func TestSMTPOAuth2MechanismFromTheServersList(t *testing.T) {
	auth, st := signIn(t)
	for _, tc := range []struct {
		offered []string
		want    string
	}{{[]string{"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"}, "OAUTHBEARER"}, {[]string{"LOGIN", "XOAUTH2"}, "XOAUTH2"}} {
		s := newOAuthSMTP(t, auth, tc.offered...)
		if err := sendOne(t, oauthSMTPConfig(s, oauth.NewSource(st))); err != nil {
			t.Fatalf("%v: %v", tc.offered, err)
		}
		if used, _, got := s.stats(); len(used) != 1 || used[0] != tc.want || len(got) != 1 {
			t.Fatalf("offered %v: used %v, received %v", tc.offered, used, got)
		}
	}
}

func TestSMTPOAuth2RenewsARefusedTokenOnce(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			auth, st := signIn(t)
			s := newOAuthSMTP(t, auth, mech)
			auth.ExpireAccessTokens(smtpUser)
			if err := sendOne(t, oauthSMTPConfig(s, oauth.NewSource(st))); err != nil {
				t.Fatal(err)
			}
			if _, refused, got := s.stats(); refused != 1 || len(got) != 1 {
				t.Fatalf("refused %d, received %v", refused, got)
			}
			if n := auth.Counts(smtpUser).Refreshes; n != 1 {
				t.Fatalf("%d refreshes", n)
			}
		})
	}
}

func TestSMTPOAuth2RevokedGrantIsAnAuthFailure(t *testing.T) {
	auth, st := signIn(t)
	s := newOAuthSMTP(t, auth, "XOAUTH2")
	auth.RevokeGrants(smtpUser)
	err := sendOne(t, oauthSMTPConfig(s, oauth.NewSource(st)))
	var se *outbox.SendError
	if !errors.As(err, &se) || se.Phase != outbox.PhaseAuth || !se.AuthFailed() || se.Temporary() {
		t.Fatalf("err = %#v, want an auth failure", err)
	}
	if !errors.Is(err, oauth.ErrSignInExpired) || !strings.Contains(err.Error(), "sign-in expired or was revoked: run `rapport auth login`") {
		t.Fatalf("err = %v", err)
	}
	for _, sec := range auth.Issued() {
		if strings.Contains(err.Error(), sec) {
			t.Fatal("a token is in the error")
		}
	}
}

func TestSMTPOAuth2ProviderUnreachableIsTemporary(t *testing.T) {
	auth, st := signIn(t)
	s := newOAuthSMTP(t, auth, "XOAUTH2")
	auth.ExpireAccessTokens(smtpUser)
	auth.Close() // the token endpoint is gone for now
	err := sendOne(t, oauthSMTPConfig(s, oauth.NewSource(st)))
	var se *outbox.SendError
	if !errors.As(err, &se) || !se.Temporary() || se.AuthFailed() || errors.Is(err, oauth.ErrSignInExpired) {
		t.Fatalf("err = %v, want a temporary failure", err)
	}
}

// A revoked grant pauses sending, as a wrong password does, and the
// message waits in the queue: nothing is failed or lost.
func TestRevokedGrantPausesTheOutbox(t *testing.T) {
	clk := clock.NewFake(tuesday)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		auth, st := signIn(t)
		srv := newOAuthSMTP(t, auth, "OAUTHBEARER")
		f := newFixture(t, s, clk)
		src := oauth.NewSource(st)
		f.ob.Dial = func(ctx context.Context) (*outbox.Conn, error) { return outbox.Dial(ctx, oauthSMTPConfig(srv, src)) }
		auth.RevokeGrants(smtpUser)
		f.add("Ann Lee", "ann@example.org", "Acme")
		for range 3 {
			f.cycle()
			clk.Advance(time.Minute)
		}
		paused, _, why := f.ob.Paused()
		if !paused || !strings.Contains(why, "sign-in expired") {
			t.Fatalf("paused %v (%s)", paused, why)
		}
		msgs, err := s.MessagesInState(context.Background(), f.ob.Account, store.MsgQueued)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 {
			t.Fatalf("%d queued messages, want the outreach waiting", len(msgs))
		}
		if _, _, got := srv.stats(); len(got) != 0 {
			t.Fatalf("sent %v without a grant", got)
		}
	})
}
