package digest

import (
	"fmt"
	"math"
	"time"
)

// NextRun returns the first digest time strictly after now: the next
// weekday day at hhmm ("08:00") in loc. Passing the time of the last
// digest gives the one after it. On a day when the clock skips hhmm
// (a DST gap) it is the instant hhmm would have been: 02:30 becomes 03:30.
func NextRun(now time.Time, loc *time.Location, day time.Weekday, hhmm string) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	hm, err := time.Parse("15:04", hhmm)
	if err != nil {
		return time.Time{}, fmt.Errorf("digest time %q: want HH:MM", hhmm)
	}
	if day < time.Sunday || day > time.Saturday {
		return time.Time{}, fmt.Errorf("digest day %d: not a weekday", day)
	}
	local := now.In(loc)
	y, m, d := local.Date()
	for k := 0; k <= 7; k++ {
		if time.Date(y, m, d+k, 12, 0, 0, 0, loc).Weekday() != day {
			continue
		}
		if c := wallTime(y, m, d+k, hm.Hour(), hm.Minute(), loc); c.After(now) {
			return c, nil
		}
	}
	// Unreachable: within eight days the weekday comes round with a time
	// a week after today's.
	return time.Time{}, fmt.Errorf("no digest time after %s", now)
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

// WeekKey names t's ISO week in loc, "2026-W48": the key that makes a
// week's digest go out once.
func WeekKey(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	y, w := t.In(loc).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// weekStart is the Monday of t's ISO week, at midnight.
func weekStart(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	y, m, d := t.Date()
	return time.Date(y, m, d-back, 0, 0, 0, 0, t.Location())
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// day is "Tuesday 24 November", with the year when it is not now's.
func (b *builder) day(t time.Time) string { return formatDay(t.In(b.loc), b.now) }

func formatDay(t, now time.Time) string {
	if t.Year() != now.Year() {
		return t.Format("Monday 2 January 2006")
	}
	return t.Format("Monday 2 January")
}

// when is "Tuesday 24 November at 2pm".
func (b *builder) when(t time.Time) string {
	t = t.In(b.loc)
	return b.day(t) + " at " + clock(t)
}

// clock is "2pm", "2:30pm", "noon" or "midnight".
func clock(t time.Time) string {
	switch {
	case t.Hour() == 12 && t.Minute() == 0:
		return "noon"
	case t.Hour() == 0 && t.Minute() == 0:
		return "midnight"
	case t.Minute() == 0:
		return t.Format("3pm")
	}
	return t.Format("3:04pm")
}

// dayAgo is "Friday 20 November (3 days ago)", "today", "yesterday".
func (b *builder) dayAgo(t time.Time) string {
	t = t.In(b.loc)
	days := int(math.Round(midnight(b.now).Sub(midnight(t)).Hours() / 24))
	switch {
	case days == 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days > 1:
		return fmt.Sprintf("%s (%d days ago)", b.day(t), days)
	}
	return b.day(t)
}

// commandTime is a time as a command accepts it: "Tue 24 Nov 14:00".
func commandTime(t time.Time) string { return t.Format("Mon 2 Jan 2006 15:04") }

// commandDate is a date as snooze accepts it: "2027-03-01".
func commandDate(t time.Time) string { return t.Format("2006-01-02") }
