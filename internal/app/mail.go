package app

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"rapport/internal/apply"
	"rapport/internal/compose"
	"rapport/internal/config"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/oauth"
	"rapport/internal/outbox"
	"rapport/internal/render"
	"rapport/internal/schedule"
)

// mailParts are what the mail side is built from; made once per App.
type mailParts struct {
	templates *compose.Templates
	policy    schedule.Policy
	calendar  schedule.Calendar
	avail     []schedule.Availability
}

func (a *App) initMail() error {
	cfg := a.Config
	tpl, err := compose.Load(cfg.Templates)
	if err != nil {
		return &config.Error{Path: cfg.Path, Problems: []string{"templates: " + err.Error()}}
	}
	days, _ := schedule.ParseWeekdays(cfg.Outreach.Days) // validated at load
	win, _ := schedule.ParseWindow(cfg.Outreach.Window)
	sp, _ := schedule.ParseSpacing(cfg.Outreach.Spacing)
	cal, _ := schedule.NewCalendar(cfg.Outreach.Holidays)
	avail, _ := schedule.ParseAvailabilities(cfg.Me.Availability)
	a.mail = &mailParts{
		templates: tpl,
		policy:    schedule.Policy{Days: days, Window: win, DailyLimit: cfg.Outreach.DailyLimit, Spacing: sp, Home: cfg.Location()},
		calendar:  cal,
		avail:     avail,
	}
	return nil
}

// contactLocation is a contact's zone: its timezone, else the owner's.
func (a *App) contactLocation(c *model.Contact) *time.Location {
	if c != nil && c.Timezone != "" {
		if l, err := time.LoadLocation(c.Timezone); err == nil {
			return l
		}
	}
	return a.Config.Location()
}

// Preview returns the exact message that would be sent to a contact: the
// stored one if it is already queued, else a fresh rendering.
func (a *App) Preview(ctx context.Context, email, kind string) ([]byte, error) {
	c, err := a.Contacts.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	msgs, err := a.Store.MessagesByContact(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if string(m.Kind) == kind && m.Direction == model.Out && m.State == model.MsgQueued {
			return m.Raw, nil
		}
	}
	date := a.Clock.Now()
	if model.Kind(kind) == model.KindOutreach && c.Status == model.Queued && c.NextActionAt.After(date) {
		date = c.NextActionAt
	}
	r, err := a.Render.Render(ctx, a.Store, model.Kind(kind), c, date, render.Options{})
	if err != nil {
		return nil, err
	}
	return r.Raw, nil
}

// Secrets resolves both passwords once, at start.
func (a *App) Secrets(ctx context.Context) (imapPW, smtpPW config.Secret, err error) {
	if imapPW, err = a.Config.IMAP.Secret(ctx, "imap"); err != nil {
		return "", "", err
	}
	if smtpPW, err = a.Config.SMTP.Secret(ctx, "smtp"); err != nil {
		return "", "", err
	}
	return imapPW, smtpPW, nil
}

func caPool(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s holds no PEM certificate", file)
	}
	return pool, nil
}

// IMAPConfig is the mailbox configuration with the password resolved.
func (a *App) IMAPConfig(pw config.Secret) (mailbox.Config, error) {
	s := a.Config.IMAP
	roots, err := caPool(s.CAFile)
	if err != nil {
		return mailbox.Config{}, err
	}
	return mailbox.Config{Host: s.Host, Port: s.Port, Security: mailbox.Security(s.Security), Username: s.Username,
		Password: pw.Reveal(), OAuth2: a.tokenSourceFor(s), RootCAs: roots,
		Folders: mailbox.Folders{Sent: s.Folders.Sent, Drafts: s.Folders.Drafts, Junk: s.Folders.Junk}}, nil
}

// SMTPConfig is the submission configuration with the password resolved.
func (a *App) SMTPConfig(pw config.Secret) (outbox.SMTPConfig, error) {
	s := a.Config.SMTP
	roots, err := caPool(s.CAFile)
	if err != nil {
		return outbox.SMTPConfig{}, err
	}
	return outbox.SMTPConfig{Host: s.Host, Port: s.Port, Security: s.Security, Username: s.Username, Password: pw,
		OAuth2: a.tokenSourceFor(s), RootCAs: roots, HelloName: compose.DomainOf(a.Config.Me.Email)}, nil
}

// NewOutbox builds the outbox from the config.
func (a *App) NewOutbox(smtpCfg outbox.SMTPConfig, sent outbox.SentFolder) *outbox.Outbox {
	return &outbox.Outbox{
		Store: a.Store, Account: a.Account, Clock: a.Clock, Log: a.Log.With("part", "outbox"),
		From: a.Config.Me.Email, Home: a.Config.Location(), Policy: a.mail.policy, Calendar: a.mail.calendar,
		Render: func(ctx context.Context, src render.Source, kind model.Kind, c *model.Contact, date time.Time) (*render.Rendered, error) {
			return a.Render.Render(ctx, src, kind, c, date, render.Options{})
		},
		Sent: sent, Contacts: apply.Outbox{A: a.Apply}, Planner: a.Planner, Loc: a.contactLocation,
		Dial:   func(ctx context.Context) (*outbox.Conn, error) { return outbox.Dial(ctx, smtpCfg) },
		SignIn: signInProbe(smtpCfg.OAuth2),
	}
}

// signInProbe is the outbox's check that an OAuth2 sign-in works again,
// or nil without OAuth2.
func signInProbe(ts oauth.TokenSource) func(ctx context.Context) error {
	if ts == nil {
		return nil
	}
	return func(ctx context.Context) error {
		_, err := ts.Token(ctx)
		return err
	}
}

// Data is the template data of a kind of mail for a contact, dated date.
func (a *App) Data(ctx context.Context, kind model.Kind, c *model.Contact, date time.Time) (compose.Data, error) {
	return a.Render.Data(ctx, a.Store, kind, c, date, render.Options{})
}
