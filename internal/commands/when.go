package commands

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var monthWords = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var weekdayWords = map[string]time.Weekday{
	"sunday": 0, "sun": 0, "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2,
	"wednesday": 3, "wed": 3, "thursday": 4, "thu": 4, "thur": 4, "thurs": 4,
	"friday": 5, "fri": 5, "saturday": 6, "sat": 6,
}

// formatWords maps what people write to the canonical format.
var formatWords = map[string]string{
	"phone": "phone", "telephone": "phone", "video": "video", "videocall": "video",
	"zoom": "zoom", "meet": "meet", "gmeet": "meet", "teams": "teams",
	"coffee": "coffee", "call": "call", "in-person": "in person", "inperson": "in person",
}

// generic formats give way to a specific one ("video call on zoom").
var genericFormat = map[string]bool{"call": true, "video": true}

type token struct {
	orig, low string
}

var (
	isoDateRe  = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	isoDTRe    = regexp.MustCompile(`^(\d{4}-\d{1,2}-\d{1,2})t(\d{1,2}:\d{2})(?::\d{2})?$`)
	numDateRe  = regexp.MustCompile(`^\d{1,2}[/.]\d{1,2}(?:[/.](?:\d{2}|\d{4}))?\.?$`)
	dayRe      = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?$`)
	yearRe     = regexp.MustCompile(`^\d{4}$`)
	clockRe    = regexp.MustCompile(`^(\d{1,2})(?:([:h.])(\d{2}))?h?(am|pm)?$`)
	durOneRe   = regexp.MustCompile(`^(\d{1,3}(?:\.\d{1,2})?)(m|min|mins|minute|minutes|h|hr|hrs|hour|hours)$`)
	durHMRe    = regexp.MustCompile(`^(\d{1,2})h(\d{1,2})(?:m|min)?$`)
	numberRe   = regexp.MustCompile(`^\d{1,3}(?:\.\d{1,2})?$`)
	offsetOne  = regexp.MustCompile(`^(\d{1,3})(d|w)$`)
	meridiemRe = regexp.MustCompile(`([0-9 ]|^)([ap])\.m\.?$`)
)

func tokenize(s string) []token {
	var out []token
	for _, f := range strings.Fields(s) {
		low := strings.ToLower(strings.Trim(f, ",;()[]!?\"'"))
		low = meridiemRe.ReplaceAllString(low, "${1}${2}m")
		low = strings.TrimSuffix(low, ".")
		if m := isoDTRe.FindStringSubmatch(low); m != nil {
			out = append(out, token{f, m[1]}, token{f, m[2]})
			continue
		}
		out = append(out, token{f, low})
	}
	return out
}

// dateSpec is a calendar day as written, before resolution.
type dateSpec struct {
	y       int // 0: not written
	m       time.Month
	d       int
	set     bool
	monthly bool // month (and year) only: "March"
}

// whenParts is what a meeting or snooze argument list said.
type whenParts struct {
	date     dateSpec
	wd       time.Weekday
	hasWD    bool
	nextWD   bool
	rel      int // days from today
	hasRel   bool
	h, mi    int
	hasTime  bool
	dur      time.Duration
	format   string
	location string
	emails   []string
	offset   [3]int // years, months, days from today
	hasOff   bool
	unknown  []string
	problems []string
}

func (w *whenParts) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// days counts how many ways the day was given.
func (w *whenParts) days() int {
	n := 0
	for _, b := range []bool{w.date.set, w.hasRel, w.hasOff} {
		if b {
			n++
		}
	}
	if w.hasWD && n == 0 {
		n = 1
	}
	return n
}

type scanMode int

const (
	meetingMode scanMode = iota
	snoozeMode
)

// scan walks the tokens, taking the longest form it knows at each place.
func scan(toks []token, mode scanMode) *whenParts {
	w := &whenParts{}
	for i := 0; i < len(toks); {
		if n := w.take(toks, i, mode); n > 0 {
			i += n
			continue
		}
		w.unknown = append(w.unknown, toks[i].orig)
		i++
	}
	return w
}

func low(toks []token, i int) string {
	if i < len(toks) {
		return toks[i].low
	}
	return ""
}

// take consumes the form at toks[i] and returns how many tokens it used.
func (w *whenParts) take(toks []token, i int, mode scanMode) int {
	l := low(toks, i)
	if l == "" || l == "-" || l == "@" {
		return 1
	}
	if mode == meetingMode {
		if a, ok := normalizeEmail(strings.Trim(toks[i].orig, "<>()[],;:!?'\"")); ok {
			w.emails = appendUnique(w.emails, a)
			return 1
		}
		if isURL(strings.Trim(toks[i].orig, "<>()[],;'\"")) {
			if w.location != "" {
				w.problem("two links")
			}
			w.location = strings.Trim(toks[i].orig, "<>()[],;'\"")
			return 1
		}
		if n := w.takeFormat(toks, i); n > 0 {
			return n
		}
		if n := w.takeDuration(toks, i); n > 0 {
			return n
		}
		if n := w.takeTime(toks, i); n > 0 {
			return n
		}
	}
	if n := w.takeDate(toks, i, mode); n > 0 {
		return n
	}
	if mode == snoozeMode {
		if n := w.takeOffset(toks, i); n > 0 {
			return n
		}
	}
	switch l {
	case "today", "tonight":
		return w.setRel(0)
	case "tomorrow", "tmrw", "tmw":
		return w.setRel(1)
	case "yesterday":
		if mode == meetingMode {
			return w.setRel(-1)
		}
	}
	if wd, ok := weekdayWords[l]; ok {
		return w.setWD(wd, false, 1)
	}
	if l == "next" || l == "this" || l == "coming" {
		if wd, ok := weekdayWords[low(toks, i+1)]; ok {
			return w.setWD(wd, l == "next", 2)
		}
	}
	if mode == meetingMode && isSmallInt(l) && atoi(l) <= 12 && i > 0 && low(toks, i-1) == "at" {
		w.problem("at %s: write %spm, %sam or %s:00", l, l, l, l)
		return 1
	}
	if fillers[l] && i+1 < len(toks) {
		return 1
	}
	if mode == snoozeMode && (l == "until" || l == "till" || l == "til" || l == "to" || l == "in") && i+1 < len(toks) {
		return 1
	}
	return 0
}

// fillers are words that join the parts of a time ("on Tue 24 Nov at 2pm").
var fillers = map[string]bool{"at": true, "on": true, "the": true, "of": true, "by": true,
	"via": true, "over": true, "using": true, "from": true, "and": true, "for": true, "with": true}

func (w *whenParts) setRel(d int) int {
	if w.hasRel {
		w.problem("two days")
	}
	w.rel, w.hasRel = d, true
	return 1
}

func (w *whenParts) setWD(wd time.Weekday, next bool, n int) int {
	if w.hasWD && w.wd != wd {
		w.problem("two weekdays")
	}
	w.wd, w.hasWD, w.nextWD = wd, true, next
	return n
}

func (w *whenParts) takeFormat(toks []token, i int) int {
	l := low(toks, i)
	n := 0
	f := ""
	switch {
	case l == "in" && low(toks, i+1) == "person":
		f, n = "in person", 2
	case (l == "google" && low(toks, i+1) == "meet") || ((l == "ms" || l == "microsoft") && low(toks, i+1) == "teams"):
		f, n = formatWords[low(toks, i+1)], 2
	case (l == "by" || l == "via" || l == "on" || l == "over" || l == "using") && formatWords[low(toks, i+1)] != "":
		return 1 // the format follows
	case l == "by" || l == "via" || l == "on" || l == "over" || l == "using":
		if low(toks, i+1) == "in" && low(toks, i+2) == "person" {
			return 1
		}
		return 0
	default:
		f = formatWords[l]
		n = 1
	}
	if f == "" {
		return 0
	}
	// "video call", "zoom meeting", "coffee chat"
	if next := low(toks, i+n); f != "call" && (next == "call" || next == "chat" || next == "meeting") {
		n++
	}
	switch {
	case w.format == "" || w.format == f || genericFormat[w.format]:
		w.format = f
	case genericFormat[f]:
	default:
		w.problem("two formats (%s and %s)", w.format, f)
	}
	return n
}

func (w *whenParts) takeDuration(toks []token, i int) int {
	n := 0
	if low(toks, i) == "for" {
		n = 1
	}
	d, m := parseDuration(toks, i+n)
	if m == 0 {
		return 0
	}
	if w.dur != 0 {
		w.problem("two durations")
	}
	if d < minDuration || d > maxDuration {
		w.problem("a meeting of %v? Write between 5 minutes and 8 hours", d)
	}
	w.dur = d
	return n + m
}

func parseDuration(toks []token, i int) (time.Duration, int) {
	l := low(toks, i)
	if m := durHMRe.FindStringSubmatch(l); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		if h > 8 {
			return 0, 0 // "14h30" is a time of day
		}
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, 1
	}
	if m := durOneRe.FindStringSubmatch(l); m != nil {
		return unitDuration(m[1], m[2]), 1
	}
	if numberRe.MatchString(l) {
		if u := low(toks, i+1); durOneRe.MatchString("1" + u) {
			return unitDuration(l, u), 2
		}
	}
	switch {
	case (l == "an" || l == "a" || l == "one") && (low(toks, i+1) == "hour" || low(toks, i+1) == "hr"):
		return time.Hour, 2
	case l == "half" && low(toks, i+1) == "an" && low(toks, i+2) == "hour":
		return 30 * time.Minute, 3
	case l == "half-hour" || l == "halfhour":
		return 30 * time.Minute, 1
	}
	return 0, 0
}

func unitDuration(num, unit string) time.Duration {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0
	}
	if unit[0] == 'h' {
		return time.Duration(f * float64(time.Hour)).Round(time.Minute)
	}
	return time.Duration(f * float64(time.Minute)).Round(time.Minute)
}

// clock is a time of day as written.
type clock struct {
	h, m     int
	meridiem string // "am", "pm" or ""
	explicit bool   // "14:00", "14h", "noon": a time even without am/pm
}

func parseClock(l string) (clock, bool) {
	switch l {
	case "noon", "midday":
		return clock{h: 12, explicit: true}, true
	case "midnight":
		return clock{h: 0, explicit: true}, true
	}
	m := clockRe.FindStringSubmatch(l)
	if m == nil {
		return clock{}, false
	}
	c := clock{meridiem: m[4]}
	c.h, _ = strconv.Atoi(m[1])
	if m[3] != "" {
		c.m, _ = strconv.Atoi(m[3])
	}
	sep := m[2]
	c.explicit = sep == ":" || sep == "h" || strings.HasSuffix(strings.TrimSuffix(l, c.meridiem), "h")
	if sep == "." && c.meridiem == "" {
		return clock{}, false // "12.11" is a date as often as a time
	}
	if c.m > 59 || c.h > 23 || (c.meridiem != "" && (c.h < 1 || c.h > 12)) {
		return clock{}, false
	}
	return c, true
}

func (c clock) is24() bool { return c.meridiem != "" || c.explicit }

func (c clock) hour24() int {
	switch {
	case c.meridiem == "am" && c.h == 12:
		return 0
	case c.meridiem == "pm" && c.h < 12:
		return c.h + 12
	}
	return c.h
}

// readClock reads a clock at toks[i], with "pm" as its own token allowed.
func readClock(toks []token, i int) (clock, int) {
	c, ok := parseClock(low(toks, i))
	if !ok {
		return clock{}, 0
	}
	if c.meridiem == "" && !strings.Contains(low(toks, i), "h") {
		if mer := low(toks, i+1); mer == "am" || mer == "pm" {
			c.meridiem = mer
			if c.h < 1 || c.h > 12 {
				return clock{}, 0
			}
			return c, 2
		}
	}
	return c, 1
}

func (w *whenParts) takeTime(toks []token, i int) int {
	l := low(toks, i)
	// A range in one token: "2-3pm", "14:00-14:30".
	if a, b, ok := strings.Cut(l, "-"); ok && a != "" && b != "" {
		ca, oka := parseClock(a)
		cb, okb := parseClock(b)
		if oka && okb && w.setRange(ca, cb) {
			return 1
		}
		return 0
	}
	c, n := readClock(toks, i)
	if n == 0 {
		return 0
	}
	// A range in tokens: "2pm - 3pm", "14:00 to 14:30".
	if sep := low(toks, i+n); sep == "-" || sep == "to" || sep == "until" || sep == "till" {
		if c2, m := readClock(toks, i+n+1); m > 0 && (c2.is24() || c.is24()) && w.setRange(c, c2) {
			return n + 1 + m
		}
	}
	if !c.is24() {
		return 0 // a bare number: a day, a duration, or noise
	}
	w.setTime(c.hour24(), c.m)
	return n
}

func (w *whenParts) setTime(h, m int) {
	if w.hasTime {
		w.problem("two times")
	}
	w.h, w.mi, w.hasTime = h, m, true
}

// setRange sets the start and the duration; a start without am/pm takes
// the end's when that makes the start earlier ("2-3pm").
func (w *whenParts) setRange(a, b clock) bool {
	if !a.is24() && !b.is24() {
		return false
	}
	end := b.hour24()*60 + b.m
	if b.meridiem == "" && !b.explicit && a.meridiem != "" {
		b.meridiem = a.meridiem
		end = b.hour24()*60 + b.m
	}
	start := a.hour24()*60 + a.m
	if a.meridiem == "" && !a.explicit && b.meridiem != "" {
		a.meridiem = b.meridiem
		if s := a.hour24()*60 + a.m; s < end {
			start = s
		}
	}
	if end <= start {
		w.problem("the meeting ends before it starts")
		return true
	}
	w.setTime(start/60, start%60)
	d := time.Duration(end-start) * time.Minute
	if w.dur != 0 {
		w.problem("two durations")
	}
	if d < minDuration || d > maxDuration {
		w.problem("a meeting of %v? Write between 5 minutes and 8 hours", d)
	}
	w.dur = d
	return true
}

func (w *whenParts) setDate(d dateSpec) {
	if w.date.set {
		w.problem("two dates")
	}
	w.date = d
	w.date.set = true
}

func (w *whenParts) takeDate(toks []token, i int, mode scanMode) int {
	l := low(toks, i)
	if m := isoDateRe.FindStringSubmatch(l); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if !validDate(y, time.Month(mo), d) {
			w.problem("%s is not a date", toks[i].orig)
			return 1
		}
		w.setDate(dateSpec{y: y, m: time.Month(mo), d: d})
		return 1
	}
	if numDateRe.MatchString(l) {
		w.problem("%q could be day/month or month/day: write 24 Nov or 2026-11-24", toks[i].orig)
		return 1
	}
	// 24 Nov [2026], 24th of November
	if m := dayRe.FindStringSubmatch(l); m != nil {
		j := i + 1
		if low(toks, j) == "of" {
			j++
		}
		if mo, ok := monthWords[low(toks, j)]; ok {
			d, _ := strconv.Atoi(m[1])
			return w.dayMonth(toks, d, mo, j+1) - i
		}
		return 0
	}
	// Nov 24 [2026], November [2027]
	if mo, ok := monthWords[l]; ok {
		if m := dayRe.FindStringSubmatch(low(toks, i+1)); m != nil {
			d, _ := strconv.Atoi(m[1])
			// "Nov 24 2pm": 24 is the day; "March 2" then "pm"? a time.
			if mer := low(toks, i+2); mer != "am" && mer != "pm" {
				return w.dayMonth(toks, d, mo, i+2) - i
			}
		}
		if mode == snoozeMode {
			ds := dateSpec{m: mo, d: 1, monthly: true}
			n := 1
			if yearRe.MatchString(low(toks, i+1)) {
				ds.y, _ = strconv.Atoi(low(toks, i+1))
				n = 2
			}
			w.setDate(ds)
			return n
		}
		if l == "may" || l == "mar" {
			return 0 // a word, not a month, in a meeting line
		}
		w.problem("%s what? Write the day too (24 %s)", toks[i].orig, toks[i].orig)
		return 1
	}
	return 0
}

// dayMonth records day d of month mo with an optional year at toks[j] and
// returns the index after what it used.
func (w *whenParts) dayMonth(toks []token, d int, mo time.Month, j int) int {
	ds := dateSpec{m: mo, d: d}
	if yearRe.MatchString(low(toks, j)) {
		ds.y, _ = strconv.Atoi(low(toks, j))
		j++
	}
	y := ds.y
	if y == 0 {
		y = 2024 // a leap year: 29 Feb is a date
	}
	if !validDate(y, mo, d) {
		w.problem("%d %s is not a date", d, mo)
		return j
	}
	w.setDate(ds)
	return j
}

func validDate(y int, m time.Month, d int) bool {
	if m < 1 || m > 12 || d < 1 || y < 1 || y > 9999 {
		return false
	}
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	return t.Day() == d && t.Month() == m
}

// takeOffset reads "2 weeks", "a month", "10d", "next week", "next month".
func (w *whenParts) takeOffset(toks []token, i int) int {
	l := low(toks, i)
	var n, used int
	var unit string
	switch {
	case offsetOne.MatchString(l):
		m := offsetOne.FindStringSubmatch(l)
		n, _ = strconv.Atoi(m[1])
		unit, used = m[2], 1
	case (l == "a" || l == "an" || l == "one") && unitOf(low(toks, i+1)) != "":
		n, unit, used = 1, unitOf(low(toks, i+1)), 2
	case l == "couple" || (l == "a" && low(toks, i+1) == "couple"):
		j := i + 1
		if l == "a" {
			j++
		}
		if low(toks, j) == "of" {
			j++
		}
		if u := unitOf(low(toks, j)); u != "" {
			n, unit, used = 2, u, j+1-i
		}
	case l == "next":
		switch unitOf(low(toks, i+1)) {
		case "w":
			w.setOffset([3]int{0, 0, -1}) // resolved to next Monday
			return 2
		case "m":
			w.setOffset([3]int{0, 1, -1}) // resolved to the 1st of next month
			return 2
		case "y":
			w.setOffset([3]int{1, 0, -1})
			return 2
		}
	default:
		if numberRe.MatchString(l) && !strings.Contains(l, ".") {
			if u := unitOf(low(toks, i+1)); u != "" {
				n, _ = strconv.Atoi(l)
				unit, used = u, 2
			}
		}
	}
	if used == 0 {
		return 0
	}
	if n < 1 || n > 1000 {
		w.problem("%d %s? Write a number from 1", n, low(toks, i+used-1))
		return used
	}
	switch unit {
	case "d":
		w.setOffset([3]int{0, 0, n})
	case "w":
		w.setOffset([3]int{0, 0, 7 * n})
	case "m":
		w.setOffset([3]int{0, n, 0})
	case "y":
		w.setOffset([3]int{n, 0, 0})
	}
	return used
}

func unitOf(s string) string {
	switch s {
	case "day", "days":
		return "d"
	case "week", "weeks", "wk", "wks":
		return "w"
	case "month", "months":
		return "m"
	case "year", "years":
		return "y"
	}
	return ""
}

func (w *whenParts) setOffset(o [3]int) {
	if w.hasOff {
		w.problem("two offsets")
	}
	w.offset, w.hasOff = o, true
}

// midnight is the start of t's day in loc.
func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// civilDays counts calendar days from a to b (both midnights in loc).
func civilDays(a, b time.Time) int {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	ua := time.Date(ya, ma, da, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, db, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
