package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"rapport/internal/model"
	"rapport/internal/oauth"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// spaced reports whether a kind of mail keeps the spacing between sends:
// the first requests and the follow-ups, which go to people who have not
// answered. Replies in a conversation and mail to the owner go at once.
func spaced(k model.Kind) bool { return k == model.KindOutreach || k == model.KindFollowup }

// gate is the earliest time the next spaced message may go: the spacing's
// minimum after the last one that went (or may have gone).
func (o *Outbox) gate(ctx context.Context) (time.Time, error) {
	var last time.Time
	for _, k := range []model.Kind{model.KindOutreach, model.KindFollowup} {
		t, err := o.Store.LastSent(ctx, o.Account, k)
		if err != nil {
			return time.Time{}, err
		}
		if t.After(last) {
			last = t
		}
	}
	if last.IsZero() {
		return time.Time{}, nil
	}
	return last.Add(o.Policy.Spacing.Min), nil
}

// Pass is one run of the outbox: settle messages in doubt, start the first
// requests whose slot has come, send what is due, and file copies in Sent.
func (o *Outbox) Pass(ctx context.Context) error {
	o.defaults()
	err := o.pass(ctx)
	if err != nil && o.SignIn != nil && errors.Is(err, oauth.ErrSignInExpired) {
		// The mailbox refused the sign-in on the way (a look at the inbox
		// or at Sent): the same pause as a refused SMTP sign-in.
		o.signInExpired(ctx, err)
		return nil
	}
	return err
}

func (o *Outbox) pass(ctx context.Context) error {
	if _, err := o.ResolveInDoubt(ctx); err != nil {
		return fmt.Errorf("resolve in-doubt: %w", err)
	}
	// One first request at a time, each sent before the next is started:
	// as many as the spacing allows now (all of them when it is zero).
	for i := 0; ; i++ {
		started, err := o.Outreach(ctx)
		if err != nil {
			return fmt.Errorf("outreach: %w", err)
		}
		if _, err := o.SendDue(ctx); err != nil {
			return fmt.Errorf("send: %w", err)
		}
		if started == 0 || i >= o.Batch {
			break
		}
		gate, err := o.gate(ctx)
		if err != nil {
			return err
		}
		if o.Clock.Now().Before(gate) {
			break
		}
	}
	if err := o.ReconcileSent(ctx); err != nil {
		return fmt.Errorf("reconcile Sent: %w", err)
	}
	return nil
}

// Next is when the outbox next has work: a queued message falls due, a
// first request's slot comes (not before the spacing allows), a sent
// message should be looked for in Sent, messages in doubt are looked for
// again, or a pause ends. Zero means nothing is waiting.
func (o *Outbox) Next(ctx context.Context) (time.Time, error) {
	o.defaults()
	var next time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	msg, err := o.Store.NextDueMessage(ctx, o.Account)
	if err != nil {
		return time.Time{}, err
	}
	slot, err := o.Store.NextTimerOf(ctx, o.Account, model.ActionOutreach)
	if err != nil {
		return time.Time{}, err
	}
	if !slot.IsZero() {
		gate, err := o.gate(ctx)
		if err != nil {
			return time.Time{}, err
		}
		if gate.After(slot) {
			slot = gate
		}
	}
	earliest(msg)
	earliest(slot)
	if o.Sent != nil {
		unfiled, err := o.Store.UnfiledSent(ctx, o.Account, 1)
		if err != nil {
			return time.Time{}, err
		}
		if len(unfiled) > 0 {
			earliest(unfiled[0].SentAt().Add(o.SentGrace))
		}
		n, err := o.Store.CountInState(ctx, o.Account, model.MsgInDoubt)
		if err != nil {
			return time.Time{}, err
		}
		if n > 0 {
			o.mu.Lock()
			earliest(o.lastInDoubt.Add(o.InDoubtRecheck))
			o.mu.Unlock()
		}
	}
	o.checkSignIn(ctx)
	if p, until, _ := o.Paused(); p && next.Before(until) && !next.IsZero() {
		next = until
		o.mu.Lock()
		if o.signInPause && o.SignIn != nil {
			// Look again for a new sign-in in a while.
			if at := o.signInProbed.Add(signInProbeEvery); at.Before(next) {
				next = at
			}
		}
		o.mu.Unlock()
	}
	if now := o.Clock.Now(); !next.IsZero() && !next.After(now) {
		// Held back from contacts: mail to the owner still goes at once;
		// the rest is looked at again in a while, not in a tight loop.
		if why, err := o.blocked(ctx); err != nil {
			return time.Time{}, err
		} else if why != "" {
			next = now.Add(5 * time.Minute)
			owner, err := o.Store.NextDueMessageTo(ctx, o.Account, o.From)
			if err != nil {
				return time.Time{}, err
			}
			if !owner.IsZero() && owner.Before(next) {
				next = owner
			}
		}
	}
	return next, nil
}

// Outreach starts the first request whose slot has come: it is written and
// queued, and SendDue sends it in the same pass. At most one per pass, so
// the spacing holds at send time; a slot that can no longer be kept (the
// daemon was down, the window closed, the day's limit is reached) moves the
// whole queue forward instead of sending late or in a burst.
func (o *Outbox) Outreach(ctx context.Context) (started int, err error) {
	o.defaults()
	if p, _, _ := o.Paused(); p {
		return 0, nil
	}
	now := o.Clock.Now()
	due, err := o.Store.DueAction(ctx, o.Account, model.ActionOutreach, now, 50)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	gate, err := o.gate(ctx)
	if err != nil {
		return 0, err
	}
	if now.Before(gate) {
		return 0, nil // Next wakes the outbox when the spacing allows
	}
	if why, err := o.blocked(ctx); err != nil || why != "" {
		if why != "" {
			o.Log.Warn("first requests held", "why", why)
		}
		return 0, err
	}
	today, err := o.sentToday(ctx, now)
	if err != nil {
		return 0, err
	}
	stale := false
	for _, c := range due {
		if c.Status != model.Queued {
			continue
		}
		if today >= o.Policy.DailyLimit || !schedule.InWindow(now, o.loc(c), o.Policy, o.Calendar) {
			stale = true
			continue
		}
		ok, err := o.start(ctx, c, now)
		if err != nil {
			return started, err
		}
		if ok {
			started++
			break
		}
	}
	if stale && started == 0 {
		return started, o.Replan(ctx)
	}
	return started, nil
}

// sentToday counts first requests sent (or on their way) on the owner's
// calendar day of now.
func (o *Outbox) sentToday(ctx context.Context, now time.Time) (int, error) {
	from := dayStart(now, o.Home)
	ts, err := o.Store.SendTimes(ctx, o.Account, string(model.KindOutreach), from, from.AddDate(0, 0, 1))
	return len(ts), err
}

// Replan plans the queue again from now, keeping its order.
func (o *Outbox) Replan(ctx context.Context) error {
	if o.Planner == nil || o.Contacts == nil {
		return nil
	}
	now := o.Clock.Now()
	return o.Store.WithTx(ctx, func(tx *store.Tx) error {
		queue, err := tx.Queue(ctx, o.Account)
		if err != nil {
			return err
		}
		slots, err := o.Planner.Replan(ctx, tx, queue, now)
		if err != nil {
			return err
		}
		moved := 0
		for _, c := range queue {
			at, ok := slots[c.ID]
			if !ok || at.Equal(c.NextActionAt) {
				continue
			}
			if err := o.Contacts.Replanned(ctx, tx, c.ID, at); err != nil {
				return err
			}
			moved++
		}
		if moved > 0 {
			o.Log.Info("planned the queue forward: a slot could not be kept", "contacts", moved)
		}
		return nil
	})
}

// start writes the first request to c and queues it, in a transaction that
// re-checks the contact (stop means stop) and records the Message-ID before
// any connection is made.
func (o *Outbox) start(ctx context.Context, c *model.Contact, now time.Time) (bool, error) {
	if o.Hold != nil {
		why, err := o.Hold(ctx, c)
		if err != nil {
			return false, err
		}
		if why != "" {
			return false, nil // the contact is held for the owner
		}
	}
	r, rerr := o.Render(ctx, o.Store, model.KindOutreach, c, now)
	if rerr != nil && !errors.Is(rerr, ErrNeedsInfo) {
		return false, fmt.Errorf("render outreach for %s: %w", c.Email, rerr)
	}
	var ok bool
	err := o.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Status != model.Queued || cur.NextAction != model.ActionOutreach || !cur.NextActionAt.Equal(c.NextActionAt) {
			return nil
		}
		if sup, _, err := tx.Suppressed(ctx, o.Account, cur.Email); err != nil || sup {
			return err // never sent to a suppressed address
		}
		if rerr != nil {
			return o.Contacts.NeedsInfo(ctx, tx, cur.ID, rerr.Error())
		}
		if _, err := tx.InsertMessage(ctx, o.Account, store.NewMessage{ContactID: cur.ID, Direction: model.Out,
			Kind: model.KindOutreach, State: model.MsgQueued, MessageID: r.MessageID, Subject: r.Subject,
			From: o.From, To: cur.Email, Raw: r.Raw, PlannedAt: now}); err != nil {
			return err
		}
		if err := tx.AddThreadID(ctx, o.Account, cur.ID, r.MessageID, "outbox"); err != nil {
			return err
		}
		ok = true
		return o.Contacts.Claimed(ctx, tx, cur.ID, now)
	})
	return ok, err
}

func (o *Outbox) loc(c *model.Contact) *time.Location {
	if o.Loc != nil {
		return o.Loc(c)
	}
	if c.Timezone != "" {
		if l, err := time.LoadLocation(c.Timezone); err == nil {
			return l
		}
	}
	return o.Home
}
