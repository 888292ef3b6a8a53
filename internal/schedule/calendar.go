package schedule

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/au"
)

// Calendar knows which days are business days: Monday to Friday, minus the
// public holidays of one country or region. The zero value has no holidays.
// A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	code string
	hol  *cal.Calendar // nil when there are no holidays
}

// aliases are codes people write that are not the ISO one.
var aliases = map[string]string{"UK": "GB"}

// NewCalendar returns the calendar for a holiday country code such as "US",
// "GB", "DE" or a region such as "DE-BY" or "AU-NSW" (case-insensitive; "UK"
// means GB). "" means no holidays. "AU" alone is the holidays every
// Australian state shares.
func NewCalendar(country string) (Calendar, error) {
	code := strings.ToUpper(strings.TrimSpace(country))
	code = strings.ReplaceAll(code, "_", "-")
	if a, ok := aliases[code]; ok {
		code = a
	}
	if code == "" {
		return Calendar{}, nil
	}
	list, ok := holidayLists[code]
	if !ok && code == "AU" {
		list, ok = commonHolidays(au.HolidaysACT, au.HolidaysNSW, au.HolidaysNT, au.HolidaysQLD,
			au.HolidaysSA, au.HolidaysTAS, au.HolidaysVIC, au.HolidaysWA), true
	}
	if !ok {
		return Calendar{}, fmt.Errorf("unknown holiday country %q (supported: %s)", country, strings.Join(SupportedCountries(), ", "))
	}
	// Our own Calendar value with a copy of the list: the library's lists
	// are shared package variables, and caching stays off because the
	// library's cache is not safe for concurrent use.
	c := &cal.Calendar{Name: code, Holidays: slices.Clone(list)}
	return Calendar{code: code, hol: c}, nil
}

// commonHolidays is the holidays present in every list.
func commonHolidays(lists ...[]*cal.Holiday) []*cal.Holiday {
	var out []*cal.Holiday
	for _, h := range lists[0] {
		all := true
		for _, l := range lists[1:] {
			if !slices.Contains(l, h) {
				all = false
				break
			}
		}
		if all {
			out = append(out, h)
		}
	}
	return out
}

// SupportedCountries lists the codes NewCalendar accepts, sorted.
func SupportedCountries() []string {
	codes := []string{"AU"}
	for c := range holidayLists {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// Country is the code the calendar was built from ("" for none).
func (c Calendar) Country() string { return c.code }

// Holiday reports whether t's date, in t's own location, is a public
// holiday (on the day itself or on the weekday it is observed), and its name.
func (c Calendar) Holiday(t time.Time) (name string, ok bool) {
	y, m, d := t.Date()
	return c.holiday(date{y, m, d})
}

func (c Calendar) holiday(d date) (string, bool) {
	if c.hol == nil {
		return "", false
	}
	act, obs, h := c.hol.IsHoliday(d.noon())
	if act || obs {
		return h.Name, true
	}
	return "", false
}

// IsBusinessDay reports whether t falls Monday to Friday, in t's own
// location, and is not a public holiday.
func (c Calendar) IsBusinessDay(t time.Time) bool {
	y, m, d := t.Date()
	return c.isBusinessDate(date{y, m, d})
}

func (c Calendar) isBusinessDate(d date) bool {
	if wd := d.weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, hol := c.holiday(d)
	return !hol
}

// AddBusinessDays moves t by n business days (backwards when n < 0),
// keeping its wall-clock time in its location. Like Span.AddTo it steps one
// calendar day at a time and counts the business days it lands on, so
// AddBusinessDays(friday, 1) is the next Monday and n == 0 returns t as is.
func (c Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	k := 0
	for n > 0 {
		k += step
		if c.IsBusinessDay(t.AddDate(0, 0, k)) {
			n--
		}
	}
	return t.AddDate(0, 0, k)
}

// BusinessDaysBetween counts business days from a to b, with both dates
// read in a's location: those after a's date up to and including b's date,
// or, when b is before a, minus those from b's date up to but excluding a's
// date. It inverts AddBusinessDays:
// BusinessDaysBetween(t, AddBusinessDays(t, n)) == n.
func (c Calendar) BusinessDaysBetween(a, b time.Time) int {
	from, to := dateOf(a, a.Location()), dateOf(b, a.Location())
	n := 0
	if to.before(from) {
		for d := to; d.before(from); d = d.add(1) {
			if c.isBusinessDate(d) {
				n--
			}
		}
		return n
	}
	for d := from.add(1); !to.before(d); d = d.add(1) {
		if c.isBusinessDate(d) {
			n++
		}
	}
	return n
}

// Add returns t plus the span, counting business days on this calendar.
func (c Calendar) Add(t time.Time, s Span) time.Time {
	return s.AddTo(t, c.IsBusinessDay)
}
