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
	"time"

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
//
// The rescan also meets mail rapport never recorded on purpose: the
// history a first run starts after, and mail that was about nobody when it
// came. So it records a floor, the time of the last batch handled under the
// old UIDVALIDITY less rescanMargin: during the rescan a message older than
// that which concerns a contact only by address is history and skipped;
// one threaded on rapport's mail is always processed.
func (in *Inbound) UIDValidityChanged(ctx context.Context, mb string, old, new uint32) error {
	a := in.a
	floor := a.Clock.Now()
	cps, err := a.Store.Checkpoints(ctx, a.Account)
	if err != nil {
		return err
	}
	for _, cp := range cps {
		if cp.Mailbox == mb && cp.UIDValidity == old && !cp.UpdatedAt.IsZero() {
			floor = cp.UpdatedAt
		}
	}
	floor = floor.Add(-rescanMargin)
	a.Log.Warn("UIDVALIDITY changed: rescanning the mailbox (known messages are skipped by Message-ID)",
		"mailbox", mb, "old", old, "new", new, "history_before", floor)
	return a.Store.WithTx(ctx, func(tx *store.Tx) error {
		// Once: a second change to the same UIDVALIDITY keeps the first floor.
		if _, err := tx.Once(ctx, a.Account, rescanKey(mb, new), floor.UTC().Format(time.RFC3339Nano)); err != nil {
			return err
		}
		return tx.SetCheckpoint(ctx, a.Account, mb, new, 0)
	})
}

// rescanMargin widens the rescan floor for the time between a header fetch
// and its commit, and for skew between the server's clock (INTERNALDATE)
// and rapport's.
const rescanMargin = 24 * time.Hour

func rescanKey(mb string, uidValidity uint32) string {
	return fmt.Sprintf("rescan-floor/%s/%d", mb, uidValidity)
}

// historyFloor returns the rescan floor of mailbox under uidValidity, or
// the zero time when it was not rescanned.
func (in *Inbound) historyFloor(ctx context.Context, mb string, uidValidity uint32) (time.Time, error) {
	v, ok, err := in.a.Store.OnceResult(ctx, in.a.Account, rescanKey(mb, uidValidity))
	if err != nil || !ok {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("rescan floor of %s: %w", mb, err)
	}
	return t, nil
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
	floor, err := in.historyFloor(ctx, mb, uidValidity)
	if err != nil {
		return err
	}
	var work []processed
	for _, h := range msgs {
		if h.Err != nil {
			a.Log.Warn("skipping a message the server could not deliver intact", "mailbox", mb, "uid", h.UID, "err", h.Err)
			continue
		}
		p, err := in.prepare(ctx, mb, h, floor)
		if err != nil {
			return err
		}
		if p != nil {
			work = append(work, *p)
		}
	}
	var applied []Applied
	err = a.Store.WithTx(ctx, func(tx *store.Tx) error {
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
//
// floor, when set, is the rescan floor (see UIDValidityChanged).
func (in *Inbound) prepare(ctx context.Context, mb string, h mailbox.Header, floor time.Time) (*processed, error) {
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
	// Already recorded (our own outbound mail seen in Sent, or a rescan),
	// unless it is one of our drafts that the user has now sent.
	if m, err := a.Store.MessageByMessageID(ctx, a.Account, p.messageID); err == nil {
		if !in.sentDraft(mb, m) {
			return nil, nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// The owner's own commands, by mail (owner.go).
	if own && in.isCommandMail(ctx, h) {
		return nil, in.handleCommand(ctx, mb, h, p.messageID)
	}
	c, byThread, err := in.match(ctx, h, own)
	if err != nil {
		return nil, err
	}
	history := !floor.IsZero() && !h.InternalDate.IsZero() && h.InternalDate.Before(floor)
	if c != nil && !byThread && history {
		return nil, nil // old mail from or to a contact, seen (or deliberately passed over) before the rescan
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
		p.result = classify.Result{Kind: classify.KindOwn, Calendar: in.ownCalendar(ctx, mb, h)}
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
			if bc, bcThread, err := in.bounceContact(ctx, p.result.Bounce); err != nil {
				return nil, err
			} else if bc != nil {
				if !bcThread && history {
					return nil, nil // an old bounce about the address, not about rapport's mail
				}
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
// byThread reports a thread match.
func (in *Inbound) match(ctx context.Context, h mailbox.Header, own bool) (c *model.Contact, byThread bool, err error) {
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
			return nil, false, err
		}
		if cid != 0 {
			c, err := a.Store.Contact(ctx, cid)
			return c, true, err
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
			return c, false, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, false, err
		}
	}
	return nil, false, nil
}

// bounceContact finds the contact a bounce is about: by the original
// Message-ID (byThread) first, then by the failed recipients.
func (in *Inbound) bounceContact(ctx context.Context, b *classify.Bounce) (c *model.Contact, byThread bool, err error) {
	a := in.a
	if b.OriginalMessageID != "" {
		cid, err := a.Store.ThreadContact(ctx, a.Account, b.OriginalMessageID)
		if err != nil {
			return nil, false, err
		}
		if cid != 0 {
			c, err := a.Store.Contact(ctx, cid)
			return c, true, err
		}
	}
	for _, r := range b.Recipients {
		c, err := a.Store.ContactByEmail(ctx, a.Account, r.Addr)
		if err == nil {
			return c, false, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, false, err
		}
	}
	return nil, false, nil
}

// fetch reads a body over the handler's own connection (the watcher's is
// busy idling), redialling when it broke.
func (in *Inbound) fetch(ctx context.Context, mb string, uid uint32) ([]byte, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.connLocked(ctx); err != nil {
		return nil, err
	}
	b, err := in.conn.FetchBody(ctx, mb, uid, in.MaxBody)
	if errors.Is(err, mailbox.ErrNotFound) {
		// This connection keeps the mailbox examined between messages,
		// and a server with per-session views (Dovecot) shows it mail that
		// arrived since only after a command that syncs the view: a reply
		// the watcher just saw over IDLE is "not found" here until NOOP.
		if err = in.conn.Noop(ctx); err == nil {
			b, err = in.conn.FetchBody(ctx, mb, uid, in.MaxBody)
		}
	}
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
	draft, err := tx.MessageByMessageID(ctx, a.Account, p.messageID)
	if err == nil && !in.sentDraft(mb, draft) {
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
	if in.sentDraft(mb, draft) {
		if err := draftSent(ctx, tx, draft, mb, uidValidity, p.h, now); err != nil {
			return nil, err
		}
	} else if _, err := tx.InsertMessage(ctx, a.Account, store.NewMessage{ContactID: c.ID, Direction: dir, Kind: kind, State: state,
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
	if err := in.meetingsFrom(ctx, tx, c, p, d); err != nil {
		return nil, err
	}
	if d.Notify {
		if err := a.notifyTx(ctx, tx, c, noticeFor(c, d, p.result), p.messageID); err != nil {
			return nil, err
		}
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
