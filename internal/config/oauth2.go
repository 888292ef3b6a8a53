package config

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Sign-in methods of imap.auth and smtp.auth.
const (
	AuthPassword = "password"
	AuthOAuth2   = "oauth2"
)

// OAuth providers of oauth2.provider.
const (
	ProviderGoogle    = "google"
	ProviderMicrosoft = "microsoft"
	ProviderCustom    = "custom"
)

// OAuth2 is how rapport signs in with OAuth2 where imap.auth or smtp.auth
// is oauth2: either its own sign-in (an OAuth client registered with the
// provider; the refresh token kept in token_file) or token_command, an
// external helper that prints a current access token.
type OAuth2 struct {
	Provider            string   `yaml:"provider"`
	ClientID            string   `yaml:"client_id"`
	ClientSecretFile    string   `yaml:"client_secret_file"`
	ClientSecretCommand string   `yaml:"client_secret_command"`
	Tenant              string   `yaml:"tenant"`
	AuthURL             string   `yaml:"auth_url"`
	TokenURL            string   `yaml:"token_url"`
	DeviceAuthURL       string   `yaml:"device_auth_url"`
	Scopes              []string `yaml:"scopes"`
	TokenFile           string   `yaml:"token_file"`
	TokenCommand        string   `yaml:"token_command"`

	// ClientSecret is set only in code (tests); files use
	// client_secret_file, client_secret_command or systemd credentials.
	ClientSecret Secret `yaml:"-"`
}

// UsesOAuth2 reports whether IMAP or SMTP signs in with OAuth2.
func (c *Config) UsesOAuth2() bool {
	return c.IMAP.Auth == AuthOAuth2 || c.SMTP.Auth == AuthOAuth2
}

// IsZero reports whether no key of the block is set.
func (o OAuth2) IsZero() bool {
	return o.Provider == "" && o.ClientID == "" && o.ClientSecretFile == "" && o.ClientSecretCommand == "" &&
		o.Tenant == "" && o.AuthURL == "" && o.TokenURL == "" && o.DeviceAuthURL == "" && len(o.Scopes) == 0 &&
		o.TokenFile == "" && o.TokenCommand == "" && o.ClientSecret == ""
}

// TokenFilePath is token_file, or its default in the state directory.
func (o OAuth2) TokenFilePath() string {
	if o.TokenFile != "" {
		return o.TokenFile
	}
	return DefaultTokenFile()
}

// DefaultTokenFile is where rapport keeps the OAuth2 refresh token when
// oauth2.token_file is not set: beside the default database, in the XDG
// state directory (or systemd's $STATE_DIRECTORY).
func DefaultTokenFile() string {
	if d := os.Getenv("STATE_DIRECTORY"); d != "" {
		return filepath.Join(strings.Split(d, ":")[0], "oauth2-token.json")
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "rapport", "oauth2-token.json")
}

// tenantRE is a Microsoft Entra tenant: common, organizations, consumers,
// a tenant ID or a verified domain.
var tenantRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

func (c *Config) validateAuth() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	for _, side := range []struct {
		name string
		s    Server
	}{{"imap", c.IMAP}, {"smtp", c.SMTP}} {
		switch side.s.Auth {
		case "", AuthPassword:
		case AuthOAuth2:
			if side.s.PasswordCommand != "" || side.s.PasswordFile != "" {
				add("%s.password_command and %s.password_file do not apply with %s.auth oauth2; remove them", side.name, side.name, side.name)
			}
		default:
			add("%s.auth %q: want password or oauth2", side.name, side.s.Auth)
		}
	}
	o := c.OAuth2
	if !c.UsesOAuth2() {
		if !o.IsZero() {
			add("oauth2 is set but neither imap.auth nor smtp.auth is oauth2")
		}
		return p
	}
	if o.TokenCommand != "" {
		// An external helper does the whole sign-in; rapport's own keys
		// would silently do nothing.
		for _, k := range []struct {
			key string
			set bool
		}{{"client_id", o.ClientID != ""}, {"client_secret_file", o.ClientSecretFile != ""},
			{"client_secret_command", o.ClientSecretCommand != ""}, {"tenant", o.Tenant != ""},
			{"auth_url", o.AuthURL != ""}, {"token_url", o.TokenURL != ""}, {"device_auth_url", o.DeviceAuthURL != ""},
			{"scopes", len(o.Scopes) > 0}, {"token_file", o.TokenFile != ""}} {
			if k.set {
				add("oauth2.%s has no effect with oauth2.token_command (the command signs in); remove one of them", k.key)
			}
		}
		if o.Provider != "" && o.Provider != ProviderGoogle && o.Provider != ProviderMicrosoft && o.Provider != ProviderCustom {
			add("oauth2.provider %q: want google, microsoft or custom", o.Provider)
		}
		return p
	}
	switch o.Provider {
	case ProviderGoogle, ProviderMicrosoft, ProviderCustom:
	case "":
		add("oauth2.provider is required with auth oauth2: google, microsoft or custom (or set oauth2.token_command)")
	default:
		add("oauth2.provider %q: want google, microsoft or custom", o.Provider)
	}
	if o.ClientID == "" {
		add("oauth2.client_id is required: the ID of the OAuth client you registered with the provider (README: OAuth2 sign-in)")
	} else if strings.ContainsAny(o.ClientID, " \t\r\n") {
		add("oauth2.client_id must be one word")
	}
	if o.ClientSecretFile != "" && o.ClientSecretCommand != "" {
		add("oauth2.client_secret_file and oauth2.client_secret_command are exclusive")
	}
	if o.Tenant != "" {
		if o.Provider != ProviderMicrosoft {
			add("oauth2.tenant applies to provider microsoft only")
		} else if !tenantRE.MatchString(o.Tenant) {
			add("oauth2.tenant %q: want common, organizations, consumers, a tenant ID or a domain", o.Tenant)
		}
	}
	for _, u := range []struct{ key, v string }{{"auth_url", o.AuthURL}, {"token_url", o.TokenURL}, {"device_auth_url", o.DeviceAuthURL}} {
		if u.v == "" {
			if o.Provider == ProviderCustom && u.key != "device_auth_url" {
				add("oauth2.%s is required with provider custom", u.key)
			}
			continue
		}
		if err := checkEndpoint(u.v); err != nil {
			add("oauth2.%s: %v", u.key, err)
		}
	}
	if o.Provider == ProviderCustom && len(o.Scopes) == 0 {
		add("oauth2.scopes is required with provider custom (google and microsoft have defaults)")
	}
	for i, s := range o.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			add("oauth2.scopes[%d] %q: want one scope per item", i, s)
		}
	}
	if o.TokenFile != "" && !filepath.IsAbs(o.TokenFile) {
		add("oauth2.token_file %q must be an absolute path", o.TokenFile)
	}
	return p
}

// checkEndpoint accepts https URLs, and http to a loopback host (a local
// test server or token helper).
func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", s)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u.Hostname()):
	default:
		return fmt.Errorf("%q: want https (http only to a loopback host)", s)
	}
	if u.User != nil {
		return fmt.Errorf("%q: no credentials in the URL; use client_secret_file or client_secret_command", redactURL(s))
	}
	return nil
}

// ResolveClientSecret returns the OAuth client's secret and whether there
// is one, in this order: set in code, client_secret_command,
// client_secret_file, then $CREDENTIALS_DIRECTORY/oauth2-client-secret.
// None is no error: public clients (Microsoft's, most desktop
// registrations) have no secret.
func (o OAuth2) ResolveClientSecret(ctx context.Context) (Secret, bool, error) {
	switch {
	case o.ClientSecret != "":
		return o.ClientSecret, true, nil
	case o.ClientSecretCommand != "":
		s, err := CommandSecret(ctx, "oauth2.client_secret_command", o.ClientSecretCommand)
		return s, err == nil, err
	case o.ClientSecretFile != "":
		s, err := readSecretFile(o.ClientSecretFile, "oauth2.client_secret_file")
		return s, err == nil, err
	}
	if dir := os.Getenv("CREDENTIALS_DIRECTORY"); dir != "" {
		p := filepath.Join(dir, "oauth2-client-secret")
		if _, err := os.Stat(p); err == nil {
			b, err := os.ReadFile(p)
			if err != nil {
				return "", false, fmt.Errorf("read credential oauth2-client-secret: %w", err)
			}
			return Secret(firstLine(b)), true, nil
		}
	}
	return "", false, nil
}
