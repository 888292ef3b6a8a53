package app

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"rapport/internal/classify"
	"rapport/internal/compose"
	"rapport/internal/config"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/schedule"
	"rapport/internal/store"
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

// outreachPlanner queues new contacts for their next allowed slot.
type outreachPlanner struct{ a *App }

func (p outreachPlanner) NextOutreach(c *model.Contact, now time.Time) time.Time {
	t, err := schedule.NextSlot(now, p.a.contactLocation(c), p.a.mail.policy, p.a.mail.calendar, nil, nil)
	if err != nil {
		return now
	}
	return t
}

func (a *App) contactLocation(c *model.Contact) *time.Location {
	if c.Timezone != "" {
		if l, err := time.LoadLocation(c.Timezone); err == nil {
			return l
		}
	}
	return a.Config.Location()
}

// Data maps a contact to template data for a kind, dated date.
func (a *App) Data(ctx context.Context, kind string, c *model.Contact, date time.Time) (compose.Data, error) {
	me := a.Config.Me
	d := compose.Data{
		Me: compose.Me{Name: me.Name, Email: me.Email, Intro: me.Intro, Interest: me.Interest},
		Contact: compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role,
			Connection: c.Connection, Status: string(c.Status), Custom: c.Custom},
	}
	if ref := c.ReferredBy; ref != "" {
		if strings.Contains(ref, "@") {
			d.Contact.ReferrerEmail = ref
			if r, err := a.Store.ContactByEmail(ctx, a.Account, ref); err == nil {
				d.Contact.ReferrerName = r.Name
			}
		} else {
			d.Contact.ReferrerName = ref
		}
	}
	for _, o := range schedule.MeetingOptions(date.In(a.Config.Location()), a.mail.avail, a.mail.calendar, 2) {
		d.Options = append(d.Options, o.Human())
	}
	if kind != outbox.KindOutreach && !compose.Kind(kind).ToOwner() {
		msgs, err := a.Store.MessagesByContact(ctx, c.ID)
		if err != nil {
			return d, err
		}
		d.Thread = threadOf(kind, msgs)
	}
	if err := a.lifecycleData(ctx, kind, c, &d); err != nil {
		return d, err
	}
	return d, nil
}

// threadOf is the conversation a message of kind replies to. A follow-up
// threads on what the user sent (the outreach, earlier follow-ups that
// went, their own replies), never on an auto-reply or a bounce; other
// mail to the contact also threads on what the contact wrote. Drafts that
// were never sent are not part of the thread. Mail to the owner has none.
func threadOf(kind string, msgs []*store.Message) compose.Thread {
	var t compose.Thread
	for _, m := range msgs {
		if compose.Kind(m.Kind).ToOwner() || m.Kind == outbox.KindConfirmation {
			continue // about the contact, but mail to the owner
		}
		if m.Direction == store.Out && m.State == store.MsgSent && (t.Subject == "" || m.Kind == outbox.KindOutreach) {
			t.Subject = m.Subject // the outreach's, else the first the user sent
		}
		switch {
		case m.Direction == store.Out && m.State == store.MsgSent:
		case m.Direction == store.In && kind != outbox.KindFollowup &&
			m.Kind != string(classify.KindBounce) && m.Kind != string(classify.KindAutoReply):
		default:
			continue
		}
		t.MessageIDs = append(t.MessageIDs, m.MessageID)
	}
	return t
}

// Render builds the exact message of a kind for a contact; it is the
// outbox's Renderer. A missing field is ErrNeedsInfo.
func (a *App) Render(ctx context.Context, kind string, c *model.Contact, date time.Time) (*outbox.Rendered, error) {
	d, err := a.Data(ctx, kind, c, date)
	if err != nil {
		return nil, err
	}
	id := compose.NewMessageIDAt(compose.DomainOf(a.Config.Me.Email), date)
	msg, err := a.mail.templates.Build(compose.Kind(kind), d, compose.Envelope{Date: date, MessageID: id})
	if err != nil {
		var mf *compose.MissingFieldError
		var fe *compose.FieldError
		if errors.As(err, &mf) || errors.As(err, &fe) {
			return nil, fmt.Errorf("%w: %v", outbox.ErrNeedsInfo, err)
		}
		return nil, err
	}
	raw, err := msg.Bytes()
	if err != nil {
		return nil, err
	}
	r := &outbox.Rendered{Raw: raw, MessageID: msg.MessageID, Subject: msg.Rendered.Subject}
	if n := len(d.Thread.MessageIDs); n > 0 && kind != outbox.KindOutreach {
		r.InReplyTo = d.Thread.MessageIDs[n-1]
		r.Refs = strings.Join(d.Thread.MessageIDs, " ")
	}
	return r, nil
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
		if m.Kind == kind && m.Direction == store.Out && m.State == store.MsgQueued {
			return m.Raw, nil
		}
	}
	date := a.Clock.Now()
	if kind == outbox.KindOutreach && c.Status == model.Queued && c.NextActionAt.After(date) {
		date = c.NextActionAt
	}
	r, err := a.Render(ctx, kind, c, date)
	if err != nil {
		return nil, err
	}
	return r.Raw, nil
}

// Secrets resolves both passwords once, at start.
func (a *App) Secrets(ctx context.Context) (imapPW, smtpPW config.Secret, err error) {
	if imapPW, err = a.Config.IMAP.ResolvePassword(ctx, "imap"); err != nil {
		return "", "", err
	}
	if smtpPW, err = a.Config.SMTP.ResolvePassword(ctx, "smtp"); err != nil {
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
		Password: pw.Reveal(), RootCAs: roots, Folders: mailbox.Folders{Sent: s.Folders.Sent, Drafts: s.Folders.Drafts, Junk: s.Folders.Junk}}, nil
}

// SMTPConfig is the submission configuration with the password resolved.
func (a *App) SMTPConfig(pw config.Secret) (outbox.SMTPConfig, error) {
	s := a.Config.SMTP
	roots, err := caPool(s.CAFile)
	if err != nil {
		return outbox.SMTPConfig{}, err
	}
	return outbox.SMTPConfig{Host: s.Host, Port: s.Port, Security: s.Security, Username: s.Username, Password: pw,
		RootCAs: roots, HelloName: compose.DomainOf(a.Config.Me.Email)}, nil
}

// NewOutbox builds the outbox from the config.
func (a *App) NewOutbox(smtpCfg outbox.SMTPConfig, sent outbox.SentFolder) *outbox.Outbox {
	return &outbox.Outbox{
		Store: a.Store, Account: a.Account, Clock: a.Clock, Log: a.Log.With("part", "outbox"),
		From: a.Config.Me.Email, Home: a.Config.Location(), Policy: a.mail.policy, Calendar: a.mail.calendar,
		Render: a.Render, Sent: sent, FollowupAfter: a.Config.Followup.After.Span,
		Dial: func(ctx context.Context) (*outbox.Conn, error) { return outbox.Dial(ctx, smtpCfg) },
	}
}
