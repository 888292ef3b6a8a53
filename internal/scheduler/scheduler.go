// Package scheduler runs rapport's due work: one goroutine that asks each
// task when it next has work (indexed queries: the next planned send, the
// next contact timer, the digest time, drafts waiting), sleeps until the
// earliest, runs what is due, and sleeps again. Any commit that may change
// what is due kicks it awake (the way mox's queue kicks itself), within
// the process and from other processes (the CLI) through a wake socket, so
// new work starts at once and idle costs nothing but a capped sleep.
//
// A task that fails or panics is logged, counted and retried with backoff;
// it never takes the scheduler down, and never makes it spin.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"rapport/internal/clock"
)

// Task is one kind of due work.
type Task struct {
	Name string
	// Next is when the task next has work; zero means nothing is waiting.
	Next func(ctx context.Context) (time.Time, error)
	// Run does what is due.
	Run func(ctx context.Context) error
}

// DefaultMaxSleep caps a sleep: a safety net for a change nobody kicked
// about (another host writing the same PostgreSQL database).
const DefaultMaxSleep = 5 * time.Minute

// Scheduler runs tasks when they fall due.
type Scheduler struct {
	Clock clock.Clock
	Log   *slog.Logger
	Tasks []Task
	// MaxSleep caps a sleep; zero means DefaultMaxSleep.
	MaxSleep time.Duration
	// OnPass is called after every pass (liveness for the watchdog).
	OnPass func()
	// OnWake, when set, is called when another process wakes the
	// scheduler (before the pass it starts).
	OnWake func()

	kick    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	backoff map[string]backoff

	// Passes and Panics count passes and recovered panics.
	Passes atomic.Int64
	Panics atomic.Int64
	// busySince is when the current pass began (zero while asleep).
	busySince atomic.Int64
}

type backoff struct {
	until time.Time
	fails int
}

func (s *Scheduler) init() {
	s.once.Do(func() {
		s.kick = make(chan struct{}, 1)
		s.backoff = map[string]backoff{}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.MaxSleep == 0 {
			s.MaxSleep = DefaultMaxSleep
		}
	})
}

// Kick wakes the scheduler to look again at what is due. It never blocks.
func (s *Scheduler) Kick() {
	s.init()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Busy reports since when the current pass has run, or zero while the
// scheduler sleeps: a pass that never ends means a stuck loop.
func (s *Scheduler) Busy() time.Time {
	n := s.busySince.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// Run loops until ctx ends: a pass, then a sleep until the earliest next
// due time (at most MaxSleep) or a kick.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	for {
		next, err := s.Pass(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			s.Log.Error("scheduler", "err", err)
		}
		wait := s.MaxSleep
		if !next.IsZero() {
			if d := next.Sub(s.Clock.Now()); d < wait {
				wait = d
			}
		}
		if wait <= 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.kick:
		case <-s.Clock.After(wait):
		}
	}
}

// Pass runs every task that is due now, in order, and returns when the
// next one falls due (zero: nothing waits). Tests and the demo call it to
// drive the daemon on a fake clock.
func (s *Scheduler) Pass(ctx context.Context) (time.Time, error) {
	s.init()
	s.busySince.Store(time.Now().UnixNano())
	defer s.busySince.Store(0)
	defer func() {
		s.Passes.Add(1)
		if s.OnPass != nil {
			s.OnPass()
		}
	}()
	var firstErr error
	for _, t := range s.Tasks {
		if ctx.Err() != nil {
			return time.Time{}, ctx.Err()
		}
		now := s.Clock.Now()
		if s.held(t.Name, now) {
			continue
		}
		var at time.Time
		err := s.guard(ctx, t.Name+" next", func(ctx context.Context) error {
			var err error
			at, err = t.Next(ctx)
			return err
		})
		if err == nil && !at.IsZero() && !at.After(now) {
			err = s.guard(ctx, t.Name, t.Run)
		}
		if err != nil {
			s.fail(t.Name, err)
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", t.Name, err)
			}
		} else {
			s.ok(t.Name)
		}
	}
	return s.next(ctx), firstErr
}

// next is the earliest due time over all tasks (and their backoffs).
func (s *Scheduler) next(ctx context.Context) time.Time {
	var out time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	now := s.Clock.Now()
	for _, t := range s.Tasks {
		if b, ok := s.backoffOf(t.Name); ok && b.until.After(now) {
			earliest(b.until)
			continue
		}
		var at time.Time
		err := s.guard(ctx, t.Name+" next", func(ctx context.Context) error {
			var err error
			at, err = t.Next(ctx)
			return err
		})
		if err != nil {
			s.fail(t.Name, err)
			b, _ := s.backoffOf(t.Name)
			earliest(b.until)
			continue
		}
		earliest(at)
	}
	return out
}

// guard runs f, turning a panic into an error (logged with its stack and
// counted): no task can take the daemon down.
func (s *Scheduler) guard(ctx context.Context, what string, f func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Panics.Add(1)
			s.Log.Error("recovered a panic; the task is retried later", "task", what, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f(ctx)
}

func (s *Scheduler) held(name string, now time.Time) bool {
	b, ok := s.backoffOf(name)
	return ok && b.until.After(now)
}

func (s *Scheduler) backoffOf(name string) (backoff, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.backoff[name]
	return b, ok
}

// fail holds a failing task back: 1 s, doubling to 5 minutes.
func (s *Scheduler) fail(name string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.backoff[name]
	b.fails++
	d := time.Second << min(b.fails-1, 9)
	if d > 5*time.Minute {
		d = 5 * time.Minute
	}
	b.until = s.Clock.Now().Add(d)
	s.backoff[name] = b
	s.Log.Warn("task failed; retrying later", "task", name, "in", d, "err", err)
}

func (s *Scheduler) ok(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.backoff, name)
}
