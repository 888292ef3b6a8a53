package mailstack

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/testoauth"
)

// OAuth2 on the stack: Dovecot's oauth2 passdb (before the password one)
// validates XOAUTH2 and OAUTHBEARER tokens by introspection at
// OAuthRouter, which forwards each token to the testoauth.Server on
// 127.0.0.1 that issued it; Postfix submission authenticates through
// Dovecot, so the same token works for SMTP. Every test starts its own
// server (StartOAuth) on a free port, so tests in parallel packages do not
// share tokens or counters.

// RequireOAuth fails (or, when the stack is not required, skips) unless
// the stack's OAuth2 router answers.
func (s *Stack) RequireOAuth(t testing.TB) {
	t.Helper()
	fail := t.Skipf
	if Required() {
		fail = t.Fatalf
	}
	if s.OAuthRouter == "" {
		fail("mailstack: %s not set: the stack was started by an older start.sh; run scripts/mailstack/start.sh again", EnvOAuthRouter)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.OAuthRouter+"/health", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fail("mailstack: OAuth2 router %s does not answer (%v); run scripts/mailstack/start.sh (log: %s)",
			s.OAuthRouter, err, filepath.Join(s.LogDir, "oauth-router.log"))
		return
	}
	resp.Body.Close()
}

// StartOAuth starts an authorization server whose tokens the stack's
// Dovecot and Postfix accept; it stops when the test ends.
func (s *Stack) StartOAuth(t testing.TB, opts testoauth.Options) *testoauth.Server {
	t.Helper()
	s.RequireOAuth(t)
	srv, err := testoauth.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Kick ends every IMAP session of user at the server, as a provider does
// when the access token a session was opened with expires (Exchange
// Online: "BYE Session invalidated - AccessTokenExpired"). It needs the
// rights to talk to the stack's Dovecot (root in CI).
func (s *Stack) Kick(t testing.TB, user string) {
	t.Helper()
	conf := s.DovecotConf
	if conf == "" && s.StateDir != "" {
		conf = filepath.Join(s.StateDir, "dovecot", "dovecot.conf")
	}
	if _, err := os.Stat(conf); err != nil {
		t.Fatalf("mailstack: Kick needs the stack's dovecot.conf: %v", err)
	}
	out, err := exec.Command("doveadm", "-c", conf, "kick", s.Address(user)).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "no users kicked") {
		t.Fatalf("mailstack: doveadm kick %s: %v: %s", s.Address(user), err, out)
	}
}
