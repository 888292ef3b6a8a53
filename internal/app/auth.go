package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"rapport/internal/config"
	"rapport/internal/oauth"
	"rapport/internal/outbox"
)

// OAuth2 wiring: where imap.auth or smtp.auth is oauth2, the mailbox and
// the outbox get a token source instead of a password. Each source reads
// the token file at every connection (under its lock), so a refresh by
// another process and a new `rapport auth login` are used without a
// restart.

// TokenSource is the account's OAuth2 token source (token_command, or the
// token file kept fresh with the refresh token).
//
// It is one source for the whole process, shared by the mailbox and
// submission sides, so a grant that one side finds revoked is not offered
// again by the other until a new sign-in changes the token file.
func (a *App) TokenSource() oauth.TokenSource {
	a.tokensOnce.Do(func() { a.tokens = oauth.NewSource(oauth.FromConfig(a.Config)) })
	return a.tokens
}

// tokenSourceFor returns a token source for a side (imap or smtp) that
// signs in with OAuth2, else nil.
func (a *App) tokenSourceFor(s config.Server) oauth.TokenSource {
	if s.Auth != config.AuthOAuth2 {
		return nil
	}
	return a.TokenSource()
}

// passwordFor resolves a side's password; a side that signs in with
// OAuth2 has none.
func (a *App) passwordFor(ctx context.Context, s config.Server, name string) (config.Secret, error) {
	if s.Auth == config.AuthOAuth2 {
		return "", nil
	}
	return s.ResolvePassword(ctx, name)
}

// checkOAuth2 gets a current access token once, before any connection:
// a sign-in that is missing, expired or revoked is then one clear error
// instead of one per protocol.
func (a *App) checkOAuth2(ctx context.Context) (string, error) {
	st := oauth.FromConfig(a.Config)
	tok, err := oauth.NewSource(st).Token(ctx)
	if err != nil {
		return "", err
	}
	if st.TokenCommand != "" {
		return "oauth2    ok (token from oauth2.token_command)", nil
	}
	left := "no expiry given"
	if !tok.Expiry.IsZero() {
		left = "valid for " + time.Until(tok.Expiry).Round(time.Minute).String()
	}
	return fmt.Sprintf("oauth2    ok (%s, %s; %s)", st.Provider, st.TokenFile, left), nil
}

// authNote is what check prints after a side's security.
func authNote(s config.Server) string {
	if s.Auth == config.AuthOAuth2 {
		return ", oauth2"
	}
	return ""
}

// microsoftHosts are Microsoft's IMAP and SMTP hosts, where password
// sign-in is off (Exchange Online, Outlook.com) or going away (SMTP AUTH
// for Microsoft 365 tenants).
var microsoftHosts = []string{"outlook.office365.com", "outlook.office.com", "smtp.office365.com",
	"smtp-mail.outlook.com", "imap-mail.outlook.com", "smtp.live.com"}

// authHint explains a refused sign-in by what was tried: a password where
// Microsoft wants OAuth2, or a token the server would not take.
func authHint(key string, s config.Server, err error) string {
	msg := err.Error()
	if s.Auth == config.AuthOAuth2 {
		if errors.Is(err, oauth.ErrTokenRefused) {
			return fmt.Sprintf("the server refused the OAuth2 token: %s.username (%s) must be the account you signed in as (`rapport auth status`); "+
				"the OAuth client needs the mail scopes (Google https://mail.google.com/; Microsoft IMAP.AccessAsUser.All, SMTP.Send and offline_access); "+
				"Microsoft 365: IMAP and Authenticated SMTP must be enabled for the mailbox", key, s.Username)
		}
		return ""
	}
	microsoft := slices.Contains(microsoftHosts, strings.ToLower(s.Host))
	var se *outbox.SendError
	basicOff := strings.Contains(msg, "AUTHENTICATE failed") ||
		microsoft && (strings.Contains(msg, "LOGIN failed") || strings.Contains(msg, "AUTHENTICATIONFAILED")) ||
		errors.As(err, &se) && (se.Enhanced == "5.7.30" || se.Enhanced == "5.7.139" ||
			strings.Contains(strings.ToLower(se.Message), "basic authentication is not supported") ||
			microsoft && se.AuthFailed() && se.Code != 0)
	if basicOff {
		return fmt.Sprintf("Microsoft has turned off password sign-in here: switch to OAuth2 (set %s.auth: oauth2 and an oauth2 block with "+
			"provider microsoft, or run `rapport init --provider outlook`), then `rapport auth login`; README: OAuth2 sign-in", key)
	}
	return ""
}
