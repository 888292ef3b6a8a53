package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"rapport/internal/compose"
	"rapport/internal/digest"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// Snapshot reads what the weekly digest is built from. A digest is made
// once a week, so it reads per contact rather than with special queries.
func (a *App) Snapshot(ctx context.Context) (digest.Snapshot, error) {
	var s digest.Snapshot
	cs, err := a.Store.Contacts(ctx, a.Account, "")
	if err != nil {
		return s, err
	}
	since := a.Clock.Now().AddDate(0, 0, -15)
	byID := map[int64]*model.Contact{}
	for _, c := range cs {
		byID[c.ID] = c
		s.Contacts = append(s.Contacts, *c)
		evs, err := a.Store.Events(ctx, c.ID)
		if err != nil {
			return s, err
		}
		for _, e := range evs {
			if e.From != e.To && e.To != "" && e.At.After(since) {
				s.Changes = append(s.Changes, digest.Change{Email: c.Email, At: e.At, From: e.From, To: e.To})
			}
			if e.Type == model.EventCreated && strings.HasPrefix(e.Detail, "referred by ") && c.ReferredBy != "" {
				s.Referrals = append(s.Referrals, digest.Referral{From: c.ReferredBy, To: c.Email, At: e.At})
			}
		}
		msgs, err := a.Store.MessagesByContact(ctx, c.ID)
		if err != nil {
			return s, err
		}
		var lastIn *store.Message
		lastOut := time.Time{}
		for _, m := range msgs {
			switch {
			case m.Direction == store.In && m.Kind == "human":
				lastIn = m
			case m.Direction == store.Out && m.ToAddr != a.Config.Me.Email && m.State == store.MsgSent:
				if t := m.SentAt(); t.After(lastOut) {
					lastOut = t
				}
			}
			if m.Direction == store.Out && m.State == store.MsgQueued && m.ToAddr != a.Config.Me.Email {
				s.Planned = append(s.Planned, digest.Planned{Email: c.Email, At: m.PlannedAt(), Kind: compose.Kind(m.Kind)})
			}
			if m.State == store.MsgDrafted {
				s.Drafts = append(s.Drafts, digest.Draft{Email: c.Email, Kind: compose.Kind(m.Kind), Subject: m.Subject,
					At: time.UnixMilli(m.CreatedAtMs)})
			}
		}
		if lastIn != nil && c.Status == model.Replied && lastIn.SentAt().After(lastOut) {
			s.Replies = append(s.Replies, digest.Reply{Email: c.Email, At: lastIn.SentAt(), Subject: lastIn.Subject})
		}
		if c.Status == model.Queued && c.NextAction == "outreach" {
			s.Planned = append(s.Planned, digest.Planned{Email: c.Email, At: c.NextActionAt, Kind: compose.KindOutreach})
		}
		ms, err := a.Store.MeetingsByContact(ctx, c.ID)
		if err != nil {
			return s, err
		}
		for _, m := range ms {
			if m.State == "scheduled" || m.State == "held" {
				s.Meetings = append(s.Meetings, digest.Meeting{Email: c.Email, Start: m.Start, Duration: m.Duration, Format: m.Format})
			}
		}
	}
	return s, nil
}

// Digest builds this week's digest.
func (a *App) Digest(ctx context.Context) (*digest.Digest, error) {
	snap, err := a.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	day, _ := schedule.ParseWeekday(a.Config.Digest.Day)
	return digest.Build(snap, digest.Params{Now: a.Clock.Now(), Loc: a.Config.Location(), Day: day, Time: a.Config.Digest.Time})
}

// QueueDigest renders the digest and queues it for the owner, once per
// week: a restart never sends a second one. force sends even if this
// week's went already (`digest --send`). It reports whether one was queued.
func (a *App) QueueDigest(ctx context.Context, force bool) (bool, error) {
	d, err := a.Digest(ctx)
	if err != nil {
		return false, err
	}
	r, err := d.Render()
	if err != nil {
		return false, err
	}
	now := a.Clock.Now()
	id := compose.NewMessageIDAt(compose.DomainOf(a.Config.Me.Email), now)
	msg, err := r.Message(mail.Address{Name: a.Config.Me.Name, Address: a.Config.Me.Email}, now, id)
	if err != nil {
		return false, err
	}
	var raw strings.Builder
	if _, err := msg.WriteTo(&raw); err != nil {
		return false, err
	}
	key := "digest:" + digest.WeekKey(now, a.Config.Location())
	queued := false
	err = a.Store.WithTx(ctx, func(tx *store.Tx) error {
		first, err := tx.Once(ctx, a.Account, key, id)
		if err != nil || (!first && !force) {
			return err
		}
		queued = true
		_, err = tx.InsertMessage(ctx, a.Account, store.NewMessage{Direction: store.Out, Kind: outbox.KindDigest,
			State: store.MsgQueued, MessageID: id, Subject: r.Subject, From: a.Config.Me.Email, To: a.Config.Me.Email,
			Raw: []byte(raw.String()), PlannedAt: now})
		return err
	})
	return queued, err
}

// digestLoop queues the weekly digest at digest.day and digest.time in the
// owner's zone; the outbox sends it.
func (d *Daemon) digestLoop(ctx context.Context, opts RunOptions) error {
	a := d.a
	day, _ := schedule.ParseWeekday(a.Config.Digest.Day)
	for {
		next, err := digest.NextRun(a.Clock.Now(), a.Config.Location(), day, a.Config.Digest.Time)
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-a.Clock.After(next.Sub(a.Clock.Now())):
		}
		if _, err := a.QueueDigest(ctx, false); err != nil {
			a.Log.Error("digest", "err", fmt.Errorf("queue digest: %w", err))
		}
	}
}
