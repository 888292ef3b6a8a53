// Package timers does what falls due for contacts after the first request:
// follow-ups on silent contacts (after an inbox sync: stop means stop), the
// respectful no_response, the preparation note before a meeting, met once
// it has ended, the thank-you, keep-in-touch notes, the end of a snooze,
// and the 3B7 company rule. The scheduler finds due contacts by an indexed
// query and calls Run; each step is a state-machine decision applied in its
// own transaction. Drafts puts the drafts decisions make into the Drafts
// folder, and takes out the ones that no longer fit.
package timers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"rapport/internal/apply"
	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Timers runs due lifecycle steps for one account.
type Timers struct {
	Account int64
	Clock   clock.Clock
	Log     *slog.Logger
	Store   *store.Store
	Apply   *apply.Applier
	// Sync makes the inbox watcher catch up before follow-ups; an error
	// holds them until the next run.
	Sync func(ctx context.Context) error
	// CompanyRule turns on 3B7: the next person at a silent company is
	// brought forward.
	CompanyRule bool
	// Batch bounds the contacts one run handles (the rest are due at once
	// again).
	Batch int

	lastCompany time.Time
}

func (t *Timers) log() *slog.Logger {
	if t.Log != nil {
		return t.Log
	}
	return slog.New(slog.DiscardHandler)
}

// companyEvery is how often the 3B7 rule looks at the queue.
const companyEvery = 6 * time.Hour

// Next is when a contact's timer is next due (zero when none).
func (t *Timers) Next(ctx context.Context) (time.Time, error) {
	next, err := t.Store.NextTimer(ctx, t.Account)
	if err != nil {
		return time.Time{}, err
	}
	if t.CompanyRule {
		c := t.lastCompany.Add(companyEvery)
		if next.IsZero() || c.Before(next) {
			next = c
		}
	}
	return next, nil
}

// Run does what is due now.
func (t *Timers) Run(ctx context.Context) error {
	now := t.Clock.Now()
	batch := t.Batch
	if batch == 0 {
		batch = 200
	}
	due, err := t.Store.DueTimers(ctx, t.Account, now, batch)
	if err != nil {
		return err
	}
	var errs []error
	synced, syncErr := false, error(nil)
	for _, c := range due {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.NextAction == model.ActionFollowup || c.NextAction == model.ActionNoResponse {
			if !synced {
				synced = true
				if t.Sync != nil {
					sctx, cancel := context.WithTimeout(ctx, time.Minute)
					syncErr = t.Sync(sctx)
					cancel()
				}
			}
			if syncErr != nil {
				continue // held: a reply may be waiting unseen
			}
		}
		if err := t.step(ctx, c.ID, now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Email, err))
		}
	}
	if syncErr != nil {
		errs = append(errs, fmt.Errorf("follow-ups held: inbox sync failed: %w", syncErr))
	}
	if t.CompanyRule && !now.Before(t.lastCompany.Add(companyEvery)) {
		if err := t.companyRule(ctx, now); err != nil {
			errs = append(errs, err)
		} else {
			t.lastCompany = now
		}
	}
	return errors.Join(errs...)
}

// step applies what is due for one contact; a meeting that ends and its
// thank-you due at once are done in turn.
func (t *Timers) step(ctx context.Context, id int64, now time.Time) error {
	for i := 0; i < 4; i++ {
		var skip bool
		err := t.Store.WithTx(ctx, func(tx *store.Tx) error {
			res, err := t.Apply.Do(ctx, tx, id, "", func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
				return pipeline.Step(c, f, now, t.Apply.Policy), nil
			})
			if err != nil {
				return err
			}
			skip = res.Decision.Skip
			for _, m := range res.Made {
				t.log().Info("made", "kind", m.Kind, "to", m.ToAddr, "state", m.State, "message_id", m.MessageID)
			}
			return nil
		})
		if err != nil || skip {
			return err
		}
	}
	return nil
}

// companyRule brings the next queued contact at a silent company forward
// (3B7), so the outbox sends it at the next slot.
func (t *Timers) companyRule(ctx context.Context, now time.Time) error {
	queue, err := t.Store.Queue(ctx, t.Account)
	if err != nil || len(queue) == 0 {
		return err
	}
	companies := map[string]bool{}
	for _, c := range queue {
		companies[companyKey(c.Company)] = true
	}
	delete(companies, "")
	if len(companies) == 0 {
		return nil
	}
	cs, err := t.Store.Contacts(ctx, t.Account, model.Contacted)
	if err != nil {
		return err
	}
	group := append([]*model.Contact{}, queue...)
	for _, st := range []model.Status{model.Replied, model.Scheduled, model.Met, model.Thanked, model.Snoozed,
		model.NoResponse, model.Bounced} {
		more, err := t.Store.Contacts(ctx, t.Account, st)
		if err != nil {
			return err
		}
		cs = append(cs, more...)
	}
	for _, c := range cs {
		if companies[companyKey(c.Company)] {
			group = append(group, c)
		}
	}
	for _, c := range pipeline.BringForward(group, now, t.Apply.Policy) {
		err := t.Store.WithTx(ctx, func(tx *store.Tx) error {
			_, err := t.Apply.Do(ctx, tx, c.ID, "", func(cur *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
				return pipeline.BroughtForward(cur, now), nil
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func companyKey(s string) string {
	out := []rune{}
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' {
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}
