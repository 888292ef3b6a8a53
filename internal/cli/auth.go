package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rapport/internal/config"
	"rapport/internal/oauth"
	"rapport/internal/schedule"
	"rapport/internal/scheduler"
)

func init() {
	extraCommands = append(extraCommands, authCmd)
}

// needsSignIn reports an error that only a new OAuth2 sign-in fixes: like
// a config error, it exits 2 (systemd does not restart on it).
func needsSignIn(err error) bool { return errors.Is(err, oauth.ErrSignInExpired) }

func authCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "OAuth2 sign-in: login, status, logout",
		Long: `With imap.auth or smtp.auth set to oauth2, rapport signs in to the mailbox
with OAuth2 (Google, Microsoft or another provider) and keeps the refresh
token in oauth2.token_file (mode 0600). A running daemon picks up a new
sign-in at its next connection; no restart is needed.`,
	}
	cmd.AddCommand(authLoginCmd(e), authStatusCmd(e), authLogoutCmd(e))
	return cmd
}

// oauthConfig loads the config and checks that it signs in with OAuth2.
func (e *env) oauthConfig() (*config.Config, oauth.Settings, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, oauth.Settings{}, err
	}
	if !cfg.UsesOAuth2() {
		return nil, oauth.Settings{}, usagef("auth: neither imap.auth nor smtp.auth is oauth2 in %s (rapport signs in with a password)", cfg.Path)
	}
	return cfg, oauth.FromConfig(cfg), nil
}

// signInFlags are the sign-in choices of auth login and init.
type signInFlags struct {
	device, noBrowser bool
}

func (f *signInFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.device, "device", false, "sign in with a code on another device (Microsoft's device-code flow)")
	cmd.Flags().BoolVar(&f.noBrowser, "no-browser", false, "do not open a browser: open the printed address anywhere and paste back the address it was sent to")
}

// signIn runs the chosen flow and writes the token file.
func signIn(ctx context.Context, st oauth.Settings, f signInFlags, in io.Reader, out io.Writer) (*oauth.Grant, error) {
	if f.device {
		return oauth.DeviceLogin(ctx, st, out)
	}
	return oauth.Login(ctx, st, oauth.LoginOptions{Out: out, In: in, NoBrowser: f.noBrowser})
}

func authLoginCmd(e *env) *cobra.Command {
	var f signInFlags
	cmd := &cobra.Command{
		Use:   "login [--device] [--no-browser]",
		Short: "Sign in with OAuth2 and keep the refresh token in oauth2.token_file",
		Long: `login opens the provider's sign-in page (authorization code with PKCE,
redirected to 127.0.0.1). On a machine without a display use --no-browser:
open the printed address in any browser, sign in, and paste back the
address the browser was sent to. --device signs in with a short code at
the provider's page instead (Microsoft; Google does not allow it for Gmail).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, st, err := e.oauthConfig()
			if err != nil {
				return err
			}
			if st.TokenCommand != "" {
				return usagef("auth login: oauth2.token_command is set: sign in with your token helper (rapport runs the command for every connection)")
			}
			g, err := signIn(cmd.Context(), st, f, e.stdin, e.stdout)
			if err != nil {
				return fmt.Errorf("auth login: %w", err)
			}
			fmt.Fprintf(e.stdout, "signed in as %s; token saved in %s (mode 0600)\n", g.Username, st.TokenFile)
			if !g.HasRefresh() {
				fmt.Fprintln(e.stdout, "warning: the provider gave no refresh token, so this sign-in lasts until the access token expires "+
					"(Microsoft: add offline_access to oauth2.scopes; Google: the consent screen must offer offline access)")
			}
			// A running daemon that paused for the sign-in resumes now.
			if a, err := e.open(cmd.Context()); err == nil {
				scheduler.Wake(a.WakePath())
				a.Close()
			}
			fmt.Fprintln(e.stdout, "a running rapport uses it at its next connection; `rapport check` verifies the login now")
			return nil
		},
	}
	f.add(cmd)
	return cmd
}

func authStatusCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the OAuth2 sign-in and check that it still works (exit 2 when a new sign-in is needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, st, err := e.oauthConfig()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			w := e.stdout
			if st.TokenCommand != "" {
				fmt.Fprintf(w, "token_command  %s\n", st.TokenCommand)
				if _, err := oauth.NewSource(st).Token(ctx); err != nil {
					return err
				}
				fmt.Fprintln(w, "token          ok (the command printed one)")
				return nil
			}
			fmt.Fprintf(w, "provider       %s (client %s)\n", st.Provider, st.ClientID)
			fmt.Fprintf(w, "token file     %s\n", st.TokenFile)
			g, err := oauth.ReadGrant(st.TokenFile)
			if err != nil {
				return err
			}
			now := time.Now()
			fmt.Fprintf(w, "account        %s\n", g.Username)
			fmt.Fprintf(w, "signed in      %s\n", g.SignedInAt.Local().Format("2006-01-02 15:04")+" "+schedule.ZoneLabel(g.SignedInAt.Local()))
			switch {
			case g.Access.Expiry.IsZero():
				fmt.Fprintln(w, "access token   no expiry given")
			case g.Access.Expiry.After(now):
				fmt.Fprintf(w, "access token   valid until %s (%s)\n", g.Access.Expiry.Local().Format("15:04")+" "+schedule.ZoneLabel(g.Access.Expiry.Local()), g.Access.Expiry.Sub(now).Round(time.Minute))
			default:
				fmt.Fprintf(w, "access token   expired %s ago (renewed at the next connection)\n", now.Sub(g.Access.Expiry).Round(time.Minute))
			}
			fmt.Fprintf(w, "refresh token  %s\n", map[bool]string{true: "yes", false: "none (a new sign-in is needed when the access token expires)"}[g.HasRefresh()])
			// Prove the grant still works: refreshes if the token is due.
			tok, err := oauth.NewSource(st).Token(ctx)
			if err != nil {
				return err
			}
			if !tok.Same(g.Access) {
				fmt.Fprintln(w, "grant          ok (access token renewed just now)")
			} else {
				fmt.Fprintln(w, "grant          ok")
			}
			return nil
		},
	}
}

func authLogoutCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Delete the OAuth2 tokens rapport keeps (oauth2.token_file)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, st, err := e.oauthConfig()
			if err != nil {
				return err
			}
			if st.TokenCommand != "" {
				return usagef("auth logout: oauth2.token_command is set: rapport keeps no tokens; sign out in your token helper")
			}
			removed, err := oauth.RemoveGrant(cmd.Context(), st.TokenFile)
			if err != nil {
				return fmt.Errorf("auth logout: %w", err)
			}
			if !removed {
				fmt.Fprintf(e.stdout, "not signed in (no %s)\n", st.TokenFile)
				return nil
			}
			fmt.Fprintf(e.stdout, "signed out: deleted %s; rapport keeps no other copy of the tokens\n", st.TokenFile)
			switch st.Provider {
			case config.ProviderGoogle:
				fmt.Fprintln(e.stdout, "to revoke rapport's access at Google too: https://myaccount.google.com/connections")
			case config.ProviderMicrosoft:
				fmt.Fprintln(e.stdout, "to revoke rapport's access at Microsoft too: https://account.live.com/consent/Manage (personal accounts) "+
					"or https://myapps.microsoft.com (work or school)")
			}
			return nil
		},
	}
}

// authKind is how init's config signs in: --auth, else the preset's
// default, else a password.
func (o *initOptions) authKind() string {
	switch {
	case o.auth != "":
		return o.auth
	case o.hasPassword():
		return config.AuthPassword
	}
	if d := providers[o.provider].defaultAuth; d != "" {
		return d
	}
	return config.AuthPassword
}

func (o *initOptions) oauth2() bool { return o.authKind() == config.AuthOAuth2 }

// note is what init prints about the chosen provider's sign-in.
func (o *initOptions) note() string {
	p := providers[o.provider]
	if o.oauth2() {
		return p.oauthNote
	}
	return p.note
}

// oauthFlagsSet names the OAuth2 flags given.
func (o *initOptions) oauthFlagsSet() []string {
	var set []string
	for _, f := range []struct {
		name string
		on   bool
	}{{"--client-id", o.clientID != ""}, {"--client-secret-file", o.clientSecretFile != ""},
		{"--client-secret-command", o.clientSecretCommand != ""}, {"--tenant", o.tenant != ""},
		{"--token-command", o.tokenCommand != ""}, {"--token-file", o.tokenFile != ""},
		{"--oauth2-auth-url", o.authURL != ""}, {"--oauth2-token-url", o.tokenURL != ""},
		{"--oauth2-device-auth-url", o.deviceAuthURL != ""}, {"--oauth2-scope", len(o.scopes) > 0},
		{"--device", o.signIn.device}, {"--no-browser", o.signIn.noBrowser}, {"--no-login", o.noLogin}} {
		if f.on {
			set = append(set, f.name)
		}
	}
	return set
}

// validateAuthFlags rejects contradictory sign-in flags; OAuth2 flags
// imply --auth oauth2.
func (o *initOptions) validateAuthFlags() error {
	switch o.auth {
	case "", config.AuthPassword, config.AuthOAuth2:
	default:
		return usagef("init: --auth %q: want password or oauth2", o.auth)
	}
	oflags := o.oauthFlagsSet()
	if len(oflags) > 0 {
		if o.auth == config.AuthPassword {
			return usagef("init: %s apply to --auth oauth2, not password", strings.Join(oflags, ", "))
		}
		o.auth = config.AuthOAuth2
	}
	if o.auth == config.AuthOAuth2 && o.hasPassword() {
		return usagef("init: --auth oauth2 signs in without a password: drop --password-command, --password-file or --password-stdin")
	}
	if o.clientSecretFile != "" && o.clientSecretCommand != "" {
		return usagef("init: --client-secret-file and --client-secret-command are exclusive")
	}
	if o.tokenCommand != "" {
		for _, f := range oflags {
			switch f {
			case "--token-command", "--device", "--no-browser", "--no-login":
			default:
				return usagef("init: %s has no effect with --token-command (the command signs in)", f)
			}
		}
	}
	if o.signIn.device && o.signIn.noBrowser {
		return usagef("init: --device and --no-browser are exclusive")
	}
	return nil
}

// checkAuth refuses OAuth2 with a preset that does not offer it.
func (o *initOptions) checkAuth() error {
	if o.oauth2() && providers[o.provider].oauth == "" {
		return usagef("init: OAuth2 sign-in is offered with --provider gmail, outlook or custom, not %s", o.provider)
	}
	if !o.oauth2() {
		if f := o.oauthFlagsSet(); len(f) > 0 {
			return usagef("init: %s apply to --auth oauth2", strings.Join(f, ", "))
		}
	}
	return nil
}

// askOAuth2 asks for the OAuth client, or for a token helper.
func (o *initOptions) askOAuth2(p *prompter, secretFile string) error {
	var err error
	if o.tokenCommand == "" && o.clientID == "" {
		if o.tokenCommand, err = p.ask("A command that prints an access token (pizauth, oama); leave empty to let rapport sign in itself", "", oneLine); err != nil {
			return err
		}
	}
	if o.tokenCommand != "" {
		return nil
	}
	if o.clientID == "" {
		if o.clientID, err = p.ask("OAuth client ID (of the app you registered; README: OAuth2 sign-in)", "", required(func(s string) error {
			if strings.ContainsAny(s, " \t") {
				return errors.New("one word")
			}
			return nil
		})); err != nil {
			return err
		}
	}
	prov := providers[o.provider].oauth
	if prov == config.ProviderMicrosoft && o.tenant == "" {
		if o.tenant, err = p.ask("Microsoft tenant (common, organizations, consumers, or your tenant's ID or domain)", "common", required(oneLine)); err != nil {
			return err
		}
		if o.tenant == "common" {
			o.tenant = ""
		}
	}
	if prov == config.ProviderCustom {
		if o.authURL == "" {
			if o.authURL, err = p.ask("Authorization endpoint (https://…)", "", required(oneLine)); err != nil {
				return err
			}
		}
		if o.tokenURL == "" {
			if o.tokenURL, err = p.ask("Token endpoint (https://…)", "", required(oneLine)); err != nil {
				return err
			}
		}
		if len(o.scopes) == 0 {
			s, err := p.ask("Scopes, separated by spaces", "", required(oneLine))
			if err != nil {
				return err
			}
			o.scopes = strings.Fields(s)
		}
	}
	if o.clientSecretFile == "" && o.clientSecretCommand == "" && prov != config.ProviderMicrosoft {
		if !o.force {
			if _, err := os.Stat(secretFile); err == nil {
				return usagef("init: %s already exists; use --force to overwrite it", secretFile)
			}
		}
		fmt.Fprintf(p.out, "A client secret is stored in %s (mode 0600), not in the config.\n", secretFile)
		if o.clientSecret, err = p.secret("OAuth client secret (not shown; Google desktop clients have one; empty for a public client)"); err != nil {
			return err
		}
	}
	return nil
}

// initOAuth2 is the oauth2 block init writes.
type initOAuth2 struct {
	Provider            string   `yaml:"provider,omitempty"`
	ClientID            string   `yaml:"client_id,omitempty"`
	ClientSecretFile    string   `yaml:"client_secret_file,omitempty"`
	ClientSecretCommand string   `yaml:"client_secret_command,omitempty"`
	Tenant              string   `yaml:"tenant,omitempty"`
	AuthURL             string   `yaml:"auth_url,omitempty"`
	TokenURL            string   `yaml:"token_url,omitempty"`
	DeviceAuthURL       string   `yaml:"device_auth_url,omitempty"`
	Scopes              []string `yaml:"scopes,omitempty,flow"`
	TokenFile           string   `yaml:"token_file,omitempty"`
	TokenCommand        string   `yaml:"token_command,omitempty"`
}

func (o *initOptions) oauth2Block() *initOAuth2 {
	b := &initOAuth2{Provider: providers[o.provider].oauth}
	if o.tokenCommand != "" {
		b.TokenCommand = o.tokenCommand
		return b
	}
	b.ClientID, b.ClientSecretFile, b.ClientSecretCommand = o.clientID, o.clientSecretFile, o.clientSecretCommand
	b.Tenant, b.AuthURL, b.TokenURL, b.DeviceAuthURL = o.tenant, o.authURL, o.tokenURL, o.deviceAuthURL
	b.Scopes, b.TokenFile = o.scopes, o.tokenFile
	return b
}
