package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
)

// bookedAhead is n sends filling every preferred day from Tuesday 24 Nov
// 2026 to its cap, 5 minutes apart: NextSlot has to walk past all of them
// (about five years of Tuesdays and Wednesdays).
func bookedAhead(b *testing.B, p Policy, c Calendar, n int) []time.Time {
	ny := zone(b, "America/New_York")
	plan := NewPlan(nil)
	now := wall(b, ny, "2026-11-21 10:00")
	q := p
	q.Spacing = Spacing{Min: 5 * time.Minute, Max: 5 * time.Minute}
	for range n {
		t, err := plan.Reserve(now, ny, q, c, nil)
		if err != nil {
			b.Fatal(err)
		}
		now = t
	}
	return plan.Times()
}

// history is n sends in the past, the last just before now.
func history(now time.Time, n int) []time.Time {
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = now.Add(-time.Duration(n-i) * 37 * time.Minute)
	}
	return ts
}

func BenchmarkNextSlot(b *testing.B) {
	ny, tokyo := zone(b, "America/New_York"), zone(b, "Asia/Tokyo")
	p := DefaultPolicy(ny)
	c := mustCalendar(b, "US")
	now := wall(b, ny, "2026-11-21 10:00")
	ahead := bookedAhead(b, p, c, 10_000)
	if got, _ := NextSlot(now, ny, p, c, ahead, nil); got.Before(ahead[len(ahead)-1]) {
		b.Fatalf("booked-ahead plan has room at %s", got)
	}
	past := history(wall(b, ny, "2026-11-24 09:30"), 10_000)

	b.Run("booked-ahead-10000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NextSlot(now, ny, p, c, ahead, rng); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("booked-ahead-10000-tokyo-recipient", func(b *testing.B) {
		// Tokyo's Tuesday morning is Monday evening in New York, a day
		// the bookings leave free: a short search.
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NextSlot(now, tokyo, p, c, ahead, rng); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("history-10000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		t := wall(b, ny, "2026-11-24 09:30")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NextSlot(t, ny, p, c, past, rng); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plan-booked-ahead-10000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		plan := NewPlan(ahead)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := plan.NextSlot(now, ny, p, c, rng); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unsorted-history-10000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		shuffled := append([]time.Time(nil), past...)
		rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		t := wall(b, ny, "2026-11-24 09:30")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NextSlot(t, ny, p, c, shuffled, rng); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReserve plans a 500-contact import onto a plan already holding
// 10,000 sends in the past.
func BenchmarkReserve500(b *testing.B) {
	ny := zone(b, "America/New_York")
	p := DefaultPolicy(ny)
	c := mustCalendar(b, "US")
	now := wall(b, ny, "2026-11-24 09:30")
	past := history(now, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		plan := NewPlan(past)
		rng := rand.New(rand.NewPCG(1, 2))
		for range 500 {
			if _, err := plan.Reserve(now, ny, p, c, rng); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkMeetingOptions(b *testing.B) {
	ny := zone(b, "America/New_York")
	avail, _ := ParseAvailabilities([]string{"tue 13:00-16:00", "fri 09:00-17:00"})
	c := mustCalendar(b, "US")
	now := wall(b, ny, "2026-11-21 10:00")
	for b.Loop() {
		MeetingOptions(now, avail, c, 2)
	}
}
