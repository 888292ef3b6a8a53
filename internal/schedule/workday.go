package schedule

import "time"

// BridgeDay reports whether t's date, in t's own location, is a common
// bridge day: a Friday after a Thursday public holiday (the day after US
// Thanksgiving, the Friday after Ascension in much of Europe) or a Monday
// before a Tuesday one. Many people take it off, so it is a poor day to
// propose a meeting, though it stays a business day for follow-up
// arithmetic. The name is "day after Thanksgiving Day" or "day before ...".
func (c Calendar) BridgeDay(t time.Time) (name string, ok bool) {
	y, m, d := t.Date()
	return c.bridge(date{y, m, d})
}

func (c Calendar) bridge(d date) (string, bool) {
	switch d.weekday() {
	case time.Friday:
		if h, ok := c.holiday(d.add(-1)); ok {
			return "day after " + h, true
		}
	case time.Monday:
		if h, ok := c.holiday(d.add(1)); ok {
			return "day before " + h, true
		}
	}
	return "", false
}

// IsWorkingDay reports whether t's date, in t's own location, is a day to
// meet people: a business day (Monday to Friday, not a public holiday)
// that is not a bridge day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	y, m, d := t.Date()
	return c.isWorkingDate(date{y, m, d})
}

func (c Calendar) isWorkingDate(d date) bool {
	if !c.isBusinessDate(d) {
		return false
	}
	_, b := c.bridge(d)
	return !b
}
