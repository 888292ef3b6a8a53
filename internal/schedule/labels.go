package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Every time rapport shows a person says whose zone it is in. These
// helpers write them: to a contact in the contact's zone with the zone
// named ("Thursday 3 December at 2pm your time (CT)"), to the owner in the
// owner's zone with the contact's local time beside it when it differs
// ("Thu 3 Dec, 3:00pm ET (2:00pm CT for Maria)").

// northAmerica are the generic names of the zones that follow the US and
// Canadian daylight-saving rules, by standard-time abbreviation.
var northAmerica = map[string]string{
	"EST": "ET", "EDT": "ET",
	"CST": "CT", "CDT": "CT",
	"MST": "MT", "MDT": "MT",
	"PST": "PT", "PDT": "PT",
}

// knownAbbr are abbreviations people read without doubt, each with the
// zone-name prefixes where it means what readers think. "CST" in
// Asia/Shanghai or "IST" in Europe/Dublin and Asia/Jerusalem are not on
// the list, and Go's numeric abbreviations ("+08") never are: those zones
// are named by their offset instead.
var knownAbbr = map[string][]string{
	"GMT":  {"Europe/", "Africa/", "Atlantic/", "GB", "Eire", "Iceland"},
	"BST":  {"Europe/London", "Europe/Belfast", "Europe/Jersey", "Europe/Guernsey", "Europe/Isle_of_Man", "GB"},
	"WET":  {"Europe/", "Atlantic/", "Portugal"},
	"WEST": {"Europe/", "Atlantic/", "Portugal"},
	"CET":  {"Europe/", "Africa/", "Arctic/", "Poland"},
	"CEST": {"Europe/", "Africa/", "Arctic/", "Poland"},
	"EET":  {"Europe/", "Africa/", "Asia/Beirut", "Asia/Nicosia", "Asia/Famagusta", "Egypt", "Libya"},
	"EEST": {"Europe/", "Africa/", "Asia/Beirut", "Asia/Nicosia", "Asia/Famagusta", "Egypt"},
	"MSK":  {"Europe/", "W-SU"},
	"WAT":  {"Africa/"},
	"CAT":  {"Africa/"},
	"EAT":  {"Africa/", "Indian/"},
	"SAST": {"Africa/"},
	"JST":  {"Asia/Tokyo", "Japan"},
	"KST":  {"Asia/Seoul", "Asia/Pyongyang", "ROK"},
	"HKT":  {"Asia/Hong_Kong", "Hongkong"},
	"IST":  {"Asia/Kolkata", "Asia/Calcutta"},
	"PKT":  {"Asia/Karachi"},
	"WIB":  {"Asia/Jakarta", "Asia/Pontianak"},
	"AEST": {"Australia/", "Antarctica/Macquarie"},
	"AEDT": {"Australia/", "Antarctica/Macquarie"},
	"ACST": {"Australia/"},
	"ACDT": {"Australia/"},
	"AWST": {"Australia/"},
	"NZST": {"Pacific/Auckland", "NZ", "Antarctica/McMurdo", "Antarctica/South_Pole"},
	"NZDT": {"Pacific/Auckland", "NZ", "Antarctica/McMurdo", "Antarctica/South_Pole"},
	"HST":  {"Pacific/Honolulu", "US/Hawaii", "America/Adak", "US/Aleutian"},
	"HDT":  {"America/Adak", "US/Aleutian"},
	"AKST": {"America/", "US/Alaska"},
	"AKDT": {"America/", "US/Alaska"},
	"AST":  {"America/", "Atlantic/Bermuda", "Canada/Atlantic"},
	"ADT":  {"America/", "Atlantic/Bermuda", "Canada/Atlantic"},
	"NST":  {"America/St_Johns", "Canada/Newfoundland"},
	"NDT":  {"America/St_Johns", "Canada/Newfoundland"},
}

// ZoneLabel names t's zone at the instant t, short and unambiguous: ET,
// CT, MT and PT for the North American zones that change their clocks
// (the reader needs no season to read them), the abbreviation when it is
// well known where it is used (CET, CEST, GMT, BST, JST, AEST, MST for
// Arizona...), "UTC" for UTC, and otherwise the offset: "UTC+05:45",
// "UTC-03:00".
func ZoneLabel(t time.Time) string {
	loc := t.Location()
	name := loc.String()
	abbr, off := t.Zone()
	switch name {
	case "UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu":
		return "UTC"
	}
	if g, ok := northAmerica[abbr]; ok && isNorthAmerican(name) {
		dst := observesDST(t)
		switch {
		case dst && followsUSRules(name):
			return g
		case !dst:
			return abbr // Arizona's MST, Saskatchewan's CST, Panama's EST
		}
		return OffsetLabel(off) // Cuba's CST/CDT change on other days than ET/CT
	}
	for _, p := range knownAbbr[abbr] {
		if strings.HasPrefix(name, p) {
			return abbr
		}
	}
	return OffsetLabel(off)
}

func isNorthAmerican(name string) bool {
	for _, p := range []string{"America/", "US/", "Canada/", "Mexico/", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "Navajo"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// usRuleZones are the zones outside the US and Canada that change their
// clocks on the US days.
var usRuleZones = map[string]bool{
	"America/Tijuana": true, "America/Ensenada": true, "America/Santa_Isabel": true, "Mexico/BajaNorte": true,
	"America/Matamoros": true, "America/Ojinaga": true, "America/Ciudad_Juarez": true, "America/Nassau": true,
}

func followsUSRules(name string) bool {
	switch CountryOfZone(name) {
	case "US", "CA":
		return true
	}
	return usRuleZones[name] || strings.HasSuffix(name, "5EDT") || strings.HasSuffix(name, "6CDT") ||
		strings.HasSuffix(name, "7MDT") || strings.HasSuffix(name, "8PDT")
}

// observesDST reports whether t's zone has a different offset in January
// and July of t's year.
func observesDST(t time.Time) bool {
	loc := t.Location()
	_, jan := time.Date(t.Year(), time.January, 15, 12, 0, 0, 0, loc).Zone()
	_, jul := time.Date(t.Year(), time.July, 15, 12, 0, 0, 0, loc).Zone()
	return jan != jul
}

// OffsetLabel writes a UTC offset in seconds as "UTC", "UTC+01:00",
// "UTC-09:30".
func OffsetLabel(seconds int) string {
	if seconds == 0 {
		return "UTC"
	}
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	m := seconds / 60
	return fmt.Sprintf("UTC%c%02d:%02d", sign, m/60, m%60)
}

// ContactDay is t's date in loc, for mail to the contact that needs no
// clock time: "Thursday 3 December".
func ContactDay(t time.Time, loc *time.Location) string {
	return t.In(orUTC(loc)).Format("Monday 2 January")
}

// ContactTime is a time as the contact reads it, in their zone loc with
// the zone named: "Thursday 3 December at 2pm your time (CT)", "... at
// 9:30am your time (CET)".
func ContactTime(t time.Time, loc *time.Location) string {
	l := t.In(orUTC(loc))
	return l.Format("Monday 2 January") + " at " + clockWord(clockOf(l)) + " your time (" + ZoneLabel(l) + ")"
}

// ContactRange is a meeting's start and end as the contact reads them:
// "Thursday 3 December, 2–2:30pm your time (CT)". An end on a later day
// than the start names that day too.
func ContactRange(start, end time.Time, loc *time.Location) string {
	loc = orUTC(loc)
	s, e := start.In(loc), end.In(loc)
	return s.Format("Monday 2 January") + ", " + spanWords(s, e, "Monday 2 January") + " your time (" + ZoneLabel(s) + ")"
}

// OwnerTime is a time as the owner reads it: in the owner's zone first,
// then the contact's local time when it differs, naming the contact:
// "Thu 3 Dec, 3:00pm ET (2:00pm CT for Maria)", "Thu 3 Dec, 9:00pm ET
// (Fri 4 Dec, 1:00pm AEDT for Maria)". A contact in the owner's zone (or
// one with the same offset at t) adds nothing: "Thu 3 Dec, 3:00pm ET".
// An empty name reads "their time".
func OwnerTime(t time.Time, owner, contact *time.Location, name string) string {
	o := t.In(orUTC(owner))
	out := o.Format("Mon 2 Jan") + ", " + ownerClock(o) + " " + ZoneLabel(o)
	if contact == nil {
		return out
	}
	c := t.In(contact)
	if sameClock(o, c) {
		return out
	}
	beside := ownerClock(c) + " " + ZoneLabel(c)
	if dateOf(c, contact) != dateOf(o, o.Location()) {
		beside = c.Format("Mon 2 Jan") + ", " + beside
	}
	return out + " (" + beside + " " + forWhom(name) + ")"
}

// OwnerRange is OwnerTime for a start and an end: "Thu 3 Dec, 3:00–3:30pm
// ET (2:00–2:30pm CT for Maria)".
func OwnerRange(start, end time.Time, owner, contact *time.Location, name string) string {
	os, oe := start.In(orUTC(owner)), end.In(orUTC(owner))
	out := os.Format("Mon 2 Jan") + ", " + ownerSpan(os, oe) + " " + ZoneLabel(os)
	if contact == nil {
		return out
	}
	cs, ce := start.In(contact), end.In(contact)
	if sameClock(os, cs) {
		return out
	}
	beside := ownerSpan(cs, ce) + " " + ZoneLabel(cs)
	if dateOf(cs, contact) != dateOf(os, os.Location()) {
		beside = cs.Format("Mon 2 Jan") + ", " + beside
	}
	return out + " (" + beside + " " + forWhom(name) + ")"
}

func forWhom(name string) string {
	if n := strings.Join(strings.Fields(name), " "); n != "" {
		return "for " + n
	}
	return "their time"
}

// sameClock reports whether two readings of one instant show the same
// wall clock (same offset), so naming both would say nothing.
func sameClock(a, b time.Time) bool {
	_, oa := a.Zone()
	_, ob := b.Zone()
	return oa == ob
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// DayAt is a day and time for prose, in loc, without the zone: "Thursday
// 3 December at 2pm", "… at 2:30pm". Callers name the zone beside it.
func DayAt(t time.Time, loc *time.Location) string {
	l := t.In(orUTC(loc))
	clock := l.Format("3pm")
	if l.Minute() != 0 {
		clock = l.Format("3:04pm")
	}
	return l.Format("Monday 2 January") + " at " + clock
}

// ownerClock is a clock with minutes always shown: "3:00pm", "12:30am".
func ownerClock(t time.Time) string { return t.Format("3:04pm") }

// ownerSpan is "3:00–3:30pm", "11:30am–12:00pm"; an end on another date
// than the start names it: "11:00pm–Fri 4 Dec, 12:30am".
func ownerSpan(s, e time.Time) string {
	ss, es := s.Format("3:04"), e.Format("3:04")
	sm, em := s.Format("pm"), e.Format("pm")
	if dateOf(s, s.Location()) != dateOf(e, e.Location()) {
		return ss + sm + "–" + e.Format("Mon 2 Jan") + ", " + es + em
	}
	if sm == em {
		return ss + "–" + es + em
	}
	return ss + sm + "–" + es + em
}

// spanWords is a range of clocks in the contact's style: "1–4pm",
// "11am–2pm", "10am–noon"; an end on a later date names that date in
// layout ("10pm–Wednesday 9 December, 1am").
func spanWords(s, e time.Time, layout string) string {
	sc, ec := clockOf(s), clockOf(e)
	sd, ed := dateOf(s, s.Location()), dateOf(e, e.Location())
	switch {
	case sd == ed:
		return rangeWords(sc, ec)
	case ed == sd.add(1) && ec == 0:
		return rangeWords(sc, endOfDay)
	}
	return clockWord(sc) + "–" + e.Format(layout) + ", " + clockWord(ec)
}

// rangeWords is "1–4pm", "1:30–4pm", "11am–2pm", "noon–3pm", "10am–noon":
// the am/pm suffix is said once when both ends share it.
func rangeWords(s, e Clock) string {
	sn, sm := clockWords(s)
	en, em := clockWords(e)
	if sm == em && sm != "" {
		return sn + "–" + en + em
	}
	return sn + sm + "–" + en + em
}

// clockWord is one clock in words: "2pm", "9:30am", "noon", "midnight".
func clockWord(c Clock) string {
	n, s := clockWords(c)
	return n + s
}
