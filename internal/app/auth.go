package app

import (
	"rapport/internal/config"
	"rapport/internal/oauth"
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
