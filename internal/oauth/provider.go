// Package oauth signs rapport in to a mailbox with OAuth2: the providers'
// endpoints and scopes, the authorization-code flow with PKCE on a
// loopback redirect (or a pasted redirect URL), the device-code flow, the
// token file that keeps the refresh token, token_command for an external
// token helper, and the XOAUTH2 and OAUTHBEARER SASL clients that IMAP and
// SMTP authenticate with.
//
// Tokens are held as Token values, which print as a mask: no token reaches
// a log, an error, argv or the database. The token file is the one place a
// refresh token is written (mode 0600, replaced atomically, under a lock
// so that the daemon, `rapport check` and `rapport auth login` can run at
// the same time). A new sign-in is picked up by running processes at
// their next connection.
package oauth

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/config"
)

// Token is an OAuth2 access token. It prints as a mask.
type Token struct {
	value  config.Secret
	Expiry time.Time // zero: not known (a token_command's token)
}

// NewToken wraps an access token (from a token helper or a test).
func NewToken(access string, expiry time.Time) Token {
	return Token{value: config.Secret(access), Expiry: expiry}
}

func (t Token) reveal() string { return t.value.Reveal() }

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return t.value == "" }

// Same reports whether t and u are the same access token.
func (t Token) Same(u Token) bool { return t.value == u.value }

func (Token) String() string               { return "xxxxx" }
func (Token) GoString() string             { return "oauth.Token(xxxxx)" }
func (Token) MarshalText() ([]byte, error) { return []byte("xxxxx"), nil }
func (Token) Format(f fmt.State, _ rune)   { _, _ = f.Write([]byte("xxxxx")) }

// LogValue shows only the expiry.
func (t Token) LogValue() slog.Value { return slog.TimeValue(t.Expiry) }

// TokenSource gives IMAP and SMTP the access token to authenticate with.
// It is asked at every connection, so a refreshed token or a new sign-in
// is used without a restart.
type TokenSource interface {
	// Token returns a current access token, refreshing it first when it
	// is about to expire.
	Token(ctx context.Context) (Token, error)
	// Renew is called after the server refused rejected: it returns
	// another token (refreshing even if rejected looked valid, or running
	// token_command again), or an error matching ErrSignInExpired when the
	// grant is gone.
	Renew(ctx context.Context, rejected Token) (Token, error)
}

// Default scopes per provider.
var (
	GoogleScopes    = []string{"https://mail.google.com/"}
	MicrosoftScopes = []string{"https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send", "offline_access"}
)

// Settings are what the flows and the token source need, from the config.
type Settings struct {
	Provider string // google | microsoft | custom
	ClientID string
	// ClientSecret resolves the client's secret when it is needed (nil:
	// a public client). ok false: none.
	ClientSecret func(ctx context.Context) (secret config.Secret, ok bool, err error)
	Endpoint     oauth2.Endpoint
	Scopes       []string
	TokenFile    string
	// TokenCommand, when set, replaces the built-in sign-in: it prints a
	// current access token.
	TokenCommand string
	// Username is the mailbox login: login_hint for the sign-in page, and
	// recorded in the token file.
	Username string
	// HTTPClient talks to the provider; nil: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock for expiries; nil: time.Now.
	Now func() time.Time
}

// FromConfig turns the oauth2 block into Settings for the account's
// username (imap.username, else smtp.username).
func FromConfig(c *config.Config) Settings {
	o := c.OAuth2
	user := c.IMAP.Username
	if c.IMAP.Auth != config.AuthOAuth2 && c.SMTP.Auth == config.AuthOAuth2 {
		user = c.SMTP.Username
	}
	s := Settings{
		Provider:     o.Provider,
		ClientID:     o.ClientID,
		ClientSecret: o.ResolveClientSecret,
		Scopes:       o.Scopes,
		TokenFile:    o.TokenFilePath(),
		TokenCommand: o.TokenCommand,
		Username:     user,
	}
	tenant := o.Tenant
	if tenant == "" {
		tenant = "common"
	}
	switch o.Provider {
	case config.ProviderGoogle:
		s.Endpoint = oauth2.Endpoint{
			AuthURL:  "https://accounts.google.com/o/oauth2/auth",
			TokenURL: "https://oauth2.googleapis.com/token",
		}
		if len(s.Scopes) == 0 {
			s.Scopes = GoogleScopes
		}
	case config.ProviderMicrosoft:
		base := "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0"
		s.Endpoint = oauth2.Endpoint{AuthURL: base + "/authorize", TokenURL: base + "/token", DeviceAuthURL: base + "/devicecode",
			AuthStyle: oauth2.AuthStyleInParams}
		if len(s.Scopes) == 0 {
			s.Scopes = MicrosoftScopes
		}
	}
	if o.AuthURL != "" {
		s.Endpoint.AuthURL = o.AuthURL
	}
	if o.TokenURL != "" {
		s.Endpoint.TokenURL = o.TokenURL
	}
	if o.DeviceAuthURL != "" {
		s.Endpoint.DeviceAuthURL = o.DeviceAuthURL
	}
	return s
}

func (s *Settings) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Settings) context(ctx context.Context) context.Context {
	hc := s.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// config is the x/oauth2 configuration, with the client secret resolved.
func (s *Settings) config(ctx context.Context, redirect string) (*oauth2.Config, error) {
	c := &oauth2.Config{ClientID: s.ClientID, Endpoint: s.Endpoint, Scopes: s.Scopes, RedirectURL: redirect}
	if s.ClientSecret != nil {
		sec, ok, err := s.ClientSecret(ctx)
		if err != nil {
			return nil, err
		}
		if ok {
			c.ClientSecret = sec.Reveal()
		}
	}
	if c.Endpoint.AuthStyle == oauth2.AuthStyleAutoDetect {
		// Auto-detection sends a refused request twice (once per style),
		// so a revoked grant would be tried twice per connection. RFC
		// 6749 §2.3.1: servers must take HTTP Basic from confidential
		// clients; public clients have only their client_id, in the body.
		c.Endpoint.AuthStyle = oauth2.AuthStyleInParams
		if c.ClientSecret != "" {
			c.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
		}
	}
	return c, nil
}

// authOptions are the provider's extra parameters for the authorization
// URL: Google issues a refresh token only with access_type=offline (and
// again only with prompt=consent).
func (s *Settings) authOptions() []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	if s.Username != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", s.Username))
	}
	if s.Provider == config.ProviderGoogle {
		opts = append(opts, oauth2.AccessTypeOffline, oauth2.ApprovalForce)
	}
	return opts
}

// NewSource returns the token source for s: token_command when set, else
// the token file kept fresh with the refresh token.
func NewSource(s Settings) TokenSource {
	if s.TokenCommand != "" {
		return &CommandSource{Command: s.TokenCommand}
	}
	return &FileSource{s: s}
}
