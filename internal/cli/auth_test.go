package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/testoauth"
)

// lockedBuf is a buffer written by the command and read by the test.
type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// pasting runs rapport with a pipe for stdin and plays the user of
// --no-browser: opens the printed address in "another machine's" browser
// and pastes back where it was sent.
func pasting(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var out, errb lockedBuf
	done := make(chan int, 1)
	go func() {
		e := &env{stdin: inR, stdout: io.MultiWriter(outW, &out), stderr: &errb, clock: clock.Real{}}
		done <- run(context.Background(), args, e)
		outW.Close()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		sent := false
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); !sent && strings.HasPrefix(l, "http") && strings.Contains(l, "/authorize?") {
				urls <- l
				sent = true
			}
		}
	}()
	select {
	case u := <-urls:
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		fmt.Fprintln(inW, resp.Header.Get("Location"))
	case code := <-done:
		return code, out.String(), errb.String()
	case <-time.After(20 * time.Second):
		t.Fatalf("no sign-in address printed:\n%s\n%s", out.String(), errb.String())
	}
	select {
	case code = <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("rapport did not finish:\n%s\n%s", out.String(), errb.String())
	}
	inW.Close()
	return code, out.String(), errb.String()
}

func oauthServer(t *testing.T) *testoauth.Server {
	t.Helper()
	s, err := testoauth.Start(testoauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// customOAuthInit are the flags of a non-interactive OAuth2 init against s.
func customOAuthInit(s *testoauth.Server, cfgPath, tokenFile string, extra ...string) []string {
	return append([]string{"--config", cfgPath, "init", "--non-interactive", "--provider", "custom", "--auth", "oauth2",
		"--name", "Alex Doe", "--email", "alex@rapport.test", "--timezone", "UTC",
		"--imap-host", "127.0.0.1", "--imap-port", "1143", "--imap-security", "none",
		"--smtp-host", "127.0.0.1", "--smtp-port", "1587", "--smtp-security", "none",
		"--client-id", "rapport-test", "--oauth2-auth-url", s.AuthURL(), "--oauth2-token-url", s.TokenURL(),
		"--oauth2-scope", "mail", "--token-file", tokenFile}, extra...)
}

func TestInitOAuth2SignsInWithThePastedAddress(t *testing.T) {
	s := oauthServer(t)
	dir := t.TempDir()
	cfgPath, tokenFile := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "state", "token.json")
	code, out, errs := pasting(t, customOAuthInit(s, cfgPath, tokenFile, "--no-browser", "--skip-check")...)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(out, "sign-in   ok (alex@rapport.test; token in "+tokenFile) {
		t.Fatalf("stdout:\n%s", out)
	}
	if m := mode(t, tokenFile); m != 0o600 {
		t.Fatalf("token file mode %o", m)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Auth != "oauth2" || cfg.SMTP.Auth != "oauth2" || cfg.OAuth2.ClientID != "rapport-test" || cfg.OAuth2.TokenFile != tokenFile ||
		cfg.IMAP.PasswordFile != "" || cfg.SMTP.PasswordCommand != "" {
		t.Fatalf("config: %+v %+v %+v", cfg.IMAP, cfg.SMTP, cfg.OAuth2)
	}
	for _, sec := range s.Issued() {
		if strings.Contains(out+errs+readFile(t, cfgPath), sec) {
			t.Fatal("a token is in the output or the config")
		}
	}

	// auth status, logout, status again.
	code, out, errs = rapport(t, "", "--config", cfgPath, "auth", "status")
	if code != ExitOK || !strings.Contains(out, "account        alex@rapport.test") || !strings.Contains(out, "refresh token  yes") ||
		!strings.Contains(out, "grant          ok") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = rapport(t, "", "--config", cfgPath, "auth", "logout")
	if code != ExitOK || !strings.Contains(out, "signed out: deleted "+tokenFile) {
		t.Fatalf("logout: exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Fatalf("token file still there: %v", err)
	}
	code, out, errs = rapport(t, "", "--config", cfgPath, "auth", "status")
	if code != ExitConfig || !strings.Contains(errs, "not signed in with OAuth2 yet: run `rapport auth login`") {
		t.Fatalf("status signed out: exit %d\n%s\n%s", code, out, errs)
	}
	// check says the same, once, before trying any server.
	code, out, errs = rapport(t, "", "--config", cfgPath, "check")
	if code != ExitConfig || strings.Count(errs, "run `rapport auth login`") != 1 || strings.Contains(errs, "127.0.0.1:1143") {
		t.Fatalf("check signed out: exit %d\n%s\n%s", code, out, errs)
	}

	// auth login signs in again.
	code, out, errs = pasting(t, "--config", cfgPath, "auth", "login", "--no-browser")
	if code != ExitOK || !strings.Contains(out, "signed in as alex@rapport.test") {
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errs)
	}
	if c := s.Counts("alex@rapport.test"); c.CodeExchanges != 2 {
		t.Fatalf("counts %+v", c)
	}

	// A revoked grant: status exits 2 with the one clear message.
	s.RevokeGrants("alex@rapport.test")
	s.ExpireAccessTokens("alex@rapport.test")
	writeTokenExpiry(t, tokenFile)
	code, out, errs = rapport(t, "", "--config", cfgPath, "auth", "status")
	if code != ExitConfig || !strings.Contains(errs, "sign-in expired or was revoked: run `rapport auth login`") {
		t.Fatalf("status revoked: exit %d\n%s\n%s", code, out, errs)
	}
}

// writeTokenExpiry makes the token file's access token look expired, so
// the next use refreshes (and meets the revoked grant).
func writeTokenExpiry(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, `"expiry": "`)
	if i < 0 {
		t.Fatalf("no expiry in the token file")
	}
	j := strings.Index(s[i+11:], `"`)
	s = s[:i+11] + "2000-01-01T00:00:00Z" + s[i+11+j:]
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestInitOutlookDefaultsToOAuth2(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	code, out, errs := rapport(t, "", "--config", p, "init", "--provider", "outlook", "--name", "Alex Doe",
		"--email", "alex@outlook.com", "--timezone", "UTC", "--client-id", "0b4c1e59-1111-2222-3333-444455556666",
		"--tenant", "consumers", "--no-login", "--skip-check")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "Microsoft Entra ID") || !strings.Contains(out, "sign-in   skipped") {
		t.Errorf("stdout:\n%s", out)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Auth != "oauth2" || cfg.OAuth2.Provider != "microsoft" || cfg.OAuth2.Tenant != "consumers" ||
		cfg.IMAP.Host != "outlook.office365.com" || cfg.SMTP.Host != "smtp.office365.com" {
		t.Fatalf("config %+v %+v", cfg.IMAP, cfg.OAuth2)
	}
	// Without a client ID, a non-interactive outlook init says what is missing.
	code, _, errs = rapport(t, "", "--config", filepath.Join(dir, "b.yaml"), "init", "--non-interactive", "--provider", "outlook",
		"--name", "Alex Doe", "--email", "alex@outlook.com", "--timezone", "UTC")
	if code != ExitConfig || !strings.Contains(errs, "--client-id") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestInitOAuth2Interactive(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	script := strings.Join([]string{
		"Alex Doe",
		"alex@gmail.com",
		"",       // provider: gmail, from the address
		"oauth2", // the default for gmail is an app password
		"",       // login: the address
		"UTC",
		"", "", "", // intro, interest, availability
		"", // no token helper: rapport signs in
		"123-abc.apps.googleusercontent.com",
		"GOCSPX-typed-secret", // not echoed: stdin is not a terminal
	}, "\n") + "\n"
	code, out, errs := rapport(t, script, "--config", p, "init", "--no-login", "--skip-check")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(dir, "oauth2-client-secret")
	if cfg.OAuth2.Provider != "google" || cfg.OAuth2.ClientID != "123-abc.apps.googleusercontent.com" || cfg.OAuth2.ClientSecretFile != secretFile {
		t.Fatalf("oauth2 %+v", cfg.OAuth2)
	}
	if m := mode(t, secretFile); m != 0o600 {
		t.Fatalf("secret file mode %o", m)
	}
	if strings.Contains(out+readFile(t, p), "GOCSPX-typed-secret") {
		t.Fatal("the client secret is in the output or the config")
	}
	if sec, ok, err := cfg.OAuth2.ResolveClientSecret(context.Background()); err != nil || !ok || sec.Reveal() != "GOCSPX-typed-secret" {
		t.Fatalf("secret: %v %v", ok, err)
	}
}

func TestInitOAuth2UsageErrors(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--config", filepath.Join(dir, "c.yaml"), "init", "--non-interactive", "--name", "A B", "--email", "a@b.example", "--timezone", "UTC"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--provider", "fastmail", "--auth", "oauth2", "--client-id", "x"}, "OAuth2 sign-in is offered with --provider gmail, outlook or custom"},
		{[]string{"--provider", "gmail", "--auth", "oauth2", "--password-command", "x"}, "signs in without a password"},
		{[]string{"--provider", "gmail", "--auth", "password", "--client-id", "x"}, "--client-id apply to --auth oauth2"},
		{[]string{"--provider", "gmail", "--auth", "magic"}, `--auth "magic"`},
		{[]string{"--provider", "outlook", "--token-command", "pizauth show w", "--client-id", "x"}, "--client-id has no effect with --token-command"},
		{[]string{"--provider", "outlook", "--client-id", "x", "--device", "--no-browser"}, "--device and --no-browser are exclusive"},
	} {
		code, _, errs := rapport(t, "", append(base, tc.args...)...)
		if code != ExitConfig || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d\n%s", tc.args, code, errs)
		}
	}
}

func TestInitTokenCommand(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	code, out, errs := rapport(t, "", "--config", p, "init", "--non-interactive", "--provider", "outlook", "--name", "Alex Doe",
		"--email", "alex@outlook.com", "--timezone", "UTC", "--token-command", "pizauth show work", "--skip-check")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OAuth2.TokenCommand != "pizauth show work" || cfg.OAuth2.ClientID != "" || strings.Contains(out, "sign-in   ok") {
		t.Fatalf("oauth2 %+v\n%s", cfg.OAuth2, out)
	}
	code, _, errs = rapport(t, "", "--config", p, "auth", "login")
	if code != ExitConfig || !strings.Contains(errs, "sign in with your token helper") {
		t.Fatalf("auth login with token_command: exit %d\n%s", code, errs)
	}
}

func TestAuthNeedsAnOAuth2Config(t *testing.T) {
	te := newTestEnv(t)
	code, _, errs := te.run("auth", "status")
	if code != ExitConfig || !strings.Contains(errs, "neither imap.auth nor smtp.auth is oauth2") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}
