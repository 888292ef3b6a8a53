package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MeetingLeadDays is how many days ahead the first meeting option is at the
// earliest, so the contact has time to read the request and answer.
const MeetingLeadDays = 2

// workday is what counts as "any time": a slot covering it is offered as
// the whole day rather than as a range of hours.
var workday = Window{Start: 9 * 60, End: 17 * 60}

// Availability is a weekly slot the user offers for meetings, in the
// user's time zone.
type Availability struct {
	Day    time.Weekday
	Window Window
}

// ParseAvailability reads one entry such as "tue 13:00-16:00".
func ParseAvailability(s string) (Availability, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return Availability{}, fmt.Errorf("invalid availability %q (want DAY HH:MM-HH:MM, e.g. \"tue 13:00-16:00\")", s)
	}
	d, err := ParseWeekday(f[0])
	if err != nil {
		return Availability{}, fmt.Errorf("availability %q: %w", s, err)
	}
	w, err := ParseWindow(f[1])
	if err != nil {
		return Availability{}, fmt.Errorf("availability %q: %w", s, err)
	}
	return Availability{Day: d, Window: w}, nil
}

// ParseAvailabilities reads every entry, reporting every bad one.
func ParseAvailabilities(specs []string) ([]Availability, error) {
	var out []Availability
	var errs []error
	for _, s := range specs {
		a, err := ParseAvailability(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, a)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func (a Availability) String() string {
	return strings.ToLower(a.Day.String()[:3]) + " " + a.Window.String()
}

// Option is one concrete meeting time offered to a contact.
type Option struct {
	Start, End time.Time
	// InHours is set by MeetingOptionsFor when the option lies inside the
	// contact's working hours.
	InHours bool
}

// MeetingOptions reads everything in the owner's zone and knows nothing
// of the contact; MeetingOptionsFor is the one to use for a request.
//
// MeetingOptions returns up to n concrete options from the user's weekly
// availability, one per day, on the first matching days at least
// MeetingLeadDays after now's date, skipping public holidays on c. Dates and
// times are read in now's location (the user's zone). When several entries
// fall on the same weekday, the earliest-starting one is offered. Fewer than
// n come back only if avail is empty or its days are holidays for a year.
func MeetingOptions(now time.Time, avail []Availability, c Calendar, n int) []Option {
	loc := now.Location()
	var out []Option
	d := dateOf(now, loc).add(MeetingLeadDays)
	for i := 0; len(out) < n && len(avail) > 0 && i < scanDays; i, d = i+1, d.add(1) {
		if _, hol := c.holiday(d); hol {
			continue
		}
		best := -1
		for j, a := range avail {
			if a.Day == d.weekday() && (best < 0 || a.Window.Start < avail[best].Window.Start) {
				best = j
			}
		}
		if best < 0 {
			continue
		}
		s, e := avail[best].Window.bounds(d, loc)
		if s.Before(e) {
			out = append(out, Option{Start: s, End: e})
		}
	}
	return out
}

// AnyTime reports whether the option covers the whole working day
// (09:00-17:00 or longer), which reads better as "any time".
func (o Option) AnyTime() bool {
	s, e := o.clocks()
	return s <= workday.Start && e >= workday.End
}

// clocks are the option's start and end wall clocks in Start's location;
// an end on a later day reads as 24:00.
func (o Option) clocks() (start, end Clock) {
	loc := o.Start.Location()
	start, end = clockOf(o.Start), clockOf(o.End.In(loc))
	if dateOf(o.Start, loc).before(dateOf(o.End, loc)) {
		end = endOfDay
	}
	return start, end
}

// Human is the option in plain English, in Start's location:
// "Tuesday 24 November between 1 and 4pm", "Tuesday 24 November between
// 11am and 2pm", or "any time Friday 27 November".
func (o Option) Human() string {
	day := o.Start.Format("Monday 2 January")
	if o.AnyTime() {
		return "any time " + day
	}
	s, e := o.clocks()
	return day + " between " + hours(s, e)
}

func (o Option) String() string { return o.Human() }

// JoinOptions lists options for a sentence: "A, or B" ("A, B, or C").
func JoinOptions(opts []Option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = o.Human()
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", or " + parts[len(parts)-1]
}

// hours is "1 and 4pm", "1:30 and 4pm", "11am and 2pm", "noon and 3pm":
// the am/pm suffix is said once when both ends share it.
func hours(s, e Clock) string {
	sn, sm := clockWords(s)
	en, em := clockWords(e)
	if sm == em && sm != "" {
		return sn + " and " + en + em
	}
	return sn + sm + " and " + en + em
}

// clockWords splits a clock into its number and am/pm suffix; noon and
// midnight are words with no suffix.
func clockWords(c Clock) (num, suffix string) {
	switch c % endOfDay {
	case 0:
		return "midnight", ""
	case 12 * 60:
		return "noon", ""
	}
	h := c.Hour() % 12
	if h == 0 {
		h = 12
	}
	num = strconv.Itoa(h)
	if c.Minute() != 0 {
		num += fmt.Sprintf(":%02d", c.Minute())
	}
	if c.Hour() < 12 {
		return num, "am"
	}
	return num, "pm"
}
