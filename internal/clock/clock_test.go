package clock

import (
	"context"
	"testing"
	"time"
)

func TestFakeFiresInOrder(t *testing.T) {
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	f := NewFake(start)
	a := f.After(2 * time.Hour)
	b := f.After(time.Hour)
	if f.Waiters() != 2 {
		t.Fatalf("waiters = %d, want 2", f.Waiters())
	}
	f.Advance(90 * time.Minute)
	select {
	case got := <-b:
		if !got.Equal(start.Add(90 * time.Minute)) {
			t.Fatalf("b fired at %v", got)
		}
	default:
		t.Fatal("b did not fire after its deadline")
	}
	select {
	case <-a:
		t.Fatal("a fired early")
	default:
	}
	f.Set(start) // never backwards
	if !f.Now().Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("clock went backwards to %v", f.Now())
	}
	f.Advance(time.Hour)
	<-a
}

func TestSleepHonoursContext(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, f, time.Hour); err == nil {
		t.Fatal("Sleep on a cancelled context returned nil")
	}
}

func TestScaledRunsFaster(t *testing.T) {
	origin := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	s := NewScaled(origin, 3600) // an hour per second
	<-s.After(30 * time.Minute)  // about half a real second
	if el := s.Now().Sub(origin); el < 30*time.Minute {
		t.Fatalf("scaled clock advanced only %v", el)
	}
}
