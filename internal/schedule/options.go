package schedule

import (
	"slices"
	"strings"
	"time"
)

// DefaultWorkingHours is when a contact is taken to be at work, in their
// own zone, unless the caller knows better.
var DefaultWorkingHours = Window{Start: 9 * 60, End: 17*60 + 30}

// MinOptionLength is the shortest slot worth offering: the request asks
// for 20 to 30 minutes.
const MinOptionLength = 30 * time.Minute

// optionHorizonDays is how far past the first possible day options that
// fit the contact's working hours are looked for before a day that only
// fits the owner is offered instead.
const optionHorizonDays = 28

// Party is one side of a meeting: where they are and which days they work.
type Party struct {
	// Loc is their time zone. For the owner nil means now's location; for
	// the contact, the owner's zone.
	Loc *time.Location
	// Calendar holds their public holidays (CalendarFor builds it from a
	// configured code or from Loc).
	Calendar Calendar
	// Hours are their working hours in Loc; the zero Window means
	// DefaultWorkingHours. Only the contact's are used.
	Hours Window
}

// MeetingOptionsFor returns up to n concrete meeting options for a request
// from the owner to a contact, one per day, earliest first, in the
// contact's zone (Start and End are in contact.Loc, so Human and
// ForContact read in it). Each option
//
//   - lies inside one entry of the owner's weekly availability (read in the
//     owner's zone), on a date at least MeetingLeadDays after now's date
//     there;
//   - falls on a working day of both: no public holiday and no bridge day
//     (Calendar.IsWorkingDay) on the owner's date or on the contact's, and
//     a weekday for the contact (an owner who lists a Saturday is taken at
//     their word for their own side);
//   - is cut to the contact's working hours when at least MinOptionLength
//     of the slot is inside them (InHours reports it).
//
// Days where the slot fits the contact's hours are preferred: only when
// fewer than n of them exist within four weeks of the first possible day
// are slots outside the contact's hours offered (still on working days of
// both), and only when those run out too, days that are working days for
// the owner alone. When several availability entries fall on one day, the
// first that fits best is used. Fewer than n come back only if avail is
// empty or nothing is possible for a year.
func MeetingOptionsFor(now time.Time, avail []Availability, owner, contact Party, n int) []Option {
	oloc := owner.Loc
	if oloc == nil {
		oloc = now.Location()
	}
	cloc := contact.Loc
	if cloc == nil {
		cloc = oloc
	}
	hours := contact.Hours
	if hours == (Window{}) || hours.validate() != nil {
		hours = DefaultWorkingHours
	}
	if n <= 0 || len(avail) == 0 {
		return nil
	}
	byStart := slices.Clone(avail)
	slices.SortStableFunc(byStart, func(a, b Availability) int { return int(a.Window.Start - b.Window.Start) })

	var tiers [3][]Option
	first := dateOf(now, oloc).add(MeetingLeadDays)
	for i := 0; i < scanDays; i++ {
		if len(tiers[0]) >= n || (i >= optionHorizonDays && len(tiers[0])+len(tiers[1])+len(tiers[2]) >= n) {
			break
		}
		d := first.add(i)
		if !owner.Calendar.isMeetingDate(d) {
			continue
		}
		best, tier := Option{}, len(tiers)
		for _, a := range byStart {
			if a.Day != d.weekday() {
				continue
			}
			o, t, ok := fit(a.Window, d, oloc, cloc, contact.Calendar, hours)
			if ok && t < tier {
				best, tier = o, t
			}
		}
		if tier < len(tiers) {
			tiers[tier] = append(tiers[tier], best)
		}
	}
	var out []Option
	for _, t := range tiers {
		for _, o := range t {
			if len(out) < n {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b Option) int { return a.Start.Compare(b.Start) })
	return out
}

// isMeetingDate is the owner's side of a meeting day: no public holiday
// and no bridge day. Weekends count when the owner lists them.
func (c Calendar) isMeetingDate(d date) bool {
	if _, hol := c.holiday(d); hol {
		return false
	}
	_, b := c.bridge(d)
	return !b
}

// fit places the owner's window w on the owner's date d and says how well
// it suits the contact: tier 0 inside their working hours on one of their
// working days, tier 1 whole on working days of theirs, tier 2 neither.
func fit(w Window, d date, oloc, cloc *time.Location, cc Calendar, hours Window) (Option, int, bool) {
	s, e := w.bounds(d, oloc)
	if !s.Before(e) {
		return Option{}, 0, false
	}
	cs, ce := dateOf(s, cloc), dateOf(e.Add(-time.Nanosecond), cloc)
	for cd := cs; !ce.before(cd); cd = cd.add(1) {
		if !cc.isWorkingDate(cd) {
			continue
		}
		hs, he := hours.bounds(cd, cloc)
		is, ie := later(s, hs), earlier(e, he)
		if ie.Sub(is) >= MinOptionLength {
			return Option{Start: is.In(cloc), End: ie.In(cloc), InHours: true}, 0, true
		}
	}
	o := Option{Start: s.In(cloc), End: e.In(cloc)}
	if cc.isWorkingDate(cs) && cc.isWorkingDate(ce) {
		return o, 1, true
	}
	return o, 2, true
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ForContact is the option as the contact reads it, in Start's location
// (the contact's zone, for options from MeetingOptionsFor), with the zone
// named: "Tuesday 8 December, 1–4pm your time (ET)", or for a slot
// covering the working day, "any time Friday 11 December (9am–5pm your
// time, CET)".
func (o Option) ForContact() string {
	day := o.Start.Format("Monday 2 January")
	zone := ZoneLabel(o.Start)
	span := spanWords(o.Start, o.End.In(o.Start.Location()), "Monday 2 January")
	if o.AnyTime() {
		return "any time " + day + " (" + span + " your time, " + zone + ")"
	}
	return day + ", " + span + " your time (" + zone + ")"
}

// ForOwner is the option as the owner reads it: in the owner's zone, with
// the contact's local time beside it when it differs: "Tue 8 Dec,
// 1:00–4:00pm ET (7:00–10:00pm CET for Maria)".
func (o Option) ForOwner(owner *time.Location, name string) string {
	return OwnerRange(o.Start, o.End, owner, o.Start.Location(), name)
}

// JoinForContact lists options for a sentence to the contact: "A, or B"
// ("A, B, or C"), each written by ForContact.
func JoinForContact(opts []Option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = o.ForContact()
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", or " + parts[len(parts)-1]
}
