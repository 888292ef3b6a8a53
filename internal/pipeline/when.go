package pipeline

import (
	"time"

	"rapport/internal/classify"
	"rapport/internal/schedule"
)

// When is a time for the timeline, in loc with the zone named: "Thursday
// 3 December at 2pm EST", "… at 2:30pm CET".
func When(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return schedule.DayAt(t, loc) + " " + schedule.ZoneLabel(t.In(loc))
}

// CalendarDay is a day someone wrote ("back on 30 November", "try me in
// March"): a date, not an instant, so it is shown as written, in its own
// frame, never moved into another zone (midnight in London is the evening
// before in New York).
func CalendarDay(t time.Time) string { return t.Format("2 Jan 2006") }

// Day is the date of an instant in loc for the timeline: "1 Mar 2027".
func Day(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2 Jan 2006")
}

// calEnd is the end of a calendar event, zero when it gave none.
func calEnd(cal *classify.CalendarEvent) time.Time { return cal.End }
