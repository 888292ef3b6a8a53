// Package doctor is `rapport check` (and the last step of `rapport
// init`): it signs in to the mailbox and the submission server as the
// daemon would, finds the folders, and says what is wrong with what to do
// about it, naming the config key to change.
package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/config"
	"rapport/internal/mailbox"
	"rapport/internal/oauth"
	"rapport/internal/outbox"
)

// Mail makes the connection settings from a resolved password (and the
// account's OAuth2 token source where a side uses it).
type Mail interface {
	IMAPConfig(pw config.Secret) (mailbox.Config, error)
	SMTPConfig(pw config.Secret) (outbox.SMTPConfig, error)
}

// Check verifies the passwords or the OAuth2 sign-in, the IMAP login and
// folders, and the SMTP login. It returns a line per finding and an error
// naming every failure, each with what to do about it where the cause is
// recognisable. A sign-in that has expired or was revoked is the one
// error (it matches oauth.ErrSignInExpired).
func Check(ctx context.Context, cfg *config.Config, m Mail, log *slog.Logger) ([]string, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var lines []string
	var errs []error
	cfgIMAP, cfgSMTP := cfg.IMAP, cfg.SMTP
	if cfg.UsesOAuth2() {
		line, err := checkOAuth2(ctx, cfg)
		if err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	imapPW, err := cfgIMAP.Secret(ctx, "imap")
	if err != nil {
		errs = append(errs, err)
	}
	smtpPW, err := cfgSMTP.Secret(ctx, "smtp")
	if err != nil {
		errs = append(errs, err)
	}
	if imapPW != "" || cfgIMAP.Auth == config.AuthOAuth2 {
		ic, err := m.IMAPConfig(imapPW)
		if err != nil {
			errs = append(errs, err)
		} else if c, err := mailbox.Dial(ctx, ic, log); err != nil {
			if errors.Is(err, oauth.ErrSignInExpired) {
				return lines, err
			}
			errs = append(errs, withHint("imap", cfgIMAP, fmt.Errorf("imap %s:%d: %w", ic.Host, ic.Port, err)))
		} else {
			lines = append(lines, fmt.Sprintf("imap      ok (%s@%s:%d, %s%s)", ic.Username, ic.Host, ic.Port, ic.Security, authNote(cfgIMAP)))
			found, err := c.DiscoverFolders(ctx)
			c.Close()
			if err != nil {
				errs = append(errs, fmt.Errorf("imap folders: %w", err))
			} else {
				for _, f := range []struct {
					role, label string
					f           mailbox.Folder
				}{{"sent", "Sent", found.Sent}, {"drafts", "Drafts", found.Drafts}, {"junk", "Junk", found.Junk}} {
					switch {
					case f.f.Found():
						lines = append(lines, fmt.Sprintf("  %-7s %s (%s)", f.role, f.f.Name, f.f.Source))
					case f.role == "junk":
						lines = append(lines, "  junk    not found (optional)")
					default:
						errs = append(errs, fmt.Errorf("imap: no %s folder found: no mailbox is marked \\%s and none has a usual %s name; "+
							"set imap.folders.%s to the folder your mail client uses (the server has: %s)",
							f.label, f.label, f.label, f.role, strings.Join(found.Mailboxes, ", ")))
					}
				}
			}
		}
	}
	if smtpPW != "" || cfgSMTP.Auth == config.AuthOAuth2 {
		sc, err := m.SMTPConfig(smtpPW)
		if err != nil {
			errs = append(errs, err)
		} else if c, err := outbox.Dial(ctx, sc); err != nil {
			if errors.Is(err, oauth.ErrSignInExpired) {
				return lines, err
			}
			errs = append(errs, withHint("smtp", cfgSMTP, fmt.Errorf("smtp %s:%d: %w", sc.Host, sc.Port, err)))
		} else {
			c.Close()
			lines = append(lines, fmt.Sprintf("smtp      ok (%s@%s:%d, %s%s)", sc.Username, sc.Host, sc.Port, sc.Security, authNote(cfgSMTP)))
		}
	}
	return lines, errors.Join(errs...)
}

// hinted is an error with advice for the user on the next line.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() + "\n    " + h.hint }
func (h *hinted) Unwrap() error { return h.err }

// withHint adds what to do about a connection or login failure to the
// server configured under key ("imap" or "smtp"), when the cause is
// recognisable.
func withHint(key string, s config.Server, err error) error {
	if h := authHint(key, s, err); h != "" {
		return &hinted{err: err, hint: h}
	}
	if h := hint(key, err); h != "" {
		return &hinted{err: err, hint: h}
	}
	return err
}

func hint(key string, err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		badHost   x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		dnsErr    *net.DNSError
		imapErr   *imap.Error
		sendErr   *outbox.SendError
	)
	switch {
	case errors.As(err, &unknownCA):
		return fmt.Sprintf("the server's certificate is not signed by an authority this system trusts; "+
			"if the server uses its own CA or a self-signed certificate, set %s.ca_file to that CA certificate (PEM)", key)
	case errors.As(err, &badHost) && badHost.Certificate != nil:
		names := badHost.Certificate.DNSNames
		return fmt.Sprintf("the server's certificate is not valid for %s.host %q; use a name it is valid for (%s)",
			key, badHost.Host, strings.Join(names, ", "))
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "the server's certificate has expired or is not valid yet (or this machine's clock is wrong)"
	case errors.As(err, &record):
		return fmt.Sprintf("the server did not answer with TLS: %s.security tls needs an implicit-TLS port (IMAP 993, SMTP 465); "+
			"use security starttls for IMAP 143 or SMTP 587", key)
	case errors.As(err, &imapErr) && (imapErr.Code == imap.ResponseCodeAuthenticationFailed || strings.Contains(err.Error(), ": login as ")),
		errors.As(err, &sendErr) && sendErr.AuthFailed() && sendErr.Code != 0:
		return fmt.Sprintf("the server refused the login: check %s.username and the password; "+
			"Gmail, iCloud, Yahoo and Fastmail accept only an app password here, not your account password", key)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("no such host: check %s.host", key)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing answers on that port: check %s.host and %s.port", key, key)
	}
	return ""
}

// checkOAuth2 gets a current access token once, before any connection:
// a sign-in that is missing, expired or revoked is then one clear error
// instead of one per protocol.
func checkOAuth2(ctx context.Context, cfg *config.Config) (string, error) {
	st := oauth.FromConfig(cfg)
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
