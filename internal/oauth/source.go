package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/config"
)

// FileSource is the built-in token source: the access token in the token
// file, refreshed with the refresh token before it expires. Every call
// looks at the file first, so a refresh by another process or a new
// `rapport auth login` is used at once; refreshes happen under the file's
// lock, so a rotating refresh token is never spent twice.
type FileSource struct {
	s Settings

	mu     sync.Mutex
	cached *Grant
	at     stamp // the file version cached came from
	// dead is the file version whose refresh token the provider refused:
	// it is not offered again until the file changes (a new sign-in).
	dead    stamp
	deadErr error
}

// Token implements TokenSource.
func (f *FileSource) Token(ctx context.Context) (Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := stampOf(f.s.TokenFile)
	if !ok {
		f.cached = nil
		return Token{}, f.missing()
	}
	if f.deadErr != nil && st == f.dead {
		return Token{}, f.deadErr
	}
	if f.cached != nil && st == f.at && f.cached.fresh(f.s.now()) {
		return f.cached.Access, nil
	}
	return f.refresh(ctx, Token{}, false)
}

// Renew implements TokenSource.
func (f *FileSource) Renew(ctx context.Context, rejected Token) (Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refresh(ctx, rejected, true)
}

func (f *FileSource) missing() error {
	if _, err := ReadGrant(f.s.TokenFile); err != nil {
		return err
	}
	return ErrNotSignedIn
}

// refresh reads the file under its lock and returns its access token if
// it is fresh (and, renewing, not the rejected one), else refreshes it.
func (f *FileSource) refresh(ctx context.Context, rejected Token, renew bool) (Token, error) {
	path := f.s.TokenFile
	unlock, err := lockFile(ctx, path)
	if err != nil {
		return Token{}, err
	}
	defer unlock()
	g, err := ReadGrant(path)
	if err != nil {
		f.cached = nil
		return Token{}, err
	}
	st, _ := stampOf(path)
	if err := f.matches(g); err != nil {
		return Token{}, err
	}
	now := f.s.now()
	if g.fresh(now) && !(renew && g.Access.Same(rejected)) {
		f.cached, f.at = g, st
		return g.Access, nil
	}
	if f.deadErr != nil && st == f.dead {
		return Token{}, f.deadErr
	}
	if !g.HasRefresh() {
		return Token{}, &SignInError{Msg: "the OAuth2 access token has expired and the provider gave no refresh token " +
			"(Microsoft: add offline_access to oauth2.scopes): run `rapport auth login`"}
	}
	cfg, err := f.s.config(ctx, "")
	if err != nil {
		return Token{}, fmt.Errorf("oauth2 client secret: %w", err)
	}
	t, err := cfg.TokenSource(f.s.context(ctx), &oauth2.Token{RefreshToken: g.Refresh.Reveal()}).Token()
	if err != nil {
		err = refreshError(err, f.s.Endpoint.TokenURL)
		if errors.Is(err, ErrSignInExpired) {
			// Its access token is of the dead grant too.
			f.dead, f.deadErr, f.cached = st, err, nil
		}
		return Token{}, err
	}
	ng := grantFrom(&f.s, t, now)
	ng.SignedInAt, ng.Username, ng.Provider, ng.Scopes = g.SignedInAt, g.Username, g.Provider, g.Scopes
	if ng.Refresh == "" {
		ng.Refresh = g.Refresh
	}
	if err := WriteGrant(path, ng); err != nil {
		return Token{}, err
	}
	f.cached = ng
	f.at, _ = stampOf(path)
	f.deadErr = nil
	return ng.Access, nil
}

// matches refuses a token file written for another client, provider or
// account: its tokens would not open this mailbox.
func (f *FileSource) matches(g *Grant) error {
	if g.ClientID != f.s.ClientID || g.TokenURL != f.s.Endpoint.TokenURL {
		return &SignInError{Msg: fmt.Sprintf("the token file %s was written for another OAuth client or provider (client_id %s): run `rapport auth login`",
			f.s.TokenFile, g.ClientID)}
	}
	if g.Username != "" && f.s.Username != "" && !strings.EqualFold(g.Username, f.s.Username) {
		return &SignInError{Msg: fmt.Sprintf("the token file %s is for %s, not %s: run `rapport auth login`", f.s.TokenFile, g.Username, f.s.Username)}
	}
	return nil
}

// refreshError classifies a failed refresh: a refused grant needs a new
// sign-in; a refused client is the config's; anything else is worth a
// retry later.
func refreshError(err error, tokenURL string) error {
	switch retrieveCode(err) {
	case "invalid_grant":
		return fmt.Errorf("%w (the provider said %s)", ErrSignInExpired, providerError(err))
	case "invalid_client", "unauthorized_client":
		return fmt.Errorf("the provider refused the OAuth client (%s): check oauth2.client_id and the client secret", providerError(err))
	case "":
	default:
		return fmt.Errorf("refresh the OAuth2 token: %s", providerError(err))
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return fmt.Errorf("refresh the OAuth2 token: %s", providerError(err))
	}
	host := tokenURL
	if u, perr := url.Parse(tokenURL); perr == nil {
		host = u.Host
	}
	return &unreachableError{fmt.Errorf("refresh the OAuth2 token at %s: %w", host, err)}
}

// unreachableError is a refresh that failed on the way (network, TLS, a
// time-out): worth retrying soon, and no reason to stop sending.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return e.err.Error() }
func (e *unreachableError) Unwrap() error { return e.err }

// Temporary reports whether err is a token refresh that failed on the way
// to the provider (network, time-out), not a refusal.
func Temporary(err error) bool {
	var u *unreachableError
	return errors.As(err, &u)
}

// CommandSource runs token_command for every connection: an external
// token helper (pizauth, oama, a password manager) keeps the token fresh.
type CommandSource struct {
	Command string
}

// Token implements TokenSource.
func (c *CommandSource) Token(ctx context.Context) (Token, error) {
	s, err := config.CommandSecret(ctx, "oauth2.token_command", c.Command)
	if err != nil {
		if ctx.Err() != nil {
			return Token{}, err
		}
		return Token{}, &SignInError{Msg: "no access token from your token helper (sign in with it again)", Cause: err}
	}
	tok := strings.TrimSpace(s.Reveal())
	if strings.ContainsAny(tok, " \t\x00\x01") {
		return Token{}, &SignInError{Msg: "oauth2.token_command printed something that is not an access token (one word on the first line)"}
	}
	return NewToken(tok, time.Time{}), nil
}

// Renew implements TokenSource: the command is asked once more.
func (c *CommandSource) Renew(ctx context.Context, rejected Token) (Token, error) {
	t, err := c.Token(ctx)
	if err != nil {
		return Token{}, err
	}
	if t.Same(rejected) {
		return Token{}, &SignInError{Msg: "the server refused the access token from oauth2.token_command, and the command prints the same one again: " +
			"sign in again with your token helper"}
	}
	return t, nil
}
