package app

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"rapport/internal/classify"
	"rapport/internal/commands"
	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/digest"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Mail to the owner: notifications when something needs them, answers to
// their commands, and the weekly digest. The owner answers by mail; only
// commands they provably wrote (their From, and the same Message-ID in
// their Sent folder) are obeyed, each once.

// noticeFor turns a pipeline decision into the notice the owner gets.
func noticeFor(c *model.Contact, d pipeline.Decision, r classify.Result) digest.Notice {
	n := digest.Notice{Kind: digest.NoticeReply, Contact: *c, Text: r.NewText, Proposed: d.Proposed}
	switch {
	case d.Suppress == "bounced":
		n.Kind, n.Reason = digest.NoticeBounce, d.Detail
	case d.To == model.OptedOut:
		n.Kind = digest.NoticeOptOut
	case d.To == model.Declined:
		n.Kind = digest.NoticeDecline
	case d.To == model.Snoozed:
		n.Kind, n.Until = digest.NoticeSnooze, d.SnoozedUntil
	case len(d.Proposed) > 0:
		n.Kind = digest.NoticeProposal
	case len(d.Referrals) > 0:
		n.Kind = digest.NoticeReferral
	}
	for _, ref := range d.Referrals {
		s := ref.Name
		if ref.Email != "" {
			s = strings.TrimSpace(s + " <" + ref.Email + ">")
		}
		n.Referred = append(n.Referred, s)
	}
	if d.EventType == model.EventReview {
		n.Reason = d.Detail
	}
	return n
}

// ownerData is the template data of mail to the owner about c.
func (a *App) ownerData(c *model.Contact) compose.Data {
	me := a.Config.Me
	d := compose.Data{Me: compose.Me{Name: me.Name, Email: me.Email, Intro: me.Intro, Interest: me.Interest}}
	if c != nil {
		d.Contact = compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role, Status: string(c.Status)}
	}
	return d
}

// queueToOwner stores a message to the owner for the outbox to send now.
func (a *App) queueToOwner(ctx context.Context, tx *store.Tx, kind string, c *model.Contact, msg *compose.Message, inReplyTo string) error {
	raw, err := msg.Bytes()
	if err != nil {
		return err
	}
	var cid int64
	if c != nil {
		cid = c.ID
	}
	_, err = tx.InsertMessage(ctx, a.Account, store.NewMessage{ContactID: cid, Direction: store.Out, Kind: kind,
		State: store.MsgQueued, MessageID: msg.MessageID, InReplyTo: inReplyTo, Subject: msg.Rendered.Subject,
		From: a.Config.Me.Email, To: a.Config.Me.Email, Raw: raw, PlannedAt: a.Clock.Now()})
	return err
}

// notifyTx queues a notification about c, in tx, unless the owner chose
// to get everything in the digest.
func (a *App) notifyTx(ctx context.Context, tx *store.Tx, c *model.Contact, n digest.Notice, cause string) error {
	if a.Config.Notify != "instant" {
		return nil
	}
	now := a.Clock.Now()
	data := a.ownerData(c)
	data.Notification = digest.Notification(n, now, a.Config.Location())
	msg, err := a.mail.templates.Build(compose.KindNotification, data, compose.Envelope{Date: now,
		MessageID: compose.NewMessageIDAt(compose.DomainOf(a.Config.Me.Email), now)})
	if err != nil {
		return fmt.Errorf("build notification: %w", err)
	}
	if err := a.queueToOwner(ctx, tx, outbox.KindNotification, c, msg, ""); err != nil {
		return err
	}
	return tx.AddEvent(ctx, a.Account, &model.Event{ContactID: c.ID, Type: model.EventNotification, From: c.Status, To: c.Status,
		Detail: "notified you: " + data.Notification.Title, MessageID: cause})
}

// ownerKinds are the kinds of mail rapport sends the owner; a reply to one
// of them is a command about its contact.
var ownerKinds = map[string]bool{outbox.KindNotification: true, outbox.KindConfirmation: true, outbox.KindDigest: true, "prep": true}

// isCommandMail reports whether the owner's message is addressed to
// rapport: tagged [rapport], or a reply to mail rapport sent them.
func (in *Inbound) isCommandMail(ctx context.Context, h mailbox.Header) bool {
	me := strings.ToLower(in.a.Config.Me.Email)
	toMe := false
	for _, a := range append(append([]*mail.Address{}, h.To...), h.Cc...) {
		if classify.NormalizeAddress(a.Address) == me {
			toMe = true
		}
	}
	if !toMe {
		return false
	}
	if commands.IsCommandMail(h.Subject) {
		return true
	}
	_, ok := in.replyTo(ctx, h)
	return ok
}

// replyTo finds the rapport mail to the owner that h answers.
func (in *Inbound) replyTo(ctx context.Context, h mailbox.Header) (*store.Message, bool) {
	ids := append(append([]string{}, h.InReplyTo...), h.References...)
	for _, id := range ids {
		m, err := in.a.Store.MessageByMessageID(ctx, in.a.Account, id)
		if err == nil && ownerKinds[m.Kind] {
			return m, true
		}
	}
	return nil, false
}

// handleCommand obeys the owner's command mail once, if they provably
// wrote it, and answers with a confirmation or a clear error.
//
// What is obeyed is always the copy in the Sent folder: only the owner's
// own client files mail there. The INBOX copy proves nothing by itself
// (anyone can put the owner's address in From), and neither does its
// Message-ID being in Sent: everyone the owner ever wrote to knows the
// Message-ID of that mail. So for an INBOX copy the message in Sent with
// the same Message-ID is read instead, and obeyed only if it is itself a
// command mail.
func (in *Inbound) handleCommand(ctx context.Context, mb string, h mailbox.Header, messageID string) error {
	a := in.a
	if _, done, err := a.Store.OnceResult(ctx, a.Account, "command:"+messageID); err != nil || done {
		return err // already obeyed (the INBOX and the Sent copy both arrive)
	}
	var body []byte
	if mb == in.sent {
		b, err := in.fetch(ctx, mb, h.UID)
		if err != nil {
			return err
		}
		body = b
	} else {
		sh, b, err := in.sentCommand(ctx, messageID)
		if err != nil {
			return err
		}
		if b == nil {
			a.Log.Warn("ignored a command mail whose copy is not in your Sent folder (not provably yours)",
				"message_id", messageID, "subject", h.Subject)
			return nil
		}
		h, body = sh, b
	}
	// Marked obeyed only once read: a fetch that fails (a dropped
	// connection) fails the batch, which is retried, and the command must
	// still be there to obey then.
	first, err := a.Store.Once(ctx, a.Account, "command:"+messageID, "")
	if err != nil || !first {
		return err
	}
	msg, err := classify.Parse(body, classify.DefaultLimits)
	if err != nil {
		a.Log.Warn("skipping a command mail that cannot be parsed", "message_id", messageID, "err", err)
		return nil
	}
	cctx := commands.Context{Now: a.Clock.Now(), Loc: a.Config.Location()}
	var about *store.Message
	if m, ok := in.replyTo(ctx, h); ok {
		about = m
		if m.Contact() != 0 {
			if c, err := a.Store.Contact(ctx, m.Contact()); err == nil {
				cctx.DefaultContact = c.Email
			}
		}
	}
	cmds, perrs := commands.Parse(classify.StripQuoted(msg.Text), h.Subject, cctx)
	var lines []string
	for _, c := range cmds {
		res, err := a.Execute(ctx, c)
		if err != nil {
			lines = append(lines, fmt.Sprintf("✗ %s: %v", c.Raw, err))
			continue
		}
		lines = append(lines, "✓ "+res)
	}
	for _, pe := range perrs {
		lines = append(lines, "✗ "+pe.Error())
	}
	a.Log.Info("owner command mail", "message_id", messageID, "commands", len(cmds), "errors", len(perrs))
	return a.Store.WithTx(ctx, func(tx *store.Tx) error {
		return a.confirmTx(ctx, tx, h, messageID, about, lines)
	})
}

// sentCommand reads the command mail with messageID from the Sent folder:
// its header fields and raw message, or nil when Sent holds no command
// mail with that Message-ID.
func (in *Inbound) sentCommand(ctx context.Context, messageID string) (mailbox.Header, []byte, error) {
	uids, err := in.inSent(ctx, messageID)
	if err != nil {
		return mailbox.Header{}, nil, err
	}
	const maxCopies = 5 // the same Message-ID filed more than once
	for i, uid := range uids {
		if i == maxCopies {
			break
		}
		body, err := in.fetch(ctx, in.sent, uid)
		if err != nil {
			return mailbox.Header{}, nil, err
		}
		msg, err := classify.Parse(body, classify.DefaultLimits)
		if err != nil || (msg.MessageID != messageID && msg.MicrosoftOriginalMessage != messageID) {
			continue
		}
		h := mailbox.Header{UID: uid, MessageID: msg.MessageID, Subject: msg.Subject, InReplyTo: msg.InReplyTo,
			References: msg.References, From: mailAddrs(msg.From), To: mailAddrs(msg.To), Cc: mailAddrs(msg.Cc), Date: msg.Date}
		if in.isCommandMail(ctx, h) {
			return h, body, nil
		}
	}
	return mailbox.Header{}, nil, nil
}

func mailAddrs(l []classify.Address) []*mail.Address {
	out := make([]*mail.Address, 0, len(l))
	for _, a := range l {
		out = append(out, &mail.Address{Name: a.Name, Address: a.Addr})
	}
	return out
}

// inSent searches the Sent folder for a Message-ID over the handler's
// connection and returns the UIDs of the messages that have it.
func (in *Inbound) inSent(ctx context.Context, messageID string) ([]uint32, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.connLocked(ctx); err != nil {
		return nil, err
	}
	uids, err := in.conn.FindMessageID(ctx, in.sent, messageID)
	if err != nil {
		return nil, fmt.Errorf("search Sent: %w", err)
	}
	return uids, nil
}

// confirmTx queues the answer to a command mail, threaded on it.
func (a *App) confirmTx(ctx context.Context, tx *store.Tx, h mailbox.Header, messageID string, about *store.Message, lines []string) error {
	now := a.Clock.Now()
	title := "Done"
	for _, l := range lines {
		if strings.HasPrefix(l, "✗") {
			title = "Not everything was understood"
		}
	}
	var c *model.Contact
	if about != nil && about.Contact() != 0 {
		c, _ = tx.Contact(ctx, about.Contact())
	}
	data := a.ownerData(c)
	data.Notification = compose.Notification{Title: title, Text: strings.Join(lines, "\n"), TextLabel: "What rapport did:",
		Commands: commands.Usage}
	data.Thread = compose.Thread{Subject: h.Subject, MessageIDs: append(append([]string{}, h.References...), messageID)}
	msg, err := a.mail.templates.Build(compose.KindNotification, data, compose.Envelope{Date: now,
		MessageID: compose.NewMessageIDAt(compose.DomainOf(a.Config.Me.Email), now)})
	if err != nil {
		return fmt.Errorf("build confirmation: %w", err)
	}
	return a.queueToOwner(ctx, tx, outbox.KindConfirmation, c, msg, messageID)
}

// Execute carries out one owner command and says what it did.
func (a *App) Execute(ctx context.Context, c commands.Command) (string, error) {
	svc := a.Contacts
	switch c.Verb {
	case commands.Status:
		st, err := a.Status(ctx)
		if err != nil {
			return "", err
		}
		var parts []string
		for _, s := range model.Statuses {
			if n := st.ByStatus[s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", s, n))
			}
		}
		return fmt.Sprintf("%d contacts: %s", st.Contacts, strings.Join(parts, ", ")), nil
	case commands.Add:
		in := contacts.Input{Name: c.Add.Name, Email: c.Add.Email, Company: c.Add.Company, Role: c.Add.Role, ReferredBy: c.Add.ReferredBy}
		if in.ReferredBy == "" {
			in.ReferredBy = c.Contact
		}
		nc, err := svc.Add(ctx, in, "added by your email command")
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("added %s <%s>, first request planned for %s", nc.Name, nc.Email,
			nc.NextActionAt.In(a.Config.Location()).Format("Mon 2 Jan 15:04")), nil
	}
	if c.Contact == "" {
		return "", errors.New("which contact? name them by address")
	}
	switch c.Verb {
	case commands.Meeting:
		d := c.Duration
		if d == 0 {
			d = 30 * time.Minute
		}
		m, err := a.ScheduleMeeting(ctx, c.Contact, c.When, d, c.Format, "your email command")
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s: meeting on %s", c.Contact, m.Start.In(a.Config.Location()).Format("Mon 2 Jan 15:04")), nil
	case commands.Confirm:
		idx := c.Index
		if idx == 0 {
			idx = 1
		}
		m, err := a.ConfirmProposal(ctx, c.Contact, idx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s: meeting confirmed for %s", c.Contact, m.Start.In(a.Config.Location()).Format("Mon 2 Jan 15:04")), nil
	case commands.Met:
		if _, err := svc.SetStatus(ctx, c.Contact, model.Met, "you said you met"); err != nil {
			return "", err
		}
		return c.Contact + " is met; a thank-you draft follows", nil
	case commands.Thanked:
		if _, err := svc.SetStatus(ctx, c.Contact, model.Thanked, "you said you thanked them"); err != nil {
			return "", err
		}
		return c.Contact + " is thanked", nil
	case commands.Notes:
		ct, err := svc.Get(ctx, c.Contact)
		if err != nil {
			return "", err
		}
		if err := a.Store.AddEvent(ctx, a.Account, &model.Event{ContactID: ct.ID, Type: model.EventNote, From: ct.Status,
			To: ct.Status, Detail: c.Text}); err != nil {
			return "", err
		}
		return "notes saved on " + c.Contact + "'s timeline", nil
	case commands.Snooze:
		if _, err := svc.Snooze(ctx, c.Contact, c.Date, "snoozed by your email command"); err != nil {
			return "", err
		}
		return c.Contact + " is snoozed until " + c.Date.Format("Mon 2 Jan 2006"), nil
	case commands.Pause:
		if _, err := svc.Pause(ctx, c.Contact); err != nil {
			return "", err
		}
		return c.Contact + " is paused", nil
	case commands.Resume:
		ct, err := svc.Resume(ctx, c.Contact)
		if err != nil {
			return "", err
		}
		return c.Contact + " is " + string(ct.Status), nil
	case commands.Decline:
		if _, err := svc.SetStatus(ctx, c.Contact, model.Declined, "you marked them declined"); err != nil {
			return "", err
		}
		return c.Contact + " is declined", nil
	case commands.NoResponse:
		if _, err := svc.SetStatus(ctx, c.Contact, model.NoResponse, "you marked them no response"); err != nil {
			return "", err
		}
		return c.Contact + " is no_response", nil
	}
	return "", fmt.Errorf("%s: not supported", c.Verb)
}

// connLocked (re)dials the handler's own connection; in.mu is held.
func (in *Inbound) connLocked(ctx context.Context) error {
	if in.conn == nil || in.conn.Broken() {
		if in.conn != nil {
			in.conn.Close()
		}
		c, err := mailbox.Dial(ctx, in.imapCfg, in.a.Log)
		if err != nil {
			return err
		}
		in.conn = c
	}
	return nil
}
