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

	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/oauth"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// Renderer builds the message of a kind for a contact, dated date, reading
// through src. It returns an error wrapping ErrNeedsInfo when a required
// field is missing.
type Renderer func(ctx context.Context, src render.Source, kind model.Kind, c *model.Contact, date time.Time) (*render.Rendered, error)

// ErrNeedsInfo marks a render failure the owner must fix on the contact.
var ErrNeedsInfo = render.ErrNeedsInfo

// SentFolder is the owner's Sent folder, as the outbox needs it.
type SentFolder interface {
	// Find looks for a message by Message-ID (also
	// X-Microsoft-Original-Message-ID), returning its UID.
	Find(ctx context.Context, messageID string) (uid uint32, found bool, err error)
	// Append stores a copy and returns its UID (0 if the server does not say).
	Append(ctx context.Context, raw []byte, date time.Time) (uid uint32, err error)
	// Name is the folder's name.
	Name() string
}

// Contacts is what the outbox tells the state machine, inside its own
// transactions: the outbox never writes a contact itself.
type Contacts interface {
	// Claimed: the first request to the contact is in the outbox.
	Claimed(ctx context.Context, tx *store.Tx, contactID int64, at time.Time) error
	// Replanned: the contact's first request moves to a new slot.
	Replanned(ctx context.Context, tx *store.Tx, contactID int64, at time.Time) error
	// NeedsInfo: the first request cannot be written (a field is missing).
	NeedsInfo(ctx context.Context, tx *store.Tx, contactID int64, why string) error
	// Sent: m was accepted by the server at at (or found in Sent).
	Sent(ctx context.Context, tx *store.Tx, m *store.Message, at time.Time, detail string) error
	// Refused: m was refused for good.
	Refused(ctx context.Context, tx *store.Tx, m *store.Message, recipientUnknown bool, msg string) error
	// InDoubt: m may or may not have gone; the owner must say.
	InDoubt(ctx context.Context, tx *store.Tx, m *store.Message, msg string) error
}

// Dialer opens an SMTP connection for a batch.
type Dialer func(ctx context.Context) (*Conn, error)

// Outbox sends the first requests at their planned slots and every queued
// message, at most once each.
type Outbox struct {
	Store    *store.Store
	Account  int64
	Clock    clock.Clock
	Log      *slog.Logger
	From     string // envelope sender: the owner's address
	Home     *time.Location
	Policy   schedule.Policy
	Calendar schedule.Calendar
	Render   Renderer
	Dial     Dialer
	Sent     SentFolder // nil: no Sent reconciliation (tests of SMTP alone)
	Contacts Contacts
	Planner  *Planner
	// Loc is a contact's zone (its timezone, else the owner's).
	Loc func(c *model.Contact) *time.Location
	// Batch is how many due messages one connection sends at most.
	Batch int
	// MaxAttempts before a temporarily failing message is given up.
	MaxAttempts int
	// QuotaPause is how long sending stops after a quota or rate reply.
	QuotaPause time.Duration
	// SentGrace is how long after sending the outbox waits for the
	// provider to file its own copy in Sent before appending one.
	SentGrace time.Duration
	// InDoubtRecheck is how often Sent is searched again for messages in
	// doubt (a provider may file them late).
	InDoubtRecheck time.Duration
	Rand           *rand.Rand
	// Only, when set, limits SendDue to messages of this kind (the
	// `digest --send` command sends the digest and nothing else).
	Only model.Kind
	// Hold, when set, is asked before a first request goes: a non-empty
	// answer holds the contact for the owner instead (someone they already
	// write to).
	Hold func(ctx context.Context, c *model.Contact) (why string, err error)
	// Blocked, when set, says why nothing may go to contacts now (another
	// instance runs on the mailbox); mail to the owner still goes.
	Blocked func(ctx context.Context) (why string, err error)

	// SignIn, when set (SMTP signs in with OAuth2), tells whether a
	// sign-in works again (an access token can be had): sending that
	// paused because the sign-in expired resumes as soon as it does.
	SignIn func(ctx context.Context) error

	once        sync.Once
	mu          sync.Mutex
	pausedUntil time.Time
	pauseWhy    string
	lastInDoubt time.Time
	// signInPause is set while sending waits for a new sign-in;
	// signInProbed is when SignIn was last asked.
	signInPause  bool
	signInProbed time.Time
}

// SignInState is the state key under which a sign-in that expired is
// recorded while sending waits for `rapport auth login` (for `rapport
// status`); it is removed when sending resumes.
const SignInState = "signin_expired"

// signInProbeEvery is how often SignIn is asked while sending waits.
const signInProbeEvery = time.Minute

// checkSignIn lifts a sign-in pause once a sign-in works again (a new
// `rapport auth login`, or a token helper that has a token again).
func (o *Outbox) checkSignIn(ctx context.Context) {
	o.mu.Lock()
	now := o.Clock.Now()
	if !o.signInPause || o.SignIn == nil || now.Sub(o.signInProbed) < signInProbeEvery && !o.signInProbed.IsZero() {
		o.mu.Unlock()
		return
	}
	o.signInProbed = now
	o.mu.Unlock()
	if err := o.SignIn(ctx); err != nil {
		return
	}
	o.mu.Lock()
	o.signInPause, o.pausedUntil, o.pauseWhy, o.signInProbed = false, time.Time{}, "", time.Time{}
	o.mu.Unlock()
	o.Log.Info("signed in again: sending resumes")
	if err := o.Store.SetState(ctx, o.Account, SignInState, ""); err != nil {
		o.Log.Warn("could not clear the sign-in note", "err", err)
	}
}

// signInExpired pauses sending until the owner signs in again: it is
// said once, not at every retry, and sending resumes by itself after the
// sign-in (checkSignIn).
func (o *Outbox) signInExpired(ctx context.Context, err error) {
	now := o.Clock.Now()
	msg := err.Error()
	o.mu.Lock()
	first := !o.signInPause
	o.signInPause, o.signInProbed = true, now
	o.pausedUntil, o.pauseWhy = now.Add(24*time.Hour), msg
	o.mu.Unlock()
	if !first {
		return
	}
	o.Log.Error("the OAuth2 sign-in expired or was revoked: sending is paused until you run `rapport auth login`", "err", msg)
	if err := o.Store.SetState(ctx, o.Account, SignInState, now.UTC().Format(time.RFC3339)+" "+msg); err != nil {
		o.Log.Warn("could not record the sign-in note", "err", err)
	}
}

// WakeSignIn makes the next pass ask SignIn at once (a process said a new
// sign-in was saved).
func (o *Outbox) WakeSignIn() {
	o.mu.Lock()
	o.signInProbed = time.Time{}
	o.mu.Unlock()
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
	if o.InDoubtRecheck == 0 {
		o.InDoubtRecheck = 10 * time.Minute
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

func (o *Outbox) blocked(ctx context.Context) (string, error) {
	if o.Blocked == nil {
		return "", nil
	}
	return o.Blocked(ctx)
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
	for _, st := range []struct{ from, to model.MsgState }{{model.MsgSending, model.MsgQueued}, {model.MsgInFlight, model.MsgInDoubt}} {
		msgs, err := o.Store.MessagesInState(ctx, o.Account, st.from)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if st.to == model.MsgInDoubt {
				o.Log.Warn("message in doubt after restart: the server may have accepted it; checking Sent, never resending",
					"message_id", m.MessageID, "to", m.ToAddr)
				if err := o.inDoubt(ctx, m, "interrupted after DATA began (restart)"); err != nil {
					return err
				}
				continue
			}
			err := o.Store.TransitionMessage(ctx, m, store.MsgUpdate{To: st.to, Attempts: m.Attempts,
				NextAttempt: m.NextAttemptAt(), LastError: m.LastError})
			if err != nil && !errors.Is(err, store.ErrStateChanged) {
				return err
			}
		}
	}
	return nil
}

// SendDue sends the messages that are due, over one connection.
func (o *Outbox) SendDue(ctx context.Context) (sent int, err error) {
	o.defaults()
	o.checkSignIn(ctx)
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
	gate, err := o.gate(ctx)
	if err != nil {
		return 0, err
	}
	block, err := o.blocked(ctx)
	if err != nil {
		return 0, err
	}
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
		if spaced(m.Kind) && o.Clock.Now().Before(gate) {
			continue // the next spaced send waits; Next wakes the outbox at the gate
		}
		if block != "" && !m.Kind.ToOwner() {
			continue // nothing to contacts while blocked
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
			return o.Store.TransitionMessage(sendCtx, m, store.MsgUpdate{To: model.MsgInFlight, Attempts: m.Attempts})
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
		if spaced(m.Kind) {
			gate = o.Clock.Now().Add(o.Policy.Spacing.Min)
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
		if m.State != model.MsgQueued {
			return nil
		}
		if why := o.stopReason(ctx, tx, m); why != "" {
			o.Log.Info("message cancelled before sending", "message_id", m.MessageID, "to", m.ToAddr, "why", why)
			return tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgCancelled, Attempts: m.Attempts, LastError: why})
		}
		ok = true
		return tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgSending, Attempts: m.Attempts + 1})
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
	want := map[model.Kind][]model.Status{
		model.KindOutreach:    {model.Queued},
		model.KindFollowup:    {model.Contacted},
		model.KindThankyou:    {model.Met, model.Thanked},
		model.KindKeepInTouch: {model.Thanked},
		model.KindPrep:        {model.Scheduled}, // a cancelled meeting needs no preparation
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
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgSent, Attempts: m.Attempts, SentAt: now}); err != nil {
			return err
		}
		o.Log.Info("sent", "kind", m.Kind, "to", m.ToAddr, "message_id", m.MessageID, "server", resp)
		return o.advance(ctx, tx, m, now, "server accepted: "+resp)
	})
}

// advance tells the state machine that one of a contact's messages went.
func (o *Outbox) advance(ctx context.Context, tx *store.Tx, m *store.Message, at time.Time, detail string) error {
	if m.Contact() == 0 || o.Contacts == nil {
		return nil
	}
	return o.Contacts.Sent(ctx, tx, m, at, detail)
}

// failed records what a send error means for the message.
func (o *Outbox) failed(ctx context.Context, m *store.Message, se *SendError) error {
	now := o.Clock.Now()
	msg := se.Error()
	switch {
	case se.InDoubt():
		o.Log.Warn("no reply to the final dot: message in doubt, will check Sent and never resend on a guess",
			"message_id", m.MessageID, "to", m.ToAddr, "err", msg)
		return o.inDoubt(ctx, m, msg)
	case se.Quota():
		o.pause(o.QuotaPause, msg)
		o.Log.Warn("the server asks us to slow down: sending paused", "until", now.Add(o.QuotaPause), "reply", msg)
		return o.requeue(ctx, m, now.Add(o.QuotaPause), msg, false)
	case se.AuthFailed() && errors.Is(se, oauth.ErrSignInExpired):
		o.signInExpired(ctx, se)
		return o.requeue(ctx, m, now, msg, false)
	case se.AuthFailed():
		o.pause(15*time.Minute, msg)
		what := "SMTP login failed: check the password"
		if o.SignIn != nil {
			what = "SMTP refused the OAuth2 sign-in: check smtp.username is the account you signed in as (`rapport auth status`)"
		}
		o.Log.Error(what+"; sending paused", "until", now.Add(15*time.Minute), "err", msg)
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
	return o.Store.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgQueued, Attempts: attempts, NextAttempt: at, LastError: why})
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
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgFailed, Attempts: m.Attempts, LastError: msg}); err != nil {
			return err
		}
		if m.Contact() == 0 || o.Contacts == nil {
			return nil
		}
		unknown := se.Phase == PhaseRcpt && (strings.HasPrefix(se.Enhanced, "5.1.") || se.Code == 550 && se.Enhanced == "")
		return o.Contacts.Refused(ctx, tx, m, unknown, msg)
	})
}

// inDoubt records that m may or may not have gone: it stays in doubt until
// found in Sent or settled by the owner, and the owner is told once.
func (o *Outbox) inDoubt(ctx context.Context, m *store.Message, why string) error {
	return o.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgInDoubt, Attempts: m.Attempts, LastError: why}); err != nil {
			return err
		}
		if m.Contact() == 0 || o.Contacts == nil || m.Kind.ToOwner() {
			return nil
		}
		return o.Contacts.InDoubt(ctx, tx, m, why)
	})
}
