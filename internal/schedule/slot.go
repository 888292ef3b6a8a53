package schedule

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// ErrNoSlot means no allowed day was found within scanDays of the search
// point: every preferred day is a holiday or the window never exists.
var ErrNoSlot = errors.New("no allowed send slot within a year")

// scanDays bounds the search for an allowed day; over a year, so a yearly
// holiday pattern cannot hide an allowed day.
const scanDays = 400

// Plan is the set of send times already planned or used, kept sorted so
// NextSlot can count and space against thousands of them with binary
// searches. Build one per planning run and Add (or Reserve) each slot
// taken. A Plan is not safe for concurrent use.
type Plan struct {
	times []time.Time
}

// NewPlan returns a plan holding a sorted copy of times.
func NewPlan(times []time.Time) *Plan {
	ts := slices.Clone(times)
	if !slices.IsSortedFunc(ts, time.Time.Compare) {
		slices.SortFunc(ts, time.Time.Compare)
	}
	return &Plan{times: ts}
}

// Add records a planned or used send time.
func (pl *Plan) Add(t time.Time) {
	i, _ := slices.BinarySearchFunc(pl.times, t, time.Time.Compare)
	pl.times = slices.Insert(pl.times, i, t)
}

// Len is the number of send times in the plan.
func (pl *Plan) Len() int { return len(pl.times) }

// Times returns the send times, sorted; the slice is a copy.
func (pl *Plan) Times() []time.Time { return slices.Clone(pl.times) }

// NextSlot is the package-level NextSlot against the plan's times.
func (pl *Plan) NextSlot(now time.Time, recipient *time.Location, p Policy, c Calendar, rng *rand.Rand) (time.Time, error) {
	return nextSlot(pl.times, now, recipient, p, c, rng)
}

// Reserve finds the next slot and adds it to the plan, for planning a
// batch (an import, a day's queue) one contact after another.
func (pl *Plan) Reserve(now time.Time, recipient *time.Location, p Policy, c Calendar, rng *rand.Rand) (time.Time, error) {
	t, err := pl.NextSlot(now, recipient, p, c, rng)
	if err != nil {
		return time.Time{}, err
	}
	pl.Add(t)
	return t, nil
}

// NextSlot returns when the next outreach email may go out: the earliest
// instant at or after now that
//
//   - falls on one of p.Days, in the recipient's zone, that is not a holiday
//     on c (c's country, read on the recipient's date),
//   - lies inside p.Window in the recipient's zone,
//   - leaves fewer than p.DailyLimit sends (planned included) on that
//     calendar day in the sender's zone (p.Home), and
//   - is at least p.Spacing.Min away from every planned send,
//
// then pushed later by a random jitter drawn from rng, in whole seconds, of
// up to p.Spacing.Max-p.Spacing.Min, clamped so every rule above still
// holds. A nil rng gives the earliest instant itself. A nil recipient means
// the sender's zone. The result is in the recipient's zone.
//
// planned holds every send already planned or made, past ones included:
// they count towards the day's cap and the spacing. A slot that was missed
// (the daemon was down, the window closed) is not caught up: planning again
// from now lands inside the next open window, and planning a queue one
// contact at a time (Plan.Reserve) keeps the spacing, so a backlog never
// goes out as a burst.
func NextSlot(now time.Time, recipient *time.Location, p Policy, c Calendar, planned []time.Time, rng *rand.Rand) (time.Time, error) {
	if !slices.IsSortedFunc(planned, time.Time.Compare) {
		planned = slices.Clone(planned)
		slices.SortFunc(planned, time.Time.Compare)
	}
	return nextSlot(planned, now, recipient, p, c, rng)
}

// nextSlot is NextSlot over sorted booked times. Each step only moves t
// later: into the next allowed window, past a full day, or past a send
// that is too close; it returns once no rule moves t.
func nextSlot(booked []time.Time, now time.Time, recipient *time.Location, p Policy, c Calendar, rng *rand.Rand) (time.Time, error) {
	if err := p.Validate(); err != nil {
		return time.Time{}, fmt.Errorf("invalid outreach policy: %w", err)
	}
	home := p.home(now)
	loc := recipient
	if loc == nil {
		loc = home
	}
	allowed := p.preferredDay(c)
	t := now
	for {
		ws, we, err := openWindow(t, loc, p.Window, allowed)
		if err != nil {
			return time.Time{}, err
		}
		if t.Before(ws) {
			t = ws
		}

		hd := dateOf(t, home)
		he := wallTime(hd.add(1), 0, home)
		if countBetween(booked, wallTime(hd, 0, home), he) >= p.DailyLimit {
			t = he // the sender's day is full: try from its next midnight
			continue
		}

		i := sort.Search(len(booked), func(i int) bool { return booked[i].After(t.Add(-p.Spacing.Min)) })
		moved := false
		for ; i < len(booked) && booked[i].Before(t.Add(p.Spacing.Min)); i++ {
			t, moved = booked[i].Add(p.Spacing.Min), true
		}
		if moved {
			continue
		}

		room := min(p.Spacing.Max-p.Spacing.Min, we.Sub(t)-1, he.Sub(t)-1)
		if i < len(booked) {
			room = min(room, booked[i].Sub(t)-p.Spacing.Min)
		}
		return t.Add(jitter(rng, room)).In(loc), nil
	}
}

// countBetween counts sorted times in [a, b).
func countBetween(ts []time.Time, a, b time.Time) int {
	i, _ := slices.BinarySearchFunc(ts, a, time.Time.Compare)
	j, _ := slices.BinarySearchFunc(ts, b, time.Time.Compare)
	return j - i
}

// preferredDay allows the policy's days unless they are holidays. A
// configured Saturday or Sunday is honoured: the user asked for it.
func (p Policy) preferredDay(c Calendar) func(date) bool {
	return func(d date) bool {
		if !p.prefers(d.weekday()) {
			return false
		}
		_, hol := c.holiday(d)
		return !hol
	}
}

// openWindow finds the first window, on an allowed date on or after t's
// date in loc, that ends after t. Its start may be before t.
func openWindow(t time.Time, loc *time.Location, w Window, allowed func(date) bool) (start, end time.Time, err error) {
	d := dateOf(t, loc)
	for range scanDays {
		if allowed(d) {
			s, e := w.bounds(d, loc)
			if e.After(t) && s.Before(e) {
				return s, e, nil
			}
		}
		d = d.add(1)
	}
	return time.Time{}, time.Time{}, ErrNoSlot
}

// NextPreferredSlot is the earliest instant at or after t inside the
// window on a preferred, non-holiday day in loc, with no cap, spacing or
// jitter: for follow-ups, which also go out on preferred days. Compute the
// due time first (Calendar.Add(sentAt, followupAfter)), then pass it as t.
// Follow-ups that are sent rather than drafted should go through NextSlot
// with the outreach plan, so they are spaced too.
func NextPreferredSlot(t time.Time, loc *time.Location, p Policy, c Calendar) (time.Time, error) {
	if err := p.Validate(); err != nil {
		return time.Time{}, fmt.Errorf("invalid outreach policy: %w", err)
	}
	return nextIn(t, orHome(loc, p, t), p.Window, p.preferredDay(c))
}

// NextBusinessSlot is the earliest instant at or after t inside w on any
// business day of c in loc: for mail that should not wait for a preferred
// day but should still arrive in working hours.
func NextBusinessSlot(t time.Time, loc *time.Location, w Window, c Calendar) (time.Time, error) {
	if err := w.validate(); err != nil {
		return time.Time{}, fmt.Errorf("invalid window: %w", err)
	}
	if loc == nil {
		loc = t.Location()
	}
	return nextIn(t, loc, w, c.isBusinessDate)
}

func nextIn(t time.Time, loc *time.Location, w Window, allowed func(date) bool) (time.Time, error) {
	ws, _, err := openWindow(t, loc, w, allowed)
	if err != nil {
		return time.Time{}, err
	}
	if t.Before(ws) {
		t = ws
	}
	return t.In(loc), nil
}

// NextWindowStart is the start of the first allowed window (preferred day,
// not a holiday, in loc) that opens at or after t: when a sender asleep
// outside the window should wake up. It ignores the daily cap.
func NextWindowStart(t time.Time, loc *time.Location, p Policy, c Calendar) (time.Time, error) {
	if err := p.Validate(); err != nil {
		return time.Time{}, fmt.Errorf("invalid outreach policy: %w", err)
	}
	loc = orHome(loc, p, t)
	allowed := p.preferredDay(c)
	for {
		ws, we, err := openWindow(t, loc, p.Window, allowed)
		if err != nil {
			return time.Time{}, err
		}
		if !ws.Before(t) {
			return ws.In(loc), nil
		}
		t = we // already open: the next one
	}
}

// InWindow reports whether t is inside an allowed window (preferred day,
// not a holiday, inside the window in loc). A sender checks it before
// sending a slot planned earlier, so a missed slot is re-planned instead
// of sent late.
func InWindow(t time.Time, loc *time.Location, p Policy, c Calendar) bool {
	loc = orHome(loc, p, t)
	d := dateOf(t, loc)
	if !p.preferredDay(c)(d) {
		return false
	}
	ws, we := p.Window.bounds(d, loc)
	return !t.Before(ws) && t.Before(we)
}

func orHome(loc *time.Location, p Policy, now time.Time) *time.Location {
	if loc != nil {
		return loc
	}
	return p.home(now)
}
