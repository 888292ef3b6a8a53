package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"

	"rapport/internal/classify"
	"rapport/internal/contacts"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Inbound is the watcher's handler: it matches new mail to contacts,
// classifies it, and applies the pipeline's decision and the mailbox
// checkpoint in one transaction. It never changes the user's mail.
type Inbound struct {
	a       *App
	imapCfg mailbox.Config
	sent    string // the Sent folder's name: mail there is the user's own
	// MaxBody caps a fetched body; larger messages are classified on what
	// was fetched.
	MaxBody int64
	// OnApplied, if set, is told of each applied decision (notifications,
	// the demo's narration).
	OnApplied func(Applied)

	mu   sync.Mutex
	conn *mailbox.Conn
}

// Applied is one processed message and what it did.
type Applied struct {
	Contact   *model.Contact // after the change
	From      model.Status
	Decision  pipeline.Decision
	Result    classify.Result
	MessageID string
	Mailbox   string
}

// NewInbound builds the handler.
func (a *App) NewInbound(imapCfg mailbox.Config, sentFolder string) *Inbound {
	return &Inbound{a: a, imapCfg: imapCfg, sent: sentFolder, MaxBody: 1 << 20}
}

// Checkpoint implements mailbox.Handler.
func (in *Inbound) Checkpoint(ctx context.Context, mb string) (uint32, uint32, error) {
	return in.a.Store.Checkpoint(ctx, in.a.Account, mb)
}

// UIDValidityChanged implements mailbox.Handler: every stored UID is void,
// so the mailbox is rescanned from the start; messages already recorded
// are recognised by Message-ID and not processed twice.
func (in *Inbound) UIDValidityChanged(ctx context.Context, mb string, old, new uint32) error {
	in.a.Log.Warn("UIDVALIDITY changed: rescanning the mailbox (known messages are skipped by Message-ID)",
		"mailbox", mb, "old", old, "new", new)
	return in.a.Store.SetCheckpoint(ctx, in.a.Account, mb, new, 0)
}

// processed is one message ready to apply.
type processed struct {
	h         mailbox.Header
	messageID string
	contact   *model.Contact
	fromIt    bool
	own       bool
	result    classify.Result
}

// Handle implements mailbox.Handler.
func (in *Inbound) Handle(ctx context.Context, mb string, uidValidity uint32, msgs []mailbox.Header) error {
	if len(msgs) == 0 {
		return nil
	}
	a := in.a
	var work []processed
	for _, h := range msgs {
		if h.Err != nil {
			a.Log.Warn("skipping a message the server could not deliver intact", "mailbox", mb, "uid", h.UID, "err", h.Err)
			continue
		}
		p, err := in.prepare(ctx, mb, h)
		if err != nil {
			return err
		}
		if p != nil {
			work = append(work, *p)
		}
	}
	var applied []Applied
	err := a.Store.WithTx(ctx, func(tx *store.Tx) error {
		applied = applied[:0]
		for _, p := range work {
			ap, err := in.apply(ctx, tx, mb, uidValidity, p)
			if err != nil {
				return err
			}
			if ap != nil {
				applied = append(applied, *ap)
			}
		}
		return tx.SetCheckpoint(ctx, a.Account, mb, uidValidity, msgs[len(msgs)-1].UID)
	})
	if err != nil {
		return err
	}
	if in.OnApplied != nil {
		for _, ap := range applied {
			in.OnApplied(ap)
		}
	}
	return nil
}

// prepare decides whether a message may concern a contact (from its
// headers), and if so fetches its body and classifies it.
func (in *Inbound) prepare(ctx context.Context, mb string, h mailbox.Header) (*processed, error) {
	a := in.a
	me := strings.ToLower(a.Config.Me.Email)
	from := ""
	if len(h.From) > 0 {
		from = classify.NormalizeAddress(h.From[0].Address)
	}
	own := from == me || mb == in.sent
	p := &processed{h: h, own: own, messageID: h.MessageID}
	if p.messageID == "" {
		sum := sha256.Sum256(h.Raw)
		p.messageID = "no-message-id." + hex.EncodeToString(sum[:12]) + "@rapport.invalid"
	}
	// Already recorded (our own outbound mail seen in Sent, or a rescan).
	if _, err := a.Store.MessageByMessageID(ctx, a.Account, p.messageID); err == nil {
		return nil, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	c, err := in.match(ctx, h, own)
	if err != nil {
		return nil, err
	}
	bounceLike := !own && (from == "" || strings.HasPrefix(from, "mailer-daemon@") || strings.HasPrefix(from, "postmaster@") ||
		h.Get("X-Failed-Recipients") != "" || strings.Contains(strings.ToLower(h.Get("Content-Type")), "report"))
	if c == nil && !bounceLike {
		return nil, nil // not about a contact: not our business
	}
	if own {
		if c == nil {
			return nil, nil
		}
		p.contact = c
		p.result = classify.Result{Kind: classify.KindOwn}
		return p, nil
	}
	body, err := in.fetch(ctx, mb, h.UID)
	if err != nil {
		return nil, err
	}
	msg, err := classify.Parse(body, classify.DefaultLimits)
	if err != nil {
		a.Log.Warn("skipping a message that cannot be parsed", "mailbox", mb, "uid", h.UID, "err", err)
		return nil, nil
	}
	p.result = classify.Classify(msg, classify.Context{Now: a.Clock.Now(), Loc: a.Config.Location(), Own: []string{me}})
	if p.result.Kind == classify.KindBounce && p.result.Bounce != nil {
		if c == nil || !strings.EqualFold(c.Email, from) {
			if bc, err := in.bounceContact(ctx, p.result.Bounce); err != nil {
				return nil, err
			} else if bc != nil {
				c = bc
			}
		}
		p.fromIt = true // a bounce about the contact's address is about them
	} else if c != nil {
		p.fromIt = addressIn(c.Email, h.From) || addressIn(c.Email, h.ReplyTo)
	}
	if c == nil {
		return nil, nil
	}
	p.contact = c
	return p, nil
}

// match finds the contact a message concerns: by thread (In-Reply-To,
// References, X-Microsoft-Original-Message-ID) first, then by address.
func (in *Inbound) match(ctx context.Context, h mailbox.Header, own bool) (*model.Contact, error) {
	a := in.a
	ids := append([]string{}, h.InReplyTo...)
	for i := len(h.References) - 1; i >= 0; i-- {
		ids = append(ids, h.References[i])
	}
	if ms := h.Get("X-Microsoft-Original-Message-ID"); ms != "" {
		ids = append(ids, mailbox.MessageIDs(ms)...)
	}
	for _, id := range ids {
		cid, err := a.Store.ThreadContact(ctx, a.Account, id)
		if err != nil {
			return nil, err
		}
		if cid != 0 {
			return a.Store.Contact(ctx, cid)
		}
	}
	var addrs []*mail.Address
	if own {
		addrs = append(append(addrs, h.To...), h.Cc...)
	} else {
		addrs = append(append(addrs, h.From...), h.ReplyTo...)
	}
	for _, ad := range addrs {
		c, err := a.Store.ContactByEmail(ctx, a.Account, classify.NormalizeAddress(ad.Address))
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

func (in *Inbound) bounceContact(ctx context.Context, b *classify.Bounce) (*model.Contact, error) {
	a := in.a
	if b.OriginalMessageID != "" {
		cid, err := a.Store.ThreadContact(ctx, a.Account, b.OriginalMessageID)
		if err != nil {
			return nil, err
		}
		if cid != 0 {
			return a.Store.Contact(ctx, cid)
		}
	}
	for _, r := range b.Recipients {
		c, err := a.Store.ContactByEmail(ctx, a.Account, r.Addr)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// fetch reads a body over the handler's own connection (the watcher's is
// busy idling), redialling when it broke.
func (in *Inbound) fetch(ctx context.Context, mb string, uid uint32) ([]byte, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.conn == nil || in.conn.Broken() {
		if in.conn != nil {
			in.conn.Close()
		}
		c, err := mailbox.Dial(ctx, in.imapCfg, in.a.Log)
		if err != nil {
			return nil, err
		}
		in.conn = c
	}
	b, err := in.conn.FetchBody(ctx, mb, uid, in.MaxBody)
	if err != nil {
		return nil, fmt.Errorf("fetch body %s/%d: %w", mb, uid, err)
	}
	return b.Raw, nil
}

// Close closes the body connection.
func (in *Inbound) Close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.conn == nil {
		return nil
	}
	err := in.conn.Close()
	in.conn = nil
	return err
}

// apply records the message and applies the pipeline decision in tx.
func (in *Inbound) apply(ctx context.Context, tx *store.Tx, mb string, uidValidity uint32, p processed) (*Applied, error) {
	a := in.a
	// Re-read inside the transaction: the state may have moved.
	if _, err := tx.MessageByMessageID(ctx, a.Account, p.messageID); err == nil {
		return nil, nil
	}
	c, err := tx.Contact(ctx, p.contact.ID)
	if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	var d pipeline.Decision
	if p.own {
		d = pipeline.Own(c, now)
	} else {
		d = pipeline.Inbound(c, p.result, p.fromIt, now, pipeline.Policy{AddBusinessDays: a.mail.calendar.AddBusinessDays})
	}
	dir, kind, state := store.In, string(p.result.Kind), store.MsgReceived
	if p.own {
		dir, kind, state = store.Out, "own", store.MsgSent
	}
	class := string(p.result.Kind)
	if p.result.Intent != "" {
		class += ":" + string(p.result.Intent)
	}
	from := ""
	if len(p.h.From) > 0 {
		from = p.h.From[0].Address
	}
	if _, err := tx.InsertMessage(ctx, a.Account, store.NewMessage{ContactID: c.ID, Direction: dir, Kind: kind, State: state,
		MessageID: p.messageID, Subject: p.h.Subject, From: from, To: c.Email, SentAt: p.h.Date,
		InReplyTo: strings.Join(p.h.InReplyTo, " "), Refs: strings.Join(p.h.References, " "),
		Mailbox: mb, UIDValidity: uidValidity, UID: p.h.UID, Class: class}); err != nil {
		return nil, err
	}
	if err := tx.AddThreadID(ctx, a.Account, c.ID, p.messageID, mb); err != nil {
		return nil, err
	}
	before := c.Status
	if err := ApplyDecision(ctx, tx, a.Contacts, c, d, p.messageID); err != nil {
		return nil, err
	}
	return &Applied{Contact: c, From: before, Decision: d, Result: p.result, MessageID: p.messageID, Mailbox: mb}, nil
}

// ApplyDecision carries out a pipeline decision for c in tx.
func ApplyDecision(ctx context.Context, tx *store.Tx, svc *contacts.Service, c *model.Contact, d pipeline.Decision, messageID string) error {
	now := svc.Store.Clock().Now()
	if d.CancelPlanned {
		msgs, err := tx.MessagesByContact(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Direction == store.Out && m.State == store.MsgQueued {
				if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgCancelled, Attempts: m.Attempts,
					LastError: "cancelled: " + d.Detail}); err != nil {
					return err
				}
			}
		}
	}
	if d.Suppress != "" {
		if err := tx.Suppress(ctx, svc.Account, c.Email, d.Suppress, messageID); err != nil {
			return err
		}
	}
	if d.Exchange {
		if err := tx.SetLastExchange(ctx, c, now); err != nil {
			return err
		}
	}
	if d.To != "" && d.To != c.Status {
		t := store.Transition{To: d.To, Reason: d.Reason, EventType: d.EventType, Detail: d.Detail, MessageID: messageID,
			NextAction: c.NextAction, NextActionAt: c.NextActionAt, SnoozedUntil: d.SnoozedUntil, ResumeStatus: d.ResumeStatus}
		if d.SetNext {
			t.NextAction, t.NextActionAt = d.NextAction, d.NextActionAt
		}
		if err := tx.SetStatus(ctx, c, t); err != nil {
			return err
		}
	} else {
		if err := tx.AddEvent(ctx, svc.Account, &model.Event{ContactID: c.ID, Type: d.EventType, From: c.Status, To: c.Status,
			Detail: d.Detail, MessageID: messageID}); err != nil {
			return err
		}
		if d.SetNext {
			if err := tx.SetNextAction(ctx, c, d.NextAction, d.NextActionAt); err != nil {
				return err
			}
		}
	}
	for _, ref := range d.Referrals {
		if ref.Email == "" {
			continue // a name alone goes to the owner, who can add them
		}
		if err := addReferral(ctx, tx, svc, c, ref); err != nil {
			return err
		}
	}
	return nil
}

// addReferral adds a person a contact suggested, referred by that contact.
func addReferral(ctx context.Context, tx *store.Tx, svc *contacts.Service, by *model.Contact, ref classify.Referral) error {
	in := contacts.Input{Name: ref.Name, Email: ref.Email, ReferredBy: by.Email, Company: by.Company}
	if in.Name == "" {
		in.Name = strings.Split(ref.Email, "@")[0]
	}
	nc, err := in.Validate()
	if err != nil {
		return nil // a referral we cannot use is only on the timeline
	}
	if sup, _, err := tx.Suppressed(ctx, svc.Account, nc.Email); err != nil || sup {
		return err
	}
	if _, err := tx.ContactByEmail(ctx, svc.Account, nc.Email); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	nc.AccountID, nc.Status, nc.NextAction = svc.Account, model.Queued, contacts.NextActionOutreach
	nc.NextActionAt = svc.Store.Clock().Now()
	if svc.Planner != nil {
		nc.NextActionAt = svc.Planner.NextOutreach(nc, nc.NextActionAt)
	}
	return tx.InsertContact(ctx, nc, model.EventCreated, "referred by "+by.Name+" <"+by.Email+">")
}

// addressIn reports whether addr is among l (normalised).
func addressIn(addr string, l []*mail.Address) bool {
	for _, a := range l {
		if classify.NormalizeAddress(a.Address) == addr {
			return true
		}
	}
	return false
}
