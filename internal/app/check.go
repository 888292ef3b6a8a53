package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/config"
	"rapport/internal/mailbox"
	"rapport/internal/oauth"
	"rapport/internal/outbox"
)

// CheckMail runs the checks of App.Check on a config alone, without opening
// the database: `rapport init` uses it before any state exists.
func CheckMail(ctx context.Context, cfg *config.Config, log *slog.Logger) ([]string, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a := &App{Config: cfg, Log: log}
	return a.Check(ctx)
}

// Check verifies the passwords or the OAuth2 sign-in, the IMAP login and
// folders, and the SMTP login. It returns a line per finding and an error
// naming every failure, each with what to do about it where the cause is
// recognisable. A sign-in that has expired or was revoked is the one
// error (it matches oauth.ErrSignInExpired).
func (a *App) Check(ctx context.Context) ([]string, error) {
	var lines []string
	var errs []error
	cfgIMAP, cfgSMTP := a.Config.IMAP, a.Config.SMTP
	if a.Config.UsesOAuth2() {
		line, err := a.checkOAuth2(ctx)
		if err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	imapPW, err := a.passwordFor(ctx, cfgIMAP, "imap")
	if err != nil {
		errs = append(errs, err)
	}
	smtpPW, err := a.passwordFor(ctx, cfgSMTP, "smtp")
	if err != nil {
		errs = append(errs, err)
	}
	if imapPW != "" || cfgIMAP.Auth == config.AuthOAuth2 {
		cfg, err := a.IMAPConfig(imapPW)
		if err != nil {
			errs = append(errs, err)
		} else if c, err := mailbox.Dial(ctx, cfg, a.Log); err != nil {
			if errors.Is(err, oauth.ErrSignInExpired) {
				return lines, err
			}
			errs = append(errs, withHint("imap", cfgIMAP, fmt.Errorf("imap %s:%d: %w", cfg.Host, cfg.Port, err)))
		} else {
			lines = append(lines, fmt.Sprintf("imap      ok (%s@%s:%d, %s%s)", cfg.Username, cfg.Host, cfg.Port, cfg.Security, authNote(cfgIMAP)))
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
		cfg, err := a.SMTPConfig(smtpPW)
		if err != nil {
			errs = append(errs, err)
		} else if c, err := outbox.Dial(ctx, cfg); err != nil {
			if errors.Is(err, oauth.ErrSignInExpired) {
				return lines, err
			}
			errs = append(errs, withHint("smtp", cfgSMTP, fmt.Errorf("smtp %s:%d: %w", cfg.Host, cfg.Port, err)))
		} else {
			c.Close()
			lines = append(lines, fmt.Sprintf("smtp      ok (%s@%s:%d, %s%s)", cfg.Username, cfg.Host, cfg.Port, cfg.Security, authNote(cfgSMTP)))
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
