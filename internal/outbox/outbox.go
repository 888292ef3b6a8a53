// Package outbox sends mail at most once. A message's row, with its
// Message-ID, is committed before any connection is made; it is claimed in
// a transaction that re-checks the contact's status and the suppression
// list; it is marked in flight before DATA. A failure before DATA is
// retried with backoff; a final dot that goes unanswered leaves the row in
// doubt, resolved by looking for the Message-ID in the Sent folder, never by
// sending again blindly.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// Kinds of outbound mail the outbox sends.
const (
	KindOutreach     = "outreach"
	KindFollowup     = "followup"
	KindThankyou     = "thankyou"
	KindKeepInTouch  = "keepintouch"
	KindNotification = "notification"
	KindDigest       = "digest"
	KindConfirmation = "confirmation"
	KindPrep         = "prep" // the preparation note to the owner before a meeting
)

// toOwner reports whether mail of a kind goes to the mailbox owner: it may
// concern a contact, but it is not an exchange with them.
func toOwner(kind string) bool {
	switch kind {
	case KindNotification, KindDigest, KindConfirmation, KindPrep:
		return true
	}
	return false
}

// Rendered is a message ready to store: its exact bytes and identity.
type Rendered struct {
	Raw       []byte
	MessageID string // without <>
	Subject   string
	InReplyTo string
	Refs      string
}

// Renderer builds the message of a kind for a contact, dated date. It
// returns an error wrapping ErrNeedsInfo when a required field is missing.
type Renderer func(ctx context.Context, kind string, c *model.Contact, date time.Time) (*Rendered, error)

// ErrNeedsInfo marks a render failure the user must fix on the contact.
var ErrNeedsInfo = errors.New("contact needs information")

// SentFolder is the user's Sent folder, as the outbox needs it.
type SentFolder interface {
	// Find looks for a message by Message-ID (also
	// X-Microsoft-Original-Message-ID), returning its UID.
	Find(ctx context.Context, messageID string) (uid uint32, found bool, err error)
	// Append stores a copy and returns its UID (0 if the server does not say).
	Append(ctx context.Context, raw []byte, date time.Time) (uid uint32, err error)
	// Name is the folder's name.
	Name() string
}

// Dialer opens an SMTP connection for a batch.
type Dialer func(ctx context.Context) (*Conn, error)

// Outbox plans and sends outreach and sends queued messages of every kind.
type Outbox struct {
	Store    *store.Store
	Account  int64
	Clock    clock.Clock
	Log      *slog.Logger
	From     string // envelope sender: the user's address
	Home     *time.Location
	Policy   schedule.Policy
	Calendar schedule.Calendar
	Render   Renderer
	Dial     Dialer
	Sent     SentFolder // nil: no Sent reconciliation (tests of SMTP alone)
	// FollowupAfter is when a contacted contact's follow-up falls due.
	FollowupAfter schedule.Span
	// Batch is how many due messages one connection sends at most.
	Batch int
	// MaxAttempts before a temporarily failing message is given up.
	MaxAttempts int
	// QuotaPause is how long sending stops after a quota or rate reply.
	QuotaPause time.Duration
	// SentGrace is how long after sending the outbox waits for the
	// provider to file its own copy in Sent before appending one.
	SentGrace time.Duration
	// InDoubtGrace is how long an in-doubt message may be missing from a
	// self-filing provider's Sent before it is known not to have gone.
	InDoubtGrace time.Duration
	Rand         *rand.Rand
	// Only, when set, limits SendDue to messages of this kind (the
	// `digest --send` command sends the digest and nothing else).
	Only string

	once        sync.Once
	mu          sync.Mutex
	pausedUntil time.Time
	pauseWhy    string
}

func (o *Outbox) defaults() { o.once.Do(o.setDefaults) }

func (o *Outbox) setDefaults() {
	if o.Batch == 0 {
		o.Batch = 50
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 8
	}
	if o.QuotaPause == 0 {
		o.QuotaPause = time.Hour
	}
	if o.SentGrace == 0 {
		o.SentGrace = 15 * time.Second
	}
	if o.InDoubtGrace == 0 {
		o.InDoubtGrace = 10 * time.Minute
	}
	if o.Rand == nil {
		o.Rand = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x7261))
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Home == nil {
		o.Home = time.UTC
	}
}

// Paused reports whether sending is paused, until when and why.
func (o *Outbox) Paused() (bool, time.Time, string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.Clock.Now().Before(o.pausedUntil), o.pausedUntil, o.pauseWhy
}

func (o *Outbox) pause(d time.Duration, why string) {
	o.mu.Lock()
	o.pausedUntil = o.Clock.Now().Add(d)
	o.pauseWhy = why
	o.mu.Unlock()
}

// Recover runs at start-up: a message claimed but not yet in flight never
// reached DATA and goes back to the queue; one in flight may have been
// accepted and is in doubt.
func (o *Outbox) Recover(ctx context.Context) error {
	o.defaults()
	for _, st := range []struct{ from, to string }{{store.MsgSending, store.MsgQueued}, {store.MsgInFlight, store.MsgInDoubt}} {
		msgs, err := o.Store.MessagesInState(ctx, o.Account, st.from)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			err := o.Store.TransitionMessage(ctx, m, store.MsgUpdate{To: st.to, Attempts: m.Attempts,
				NextAttempt: m.NextAttemptAt(), LastError: m.LastError})
			if err != nil && !errors.Is(err, store.ErrStateChanged) {
				return err
			}
			if st.to == store.MsgInDoubt {
				o.Log.Warn("message in doubt after restart: the server may have accepted it; checking Sent",
					"message_id", m.MessageID, "to", m.ToAddr)
			}
		}
	}
	return nil
}

// Plan turns due queued contacts into outreach messages for the current
// send window: it renders each (a missing field moves the contact to
// needs_info), reserves a slot under the daily limit and spacing, and
// commits the message row with its Message-ID. Contacts whose next slot is
// in a later window are moved there instead.
func (o *Outbox) Plan(ctx context.Context) (planned int, err error) {
	o.defaults()
	now := o.Clock.Now()
	due, err := o.Store.DueContacts(ctx, o.Account, now)
	if err != nil {
		return 0, err
	}
	var times []time.Time
	if len(due) > 0 {
		times, err = o.Store.SendTimes(ctx, o.Account, KindOutreach, now.AddDate(0, 0, -2), now.AddDate(1, 0, 0))
		if err != nil {
			return 0, err
		}
	}
	plan := schedule.NewPlan(times)
	for _, c := range due {
		if c.Status != model.Queued || c.NextAction != "outreach" {
			continue
		}
		loc := o.Home
		if c.Timezone != "" {
			if l, err := time.LoadLocation(c.Timezone); err == nil {
				loc = l
			}
		}
		slot, err := plan.Reserve(now, loc, o.Policy, o.Calendar, o.Rand)
		if err != nil {
			return planned, fmt.Errorf("plan %s: %w", c.Email, err)
		}
		windowEnd, _ := windowEnd(now, loc, o.Policy)
		if slot.After(windowEnd) {
			// Not in this window: move the contact to its next slot.
			if err := o.Store.SetNextAction(ctx, c, "outreach", slot); err != nil {
				return planned, err
			}
			continue
		}
		ok, err := o.planOne(ctx, c, slot)
		if err != nil {
			return planned, err
		}
		if ok {
			planned++
		}
	}
	return planned, nil
}

// windowEnd is the end of today's window in loc for now.
func windowEnd(now time.Time, loc *time.Location, p schedule.Policy) (time.Time, bool) {
	l := now.In(loc)
	y, m, d := l.Date()
	return time.Date(y, m, d, p.Window.End.Hour(), p.Window.End.Minute(), 0, 0, loc), true
}

func (o *Outbox) planOne(ctx context.Context, c *model.Contact, slot time.Time) (bool, error) {
	r, rerr := o.Render(ctx, KindOutreach, c, slot)
	var planned bool
	err := o.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Status != model.Queued {
			return nil
		}
		if sup, _, err := tx.Suppressed(ctx, o.Account, cur.Email); err != nil {
			return err
		} else if sup {
			return tx.SetNextAction(ctx, cur, "", time.Time{}) // never sent to a suppressed address
		}
		if rerr != nil {
			if !errors.Is(rerr, ErrNeedsInfo) {
				return rerr
			}
			return tx.SetStatus(ctx, cur, store.Transition{To: model.NeedsInfo, Reason: rerr.Error(),
				Detail: "nothing sent: " + rerr.Error()})
		}
		if _, err := tx.InsertMessage(ctx, o.Account, store.NewMessage{ContactID: cur.ID, Direction: store.Out,
			Kind: KindOutreach, State: store.MsgQueued, MessageID: r.MessageID, InReplyTo: r.InReplyTo, Refs: r.Refs,
			Subject: r.Subject, From: o.From, To: cur.Email, Raw: r.Raw, PlannedAt: slot}); err != nil {
			return err
		}
		if err := tx.AddThreadID(ctx, o.Account, cur.ID, r.MessageID, "outbox"); err != nil {
			return err
		}
		planned = true
		return tx.SetNextAction(ctx, cur, "send", slot)
	})
	if err != nil && rerr != nil && !errors.Is(rerr, ErrNeedsInfo) {
		return false, fmt.Errorf("render outreach for %s: %w", c.Email, rerr)
	}
	return planned, err
}

// SendDue sends the messages that are due, over one connection.
func (o *Outbox) SendDue(ctx context.Context) (sent int, err error) {
	o.defaults()
	if p, until, why := o.Paused(); p {
		o.Log.Debug("sending paused", "until", until, "why", why)
		return 0, nil
	}
	limit := o.Batch
	if o.Only != "" {
		limit = 100000 // look past other kinds' due mail for the one asked for
	}
	due, err := o.Store.DueMessages(ctx, o.Account, o.Clock.Now(), limit)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	var conn *Conn
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	for _, m := range due {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		if p, _, _ := o.Paused(); p {
			break
		}
		if o.Only != "" && m.Kind != o.Only {
			continue
		}
		ok, err := o.claim(ctx, m)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue
		}
		if conn == nil {
			conn, err = o.Dial(ctx)
			if err != nil {
				var se *SendError
				if !errors.As(err, &se) {
					se = &SendError{Phase: PhaseConnect, Err: err}
				}
				return sent, o.failed(ctx, m, se)
			}
		}
		// A shutdown stops the batch between messages, never in the middle
		// of one: cutting a transaction after DATA would leave it in doubt.
		// The connection's own command timeouts still bound it.
		sendCtx := context.WithoutCancel(ctx)
		resp, err := conn.Send(sendCtx, m.FromAddr, m.ToAddr, m.Raw, func() error {
			return o.Store.TransitionMessage(sendCtx, m, store.MsgUpdate{To: store.MsgInFlight, Attempts: m.Attempts})
		})
		if err != nil {
			var se *SendError
			if !errors.As(err, &se) {
				// Our own failure before DATA (the database); the row
				// stays claimed and Recover puts it back.
				return sent, err
			}
			if ferr := o.failed(context.WithoutCancel(ctx), m, se); ferr != nil {
				return sent, ferr
			}
			if se.Code == 0 || se.Phase == PhaseDot {
				// The connection is gone or in an unknown state.
				conn = nil
			}
			continue
		}
		if err := o.delivered(context.WithoutCancel(ctx), m, resp); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// claim moves a due message to sending if its contact still wants it.
func (o *Outbox) claim(ctx context.Context, m *store.Message) (bool, error) {
	var ok bool
	err := o.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Message(ctx, m.ID)
		if err != nil {
			return err
		}
		*m = *cur
		if m.State != store.MsgQueued {
			return nil
		}
		if why := o.stopReason(ctx, tx, m); why != "" {
			o.Log.Info("message cancelled before sending", "message_id", m.MessageID, "to", m.ToAddr, "why", why)
			return tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgCancelled, Attempts: m.Attempts, LastError: why})
		}
		ok = true
		return tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgSending, Attempts: m.Attempts + 1})
	})
	if errors.Is(err, store.ErrStateChanged) {
		return false, nil
	}
	return ok, err
}

// stopReason says why a message must not go, or "": the address is
// suppressed, or the contact has moved on (stop means stop).
func (o *Outbox) stopReason(ctx context.Context, tx *store.Tx, m *store.Message) string {
	if sup, why, err := tx.Suppressed(ctx, o.Account, strings.ToLower(m.ToAddr)); err != nil {
		return "suppression check failed: " + err.Error()
	} else if sup {
		return "address suppressed (" + why + ")"
	}
	if m.Contact() == 0 {
		return ""
	}
	c, err := tx.Contact(ctx, m.Contact())
	if err != nil {
		return "contact missing"
	}
	want := map[string][]model.Status{
		KindOutreach:    {model.Queued},
		KindFollowup:    {model.Contacted},
		KindThankyou:    {model.Met, model.Thanked},
		KindKeepInTouch: {model.Thanked},
		KindPrep:        {model.Scheduled}, // a cancelled meeting needs no preparation
	}[m.Kind]
	if want == nil {
		return ""
	}
	for _, s := range want {
		if c.Status == s {
			return ""
		}
	}
	return "contact is " + string(c.Status)
}

// delivered records an accepted message and advances its contact.
func (o *Outbox) delivered(ctx context.Context, m *store.Message, resp string) error {
	now := o.Clock.Now()
	return o.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgSent, Attempts: m.Attempts, SentAt: now}); err != nil {
			return err
		}
		o.Log.Info("sent", "kind", m.Kind, "to", m.ToAddr, "message_id", m.MessageID, "server", resp)
		return o.advance(ctx, tx, m, now, "server accepted: "+resp)
	})
}

// advance moves the contact after one of its messages went out.
func (o *Outbox) advance(ctx context.Context, tx *store.Tx, m *store.Message, at time.Time, detail string) error {
	if m.Contact() == 0 {
		return nil
	}
	c, err := tx.Contact(ctx, m.Contact())
	if err != nil {
		return err
	}
	if toOwner(m.Kind) {
		// Mail to the owner about a contact is no exchange with them.
		return tx.AddEvent(ctx, o.Account, &model.Event{ContactID: c.ID, At: at, Type: model.EventNotification,
			From: c.Status, To: c.Status, Detail: m.Kind + " sent to you: " + m.Subject, MessageID: m.MessageID})
	}
	if err := tx.SetLastExchange(ctx, c, at); err != nil {
		return err
	}
	if m.Kind == KindOutreach && c.Status == model.Queued {
		next := o.FollowupAfter.AddTo(at.In(o.Home), o.Calendar.IsBusinessDay)
		return tx.SetStatus(ctx, c, store.Transition{To: model.Contacted, At: at, Reason: "outreach sent",
			NextAction: "followup", NextActionAt: next, EventType: model.EventSent,
			Detail: "outreach sent: " + m.Subject + " (" + detail + ")", MessageID: m.MessageID})
	}
	return tx.AddEvent(ctx, o.Account, &model.Event{ContactID: c.ID, At: at, Type: model.EventSent,
		From: c.Status, To: c.Status, Detail: m.Kind + " sent: " + m.Subject, MessageID: m.MessageID})
}

// failed records what a send error means for the message.
func (o *Outbox) failed(ctx context.Context, m *store.Message, se *SendError) error {
	now := o.Clock.Now()
	msg := se.Error()
	switch {
	case se.InDoubt():
		o.Log.Warn("no reply to the final dot: message in doubt, will check Sent", "message_id", m.MessageID, "to", m.ToAddr, "err", msg)
		return o.Store.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgInDoubt, Attempts: m.Attempts, LastError: msg})
	case se.Quota():
		o.pause(o.QuotaPause, msg)
		o.Log.Warn("the server asks us to slow down: sending paused", "until", now.Add(o.QuotaPause), "reply", msg)
		return o.requeue(ctx, m, now.Add(o.QuotaPause), msg, false)
	case se.AuthFailed():
		o.pause(15*time.Minute, msg)
		o.Log.Error("SMTP login failed: check the password; sending paused", "until", now.Add(15*time.Minute), "err", msg)
		return o.requeue(ctx, m, now.Add(15*time.Minute), msg, false)
	case se.Permanent():
		o.Log.Warn("server refused the message", "message_id", m.MessageID, "to", m.ToAddr, "reply", msg)
		return o.permanent(ctx, m, se)
	}
	if m.Attempts >= o.MaxAttempts {
		o.Log.Warn("giving up after repeated temporary failures", "message_id", m.MessageID, "to", m.ToAddr, "attempts", m.Attempts, "err", msg)
		return o.permanent(ctx, m, se)
	}
	next := now.Add(o.backoff(m.Attempts))
	o.Log.Info("temporary send failure, will retry", "message_id", m.MessageID, "to", m.ToAddr, "retry_at", next, "err", msg)
	return o.requeue(ctx, m, next, msg, true)
}

func (o *Outbox) requeue(ctx context.Context, m *store.Message, at time.Time, why string, countAttempt bool) error {
	attempts := m.Attempts
	if !countAttempt && attempts > 0 {
		attempts--
	}
	return o.Store.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgQueued, Attempts: attempts, NextAttempt: at, LastError: why})
}

// backoff is exponential from one minute, capped at an hour, with ±20%
// jitter so retries of many messages do not line up.
func (o *Outbox) backoff(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	if d > time.Hour {
		d = time.Hour
	}
	j := time.Duration(o.Rand.Int64N(int64(d)*2/5)) - d/5
	return d + j
}

// permanent marks the message failed; a recipient the server says does not
// exist bounces the contact.
func (o *Outbox) permanent(ctx context.Context, m *store.Message, se *SendError) error {
	msg := se.Error()
	return o.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgFailed, Attempts: m.Attempts, LastError: msg}); err != nil {
			return err
		}
		if m.Contact() == 0 {
			return nil
		}
		c, err := tx.Contact(ctx, m.Contact())
		if err != nil {
			return err
		}
		if se.Phase == PhaseRcpt && (strings.HasPrefix(se.Enhanced, "5.1.") || se.Code == 550 && se.Enhanced == "") {
			if err := tx.Suppress(ctx, o.Account, c.Email, "bounced", m.MessageID); err != nil {
				return err
			}
			if !c.Status.Suppressing() {
				return tx.SetStatus(ctx, c, store.Transition{To: model.Bounced, Reason: "recipient refused: " + msg,
					EventType: model.EventBounce, Detail: "the server refused the address: " + msg, MessageID: m.MessageID})
			}
			return nil
		}
		if m.Kind == KindOutreach && c.Status == model.Queued {
			return tx.SetStatus(ctx, c, store.Transition{To: model.NeedsInfo, Reason: "send failed: " + msg,
				EventType: model.EventFailed, Detail: "outreach not sent: " + msg, MessageID: m.MessageID})
		}
		return tx.AddEvent(ctx, o.Account, &model.Event{ContactID: c.ID, Type: model.EventFailed, From: c.Status,
			To: c.Status, Detail: m.Kind + " not sent: " + msg, MessageID: m.MessageID})
	})
}
