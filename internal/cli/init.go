package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"gopkg.in/yaml.v3"

	"rapport/internal/app"
	"rapport/internal/config"
	"rapport/internal/oauth"
	"rapport/internal/schedule"
)

func init() {
	extraCommands = append(extraCommands, initCmd)
}

// provider is a mail provider's IMAP and SMTP settings.
type provider struct {
	imapHost string
	imapPort int
	imapSec  string
	smtpHost string
	smtpPort int
	smtpSec  string
	note     string // printed when chosen with a password: what password the provider wants
	// oauth is the oauth2.provider of a preset that offers OAuth2 sign-in
	// ("" none); defaultAuth is what init proposes.
	oauth       string
	defaultAuth string
	oauthNote   string // printed when chosen with OAuth2
}

// providers are the presets of --provider; "custom" takes everything from
// flags or prompts.
var providers = map[string]provider{
	"gmail": {imapHost: "imap.gmail.com", imapPort: 993, imapSec: "tls", smtpHost: "smtp.gmail.com", smtpPort: 587, smtpSec: "starttls",
		note:  "Gmail wants an app password (Google Account > Security > 2-Step Verification > App passwords), not your account password.",
		oauth: config.ProviderGoogle, defaultAuth: config.AuthPassword,
		oauthNote: "Google: rapport signs in with the OAuth client you created in Google Cloud (Desktop app, scope https://mail.google.com/); " +
			"README: OAuth2 sign-in."},
	"outlook": {imapHost: "outlook.office365.com", imapPort: 993, imapSec: "tls", smtpHost: "smtp.office365.com", smtpPort: 587, smtpSec: "starttls",
		note: "Outlook.com and Microsoft 365: Microsoft has turned off password sign-in for IMAP, and SMTP AUTH with a password is going away; " +
			"a password works only where the account (or your administrator) still allows it, usually with an app password.",
		oauth: config.ProviderMicrosoft, defaultAuth: config.AuthOAuth2,
		oauthNote: "Microsoft: rapport signs in with the app you registered in Microsoft Entra ID (public client; IMAP.AccessAsUser.All, " +
			"SMTP.Send, offline_access); README: OAuth2 sign-in."},
	"fastmail": {imapHost: "imap.fastmail.com", imapPort: 993, imapSec: "tls", smtpHost: "smtp.fastmail.com", smtpPort: 465, smtpSec: "tls",
		note: "Fastmail wants an app password (Settings > Privacy & Security > App passwords) with IMAP and SMTP access."},
	"icloud": {imapHost: "imap.mail.me.com", imapPort: 993, imapSec: "tls", smtpHost: "smtp.mail.me.com", smtpPort: 587, smtpSec: "starttls",
		note: "iCloud Mail wants an app-specific password (account.apple.com > Sign-In and Security > App-Specific Passwords)."},
	"yahoo": {imapHost: "imap.mail.yahoo.com", imapPort: 993, imapSec: "tls", smtpHost: "smtp.mail.yahoo.com", smtpPort: 465, smtpSec: "tls",
		note: "Yahoo Mail wants an app password (Account security > Generate app password)."},
	"custom": {oauth: config.ProviderCustom, defaultAuth: config.AuthPassword},
}

var providerNames = []string{"gmail", "outlook", "fastmail", "icloud", "yahoo", "custom"}

// providerByDomain guesses the provider from an address, for the prompt's
// default.
var providerByDomain = map[string]string{
	"gmail.com": "gmail", "googlemail.com": "gmail",
	"outlook.com": "outlook", "hotmail.com": "outlook", "live.com": "outlook", "msn.com": "outlook",
	"fastmail.com": "fastmail", "fastmail.fm": "fastmail",
	"icloud.com": "icloud", "me.com": "icloud", "mac.com": "icloud",
	"yahoo.com": "yahoo", "ymail.com": "yahoo",
}

// passwordFileName is the file --password-stdin (or a password typed at
// the prompt) is stored in, next to the config.
const passwordFileName = "password"

// clientSecretFileName holds an OAuth client secret typed at the prompt.
const clientSecretFileName = "oauth2-client-secret"

// initOptions are init's flags; the prompts fill in what they leave out.
type initOptions struct {
	provider, name, email, username, timezone, intro, interest string
	availability                                               []string
	imapHost, imapSecurity, smtpHost, smtpSecurity, caFile     string
	imapPort, smtpPort                                         int
	passwordCommand, passwordFile                              string
	passwordStdin                                              bool
	database                                                   string
	force, skipCheck, nonInteractive                           bool

	password string // from --password-stdin or the prompt; never printed

	// OAuth2 sign-in.
	auth                                            string // password | oauth2 ("": the provider's default)
	clientID, clientSecretFile, clientSecretCommand string
	tenant, tokenCommand, tokenFile                 string
	authURL, tokenURL, deviceAuthURL                string
	scopes                                          []string
	signIn                                          signInFlags
	noLogin                                         bool
	clientSecret                                    string // typed at the prompt; stored in a 0600 file
}

func initCmd(e *env) *cobra.Command {
	var o initOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Set up rapport: write the config and check the mailbox login",
		Long: `init writes the config file (mode 0600) and checks the IMAP and SMTP login,
as "rapport check" does.

It asks for what the flags leave out. With --non-interactive, or when
--name, --email, --provider (custom: --imap-host and --smtp-host) and one
password flag are all given, it asks nothing.

The password never goes in argv or in the config: use --password-command
(a command that prints it, e.g. "pass show mail/alex"), --password-file
(a file of mode 0600), or --password-stdin (the first line of stdin is
stored in a 0600 file next to the config). With none of them under
--non-interactive, rapport reads $CREDENTIALS_DIRECTORY/imap-password and
smtp-password (systemd LoadCredential=), the recommended way under systemd.

With --auth oauth2 (the default for --provider outlook; offered for gmail
and custom) rapport signs in with OAuth2 instead: --client-id names the
OAuth client you registered with the provider (README: OAuth2 sign-in),
and init opens the provider's sign-in page (--no-browser on a machine
without a display, --device for Microsoft's device code). The refresh
token is kept in oauth2.token_file (mode 0600). --token-command uses an
existing token helper (pizauth, oama) instead of rapport's own sign-in.`,
		Example: `  rapport init
  printf '%s\n' "$APP_PASSWORD" | rapport init --provider gmail --name "Alex Doe" \
      --email alex@gmail.com --timezone America/New_York --password-stdin \
      --intro "I just finished a programming certificate" --interest "the IT industry" \
      --availability "tue 13:00-16:00" --availability "fri 09:00-17:00"
  rapport init --provider outlook --name "Alex Doe" --email alex@outlook.com \
      --client-id 00000000-0000-0000-0000-000000000000 --no-browser`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runInit(cmd.Context(), e, cmd, &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.provider, "provider", "", "mail provider preset: "+strings.Join(providerNames, ", "))
	f.StringVar(&o.name, "name", "", "your full name, as contacts will see it")
	f.StringVar(&o.email, "email", "", "the mailbox rapport works from")
	f.StringVar(&o.username, "username", "", "IMAP and SMTP login (default: --email)")
	f.StringVar(&o.timezone, "timezone", "", "your IANA time zone, e.g. America/New_York (default: the local zone)")
	f.StringVar(&o.intro, "intro", "", `who you are, for templates ("I just finished a programming certificate")`)
	f.StringVar(&o.interest, "interest", "", `what you want to learn about ("the IT industry")`)
	f.StringArrayVar(&o.availability, "availability", nil, `an offered meeting slot, e.g. "tue 13:00-16:00" (repeatable)`)
	f.StringVar(&o.imapHost, "imap-host", "", "IMAP server (custom provider, or to override a preset)")
	f.IntVar(&o.imapPort, "imap-port", 0, "IMAP port (default 993, or 143 for starttls/none)")
	f.StringVar(&o.imapSecurity, "imap-security", "", "IMAP security: tls, starttls or none (none only to loopback)")
	f.StringVar(&o.smtpHost, "smtp-host", "", "SMTP submission server")
	f.IntVar(&o.smtpPort, "smtp-port", 0, "SMTP port (default 587, or 465 for tls)")
	f.StringVar(&o.smtpSecurity, "smtp-security", "", "SMTP security: tls, starttls or none (none only to loopback)")
	f.StringVar(&o.caFile, "ca-file", "", "extra CA certificate (PEM) for a server with its own CA, IMAP and SMTP")
	f.StringVar(&o.passwordCommand, "password-command", "", "command that prints the password")
	f.StringVar(&o.passwordFile, "password-file", "", "file holding the password (mode 0600)")
	f.BoolVar(&o.passwordStdin, "password-stdin", false, "read the password from the first line of stdin and store it in a 0600 file next to the config")
	f.StringVar(&o.database, "database", "", "sqlite://PATH, a file path, or postgres://… (default: the state directory)")
	f.BoolVar(&o.force, "force", false, "overwrite an existing config (and password file)")
	f.BoolVar(&o.skipCheck, "skip-check", false, "do not check the login after writing the config")
	f.BoolVar(&o.nonInteractive, "non-interactive", false, "never prompt; fail if a required flag is missing")
	f.StringVar(&o.auth, "auth", "", "sign in with password or oauth2 (default: oauth2 for outlook, else password)")
	f.StringVar(&o.clientID, "client-id", "", "OAuth2: the client ID of the app you registered with the provider")
	f.StringVar(&o.clientSecretFile, "client-secret-file", "", "OAuth2: a file holding the client secret (mode 0600; Google desktop clients have one)")
	f.StringVar(&o.clientSecretCommand, "client-secret-command", "", "OAuth2: a command that prints the client secret")
	f.StringVar(&o.tenant, "tenant", "", "OAuth2, Microsoft: the Entra ID tenant (default common)")
	f.StringVar(&o.tokenCommand, "token-command", "", "OAuth2: a command printing a current access token (pizauth, oama), instead of rapport's own sign-in")
	f.StringVar(&o.tokenFile, "token-file", "", "OAuth2: where to keep the refresh token (default: the state directory)")
	f.StringVar(&o.authURL, "oauth2-auth-url", "", "OAuth2, custom provider: the authorization endpoint")
	f.StringVar(&o.tokenURL, "oauth2-token-url", "", "OAuth2, custom provider: the token endpoint")
	f.StringVar(&o.deviceAuthURL, "oauth2-device-auth-url", "", "OAuth2, custom provider: the device-code endpoint (for --device)")
	f.StringArrayVar(&o.scopes, "oauth2-scope", nil, "OAuth2: a scope to ask for (repeatable; google and microsoft have defaults)")
	f.BoolVar(&o.noLogin, "no-login", false, "OAuth2: write the config without signing in (sign in later with `rapport auth login`)")
	o.signIn.add(cmd)
	return cmd
}

func runInit(ctx context.Context, e *env, cmd *cobra.Command, o *initOptions) error {
	path := e.configPath
	if path == "" {
		path = config.DefaultPath()
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := o.validateFlags(cmd); err != nil {
		return err
	}
	if !o.force {
		if _, err := os.Stat(path); err == nil {
			return usagef("init: %s already exists; use --force to overwrite it (or --config for another file)", path)
		}
	}
	pwFile := filepath.Join(dir, passwordFileName)
	secretFile := filepath.Join(dir, clientSecretFileName)
	if o.passwordStdin && !o.force {
		if _, err := os.Stat(pwFile); err == nil {
			return usagef("init: %s already exists; use --force to overwrite it", pwFile)
		}
	}

	p := &prompter{in: bufio.NewReader(e.stdin), out: e.stdout, stdin: e.stdin}
	if o.passwordStdin {
		// The first line; from a terminal it is read without echo.
		if o.password, err = p.secret(""); err != nil {
			return err
		}
		if o.password == "" {
			return usagef("init: --password-stdin: stdin holds no password")
		}
	}

	if o.timezone == "" {
		o.timezone = localTimezone()
	}
	if o.nonInteractive || o.complete() {
		if missing := o.missing(); len(missing) > 0 {
			return usagef("init: missing %s (init asks for them without --non-interactive)", strings.Join(missing, ", "))
		}
		o.applyProvider()
		if n := o.note(); n != "" {
			fmt.Fprintln(e.stdout, n)
		}
	} else {
		if err := o.ask(p, pwFile, secretFile); err != nil {
			return err
		}
	}
	if err := o.checkAuth(); err != nil {
		return err
	}

	// Build and validate the file before writing anything.
	if o.password != "" {
		o.passwordFile = pwFile
	}
	if o.clientSecret != "" {
		o.clientSecretFile = secretFile
	}
	if o.database != "" && !strings.Contains(o.database, "://") {
		abs, err := filepath.Abs(o.database)
		if err != nil {
			return err
		}
		o.database = "sqlite://" + abs
	}
	data, err := o.yaml()
	if err != nil {
		return err
	}
	if _, err := config.Parse(strings.NewReader(string(data)), path); err != nil {
		return err
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if o.password != "" {
		if err := writePrivate(pwFile, []byte(o.password+"\n")); err != nil {
			return fmt.Errorf("init: write password file: %w", err)
		}
		fmt.Fprintf(e.stdout, "wrote %s (mode 0600)\n", pwFile)
	}
	if o.clientSecret != "" {
		if err := writePrivate(secretFile, []byte(o.clientSecret+"\n")); err != nil {
			return fmt.Errorf("init: write client secret file: %w", err)
		}
		fmt.Fprintf(e.stdout, "wrote %s (mode 0600)\n", secretFile)
	}
	if err := writePrivate(path, data); err != nil {
		return fmt.Errorf("init: write config: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (mode 0600)\n", path)

	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	e.log = newLogger(e.stderr, cfg.Log)
	fmt.Fprintf(e.stdout, "config    ok (%s)\n", path)
	if !o.oauth2() && o.passwordCommand == "" && o.passwordFile == "" {
		fmt.Fprintln(e.stdout, "password  none in the config: rapport reads $CREDENTIALS_DIRECTORY/imap-password and smtp-password (systemd LoadCredential=)")
	}
	if o.oauth2() && o.tokenCommand == "" {
		if o.noLogin {
			fmt.Fprintln(e.stdout, "sign-in   skipped; sign in with `rapport auth login`")
			return nil
		}
		st := oauth.FromConfig(cfg)
		g, err := signIn(ctx, st, o.signIn, p.in, e.stdout)
		if err != nil {
			return fmt.Errorf("init: sign-in: %w\n(the config is written; sign in with `rapport auth login`)", err)
		}
		fmt.Fprintf(e.stdout, "sign-in   ok (%s; token in %s, mode 0600)\n", g.Username, st.TokenFile)
	}
	if o.skipCheck {
		fmt.Fprintln(e.stdout, "check     skipped; run `rapport check` to verify the login")
		return nil
	}
	lines, err := o.check(ctx, e, cfg)
	for _, l := range lines {
		fmt.Fprintln(e.stdout, l)
	}
	if err != nil {
		return fmt.Errorf("%w\n(the config is written; fix it and run `rapport check`)", err)
	}
	fmt.Fprintln(e.stdout, "ready: add contacts with `rapport contacts add`, then start `rapport run` (or the systemd unit)")
	return nil
}

// check runs the same checks as `rapport check`. The database is opened
// only when --database named one: the default SQLite file is created by
// the first run, where the daemon will keep it (e.g. $STATE_DIRECTORY).
func (o *initOptions) check(ctx context.Context, e *env, cfg *config.Config) ([]string, error) {
	if o.database == "" {
		return app.CheckMail(ctx, cfg, e.log)
	}
	a, err := app.Open(ctx, cfg, app.Options{Log: e.log, Clock: e.clock})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	lines := []string{fmt.Sprintf("database  ok (%s)", config.RedactURL(cfg.Database))}
	more, err := a.Check(ctx)
	return append(lines, more...), err
}

// validateFlags rejects contradictory flags before anything is asked.
func (o *initOptions) validateFlags(cmd *cobra.Command) error {
	n := 0
	for _, set := range []bool{o.passwordCommand != "", o.passwordFile != "", o.passwordStdin} {
		if set {
			n++
		}
	}
	if n > 1 {
		return usagef("init: --password-command, --password-file and --password-stdin are exclusive")
	}
	if o.provider != "" {
		if _, ok := providers[o.provider]; !ok {
			return usagef("init: --provider %q: want one of %s", o.provider, strings.Join(providerNames, ", "))
		}
	}
	for _, s := range []struct{ flag, v string }{{"--imap-security", o.imapSecurity}, {"--smtp-security", o.smtpSecurity}} {
		if s.v != "" && s.v != "tls" && s.v != "starttls" && s.v != "none" {
			return usagef("init: %s %q: want tls, starttls or none", s.flag, s.v)
		}
	}
	for _, p := range []struct {
		flag string
		v    int
	}{{"--imap-port", o.imapPort}, {"--smtp-port", o.smtpPort}} {
		if cmd.Flags().Changed(strings.TrimPrefix(p.flag, "--")) && (p.v < 1 || p.v > 65535) {
			return usagef("init: %s %d is out of range", p.flag, p.v)
		}
	}
	if err := o.validateAuthFlags(); err != nil {
		return err
	}
	for _, p := range []*string{&o.passwordFile, &o.clientSecretFile, &o.tokenFile} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	if o.caFile != "" {
		abs, err := filepath.Abs(o.caFile)
		if err != nil {
			return err
		}
		o.caFile = abs
	}
	return nil
}

// custom reports whether the servers come from flags, not a preset.
func (o *initOptions) custom() bool {
	return o.provider == "custom" || o.provider == "" && o.imapHost != "" && o.smtpHost != ""
}

// hasPassword reports whether a password source was given.
func (o *initOptions) hasPassword() bool {
	return o.passwordCommand != "" || o.passwordFile != "" || o.passwordStdin
}

// complete reports whether the flags say everything, so nothing is asked.
func (o *initOptions) complete() bool {
	return len(o.missing()) == 0 && (o.hasPassword() || o.oauth2())
}

// missing lists the required flags not given.
func (o *initOptions) missing() []string {
	var m []string
	if strings.TrimSpace(o.name) == "" {
		m = append(m, "--name")
	}
	if o.email == "" {
		m = append(m, "--email")
	}
	switch {
	case o.custom():
		if o.imapHost == "" {
			m = append(m, "--imap-host")
		}
		if o.smtpHost == "" {
			m = append(m, "--smtp-host")
		}
	case o.provider == "":
		m = append(m, "--provider")
	}
	if o.timezone == "" {
		m = append(m, "--timezone (the local time zone has no IANA name)")
	}
	if o.oauth2() && o.tokenCommand == "" {
		if o.clientID == "" {
			m = append(m, "--client-id (or --token-command; README: OAuth2 sign-in)")
		}
		if o.custom() {
			if o.authURL == "" {
				m = append(m, "--oauth2-auth-url")
			}
			if o.tokenURL == "" {
				m = append(m, "--oauth2-token-url")
			}
			if len(o.scopes) == 0 {
				m = append(m, "--oauth2-scope")
			}
		}
	}
	return m
}

// applyProvider fills the server settings from the preset, keeping what
// flags set, and derives ports and security from each other.
func (o *initOptions) applyProvider() {
	if o.provider == "" && o.custom() {
		o.provider = "custom"
	}
	p := providers[o.provider]
	if o.imapHost == "" {
		o.imapHost = p.imapHost
	}
	if o.smtpHost == "" {
		o.smtpHost = p.smtpHost
	}
	if o.imapPort == 0 && o.imapSecurity == "" {
		o.imapPort, o.imapSecurity = p.imapPort, p.imapSec
	}
	if o.smtpPort == 0 && o.smtpSecurity == "" {
		o.smtpPort, o.smtpSecurity = p.smtpPort, p.smtpSec
	}
	o.imapPort, o.imapSecurity = imapDefaults(o.imapPort, o.imapSecurity)
	o.smtpPort, o.smtpSecurity = smtpDefaults(o.smtpPort, o.smtpSecurity)
	if o.username == "" {
		o.username = o.email
	}
}

// imapDefaults completes a port or a security from the other: 993 is
// implicit TLS, 143 STARTTLS.
func imapDefaults(port int, sec string) (int, string) {
	if sec == "" {
		sec = "tls"
		if port != 0 && port != 993 {
			sec = "starttls"
		}
	}
	if port == 0 {
		port = 993
		if sec != "tls" {
			port = 143
		}
	}
	return port, sec
}

// smtpDefaults: 465 is implicit TLS, 587 submission with STARTTLS.
func smtpDefaults(port int, sec string) (int, string) {
	if sec == "" {
		sec = "starttls"
		if port == 465 {
			sec = "tls"
		}
	}
	if port == 0 {
		port = 587
		if sec == "tls" {
			port = 465
		}
	}
	return port, sec
}

// localTimezone is the IANA name of the local time zone, or "" when it has
// none ($TZ, then /etc/localtime's target, then /etc/timezone).
func localTimezone() string {
	var cands []string
	if tz, ok := os.LookupEnv("TZ"); ok {
		cands = append(cands, strings.TrimPrefix(tz, ":"))
	}
	if l, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(l, "zoneinfo/"); ok {
			cands = append(cands, name)
		}
	}
	if b, err := os.ReadFile("/etc/timezone"); err == nil {
		cands = append(cands, strings.TrimSpace(string(b)))
	}
	for _, c := range cands {
		if validTimezone(c) == nil {
			return c
		}
	}
	return ""
}

func validTimezone(s string) error {
	if s == "" || s == "Local" || strings.HasPrefix(s, "/") {
		return fmt.Errorf("%q is not an IANA time zone name", s)
	}
	if _, err := time.LoadLocation(s); err != nil {
		return fmt.Errorf("%q is not a known time zone (want e.g. America/New_York, Europe/Madrid)", s)
	}
	return nil
}

func validEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("%q is not a plain email address", s)
	}
	return nil
}

func oneLine(s string) error {
	if strings.ContainsAny(s, "\r\n\x00") {
		return errors.New("must be one line")
	}
	return nil
}

// ask fills in by prompts what the flags left out.
func (o *initOptions) ask(p *prompter, pwFile, secretFile string) error {
	fmt.Fprintln(p.out, "rapport set-up. Press Enter to accept [the default].")
	var err error
	if o.name == "" {
		if o.name, err = p.ask("Your full name, as contacts will see it", "", required(oneLine)); err != nil {
			return err
		}
	}
	if o.email == "" {
		if o.email, err = p.ask("Your email address (the mailbox rapport works from)", "", required(validEmail)); err != nil {
			return err
		}
	}
	if o.provider == "" && !o.custom() {
		def := "custom"
		if _, dom, ok := strings.Cut(strings.ToLower(o.email), "@"); ok && providerByDomain[dom] != "" {
			def = providerByDomain[dom]
		}
		o.provider, err = p.ask("Mail provider ("+strings.Join(providerNames, ", ")+")", def, func(s string) error {
			if _, ok := providers[s]; !ok {
				return fmt.Errorf("want one of %s", strings.Join(providerNames, ", "))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if o.custom() {
		if err := o.askServers(p); err != nil {
			return err
		}
	}
	o.applyProvider()
	if o.auth == "" && !o.hasPassword() && (o.provider == "gmail" || o.provider == "outlook") {
		if o.auth, err = p.ask("Sign in with oauth2 (the provider's sign-in page) or a password", o.authKind(), func(s string) error {
			if s != config.AuthPassword && s != config.AuthOAuth2 {
				return errors.New("want oauth2 or password")
			}
			return nil
		}); err != nil {
			return err
		}
	}
	if n := o.note(); n != "" {
		fmt.Fprintln(p.out, n)
	}
	if o.username, err = p.ask("Login name for IMAP and SMTP", o.username, required(oneLine)); err != nil {
		return err
	}
	if o.timezone, err = p.ask("Your time zone (IANA name)", o.timezone, validTimezone); err != nil {
		return err
	}
	if o.intro == "" {
		if o.intro, err = p.ask(`Who you are, in a phrase ("I just finished a programming certificate"; optional)`, "", oneLine); err != nil {
			return err
		}
	}
	if o.interest == "" {
		if o.interest, err = p.ask(`What you want to learn about ("the IT industry"; optional)`, "", oneLine); err != nil {
			return err
		}
	}
	if len(o.availability) == 0 {
		s, err := p.ask(`When you can meet, comma-separated ("tue 13:00-16:00, fri 09:00-17:00"; optional)`, "", func(s string) error {
			for _, a := range splitList(s) {
				if _, err := schedule.ParseAvailability(a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		o.availability = splitList(s)
	}
	if o.oauth2() {
		return o.askOAuth2(p, secretFile)
	}
	if !o.hasPassword() {
		if o.passwordCommand, err = p.ask("A command that prints your password (e.g. pass show mail/alex); leave empty to type the password", "", oneLine); err != nil {
			return err
		}
		if o.passwordCommand == "" {
			if !o.force {
				if _, err := os.Stat(pwFile); err == nil {
					return usagef("init: %s already exists; use --force to overwrite it", pwFile)
				}
			}
			fmt.Fprintf(p.out, "The password is stored in %s (mode 0600), not in the config.\n", pwFile)
			if o.password, err = p.secret("Password (not shown; leave empty to use systemd credentials)"); err != nil {
				return err
			}
		}
	}
	return nil
}

// askServers asks for the IMAP and SMTP servers of a custom provider.
func (o *initOptions) askServers(p *prompter) error {
	var err error
	o.provider = "custom"
	if o.imapHost == "" {
		def := ""
		if _, dom, ok := strings.Cut(o.email, "@"); ok {
			def = "imap." + dom
		}
		if o.imapHost, err = p.ask("IMAP server", def, required(oneLine)); err != nil {
			return err
		}
	}
	if o.imapPort == 0 {
		port, _ := imapDefaults(0, o.imapSecurity)
		if o.imapPort, err = p.askPort("IMAP port (993 TLS, 143 STARTTLS)", port); err != nil {
			return err
		}
	}
	if o.imapSecurity == "" {
		_, sec := imapDefaults(o.imapPort, "")
		if o.imapSecurity, err = p.ask("IMAP security (tls, starttls, none)", sec, securityFor(o.imapHost)); err != nil {
			return err
		}
	}
	if o.smtpHost == "" {
		def := o.imapHost
		if rest, ok := strings.CutPrefix(def, "imap."); ok {
			def = "smtp." + rest
		}
		if o.smtpHost, err = p.ask("SMTP server", def, required(oneLine)); err != nil {
			return err
		}
	}
	if o.smtpPort == 0 {
		port, _ := smtpDefaults(0, o.smtpSecurity)
		if o.smtpPort, err = p.askPort("SMTP port (587 STARTTLS, 465 TLS)", port); err != nil {
			return err
		}
	}
	if o.smtpSecurity == "" {
		_, sec := smtpDefaults(o.smtpPort, "")
		if o.smtpSecurity, err = p.ask("SMTP security (tls, starttls, none)", sec, securityFor(o.smtpHost)); err != nil {
			return err
		}
	}
	return nil
}

func securityFor(host string) func(string) error {
	return func(s string) error {
		switch s {
		case "tls", "starttls":
			return nil
		case "none":
			if !config.IsLoopback(host) {
				return fmt.Errorf("none is allowed only to a loopback host, not %q", host)
			}
			return nil
		}
		return errors.New("want tls, starttls or none")
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func required(valid func(string) error) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("required")
		}
		return valid(s)
	}
}

// prompter asks questions on out and reads answers from in, a line each.
type prompter struct {
	in    *bufio.Reader
	out   io.Writer
	stdin io.Reader // the underlying stdin, to read a password without echo from a terminal
}

// errInputEnded is returned when stdin ends before the set-up is done.
var errInputEnded = usageError{errors.New("init: input ended before the set-up was complete (give the answers as flags with --non-interactive)")}

func (p *prompter) line() (string, error) {
	s, err := p.in.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || s == "") {
		if errors.Is(err, io.EOF) {
			return "", errInputEnded
		}
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// ask prints the question with its default and reads an answer until valid
// accepts it; an empty answer is the default.
func (p *prompter) ask(question, def string, valid func(string) error) (string, error) {
	for tries := 0; ; tries++ {
		if def != "" {
			fmt.Fprintf(p.out, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(p.out, "%s: ", question)
		}
		s, err := p.line()
		if err != nil {
			fmt.Fprintln(p.out)
			return "", err
		}
		if s == "" {
			s = def
		}
		if valid == nil {
			return s, nil
		}
		err = valid(s)
		if err == nil {
			return s, nil
		}
		fmt.Fprintf(p.out, "  %v\n", err)
		if tries >= 4 {
			return "", usagef("init: %s: %v", question, err)
		}
	}
}

func (p *prompter) askPort(question string, def int) (int, error) {
	s, err := p.ask(question, strconv.Itoa(def), func(s string) error {
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > 65535 {
			return errors.New("want a port number")
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n, _ := strconv.Atoi(s)
	return n, nil
}

// secret reads a password: without echo from a terminal, else a line. It
// is never printed. An empty question prints no prompt (--password-stdin
// from a pipe).
func (p *prompter) secret(question string) (string, error) {
	f, ok := p.stdin.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd())) && p.in.Buffered() == 0
	if question != "" || tty {
		if question == "" {
			question = "Password (not shown)"
		}
		fmt.Fprintf(p.out, "%s: ", question)
	}
	if tty {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.out)
		if err != nil {
			return "", fmt.Errorf("init: read password: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	s, err := p.in.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("init: read password: %w", err)
	}
	if question != "" {
		fmt.Fprintln(p.out)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// initFile is the config init writes: the required keys and those the user
// set, in the order of configs/rapport.example.yaml.
type initFile struct {
	Me       initMe      `yaml:"me"`
	IMAP     initServer  `yaml:"imap"`
	SMTP     initServer  `yaml:"smtp"`
	OAuth2   *initOAuth2 `yaml:"oauth2,omitempty"`
	Database string      `yaml:"database,omitempty"`
}

type initMe struct {
	Name         string   `yaml:"name"`
	Email        string   `yaml:"email"`
	Timezone     string   `yaml:"timezone"`
	Intro        string   `yaml:"intro,omitempty"`
	Interest     string   `yaml:"interest,omitempty"`
	Availability []string `yaml:"availability,omitempty,flow"`
}

type initServer struct {
	Host            string `yaml:"host"`
	Port            int    `yaml:"port"`
	Security        string `yaml:"security"`
	Username        string `yaml:"username"`
	Auth            string `yaml:"auth,omitempty"`
	PasswordCommand string `yaml:"password_command,omitempty"`
	PasswordFile    string `yaml:"password_file,omitempty"`
	CAFile          string `yaml:"ca_file,omitempty"`
}

func (o *initOptions) yaml() ([]byte, error) {
	f := initFile{
		Me: initMe{Name: strings.TrimSpace(o.name), Email: o.email, Timezone: o.timezone, Intro: o.intro, Interest: o.interest,
			Availability: o.availability},
		Database: o.database,
	}
	srv := func(host string, port int, sec string) initServer {
		return initServer{Host: host, Port: port, Security: sec, Username: o.username,
			PasswordCommand: o.passwordCommand, PasswordFile: o.passwordFile, CAFile: o.caFile}
	}
	f.IMAP = srv(o.imapHost, o.imapPort, o.imapSecurity)
	f.SMTP = srv(o.smtpHost, o.smtpPort, o.smtpSecurity)
	if o.oauth2() {
		for _, s := range []*initServer{&f.IMAP, &f.SMTP} {
			s.Auth, s.PasswordCommand, s.PasswordFile = config.AuthOAuth2, "", ""
		}
		f.OAuth2 = o.oauth2Block()
	}

	var b strings.Builder
	b.WriteString("# rapport configuration, written by `rapport init`.\n" +
		"# Keys not listed take their defaults; configs/rapport.example.yaml lists\n" +
		"# every key with its default. Check changes with `rapport check`.\n")
	if o.oauth2() {
		b.WriteString("# Signs in with OAuth2: `rapport auth login` (again) keeps the refresh token\n" +
			"# in oauth2.token_file; `rapport auth status` shows it.\n")
	} else if o.passwordCommand == "" && o.passwordFile == "" {
		b.WriteString("# No password_command or password_file: the passwords are read from\n" +
			"# $CREDENTIALS_DIRECTORY/imap-password and smtp-password (systemd LoadCredential=).\n")
	}
	b.WriteString("\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("init: encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("init: encode config: %w", err)
	}
	return []byte(b.String()), nil
}

// writePrivate writes data to path with mode 0600, atomically: a reader
// never sees a partial file and the mode is right before any byte lands.
func writePrivate(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
