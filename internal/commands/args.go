package commands

import (
	"fmt"
	"strings"
	"time"
)

// How far from now a meeting time may be: a past one records a meeting
// that happened; a far one is a typo.
const (
	meetingPast   = 366 * 24 * time.Hour
	meetingFuture = 2 * 366 * 24 * time.Hour
	snoozeYears   = 5
)

func (p *parser) meeting(s, rest string, n int) {
	w := scan(tokenize(stripMailto(rest)), meetingMode)
	fail := func(format string, args ...any) { p.problem(n, s, rest, "meeting: "+format, args...) }
	if len(w.unknown) > 0 {
		fail("did not understand %q%s", strings.Join(w.unknown, " "), suggestFor(w.unknown))
		return
	}
	if len(w.problems) > 0 {
		fail("%s", strings.Join(w.problems, "; "))
		return
	}
	if w.days() == 0 {
		fail("no day; write e.g. \"meeting Tue 24 Nov 2pm\", \"meeting tomorrow 10:30\" or \"meeting 2026-11-24 14:00\"")
		return
	}
	if !w.hasTime {
		fail("no time of day; add one like 14:00, 2pm or noon")
		return
	}
	if len(w.emails) > 1 {
		fail("one contact per meeting")
		return
	}
	when, err := p.resolveMeeting(w)
	if err != nil {
		fail("%v", err)
		return
	}
	cs, ok := p.contact(Meeting, n, s, w.emails)
	if !ok {
		return
	}
	p.add(Command{Verb: Meeting, Contact: cs[0], When: when, Duration: w.dur, Format: w.format,
		Location: w.location, Line: n, Raw: s})
}

func (p *parser) resolveMeeting(w *whenParts) (time.Time, error) {
	now := p.ctx.Now
	today := midnight(now, p.loc)
	at := func(day time.Time) time.Time {
		y, m, d := day.Date()
		return time.Date(y, m, d, w.h, w.mi, 0, 0, p.loc)
	}
	var day time.Time
	switch {
	case w.date.set && w.hasRel:
		return time.Time{}, fmt.Errorf("two days given")
	case w.date.set:
		ds := w.date
		if ds.y != 0 {
			day = time.Date(ds.y, ds.m, ds.d, 0, 0, 0, 0, p.loc)
		} else {
			// No year: the nearest such day, so "24 Nov" written on
			// 26 November records the meeting two days ago.
			best := -1
			for _, y := range []int{today.Year() - 1, today.Year(), today.Year() + 1} {
				if !validDate(y, ds.m, ds.d) {
					continue
				}
				c := time.Date(y, ds.m, ds.d, 0, 0, 0, 0, p.loc)
				if d := abs(civilDays(today, c)); best < 0 || d < best {
					best, day = d, c
				}
			}
			if best < 0 {
				return time.Time{}, fmt.Errorf("%d %s is not a date", ds.d, ds.m)
			}
		}
	case w.hasRel:
		day = today.AddDate(0, 0, w.rel)
	case w.hasWD:
		// The next such day whose time is still ahead ("Tue 2pm" on a
		// Tuesday morning is today); "next Tue" is never today.
		for k := 0; k <= 7; k++ {
			c := today.AddDate(0, 0, k)
			if c.Weekday() != w.wd || (k == 0 && (w.nextWD || !at(c).After(now))) {
				continue
			}
			day = c
			break
		}
	}
	if w.hasWD && day.Weekday() != w.wd {
		return time.Time{}, fmt.Errorf("%s is a %s, not a %s", day.Format("Mon 2 Jan 2006"), day.Weekday(), w.wd)
	}
	when := at(day)
	if when.Before(now.Add(-meetingPast)) {
		return time.Time{}, fmt.Errorf("%s is more than a year ago", when.Format("2 Jan 2006"))
	}
	if when.After(now.Add(meetingFuture)) {
		return time.Time{}, fmt.Errorf("%s is more than two years ahead", when.Format("2 Jan 2006"))
	}
	return when, nil
}

func (p *parser) snooze(s, rest string, n int) {
	emails, words := splitEmails(rest)
	w := scan(tokenize(strings.Join(words, " ")), snoozeMode)
	fail := func(format string, args ...any) { p.problem(n, s, rest, "snooze: "+format, args...) }
	if len(w.unknown) > 0 {
		fail("did not understand %q%s", strings.Join(w.unknown, " "), suggestFor(w.unknown))
		return
	}
	if len(w.problems) > 0 {
		fail("%s", strings.Join(w.problems, "; "))
		return
	}
	if w.days() == 0 {
		fail("until when? Write e.g. \"snooze 2027-03-01\", \"snooze March\", \"snooze 1 March\" or \"snooze in 2 weeks\"")
		return
	}
	if w.days() > 1 && !(w.hasWD && w.date.set) {
		fail("two dates given")
		return
	}
	date, err := p.resolveSnooze(w)
	if err != nil {
		fail("%v", err)
		return
	}
	cs, ok := p.contact(Snooze, n, s, emails)
	if !ok {
		return
	}
	for _, c := range cs {
		p.add(Command{Verb: Snooze, Contact: c, Date: date, Line: n, Raw: s})
	}
}

func (p *parser) resolveSnooze(w *whenParts) (time.Time, error) {
	today := midnight(p.ctx.Now, p.loc)
	var day time.Time
	switch {
	case w.date.set:
		ds := w.date
		y := ds.y
		if y == 0 {
			y = today.Year()
			if c := time.Date(y, ds.m, ds.d, 0, 0, 0, 0, p.loc); !c.After(today) || !validDate(y, ds.m, ds.d) {
				y++
			}
			for !validDate(y, ds.m, ds.d) && y < today.Year()+snoozeYears { // 29 Feb
				y++
			}
		}
		day = time.Date(y, ds.m, ds.d, 0, 0, 0, 0, p.loc)
	case w.hasRel:
		day = today.AddDate(0, 0, w.rel)
	case w.hasOff:
		o := w.offset
		switch {
		case o[2] >= 0:
			day = today.AddDate(o[0], o[1], o[2])
		case o[1] == 1: // next month: its first day
			day = time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, p.loc)
		case o[0] == 1: // next year: 1 January
			day = time.Date(today.Year()+1, 1, 1, 0, 0, 0, 0, p.loc)
		default: // next week: its Monday
			k := (8 - int(today.Weekday())) % 7
			if k == 0 {
				k = 7
			}
			day = today.AddDate(0, 0, k)
		}
	case w.hasWD:
		for k := 1; k <= 7; k++ {
			if c := today.AddDate(0, 0, k); c.Weekday() == w.wd {
				day = c
				break
			}
		}
	}
	if w.hasWD && day.Weekday() != w.wd {
		return time.Time{}, fmt.Errorf("%s is a %s, not a %s", day.Format("Mon 2 Jan 2006"), day.Weekday(), w.wd)
	}
	day = midnight(day, p.loc)
	if !day.After(today) {
		return time.Time{}, fmt.Errorf("%s is not in the future", day.Format("2 Jan 2006"))
	}
	if day.After(today.AddDate(snoozeYears, 0, 0)) {
		return time.Time{}, fmt.Errorf("%s is more than %d years ahead", day.Format("2 Jan 2006"), snoozeYears)
	}
	return day, nil
}

// addKeys introduce the optional fields of an add command.
var addKeys = []struct {
	words []string
	field string
}{
	{[]string{"referred by", "referred-by", "referredby", "ref by", "referral from", "via"}, "referred by"},
	{[]string{"company", "at"}, "company"},
	{[]string{"role", "title", "as"}, "role"},
}

// addContact reads "Name <email> [company ...] [role ...] [referred by ...]".
func (p *parser) addContact(s, rest string, n int) {
	fail := func(format string, args ...any) { p.fail(n, s, "add: "+format, args...) }
	rest = stripMailto(rest)
	loc := emailRe.FindStringIndex(rest)
	if loc == nil {
		fail("no email address; write e.g. \"add Brad Smith <brad@example.com> company Initech referred by Maria\"")
		return
	}
	email, ok := normalizeEmail(rest[loc[0]:loc[1]])
	if !ok {
		fail("%q is not an email address", rest[loc[0]:loc[1]])
		return
	}
	before := strings.Trim(rest[:loc[0]], " <\"',;:-")
	after := strings.TrimLeft(rest[loc[1]:], " >\"',;:")
	spec := &AddSpec{Name: trimValue(before), Email: email}
	if strings.Contains(spec.Name, "@") {
		fail("one contact per add line")
		return
	}

	// Split after at the keywords, case-insensitively, on word boundaries.
	fields := map[string]string{}
	key := ""
	var val []string
	flush := func() bool {
		v := trimValue(strings.Join(val, " "))
		switch {
		case key == "" && v != "" && spec.Name == "":
			spec.Name = v
		case key == "" && v != "":
			fail("did not understand %q; after the address write company ..., role ... or referred by ...", v)
			return false
		case key != "" && v == "":
			fail("%s: nothing after it", key)
			return false
		case key != "" && fields[key] != "":
			fail("%s given twice", key)
			return false
		case key != "":
			fields[key] = v
		}
		val = nil
		return true
	}
	words := strings.Fields(after)
	for i := 0; i < len(words); {
		if k, used := addKeyAt(words, i); used > 0 {
			if !flush() {
				return
			}
			key = k
			i += used
			continue
		}
		val = append(val, words[i])
		i++
	}
	if !flush() {
		return
	}
	if spec.Name == "" {
		fail("no name; write e.g. \"add Brad Smith <%s>\"", email)
		return
	}
	spec.Company, spec.Role = fields["company"], fields["role"]
	spec.ReferredBy = fields["referred by"]
	if a, ok := normalizeEmail(spec.ReferredBy); ok {
		spec.ReferredBy = a
	}
	for _, f := range []struct{ name, v string }{{"name", spec.Name}, {"company", spec.Company}, {"role", spec.Role}, {"referred by", spec.ReferredBy}} {
		if f.v != "" && !validField(f.v) {
			fail("%s %q is too long or has odd characters", f.name, f.v)
			return
		}
	}
	p.add(Command{Verb: Add, Contact: p.def, Add: spec, Line: n, Raw: s})
}

// addKeyAt reports the keyword at words[i] and how many words it takes
// (with a trailing colon allowed: "company: Initech").
func addKeyAt(words []string, i int) (string, int) {
	for _, k := range addKeys {
		for _, w := range k.words {
			parts := strings.Fields(w)
			if i+len(parts) > len(words) {
				continue
			}
			ok := true
			for j, part := range parts {
				got := strings.ToLower(strings.TrimRight(words[i+j], ":,"))
				if got != part {
					ok = false
					break
				}
			}
			if ok {
				return k.field, len(parts)
			}
		}
	}
	return "", 0
}

func trimValue(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "\"'“”,;:<>()"))
}
