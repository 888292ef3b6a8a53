package digest

import (
	"fmt"
	"time"

	"rapport/internal/schedule"
)

// Schedule is when the weekly digest goes out: a weekday and a wall-clock
// time in the owner's zone (config digest.day, digest.time, me.timezone).
// Its methods are pure, for the scheduler: Next says when to wake, Slot and
// Key name the digest that is due, StillDue says whether a missed one is
// still worth sending.
type Schedule struct {
	Day          time.Weekday
	Hour, Minute int
	Loc          *time.Location // nil is UTC
}

// ParseSchedule reads digest.day ("mon", "monday") and digest.time
// ("08:00").
func ParseSchedule(day, hhmm string, loc *time.Location) (Schedule, error) {
	d, err := schedule.ParseWeekday(day)
	if err != nil {
		return Schedule{}, fmt.Errorf("digest day %q: %w", day, err)
	}
	return NewSchedule(d, hhmm, loc)
}

// NewSchedule is ParseSchedule with the weekday already read.
func NewSchedule(day time.Weekday, hhmm string, loc *time.Location) (Schedule, error) {
	hm, err := time.Parse("15:04", hhmm)
	if err != nil {
		return Schedule{}, fmt.Errorf("digest time %q: want HH:MM", hhmm)
	}
	if day < time.Sunday || day > time.Saturday {
		return Schedule{}, fmt.Errorf("digest day %d: not a weekday", day)
	}
	if loc == nil {
		loc = time.UTC
	}
	return Schedule{Day: day, Hour: hm.Hour(), Minute: hm.Minute(), Loc: loc}, nil
}

func (s Schedule) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

// at is the digest time on the given calendar day.
func (s Schedule) at(y int, m time.Month, d int) time.Time {
	return wallTime(y, m, d, s.Hour, s.Minute, s.loc())
}

// Next is the first digest time strictly after t. On a day when the clock
// skips the digest time (a DST gap) it is the instant the time would have
// been: 02:30 becomes 03:30.
func (s Schedule) Next(t time.Time) time.Time {
	local := t.In(s.loc())
	y, m, d := local.Date()
	for k := 0; ; k++ {
		if time.Date(y, m, d+k, 12, 0, 0, 0, s.loc()).Weekday() != s.Day {
			continue
		}
		if c := s.at(y, m, d+k); c.After(t) {
			return c
		}
	}
}

// Slot is the latest digest time at or before t: the digest that is due
// at t, if it has not gone yet.
func (s Schedule) Slot(t time.Time) time.Time {
	local := t.In(s.loc())
	y, m, d := local.Date()
	for k := 0; ; k++ {
		if time.Date(y, m, d-k, 12, 0, 0, 0, s.loc()).Weekday() != s.Day {
			continue
		}
		if c := s.at(y, m, d-k); !c.After(t) {
			return c
		}
	}
}

// Key names the digest of a slot, "2026-W48": its ISO week in the owner's
// zone. Slots are a week apart on the same weekday, so no two share a key;
// store the key when the digest is queued and it goes out exactly once.
func (s Schedule) Key(slot time.Time) string { return WeekKey(slot, s.loc()) }

// CatchUpWindow is how close to the next digest a missed one is no longer
// sent: the next one, a day later at most, says it all.
const CatchUpWindow = 24 * time.Hour

// StillDue reports whether the digest of slot, not sent yet, should go out
// at now: once its time has come, and while it is still its week, up to a
// day before the next digest. A daemon that was down at digest time sends
// it once when it comes back; one down for weeks sends only the latest.
func (s Schedule) StillDue(slot, now time.Time) bool {
	if now.Before(slot) {
		return false
	}
	return now.Before(s.Next(slot).Add(-CatchUpWindow))
}

// Due is what the scheduler asks at now: the digest that should be sent
// (its slot and key) unless the key was stored already; ok is false when
// none is due (the latest slot's week is over, or nearly).
func (s Schedule) Due(now time.Time) (slot time.Time, key string, ok bool) {
	slot = s.Slot(now)
	return slot, s.Key(slot), s.StillDue(slot, now)
}

// NextRun returns the first digest time strictly after now: the next
// weekday day at hhmm ("08:00") in loc. Passing the time of the last
// digest gives the one after it.
func NextRun(now time.Time, loc *time.Location, day time.Weekday, hhmm string) (time.Time, error) {
	s, err := NewSchedule(day, hhmm, loc)
	if err != nil {
		return time.Time{}, err
	}
	return s.Next(now), nil
}

// wallTime is h:mi on the day in loc. time.Date leaves the result in a
// DST gap unspecified; here it is read with the offset in force before
// the gap, so the clock time lands just after it.
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, h, mi, 0, 0, loc)
	if t.Hour() == h && t.Minute() == mi {
		return t
	}
	name, off := t.Add(-3 * time.Hour).Zone()
	return time.Date(y, m, d, h, mi, 0, 0, time.FixedZone(name, off)).In(loc)
}

// WeekKey names t's ISO week in loc, "2026-W48".
func WeekKey(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	y, w := t.In(loc).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
