package outbox

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// Planner plans queued contacts' first requests so that next_action_at
// tells the truth: each new contact gets the next free slot after the
// queue — on a preferred day that is not a holiday, inside the window in
// the contact's zone, under the daily limit counted in the owner's zone,
// and at least the spacing's minimum from every other request. The outbox
// then sends at those slots (and plans forward again any slot it missed).
type Planner struct {
	Account  int64
	Policy   schedule.Policy
	Calendar schedule.Calendar
	Home     *time.Location
	Rand     *rand.Rand
	// Loc is a contact's zone (its timezone, else the owner's).
	Loc func(c *model.Contact) *time.Location

	mu   sync.Mutex
	rng  *rand.Rand
	tx   uint64 // the transaction the plan was read in
	plan *schedule.Plan
	from time.Time
}

// Slot reserves the next slot for c, planned in tx at now.
func (p *Planner) Slot(ctx context.Context, tx *store.Tx, c *model.Contact, now time.Time) (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tx != tx.Seq() || p.plan == nil {
		// A new transaction: read the tail of the queue. Within one
		// transaction (an import batch) the planner is the only writer of
		// slots, so what it reserved stays true.
		if err := p.load(ctx, tx, now); err != nil {
			return time.Time{}, err
		}
		p.tx = tx.Seq()
	}
	from := p.from
	if from.Before(now) {
		from = now
	}
	t, err := p.plan.Reserve(from, p.loc(c), p.Policy, p.Calendar, p.random())
	if err != nil {
		return time.Time{}, err
	}
	// The next contact is planned from the same day: a contact in another
	// zone may still fit earlier that day.
	p.from = dayStart(t, p.home())
	return t, nil
}

// load reads the planned and recent sends from the start of the day of the
// last planned slot (or today) on: all that can constrain the next slot.
func (p *Planner) load(ctx context.Context, tx *store.Tx, now time.Time) error {
	tail, err := tx.LastPlannedSlot(ctx, p.Account)
	if err != nil {
		return err
	}
	from := dayStart(now, p.home())
	if tail.After(now) {
		from = dayStart(tail, p.home())
	}
	lo, hi := from.AddDate(0, 0, -2), from.AddDate(3, 0, 0)
	slots, err := tx.PlannedSlots(ctx, p.Account, lo, hi)
	if err != nil {
		return err
	}
	sent, err := tx.SendTimes(ctx, p.Account, string(model.KindOutreach), lo, hi)
	if err != nil {
		return err
	}
	p.plan = schedule.NewPlan(append(slots, sent...))
	p.from = from
	return nil
}

// Forget drops what the planner read (a replan rewrites the queue).
func (p *Planner) Forget() {
	p.mu.Lock()
	p.tx, p.plan = 0, nil
	p.mu.Unlock()
}

// Replan plans the whole queue again from now, in order: after downtime or
// sleep a missed slot moves forward with everyone behind it, so nothing is
// ever sent in a burst. It returns the new slots by contact id.
func (p *Planner) Replan(ctx context.Context, tx *store.Tx, queue []*model.Contact, now time.Time) (map[int64]time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lo := now.AddDate(0, 0, -2)
	sent, err := tx.SendTimes(ctx, p.Account, string(model.KindOutreach), lo, now.AddDate(3, 0, 0))
	if err != nil {
		return nil, err
	}
	plan := schedule.NewPlan(sent)
	out := make(map[int64]time.Time, len(queue))
	from := now
	for _, c := range queue {
		t, err := plan.Reserve(from, p.loc(c), p.Policy, p.Calendar, p.random())
		if err != nil {
			return out, err
		}
		out[c.ID] = t
		from = dayStart(t, p.home())
		if from.Before(now) {
			from = now
		}
	}
	p.tx, p.plan = 0, nil
	return out, nil
}

func (p *Planner) random() *rand.Rand {
	if p.rng == nil {
		p.rng = p.Rand
		if p.rng == nil {
			p.rng = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x706c616e))
		}
	}
	return p.rng
}

func (p *Planner) loc(c *model.Contact) *time.Location {
	if p.Loc != nil {
		return p.Loc(c)
	}
	return p.home()
}

func (p *Planner) home() *time.Location {
	if p.Home != nil {
		return p.Home
	}
	return time.UTC
}

func dayStart(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}
