package when

import (
	"time"
)

// scanner reads atoms (days, times, zones, durations) from tokens.
type scanner struct {
	src         string
	ts          []tok
	o           Options
	loc, reader *time.Location
	ref         time.Time // Options.Ref in loc
	whole       bool      // Parse: the text is one expression
}

func (p *scanner) tok(i int) tok {
	if i < 0 || i >= len(p.ts) {
		return tok{}
	}
	return p.ts[i]
}

func (p *scanner) word(i int) string {
	if i < 0 || i >= len(p.ts) || p.ts[i].kind != tWord {
		return ""
	}
	return p.ts[i].s
}

func (p *scanner) is(i int, ws ...string) bool {
	w := p.tok(i).s
	if w == "" {
		return false
	}
	for _, x := range ws {
		if w == x {
			return true
		}
	}
	return false
}

func (p *scanner) num(i int) (int, bool) {
	if i < 0 || i >= len(p.ts) || p.ts[i].kind != tNum {
		return 0, false
	}
	return p.ts[i].n, true
}

// glued reports that token i follows token i-1 without a space.
func (p *scanner) glued(i int) bool { return i < len(p.ts) && i > 0 && !p.ts[i].space }

func (p *scanner) spanText(i, j int) string {
	if j <= i || j > len(p.ts) {
		return ""
	}
	return p.src[p.ts[i].start:p.ts[j-1].end]
}

// clock is a time of day as written.
type clock struct {
	h, m     int
	mer      string // "am", "pm" or ""
	explicit bool   // 14:00, 14h, noon: a time even without am/pm
	guess    bool   // a bare hour read as working hours ("at 3")
}

func (c clock) minutes() int {
	h := c.h
	switch {
	case c.mer == "am" && h == 12:
		h = 0
	case c.mer == "pm" && h < 12:
		h += 12
	case c.mer == "" && c.guess:
		if h >= 1 && h <= 7 {
			h += 12
		}
	}
	return h*60 + c.m
}

type dayKind uint8

const (
	dAbs     dayKind = iota + 1 // a calendar date; y may be 0
	dWeekday                    // a weekday
	dOrdinal                    // "the 4th": a day of some month
	dRel                        // today, tomorrow: n days
	dOffset                     // in two weeks: n units
	dUnit                       // next week, next month: n = 0 this, 1 next, 2 the one after
	dMonth                      // March, early March, the summer
)

// day is a day (or a longer period) as written.
type day struct {
	kind      dayKind
	y, m, d   int
	wd        time.Weekday
	hasWD     bool
	nextWeek  bool // "next Thursday": the Thursday of next week
	n         int
	unit      byte   // d, w, m, y, q
	part      string // early, mid, late, end (of a month or unit)
	season    bool
	numeric   bool // written only with digits and separators
	dotted    bool // d.m. or d.m.y: day first wherever it is written
	ambiguous string
}

// atom is one piece of a date expression found at tokens [i, j).
type atom struct {
	i, j   int
	days   []day   // one, or two for a range of days
	clocks []clock // one, or two for a range of times
	zone   *zone
	dur    time.Duration
	pod    string // a part of the day alone ("afternoon"): am or pm
}

func (a atom) isDay() bool  { return len(a.days) > 0 }
func (a atom) isTime() bool { return len(a.clocks) > 0 }

// --- times ---

func (p *scanner) meridiemAt(i int) (string, int) {
	switch w := p.word(i); w {
	case "am", "pm":
		return w, 1
	case "a", "p":
		if p.word(i+1) == "m" {
			return w + "m", 2
		}
	}
	return "", 0
}

// bareHourIntro are words after which a bare hour is a time ("at 3", "um
// 15", "à 14").
var bareHourIntro = map[string]bool{
	"at": true, "around": true, "about": true, "after": true, "before": true, "until": true, "till": true, "til": true, "by": true, "from": true,
	"um": true, "gegen": true, "ab": true, "bis": true, "à": true, "vers": true, "las": true, "la": true, "alle": true, "verso": true,
	"om": true, "rond": true, "às": true, "as": true, "ca": true, "circa": true, "ore": true,
}

// klockBefore reports the Scandinavian "kl." (klockan, klokken) before
// token i: "kl. 15", "kl 14.30".
func (p *scanner) klockBefore(i int) bool {
	if p.word(i-1) == "kl" || p.word(i-1) == "klockan" || p.word(i-1) == "klokken" {
		return true
	}
	return p.is(i-1, ".") && p.word(i-2) == "kl"
}

// weekdayNext reports "on Friday", "tomorrow" or "Friday" at i: "11.30
// on Friday" is a time.
func (p *scanner) weekdayNext(i int) bool {
	if p.is(i, "on") {
		i++
	}
	if _, ok := weekdays[p.word(i)]; ok && !weekdays[p.word(i)].abbr {
		return true
	}
	_, ok := relDays[p.word(i)]
	return ok && p.word(i) != "today"
}

// clockAt reads one time of day at token i.
func (p *scanner) clockAt(i int, allowBare bool) (clock, int) {
	w := p.word(i)
	switch w {
	case "noon", "midday", "mittag", "mittags", "midi", "mediodía", "mediodia", "mezzogiorno", "meio-dia":
		return clock{h: 12, explicit: true}, 1
	case "midnight", "mitternacht", "minuit", "medianoche":
		return clock{h: 0, explicit: true}, 1
	}
	h, ok := p.num(i)
	if !ok || len(p.ts[i].s) > 2 || h > 24 {
		return clock{}, 0
	}
	// not the second half of a date or a version ("3/12", "1.2.3", "x:10")
	if i > 0 && p.glued(i) && (p.ts[i-1].s == "/" || p.ts[i-1].s == "." || p.ts[i-1].s == ":" || p.ts[i-1].kind == tNum) {
		return clock{}, 0
	}
	c := clock{h: h}
	n := 1
	if (p.is(i+1, ":") || p.is(i+1, ".")) && p.glued(i+1) && p.glued(i+2) {
		if mm, ok := p.num(i + 2); ok && len(p.ts[i+2].s) == 2 && mm < 60 {
			dot := p.is(i+1, ".")
			c.m, n = mm, 3
			c.explicit = !dot
			// seconds
			if p.is(i+3, ":") && p.glued(i+3) && p.glued(i+4) {
				if _, ok := p.num(i + 4); ok && len(p.ts[i+4].s) == 2 {
					n = 5
				}
			}
			if dot {
				// 15.30 is a time only with a unit (15.30 Uhr, 10.00 uur,
				// 2.30pm, 14.30h) or after a word that introduces a time
				// ("om 10.00", "alle 15.30", "at 10.30"), not an amount
				// ("at 3.50 euros")
				if mer, k := p.meridiemAt(i + n); k > 0 {
					c.mer = mer
					n += k
				} else if p.is(i+n, "uhr", "h", "uur", "u", "ore", "hrs", "hr") {
					c.explicit = true
					n++
				} else if (dotTimeIntro[p.word(i-1)] || p.klockBefore(i) || p.weekdayNext(i+n)) && !p.notClockAfter(i+n) {
					c.explicit = true
				} else {
					return clock{}, 0
				}
				return p.clockEnd(c, n)
			}
		}
	}
	// 14h, 14h30, 14 h 30, 9h00
	if c.m == 0 && n == 1 && p.is(i+1, "h") {
		c.explicit, n = true, 2
		if mm, ok := p.num(i + 2); ok && len(p.ts[i+2].s) == 2 && mm < 60 && (p.glued(i+2) || p.tok(i+2).space) {
			c.m, n = mm, 3
		}
		return p.clockEnd(c, n)
	}
	if p.is(i+n, "uhr") {
		c.explicit = true
		n++
		if n == 2 {
			if mm, ok := p.num(i + 2); ok && len(p.ts[i+2].s) == 2 && mm < 60 {
				c.m, n = mm, 3
			}
		}
		return p.clockEnd(c, n)
	}
	if mer, k := p.meridiemAt(i + n); k > 0 {
		c.mer = mer
		return p.clockEnd(c, n+k)
	}
	if p.is(i+n, "o'clock", "oclock") {
		c.explicit = true
		return p.clockEnd(c, n+1)
	}
	if c.explicit {
		if !p.o.Strict && (n == 3 || n == 5) && len(p.ts[i].s) == 1 && h >= 1 && h <= 6 {
			// "Tuesday at 2:30": a one-digit hour without am/pm is in
			// working hours, as a bare "at 2" is ("02:30" stays night)
			if pod, k := p.partOfDayAfter(i + n); k > 0 {
				c.mer = pod
				return p.clockEnd(c, n+k)
			}
			c.guess = true
		}
		return p.clockEnd(c, n)
	}
	// a bare hour: "at 3", "3ish", "3 in the afternoon"
	bare := allowBare || bareHourIntro[p.word(i-1)] || p.klockBefore(i)
	if p.word(i-1) == "la" && p.word(i-2) != "a" {
		bare = allowBare
	}
	if p.is(i+n, "ish") || (p.is(i+n, "-") && p.word(i+n+1) == "ish") {
		if p.is(i+n, "-") {
			n++
		}
		n++
		bare = true
	}
	if pod, k := p.partOfDayAfter(i + n); k > 0 {
		c.mer = pod
		return p.clockEnd(c, n+k)
	}
	if !bare || h > 23 || h == 0 {
		return clock{}, 0
	}
	// "at 2.5 times", "at 3/4", "at 10,000", "at 3 percent"
	if nx := p.tok(i + n); p.glued(i+n) && (nx.s == "," || nx.s == "/" || nx.s == "." || nx.s == "%") {
		if _, ok := p.num(i + n + 1); ok {
			return clock{}, 0
		}
	}
	if unitWords[p.word(i+n)] != 0 || p.is(i+n, "%", "percent", "people", "times", "minutes", "mins", "min", "hours", "hrs", "h", "x") {
		return clock{}, 0
	}
	if h >= 13 {
		c.explicit = true
	} else {
		c.guess = true
	}
	return p.clockEnd(c, n)
}

// clockEnd validates c and takes a part of the day that follows ("10 am
// in the morning" is odd, but "9 in the morning" is common).
func (p *scanner) clockEnd(c clock, n int) (clock, int) {
	if c.mer != "" && (c.h < 1 || c.h > 12) {
		if c.h == 0 && c.mer == "am" {
			c.h = 12
		} else if c.h > 12 && c.h <= 23 && c.m >= 0 {
			return clock{}, 0 // "13pm"
		}
	}
	if c.h == 24 && c.m != 0 {
		return clock{}, 0
	}
	if c.h == 24 {
		c.h = 0
	}
	return c, n
}

// partOfDayAfter reads "in the morning", "in the afternoon", "tonight",
// "am Nachmittag", "de l'après-midi", "de la tarde", "'s middags".
func (p *scanner) partOfDayAfter(i int) (string, int) {
	j := i
	for k := 0; k < 3 && p.is(j, "in", "the", "am", "de", "la", "l'", "du", "del", "da", "der", "des", "'s", "s", "'", "di", "della", "pomeriggio"); k++ {
		if p.is(j, "pomeriggio") {
			return "pm", j - i + 1
		}
		j++
	}
	if w := p.word(j); w != "" {
		if pod, ok := partOfDay[w]; ok {
			if w == "mañana" && j == i {
				return "", 0 // "mañana" alone is tomorrow
			}
			return pod, j - i + 1
		}
		if w == "après" && p.is(j+1, "-") && p.word(j+2) == "midi" {
			return "pm", j - i + 3
		}
		if w == "l'après" && p.is(j+1, "-") && p.word(j+2) == "midi" {
			return "pm", j - i + 3
		}
	}
	return "", 0
}

var rangeSep = map[string]bool{"-": true, "to": true, "until": true, "till": true, "til": true, "through": true, "thru": true, "bis": true,
	"à": true, "a": true, "au": true, "al": true, "hasta": true, "tot": true, "até": true, "and": true, "und": true, "et": true, "y": true, "en": true, "e": true, "~": true}

// timeAt reads a time or a range of times at i ("2pm", "1-4pm", "between
// 2 and 3:30pm", "14:00–15:00", "from 10 to 11am").
func (p *scanner) timeAt(i int) (atom, int) {
	start := i
	intro := ""
	if p.is(i, "between", "from", "zwischen", "von", "entre", "de", "del", "tussen", "van", "dalle", "tra") {
		intro = p.word(i)
		i++
	}
	c1, n1 := p.clockAt(i, intro != "")
	if n1 == 0 {
		// a bare first hour of a range with a plain end: "1-4pm"
		if c, n := p.clockAt(i, true); n > 0 && rangeSep[p.tok(i+n).s] && !and(p.tok(i+n).s) {
			if c2, n2 := p.clockAt(i+n+1, true); n2 > 0 && (c2.mer != "" || c2.explicit) {
				if a, b, ok := joinRange(c, c2); ok {
					return atom{i: start, j: i + n + 1 + n2, clocks: []clock{a, b}}, i + n + 1 + n2 - start
				}
			}
		}
		return atom{}, 0
	}
	j := i + n1
	// a range?
	if sep := p.tok(j).s; rangeSep[sep] && !p.tok(j).brk {
		if !and(sep) || intro != "" {
			k := j + 1
			if p.is(k, "las", "les", "la") {
				k++
			}
			if c2, n2 := p.clockAt(k, true); n2 > 0 {
				if a, b, ok := joinRange(c1, c2); ok {
					return atom{i: start, j: k + n2, clocks: []clock{a, b}}, k + n2 - start
				} else if p.whole && (c1.explicit || c1.mer != "") && (c2.explicit || c2.mer != "") {
					// Parse reports the backwards range
					return atom{i: start, j: k + n2, clocks: []clock{c1, c2}}, k + n2 - start
				}
			}
		}
	}
	if intro != "" && !c1.explicit && c1.mer == "" && !c1.guess {
		return atom{}, 0
	}
	if intro != "" && (intro == "de" || intro == "del" || intro == "van" || intro == "from" || intro == "von") {
		// "from 2pm": the intro belongs to the time
		return atom{i: start, j: j, clocks: []clock{c1}}, j - start
	}
	if intro != "" {
		return atom{}, 0
	}
	return atom{i: start, j: j, clocks: []clock{c1}}, j - start
}

func and(sep string) bool {
	return sep == "and" || sep == "und" || sep == "et" || sep == "y" || sep == "en" || sep == "e"
}

// joinRange fills in a missing meridiem ("1-4pm": 1pm to 4pm; "11-1pm":
// 11am to 1pm) and checks the range runs forward.
func joinRange(a, b clock) (clock, clock, bool) {
	if a.mer == "" && b.mer != "" && !a.explicit {
		a.mer, a.guess = b.mer, false
		if a.minutes() >= b.minutes() && b.mer == "pm" {
			a.mer = "am"
		}
	}
	if b.mer == "" && a.mer != "" && !b.explicit {
		b.mer, b.guess = a.mer, false
		if b.minutes() <= a.minutes() && a.mer == "am" {
			b.mer = "pm"
		}
	}
	if a.guess && b.guess {
		// "between 2 and 4": both working hours
	} else if a.guess && b.explicit {
		a.guess = false
		if b.h >= 12 && a.h < 12 && a.h+12 < b.h {
			a.h += 12
		}
	}
	if b.guess && !a.guess {
		b.guess = false
		if b.h < 12 && (a.minutes() >= 12*60 || b.h*60+b.m <= a.minutes()) {
			b.h += 12 // "from 11 to 2:30", "9:30-1:30"
		}
	}
	if b.minutes() <= a.minutes() {
		return a, b, false
	}
	return a, b, true
}

// dotTimeIntro are words after which "10.30" is a time of day: "om 10.00",
// "um 10.30", "alle 15.30", "à 9.30", "at 10.30", "van 9.00 tot 10.00".
var dotTimeIntro = map[string]bool{
	"at": true, "around": true, "from": true, "until": true, "till": true, "um": true, "gegen": true, "ab": true, "bis": true,
	"om": true, "rond": true, "van": true, "tot": true, "vanaf": true, "alle": true, "ore": true, "dalle": true, "verso": true,
	"à": true, "vers": true, "las": true, "às": true,
}

// notClockAfter: what follows a number that makes it an amount or a
// measure, not a time ("3.50 euros", "2.30 %", "1.50 per hour").
func (p *scanner) notClockAfter(i int) bool {
	t := p.tok(i)
	if t.kind == tNum || (p.glued(i) && (t.s == "." || t.s == "," || t.s == "%" || t.s == "/")) {
		return true
	}
	return unitWords[t.s] != 0 || p.is(i, "%", "percent", "euro", "euros", "eur", "€", "$", "usd", "dollar", "dollars", "pounds", "gbp", "chf",
		"per", "km", "kg", "mb", "gb", "x", "times", "hours", "minutes", "mins", "min", "people", "procent", "prozent", "pour")
}
