// Package apply writes the state machine's decisions. It is the one place
// that changes a contact's status, next action, follow-up count,
// suppression and meetings, and that makes the messages a decision asks
// for — always inside the transaction that read the contact, so a decision
// is never made on stale state. Nothing else writes a contact's status.
package apply

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/render"
	"rapport/internal/store"
)

// Renderer renders a kind of mail for a contact.
type Renderer interface {
	Render(ctx context.Context, src render.Source, kind model.Kind, c *model.Contact, date time.Time, o render.Options) (*render.Rendered, error)
}

// Planner plans a queued contact's first request: the next free slot after
// the queue, under the daily limit, on preferred days, inside the
// contact's window, spaced.
type Planner interface {
	Slot(ctx context.Context, tx *store.Tx, c *model.Contact, now time.Time) (time.Time, error)
}

// Notifier tells the owner about a contact (now, or in the digest).
type Notifier interface {
	Notify(ctx context.Context, tx *store.Tx, c *model.Contact, n pipeline.Notice, cause string) error
}

// Inviter builds a calendar invitation (or its cancellation) for a meeting.
type Inviter interface {
	Invite(ctx context.Context, tx *store.Tx, c *model.Contact, m *store.Meeting, method string, now time.Time) (*render.Rendered, error)
}

// Applier writes decisions for one account.
type Applier struct {
	Account int64
	Owner   string // the owner's address: never a suggested contact
	Clock   clock.Clock
	Log     *slog.Logger
	Policy  pipeline.Policy
	// Loc is a contact's zone (its timezone, else the owner's).
	Loc      func(c *model.Contact) *time.Location
	Render   Renderer
	Planner  Planner
	Notifier Notifier
	Inviter  Inviter
}

// Result is what one applied decision did.
type Result struct {
	Contact  *model.Contact // after the change
	From     model.Status
	Decision pipeline.Decision
	// Made lists the messages the decision made.
	Made []*store.Message
}

// Decide is a decision made on the contact as the transaction reads it.
type Decide func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error)

// Do reads the contact in tx, decides and applies. cause is the Message-ID
// that caused it, if any. An error from decide is returned as is (nothing
// written).
func (ap *Applier) Do(ctx context.Context, tx *store.Tx, contactID int64, cause string, decide Decide) (*Result, error) {
	c, err := tx.Contact(ctx, contactID)
	if err != nil {
		return nil, err
	}
	f, err := ap.Facts(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	d, err := decide(c, f)
	if err != nil {
		return nil, err
	}
	return ap.Apply(ctx, tx, c, f, d, cause)
}

// FactSource is what facts are read from.
type FactSource interface {
	MeetingsByContact(ctx context.Context, contactID int64) ([]*store.Meeting, error)
	MessagesMeta(ctx context.Context, contactID int64) ([]*store.Message, error)
	Suppressed(ctx context.Context, accountID int64, email string) (bool, string, error)
}

// Facts reads what the state machine needs to know about c beyond its row.
func (ap *Applier) Facts(ctx context.Context, src FactSource, c *model.Contact) (pipeline.Facts, error) {
	f := pipeline.Facts{Loc: ap.loc(c)}
	ms, err := src.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return f, err
	}
	for _, m := range ms {
		f.Meetings = append(f.Meetings, pipeline.Meeting{ID: m.ID, Start: m.Start, Duration: m.Duration,
			Format: m.Format, Location: m.Location, State: m.State, Prepared: m.Prepared})
	}
	msgs, err := src.MessagesMeta(ctx, c.ID)
	if err != nil {
		return f, err
	}
	for _, m := range msgs {
		if m.Direction != model.Out {
			continue
		}
		switch m.State {
		case model.MsgCancelled, model.MsgFailed, model.MsgWithdraw, model.MsgWithdrawn:
			continue
		}
		created := time.UnixMilli(m.CreatedAtMs).UTC()
		switch m.Kind {
		case model.KindThankyou:
			if c.Status == model.Met && !created.Before(c.StatusChangedAt) {
				f.ThankyouDone = true
			}
		case model.KindKeepInTouch:
			if created.After(f.LastKeepInTouch) {
				f.LastKeepInTouch = created
			}
		case model.KindFollowup:
			switch m.State {
			case model.MsgSent:
				f.FollowupsSent++
			case model.MsgDrafted:
				f.FollowupDrafts++
			}
		}
	}
	if c.Email != "" {
		if f.Suppressed, _, err = src.Suppressed(ctx, ap.Account, c.Email); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (ap *Applier) loc(c *model.Contact) *time.Location {
	if ap.Loc != nil {
		return ap.Loc(c)
	}
	return ap.Policy.Home
}

func (ap *Applier) log() *slog.Logger {
	if ap.Log != nil {
		return ap.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Apply writes d for c (read in tx, with its facts f).
func (ap *Applier) Apply(ctx context.Context, tx *store.Tx, c *model.Contact, f pipeline.Facts, d pipeline.Decision, cause string) (*Result, error) {
	res := &Result{Contact: c, From: c.Status, Decision: d}
	if d.Skip {
		return res, nil
	}
	now := ap.Clock.Now()
	if d.CancelPlanned {
		if err := ap.cancelPlanned(ctx, tx, c, d.Detail); err != nil {
			return nil, err
		}
	}
	if d.WithdrawDrafts {
		why := "the contact moved on"
		if d.To != "" && d.To != c.Status {
			why = "the contact is now " + strings.ReplaceAll(string(d.To), "_", " ")
		}
		if err := ap.withdrawDrafts(ctx, tx, c, why); err != nil {
			return nil, err
		}
	}
	if d.Suppress != "" && c.Email != "" {
		if err := tx.Suppress(ctx, ap.Account, c.Email, d.Suppress, cause); err != nil {
			return nil, err
		}
	}
	if d.Exchange {
		if err := tx.SetLastExchange(ctx, c, now); err != nil {
			return nil, err
		}
	}
	if d.Meeting != nil {
		if err := ap.meeting(ctx, tx, c, *d.Meeting, cause); err != nil {
			return nil, err
		}
	}
	if d.To != "" && d.To != c.Status {
		t := store.Transition{To: d.To, Reason: d.Reason, EventType: d.EventType, Detail: d.Detail, MessageID: cause,
			NextAction: c.NextAction, NextActionAt: c.NextActionAt, SnoozedUntil: d.SnoozedUntil, ResumeStatus: d.ResumeStatus}
		if d.SetNext {
			t.NextAction, t.NextActionAt = d.NextAction, d.NextActionAt
		}
		if err := tx.WriteStatus(ctx, c, t); err != nil {
			return nil, err
		}
	} else {
		if d.EventType != "" {
			if err := tx.AddEvent(ctx, ap.Account, &model.Event{ContactID: c.ID, Type: d.EventType, From: c.Status,
				To: c.Status, Detail: d.Detail, MessageID: cause}); err != nil {
				return nil, err
			}
		}
		if d.SetNext {
			c.NextAction, c.NextActionAt = d.NextAction, d.NextActionAt
		}
	}
	if d.SetFollowups {
		if err := tx.WriteFollowups(ctx, c, d.Followups); err != nil {
			return nil, err
		}
	}
	for _, mk := range d.Make {
		m, err := ap.make(ctx, tx, c, mk, now, cause)
		if err != nil {
			return nil, err
		}
		if m != nil {
			res.Made = append(res.Made, m)
		}
	}
	if err := ap.settleNext(ctx, tx, c, d.Requeue, now); err != nil {
		return nil, err
	}
	for _, ref := range d.Suggest {
		if err := ap.suggest(ctx, tx, c, ref, now); err != nil {
			return nil, err
		}
	}
	if d.Notice != nil && ap.Notifier != nil {
		if err := ap.Notifier.Notify(ctx, tx, c, *d.Notice, cause); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// settleNext stores what the contact waits for now: pipeline.Next over the
// changed contact and its facts, and a planned slot for a queued one.
func (ap *Applier) settleNext(ctx context.Context, tx *store.Tx, c *model.Contact, requeue bool, now time.Time) error {
	f, err := ap.Facts(ctx, tx, c)
	if err != nil {
		return err
	}
	due := pipeline.Next(c, f, now, ap.Policy)
	if c.Status == model.Queued && (requeue || (due.Action == model.ActionOutreach && due.At.IsZero())) {
		due.Action, due.At = model.ActionOutreach, now
		if ap.Planner != nil {
			at, err := ap.Planner.Slot(ctx, tx, c, now)
			if err != nil {
				return fmt.Errorf("plan %s: %w", c.Email, err)
			}
			due.At = at
		}
	}
	return tx.WriteNextAction(ctx, c, due.Action, due.At)
}

// Create stores a new contact with the first status d gives it (queued
// contacts get their slot) and records d's event.
func (ap *Applier) Create(ctx context.Context, tx *store.Tx, c *model.Contact, d pipeline.Decision) error {
	now := ap.Clock.Now()
	c.AccountID, c.Status = ap.Account, d.To
	if c.Status == "" {
		c.Status = model.Queued
	}
	c.StatusReason = d.Reason
	c.NextAction, c.NextActionAt = d.NextAction, d.NextActionAt
	if c.Status == model.Queued {
		c.NextAction, c.NextActionAt = model.ActionOutreach, now
		if ap.Planner != nil {
			at, err := ap.Planner.Slot(ctx, tx, c, now)
			if err != nil {
				return fmt.Errorf("plan %s: %w", c.Email, err)
			}
			c.NextActionAt = at
		}
	}
	evType := d.EventType
	if evType == "" {
		evType = model.EventCreated
	}
	return tx.InsertContact(ctx, c, evType, d.Detail)
}

// CreateBatch stores new contacts (an import's batch) with the status each
// carries — queued or needs_info — and one event each. Queued contacts get
// the slot a forecast gave them when it is still free of the queue, else
// the next free one. keys are identity keys for contacts without an
// address (see store.InsertContacts).
func (ap *Applier) CreateBatch(ctx context.Context, tx *store.Tx, cs []*model.Contact, keys []string, evType, detail string) error {
	now := ap.Clock.Now()
	for _, c := range cs {
		c.AccountID = ap.Account
		switch c.Status {
		case model.Queued:
			c.NextAction = model.ActionOutreach
			if ap.Planner == nil {
				if c.NextActionAt.IsZero() {
					c.NextActionAt = now
				}
				continue
			}
			at, err := ap.Planner.Slot(ctx, tx, c, now)
			if err != nil {
				return fmt.Errorf("plan %s: %w", c.Email, err)
			}
			c.NextActionAt = at
		case model.NeedsInfo:
			c.NextAction, c.NextActionAt = model.ActionComplete, time.Time{}
		case model.Suggested:
			c.NextAction, c.NextActionAt = model.ActionApprove, time.Time{}
		default:
			return fmt.Errorf("create %s: a new contact cannot be %s", c.Email, c.Status)
		}
	}
	return tx.InsertContacts(ctx, cs, keys, evType, detail)
}

// cancelPlanned cancels queued mail to the contact: stop means stop. Mail
// to the owner about them still goes.
func (ap *Applier) cancelPlanned(ctx context.Context, tx *store.Tx, c *model.Contact, why string) error {
	msgs, err := tx.MessagesMeta(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Direction == model.Out && m.State == model.MsgQueued && !m.Kind.ToOwner() {
			if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgCancelled, Attempts: m.Attempts,
				LastError: "cancelled: " + why}); err != nil && !errors.Is(err, store.ErrStateChanged) {
				return err
			}
		}
	}
	return nil
}

// withdrawDrafts marks rapport's unsent drafts to the contact for removal
// from Drafts; the drafts worker takes each out only if it is unchanged.
func (ap *Applier) withdrawDrafts(ctx context.Context, tx *store.Tx, c *model.Contact, why string) error {
	msgs, err := tx.MessagesMeta(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Direction == model.Out && m.State == model.MsgDrafted && !m.Kind.ToOwner() {
			if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgWithdraw, Attempts: m.Attempts,
				LastError: why}); err != nil && !errors.Is(err, store.ErrStateChanged) {
				return err
			}
		}
	}
	return nil
}
