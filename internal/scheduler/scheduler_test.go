package scheduler

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rapport/internal/clock"
)

var t0 = time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)

// due is a task whose work falls due at the times given to it.
type due struct {
	mu   sync.Mutex
	at   time.Time
	runs []time.Time
	clk  clock.Clock
	fail func() error
}

func (d *due) set(t time.Time) {
	d.mu.Lock()
	d.at = t
	d.mu.Unlock()
}

func (d *due) task(name string) Task {
	return Task{Name: name,
		Next: func(context.Context) (time.Time, error) {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.at, nil
		},
		Run: func(context.Context) error {
			d.mu.Lock()
			d.runs = append(d.runs, d.clk.Now())
			d.at = time.Time{} // done until told otherwise
			f := d.fail
			d.mu.Unlock()
			if f != nil {
				return f()
			}
			return nil
		}}
}

func (d *due) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.runs)
}

// waitFor polls cond (real time) for a loop running on another goroutine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSleepsUntilTheEarliestDueWork(t *testing.T) {
	clk := clock.NewFake(t0)
	a, b := &due{clk: clk}, &due{clk: clk}
	a.set(t0.Add(time.Hour))
	b.set(t0.Add(10 * time.Minute))
	s := &Scheduler{Clock: clk, Tasks: []Task{a.task("a"), b.task("b")}, MaxSleep: 24 * time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	waitFor(t, "the first sleep", func() bool { return clk.Waiters() == 1 })
	if a.count()+b.count() != 0 {
		t.Fatal("ran work that was not due")
	}
	clk.Advance(10 * time.Minute)
	waitFor(t, "b to run", func() bool { return b.count() == 1 })
	waitFor(t, "the second sleep", func() bool { return clk.Waiters() == 1 })
	if a.count() != 0 {
		t.Fatal("a ran before its time")
	}
	clk.Advance(50 * time.Minute)
	waitFor(t, "a to run", func() bool { return a.count() == 1 })
	if got := a.runs[0]; !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("a ran at %v", got)
	}
	if p := s.Passes.Load(); p > 4 {
		t.Errorf("%d passes for two pieces of work: it does not sleep", p)
	}
}

func TestKickRunsNewWorkAtOnce(t *testing.T) {
	clk := clock.NewFake(t0)
	a := &due{clk: clk}
	s := &Scheduler{Clock: clk, Tasks: []Task{a.task("a")}, MaxSleep: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	waitFor(t, "the sleep", func() bool { return clk.Waiters() == 1 })
	a.set(t0) // work committed now
	s.Kick()
	waitFor(t, "a to run on the kick", func() bool { return a.count() == 1 })
	if !a.runs[0].Equal(t0) {
		t.Errorf("ran at %v, want at once", a.runs[0])
	}
}

func TestSleepIsCapped(t *testing.T) {
	clk := clock.NewFake(t0)
	a := &due{clk: clk}
	s := &Scheduler{Clock: clk, Tasks: []Task{a.task("a")}, MaxSleep: 5 * time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	waitFor(t, "the sleep", func() bool { return clk.Waiters() == 1 })
	before := s.Passes.Load()
	clk.Advance(5 * time.Minute)
	waitFor(t, "a look after the cap", func() bool { return s.Passes.Load() > before })
}

func TestAPanickingTaskNeitherStopsNorSpins(t *testing.T) {
	clk := clock.NewFake(t0)
	bad, good := &due{clk: clk}, &due{clk: clk}
	bad.set(t0)
	bad.fail = func() error { panic("a parser fell over") }
	good.set(t0)
	s := &Scheduler{Clock: clk, Tasks: []Task{bad.task("bad"), good.task("good")}, MaxSleep: time.Hour}
	next, err := s.Pass(context.Background())
	if err == nil || s.Panics.Load() != 1 {
		t.Fatalf("pass: %v, panics %d", err, s.Panics.Load())
	}
	if good.count() != 1 {
		t.Fatal("the task after the panic did not run")
	}
	// The failing task is held back, not retried in a tight loop.
	bad.set(t0)
	if !next.After(t0) {
		t.Fatalf("next %v: a failing task makes the scheduler spin", next)
	}
	if _, err := s.Pass(context.Background()); err != nil || bad.count() != 1 {
		t.Fatalf("retried during its backoff: runs %d, err %v", bad.count(), err)
	}
	clk.Advance(2 * time.Second)
	bad.fail = nil
	if _, err := s.Pass(context.Background()); err != nil || bad.count() != 2 {
		t.Fatalf("after the backoff: runs %d, err %v", bad.count(), err)
	}
}

func TestErrorsBackOff(t *testing.T) {
	clk := clock.NewFake(t0)
	a := &due{clk: clk, fail: func() error { return errors.New("server down") }}
	s := &Scheduler{Clock: clk, Tasks: []Task{a.task("a")}}
	var gaps []time.Duration
	for i := 0; i < 5; i++ {
		a.set(clk.Now())
		next, err := s.Pass(context.Background())
		if err == nil {
			t.Fatal("no error")
		}
		gaps = append(gaps, next.Sub(clk.Now()))
		clk.Set(next)
	}
	for i := 1; i < len(gaps); i++ {
		if gaps[i] <= gaps[i-1] {
			t.Fatalf("backoff does not grow: %v", gaps)
		}
	}
}

func TestWakeFromAnotherProcess(t *testing.T) {
	clk := clock.NewFake(t0)
	a := &due{clk: clk}
	s := &Scheduler{Clock: clk, Tasks: []Task{a.task("a")}, MaxSleep: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "rapport.db.wake")
	if err := s.Listen(ctx, path); err != nil {
		t.Fatal(err)
	}
	go s.Run(ctx)
	waitFor(t, "the sleep", func() bool { return clk.Waiters() == 1 })
	a.set(t0)
	Wake(path) // what the CLI does after its commit
	waitFor(t, "a to run on the wake", func() bool { return a.count() == 1 })
	Wake(filepath.Join(t.TempDir(), "nobody.wake")) // no daemon: nothing happens, nothing blocks
}
