// Package inbound handles what the mailbox watcher finds: for each batch
// of new messages it matches them to contacts (by thread, then by
// address), fetches and classifies the bodies of those that may matter,
// lets the state machine decide, and applies every decision and the
// mailbox checkpoint in one transaction. It never changes the owner's
// mail. A message that makes a parser panic is quarantined, skipped, and
// the owner told once; the batch goes on.
package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"rapport/internal/apply"
	"rapport/internal/classify"
	"rapport/internal/clock"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/owner"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Bodies fetches message bodies (the watcher's own connection is busy
// idling).
type Bodies interface {
	Fetch(ctx context.Context, mb string, uid uint32) ([]byte, error)
}

// Handler is the watcher's handler (mailbox.Handler).
type Handler struct {
	Account  int64
	Owner    string // the owner's address
	Clock    clock.Clock
	Log      *slog.Logger
	Store    *store.Store
	Apply    *apply.Applier
	Commands *owner.Commands
	Bodies   Bodies
	// Sent is the Sent folder's name: mail there is the owner's own.
	Sent string
	// Home is the owner's zone; Loc a contact's.
	Home *time.Location
	Loc  func(c *model.Contact) *time.Location
	// Ours reports rapport's own marker on a message (another instance's
	// mail included); Foreign is told of a marked message this instance
	// did not make.
	Ours    func(h mailbox.Header) bool
	Foreign func(ctx context.Context, mb string, h mailbox.Header) error
	// OnApplied, if set, is told of each applied decision (the demo's
	// narration).
	OnApplied func(Applied)

	// Quarantined counts messages skipped after a panic.
	Quarantined atomic.Int64
}

// TestHookMessage, when set (tests only), runs before each message is
// handled: a panic there stands for a parser that panics on it.
var TestHookMessage func(h mailbox.Header)

// Applied is one processed message and what it did.
type Applied struct {
	Contact   *model.Contact // after the change
	From      model.Status
	Decision  pipeline.Decision
	Result    classify.Result
	MessageID string
	Mailbox   string
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Checkpoint implements mailbox.Handler.
func (h *Handler) Checkpoint(ctx context.Context, mb string) (uint32, uint32, error) {
	return h.Store.Checkpoint(ctx, h.Account, mb)
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
func (h *Handler) UIDValidityChanged(ctx context.Context, mb string, old, new uint32) error {
	floor := h.Clock.Now()
	cps, err := h.Store.Checkpoints(ctx, h.Account)
	if err != nil {
		return err
	}
	for _, cp := range cps {
		if cp.Mailbox == mb && cp.UIDValidity == old && !cp.UpdatedAt.IsZero() {
			floor = cp.UpdatedAt
		}
	}
	floor = floor.Add(-rescanMargin)
	h.log().Warn("UIDVALIDITY changed: rescanning the mailbox (known messages are skipped by Message-ID)",
		"mailbox", mb, "old", old, "new", new, "history_before", floor)
	return h.Store.WithTx(ctx, func(tx *store.Tx) error {
		// Once: a second change to the same UIDVALIDITY keeps the first floor.
		if _, err := tx.Once(ctx, h.Account, rescanKey(mb, new), floor.UTC().Format(time.RFC3339Nano)); err != nil {
			return err
		}
		return tx.SetCheckpoint(ctx, h.Account, mb, new, 0)
	})
}

// rescanMargin widens the rescan floor for the time between a header fetch
// and its commit, and for skew between the server's clock (INTERNALDATE)
// and rapport's.
const rescanMargin = 24 * time.Hour

func rescanKey(mb string, uidValidity uint32) string {
	return fmt.Sprintf("rescan-floor/%s/%d", mb, uidValidity)
}

func (h *Handler) historyFloor(ctx context.Context, mb string, uidValidity uint32) (time.Time, error) {
	v, ok, err := h.Store.OnceResult(ctx, h.Account, rescanKey(mb, uidValidity))
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
	h           mailbox.Header
	messageID   string
	contact     *model.Contact
	fromContact bool
	own         bool
	result      classify.Result
	draft       *store.Message // one of rapport's drafts, now sent by the owner
	quarantine  string         // why it was skipped (a panic)
}

// batch is what one Handle call knows about its messages, read with a
// few queries for the whole batch.
type batch struct {
	mb       string
	floor    time.Time
	known    map[string]*store.Message
	threads  map[string]int64
	byEmail  map[string]*model.Contact
	contacts map[int64]*model.Contact
}

// Handle implements mailbox.Handler: one transaction per batch.
func (h *Handler) Handle(ctx context.Context, mb string, uidValidity uint32, msgs []mailbox.Header) error {
	if len(msgs) == 0 {
		return nil
	}
	b, err := h.lookup(ctx, mb, uidValidity, msgs)
	if err != nil {
		return err
	}
	var work []processed
	for i := range msgs {
		m := msgs[i]
		if m.Err != nil {
			h.log().Warn("skipping a message the server could not deliver intact", "mailbox", mb, "uid", m.UID, "err", m.Err)
			continue
		}
		p, err := h.prepareSafely(ctx, b, m)
		if err != nil {
			return err
		}
		if p != nil {
			work = append(work, *p)
		}
	}
	var applied []Applied
	quarantined := 0
	err = h.Store.WithTx(ctx, func(tx *store.Tx) error {
		applied, quarantined = applied[:0], 0
		for _, p := range work {
			if p.quarantine != "" {
				quarantined++
				if err := h.recordQuarantine(ctx, tx, mb, uidValidity, p); err != nil {
					return err
				}
				continue
			}
			ap, err := h.apply(ctx, tx, mb, uidValidity, p)
			if err != nil {
				return err
			}
			if ap != nil {
				applied = append(applied, *ap)
			}
		}
		return tx.SetCheckpoint(ctx, h.Account, mb, uidValidity, msgs[len(msgs)-1].UID)
	})
	if err != nil {
		return err
	}
	if quarantined > 0 {
		h.Quarantined.Add(int64(quarantined))
	}
	if h.OnApplied != nil {
		for _, ap := range applied {
			h.OnApplied(ap)
		}
	}
	return nil
}

// lookup reads, for the whole batch, the messages already recorded, the
// threads the messages cite and the contacts their addresses name.
func (h *Handler) lookup(ctx context.Context, mb string, uidValidity uint32, msgs []mailbox.Header) (*batch, error) {
	b := &batch{mb: mb, contacts: map[int64]*model.Contact{}}
	var err error
	if b.floor, err = h.historyFloor(ctx, mb, uidValidity); err != nil {
		return nil, err
	}
	var ids, cites, addrs []string
	for i := range msgs {
		m := &msgs[i]
		ids = append(ids, messageIDOf(m))
		cites = append(cites, citedIDs(m)...)
		for _, l := range [][]*mail.Address{m.From, m.ReplyTo, m.To, m.Cc} {
			for _, a := range l {
				addrs = append(addrs, classify.NormalizeAddress(a.Address))
			}
		}
	}
	if b.known, err = h.Store.MessagesByMessageIDs(ctx, h.Account, ids); err != nil {
		return nil, err
	}
	if b.threads, err = h.Store.ThreadContacts(ctx, h.Account, cites); err != nil {
		return nil, err
	}
	if b.byEmail, err = h.Store.ContactsByEmails(ctx, h.Account, addrs); err != nil {
		return nil, err
	}
	for _, c := range b.byEmail {
		b.contacts[c.ID] = c
	}
	return b, nil
}

func messageIDOf(m *mailbox.Header) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	sum := sha256.Sum256(m.Raw)
	return "no-message-id." + hex.EncodeToString(sum[:12]) + "@rapport.invalid"
}

// citedIDs are the Message-IDs a message points at, most telling first.
func citedIDs(m *mailbox.Header) []string {
	ids := append([]string{}, m.InReplyTo...)
	for i := len(m.References) - 1; i >= 0; i-- {
		ids = append(ids, m.References[i])
	}
	if ms := m.Get("X-Microsoft-Original-Message-ID"); ms != "" {
		ids = append(ids, mailbox.MessageIDs(ms)...)
	}
	return ids
}

// prepareSafely is prepare with a panic turned into a quarantine.
func (h *Handler) prepareSafely(ctx context.Context, b *batch, m mailbox.Header) (p *processed, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.log().Error("quarantined a message that made rapport panic; skipped", "mailbox", b.mb, "uid", m.UID,
				"message_id", m.MessageID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			p, err = &processed{h: m, messageID: messageIDOf(&m), quarantine: fmt.Sprint(r)}, nil
		}
	}()
	if TestHookMessage != nil {
		TestHookMessage(m)
	}
	return h.prepare(ctx, b, m)
}

// prepare decides whether a message may concern a contact (from its
// headers), and if so fetches its body and classifies it.
func (h *Handler) prepare(ctx context.Context, b *batch, m mailbox.Header) (*processed, error) {
	me := classify.NormalizeAddress(h.Owner)
	from := ""
	if len(m.From) > 0 {
		from = classify.NormalizeAddress(m.From[0].Address)
	}
	own := from == me || b.mb == h.Sent
	p := &processed{h: m, own: own, messageID: messageIDOf(&m)}
	if h.Ours != nil && h.Ours(m) {
		// rapport's own mail (a notification, a confirmation, a copy in
		// Sent), this instance's or another's: never a command, never a
		// reply. Another instance's is worth a warning.
		if known := b.known[p.messageID]; known == nil && h.Foreign != nil {
			return nil, h.Foreign(ctx, b.mb, m)
		}
		if known := b.known[p.messageID]; known == nil || !h.sentDraft(b.mb, known) {
			return nil, nil
		}
	}
	// Already recorded (our own outbound mail seen in Sent, or a rescan),
	// unless it is one of our drafts that the owner has now sent.
	if known := b.known[p.messageID]; known != nil {
		if !h.sentDraft(b.mb, known) {
			return nil, nil
		}
		p.draft = known
	}
	// The owner's own commands, by mail.
	if own && h.Commands != nil && h.Commands.IsCommandMail(ctx, m) {
		return nil, h.Commands.Handle(ctx, b.mb, m, p.messageID)
	}
	c, byThread, err := h.match(ctx, b, m, own)
	if err != nil {
		return nil, err
	}
	history := !b.floor.IsZero() && !m.InternalDate.IsZero() && m.InternalDate.Before(b.floor)
	if c != nil && !byThread && history {
		return nil, nil // old mail from or to a contact, seen (or deliberately passed over) before the rescan
	}
	if c == nil && own {
		return nil, nil // the owner's mail to someone who is not a contact
	}
	if c == nil {
		if ok, _ := classify.Prefilter(&m); !ok {
			return nil, nil // not about a contact: not our business
		}
	}
	if own {
		p.contact = c
		p.result = classify.Result{Kind: classify.KindOwn, Calendar: h.ownCalendar(ctx, b.mb, m, c)}
		return p, nil
	}
	body, err := h.Bodies.Fetch(ctx, b.mb, m.UID)
	if err != nil {
		return nil, err
	}
	msg, err := classify.Parse(body, classify.DefaultLimits)
	if err != nil {
		h.log().Warn("skipping a message that cannot be parsed", "mailbox", b.mb, "uid", m.UID, "err", err)
		return nil, nil
	}
	cc := h.classifyContext(ctx, b, c)
	// A contact's own address: a spam filter's verdict alone does not make
	// their message junk (rapport reads the Junk folder too).
	cc.KnownSender = c != nil && addressIn(c.Email, m.From)
	p.result = classify.Classify(msg, cc)
	if rep := reportOf(p.result); rep != nil {
		if c == nil || !strings.EqualFold(c.Email, from) {
			bc, bcThread, err := h.reportContact(ctx, b, rep)
			if err != nil {
				return nil, err
			}
			if bc != nil {
				if !bcThread && history {
					return nil, nil // an old bounce about the address, not about rapport's mail
				}
				c = bc
			}
		}
		p.fromContact = true // a report about the contact's address is about them
	} else if c != nil {
		p.fromContact = addressIn(c.Email, m.From) || addressIn(c.Email, m.ReplyTo)
	}
	if c == nil {
		return nil, nil
	}
	ex := classify.Explain(msg, p.result)
	h.log().Info("classified", "mailbox", b.mb, "uid", m.UID, "contact", c.Email, "kind", ex.Kind,
		"intent", ex.Intent, "signals", strings.Join(ex.Signals, "; "))
	p.contact = c
	return p, nil
}

// classifyContext: times a contact writes are theirs (their timezone, else
// their Date: offset, else the owner's zone); a reply citing any message in
// rapport's thread table is in rapport's thread.
func (h *Handler) classifyContext(ctx context.Context, b *batch, c *model.Contact) classify.Context {
	cc := classify.Context{Now: h.Clock.Now(), Loc: h.Home, Own: []string{h.Owner},
		OurMessage: func(id string) bool {
			if _, ok := b.threads[id]; ok {
				return true
			}
			cid, err := h.Store.ThreadContact(ctx, h.Account, id)
			return err == nil && cid != 0
		}}
	if c != nil && h.Loc != nil && c.Timezone != "" {
		cc.ContactLoc = h.Loc(c)
	}
	return cc
}

// report is what a bounce or a complaint says about an address.
type report struct {
	addrs             []string
	originalMessageID string
}

func reportOf(r classify.Result) *report {
	switch {
	case r.Bounce != nil && (r.Kind == classify.KindBounce || r.Kind == classify.KindDelay):
		addrs := r.Bounce.FailedAddresses()
		for _, a := range r.Bounce.FinalAddresses() {
			addrs = append(addrs, a)
		}
		return &report{addrs: addrs, originalMessageID: r.Bounce.OriginalMessageID}
	case r.Complaint != nil && r.Kind == classify.KindComplaint:
		return &report{addrs: r.Complaint.Recipients, originalMessageID: r.Complaint.OriginalMessageID}
	}
	return nil
}

// match finds the contact a message concerns: by thread (In-Reply-To,
// References, X-Microsoft-Original-Message-ID) first, then by address.
func (h *Handler) match(ctx context.Context, b *batch, m mailbox.Header, own bool) (c *model.Contact, byThread bool, err error) {
	for _, id := range citedIDs(&m) {
		cid, ok := b.threads[id]
		if !ok {
			// Rare: a case-different Message-ID.
			if cid, err = h.Store.ThreadContact(ctx, h.Account, id); err != nil {
				return nil, false, err
			}
			ok = cid != 0
		}
		if ok {
			c, err := h.contact(ctx, b, cid)
			return c, true, err
		}
	}
	var addrs []*mail.Address
	if own {
		addrs = append(append(addrs, m.To...), m.Cc...)
	} else {
		addrs = append(append(addrs, m.From...), m.ReplyTo...)
	}
	for _, ad := range addrs {
		if c := b.byEmail[classify.NormalizeAddress(ad.Address)]; c != nil {
			return c, false, nil
		}
	}
	return nil, false, nil
}

func (h *Handler) contact(ctx context.Context, b *batch, id int64) (*model.Contact, error) {
	if c := b.contacts[id]; c != nil {
		return c, nil
	}
	c, err := h.Store.Contact(ctx, id)
	if err == nil {
		b.contacts[id] = c
	}
	return c, err
}

// reportContact finds the contact a bounce or complaint is about: by the
// original Message-ID (byThread) first, then by the failed recipients
// (Original-Recipient, then Final-Recipient).
func (h *Handler) reportContact(ctx context.Context, b *batch, rep *report) (c *model.Contact, byThread bool, err error) {
	if rep.originalMessageID != "" {
		cid, err := h.Store.ThreadContact(ctx, h.Account, rep.originalMessageID)
		if err != nil {
			return nil, false, err
		}
		if cid != 0 {
			c, err := h.contact(ctx, b, cid)
			return c, true, err
		}
	}
	for _, addr := range rep.addrs {
		if addr == "" {
			continue
		}
		c, err := h.Store.ContactByEmail(ctx, h.Account, classify.NormalizeAddress(addr))
		if err == nil {
			return c, false, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, false, err
		}
	}
	return nil, false, nil
}

// apply records the message and applies the state machine's decision in tx.
func (h *Handler) apply(ctx context.Context, tx *store.Tx, mb string, uidValidity uint32, p processed) (*Applied, error) {
	// Re-read inside the transaction: the state may have moved.
	known, err := tx.MessageByMessageID(ctx, h.Account, p.messageID)
	if err == nil && !h.sentDraft(mb, known) {
		return nil, nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	now := h.Clock.Now()
	dir, kind, state := model.In, model.Kind(p.result.Kind), model.MsgReceived
	if p.own {
		dir, kind, state = model.Out, "own", model.MsgSent
	}
	class := string(p.result.Kind)
	if p.result.Intent != "" {
		class += ":" + string(p.result.Intent)
	}
	from := ""
	if len(p.h.From) > 0 {
		from = p.h.From[0].Address
	}
	if known == nil && p.own {
		// A client that gives a sent draft a Message-ID of its own: the
		// draft to this contact with the same subject, answering the same
		// message, is the one sent.
		if d, err := h.draftLike(ctx, tx, p.contact.ID, p.h.Subject, strings.Join(p.h.InReplyTo, " ")); err != nil {
			return nil, err
		} else if d != nil && mb == h.Sent {
			if err := draftSent(ctx, tx, d, mb, uidValidity, p.h, now); err != nil {
				return nil, err
			}
			if err := tx.AddThreadID(ctx, h.Account, p.contact.ID, d.MessageID, "draft"); err != nil {
				return nil, err
			}
		}
	}
	if known != nil && h.sentDraft(mb, known) {
		if err := draftSent(ctx, tx, known, mb, uidValidity, p.h, now); err != nil {
			return nil, err
		}
	} else if _, err := tx.InsertMessage(ctx, h.Account, store.NewMessage{ContactID: p.contact.ID, Direction: dir, Kind: kind,
		State: state, MessageID: p.messageID, Subject: p.h.Subject, From: from, To: p.contact.Email, SentAt: p.h.Date,
		InReplyTo: strings.Join(p.h.InReplyTo, " "), Refs: strings.Join(p.h.References, " "),
		Mailbox: mb, UIDValidity: uidValidity, UID: p.h.UID, Class: class}); err != nil {
		return nil, err
	}
	if err := tx.AddThreadID(ctx, h.Account, p.contact.ID, p.messageID, mb); err != nil {
		return nil, err
	}
	res, err := h.Apply.Do(ctx, tx, p.contact.ID, p.messageID, func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
		if p.own {
			return pipeline.Own(c, f, p.result.Calendar, now, h.Apply.Policy), nil
		}
		return pipeline.Inbound(c, f, pipeline.Mail{Result: p.result, FromContact: p.fromContact, MessageID: p.messageID},
			now, h.Apply.Policy), nil
	})
	if err != nil {
		return nil, err
	}
	return &Applied{Contact: res.Contact, From: res.From, Decision: res.Decision, Result: p.result, MessageID: p.messageID,
		Mailbox: mb}, nil
}

// recordQuarantine records a message that was skipped after a panic, so it
// is not tried again, and tells the owner once.
func (h *Handler) recordQuarantine(ctx context.Context, tx *store.Tx, mb string, uidValidity uint32, p processed) error {
	if _, err := tx.MessageByMessageID(ctx, h.Account, p.messageID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	from := ""
	if len(p.h.From) > 0 {
		from = p.h.From[0].Address
	}
	if _, err := tx.InsertMessage(ctx, h.Account, store.NewMessage{Direction: model.In, Kind: "quarantined",
		State: model.MsgReceived, MessageID: p.messageID, Subject: p.h.Subject, From: from, SentAt: p.h.Date,
		Mailbox: mb, UIDValidity: uidValidity, UID: p.h.UID, Class: "quarantined: " + clip(p.quarantine, 200)}); err != nil {
		return err
	}
	first, err := tx.Once(ctx, h.Account, "quarantine-notice", p.messageID)
	if err != nil || !first || h.Apply == nil || h.Apply.Notifier == nil {
		return err
	}
	who := &model.Contact{Name: from, Email: from}
	return h.Apply.Notifier.Notify(ctx, tx, who, pipeline.Notice{Kind: pipeline.NoticeReview,
		Title: "rapport could not read a message and skipped it",
		Reason: fmt.Sprintf("the message %q from %s in %s (UID %d) made rapport fail; it was skipped and rapport carried on. "+
			"Read it yourself; this notice is sent once.", p.h.Subject, from, mb, p.h.UID)}, p.messageID)
}

// ownCalendar reads the calendar invitation in a message the owner sent,
// if it may hold one (the watcher fetches only headers). Best effort: a
// message that cannot be read is only the owner's own mail.
func (h *Handler) ownCalendar(ctx context.Context, mb string, m mailbox.Header, c *model.Contact) *classify.CalendarEvent {
	ct := strings.ToLower(m.Get("Content-Type"))
	if !strings.Contains(ct, "multipart") && !strings.Contains(ct, "text/calendar") {
		return nil
	}
	body, err := h.Bodies.Fetch(ctx, mb, m.UID)
	if err != nil {
		h.log().Warn("cannot read your message for a calendar invitation", "mailbox", mb, "uid", m.UID, "err", err)
		return nil
	}
	msg, err := classify.Parse(body, classify.DefaultLimits)
	if err != nil {
		return nil
	}
	// Without Own the classifier looks at the content, not the sender.
	return classify.Classify(msg, classify.Context{Now: h.Clock.Now(), Loc: h.Home}).Calendar
}

// sentDraft reports whether m is a draft rapport made that now shows up in
// Sent: the owner sent it (their client kept its Message-ID).
func (h *Handler) sentDraft(mb string, m *store.Message) bool {
	if m == nil || mb != h.Sent || m.Direction != model.Out {
		return false
	}
	switch m.State {
	case model.MsgDrafted, model.MsgWithdraw, model.MsgWithdrawn:
		return true
	}
	return false
}

// draftLike is rapport's unsent draft to a contact with this subject and
// In-Reply-To, or nil.
func (h *Handler) draftLike(ctx context.Context, tx *store.Tx, contactID int64, subject, inReplyTo string) (*store.Message, error) {
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return nil, nil
	}
	msgs, err := tx.MessagesMeta(ctx, contactID)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if m.Direction == model.Out && !m.Kind.ToOwner() && strings.EqualFold(strings.TrimSpace(m.Subject), subject) &&
			mailbox.NormalizeMessageID(m.InReplyTo) == mailbox.NormalizeMessageID(inReplyTo) &&
			(m.State == model.MsgDrafted || m.State == model.MsgWithdraw || m.State == model.MsgWithdrawn) {
			return m, nil
		}
	}
	return nil, nil
}

// draftSent records that the owner sent one of rapport's drafts.
func draftSent(ctx context.Context, tx *store.Tx, m *store.Message, mb string, uidValidity uint32, hd mailbox.Header, now time.Time) error {
	at := hd.Date
	if at.IsZero() {
		at = now
	}
	if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgSent, Attempts: m.Attempts, SentAt: at}); err != nil {
		return err
	}
	return tx.SetMessageLocation(ctx, m, mb, uidValidity, hd.UID)
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

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
