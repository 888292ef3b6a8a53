package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/clock"
	"rapport/internal/mailstack"
	"rapport/internal/testmail"
)

// server is one side (IMAP or SMTP) of a test config.
type server struct {
	host, security, username string
	port                     int
	passwordFile, caFile     string
}

// mailConfig writes a config for the two servers, with a fresh SQLite
// database, into dir and returns its path.
func mailConfig(t *testing.T, dir string, im, sm server) string {
	t.Helper()
	side := func(s server) string {
		out := fmt.Sprintf("{host: %q, port: %d, security: %s, username: %q, password_file: %q", s.host, s.port, s.security, s.username, s.passwordFile)
		if s.caFile != "" {
			out += fmt.Sprintf(", ca_file: %q", s.caFile)
		}
		return out + "}"
	}
	cfg := fmt.Sprintf("me: {name: Alex Doe, email: %s, timezone: America/New_York}\nimap: %s\nsmtp: %s\ndatabase: %q\n",
		im.username, side(im), side(sm), "sqlite://"+filepath.Join(dir, "rapport.db"))
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// secretFile writes a password file with mode perm.
func secretFile(t *testing.T, dir, name, pw string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(pw+"\n"), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil { // past the umask
		t.Fatal(err)
	}
	return p
}

// rapport runs the CLI with stdin and returns the exit code and output.
func rapport(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, clock: clock.Real{}}
	code = run(context.Background(), args, e)
	return code, out.String(), errb.String()
}

// testServers are in-process IMAP and SMTP servers and a config for them.
type testServers struct {
	imap   *testmail.IMAP
	smtp   *testmail.SMTP
	dir    string
	im, sm server
}

func newTestServers(t *testing.T, imapOpts []testmail.IMAPOption, smtpOpts []testmail.SMTPOption) *testServers {
	t.Helper()
	ts := &testServers{dir: t.TempDir()}
	ts.imap = testmail.NewIMAP(t, imapOpts...)
	ts.smtp = testmail.NewSMTP(t, smtpOpts...)
	pw := secretFile(t, ts.dir, "password", testmail.DefaultPassword, 0o600)
	ts.im = server{host: "127.0.0.1", port: ts.imap.Port(), security: "none", username: testmail.DefaultUser, passwordFile: pw}
	ts.sm = server{host: "127.0.0.1", port: ts.smtp.Port(), security: "none", username: testmail.DefaultUser, passwordFile: pw}
	return ts
}

func (ts *testServers) check(t *testing.T) (code int, stdout, stderr string) {
	t.Helper()
	return rapport(t, "", "--config", mailConfig(t, ts.dir, ts.im, ts.sm), "check")
}

func TestCheckPassesAndListsFolders(t *testing.T) {
	ts := newTestServers(t, nil, nil)
	code, out, errs := ts.check(t)
	if code != ExitOK {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"config    ok", "imap      ok (me@example.test@127.0.0.1:", "smtp      ok (",
		"  sent    Sent (special-use)", "  drafts  Drafts (special-use)", "  junk    Junk (special-use)"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckFolderFallbacks(t *testing.T) {
	// Microsoft 365 style: attributes on LIST, no SPECIAL-USE advertised.
	ts := newTestServers(t, []testmail.IMAPOption{testmail.WithFolderNames("Sent Items", "", "Junk Email"),
		testmail.WithSpecialUse(testmail.SpecialUseUnadvertised)}, nil)
	code, out, errs := ts.check(t)
	if code != ExitOK || !strings.Contains(out, "  sent    Sent Items (list-attribute)") || !strings.Contains(out, "  junk    Junk Email (list-attribute)") {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	// No Junk at all is fine: it is optional.
	ts = newTestServers(t, []testmail.IMAPOption{testmail.WithFolders(
		testmail.Folder{Name: "Sent", Attr: string(imap.MailboxAttrSent)},
		testmail.Folder{Name: "Drafts", Attr: string(imap.MailboxAttrDrafts)})}, nil)
	code, out, errs = ts.check(t)
	if code != ExitOK || !strings.Contains(out, "  junk    not found (optional)") {
		t.Fatalf("check without Junk: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

// checkFails runs check and asserts exit 1 and that stderr holds every
// wanted fragment.
func checkFails(t *testing.T, ts *testServers, want ...string) string {
	t.Helper()
	code, out, errs := ts.check(t)
	if code != ExitRuntime {
		t.Fatalf("check: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitRuntime, out, errs)
	}
	for _, w := range want {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	return errs
}

func TestCheckWrongPassword(t *testing.T) {
	t.Run("imap", func(t *testing.T) {
		ts := newTestServers(t, []testmail.IMAPOption{testmail.WithUser(testmail.DefaultUser, "other password")}, nil)
		errs := checkFails(t, ts, "imap 127.0.0.1:", "login as me@example.test", "AUTHENTICATIONFAILED",
			"the server refused the login: check imap.username and the password", "app password")
		if strings.Contains(errs, "smtp") {
			t.Errorf("SMTP is fine but reported:\n%s", errs)
		}
	})
	t.Run("smtp", func(t *testing.T) {
		ts := newTestServers(t, nil, []testmail.SMTPOption{testmail.WithSMTPUser(testmail.DefaultUser, "other password")})
		errs := checkFails(t, ts, "smtp 127.0.0.1:", "535 5.7.8", "the server refused the login: check smtp.username and the password")
		if strings.Contains(errs, "imap") {
			t.Errorf("IMAP is fine but reported:\n%s", errs)
		}
	})
}

func TestCheckUntrustedCertificate(t *testing.T) {
	cert := testmail.NewCert(t)
	opts := func() *testServers {
		ts := newTestServers(t, []testmail.IMAPOption{testmail.WithTLS(testmail.TLSImplicit, cert)},
			[]testmail.SMTPOption{testmail.WithSMTPTLS(testmail.TLSStartTLS, cert)})
		ts.im.security, ts.sm.security = "tls", "starttls"
		return ts
	}
	ts := opts()
	checkFails(t, ts, "imap 127.0.0.1:", "smtp 127.0.0.1:", "certificate signed by unknown authority",
		"set imap.ca_file to that CA certificate", "set smtp.ca_file to that CA certificate")

	// The same servers pass with the CA named in ca_file.
	ts = opts()
	ts.im.caFile = cert.CAFile(t)
	ts.sm.caFile = ts.im.caFile
	if code, out, errs := ts.check(t); code != ExitOK {
		t.Fatalf("check with ca_file: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

func TestCheckMissingSentFolder(t *testing.T) {
	ts := newTestServers(t, []testmail.IMAPOption{
		testmail.WithFolders(testmail.Folder{Name: "Drafts"}, testmail.Folder{Name: "Archive"}),
		testmail.WithSpecialUse(testmail.SpecialUseNone)}, nil)
	errs := checkFails(t, ts, "no Sent folder found", "set imap.folders.sent", "(the server has: Archive, Drafts, INBOX)")
	if strings.Contains(errs, "drafts") {
		t.Errorf("Drafts exists by name but reported:\n%s", errs)
	}
}

func TestCheckWorldReadablePasswordFile(t *testing.T) {
	ts := newTestServers(t, nil, nil)
	ts.im.passwordFile = secretFile(t, ts.dir, "loose-password", testmail.DefaultPassword, 0o644)
	ts.sm.passwordFile = ts.im.passwordFile
	code, out, errs := ts.check(t)
	if code == ExitOK || !strings.Contains(errs, "chmod 600") || !strings.Contains(errs, "imap.password_file "+ts.im.passwordFile) {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, testmail.DefaultPassword) {
		t.Fatalf("the password leaked:\n%s\n%s", out, errs)
	}
}

// The real stack: Dovecot and Postfix with STARTTLS and their own CA.
func stackServers(t *testing.T) (*mailstack.Stack, server, server) {
	s := mailstack.FromEnv(t)
	u := s.UniqueUser(t, "check")
	dir := t.TempDir()
	pw := secretFile(t, dir, "password", u.Password, 0o600)
	hp := func(addr string) (string, int) {
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(p)
		return h, n
	}
	ih, ip := hp(s.IMAPAddr)
	sh, sp := hp(s.SMTPAddr)
	return s, server{host: ih, port: ip, security: "starttls", username: u.Address, passwordFile: pw, caFile: s.CAFile},
		server{host: sh, port: sp, security: "starttls", username: u.Address, passwordFile: pw, caFile: s.CAFile}
}

func TestCheckRealStack(t *testing.T) {
	_, im, sm := stackServers(t)
	code, out, errs := rapport(t, "", "--config", mailConfig(t, t.TempDir(), im, sm), "check")
	if code != ExitOK {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"imap      ok (" + im.username, "smtp      ok (" + sm.username,
		"  sent    Sent (special-use)", "  drafts  Drafts (special-use)", "  junk    Junk (special-use)"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckRealStackWrongPassword(t *testing.T) {
	s, im, sm := stackServers(t)
	dir := t.TempDir()
	im.passwordFile = secretFile(t, dir, "wrong", "not the password", 0o600)
	sm.passwordFile = im.passwordFile
	code, out, errs := rapport(t, "", "--config", mailConfig(t, dir, im, sm), "check")
	if code != ExitRuntime {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"imap " + s.IMAPAddr + ": login as " + im.username, "AUTHENTICATIONFAILED",
		"check imap.username and the password", "smtp " + s.SMTPAddr + ": smtp auth: 535", "check smtp.username and the password"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(out+errs, "not the password") {
		t.Fatalf("the password leaked:\n%s\n%s", out, errs)
	}
}
