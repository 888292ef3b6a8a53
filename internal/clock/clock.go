// Package clock is the one source of time for rapport. Everything that reads
// the time or waits takes a Clock, so tests and the demo can run weeks of
// outreach in seconds without sleeping.
package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives the clock's time once d has
	// elapsed on this clock.
	After(d time.Duration) <-chan time.Time
}

// Sleep waits d on c, or until ctx is done.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.After(d):
		return nil
	}
}

// Real is the wall clock.
type Real struct{}

func (Real) Now() time.Time                         { return time.Now() }
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Scaled runs faster than the wall clock by Factor, starting at Origin when
// it is made. The demo and end-to-end tests use it to run days in seconds
// with the real daemon loops.
type Scaled struct {
	origin time.Time
	start  time.Time
	factor float64
}

// NewScaled returns a clock that reads origin now and advances factor
// seconds per real second.
func NewScaled(origin time.Time, factor float64) *Scaled {
	if factor <= 0 {
		factor = 1
	}
	return &Scaled{origin: origin, start: time.Now(), factor: factor}
}

func (s *Scaled) Now() time.Time {
	el := time.Since(s.start)
	return s.origin.Add(time.Duration(float64(el) * s.factor))
}

func (s *Scaled) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	real := time.Duration(float64(d) / s.factor)
	time.AfterFunc(real, func() { ch <- s.Now() })
	return ch
}

// Fake is a clock that moves only when told to. Waiters fire, in order of
// their deadlines, as Advance or Set passes them.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewFake returns a Fake reading t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *Fake) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1)
	at := f.now.Add(d)
	if d <= 0 {
		ch <- f.now
		return ch
	}
	f.waiters = append(f.waiters, waiter{at: at, ch: ch})
	return ch
}

// Waiters reports how many After channels have not fired yet; tests use it
// to know a loop has gone to sleep before advancing.
func (f *Fake) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the clock to t (never backwards) and fires due waiters.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	if t.After(f.now) {
		f.now = t
	}
	sort.SliceStable(f.waiters, func(i, j int) bool { return f.waiters[i].at.Before(f.waiters[j].at) })
	var keep []waiter
	for _, w := range f.waiters {
		if !w.at.After(f.now) {
			w.ch <- f.now
		} else {
			keep = append(keep, w)
		}
	}
	f.waiters = keep
	f.mu.Unlock()
}
