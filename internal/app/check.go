package app

import (
	"context"
	"errors"
	"fmt"

	"rapport/internal/mailbox"
	"rapport/internal/outbox"
)

// Check verifies the passwords, the IMAP login and folders, and the SMTP
// login. It returns a line per finding and an error naming every failure.
func (a *App) Check(ctx context.Context) ([]string, error) {
	var lines []string
	var errs []error
	imapPW, err := a.Config.IMAP.ResolvePassword(ctx, "imap")
	if err != nil {
		errs = append(errs, err)
	}
	smtpPW, err := a.Config.SMTP.ResolvePassword(ctx, "smtp")
	if err != nil {
		errs = append(errs, err)
	}
	if imapPW != "" {
		cfg, err := a.IMAPConfig(imapPW)
		if err != nil {
			errs = append(errs, err)
		} else if c, err := mailbox.Dial(ctx, cfg, a.Log); err != nil {
			errs = append(errs, fmt.Errorf("imap %s:%d: %w", cfg.Host, cfg.Port, err))
		} else {
			lines = append(lines, fmt.Sprintf("imap      ok (%s@%s:%d, %s)", cfg.Username, cfg.Host, cfg.Port, cfg.Security))
			found, err := c.DiscoverFolders(ctx)
			c.Close()
			if err != nil {
				errs = append(errs, fmt.Errorf("imap folders: %w", err))
			} else {
				for _, f := range []struct {
					role string
					f    mailbox.Folder
				}{{"sent", found.Sent}, {"drafts", found.Drafts}, {"junk", found.Junk}} {
					if f.f.Found() {
						lines = append(lines, fmt.Sprintf("  %-7s %s (%s)", f.role, f.f.Name, f.f.Source))
					} else if f.role == "junk" {
						lines = append(lines, "  junk    not found (optional)")
					} else {
						errs = append(errs, fmt.Errorf("imap: no %s folder found; set imap.folders.%s", f.role, f.role))
					}
				}
			}
		}
	}
	if smtpPW != "" {
		cfg, err := a.SMTPConfig(smtpPW)
		if err != nil {
			errs = append(errs, err)
		} else if c, err := outbox.Dial(ctx, cfg); err != nil {
			errs = append(errs, fmt.Errorf("smtp %s:%d: %w", cfg.Host, cfg.Port, err))
		} else {
			c.Close()
			lines = append(lines, fmt.Sprintf("smtp      ok (%s@%s:%d, %s)", cfg.Username, cfg.Host, cfg.Port, cfg.Security))
		}
	}
	return lines, errors.Join(errs...)
}
