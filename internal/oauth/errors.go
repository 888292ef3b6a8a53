package oauth

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"
)

// ErrSignInExpired means mail cannot flow until the owner signs in again:
// the provider refused the refresh token (expired, revoked, password
// changed), there is no token file yet, or a token helper's token is
// refused. Every such error satisfies errors.Is(err, ErrSignInExpired),
// through any wrapping (the mailbox's and the outbox's included). Retrying
// without a new sign-in does not help; a new sign-in is picked up without a
// restart.
var ErrSignInExpired = errors.New("sign-in expired or was revoked: run `rapport auth login`")

// SignInError is a sign-in problem with its own wording (no token file yet,
// a token helper's token refused). It matches ErrSignInExpired.
type SignInError struct {
	Msg   string
	Cause error // may be nil; never carries a token
}

func (e *SignInError) Error() string {
	if e.Cause != nil {
		return e.Msg + ": " + e.Cause.Error()
	}
	return e.Msg
}

// Unwrap returns the cause.
func (e *SignInError) Unwrap() error { return e.Cause }

// Is makes every SignInError match ErrSignInExpired.
func (e *SignInError) Is(target error) bool { return target == ErrSignInExpired }

// ErrNotSignedIn is returned when the token file does not exist.
var ErrNotSignedIn error = &SignInError{Msg: "not signed in with OAuth2 yet: run `rapport auth login`"}

// ErrTokenRefused is wrapped by the mailbox's and the outbox's errors when
// the server refused an access token that had just been renewed: the
// grant is alive but does not open this mailbox (another account signed
// in than the configured username, scopes without IMAP or SMTP, IMAP or
// SMTP AUTH turned off for the account).
var ErrTokenRefused = errors.New("the server refused a freshly issued OAuth2 access token: " +
	"check that the username is the account you signed in as, and that the OAuth client has the mail scopes")

// providerError describes an error from the token endpoint without its
// body (which is the provider's, but is not shown whole either way).
func providerError(err error) string {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err.Error()
	}
	var b strings.Builder
	if re.ErrorCode != "" {
		b.WriteString(re.ErrorCode)
	} else if re.Response != nil {
		fmt.Fprintf(&b, "HTTP %s", re.Response.Status)
	}
	if d := oneLine(re.ErrorDescription, 300); d != "" {
		b.WriteString(": " + d)
	}
	if b.Len() == 0 {
		return "the token endpoint refused the request"
	}
	return b.String()
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// retrieveCode is the OAuth error code of err, or "".
func retrieveCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}
