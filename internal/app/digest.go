package app

import (
	"context"

	"rapport/internal/compose"
	"rapport/internal/digest"
	"rapport/internal/model"
	"rapport/internal/store"
)

// digestParams are the digest's settings at the current time.
func (a *App) digestParams() digest.Params {
	me := a.Config.Me
	p := digest.Params{Now: a.Clock.Now(), Loc: a.Config.Location(), FollowupMode: a.Config.Followup.Mode,
		Me: compose.Me{Name: me.Name, Email: me.Email, Intro: me.Intro, Interest: me.Interest}}
	if a.mail != nil {
		p.Templates = a.mail.templates
	}
	return p
}

// DigestSchedule is when the weekly digest goes out (digest.day and
// digest.time in me.timezone).
func (a *App) DigestSchedule() (digest.Schedule, error) {
	return digest.ParseSchedule(a.Config.Digest.Day, a.Config.Digest.Time, a.Config.Location())
}

// Snapshot reads what the weekly digest is built from, in one
// transaction, so every part of it describes the same moment.
func (a *App) Snapshot(ctx context.Context) (digest.Snapshot, error) {
	return a.snapshot(ctx, a.digestParams())
}

func (a *App) snapshot(ctx context.Context, p digest.Params) (digest.Snapshot, error) {
	var s digest.Snapshot
	err := a.Store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		s, err = digest.Read(ctx, tx.DigestSource(a.Account), p)
		return err
	})
	return s, err
}

// Digest builds the digest as of now.
func (a *App) Digest(ctx context.Context) (*digest.Digest, error) {
	p := a.digestParams()
	s, err := a.snapshot(ctx, p)
	if err != nil {
		return nil, err
	}
	return digest.Build(s, p)
}

// QueueDigest renders the digest and queues it for the owner, once per
// digest week (the week of the latest digest time, see digest.Schedule):
// a restart never sends a second one. force sends even if this week's
// went already (`digest --send`). It reports whether one was queued.
func (a *App) QueueDigest(ctx context.Context, force bool) (bool, error) {
	sched, err := a.DigestSchedule()
	if err != nil {
		return false, err
	}
	d, err := a.Digest(ctx)
	if err != nil {
		return false, err
	}
	now := a.Clock.Now()
	id := compose.NewMessageIDAt(compose.DomainOf(a.Config.Me.Email), now)
	msg, err := d.Message(compose.Envelope{Date: now, MessageID: id})
	if err != nil {
		return false, err
	}
	raw, err := msg.Bytes()
	if err != nil {
		return false, err
	}
	key := "digest:" + sched.Key(sched.Slot(now))
	queued := false
	err = a.Store.WithTx(ctx, func(tx *store.Tx) error {
		first, err := tx.Once(ctx, a.Account, key, id)
		if err != nil || (!first && !force) {
			return err
		}
		queued = true
		_, err = tx.InsertMessage(ctx, a.Account, store.NewMessage{Direction: model.Out, Kind: model.KindDigest,
			State: model.MsgQueued, MessageID: id, Subject: msg.Rendered.Subject, From: a.Config.Me.Email, To: a.Config.Me.Email,
			Raw: raw, PlannedAt: now})
		return err
	})
	return queued, err
}

// DigestDue queues the digest if one is due now and has not gone: at its
// time, or once after the daemon was down then (within its week, up to a
// day before the next one; digest.Schedule.Due). The scheduler calls it.
func (a *App) DigestDue(ctx context.Context) (bool, error) {
	sched, err := a.DigestSchedule()
	if err != nil {
		return false, err
	}
	if _, _, ok := sched.Due(a.Clock.Now()); !ok {
		return false, nil
	}
	return a.QueueDigest(ctx, false)
}
