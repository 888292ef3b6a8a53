package invite

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Writing: a VTIMEZONE for the TZID of an event, made from Go's zone data.
// RFC 5545 §3.6.5 asks for one per TZID used; Outlook relies on it, Google
// and Apple read the IANA name. It lists the offset in force from the
// start of the event's year and every change up to the end of the next
// year, each as a one-time observance (DTSTART, TZOFFSETFROM, TZOFFSETTO),
// which every client reads.

const localLayout = "20060102T150405"

func vtimezone(loc *time.Location, start, end time.Time) *ical.Component {
	from := time.Date(start.In(loc).Year(), time.January, 1, 0, 0, 0, 0, loc)
	to := time.Date(end.In(loc).Year()+2, time.January, 1, 0, 0, 0, 0, loc)
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())

	name, off := from.Zone()
	tz.Children = append(tz.Children, observance(from.IsDST(), name, off, off, "19700101T000000"))
	for _, t := range transitions(loc, from, to) {
		_, before := t.Add(-time.Second).Zone()
		name, after := t.Zone()
		onset := t.UTC().Add(time.Duration(before) * time.Second).Format(localLayout)
		tz.Children = append(tz.Children, observance(t.IsDST(), name, before, after, onset))
	}
	return tz
}

func observance(dst bool, name string, from, to int, onset string) *ical.Component {
	kind := ical.CompTimezoneStandard
	if dst {
		kind = ical.CompTimezoneDaylight
	}
	c := ical.NewComponent(kind)
	start := ical.NewProp(ical.PropDateTimeStart)
	start.Value = onset
	c.Props.Set(start)
	f := ical.NewProp(ical.PropTimezoneOffsetFrom)
	f.Value = utcOffset(from)
	c.Props.Set(f)
	t := ical.NewProp(ical.PropTimezoneOffsetTo)
	t.Value = utcOffset(to)
	c.Props.Set(t)
	if isAlphaName(name) {
		c.Props.SetText(ical.PropTimezoneName, name)
	}
	return c
}

func isAlphaName(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// utcOffset writes seconds east of UTC as an RFC 5545 UTC-OFFSET:
// "+0100", "-0330", "+053000" only when there are seconds.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// transitions lists the instants in [from, to) where loc's offset or
// abbreviation changes, each the first second of the new rule. Zones
// change at most a few times a year, so a daily probe refined by
// bisection finds them all.
func transitions(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	prev := from
	pn, po := prev.Zone()
	for t := from.Add(24 * time.Hour); !prev.After(to); t = t.Add(24 * time.Hour) {
		n, o := t.Zone()
		if n != pn || o != po {
			lo, hi := prev, t
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
				if mn, mo := mid.Zone(); mn == pn && mo == po {
					lo = mid
				} else {
					hi = mid
				}
			}
			if hi.Before(to) {
				out = append(out, hi.In(loc))
			}
			pn, po = n, o
		}
		prev = t
	}
	return out
}

// Reading: the offset a received VTIMEZONE gives a local time, for TZIDs
// no zone database knows ("(UTC-05:00) Eastern Time (US & Canada)").
// Observances are read by hand rather than with a general RRULE engine:
// in practice they use one shape (FREQ=YEARLY;BYMONTH=m;BYDAY=±nDD, or
// BYMONTHDAY with BYDAY), and a general engine can be made to iterate for
// hours by a hostile rule.

type tzDef struct {
	obs []tzObservance
}

type tzObservance struct {
	onset    time.Time // DTSTART as a wall clock, read as UTC
	from, to int       // offsets in seconds
	rdates   []time.Time
	rule     *yearlyRule
}

type yearlyRule struct {
	month     time.Month
	nth       int // 1..5 or -1..-5; 0 with monthDays
	weekday   time.Weekday
	hasDay    bool
	monthDays []int
	until     time.Time // zero: none
	count     int       // 0: none
}

// maxObservances bounds what one VTIMEZONE may list.
const maxObservances = 100

func readTZDef(c *ical.Component) (tzDef, bool) {
	var d tzDef
	for _, ch := range c.Children {
		if len(d.obs) >= maxObservances {
			break
		}
		if ch.Name != ical.CompTimezoneStandard && ch.Name != ical.CompTimezoneDaylight {
			continue
		}
		var o tzObservance
		var ok1, ok2, ok3 bool
		if p := ch.Props.Get(ical.PropDateTimeStart); p != nil {
			o.onset, ok1 = parseLocal(p.Value)
		}
		if p := ch.Props.Get(ical.PropTimezoneOffsetFrom); p != nil {
			o.from, ok2 = parseOffset(p.Value)
		}
		if p := ch.Props.Get(ical.PropTimezoneOffsetTo); p != nil {
			o.to, ok3 = parseOffset(p.Value)
		}
		if !ok1 || !ok3 {
			continue
		}
		if !ok2 {
			o.from = o.to
		}
		for i, p := range ch.Props.Values(ical.PropRecurrenceDates) {
			if i >= maxObservances {
				break
			}
			for _, v := range strings.Split(p.Value, ",") {
				if t, ok := parseLocal(v); ok && len(o.rdates) < maxObservances {
					o.rdates = append(o.rdates, t)
				}
			}
		}
		if p := ch.Props.Get(ical.PropRecurrenceRule); p != nil {
			o.rule = parseYearlyRule(p.Value)
		}
		d.obs = append(d.obs, o)
	}
	return d, len(d.obs) > 0
}

// offsetAt is the offset in force at the wall clock local (read as UTC):
// the observance whose latest onset at or before it is the latest.
func (d tzDef) offsetAt(local time.Time) int {
	var best time.Time
	bestOff, found := 0, false
	earliest, earliestFrom := time.Time{}, 0
	for _, o := range d.obs {
		if earliest.IsZero() || o.onset.Before(earliest) {
			earliest, earliestFrom = o.onset, o.from
		}
		on, ok := o.latestOnset(local)
		if ok && (!found || on.After(best)) {
			best, bestOff, found = on, o.to, true
		}
	}
	if !found {
		return earliestFrom
	}
	return bestOff
}

func (o tzObservance) latestOnset(local time.Time) (time.Time, bool) {
	var best time.Time
	ok := false
	consider := func(t time.Time) {
		if !t.After(local) && (!ok || t.After(best)) {
			best, ok = t, true
		}
	}
	consider(o.onset)
	for _, r := range o.rdates {
		consider(r)
	}
	if r := o.rule; r != nil && !o.onset.After(local) {
		for _, y := range []int{local.Year() - 1, local.Year()} {
			if y < o.onset.Year() || (r.count > 0 && y-o.onset.Year() >= r.count) {
				continue
			}
			t, good := r.in(y, o.onset)
			if !good || t.Before(o.onset) || (!r.until.IsZero() && t.After(r.until)) {
				continue
			}
			consider(t)
		}
	}
	return best, ok
}

// in is the rule's onset in year y, at the clock of onset.
func (r *yearlyRule) in(y int, onset time.Time) (time.Time, bool) {
	h, m, s := onset.Clock()
	at := func(day int) time.Time { return time.Date(y, r.month, day, h, m, s, 0, time.UTC) }
	last := time.Date(y, r.month+1, 0, 12, 0, 0, 0, time.UTC).Day()
	switch {
	case r.hasDay && r.nth > 0:
		first := time.Date(y, r.month, 1, 12, 0, 0, 0, time.UTC).Weekday()
		day := 1 + (int(r.weekday)-int(first)+7)%7 + 7*(r.nth-1)
		if day > last {
			return time.Time{}, false
		}
		return at(day), true
	case r.hasDay && r.nth < 0:
		lw := time.Date(y, r.month, last, 12, 0, 0, 0, time.UTC).Weekday()
		day := last - (int(lw)-int(r.weekday)+7)%7 + 7*(r.nth+1)
		if day < 1 {
			return time.Time{}, false
		}
		return at(day), true
	case len(r.monthDays) > 0:
		for _, d := range r.monthDays {
			if d < 1 || d > last {
				continue
			}
			if !r.hasDay || at(d).Weekday() == r.weekday {
				return at(d), true
			}
		}
	case !r.hasDay:
		return at(onset.Day()), onset.Day() <= last
	}
	return time.Time{}, false
}

var weekdayCodes = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday,
	"WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// parseYearlyRule reads the RRULE shapes VTIMEZONEs use; anything else
// (another FREQ, BYHOUR, BYSETPOS...) gives nil and the observance counts
// only at its DTSTART and RDATEs.
func parseYearlyRule(v string) *yearlyRule {
	if len(v) > 200 {
		return nil
	}
	r := &yearlyRule{}
	yearly := false
	for _, part := range strings.Split(strings.ToUpper(strings.TrimSpace(v)), ";") {
		k, val, _ := strings.Cut(part, "=")
		switch k {
		case "FREQ":
			yearly = val == "YEARLY"
		case "INTERVAL":
			if val != "1" {
				return nil
			}
		case "BYMONTH":
			m, err := strconv.Atoi(val)
			if err != nil || m < 1 || m > 12 {
				return nil
			}
			r.month = time.Month(m)
		case "BYDAY":
			if strings.Contains(val, ",") || len(val) < 2 {
				return nil
			}
			wd, ok := weekdayCodes[val[len(val)-2:]]
			if !ok {
				return nil
			}
			r.weekday, r.hasDay = wd, true
			if n := val[:len(val)-2]; n != "" {
				k, err := strconv.Atoi(n)
				if err != nil || k == 0 || k < -5 || k > 5 {
					return nil
				}
				r.nth = k
			}
		case "BYMONTHDAY":
			for _, d := range strings.Split(val, ",") {
				n, err := strconv.Atoi(d)
				if err != nil || n < 1 || n > 31 || len(r.monthDays) >= 31 {
					return nil
				}
				r.monthDays = append(r.monthDays, n)
			}
		case "UNTIL":
			t, ok := parseLocal(strings.TrimSuffix(val, "Z"))
			if !ok {
				if d, err := time.Parse("20060102", val); err == nil {
					t, ok = d.Add(24*time.Hour-time.Second), true
				}
			}
			if !ok {
				return nil
			}
			r.until = t
		case "COUNT":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return nil
			}
			r.count = n
		case "WKST", "":
		default:
			return nil
		}
	}
	if !yearly || r.month == 0 || (r.hasDay && r.nth == 0 && len(r.monthDays) == 0) {
		return nil
	}
	return r
}

// parseLocal reads a DATE-TIME without zone ("20261101T020000"), also
// without seconds, as a wall clock in UTC.
func parseLocal(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{localLayout, "20060102T1504"} {
		if len(v) == len(layout) {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// parseOffset reads a UTC-OFFSET: "+0100", "-0330", "+053000".
func parseOffset(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if len(v) != 5 && len(v) != 7 {
		return 0, false
	}
	sign := 1
	switch v[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, false
	}
	n := [3]int{}
	for i := 0; i < (len(v)-1)/2; i++ {
		x, err := strconv.Atoi(v[1+2*i : 3+2*i])
		if err != nil || x < 0 {
			return 0, false
		}
		n[i] = x
	}
	if n[0] > 18 || n[1] > 59 || n[2] > 59 {
		return 0, false
	}
	return sign * (n[0]*3600 + n[1]*60 + n[2]), true
}
