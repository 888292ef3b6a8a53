package oauth_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/config"
	"rapport/internal/oauth"
	"rapport/internal/testoauth"
)

const user = "alex@rapport.test"

func startServer(t *testing.T, opts testoauth.Options) *testoauth.Server {
	t.Helper()
	s, err := testoauth.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func settings(t *testing.T, s *testoauth.Server, clientID string) oauth.Settings {
	t.Helper()
	return oauth.Settings{
		Provider: config.ProviderCustom, ClientID: clientID,
		Endpoint: oauth2.Endpoint{AuthURL: s.AuthURL(), TokenURL: s.TokenURL(), DeviceAuthURL: s.DeviceAuthURL()},
		Scopes:   []string{"mail", "offline_access"}, TokenFile: filepath.Join(t.TempDir(), "state", "token.json"), Username: user,
	}
}

// browser follows the authorization URL as a browser would: the test
// server signs the login_hint in and redirects to rapport's loopback
// listener.
func browser(t *testing.T) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func login(t *testing.T, st oauth.Settings) *oauth.Grant {
	t.Helper()
	g, err := oauth.Login(context.Background(), st, oauth.LoginOptions{OpenBrowser: browser(t), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return g
}

func TestLoginWithPKCEOnLoopbackWritesPrivateTokenFile(t *testing.T) {
	srv := startServer(t, testoauth.Options{})
	st := settings(t, srv, "rapport-test")
	var out strings.Builder
	g, err := oauth.Login(context.Background(), st, oauth.LoginOptions{Out: &out, OpenBrowser: browser(t), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !g.HasRefresh() || g.Access.IsZero() || g.Username != user {
		t.Fatalf("grant %+v", g)
	}
	if c := srv.Counts(user); c.Authorizations != 1 || c.CodeExchanges != 1 {
		t.Fatalf("counts %+v", c)
	}
	fi, err := os.Stat(st.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v", fi.Mode().Perm())
	}
	if di, _ := os.Stat(filepath.Dir(st.TokenFile)); di.Mode().Perm() != 0o700 {
		t.Fatalf("token directory mode %v", di.Mode().Perm())
	}
	printed := out.String()
	if !strings.Contains(printed, "code_challenge_method=S256") || !strings.Contains(printed, "login_hint=alex%40rapport.test") {
		t.Fatalf("printed URL lacks PKCE or login_hint:\n%s", printed)
	}
	assertNoSecrets(t, srv, printed, fmt.Sprintf("%v %+v %#v", g, g, g))
	src := oauth.NewSource(st)
	tok, err := src.Token(context.Background())
	if err != nil || !tok.Same(g.Access) {
		t.Fatalf("token from the new file: %v", err)
	}
}

func TestLoginNoBrowserTakesThePastedAddress(t *testing.T) {
	srv := startServer(t, testoauth.Options{})
	st := settings(t, srv, "rapport-test")
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := oauth.Login(context.Background(), st, oauth.LoginOptions{Out: outW, In: inR, NoBrowser: true,
			OpenBrowser: func(string) error { t.Error("a browser was opened with --no-browser"); return nil }, Timeout: 20 * time.Second})
		outW.Close()
		done <- err
	}()
	sc := bufio.NewScanner(outR)
	var authURL string
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "http://") && strings.Contains(l, "/authorize?") {
			authURL = l
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if authURL == "" {
		t.Fatal("no URL printed")
	}
	// The browser on another machine: it cannot reach the redirect, so
	// the user copies the address from the address bar.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.Contains(loc, "code=") {
		t.Fatalf("redirect %q", loc)
	}
	// A stale address of another attempt first, then junk, then the right one.
	stale := regexp.MustCompile(`state=[^&]+`).ReplaceAllString(loc, "state=other")
	fmt.Fprintf(inW, "%s\nhello\n%s\n", stale, loc)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	inW.Close()
	if c := srv.Counts(user); c.CodeExchanges != 1 {
		t.Fatalf("counts %+v", c)
	}
}

func TestLoginRefusedAtTheProvider(t *testing.T) {
	srv := startServer(t, testoauth.Options{})
	srv.SetDenied(user, true)
	st := settings(t, srv, "rapport-test")
	_, err := oauth.Login(context.Background(), st, oauth.LoginOptions{OpenBrowser: browser(t), Timeout: 20 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "the sign-in was refused (access_denied") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(st.TokenFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("token file written after a refusal: %v", err)
	}
}

func TestDeviceLogin(t *testing.T) {
	srv := startServer(t, testoauth.Options{})
	st := settings(t, srv, "rapport-test")
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := oauth.DeviceLogin(context.Background(), st, outW)
		outW.Close()
		done <- err
	}()
	sc := bufio.NewScanner(outR)
	code := ""
	for sc.Scan() {
		if m := regexp.MustCompile(`enter the code (\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			code = m[1]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if code == "" {
		t.Fatal("no user code printed")
	}
	if err := srv.ApproveDevice(code, user); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c := srv.Counts(user); c.DeviceGrants != 1 {
		t.Fatalf("counts %+v", c)
	}
	if _, err := oauth.NewSource(st).Token(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestDeviceLoginNotForGmail(t *testing.T) {
	st := oauth.FromConfig(&config.Config{IMAP: config.Server{Username: user, Auth: config.AuthOAuth2},
		OAuth2: config.OAuth2{Provider: config.ProviderGoogle, ClientID: "x"}})
	if _, err := oauth.DeviceLogin(context.Background(), st, io.Discard); err == nil || !strings.Contains(err.Error(), "--no-browser") {
		t.Fatalf("err = %v", err)
	}
}

// clock is a settable clock for expiries.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestTokenRefreshedBeforeItExpires(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := startServer(t, testoauth.Options{AccessTTL: time.Hour, Now: clk.now})
	st := settings(t, srv, "rapport-test")
	st.Now = clk.now
	first := login(t, st).Access
	src := oauth.NewSource(st)
	ctx := context.Background()
	for range 3 {
		tok, err := src.Token(ctx)
		if err != nil || !tok.Same(first) {
			t.Fatalf("fresh token not reused: %v", err)
		}
	}
	clk.add(56 * time.Minute) // inside the last five minutes
	tok, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Same(first) || srv.Counts(user).Refreshes != 1 {
		t.Fatalf("not refreshed before expiry: refreshes %d", srv.Counts(user).Refreshes)
	}
	// The rotated refresh token is on disk: another process refreshes
	// with it later.
	clk.add(59 * time.Minute)
	other := oauth.NewSource(st)
	if _, err := other.Token(ctx); err != nil {
		t.Fatalf("refresh with the rotated token: %v", err)
	}
	if c := srv.Counts(user); c.Refreshes != 2 || c.RefusedGrants != 0 {
		t.Fatalf("counts %+v", c)
	}
}

func TestRenewAfterTheServerRefusedAToken(t *testing.T) {
	srv := startServer(t, testoauth.Options{})
	st := settings(t, srv, "rapport-test")
	first := login(t, st).Access
	ctx := context.Background()
	srv.ExpireAccessTokens(user) // the client does not know

	// Two connections (IMAP and SMTP, or two processes) are refused at
	// the same time: one refresh, and both get its token.
	a, b := oauth.NewSource(st), oauth.NewSource(st)
	var wg sync.WaitGroup
	got := make([]oauth.Token, 2)
	errs := make([]error, 2)
	for i, src := range []oauth.TokenSource{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = src.Renew(ctx, first)
		}()
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("renew %d: %v", i, errs[i])
		}
		if got[i].Same(first) {
			t.Fatalf("renew %d returned the refused token", i)
		}
	}
	if !got[0].Same(got[1]) {
		t.Fatal("two refreshes for one refusal")
	}
	if c := srv.Counts(user); c.Refreshes != 1 || c.RefusedGrants != 0 {
		t.Fatalf("counts %+v", c)
	}
}

func TestRevokedGrantNeedsANewSignInAndIsPickedUp(t *testing.T) {
	srv := startServer(t, testoauth.Options{})
	st := settings(t, srv, "rapport-test")
	first := login(t, st).Access
	ctx := context.Background()
	src := oauth.NewSource(st)
	if tok, err := src.Token(ctx); err != nil || !tok.Same(first) {
		t.Fatalf("before the revocation: %v", err)
	}
	srv.RevokeGrants(user)
	_, err := src.Renew(ctx, first)
	if !errors.Is(err, oauth.ErrSignInExpired) {
		t.Fatalf("err = %v, want ErrSignInExpired", err)
	}
	if !strings.HasPrefix(err.Error(), "sign-in expired or was revoked: run `rapport auth login`") {
		t.Fatalf("message: %v", err)
	}
	wrapped := fmt.Errorf("smtp auth: %w", fmt.Errorf("dial: %w", err))
	if !errors.Is(wrapped, oauth.ErrSignInExpired) {
		t.Fatal("lost through wrapping")
	}
	// Neither the dead grant's access token is offered again, nor its
	// refresh token until the file changes.
	for range 3 {
		if _, err := src.Token(ctx); !errors.Is(err, oauth.ErrSignInExpired) {
			t.Fatalf("err = %v", err)
		}
	}
	if c := srv.Counts(user); c.RefusedGrants != 1 {
		t.Fatalf("the refused refresh token was offered %d times", c.RefusedGrants)
	}
	// A new sign-in (another process: `rapport auth login`) is used by the
	// same source without a restart.
	again := login(t, st).Access
	tok, err := src.Token(ctx)
	if err != nil || !tok.Same(again) {
		t.Fatalf("after a new login: %v", err)
	}
}

func TestNotSignedInAndForeignTokenFile(t *testing.T) {
	srv := startServer(t, testoauth.Options{Clients: []testoauth.Client{{ID: "a"}, {ID: "b"}}})
	st := settings(t, srv, "a")
	ctx := context.Background()
	_, err := oauth.NewSource(st).Token(ctx)
	if !errors.Is(err, oauth.ErrSignInExpired) || !strings.Contains(err.Error(), "not signed in") {
		t.Fatalf("no file: %v", err)
	}
	login(t, st)
	other := st
	other.ClientID = "b"
	if _, err := oauth.NewSource(other).Token(ctx); !errors.Is(err, oauth.ErrSignInExpired) || !strings.Contains(err.Error(), "another OAuth client") {
		t.Fatalf("other client: %v", err)
	}
	other = st
	other.Username = "someone@rapport.test"
	if _, err := oauth.NewSource(other).Token(ctx); !errors.Is(err, oauth.ErrSignInExpired) || !strings.Contains(err.Error(), "is for alex@rapport.test") {
		t.Fatalf("other user: %v", err)
	}
	if err := os.Chmod(st.TokenFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := oauth.NewSource(st).Token(ctx); !errors.Is(err, config.ErrInsecureFile) {
		t.Fatalf("readable token file: %v", err)
	}
}

func TestConfidentialClientSecretIsSentAndChecked(t *testing.T) {
	srv := startServer(t, testoauth.Options{Clients: []testoauth.Client{{ID: "conf", Secret: "GOCSPX-right"}}})
	st := settings(t, srv, "conf")
	st.ClientSecret = func(context.Context) (config.Secret, bool, error) { return "GOCSPX-wrong", true, nil }
	_, err := oauth.Login(context.Background(), st, oauth.LoginOptions{OpenBrowser: browser(t), Timeout: 20 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "GOCSPX") {
		t.Fatalf("wrong secret: %v", err)
	}
	st.ClientSecret = func(context.Context) (config.Secret, bool, error) { return "GOCSPX-right", true, nil }
	login(t, st)
}

func TestCommandSource(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "tok")
	if err := os.WriteFile(tokFile, []byte("at.1.helper-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := oauth.NewSource(oauth.Settings{TokenCommand: "cat " + tokFile})
	tok, err := src.Token(ctx)
	if err != nil || !tok.Same(oauth.NewToken("at.1.helper-token", time.Time{})) {
		t.Fatalf("token: %v", err)
	}
	if _, err := src.Renew(ctx, tok); !errors.Is(err, oauth.ErrSignInExpired) || !strings.Contains(err.Error(), "token helper") {
		t.Fatalf("same token again: %v", err)
	}
	if err := os.WriteFile(tokFile, []byte("at.1.newer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := src.Renew(ctx, tok); err != nil || n.Same(tok) {
		t.Fatalf("renew: %v", err)
	}
	bad := oauth.NewSource(oauth.Settings{TokenCommand: "echo at.1.leaked; echo 'pizauth: no token' >&2; exit 1"})
	_, err = bad.Token(ctx)
	if !errors.Is(err, oauth.ErrSignInExpired) || !strings.Contains(err.Error(), "pizauth: no token") || strings.Contains(err.Error(), "leaked") {
		t.Fatalf("failing helper: %v", err)
	}
}

func TestTokensPrintMasked(t *testing.T) {
	tok := oauth.NewToken("ya29.secret-token", time.Now())
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s %q", tok, tok, tok, tok, tok)} {
		if strings.Contains(s, "ya29") {
			t.Fatalf("token printed: %s", s)
		}
	}
}

// assertNoSecrets fails if any token or code the server issued appears in
// one of the texts.
func assertNoSecrets(t *testing.T, srv *testoauth.Server, texts ...string) {
	t.Helper()
	for _, sec := range srv.Issued() {
		for _, txt := range texts {
			if strings.Contains(txt, sec) {
				t.Fatalf("a token or code (%.6s…) appears in %q", sec, txt)
			}
		}
	}
}
