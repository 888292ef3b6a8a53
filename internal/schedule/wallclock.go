package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Clock is a wall-clock time of day in minutes after midnight, 0 to 1440
// (24:00, the end of the day, is allowed as the end of a window).
type Clock int

const endOfDay Clock = 24 * 60

// ParseClock reads "HH:MM" (or "H:MM"), 00:00 to 24:00.
func ParseClock(s string) (Clock, error) {
	s = strings.TrimSpace(s)
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, fmt.Errorf("invalid time %q (want HH:MM, e.g. 09:30)", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) ||
		strings.ContainsAny(hs+ms, "+-") {
		return 0, fmt.Errorf("invalid time %q (want HH:MM between 00:00 and 24:00)", s)
	}
	return Clock(h*60 + m), nil
}

// Hour and Minute split the clock.
func (c Clock) Hour() int   { return int(c) / 60 }
func (c Clock) Minute() int { return int(c) % 60 }

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour(), c.Minute()) }

// clockOf is t's wall-clock time in its own location.
func clockOf(t time.Time) Clock { return Clock(t.Hour()*60 + t.Minute()) }

// date is a civil date, free of any zone.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time, loc *time.Location) date {
	y, m, d := t.In(loc).Date()
	return date{y, m, d}
}

// noon is the date at 12:00 UTC: a stable handle for weekday and holiday
// look-ups, which only read the date.
func (d date) noon() time.Time { return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC) }

func (d date) add(n int) date {
	y, m, dd := time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, time.UTC).Date()
	return date{y, m, dd}
}

func (d date) weekday() time.Weekday { return d.noon().Weekday() }

func (d date) before(e date) bool {
	if d.y != e.y {
		return d.y < e.y
	}
	if d.m != e.m {
		return d.m < e.m
	}
	return d.d < e.d
}

// wallTime returns the earliest instant on date d in loc whose wall clock reads c
// or later. time.Date alone does not do this: for a time skipped by a
// spring-forward transition it may return an instant before the transition
// (with an earlier wall clock) and for a repeated time it does not promise
// which occurrence it picks.
func wallTime(d date, c Clock, loc *time.Location) time.Time {
	if c >= endOfDay {
		return wallTime(d.add(1), 0, loc)
	}
	want := time.Date(d.y, d.m, d.d, c.Hour(), c.Minute(), 0, 0, time.UTC)
	guess := time.Date(d.y, d.m, d.d, c.Hour(), c.Minute(), 0, 0, loc)
	// Fast path: no offset change within a day either side, so the plain
	// conversion is the only instant with that wall clock.
	_, o0 := guess.Zone()
	_, o1 := guess.Add(-24 * time.Hour).Zone()
	_, o2 := guess.Add(24 * time.Hour).Zone()
	if o0 == o1 && o0 == o2 {
		return guess
	}
	var best, lo, hi time.Time
	// Offsets in force a day either side cover any real zone's transitions.
	for _, probe := range [...]time.Time{guess.Add(-24 * time.Hour), guess, guess.Add(24 * time.Hour)} {
		_, off := probe.Zone()
		u := want.Add(-time.Duration(off) * time.Second)
		if lo.IsZero() || u.Before(lo) {
			lo = u
		}
		if hi.IsZero() || u.After(hi) {
			hi = u
		}
		if _, o := u.In(loc).Zone(); o == off && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	if !best.IsZero() {
		return best.In(loc)
	}
	// The wall time was skipped: find the transition, the first instant
	// whose wall clock is past it, by bisection between the two readings.
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if wallAsUTC(mid, loc).Before(want) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi.In(loc)
}

// wallAsUTC reads t's wall clock in loc as if it were UTC, so wall clocks
// can be compared directly.
func wallAsUTC(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}
