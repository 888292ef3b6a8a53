package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"rapport/internal/config"
	"rapport/internal/testmail"
)

// mode returns a file's permission bits.
func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// customFlags point init at in-process servers over loopback cleartext.
func customFlags(im *testmail.IMAP, sm *testmail.SMTP) []string {
	return []string{"--provider", "custom",
		"--imap-host", "127.0.0.1", "--imap-port", strconv.Itoa(im.Port()), "--imap-security", "none",
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(sm.Port()), "--smtp-security", "none"}
}

func TestInitNonInteractiveWithPasswordStdin(t *testing.T) {
	im, sm := testmail.NewIMAP(t), testmail.NewSMTP(t)
	root := t.TempDir()
	dir := filepath.Join(root, "rapport") // does not exist yet
	cfgPath := filepath.Join(dir, "config.yaml")
	db := filepath.Join(root, "state", "rapport.db")
	args := append([]string{"--config", cfgPath, "init",
		"--name", "Alex Doe", "--email", testmail.DefaultUser, "--timezone", "Europe/Madrid",
		"--intro", "I just finished a programming certificate", "--interest", "the IT industry",
		"--availability", "tue 13:00-16:00", "--availability", "fri 09:00-17:00",
		"--database", db, "--password-stdin"}, customFlags(im, sm)...)
	// Every required flag is given: nothing is asked, the only stdin line is
	// the password.
	code, out, errs := rapport(t, testmail.DefaultPassword+"\n", args...)
	if code != ExitOK {
		t.Fatalf("init: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"wrote " + cfgPath + " (mode 0600)", "database  ok (sqlite://" + db + ")",
		"imap      ok", "  sent    Sent (special-use)", "  drafts  Drafts (special-use)", "  junk    Junk (special-use)", "smtp      ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "?") || strings.Contains(out, "[") && strings.Contains(out, "]:") {
		t.Errorf("non-interactive init prompted:\n%s", out)
	}

	pwFile := filepath.Join(dir, "password")
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("config dir mode %o, want 700", m)
	}
	if m := mode(t, cfgPath); m != 0o600 {
		t.Errorf("config mode %o, want 600", m)
	}
	if m := mode(t, pwFile); m != 0o600 {
		t.Errorf("password file mode %o, want 600", m)
	}
	if got := readFile(t, pwFile); got != testmail.DefaultPassword+"\n" {
		t.Errorf("password file holds %q", got)
	}
	text := readFile(t, cfgPath)
	for _, s := range []string{text, out, errs} {
		if strings.Contains(s, testmail.DefaultPassword) {
			t.Fatalf("the password leaked into the config or the output:\n%s", s)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("config dir holds %d entries, want config.yaml and password (no temporary files)", len(entries))
	}

	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatalf("the written config does not load: %v\n%s", err, text)
	}
	want := config.Me{Name: "Alex Doe", Email: testmail.DefaultUser, Timezone: "Europe/Madrid",
		Intro: "I just finished a programming certificate", Interest: "the IT industry",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	if !reflect.DeepEqual(cfg.Me, want) {
		t.Errorf("me = %+v, want %+v", cfg.Me, want)
	}
	for _, s := range []config.Server{cfg.IMAP, cfg.SMTP} {
		if s.Host != "127.0.0.1" || s.Security != "none" || s.Username != testmail.DefaultUser || s.PasswordFile != pwFile || s.PasswordCommand != "" {
			t.Errorf("server = %+v", s)
		}
	}
	if cfg.IMAP.Port != im.Port() || cfg.SMTP.Port != sm.Port() || cfg.Database != "sqlite://"+db {
		t.Errorf("ports %d %d, database %q", cfg.IMAP.Port, cfg.SMTP.Port, cfg.Database)
	}
	// Only the keys the user set: defaults stay out of the file.
	for _, k := range []string{"outreach:", "followup:", "ca_file", "password_command"} {
		if strings.Contains(text, k) {
			t.Errorf("config has %q though nobody set it:\n%s", k, text)
		}
	}

	// And `rapport check` agrees.
	code, out, errs = rapport(t, "", "--config", cfgPath, "check")
	if code != ExitOK || !strings.Contains(out, "  sent    Sent") {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

func TestInitInteractive(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // where check's default database goes
	im, sm := testmail.NewIMAP(t), testmail.NewSMTP(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	script := strings.Join([]string{
		"Alex Doe",
		"not an address", // asked again
		testmail.DefaultUser,
		"",          // provider: example.test is no known provider, the default is custom
		"127.0.0.1", // IMAP server
		strconv.Itoa(im.Port()),
		"none",
		"", // SMTP server: defaults to the IMAP server
		strconv.Itoa(sm.Port()),
		"none",
		"",             // login: the address
		"Mars/Olympus", // asked again
		"America/New_York",
		"I just finished a programming certificate",
		"the IT industry",
		"tue 13:00-16:00, fri 09:00-17:00",
		"",                       // no password command: type the password
		testmail.DefaultPassword, // not echoed: stdin is not a terminal
	}, "\n") + "\n"
	code, out, errs := rapport(t, script, "--config", cfgPath, "init")
	if code != ExitOK {
		t.Fatalf("init: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"Your full name", "is not a plain email address", "Mail provider (gmail, outlook, fastmail, icloud, yahoo, custom) [custom]: ",
		"SMTP server [127.0.0.1]: ", "Login name for IMAP and SMTP [" + testmail.DefaultUser + "]: ", `"Mars/Olympus" is not a known time zone`,
		"imap      ok", "smtp      ok", "  sent    Sent (special-use)"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testmail.DefaultPassword) || strings.Contains(errs, testmail.DefaultPassword) {
		t.Fatalf("the password was echoed:\n%s\n%s", out, errs)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Me.Timezone != "America/New_York" || len(cfg.Me.Availability) != 2 || cfg.SMTP.Port != sm.Port() ||
		cfg.SMTP.Host != "127.0.0.1" || cfg.IMAP.PasswordFile != filepath.Join(dir, "password") {
		t.Errorf("config = %+v", cfg)
	}
	if strings.Contains(readFile(t, cfgPath), testmail.DefaultPassword) {
		t.Fatal("the password is in the config")
	}
	if m := mode(t, filepath.Join(dir, "password")); m != 0o600 {
		t.Errorf("password file mode %o", m)
	}
	// No database was named: init does not create the default one (the
	// daemon will, where it runs).
	if _, err := os.Stat(strings.TrimPrefix(config.DefaultDatabase(), "sqlite://")); err == nil {
		t.Error("init created the default database")
	}
}

func TestInitInteractiveInputEnds(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := rapport(t, "Alex Doe\n", "--config", filepath.Join(dir, "config.yaml"), "init")
	if code != ExitConfig || !strings.Contains(errs, "input ended") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "config.yaml")); err == nil {
		t.Error("a config was written from half the answers")
	}
}

func TestInitProviderPresets(t *testing.T) {
	for _, tc := range []struct {
		provider           string
		imap               string
		imapPort           int
		imapSec, smtp      string
		smtpPort           int
		smtpSec, noteMatch string
	}{
		{"gmail", "imap.gmail.com", 993, "tls", "smtp.gmail.com", 587, "starttls", "app password"},
		{"outlook", "outlook.office365.com", 993, "tls", "smtp.office365.com", 587, "starttls", "Microsoft"},
		{"fastmail", "imap.fastmail.com", 993, "tls", "smtp.fastmail.com", 465, "tls", "app password"},
		{"icloud", "imap.mail.me.com", 993, "tls", "smtp.mail.me.com", 587, "starttls", "app-specific password"},
		{"yahoo", "imap.mail.yahoo.com", 993, "tls", "smtp.mail.yahoo.com", 465, "tls", "app password"},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.yaml")
			code, out, errs := rapport(t, "", "--config", p, "init", "--provider", tc.provider, "--name", "Alex Doe",
				"--email", "alex@example.com", "--timezone", "UTC", "--password-command", "pass show mail/alex", "--skip-check")
			if code != ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
			}
			if !strings.Contains(out, tc.noteMatch) || !strings.Contains(out, "check     skipped") {
				t.Errorf("stdout:\n%s", out)
			}
			cfg, err := config.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			got := [6]any{cfg.IMAP.Host, cfg.IMAP.Port, cfg.IMAP.Security, cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.Security}
			want := [6]any{tc.imap, tc.imapPort, tc.imapSec, tc.smtp, tc.smtpPort, tc.smtpSec}
			if got != want {
				t.Errorf("servers %v, want %v", got, want)
			}
			if cfg.IMAP.PasswordCommand != "pass show mail/alex" || cfg.SMTP.Username != "alex@example.com" {
				t.Errorf("imap %+v smtp %+v", cfg.IMAP, cfg.SMTP)
			}
		})
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config", p, "init", "--provider", "gmail", "--name", "Alex Doe", "--email", "alex@gmail.com",
		"--timezone", "UTC", "--password-file", secretFile(t, dir, "pw", "x", 0o600), "--skip-check"}
	code, out, errs := rapport(t, "", args...)
	if code != ExitConfig || !strings.Contains(errs, "already exists; use --force") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if readFile(t, p) != "# mine\n" {
		t.Fatal("the existing config was changed")
	}
	code, out, errs = rapport(t, "", append(args, "--force")...)
	if code != ExitOK {
		t.Fatalf("--force: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if cfg, err := config.Load(p); err != nil || cfg.IMAP.Host != "imap.gmail.com" {
		t.Fatalf("after --force: %v", err)
	}

	// A password file left next to the config is not overwritten either.
	p2 := filepath.Join(t.TempDir(), "config.yaml")
	secretFile(t, filepath.Dir(p2), "password", "old", 0o600)
	code, _, errs = rapport(t, "new\n", "--config", p2, "init", "--provider", "gmail", "--name", "A", "--email", "a@gmail.com",
		"--timezone", "UTC", "--password-stdin", "--skip-check")
	if code != ExitConfig || !strings.Contains(errs, "password already exists") || readFile(t, filepath.Join(filepath.Dir(p2), "password")) != "old\n" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
}

func TestInitUsageErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.yaml")
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"missing":        {[]string{"--non-interactive", "--provider", "gmail"}, "missing --name, --email"},
		"custom hosts":   {[]string{"--non-interactive", "--provider", "custom", "--name", "A", "--email", "a@example.com"}, "missing --imap-host, --smtp-host"},
		"provider":       {[]string{"--provider", "aol"}, `--provider "aol"`},
		"two passwords":  {[]string{"--password-command", "x", "--password-stdin"}, "exclusive"},
		"security":       {[]string{"--imap-security", "ssl"}, `--imap-security "ssl"`},
		"none to remote": {[]string{"--non-interactive", "--name", "A", "--email", "a@example.com", "--timezone", "UTC", "--imap-host", "imap.example.com", "--smtp-host", "smtp.example.com", "--imap-security", "none"}, "security none is allowed only to a loopback host"},
		"bad timezone":   {[]string{"--non-interactive", "--provider", "gmail", "--name", "A", "--email", "a@gmail.com", "--timezone", "Mars/Olympus"}, "me.timezone"},
	} {
		code, out, errs := rapport(t, "", append([]string{"--config", p, "init"}, tc.args...)...)
		if code != ExitConfig || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", name, code, ExitConfig, tc.want, out, errs)
		}
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("a failed init wrote a config")
	}
}

// With no password flag under --non-interactive the config names no
// password: systemd's LoadCredential= supplies it, and the check reads it
// from $CREDENTIALS_DIRECTORY as the service will.
func TestInitSystemdCredentials(t *testing.T) {
	im, sm := testmail.NewIMAP(t), testmail.NewSMTP(t)
	creds := t.TempDir()
	secretFile(t, creds, "imap-password", testmail.DefaultPassword, 0o600)
	secretFile(t, creds, "smtp-password", testmail.DefaultPassword, 0o600)
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	p := filepath.Join(t.TempDir(), "config.yaml")
	code, out, errs := rapport(t, "", append([]string{"--config", p, "init", "--non-interactive", "--name", "Alex Doe",
		"--email", testmail.DefaultUser, "--timezone", "UTC"}, customFlags(im, sm)...)...)
	if code != ExitOK || !strings.Contains(out, "CREDENTIALS_DIRECTORY") || !strings.Contains(out, "smtp      ok") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	text := readFile(t, p)
	if strings.Contains(text, "  password_file:") || strings.Contains(text, "  password_command:") {
		t.Errorf("config names a password source:\n%s", text)
	}
}

// init against the real stack: STARTTLS on both sides, trusting the stack's
// CA through --ca-file.
func TestInitRealStack(t *testing.T) {
	_, im, sm := stackServers(t)
	p := filepath.Join(t.TempDir(), "config.yaml")
	code, out, errs := rapport(t, readFile(t, im.passwordFile), "--config", p, "init", "--provider", "custom",
		"--name", "Alex Doe", "--email", im.username, "--timezone", "Europe/Berlin",
		"--imap-host", im.host, "--imap-port", strconv.Itoa(im.port), "--imap-security", "starttls",
		"--smtp-host", sm.host, "--smtp-port", strconv.Itoa(sm.port), "--smtp-security", "starttls",
		"--ca-file", im.caFile, "--password-stdin")
	if code != ExitOK {
		t.Fatalf("init: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"imap      ok (" + im.username, "smtp      ok (" + sm.username, "  sent    Sent (special-use)", "  drafts  Drafts (special-use)"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if cfg, err := config.Load(p); err != nil || cfg.IMAP.CAFile != im.caFile || cfg.SMTP.CAFile != im.caFile {
		t.Fatalf("config: %v", err)
	}
}
