package digest

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"rapport/internal/model"
	"rapport/internal/schedule"
)

// Times for people. Every time shown says whose zone it is in, named as
// everywhere in rapport (schedule.ZoneLabel): the owner's ("2pm ET"), and
// the contact's beside it when theirs differs ("2pm ET (11am PT for
// Jordan)").

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

// fmt is the formatter of one digest or notification: the owner's zone and
// the time it is made.
type fmter struct {
	now time.Time // in loc
	loc *time.Location
}

func newFmter(now time.Time, loc *time.Location) fmter {
	if loc == nil {
		loc = time.UTC
	}
	return fmter{now: now.In(loc), loc: loc}
}

// day is "Tue 24 Nov", with the year when it is not now's.
func (f fmter) day(t time.Time) string {
	t = t.In(f.loc)
	if t.Year() != f.now.Year() {
		return t.Format("Mon 2 Jan 2006")
	}
	return t.Format("Mon 2 Jan")
}

// longDay is "Tuesday 24 November", with the year when it is not now's.
func (f fmter) longDay(t time.Time) string {
	t = t.In(f.loc)
	if t.Year() != f.now.Year() {
		return t.Format("Monday 2 January 2006")
	}
	return t.Format("Monday 2 January")
}

// at is "Tue 24 Nov, 2pm EST".
func (f fmter) at(t time.Time) string {
	t = t.In(f.loc)
	return f.day(t) + ", " + clock(t) + " " + schedule.ZoneLabel(t)
}

// atFor is at(t) with the contact's own time beside it when their zone is
// known and its clock differs from the owner's: "Tue 24 Nov, 2pm EST
// (11am PST for Jordan)".
func (f fmter) atFor(t time.Time, c *model.Contact, zone string) string {
	s := f.at(t)
	if c != nil && zone == "" {
		zone = c.Timezone
	}
	if zone == "" {
		return s
	}
	theirs, err := time.LoadLocation(zone)
	if err != nil {
		return s
	}
	mine, other := t.In(f.loc), t.In(theirs)
	_, a := mine.Zone()
	_, b := other.Zone()
	if a == b {
		return s
	}
	when := clock(other) + " " + schedule.ZoneLabel(other)
	if other.YearDay() != mine.YearDay() {
		when = other.Format("Mon") + " " + when
	}
	who := "them"
	if c != nil {
		if n := firstName(c.Name); n != "them" {
			who = n
		}
	}
	return s + " (" + when + " for " + who + ")"
}

// daysBetween is the number of calendar days from a to b in the owner's
// zone (0 the same day).
func (f fmter) daysBetween(a, b time.Time) int {
	return int(math.Round(midnight(b.In(f.loc)).Sub(midnight(a.In(f.loc))).Hours() / 24))
}

// ago is "today", "yesterday" or "3 days ago", counted in calendar days.
func (f fmter) ago(t time.Time) string {
	switch n := f.daysBetween(t, f.now); {
	case n <= 0:
		return "today"
	case n == 1:
		return "yesterday"
	default:
		return fmt.Sprintf("%d days ago", n)
	}
}

// waiting is "waiting since today", "waiting 1 day", "waiting 3 days".
func (f fmter) waiting(since time.Time) string {
	switch n := f.daysBetween(since, f.now); {
	case n <= 0:
		return "waiting since today"
	case n == 1:
		return "waiting 1 day"
	default:
		return fmt.Sprintf("waiting %d days", n)
	}
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// commandTime is a time as a command accepts it: "Tue 24 Nov 2026 14:00".
func commandTime(t time.Time) string { return t.Format("Mon 2 Jan 2006 15:04") }

// commandDate is a date as snooze accepts it: "2027-03-01".
func commandDate(t time.Time) string { return t.Format("2006-01-02") }

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 && !strings.Contains(f[0], "@") {
		return f[0]
	}
	return "them"
}

func displayName(c *model.Contact) string {
	if n := oneLine(c.Name); n != "" {
		return n
	}
	return c.Email
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip cuts s to at most n characters, at a word boundary when there is
// one in the second half, and marks the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := string([]rune(s)[:n])
	if cut := strings.LastIndexByte(r, ' '); cut >= len(r)/2 {
		r = r[:cut]
	}
	return strings.TrimRight(r, " ,.;:") + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
