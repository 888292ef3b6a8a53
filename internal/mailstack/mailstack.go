// Package mailstack gives end-to-end tests access to the throw-away real mail
// stack (Postfix + Dovecot on 127.0.0.1) started by scripts/mailstack/start.sh.
//
// The stack is described by RAPPORT_E2E_* environment variables (written to
// $STATE/env by start.sh). FromEnv skips the test when they are absent, except
// under CI (CI=true) or RAPPORT_E2E_REQUIRED=1, where it fails instead so that
// CI never silently skips end-to-end coverage.
//
// Facts about the stack that tests can rely on:
//   - every local part at Domain exists (Dovecot static userdb) and logs in
//     with Password; UniqueUser gives a fresh, empty mailbox per test;
//   - Owner, and alice/bob/carol/dave, are pre-created named users;
//   - Missing (missing@) and any nobody-*@ address do not exist: mail to them
//     is accepted on submission and then bounced with a real Postfix DSN
//     (multipart/report; report-type=delivery-status) to the sender;
//   - mailboxes INBOX, Sent, Drafts, Junk, Trash, Archive exist with
//     SPECIAL-USE attributes;
//   - nothing leaves the machine: other domains bounce (5.7.1).
package mailstack

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Environment variables written by scripts/mailstack/start.sh to $STATE/env.
const (
	EnvState     = "RAPPORT_E2E_STATE"
	EnvHost      = "RAPPORT_E2E_HOST"
	EnvIMAPAddr  = "RAPPORT_E2E_IMAP_ADDR"  // IMAP with STARTTLS
	EnvIMAPSAddr = "RAPPORT_E2E_IMAPS_ADDR" // IMAP with implicit TLS
	EnvSMTPAddr  = "RAPPORT_E2E_SMTP_ADDR"  // submission: STARTTLS + AUTH required
	EnvMXAddr    = "RAPPORT_E2E_MX_ADDR"    // inbound SMTP, no auth, only @Domain
	EnvCA        = "RAPPORT_E2E_CA"         // PEM file of the throw-away CA
	EnvDomain    = "RAPPORT_E2E_DOMAIN"
	EnvPassword  = "RAPPORT_E2E_PASSWORD"
	EnvOwner     = "RAPPORT_E2E_OWNER"
	EnvUsers     = "RAPPORT_E2E_USERS" // comma-separated pre-created local parts
	EnvMissing   = "RAPPORT_E2E_MISSING"
	EnvSieveDir  = "RAPPORT_E2E_SIEVE_DIR"
	EnvLogDir    = "RAPPORT_E2E_LOG_DIR"
	// EnvOAuthRouter is where Dovecot's OAuth2 introspection goes (the
	// testoauth-router, which asks the test server that issued a token).
	EnvOAuthRouter = "RAPPORT_E2E_OAUTH_ROUTER"
	EnvDovecotConf = "RAPPORT_E2E_DOVECOT_CONF"

	// EnvFile, when set and EnvIMAPAddr is not, names an env file to load
	// (for example /tmp/rapport-mailstack/env).
	EnvFile = "RAPPORT_E2E_ENV"
	// EnvRequired=1 (or CI=true) turns "stack not configured" into a failure.
	EnvRequired = "RAPPORT_E2E_REQUIRED"
)

const startHint = "end-to-end mail stack not configured; start it with " +
	"`sudo scripts/mailstack/install.sh && sudo scripts/mailstack/start.sh` and export its variables: " +
	"`set -a; . /tmp/rapport-mailstack/env; set +a` (or RAPPORT_E2E_ENV=/tmp/rapport-mailstack/env)"

// ErrNotConfigured is returned by Lookup when no stack is described in the environment.
var ErrNotConfigured = errors.New("mailstack: " + startHint)

// Stack describes a running mail stack.
type Stack struct {
	StateDir  string
	Host      string // 127.0.0.1
	IMAPAddr  string // STARTTLS
	IMAPSAddr string // implicit TLS
	SMTPAddr  string // submission, STARTTLS + AUTH
	MXAddr    string // inbound SMTP
	CAFile    string
	RootCAs   *x509.CertPool
	Domain    string
	Password  string // shared by every user
	Owner     string // address of the mailbox owner (the user running rapport)
	Users     []string
	Missing   string // an address whose mailbox does not exist (bounces)
	SieveDir  string
	LogDir    string
	// OAuthRouter is host:port of the introspection router ("" on a
	// stack started before OAuth2 support; see RequireOAuth).
	OAuthRouter string
	DovecotConf string
}

// User is a login on the stack.
type User struct {
	Address  string // local@domain; also the IMAP/SMTP username
	Password string
}

// Required reports whether the environment demands a running stack.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv(EnvRequired) == "1"
}

// FromEnv returns the stack described by the environment. Without one it
// skips the test, or fails it when Required.
func FromEnv(t testing.TB) *Stack {
	t.Helper()
	s, err := Lookup()
	if errors.Is(err, ErrNotConfigured) {
		if Required() {
			t.Fatalf("%v (required: CI=true or %s=1)", err, EnvRequired)
		}
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Lookup is FromEnv without a testing.TB.
func Lookup() (*Stack, error) {
	get := os.Getenv
	if get(EnvIMAPAddr) == "" {
		path := get(EnvFile)
		if path == "" {
			return nil, ErrNotConfigured
		}
		vars, err := ReadEnvFile(path)
		if err != nil {
			return nil, fmt.Errorf("mailstack: %s=%s: %w", EnvFile, path, err)
		}
		get = func(k string) string {
			if v := os.Getenv(k); v != "" {
				return v
			}
			return vars[k]
		}
		if get(EnvIMAPAddr) == "" {
			return nil, fmt.Errorf("mailstack: %s has no %s", path, EnvIMAPAddr)
		}
	}
	s := &Stack{
		StateDir:  get(EnvState),
		Host:      get(EnvHost),
		IMAPAddr:  get(EnvIMAPAddr),
		IMAPSAddr: get(EnvIMAPSAddr),
		SMTPAddr:  get(EnvSMTPAddr),
		MXAddr:    get(EnvMXAddr),
		CAFile:    get(EnvCA),
		Domain:    get(EnvDomain),
		Password:  get(EnvPassword),
		Owner:     get(EnvOwner),
		Missing:   get(EnvMissing),
		SieveDir:  get(EnvSieveDir),
		LogDir:    get(EnvLogDir),

		OAuthRouter: get(EnvOAuthRouter),
		DovecotConf: get(EnvDovecotConf),
	}
	for _, u := range strings.Split(get(EnvUsers), ",") {
		if u = strings.TrimSpace(u); u != "" {
			s.Users = append(s.Users, u)
		}
	}
	var missing []string
	for k, v := range map[string]string{EnvSMTPAddr: s.SMTPAddr, EnvMXAddr: s.MXAddr, EnvCA: s.CAFile, EnvDomain: s.Domain, EnvPassword: s.Password} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("mailstack: %s is set but %s missing", EnvIMAPAddr, strings.Join(missing, ", "))
	}
	if s.Host == "" {
		s.Host, _, _ = net.SplitHostPort(s.IMAPAddr)
	}
	if s.Owner == "" {
		s.Owner = "owner@" + s.Domain
	}
	if s.Missing == "" {
		s.Missing = "missing@" + s.Domain
	}
	if s.SieveDir == "" && s.StateDir != "" {
		s.SieveDir = filepath.Join(s.StateDir, "sieve")
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return nil, fmt.Errorf("mailstack: reading CA: %w (is the stack started?)", err)
	}
	s.RootCAs = x509.NewCertPool()
	if !s.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("mailstack: no certificate in %s", s.CAFile)
	}
	return s, nil
}

// ReadEnvFile parses KEY=value lines (as written by start.sh).
func ReadEnvFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vars[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return vars, sc.Err()
}

// TLSConfig trusts only the stack's throw-away CA; the certificate is valid for
// 127.0.0.1, localhost and mail.<domain>.
func (s *Stack) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Address turns a local part into an address at the stack's domain; an
// argument that already contains '@' is returned unchanged.
func (s *Stack) Address(user string) string {
	if strings.Contains(user, "@") {
		return user
	}
	return user + "@" + s.Domain
}

// User returns the credentials of user (a local part or an address).
func (s *Stack) User(user string) User {
	return User{Address: s.Address(user), Password: s.Password}
}

// UniqueUser returns a fresh user whose mailbox is empty: every local part
// exists on the stack, so a random one isolates a test from earlier runs.
func (s *Stack) UniqueUser(t testing.TB, prefix string) User {
	t.Helper()
	if prefix == "" {
		prefix = "user"
	}
	// "prefix.token", not "prefix-token": Pigeonhole's vacation treats
	// owner-*, *-request etc. as list/system addresses and never answers them.
	return s.User(fmt.Sprintf("%s.%s", prefix, randomToken(t)))
}

// UniqueMissing returns a fresh address at the stack's domain that does not
// exist: mail to it submitted on SMTPAddr is accepted and then bounced by
// Postfix (DSN to the sender); the MX port rejects it at RCPT (550 5.1.1).
func (s *Stack) UniqueMissing(t testing.TB) string {
	t.Helper()
	return s.Address("nobody-" + randomToken(t))
}

func randomToken(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// DialIMAP connects with STARTTLS and logs in as user. The connection is
// closed when the test ends.
func (s *Stack) DialIMAP(t testing.TB, user string, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	o := imapclient.Options{}
	if opts != nil {
		o = *opts
	}
	if o.TLSConfig == nil {
		o.TLSConfig = s.TLSConfig()
	}
	c, err := imapclient.DialStartTLS(s.IMAPAddr, &o)
	if err != nil {
		t.Fatalf("mailstack: IMAP dial %s: %v", s.IMAPAddr, err)
	}
	u := s.User(user)
	if err := c.Login(u.Address, u.Password).Wait(); err != nil {
		c.Close()
		t.Fatalf("mailstack: IMAP login %s: %v", u.Address, err)
	}
	t.Cleanup(func() {
		_ = c.Logout().Wait()
		_ = c.Close()
	})
	return c
}

// Submit sends raw as user through the submission port (STARTTLS + AUTH
// PLAIN), with the envelope sender set to user's address.
func (s *Stack) Submit(t testing.TB, user string, to []string, raw []byte) {
	t.Helper()
	if err := s.SubmitErr(s.User(user), to, raw); err != nil {
		t.Fatalf("mailstack: submit: %v", err)
	}
}

// SubmitErr submits as u (whose password may be wrong on purpose) and
// returns the error, for tests that expect a rejection.
func (s *Stack) SubmitErr(u User, to []string, raw []byte) error {
	c, err := smtp.DialStartTLS(s.SMTPAddr, s.TLSConfig())
	if err != nil {
		return fmt.Errorf("dial %s: %w", s.SMTPAddr, err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", u.Address, u.Password)); err != nil {
		return fmt.Errorf("auth %s: %w", u.Address, err)
	}
	if err := c.SendMail(u.Address, s.addresses(to), bytes.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

// SendRaw delivers raw to the MX port as an external server would (no
// authentication; STARTTLS is used). from is the envelope sender ("" for <>).
// Only recipients at the stack's domain are accepted.
func (s *Stack) SendRaw(t testing.TB, from string, to []string, raw []byte) {
	t.Helper()
	if err := s.SendRawErr(from, to, raw); err != nil {
		t.Fatalf("mailstack: send to MX: %v", err)
	}
}

// SendRawErr is SendRaw returning the error.
func (s *Stack) SendRawErr(from string, to []string, raw []byte) error {
	c, err := smtp.DialStartTLS(s.MXAddr, s.TLSConfig())
	if err != nil {
		return fmt.Errorf("dial %s: %w", s.MXAddr, err)
	}
	defer c.Close()
	if err := c.SendMail(from, s.addresses(to), bytes.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

func (s *Stack) addresses(to []string) []string {
	out := make([]string, len(to))
	for i, a := range to {
		out[i] = s.Address(a)
	}
	return out
}

// BuildMessage returns a minimal RFC 5322 plain-text message with a unique
// Message-ID. extra header lines ("Name: value") are appended to the header.
func BuildMessage(from, to, subject, body string, extra ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	var r [8]byte
	_, _ = rand.Read(r[:])
	domain := "rapport.test"
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = strings.Trim(d, "> ")
	}
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(r[:]), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
	for _, h := range extra {
		b.WriteString(strings.TrimRight(h, "\r\n") + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
